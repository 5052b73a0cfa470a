"""The reads behind the review and inspection pages, each in a fixed number of queries.

A review's page shows its recommendations and how far they are implemented, so these reads reach the
recommendations register through the reverse relations (`review.recommendations`, `inspection.sources`) and count
with the rules the recommendations app registers in reviews.progress: one rule for "accepted" and "overdue" across
every page, with imports still running one way.
"""

import datetime
from dataclasses import dataclass, field
from itertools import groupby

from django.db.models import Case, IntegerField, Prefetch, Value, When
from django.utils import timezone

from core.archiving import live_count
from programmes.models import Decision

from .choices import STAGE_ORDER, ReviewStage
from .models import Inspection, Review
from .progress import progress_rules

# Withdrawn sorts after closed: it is where a review ends when it does not finish.
STAGE_POSITIONS = [*STAGE_ORDER, ReviewStage.WITHDRAWN]


def implementation_rate(implemented: int, accepted: int) -> str:
    return f"{implemented} of {accepted} implemented"


def reviews_for_list():
    """Reviews with their programme, their stage's place in the life cycle, and their implementation counts."""
    reviews = Review.objects.select_related("programme").annotate(
        stage_position=Case(
            *(When(stage=stage, then=Value(position)) for position, stage in enumerate(STAGE_POSITIONS)),
            default=Value(len(STAGE_POSITIONS)),
            output_field=IntegerField(),
        )
    )
    return progress_rules().annotate_reviews(reviews).order_by("-planned_start", "title", "pk")


def review_for_detail():
    return Review.objects.select_related(
        "programme",
        "project_board",
        "implementation_board",
        "challenge_panel",
        "project_director",
        "team_leader",
        "nominated_member",
    ).prefetch_related(
        "aims",
        Prefetch("inspections", queryset=Inspection.objects.order_by("published_on", "pk")),
        Prefetch(
            "decisions",
            queryset=Decision.objects.select_related("body", "meeting").order_by("decided_on", "pk"),
            to_attr="decision_chain",
        ),
    )


@dataclass
class SourceGroup:
    source: object
    recommendations: list


@dataclass
class ReviewRecommendations:
    """A review's recommendations grouped by the report that made them, with the figures a committee asks for."""

    groups: list[SourceGroup] = field(default_factory=list)
    total: int = 0
    accepted: int = 0
    implemented: int = 0
    overdue_actions: int = 0

    @property
    def rate(self) -> str:
        return implementation_rate(self.implemented, self.accepted)

    @property
    def percent(self) -> int | None:
        return round(100 * self.implemented / self.accepted) if self.accepted else None


def review_recommendations(review: Review, *, today: datetime.date | None = None) -> ReviewRecommendations:
    """One query: the review's recommendations with their report and owner, each with its overdue actions counted."""
    today = today or timezone.localdate()
    rules = progress_rules()
    recommendations = list(
        rules.annotate_recommendations(review.recommendations.select_related("source", "owner"), today=today).order_by(
            "source__published_on", "source__title", "source_id", "pk"
        )
    )
    result = ReviewRecommendations(total=len(recommendations))
    for _, members in groupby(recommendations, key=lambda recommendation: recommendation.source_id):
        members = list(members)
        result.groups.append(SourceGroup(source=members[0].source, recommendations=members))
    for recommendation in recommendations:
        result.accepted += rules.is_accepted(recommendation)
        result.implemented += rules.is_implemented(recommendation)
        result.overdue_actions += recommendation.overdue_action_count
    return result


def inspections_for_list():
    return (
        Inspection.objects.select_related("review", "programme")
        .annotate(recommendation_count=live_count("sources__recommendations"))
        .order_by("-published_on", "title", "pk")
    )


def inspection_for_detail():
    return Inspection.objects.select_related("review", "programme").prefetch_related(
        "sources", "sources__recommendations", "sources__recommendations__owner"
    )
