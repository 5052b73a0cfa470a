"""The committee's reads: one programme's dashboard and the overview of every programme, now or as at a past day.

Every figure is counted in SQL, a grouped query each for reviews, recommendations and actions, whatever the size of
the register; lists are not repeated here but linked to (the actions and recommendations lists, the gaps page)."""

import datetime
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Count
from django.db.models.functions import TruncQuarter

from programmes.models import Programme
from recommendations.choices import DecisionStatus, ImplementationStatus
from recommendations.escalation import EscalationLevel, escalated_q
from recommendations.querysets import (
    LONG_OVERDUE_DAYS,
    counted_action_q,
    no_funding_q,
    no_owner_q,
    no_target_q,
    open_action_q,
    outstanding_recommendation_q,
    overdue_action_q,
    red_action_q,
)
from reviews.choices import AWAITING_DECISION, ReviewStage

from .register import Register, register_at

ACCEPTED = (DecisionStatus.ACCEPTED, DecisionStatus.PARTLY_ACCEPTED)
# The trend chart shows at most this many quarters, the latest; the cumulative figure includes the earlier ones.
TREND_QUARTERS = 16
# The dashboard lists this many reviews, those with the most overdue actions first, and links to all of them.
REVIEWS_SHOWN = 15


@dataclass
class ProgressRow:
    """One line of the committee's table: a review, or a report (an audit, say) whose recommendations no review owns,
    or (in the overview) a programme."""

    title: str
    review_id: int | None = None
    source_id: int | None = None
    programme_id: int | None = None
    stage: str = ""
    stage_label: str = ""
    awaiting: str = ""
    reviews: int = 0
    by_decision: dict = field(default_factory=dict)
    by_implementation: dict = field(default_factory=dict)
    accepted_by_implementation: dict = field(default_factory=dict)
    actions_open: int = 0
    actions_overdue: int = 0
    actions_red: int = 0
    actions_long_overdue: int = 0
    actions_escalated: int = 0
    gaps: int = 0

    @property
    def total(self) -> int:
        return sum(self.by_decision.values())

    @property
    def accepted(self) -> int:
        return sum(self.by_decision.get(status, 0) for status in ACCEPTED)

    @property
    def implemented(self) -> int:
        return self.by_implementation.get(ImplementationStatus.IMPLEMENTED, 0)

    @property
    def awaiting_verification(self) -> int:
        """Reported implemented by the owner, not yet accepted by the verifier: not counted as implemented."""
        return self.by_implementation.get(ImplementationStatus.AWAITING_VERIFICATION, 0)

    @property
    def implementation_rate(self) -> str:
        return f"{self.implemented} of {self.accepted}"

    @property
    def implementation_percent(self) -> int | None:
        return round(100 * self.implemented / self.accepted) if self.accepted else None

    def add_recommendations(self, count: dict) -> None:
        decision, implementation = count["decision_status"], count["implementation_status"]
        self.by_decision[decision] = self.by_decision.get(decision, 0) + count["n"]
        self.by_implementation[implementation] = self.by_implementation.get(implementation, 0) + count["n"]
        self.gaps += count["gaps"]
        if decision in ACCEPTED:
            accepted = self.accepted_by_implementation
            accepted[implementation] = accepted.get(implementation, 0) + count["n"]

    def add_actions(self, count: dict) -> None:
        self.actions_open += count["open"]
        self.actions_overdue += count["overdue"]
        self.actions_red += count["red"]
        self.actions_long_overdue += count["long_overdue"]
        self.actions_escalated += count["escalated"]


@dataclass
class CommitteeDashboard:
    register: Register
    reviews: list[ProgressRow]
    other_sources: list[ProgressRow]
    totals: dict
    awaiting: list[ProgressRow]
    trend: list[dict]
    by_status: list[dict]

    @cached_property
    def reviews_shown(self) -> list[ProgressRow]:
        """The reviews the committee should look at first: most overdue actions, then most red, then by title."""
        ranked = sorted(self.reviews, key=lambda row: (-row.actions_overdue, -row.actions_red, row.title))
        return ranked[:REVIEWS_SHOWN]

    @property
    def gaps_count(self) -> int:
        return self.totals["gaps"]

    @property
    def long_overdue_count(self) -> int:
        return self.totals["long_overdue"]

    @property
    def long_overdue_before(self) -> datetime.date:
        """The last due date of an action overdue by more than LONG_OVERDUE_DAYS, for the actions list's link."""
        return self.register.today - datetime.timedelta(days=LONG_OVERDUE_DAYS + 1)


def _recommendation_counts(register: Register, *group):
    """Recommendations by decision and implementation status, with how many of them are accepted, outstanding and
    missing an owner, a target date or funding (the gaps)."""
    gap = outstanding_recommendation_q() & (no_owner_q() | no_target_q() | no_funding_q())
    return (
        register.recommendations.values(*group, "decision_status", "implementation_status")
        .annotate(n=Count("id"), gaps=Count("id", filter=gap))
        .order_by()
    )


def _action_counts(register: Register, *group):
    today = register.today
    return (
        register.actions.filter(counted_action_q())
        .values(*group)
        .annotate(
            open=Count("id", filter=open_action_q()),
            overdue=Count("id", filter=overdue_action_q(today)),
            red=Count("id", filter=red_action_q(today)),
            long_overdue=Count("id", filter=overdue_action_q(today, by_days=LONG_OVERDUE_DAYS)),
            escalated=Count("id", filter=escalated_q(EscalationLevel.BOARD, today)),
        )
        .order_by()
    )


def progress_rows(register: Register) -> tuple[list[ProgressRow], list[ProgressRow]]:
    """Rows per review, and per report whose recommendations belong to no review, with their counts: three grouped
    queries, whatever the size of the register."""
    stage_labels = dict(ReviewStage.choices)
    reviews = {
        review["id"]: ProgressRow(
            title=review["title"],
            review_id=review["id"],
            stage=review["stage"],
            stage_label=stage_labels.get(review["stage"], review["stage"]),
            awaiting=AWAITING_DECISION.get(review["stage"], ""),
        )
        for review in register.reviews.order_by("title", "id").values("id", "title", "stage")
    }
    sources: dict[int, ProgressRow] = {}

    def row_for(review_id, source_id, source_title) -> ProgressRow | None:
        if review_id is not None:
            return reviews.get(review_id)
        if source_id not in sources:
            sources[source_id] = ProgressRow(title=source_title, source_id=source_id)
        return sources[source_id]

    for count in _recommendation_counts(register, "review_id", "source_id", "source__title"):
        row = row_for(count["review_id"], count["source_id"], count["source__title"])
        if row is not None:
            row.add_recommendations(count)
    keys = ("recommendation__review_id", "recommendation__source_id", "recommendation__source__title")
    for count in _action_counts(register, *keys):
        row = row_for(*(count[key] for key in keys))
        if row is not None:
            row.add_actions(count)
    return list(reviews.values()), sorted(sources.values(), key=lambda row: row.title)


def totals_of(rows: list[ProgressRow]) -> dict:
    return {
        "total": sum(row.total for row in rows),
        "accepted": sum(row.accepted for row in rows),
        "implemented": sum(row.implemented for row in rows),
        "awaiting_verification": sum(row.awaiting_verification for row in rows),
        "open": sum(row.actions_open for row in rows),
        "overdue": sum(row.actions_overdue for row in rows),
        "red": sum(row.actions_red for row in rows),
        "long_overdue": sum(row.actions_long_overdue for row in rows),
        "escalated": sum(row.actions_escalated for row in rows),
        "gaps": sum(row.gaps for row in rows),
    }


def _quarter_of(day: datetime.date | datetime.datetime) -> datetime.date:
    """The first day of the day's quarter (TruncQuarter gives a date on SQLite and may give a datetime elsewhere)."""
    return datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _next_quarter(quarter: datetime.date) -> datetime.date:
    return datetime.date(quarter.year + quarter.month // 10, (quarter.month + 2) % 12 + 1, 1)


def trend(register: Register) -> list[dict]:
    """Recommendations implemented, by quarter and cumulative, for every quarter (one with none is a point too) from
    the first implementation, or the programme's start, to the last, or the programme's end, but not past the day
    shown; the latest TREND_QUARTERS of them."""
    per_quarter = {
        _quarter_of(point["quarter"]): point["n"]
        for point in register.recommendations.filter(
            implementation_status=ImplementationStatus.IMPLEMENTED,
            implemented_on__isnull=False,
            implemented_on__lte=register.today,
        )
        .annotate(quarter=TruncQuarter("implemented_on"))
        .values("quarter")
        .annotate(n=Count("id"))
        .order_by("quarter")
    }
    if not per_quarter:
        return []
    first, last = min(per_quarter), max(per_quarter)
    programme = register.programme
    if programme is not None and programme.start_date:
        first = min(first, _quarter_of(programme.start_date))
    if programme is not None and programme.end_date:
        last = max(last, _quarter_of(programme.end_date))
    last = min(last, _quarter_of(register.today))
    points, running, quarter = [], 0, first
    while quarter <= last:
        implemented = per_quarter.get(quarter, 0)
        running += implemented
        label = f"{quarter.year} Q{(quarter.month - 1) // 3 + 1}"
        points.append({"quarter": quarter, "label": label, "implemented": implemented, "cumulative": running})
        quarter = _next_quarter(quarter)
    return points[-TREND_QUARTERS:]


def by_status(rows: list[ProgressRow]) -> list[dict]:
    """Accepted recommendations by implementation status, for the second chart; proposed ones beside them."""
    accepted = {}
    for row in rows:
        for status, n in row.accepted_by_implementation.items():
            accepted[status] = accepted.get(status, 0) + n
    points = [{"label": label, "value": accepted.get(status, 0)} for status, label in ImplementationStatus.choices]
    proposed = sum(row.by_decision.get(DecisionStatus.PROPOSED, 0) for row in rows)
    return [{"label": "Awaiting a decision", "value": proposed}, *points]


def committee_dashboard(
    *, as_at: datetime.date | None = None, programme: Programme | None = None
) -> CommitteeDashboard:
    """One programme's dashboard (the whole register's, for programme None, as the pack reports it)."""
    register = register_at(as_at, programme=programme)
    reviews, other_sources = progress_rows(register)
    rows = reviews + other_sources
    return CommitteeDashboard(
        register=register,
        reviews=reviews,
        other_sources=other_sources,
        totals=totals_of(rows),
        awaiting=[row for row in reviews if row.awaiting],
        trend=trend(register),
        by_status=by_status(rows),
    )


@dataclass
class ProgrammeOverview:
    register: Register
    programmes: list[ProgressRow]
    totals: dict


def programme_overview(*, as_at: datetime.date | None = None) -> ProgrammeOverview:
    """A row per programme with its figures: four grouped queries, whatever the size of the register."""
    register = register_at(as_at)
    rows = {
        programme.pk: ProgressRow(title=programme.name, programme_id=programme.pk)
        for programme in Programme.objects.all()
    }
    for count in register.reviews.values("programme_id").annotate(n=Count("id")).order_by():
        if count["programme_id"] in rows:
            rows[count["programme_id"]].reviews = count["n"]
    for count in _recommendation_counts(register, "source__programme_id"):
        rows[count["source__programme_id"]].add_recommendations(count)
    for count in _action_counts(register, "recommendation__source__programme_id"):
        rows[count["recommendation__source__programme_id"]].add_actions(count)
    programmes = list(rows.values())
    return ProgrammeOverview(register=register, programmes=programmes, totals=totals_of(programmes))
