"""The reads behind the recommendations pages, with their joins done once."""

import datetime

from django.db.models import (
    Case,
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from core.history import latest_version_subquery
from core.pagination import first_rows_and_count, one_or_404
from programmes.models import Decision

from .choices import ACTION_CLOSED_STATUSES
from .models import Action, Comment, Delegation, Evidence, ProgressUpdate, Recommendation
from .querysets import amber_action_q, on_recommendation_q, open_action_q, red_action_q

LATEST_UPDATES = 3


# What a row of the actions and recommendations lists shows, read as values (recommendations.rows writes the rows
# from them): the exports read whole records.
ACTION_ROW_FIELDS = (
    "id",
    "description",
    "external_dependency",
    "due_date",
    "status",
    "rag_override",
    "at_risk_since",
    "last_update_on",
    "recommendation_id",
    "recommendation__number",
    "recommendation__source__title",
    "owner__name",
)
RECOMMENDATION_ROW_FIELDS = (
    "id",
    "number",
    "text",
    "theme",
    "target_ongoing",
    "timescale",
    "original_target_date",
    "revised_target_date",
    "decision_status",
    "implementation_status",
    "open_actions",
    "source__title",
    "owner__name",
)


def actions_with_context():
    return Action.objects.select_related("owner", "recommendation__source", "recommendation__review").with_last_update()


def latest_updates_prefetch() -> Prefetch:
    return Prefetch(
        "updates",
        queryset=ProgressUpdate.objects.select_related("author", "on_behalf_of").order_by("-reported_on", "-id")[
            :LATEST_UPDATES
        ],
        to_attr="latest_updates",
    )


def my_actions(*, person):
    """An owner's actions, those of the reviews they direct as project director, and those of the owners they are
    deputy for today, open ones first and soonest due first, each with its latest progress updates."""
    if person is None:
        return Action.objects.none()
    deputising = Delegation.objects.deputising(person, timezone.localdate())
    return (
        actions_with_context()
        .filter(Q(owner=person) | Q(recommendation__review__project_director=person) | Q(owner_id__in=deputising))
        .annotate(
            closed=Case(
                When(status__in=ACTION_CLOSED_STATUSES, then=Value(1)), default=Value(0), output_field=IntegerField()
            )
        )
        .prefetch_related(latest_updates_prefetch())
        .order_by("closed", "due_date", "id")
    )


def challenges_waiting(*, person):
    """The challenges put to an owner (or to an owner they are deputy for) not answered yet, oldest first: the first
    thing they see."""
    if person is None:
        return Comment.objects.none()
    deputising = Delegation.objects.deputising(person, timezone.localdate())
    return (
        Comment.objects.filter(Q(addressed_to=person) | Q(addressed_to_id__in=deputising), answered_at__isnull=True)
        .select_related("author", "action", "recommendation__source")
        .order_by("asked_at", "id")
    )


def my_recommendations(*, person):
    if person is None:
        return Recommendation.objects.none()
    return (
        Recommendation.objects.filter(owner=person)
        .select_related("source", "review")
        .order_by("implementation_status", "original_target_date", "id")
    )


def action_for_row(*, pk: int, today: datetime.date | None = None) -> Action:
    return actions_with_context().prefetch_related(latest_updates_prefetch()).get(pk=pk)


def open_actions_count():
    counts = (
        Action.objects.filter(open_action_q(), recommendation=OuterRef("pk"))
        .order_by()
        .values("recommendation")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)


def recommendation_list():
    """The recommendations register: each row with its source, review and owner, and its number of open actions."""
    return (
        Recommendation.objects.select_related("source", "review", "owner")
        # A subquery, not a join and GROUP BY: the database counts only the page's rows, unless asked to sort on it.
        .annotate(open_actions=open_actions_count())
        # Newest report first, each report's recommendations in the order they were recorded. Spelled out because
        # the model's ordering does not apply to a query that groups for a count.
        .order_by("-source__published_on", "source__title", "id")
    )


def recommendation_detail(*, pk: int) -> Recommendation:
    """One recommendation with everything its page shows, each relation fetched once."""
    queryset = Recommendation.all_objects.select_related(
        "source__review",
        "source__inspection",
        "source__verifier",
        "source__programme__manager",
        "review",
        "owner",
        "reported_implemented_by",
        "closed_by",
        "superseded_by__source",
    ).prefetch_related(
        "indicators",
        "outcomes",
        Prefetch(
            "actions", queryset=Action.objects.select_related("owner").with_last_update().order_by("due_date", "id")
        ),
        Prefetch("decisions", queryset=Decision.objects.select_related("body", "meeting")),
    )
    return one_or_404(queryset, pk=pk)


def progress_on_recommendation(recommendation: Recommendation):
    """Progress updates on the recommendation and on each of its actions, newest first, with their evidence."""
    return (
        ProgressUpdate.objects.filter(on_recommendation_q(recommendation.pk))
        .select_related("author", "on_behalf_of", "action")
        .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.order_by("uploaded_at", "id")))
        .order_by("-reported_on", "-id")
    )


def comments_on(subject: Recommendation | Action):
    """The challenges put about a recommendation or an action, newest first, with who asked and who answered."""
    field = "action" if isinstance(subject, Action) else "recommendation"
    return (
        Comment.objects.filter(**{field: subject})
        .select_related("author", "addressed_to", "answered_by", "answered_for")
        .order_by("-asked_at", "-id")
    )


def action_list(*, today: datetime.date, ranked: bool = True):
    """The actions register: each row with its owner and recommendation, ranked red, amber, green as shown today
    (`rag_rank`, for sorting by RAG; without `ranked` the rank is left out, and the database need not plan it)."""
    actions = actions_with_context()
    if not ranked:
        return actions
    return actions.annotate(
        rag_rank=Case(
            When(red_action_q(today), then=Value(0)),
            When(amber_action_q(today), then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
    )


def action_detail(*, pk: int) -> Action:
    """One action with its recommendation and its dependencies both ways (its progress updates: action_updates)."""
    related = Action.objects.select_related("owner", "recommendation__source").order_by("due_date", "id")
    return one_or_404(
        Action.all_objects.select_related("owner", "recommendation__source", "recommendation__review")
        .with_last_update()
        .annotate(
            latest_version=latest_version_subquery(Action),
        )
        .select_related(
            "recommendation__owner",
            # Whom it is escalated to (recommendations.escalation), in the same query.
            "owner__reports_to",
            "recommendation__review__implementation_board",
            "recommendation__review__project_board",
            "recommendation__source__programme__programme_board",
        )
        .prefetch_related(Prefetch("depends_on", queryset=related), Prefetch("dependants", queryset=related)),
        pk=pk,
    )


# An action's page shows its latest progress updates, and all of them on request: an action reported on every week
# for years would otherwise be a page of hundreds.
UPDATES_SHOWN = 20


def action_updates(action: Action, *, everything: bool = False) -> tuple[list, int]:
    """An action's progress updates, newest first, with their evidence: the latest UPDATES_SHOWN (or all), and how
    many there are in all."""
    updates = (
        ProgressUpdate.objects.filter(action=action)
        .select_related("author", "on_behalf_of")
        .order_by("-reported_on", "-id")
    )
    if everything:
        rows = list(updates)
        in_all = len(rows)
    else:
        rows, in_all = first_rows_and_count(updates, UPDATES_SHOWN)
    prefetch_related_objects(rows, Prefetch("evidence", queryset=Evidence.objects.order_by("uploaded_at", "id")))
    return rows, in_all


def evidence_for_download(*, pk: int) -> Evidence:
    return get_object_or_404(Evidence.objects.select_related("update"), pk=pk)
