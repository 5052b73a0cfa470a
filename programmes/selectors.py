"""The reads behind the governance pages, each with its joins and counts done in a fixed number of queries."""

import datetime
from dataclasses import dataclass

from django.apps import apps
from django.contrib.contenttypes.fields import GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.db import models
from django.db.models import Count, F, IntegerField, OuterRef, Prefetch, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.archiving import live_count

from .choices import IndicatorDirection, MembershipRole
from .models import (
    Body,
    Decision,
    Indicator,
    IndicatorValue,
    Meeting,
    Membership,
    Priority,
    Programme,
    Risk,
    StrategicOutcome,
)

LATEST_LIMIT = 20


# Decisions and their subjects ----------------------------------------------------------------------------------


def decision_subject_models() -> list[type[models.Model]]:
    """The models a body takes decisions on, in name order: the programme itself, and every model that declares a
    GenericRelation to Decision (a review, a recommendation).

    Asking the app registry (not importing reviews or recommendations) keeps this app below the ones it serves.
    """
    subjects = {Programme} | {
        model
        for model in apps.get_models()
        if any(
            isinstance(field, GenericRelation) and field.related_model is Decision
            for field in model._meta.private_fields
        )
    }
    return sorted(subjects, key=lambda model: str(model._meta.verbose_name))


def is_decision_subject(model: type[models.Model]) -> bool:
    return model in decision_subject_models()


def subject_key(model: type[models.Model]) -> str:
    """A subject model's name in addresses and filters, e.g. "reviews.review"."""
    return model._meta.label_lower


def decision_subject(key: str) -> models.Model | None:
    """The subject named by "<app_label>.<model>.<pk>" (e.g. "reviews.review.12"), or None if there is no such one."""
    app_label, _, rest = (key or "").partition(".")
    model_name, _, pk = rest.partition(".")
    if not (app_label and model_name and pk.isdigit()):
        return None
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError:
        return None
    if not is_decision_subject(model):
        return None
    return model._default_manager.filter(pk=int(pk)).first()


def decision_subject_choices() -> list[tuple[str, str]]:
    """The kinds of subject the recorded decisions are on, as (key, label) choices: one query."""
    used = ContentType.objects.filter(pk__in=Decision.objects.values("subject_type")).order_by()
    return sorted(((f"{ct.app_label}.{ct.model}", str(ct.name).capitalize()) for ct in used), key=lambda c: c[1])


def _with_required_parents(model: type[models.Model]):
    parents = [field.name for field in model._meta.concrete_fields if field.many_to_one and not field.null]
    queryset = model._default_manager.all()
    return queryset.select_related(*parents) if parents else queryset


def with_subjects(queryset):
    """Decisions with their subjects fetched in one query per kind of subject, whatever the number of decisions.

    Each subject comes with the rows it cannot exist without, which is what its name is made from (a
    recommendation's name includes its report's title).
    """
    subjects = [_with_required_parents(model) for model in decision_subject_models()]
    return queryset.select_related("subject_type").prefetch_related(GenericPrefetch("subject", subjects))


def decisions_for_list():
    return with_subjects(Decision.objects.select_related("body", "meeting__body", "recorded_by"))


def decision_for_detail():
    return decisions_for_list()


def decision_chain(*, subject_type_id: int, subject_id: int):
    """Every decision on one subject, oldest first: the chain of approvals an inspector reads."""
    return (
        Decision.objects.filter(subject_type_id=subject_type_id, subject_id=subject_id)
        .select_related("body", "meeting")
        .order_by("decided_on", "pk")
    )


def decisions_on(subject: models.Model):
    return decision_chain(subject_type_id=ContentType.objects.get_for_model(subject).pk, subject_id=subject.pk)


# Bodies and meetings ------------------------------------------------------------------------------------------


def _count(queryset, *, outer: str) -> Coalesce:
    """A correlated COUNT subquery, so that counting two relations does not multiply the rows of a join."""
    counted = queryset.filter(**{outer: OuterRef("pk")}).order_by().values(outer).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _current_membership_q(today: datetime.date) -> models.Q:
    return models.Q(end_date__isnull=True) | models.Q(end_date__gte=today)


def bodies_for_list(*, today: datetime.date | None = None):
    today = today or timezone.localdate()
    return Body.objects.select_related("reports_to").annotate(
        current_member_count=_count(Membership.objects.filter(_current_membership_q(today)), outer="body"),
        meeting_count=_count(Meeting.objects.all(), outer="body"),
        decision_count=_count(Decision.objects.all(), outer="body"),
    )


def body_for_detail():
    return Body.objects.select_related("reports_to").annotate(
        meeting_count=_count(Meeting.objects.all(), outer="body"),
        decision_count=_count(Decision.objects.all(), outer="body"),
    )


def reports_to_chain(body: Body) -> list[Body]:
    """The bodies above this one, from the top (usually the authority) down to the one it reports to.

    One query over all bodies (a few dozen) instead of one per level; a loop in the data stops the walk.
    """
    by_pk = {other.pk: other for other in Body.objects.only("pk", "name", "short_name", "kind", "reports_to_id")}
    chain, seen = [], {body.pk}
    parent_id = body.reports_to_id
    while parent_id is not None and parent_id not in seen and parent_id in by_pk:
        parent = by_pk[parent_id]
        chain.append(parent)
        seen.add(parent_id)
        parent_id = parent.reports_to_id
    return list(reversed(chain))


@dataclass(frozen=True)
class Members:
    current: list
    past: list


def members(body: Body, *, today: datetime.date | None = None) -> Members:
    """A body's seats, current (chair first, in role order) and past (most recently ended first)."""
    today = today or timezone.localdate()
    role_order = {role: index for index, role in enumerate(MembershipRole.values)}
    seats = list(body.memberships.select_related("person"))
    current = [seat for seat in seats if seat.end_date is None or seat.end_date >= today]
    past = [seat for seat in seats if seat.end_date is not None and seat.end_date < today]
    current.sort(key=lambda seat: (role_order.get(seat.role, len(role_order)), seat.person.name))
    past.sort(key=lambda seat: (seat.end_date, seat.person.name), reverse=True)
    return Members(current=current, past=past)


def reporting_bodies(body: Body):
    return body.reporting_bodies.order_by("name")


def latest_meetings(body: Body, *, limit: int = LATEST_LIMIT) -> list[Meeting]:
    return list(body.meetings.annotate(decision_count=Count("decisions")).order_by("-date", "-pk")[:limit])


def latest_decisions(body: Body, *, limit: int = LATEST_LIMIT) -> list[Decision]:
    return list(
        with_subjects(Decision.objects.filter(body=body).select_related("meeting")).order_by("-decided_on", "-pk")[
            :limit
        ]
    )


def meetings_for_list():
    return (
        Meeting.objects.select_related("body")
        .annotate(decision_count=Count("decisions"))
        .order_by("-date", "body__name", "-pk")
    )


def meeting_for_detail():
    return Meeting.objects.select_related("body").prefetch_related(
        Prefetch(
            "decisions", queryset=with_subjects(Decision.objects.select_related("body")).order_by("decided_on", "pk")
        )
    )


# The programme, its indicators and its risks ------------------------------------------------------------------


def programmes_for_list():
    return (
        Programme.objects.select_related("executive_body", "programme_board", "director", "manager")
        .annotate(
            review_count=Count("reviews"),
            risk_count=_count(Risk.objects.all(), outer="programme"),
        )
        .order_by("-start_date", "name", "pk")
    )


def programme_for_detail():
    return Programme.objects.select_related(
        "executive_body", "programme_board", "director", "manager"
    ).prefetch_related(
        Prefetch(
            "outcomes",
            queryset=StrategicOutcome.objects.annotate(recommendation_count=live_count("recommendations")).order_by(
                "number"
            ),
        ),
        Prefetch("priorities", queryset=Priority.objects.order_by("number")),
        "reviews",
        Prefetch("indicators", queryset=indicators_for_list().order_by("code")),
        Prefetch("risks", queryset=risks_for_list().order_by("-risk_score", "reference")),
    )


def _latest_value(field: str) -> Subquery:
    latest = IndicatorValue.objects.filter(indicator=OuterRef("pk")).order_by("-period_end", "-pk")
    return Subquery(latest.values(field)[:1])


def indicators_for_list():
    return Indicator.objects.select_related("programme").annotate(
        latest_period=_latest_value("period"),
        latest_target=_latest_value("target"),
        latest_actual=_latest_value("actual"),
    )


def indicator_for_detail():
    return Indicator.objects.select_related("programme").prefetch_related(
        Prefetch("values", queryset=IndicatorValue.objects.order_by("period_end", "pk")),
        Prefetch("outcomes", queryset=StrategicOutcome.objects.order_by("number")),
        "recommendations",
        "recommendations__source",
    )


@dataclass(frozen=True)
class IndicatorPeriod:
    value: IndicatorValue
    met: bool | None


def indicator_values(indicator: Indicator) -> list[IndicatorPeriod]:
    """Each period's target and actual, and whether the actual met the target in the indicator's better direction."""
    periods = []
    for value in indicator.values.all():
        met = None
        if value.target is not None and value.actual is not None:
            higher_is_better = indicator.direction == IndicatorDirection.HIGHER_IS_BETTER
            met = value.actual >= value.target if higher_is_better else value.actual <= value.target
        periods.append(IndicatorPeriod(value=value, met=met))
    return periods


def risks_for_list():
    return Risk.objects.select_related("programme", "owner").annotate(risk_score=F("likelihood") * F("impact"))


def risk_for_detail():
    return risks_for_list()


def current_programme(day: datetime.date) -> Programme | None:
    """The programme running on `day`: the latest started by then whose end is not before it, else the latest
    started by then, else the first there is. One query: an authority has a programme a year."""
    programmes = list(Programme.objects.order_by(F("start_date").desc(nulls_last=True), "-id"))
    started = [programme for programme in programmes if programme.start_date is None or programme.start_date <= day]
    running = [programme for programme in started if programme.end_date is None or programme.end_date >= day]
    if running or started:
        return (running or started)[0]
    return min(programmes, key=lambda programme: (programme.start_date, programme.pk), default=None)
