"""The reads behind the dashboards. Every selector takes an 'as at' moment, so the same code shows the register
as it stands now or as it stood at the end of any past day (reconstructed from simple-history)."""

import datetime
import uuid
from collections import defaultdict
from dataclasses import dataclass, field, replace

from django.contrib.contenttypes.models import ContentType
from django.core.cache.backends.dummy import DummyCache
from django.db.models import Count, Exists, F, Func, IntegerField, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce, TruncQuarter
from django.utils import timezone

from bvgov.page_cache import ACTION, DASHBOARD_UNSEEN
from core.archiving import Archivable, active_q, live_count
from core.listing import Column
from core.models import AuditEntry
from programmes.choices import BodyKind
from programmes.models import Body, Decision, Meeting, StrategicOutcome
from programmes.versions import CARRY_FORWARD_LIMIT, Entries, page_cache
from recommendations.choices import DecisionStatus, ImplementationStatus
from recommendations.models import Action, Recommendation
from recommendations.querysets import (
    LONG_OVERDUE_DAYS,
    due_soon_action_q,
    no_funding_q,
    no_owner_q,
    no_target_q,
    open_action_q,
    outstanding_recommendation_q,
    overdue_action_q,
    red_action_q,
)
from reviews.choices import AWAITING_BODY_KINDS, AWAITING_DECISION, ReviewStage
from reviews.models import Aim, Review
from reviews.workflow import decision_chain

LIST_LIMIT = 25


@dataclass(frozen=True)
class Register:
    """The three querysets a dashboard reads, live or as they stood at the end of `as_at`."""

    today: datetime.date
    as_at: datetime.date | None
    reviews: object
    recommendations: object
    actions: object

    @property
    def is_historical(self) -> bool:
        return self.as_at is not None


def end_of_day(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))


def start_of_day(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def register_at(as_at: datetime.date | None = None) -> Register:
    today = timezone.localdate()
    if as_at is None or as_at >= today:
        return Register(today, None, Review.objects.all(), Recommendation.objects.all(), Action.objects.all())
    moment = end_of_day(as_at)
    return Register(as_at, as_at, as_of(Review, moment), as_of(Recommendation, moment), as_of(Action, moment))


def as_of(model, moment: datetime.datetime):
    """The history rows that give each record's state at `moment`, records deleted or archived by then left out.

    Like simple-history's `as_of`, but two rows of one record written in the same instant (a save and its m2m
    change, say) are told apart by history_id, so no record is counted twice.
    """
    history = model.history.model.objects.filter(history_date__lte=moment)
    later = history.filter(id=OuterRef("id")).filter(
        Q(history_date__gt=OuterRef("history_date"))
        | Q(history_date=OuterRef("history_date"), history_id__gt=OuterRef("history_id"))
    )
    state = history.filter(~Exists(later)).exclude(history_type="-")
    if issubclass(model, Archivable):
        state = state.filter(active_q())
    return state


@dataclass
class ProgressRow:
    """One line of the committee's table: a review, or a report (an audit, say) whose recommendations no review owns."""

    title: str
    review_id: int | None = None
    source_id: int | None = None
    stage: str = ""
    stage_label: str = ""
    awaiting: str = ""
    by_decision: dict = field(default_factory=dict)
    by_implementation: dict = field(default_factory=dict)
    actions_open: int = 0
    actions_overdue: int = 0
    actions_red: int = 0

    @property
    def total(self) -> int:
        return sum(self.by_decision.values())

    @property
    def accepted(self) -> int:
        return sum(
            self.by_decision.get(status, 0) for status in (DecisionStatus.ACCEPTED, DecisionStatus.PARTLY_ACCEPTED)
        )

    @property
    def implemented(self) -> int:
        return self.by_implementation.get(ImplementationStatus.IMPLEMENTED, 0)

    @property
    def implementation_rate(self) -> str:
        return f"{self.implemented} of {self.accepted}"

    @property
    def implementation_percent(self) -> int | None:
        return round(100 * self.implemented / self.accepted) if self.accepted else None


@dataclass
class CommitteeDashboard:
    register: Register
    reviews: list[ProgressRow]
    other_sources: list[ProgressRow]
    totals: dict
    gaps: list
    gaps_count: int
    awaiting: list
    long_overdue: list
    long_overdue_count: int
    trend: list
    # The version of what no action's change moves (the reviews waiting for a decision, the gaps, the trend): the
    # live view's version when it was last read afresh, kept while it is carried forward. "" when not known.
    static_version: str = ""


def progress_rows(register: Register) -> tuple[list[ProgressRow], list[ProgressRow]]:
    """Rows per review, and per report whose recommendations belong to no review, with their counts.

    Three grouped queries, whatever the size of the register: reviews, recommendation counts, action counts.
    """
    stage_labels = dict(ReviewStage.choices)
    reviews = {
        review["id"]: ProgressRow(
            title=review["title"],
            review_id=review["id"],
            stage=review["stage"],
            stage_label=stage_labels.get(review["stage"], review["stage"]),
            awaiting=AWAITING_DECISION.get(review["stage"], ""),
        )
        for review in register.reviews.order_by("title").values("id", "title", "stage")
    }
    sources: dict[int, ProgressRow] = {}

    def row_for(review_id, source_id, source_title) -> ProgressRow | None:
        if review_id is not None:
            return reviews.get(review_id)
        if source_id not in sources:
            sources[source_id] = ProgressRow(title=source_title, source_id=source_id)
        return sources[source_id]

    counts = (
        register.recommendations.values(
            "review_id", "source_id", "source__title", "decision_status", "implementation_status"
        )
        .annotate(n=Count("id"))
        .order_by()
    )
    for count in counts:
        row = row_for(count["review_id"], count["source_id"], count["source__title"])
        if row is None:
            continue
        row.by_decision[count["decision_status"]] = row.by_decision.get(count["decision_status"], 0) + count["n"]
        status = count["implementation_status"]
        row.by_implementation[status] = row.by_implementation.get(status, 0) + count["n"]
    add_action_counts(register, register.actions, row_for)
    return list(reviews.values()), sorted(sources.values(), key=lambda row: row.title)


def add_action_counts(register: Register, actions, row_for) -> None:
    """Add the open, overdue and red counts of `actions` to the rows `row_for(review, source, title)` gives."""
    counts = (
        actions.values("recommendation__review_id", "recommendation__source_id", "recommendation__source__title")
        .annotate(
            open=Count("id", filter=open_action_q()),
            overdue=Count("id", filter=overdue_action_q(register.today)),
            red=Count("id", filter=red_action_q(register.today)),
        )
        .order_by()
    )
    for count in counts:
        row = row_for(
            count["recommendation__review_id"],
            count["recommendation__source_id"],
            count["recommendation__source__title"],
        )
        if row is None:
            continue
        row.actions_open += count["open"]
        row.actions_overdue += count["overdue"]
        row.actions_red += count["red"]


def totals_of(rows: list[ProgressRow]) -> dict:
    return {
        "total": sum(row.total for row in rows),
        "accepted": sum(row.accepted for row in rows),
        "implemented": sum(row.implemented for row in rows),
        "open": sum(row.actions_open for row in rows),
        "overdue": sum(row.actions_overdue for row in rows),
        "red": sum(row.actions_red for row in rows),
    }


def _trend(register: Register) -> list[dict]:
    """Recommendations implemented, cumulative by quarter, as the register records their implementation dates."""
    per_quarter = (
        register.recommendations.filter(
            implementation_status=ImplementationStatus.IMPLEMENTED,
            implemented_on__isnull=False,
            implemented_on__lte=register.today,
        )
        .annotate(quarter=TruncQuarter("implemented_on"))
        .values("quarter")
        .annotate(n=Count("id"))
        .order_by("quarter")
    )
    running, points = 0, []
    for point in per_quarter:
        running += point["n"]
        quarter = point["quarter"]
        points.append(
            {
                "quarter": quarter,
                "label": f"{quarter.year} Q{(quarter.month - 1) // 3 + 1}",
                "implemented": point["n"],
                "cumulative": running,
            }
        )
    return points


def first_rows_and_count(queryset, limit: int) -> tuple[list, int]:
    """The first `limit` rows and how many there are in all, in one query: the count is a scalar subquery over the
    same filter, which the database works out once (from an index where it can) before the limit applies. (A
    window count would read every matching row in full.)"""
    count = queryset.order_by().values(n=Func(F("pk"), function="COUNT"))
    rows = list(queryset.annotate(rows_in_all=Subquery(count, output_field=IntegerField()))[:limit])
    if not rows:
        return rows, 0
    first = rows[0]
    return rows, first["rows_in_all"] if isinstance(first, dict) else first.rows_in_all


def gap_row(rec: dict) -> dict:
    rec["missing"] = [
        label
        for label, missing in (
            ("owner", rec["owner_id"] is None),
            ("target date", rec["original_target_date"] is None and not rec["target_ongoing"]),
            ("funding", rec["funding_amount"] is None and not rec["funding_source"]),
        )
        if missing
    ]
    return rec


def committee_dashboard(*, as_at: datetime.date | None = None, head: int | None = None) -> CommitteeDashboard:
    """The committee's view. Lists are read as values() with their joins, which work the same on live and on
    historical ('as at') rows, so the page costs the same queries either way.

    Given `head`, the audit chain's head the page was asked at (bvgov.page_cache), the live view is kept in the
    page cache and carried forward across writes that change only actions: see `_carried_forward`.
    """
    register = register_at(as_at)
    cache = page_cache()
    if register.is_historical or head is None or isinstance(cache, DummyCache):
        return _committee_dashboard(register)
    # The state is kept in this process's memory, as the page cache is, but as objects: two thousand rows would
    # otherwise be pickled into the cache and out again on every request. The page cache's generation token ties
    # it to that cache, so clearing the cache forgets it too.
    key = (_live_generation(cache), register.today)
    kept = _LIVE_DASHBOARD.get("state")
    state = kept[1] if kept is not None and kept[0] == key else None
    if state is not None and state["head"] != head:
        state = _carried_forward(state, head, register)
    if state is None:
        dashboard = _committee_dashboard(register)
        state = {"head": head, "read_at": head, **{name: getattr(dashboard, name) for name in LIVE_STATE}}
        state["reviews"], state["other_sources"] = KeptRows(state["reviews"]), KeptRows(state["other_sources"])
    _LIVE_DASHBOARD["state"] = (key, state)
    return _dashboard_of(register, state)


# What the live dashboard keeps between requests: plain data, no querysets.
LIVE_STATE = ("reviews", "other_sources", "gaps", "gaps_count", "long_overdue", "long_overdue_count", "trend")
_LIVE_DASHBOARD: dict = {}


class KeptRows(list):
    """The live dashboard's rows of one table, which keep their rendered table with them (bvgov.rows.progress_table)
    as each row keeps its own: the kept state is never changed in place (a recount makes a new list of new rows),
    so the HTML stays true to the rows."""


def _live_generation(cache) -> str:
    token = cache.get("committee-dashboard-generation")
    if token is None:
        token = uuid.uuid4().hex
        cache.set("committee-dashboard-generation", token, None)
    return token


_DASHBOARD_ENTRIES = Entries(
    lambda: AuditEntry.objects.values_list(
        "content_type__app_label", "content_type__model", "review_id", "object_id", "history_type", "changes"
    )
)


def _carried_forward(state: dict, head: int, register: Register) -> dict | None:
    """The kept live dashboard brought up to `head`, if every entry written since is an action's or one the page
    does not show; else None (read it afresh).

    An action's change moves only its review's open, overdue and red counts (every entry names its review), the
    totals and the long-overdue list: those are read again for the reviews concerned, the rest is kept.
    """
    since = _DASHBOARD_ENTRIES.since(state["head"], head)
    if len(since) > CARRY_FORWARD_LIMIT:
        return None
    kinds = {(app_label, model) for app_label, model, *_ in since}
    if not kinds <= DASHBOARD_UNSEEN | {ACTION}:
        return None
    changed = [entry[2:] for entry in since if entry[:2] == ACTION]
    actions = [review_id for review_id, *_ in changed]
    state = {**state, "head": head}
    if not actions:
        return state
    # The rows whose counts are read again are copies: the kept state is never changed in place, so a failure
    # half-way (the database going away) leaves it as it was. A copy has no rendered HTML (bvgov.rows.progress_table).
    affected, outside_reviews = {pk for pk in actions if pk is not None}, None in actions
    recount = {"actions_open": 0, "actions_overdue": 0, "actions_red": 0}
    reviews = {row.review_id: replace(row, **recount) if row.review_id in affected else row for row in state["reviews"]}
    sources = {row.source_id: replace(row, **recount) if outside_reviews else row for row in state["other_sources"]}

    def row_for(review_id, source_id, source_title):
        if review_id is not None:
            return reviews.get(review_id)
        if source_id not in sources:
            sources[source_id] = ProgressRow(title=source_title, source_id=source_id)
        return sources[source_id]

    scope = Q(recommendation__review_id__in=affected)
    if outside_reviews:
        scope |= Q(recommendation__review_id__isnull=True)
    add_action_counts(register, register.actions.filter(scope), row_for)
    state["reviews"] = KeptRows(reviews.values())
    state["other_sources"] = KeptRows(sorted(sources.values(), key=lambda row: row.title))
    # The totals and the list waiting on a decision are worked out again from the new rows (_dashboard_of).
    state.pop("totals", None)
    state.pop("awaiting", None)
    if _long_overdue_may_change(register, changed):
        state["long_overdue"], state["long_overdue_count"] = _long_overdue(register)
    return state


def _long_overdue_may_change(register: Register, changed: list[tuple]) -> bool:
    """Whether the actions changed since (review, id, history type, field changes) can move the long-overdue list:
    only an action due before its cutoff can be on it, so a change to any other action leaves it as it was, unless
    the change is to the due date itself or makes the action."""
    for _, _, history_type, changes in changed:
        if history_type != "~" or any(change.get("field") == "due_date" for change in changes):
            return True
    cutoff = register.today - datetime.timedelta(days=LONG_OVERDUE_DAYS)
    ids = {object_id for _, object_id, _, _ in changed}
    return Action.all_objects.filter(pk__in=ids, due_date__lt=cutoff).exists()


def _dashboard_of(register: Register, state: dict) -> CommitteeDashboard:
    reviews, other_sources = state["reviews"], state["other_sources"]
    # Worked out once for the rows the state holds (a recount drops them), not on every page.
    if "totals" not in state:
        state["totals"] = totals_of(reviews + other_sources)
        state["awaiting"] = [row for row in reviews if row.awaiting]
    return CommitteeDashboard(
        register=register,
        totals=state["totals"],
        awaiting=state["awaiting"],
        static_version=f"{register.today}:{state['read_at']}",
        **{name: state[name] for name in LIVE_STATE},
    )


def _long_overdue(register: Register) -> tuple[list, int]:
    long_overdue_qs = register.actions.filter(overdue_action_q(register.today, by_days=LONG_OVERDUE_DAYS))
    return first_rows_and_count(
        long_overdue_qs.order_by("due_date", "id").values(
            "id",
            "description",
            "due_date",
            "owner__name",
            "recommendation__review__title",
            "recommendation__source__title",
        ),
        LIST_LIMIT,
    )


def _committee_dashboard(register: Register) -> CommitteeDashboard:
    reviews, other_sources = progress_rows(register)
    gaps_qs = register.recommendations.filter(outstanding_recommendation_q()).filter(
        no_owner_q() | no_target_q() | no_funding_q()
    )
    gaps, gaps_count = first_rows_and_count(
        gaps_qs.order_by("source__title", "id").values(
            "id",
            "number",
            "text",
            "source__title",
            "review__title",
            "owner_id",
            "original_target_date",
            "target_ongoing",
            "funding_amount",
            "funding_source",
        ),
        LIST_LIMIT,
    )
    long_overdue, long_overdue_count = _long_overdue(register)
    return CommitteeDashboard(
        register=register,
        reviews=reviews,
        other_sources=other_sources,
        totals=totals_of(reviews + other_sources),
        gaps=[gap_row(rec) for rec in gaps],
        gaps_count=gaps_count,
        awaiting=[row for row in reviews if row.awaiting],
        long_overdue=long_overdue,
        long_overdue_count=long_overdue_count,
        trend=_trend(register),
    )


def group_by(items, key) -> dict:
    grouped = defaultdict(list)
    for item in items:
        grouped[key(item)].append(item)
    return dict(grouped)


def audit_trail():
    """The whole audit trail, newest first, with who made each change."""
    return AuditEntry.objects.select_related("user", "content_type").order_by("-history_date", "-id")


class EntryRow:
    """An audit entry as a list row reads it (bvgov.rows), built from plain values: a page of a hundred entries with
    their users costs a third as much without two model instances per row. Its `changes` are read for the rows not
    rendered before (bvgov.rows), its user is only a name and its kind of record comes from ContentType's cache."""

    __slots__ = ("pk", "entry_hash", "history_date", "history_type", "content_type_id", "object_id", "object_repr")
    __slots__ += ("reason", "review_id", "user_id", "user", "changes")
    VALUES = (
        "id",
        "entry_hash",
        "history_date",
        "history_type",
        "content_type_id",
        "object_id",
        "object_repr",
        "reason",
        "review_id",
        "user_id",
        "user__first_name",
        "user__last_name",
        "user__username",
    )

    def __init__(self, values: tuple):
        (
            self.pk,
            self.entry_hash,
            self.history_date,
            self.history_type,
            self.content_type_id,
            self.object_id,
            self.object_repr,
            self.reason,
            self.review_id,
            self.user_id,
            *who,
        ) = values
        self.user = EntryUser(*who) if self.user_id is not None else None
        self.changes = None

    @property
    def content_type(self):
        return ContentType.objects.get_for_id(self.content_type_id)

    def get_history_type_display(self) -> str:
        return AuditEntry.HISTORY_TYPES.get(self.history_type, self.history_type)


@dataclass(frozen=True, slots=True)
class EntryUser:
    """Who made an entry, as its row names them (bvgov.rows.user_name)."""

    first_name: str
    last_name: str
    username: str

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class EntryRows:
    """A queryset of audit entries read as EntryRow (for window_page's slicing): the entries' plain values."""

    def __init__(self, entries):
        self.entries = entries

    def __getitem__(self, index: slice) -> list[EntryRow]:
        return [EntryRow(values) for values in self.entries.values_list(*EntryRow.VALUES)[index]]


def object_trail(*, model, pk: int):
    """One object's audit entries, newest first."""
    content_type = ContentType.objects.get_for_model(model)
    return audit_trail().filter(content_type=content_type, object_id=pk)


@dataclass(frozen=True)
class AuditRow:
    entry: AuditEntry
    change: dict


AUDIT_EXPORT_COLUMNS = [
    Column("When", lambda row: timezone.localtime(row.entry.history_date).isoformat(timespec="seconds")),
    Column("Who", lambda row: row.entry.user.username if row.entry.user else ""),
    Column("Kind of record", lambda row: row.entry.content_type.name),
    Column("Record number", lambda row: row.entry.object_id),
    Column("Record", lambda row: row.entry.object_repr),
    Column("Change", lambda row: row.entry.get_history_type_display()),
    Column("Field", lambda row: row.change.get("label", "")),
    Column("From", lambda row: row.change.get("old", "")),
    Column("To", lambda row: row.change.get("new", "")),
    Column("Reason", lambda row: row.entry.reason),
]


def audit_export_rows(entries):
    """One export row per changed field, so a spreadsheet can filter on the field that changed."""
    for entry in entries.iterator(chunk_size=2000):
        for change in entry.changes or [{}]:
            yield AuditRow(entry, change)


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
BOARD_ACTION_LIMIT = 200


def boards():
    return Body.objects.filter(kind__in=BOARD_KINDS).order_by("name")


def board_reviews(body: Body):
    if body.kind in WHOLE_PROGRAMME_KINDS:
        return Review.objects.all()
    return Review.objects.filter(
        Q(project_board=body)
        | Q(implementation_board=body)
        | Q(challenge_panel=body)
        | Q(programme__programme_board=body)
        | Q(programme__executive_body=body)
    )


@dataclass
class BoardDashboard:
    body: Body
    today: datetime.date
    reviews: list
    actions_by_owner: list
    actions_count: int
    reviews_waiting: list
    recommendations_waiting: list
    last_meeting: Meeting | None
    changes: list
    changes_count: int


def board_dashboard(*, body: Body) -> BoardDashboard:
    today = timezone.localdate()
    reviews = list(board_reviews(body).select_related("programme").order_by("title"))
    review_ids = [review.pk for review in reviews]
    # The board's actions through its reviews' recommendations, read by their index (a join on the review would
    # have the database read every open action of the register first).
    recommendation_ids = Recommendation.objects.filter(review_id__in=review_ids).values("id")
    actions_qs = Action.objects.filter(recommendation_id__in=Subquery(recommendation_ids)).filter(
        overdue_action_q(today) | due_soon_action_q(today)
    )
    actions, actions_count = first_rows_and_count(
        actions_qs.select_related("owner", "recommendation__review", "recommendation__source").order_by(
            "owner__name", "due_date", "id"
        ),
        BOARD_ACTION_LIMIT,
    )
    by_owner = group_by(actions, key=lambda action: action.owner)
    reviews_waiting = [review for review in reviews if body.kind in AWAITING_BODY_KINDS.get(review.stage, ())]
    recommendations_waiting = list(
        Recommendation.objects.filter(review_id__in=review_ids, decision_status=DecisionStatus.PROPOSED)
        .select_related("source", "review")
        .order_by("review__title", "id")[:LIST_LIMIT]
    )
    last_meeting = body.meetings.filter(date__lte=today).order_by("-date").first()
    changes, changes_count = [], 0
    if last_meeting is not None:
        changes, changes_count = _changes_since(review_ids, start_of_day(last_meeting.date))
    return BoardDashboard(
        body=body,
        today=today,
        reviews=reviews,
        actions_by_owner=[
            {"owner": owner, "actions": owned, "overdue": sum(1 for a in owned if a.due_date < today)}
            for owner, owned in by_owner.items()
        ],
        actions_count=actions_count,
        reviews_waiting=reviews_waiting,
        recommendations_waiting=recommendations_waiting,
        last_meeting=last_meeting,
        changes=changes,
        changes_count=changes_count,
    )


def _changes_since(review_ids: list, since: datetime.datetime) -> tuple[list, int]:
    """The newest LIST_LIMIT audit entries of the reviews since a moment, with how many there are, in one query.

    The newest are picked from the reviews' entries alone (their ids and dates, read by the review index and
    sorted), then read in full: ordering by an expression, not the column, keeps the database from walking the
    whole trail by date to find them, and sorting only ids keeps the long rows out of the sort.
    """
    entries = AuditEntry.objects.filter(review_id__in=review_ids, history_date__gte=since)
    newest = entries.order_by(Coalesce("history_date", "history_date").desc(), F("id").desc()).values("id")
    count = entries.order_by().values(n=Func(F("pk"), function="COUNT"))
    rows = list(
        audit_trail()
        .filter(pk__in=Subquery(newest[:LIST_LIMIT]))
        .annotate(rows_in_all=Subquery(count, output_field=IntegerField()))
    )
    return rows, rows[0].rows_in_all if rows else 0


ONGOING_UPDATE_DAYS = 183
GAPS_LIMIT = 100


@dataclass
class GapList:
    title: str
    explanation: str
    rows: list
    count: int


def _gap_list(title: str, explanation: str, queryset, *fields) -> GapList:
    rows = list(queryset.values(*fields)[:GAPS_LIMIT])
    return GapList(title, explanation, rows, queryset.count() if len(rows) == GAPS_LIMIT else len(rows))


def accountability_gaps(*, today: datetime.date | None = None) -> list[GapList]:
    """Everything the committee should not have to find by itself: who is not accountable for what."""
    today = today or timezone.localdate()
    outstanding = Recommendation.objects.filter(outstanding_recommendation_q()).order_by("source__title", "id")
    rec_fields = ("id", "number", "text", "source__title", "review__title", "owner__name")
    stale_since = today - datetime.timedelta(days=ONGOING_UPDATE_DAYS)
    recently_reported = Q(updates__reported_on__gte=stale_since) | Q(actions__updates__reported_on__gte=stale_since)
    recently_reported_ids = Recommendation.objects.filter(recently_reported).values("id")
    return [
        _gap_list(
            "Accepted recommendations with no owner",
            "No one is accountable for delivering them.",
            outstanding.filter(no_owner_q()),
            *rec_fields,
        ),
        _gap_list(
            "Accepted recommendations with no target date",
            "Neither a date nor 'ongoing' is recorded.",
            outstanding.filter(no_target_q()),
            *rec_fields,
        ),
        _gap_list(
            "Accepted recommendations with no funding recorded",
            "HMIC found no funding attached to recommendations; record an amount or where the money comes from.",
            outstanding.filter(no_funding_q()),
            *rec_fields,
        ),
        _gap_list(
            "Accepted recommendations with no action",
            "Nothing has been planned to implement them.",
            outstanding.exclude(Exists(Action.objects.filter(recommendation=OuterRef("pk")))),
            *rec_fields,
        ),
        _gap_list(
            "Ongoing recommendations with no progress update for six months",
            "An ongoing target is never overdue, so it needs an update at least every six months.",
            outstanding.filter(target_ongoing=True).exclude(id__in=recently_reported_ids),
            *rec_fields,
        ),
        _gap_list(
            "Open actions with no owner",
            "Each action needs a named owner.",
            Action.objects.filter(open_action_q(), owner__isnull=True).order_by("due_date", "id"),
            "id",
            "description",
            "due_date",
            "recommendation__review__title",
            "recommendation__source__title",
        ),
    ]


def unsupported_outcomes() -> list:
    """Strategic outcomes that no recommendation supports, with their programme, in one query."""
    return list(
        StrategicOutcome.objects.annotate(supporting=live_count("recommendations"))
        .filter(supporting=0)
        .select_related("programme")
        .order_by("programme__name", "number")
    )


def aims_not_smart() -> list[dict]:
    """Aims missing a measure, a target or a deadline (HMIC: review aims were not SMART)."""
    aims = Aim.objects.filter(Q(measure="") | Q(target="") | Q(deadline__isnull=True)).select_related("review")
    return [
        {"aim": aim, "missing": aim.missing_for_smart} for aim in aims.order_by("review__title", "number")[:GAPS_LIMIT]
    ]


@dataclass
class OutcomeCoverage:
    programme: object
    outcomes: list
    rows: list
    unsupported: list


def outcomes_coverage() -> list[OutcomeCoverage]:
    """For each programme with strategic outcomes: which recommendations (proposals) support which outcome."""
    outcomes = list(StrategicOutcome.objects.select_related("programme").order_by("programme__name", "number"))
    links = list(
        Recommendation.outcomes.through.objects.filter(strategicoutcome__in=outcomes).values_list(
            "recommendation_id", "strategicoutcome_id"
        )
    )
    recommendations = Recommendation.objects.select_related("source", "owner").in_bulk({rec for rec, _ in links})
    coverage = []
    for programme, programme_outcomes in group_by(outcomes, key=lambda outcome: outcome.programme).items():
        ids = {outcome.pk for outcome in programme_outcomes}
        supported_by: dict[int, set] = defaultdict(set)
        for rec_id, outcome_id in links:
            if outcome_id in ids:
                supported_by[rec_id].add(outcome_id)
        rows = [
            {
                "recommendation": recommendations[rec_id],
                "cells": [outcome.pk in outcome_ids for outcome in programme_outcomes],
            }
            for rec_id, outcome_ids in sorted(
                supported_by.items(), key=lambda item: _number_key(recommendations[item[0]])
            )
        ]
        counts = {
            outcome.pk: sum(outcome.pk in ids_ for ids_ in supported_by.values()) for outcome in programme_outcomes
        }
        for outcome in programme_outcomes:
            outcome.supporting = counts[outcome.pk]
        coverage.append(
            OutcomeCoverage(
                programme=programme,
                outcomes=programme_outcomes,
                rows=rows,
                unsupported=[outcome for outcome in programme_outcomes if not counts[outcome.pk]],
            )
        )
    return coverage


def _number_key(recommendation) -> tuple:
    number = recommendation.number
    return (recommendation.source_id, int(number) if number.isdigit() else 10**6, number, recommendation.pk)


def decision_chains():
    """Every review with its decision chain; the decisions are read once for all reviews."""
    reviews = list(
        Review.objects.order_by("title").prefetch_related(
            Prefetch("decisions", queryset=Decision.objects.select_related("body").order_by("decided_on", "id"))
        )
    )
    return [{"review": review, "chain": decision_chain(review, list(review.decisions.all()))} for review in reviews]
