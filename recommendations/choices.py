import datetime

from django.db import models
from django.utils.translation import ngettext


class SourceKind(models.TextChoices):
    REVIEW_REPORT = "review_report", "Review final report"
    INSPECTION = "inspection", "Inspection"
    AUDIT = "audit", "Audit"
    SERVICE_REVIEW = "service_review", "Service review"


class Priority(models.TextChoices):
    HIGH = "high", "High"
    LOW = "low", "Low"


class Ease(models.TextChoices):
    EASY = "easy", "Easy"
    DIFFICULT = "difficult", "Difficult"


class CostBand(models.TextChoices):
    INEXPENSIVE = "inexpensive", "Inexpensive"
    EXPENSIVE = "expensive", "Expensive"


class Speed(models.TextChoices):
    QUICK = "quick", "Quick"
    SLOW = "slow", "Slow"


class DecisionStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    ACCEPTED = "accepted", "Accepted"
    PARTLY_ACCEPTED = "partly_accepted", "Partly accepted"
    NOT_PURSUED = "not_pursued", "Not pursued"


DECISION_STATUSES_NEEDING_RATIONALE = (DecisionStatus.PARTLY_ACCEPTED, DecisionStatus.NOT_PURSUED)


class ImplementationStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    # The owner says it is done; it counts as implemented only once its verifier accepts it.
    AWAITING_VERIFICATION = "awaiting_verification", "Awaiting verification"
    IMPLEMENTED = "implemented", "Implemented (verified)"
    SUPERSEDED = "superseded", "Superseded"
    RISK_ACCEPTED = "risk_accepted", "Risk accepted"
    NOT_IMPLEMENTED = "not_implemented", "Not implemented"


# A recommendation in one of these is closed: nothing more is owed on it.
IMPLEMENTATION_CLOSED_STATUSES = (
    ImplementationStatus.IMPLEMENTED,
    ImplementationStatus.SUPERSEDED,
    ImplementationStatus.RISK_ACCEPTED,
    ImplementationStatus.NOT_IMPLEMENTED,
)
# What the programme manager sets by editing; the rest come only from the verification and closure steps
# (recommendations.services), each with who, when and why.
IMPLEMENTATION_STATUSES_EDITABLE = (ImplementationStatus.NOT_STARTED, ImplementationStatus.IN_PROGRESS)


class ActionStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    BLOCKED = "blocked", "Blocked"
    COMPLETE = "complete", "Complete"
    CANCELLED = "cancelled", "Cancelled"


ACTION_CLOSED_STATUSES = (ActionStatus.COMPLETE, ActionStatus.CANCELLED)

ACTION_TRANSITIONS: dict[str, frozenset[str]] = {
    ActionStatus.NOT_STARTED: frozenset(
        {ActionStatus.IN_PROGRESS, ActionStatus.BLOCKED, ActionStatus.COMPLETE, ActionStatus.CANCELLED}
    ),
    ActionStatus.IN_PROGRESS: frozenset(
        {ActionStatus.NOT_STARTED, ActionStatus.BLOCKED, ActionStatus.COMPLETE, ActionStatus.CANCELLED}
    ),
    ActionStatus.BLOCKED: frozenset({ActionStatus.IN_PROGRESS, ActionStatus.COMPLETE, ActionStatus.CANCELLED}),
    # A closed action is reopened into progress, never straight to blocked or not started.
    ActionStatus.COMPLETE: frozenset({ActionStatus.IN_PROGRESS}),
    ActionStatus.CANCELLED: frozenset({ActionStatus.IN_PROGRESS}),
}


class Rag(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"


DUE_SOON_DAYS = 30
STALE_UPDATE_DAYS = 60


def derive_rag(
    *, status: str, due_date: datetime.date | None, today: datetime.date, last_update: datetime.date | None = None
) -> str:
    """The one RAG rule, shown on the help page:

    complete or cancelled → green; blocked → red; past its due date → red; due within 30 days with no progress
    update in the last 60 days → amber; anything else → green. An owner may override it, with a reason.
    """
    if status in ACTION_CLOSED_STATUSES:
        return Rag.GREEN
    if status == ActionStatus.BLOCKED:
        return Rag.RED
    if due_date is not None and due_date < today:
        return Rag.RED
    recently_updated = last_update is not None and (today - last_update).days <= STALE_UPDATE_DAYS
    if due_date is not None and (due_date - today).days <= DUE_SOON_DAYS and not recently_updated:
        return Rag.AMBER
    return Rag.GREEN


def days_overdue(*, status: str, due_date: datetime.date | None, today: datetime.date) -> int:
    """The one overdue rule (overdue_action_q is the same in SQL): an action still open after its due date is
    overdue, by the days since; 0 when it is not overdue."""
    if status in ACTION_CLOSED_STATUSES or due_date is None or due_date >= today:
        return 0
    return (today - due_date).days


def slipped_days(original: datetime.date | None, revised: datetime.date | None) -> int:
    """How many days a recommendation's revised target date is after its original one (0 if not later, or either
    is missing)."""
    if revised and original:
        return max((revised - original).days, 0)
    return 0


def duration_text(days: int) -> str:
    """How long a span of days is, as a person says it: "12 days" under two months, "3 months" (to the nearest) under
    two years, then "24 years 8 months"."""
    if days < 60:
        return ngettext("%(count)d day", "%(count)d days", days) % {"count": days}
    months = round(days / (365.25 / 12))
    if months < 24:
        return ngettext("%(count)d month", "%(count)d months", months) % {"count": months}
    years, months = divmod(months, 12)
    said = ngettext("%(count)d year", "%(count)d years", years) % {"count": years}
    if months:
        said += " " + ngettext("%(count)d month", "%(count)d months", months) % {"count": months}
    return said
