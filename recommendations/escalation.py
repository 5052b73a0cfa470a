"""Escalation: an overdue action goes up a ladder, by how long it has been overdue (settings.ESCALATION_LADDER, by
default 14 days to the owner's line manager, 28 days to the chair of the board accountable for it).

The level is worked out from the due date on the day asked about, never stored, so it is right on any day, the
past included; who was told, and when, is in their notifications (bvgov.notifications.escalate_overdue).
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q

from .querysets import overdue_action_q


class EscalationLevel(models.IntegerChoices):
    NONE = 0, "Not escalated"
    LINE_MANAGER = 1, "Escalated to the owner's line manager"
    BOARD = 2, "Escalated to the accountable board's chair"


def ladder() -> dict[int, int]:
    """Each level above none, with the days overdue at which an action reaches it."""
    rungs = settings.ESCALATION_LADDER
    return {EscalationLevel.LINE_MANAGER: rungs["line_manager"], EscalationLevel.BOARD: rungs["board_chair"]}


def escalation_level(days_overdue: int) -> int:
    """The highest level an action this many days overdue has reached (days_overdue is the one overdue rule's)."""
    reached = [level for level, days in ladder().items() if days_overdue and days_overdue >= days]
    return max(reached, default=EscalationLevel.NONE)


def escalated_q(level: int, today: datetime.date, prefix: str = "") -> Q:
    """Actions at `level` or above on `today`: open, and overdue by at least that level's days."""
    return overdue_action_q(today, prefix=prefix, by_days=ladder()[level] - 1)


def accountable_board(action):
    """The board that answers for an action: its review's implementation board, else its project board, else its
    programme's board."""
    review = action.recommendation.review
    if review is not None and (review.implementation_board_id or review.project_board_id):
        return review.implementation_board or review.project_board
    return action.recommendation.source.programme.programme_board


def escalated_to(action, level: int) -> str:
    """Whom an action at `level` has gone to, as its page says it."""
    if level == EscalationLevel.LINE_MANAGER:
        manager = action.owner.reports_to if action.owner else None
        return f"To {manager.name}, the owner's line manager." if manager else "Its owner has no line manager recorded."
    if level == EscalationLevel.BOARD:
        board = accountable_board(action)
        return f"To the chair of {board.name}." if board else "No board accountable for it is recorded."
    return ""
