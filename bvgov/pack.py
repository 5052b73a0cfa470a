"""The committee pack: the six-monthly implementation update as a paper in the authority's report format, built
from the register as it stood at the end of the 'as at' day, and compared with the register at the previous pack.

The figures are the committee dashboard's (bvgov.selectors.committee.committee_dashboard, over the whole
register), so the paper and the screen agree.
Everything else is read as values() with its joins, which work the same on live and on historical rows, in a fixed
number of queries whatever the size of the register.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django import forms
from django.db.models import Q
from django.utils import timezone

from programmes.models import Person, Programme
from recommendations.choices import ImplementationStatus, days_overdue
from recommendations.models import Action, ExtensionRequest, Recommendation, UpdateRound
from recommendations.querysets import outstanding_recommendation_q, overdue_action_q
from recommendations.rounds import RoundSummary, round_summary
from recommendations.services import ARCHIVED_WITH_RECOMMENDATION
from reviews.choices import ReviewStage

from .forms import check_as_at
from .selectors.committee import CommitteeDashboard, ProgressRow, committee_dashboard, progress_rows, totals_of
from .selectors.register import end_of_day, register_at

PACK_INTERVAL_MONTHS = 6
# A paper lists at most this many overdue actions and gaps; each section says how many more there are.
PACK_LIST_LIMIT = 500
DEFAULT_REPORT_NUMBER = "—"


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` calendar months earlier, or the month's last day where it is shorter (31 Aug → 28 Feb)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    for candidate in range(day.day, 27, -1):
        try:
            return datetime.date(year, month, candidate)
        except ValueError:
            continue
    return datetime.date(year, month, min(day.day, 28))


class PackForm(forms.Form):
    """What the paper is as at, which pack it is compared with, and the number the committee's agenda gives it."""

    as_at = forms.DateField(
        label="Date of the paper",
        required=False,
        help_text="The register is shown as it stood at the end of this day. Leave blank for today.",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter the date of the paper as a real date, for example 2004-01-31."},
    )
    previous = forms.DateField(
        label="Date of the previous pack",
        required=False,
        help_text="Changes are counted from the end of this day. Leave blank for six months before.",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter the date of the previous pack as a real date, for example 2003-07-31."},
    )
    report_number = forms.CharField(
        label="Report number",
        required=False,
        max_length=20,
        help_text="As the committee's agenda numbers it, for example 7.",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5"}),
    )

    def clean_as_at(self):
        return check_as_at(self.cleaned_data["as_at"], what="The date of the paper")

    def clean_previous(self):
        return check_as_at(self.cleaned_data.get("previous"), what="The date of the previous pack")

    def clean(self):
        cleaned = super().clean()
        as_at, previous = cleaned.get("as_at") or timezone.localdate(), cleaned.get("previous")
        if previous and previous >= as_at:
            self.add_error("previous", "The previous pack must be dated before this paper.")
        return cleaned

    def choices(self) -> tuple[datetime.date, datetime.date, str]:
        """The paper's date, the previous pack's date and the report number: what was entered where it is valid,
        the defaults where it was left out or is wrong. Call after is_valid()."""
        cleaned = getattr(self, "cleaned_data", {})
        as_at = cleaned.get("as_at") or timezone.localdate()
        previous = cleaned.get("previous") or months_before(as_at, PACK_INTERVAL_MONTHS)
        return as_at, previous, cleaned.get("report_number") or DEFAULT_REPORT_NUMBER


@dataclass
class PackSection:
    """One review (or one report outside any review) as section B of the paper reports it."""

    row: ProgressRow
    overdue: list = field(default_factory=list)
    gaps: list = field(default_factory=list)

    @property
    def overdue_not_listed(self) -> int:
        return max(self.row.actions_overdue - len(self.overdue), 0)


@dataclass
class StageChange:
    title: str
    review_id: int
    then: str
    now: str


@dataclass
class StatusChange:
    recommendation: dict
    then: str
    now: str


@dataclass
class Archived:
    """A record archived between the previous pack and this one: what it was, when, why, and whether it is back."""

    kind: str
    id: int
    label: str
    text: str
    archived_at: datetime.datetime
    reason: str
    restored: bool
    actions_with_it: int = 0


def archived_between(start: datetime.datetime, end: datetime.datetime) -> list[Archived]:
    """Every recommendation and action archived in (start, end], read from their history rows (each archive is one,
    dated when it was made, through the history tables' date index), restored since or not. An action archived along
    with its recommendation is left to the recommendation's line, which says how many went with it."""
    found: dict[tuple[str, int], Archived] = {}
    rows = {
        "recommendation": Recommendation.history.filter(
            history_date__gt=start, history_date__lte=end, archived_at__gt=start, archived_at__lte=end
        ).values("id", "number", "text", "source__title", "archived_at", "archive_reason"),
        "action": Action.history.filter(
            history_date__gt=start, history_date__lte=end, archived_at__gt=start, archived_at__lte=end
        ).values(
            "id",
            "description",
            "recommendation_id",
            "recommendation__number",
            "archived_at",
            "archive_reason",
        ),
    }
    for row in rows["recommendation"]:
        number = f"Recommendation {row['number']}" if row["number"] else "Recommendation (unnumbered)"
        found.setdefault(
            ("recommendation", row["id"]),
            Archived(
                "recommendation",
                row["id"],
                f"{number} — {row['source__title']}",
                row["text"],
                row["archived_at"],
                row["archive_reason"],
                False,
            ),
        )
    with_recommendation: dict[int, set[int]] = {}
    for row in rows["action"]:
        if row["archive_reason"].startswith(ARCHIVED_WITH_RECOMMENDATION):
            with_recommendation.setdefault(row["recommendation_id"], set()).add(row["id"])
            continue
        found.setdefault(
            ("action", row["id"]),
            Archived(
                "action",
                row["id"],
                f"Action of recommendation {row['recommendation__number'] or '(unnumbered)'}",
                row["description"],
                row["archived_at"],
                row["archive_reason"],
                False,
            ),
        )
    live = {
        "recommendation": set(
            Recommendation.objects.filter(pk__in=[pk for kind, pk in found if kind == "recommendation"]).values_list(
                "pk", flat=True
            )
        ),
        "action": set(
            Action.objects.filter(pk__in=[pk for kind, pk in found if kind == "action"]).values_list("pk", flat=True)
        ),
    }
    for (kind, pk), item in found.items():
        item.restored = pk in live[kind]
        if kind == "recommendation":
            item.actions_with_it = len(with_recommendation.get(pk, ()))
    return sorted(found.values(), key=lambda item: (item.archived_at, item.kind, item.id))


@dataclass
class CommitteePack:
    """Everything the paper prints."""

    as_at: datetime.date
    previous: datetime.date
    report_number: str
    dashboard: CommitteeDashboard
    reviews: list[PackSection]
    other_sources: list[PackSection]
    manager: Person | None
    funding_total: Decimal
    outstanding_count: int
    unfunded_count: int
    gaps_count: int
    gaps_listed: int
    previous_totals: dict
    stage_changes: list[StageChange]
    status_changes: list[StatusChange]
    new_recommendations: int
    archived: list[Archived] = field(default_factory=list)
    update_round: RoundSummary | None = None
    extension_requests: list = field(default_factory=list)

    @property
    def totals(self) -> dict:
        return self.dashboard.totals

    @property
    def author(self) -> str:
        return self.manager.name if self.manager else "Programme Manager"


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


def _key(review_id, source_id) -> tuple:
    return ("review", review_id) if review_id is not None else ("source", source_id)


def programme_manager() -> Person | None:
    """The paper's author: the manager of the first programme (in the register's order) that names one."""
    programme = Programme.objects.filter(manager__isnull=False).select_related("manager").first()
    return programme.manager if programme else None


def committee_pack(*, as_at: datetime.date, previous: datetime.date, report_number: str) -> CommitteePack:
    dashboard = committee_dashboard(as_at=as_at)
    register = dashboard.register
    sections = {_key(row.review_id, None): PackSection(row) for row in dashboard.reviews}
    sections |= {_key(None, row.source_id): PackSection(row) for row in dashboard.other_sources}

    overdue = register.actions.filter(overdue_action_q(register.today)).order_by("due_date", "id")
    for action in overdue.values(
        "id",
        "description",
        "due_date",
        "owner__name",
        "status",
        "recommendation__number",
        "recommendation__review_id",
        "recommendation__source_id",
    )[:PACK_LIST_LIMIT]:
        section = sections.get(_key(action["recommendation__review_id"], action["recommendation__source_id"]))
        if section is not None:
            action["days_overdue"] = days_overdue(
                status=action["status"], due_date=action["due_date"], today=register.today
            )
            section.overdue.append(action)

    # One read of the recommendations now gives the gaps, the money and the 'now' side of the comparison.
    recommendations = list(
        register.recommendations.order_by("source__title", "id").values(
            "id",
            "number",
            "text",
            "review_id",
            "source_id",
            "source__title",
            "review__title",
            "decision_status",
            "implementation_status",
            "owner_id",
            "original_target_date",
            "target_ongoing",
            "funding_amount",
            "funding_source",
        )
    )
    outstanding_ids = set(register.recommendations.filter(outstanding_recommendation_q()).values_list("id", flat=True))
    funding_total, unfunded, gaps_listed = Decimal("0"), 0, 0
    for rec in recommendations:
        if rec["id"] not in outstanding_ids:
            continue
        funding_total += rec["funding_amount"] or 0
        unfunded += rec["funding_amount"] is None and not rec["funding_source"]
        gap = gap_row(dict(rec))
        section = sections.get(_key(rec["review_id"], rec["source_id"]))
        if gap["missing"] and section is not None and gaps_listed < PACK_LIST_LIMIT:
            section.gaps.append(gap)
            gaps_listed += 1

    before = register_at(previous)
    before_reviews, before_sources = progress_rows(before)
    stage_labels = dict(ReviewStage.choices)
    stages_then = {row.review_id: row.stage for row in before_reviews}
    stage_changes = [
        StageChange(
            row.title,
            row.review_id,
            stage_labels.get(stages_then.get(row.review_id), "Not yet recorded"),
            row.stage_label,
        )
        for row in dashboard.reviews
        if stages_then.get(row.review_id) != row.stage
    ]
    statuses_then = dict(before.recommendations.values_list("id", "implementation_status"))
    status_labels = dict(ImplementationStatus.choices)
    status_changes = [
        StatusChange(
            rec,
            status_labels.get(statuses_then[rec["id"]], statuses_then[rec["id"]]),
            status_labels.get(rec["implementation_status"], rec["implementation_status"]),
        )
        for rec in recommendations
        if rec["id"] in statuses_then and statuses_then[rec["id"]] != rec["implementation_status"]
    ]
    return CommitteePack(
        as_at=as_at,
        previous=previous,
        report_number=report_number,
        dashboard=dashboard,
        reviews=[sections[_key(row.review_id, None)] for row in dashboard.reviews],
        other_sources=[sections[_key(None, row.source_id)] for row in dashboard.other_sources],
        manager=programme_manager(),
        funding_total=funding_total,
        outstanding_count=len(outstanding_ids),
        unfunded_count=unfunded,
        gaps_count=dashboard.gaps_count,
        gaps_listed=gaps_listed,
        previous_totals=totals_of(before_reviews + before_sources),
        stage_changes=stage_changes,
        status_changes=status_changes,
        new_recommendations=sum(1 for rec in recommendations if rec["id"] not in statuses_then),
        archived=archived_between(end_of_day(previous), end_of_day(as_at)),
        update_round=latest_round(end_of_day(as_at)),
        extension_requests=extension_requests_between(previous, as_at),
    )


def extension_requests_between(previous: datetime.date, as_at: datetime.date) -> list[ExtensionRequest]:
    """The extensions owners asked for by the pack's day that were waiting at the previous pack or asked since, with
    the body's decision where it was taken by the pack's day (`answered` None: still waiting then)."""
    requests = list(
        ExtensionRequest.objects.filter(requested_at__lte=end_of_day(as_at))
        .filter(
            Q(requested_at__gt=end_of_day(previous)) | Q(decision__isnull=True) | Q(decision__decided_on__gt=previous)
        )
        .select_related("requested_by", "action", "recommendation__source", "decision__body")
        .order_by("requested_at", "id")
    )
    for request in requests:
        decided = request.decision is not None and request.decision.decided_on <= as_at
        request.answered = request.decision if decided else None
    return requests


def latest_round(until: datetime.datetime) -> RoundSummary | None:
    """The update round opened last by the end of the pack's day, as it stood then."""
    update_round = (
        UpdateRound.objects.filter(opened_at__lte=until).select_related("meeting__body").order_by("-opened_at").first()
    )
    return round_summary(update_round, as_at=until) if update_round else None
