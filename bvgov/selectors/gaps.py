"""The accountability gaps in one place, and which recommendations support which strategic outcome."""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from core.archiving import live_count
from programmes.models import StrategicOutcome
from recommendations.models import Action, Recommendation
from recommendations.querysets import no_funding_q, no_owner_q, no_target_q, open_action_q, outstanding_recommendation_q
from reviews.models import Aim

from .register import group_by

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
    # The links of an archived recommendation stay in the through table; it supports nothing while archived.
    links = [(rec, outcome) for rec, outcome in links if rec in recommendations]
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
