"""A board's dashboard: its reviews in one programme, what is due and overdue by owner, the decisions waiting for it,
and a summary of what changed in its reviews since it last met."""

import datetime
import operator
from collections import Counter
from dataclasses import dataclass
from functools import reduce

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, F, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.models import AuditEntry
from core.pagination import first_rows_and_count
from programmes.choices import BodyKind
from programmes.models import Body, Decision, Meeting, Programme
from recommendations.choices import DecisionStatus
from recommendations.models import Action, Recommendation, UpdateRound
from recommendations.querysets import due_soon_action_q, overdue_action_q
from recommendations.rounds import RoundSummary, round_summary
from reviews.choices import AWAITING_BODY_KINDS
from reviews.models import Review

from .register import group_by, start_of_day
from .trail import audit_trail

BOARD_KINDS = (
    BodyKind.AUTHORITY,
    BodyKind.COMMITTEE,
    BodyKind.MANAGEMENT_BOARD,
    BodyKind.PROGRAMME_BOARD,
    BodyKind.PROJECT_BOARD,
    BodyKind.IMPLEMENTATION_BOARD,
    BodyKind.STRATEGY_BOARD,
)
# The authority and the management board answer for every review; other bodies for the reviews they oversee.
WHOLE_PROGRAMME_KINDS = (BodyKind.AUTHORITY, BodyKind.MANAGEMENT_BOARD)
ACTIONS_SHOWN = 10
WAITING_SHOWN = 10
# The changes that matter most to a board, of those since it last met: decisions, and these fields changing.
SIGNIFICANT_FIELDS = frozenset(
    {"stage", "decision_status", "implementation_status", "status", "rag_override", "due_date", "target_date", "owner"}
)
SIGNIFICANT_READ = 200
SIGNIFICANT_SHOWN = 8


def boards():
    return Body.objects.filter(kind__in=BOARD_KINDS).order_by("name")


# How a review names the bodies that oversee it, besides those of the whole programme's kinds, which oversee all.
REVIEW_BOARD_LINKS = (
    "project_board",
    "implementation_board",
    "challenge_panel",
    "programme__programme_board",
    "programme__executive_body",
)


def board_reviews(body: Body):
    if body.kind in WHOLE_PROGRAMME_KINDS:
        return Review.objects.all()
    return Review.objects.filter(reduce(operator.or_, (Q(**{link: body}) for link in REVIEW_BOARD_LINKS)))


def review_boards(review_id: int):
    """The bodies that oversee a review, as board_reviews finds its reviews: its own and its programme's boards, and
    those of the whole programme's kinds."""
    linked = Review.objects.filter(pk=review_id).values_list(*(f"{link}_id" for link in REVIEW_BOARD_LINKS)).first()
    return Body.objects.filter(Q(kind__in=WHOLE_PROGRAMME_KINDS) | Q(pk__in=[pk for pk in linked or () if pk]))


def board_programmes(body: Body):
    """The programmes in which the board oversees a review, newest first."""
    return Programme.objects.filter(pk__in=board_reviews(body).values("programme_id"))


@dataclass
class ChangeSummary:
    """What changed in the board's reviews since a moment: counts by kind of record, the changes that matter most."""

    since: datetime.date
    count: int
    by_kind: list[dict]
    significant: list


@dataclass
class BoardDashboard:
    body: Body
    programme: Programme | None
    today: datetime.date
    reviews: list
    actions_by_owner: list
    actions_count: int
    actions_shown = ACTIONS_SHOWN
    reviews_waiting: list
    recommendations_waiting: list
    recommendations_waiting_count: int
    last_meeting: Meeting | None
    changes: ChangeSummary | None
    update_round: RoundSummary | None = None


def board_dashboard(*, body: Body, programme: Programme | None) -> BoardDashboard:
    today = timezone.localdate()
    scoped = board_reviews(body)
    if programme is not None:
        scoped = scoped.filter(programme=programme)
    reviews = list(scoped.order_by("title", "id"))
    review_ids = [review.pk for review in reviews]
    # The board's actions through its reviews' recommendations, read by their index (a join on the review would
    # have the database read every open action of the register first).
    recommendation_ids = Recommendation.objects.filter(review_id__in=review_ids).values("id")
    actions, actions_count = first_rows_and_count(
        Action.objects.filter(recommendation_id__in=Subquery(recommendation_ids))
        .filter(overdue_action_q(today) | due_soon_action_q(today))
        .select_related("owner", "recommendation__review")
        .order_by("owner__name", "due_date", "id"),
        ACTIONS_SHOWN,
    )
    waiting, waiting_count = first_rows_and_count(
        Recommendation.objects.filter(review_id__in=review_ids, decision_status=DecisionStatus.PROPOSED)
        .select_related("source", "review")
        .order_by("review__title", "id"),
        WAITING_SHOWN,
    )
    last_meeting = body.meetings.filter(date__lte=today).order_by("-date").first()
    rounds = UpdateRound.objects.filter(meeting__body=body).select_related("meeting__body")
    if programme is not None:
        rounds = rounds.filter(programme=programme)
    latest_round = rounds.order_by("-opened_at", "-id").first()
    return BoardDashboard(
        body=body,
        programme=programme,
        today=today,
        reviews=reviews,
        actions_by_owner=[
            {"owner": owner, "actions": owned, "overdue": sum(1 for a in owned if a.days_overdue(today))}
            for owner, owned in group_by(actions, key=lambda action: action.owner).items()
        ],
        actions_count=actions_count,
        reviews_waiting=[review for review in reviews if body.kind in AWAITING_BODY_KINDS.get(review.stage, ())],
        recommendations_waiting=waiting,
        recommendations_waiting_count=waiting_count,
        last_meeting=last_meeting,
        changes=changes_since(review_ids, last_meeting.date) if last_meeting else None,
        update_round=round_summary(latest_round) if latest_round else None,
    )


def changes_since(review_ids: list, day: datetime.date) -> ChangeSummary:
    """Counts by kind of record (one grouped query), then the newest significant changes among the latest
    SIGNIFICANT_READ entries: decisions recorded, and changes of stage, status, dates and owners (only those fields)."""
    entries = AuditEntry.objects.filter(review_id__in=review_ids, history_date__gte=start_of_day(day))
    kinds = Counter(dict(entries.values_list("content_type_id").annotate(n=Count("id")).order_by()))
    decision_type = ContentType.objects.get_for_model(Decision).pk
    by_kind = [
        {"name": ContentType.objects.get_for_id(pk).model_class()._meta.verbose_name_plural, "count": n}
        for pk, n in kinds.most_common()
    ]
    # Ordered by an expression, not the column, so that the database picks the reviews' entries by the review index
    # and sorts them, instead of walking the whole trail by date to find them.
    newest = entries.order_by(Coalesce("history_date", "history_date").desc(), F("id").desc())
    # The candidates as plain values, then only the entries shown as records: two hundred entries with their users
    # and kinds built as models cost more than the rest of the page.
    shown = {}
    for pk, content_type_id, history_type, changes in newest.values_list(
        "id", "content_type_id", "history_type", "changes"
    )[:SIGNIFICANT_READ]:
        if content_type_id == decision_type and history_type == "+":
            shown[pk] = []
        elif history_type == "~":
            changed = [change for change in changes if change.get("field") in SIGNIFICANT_FIELDS]
            if changed:
                shown[pk] = changed
        if len(shown) == SIGNIFICANT_SHOWN:
            break
    significant = [{"entry": entry, "changes": shown[entry.pk]} for entry in audit_trail().filter(pk__in=shown)]
    return ChangeSummary(since=day, count=kinds.total(), by_kind=by_kind, significant=significant)
