"""The counting rules reviews' pages use, registered with reviews.progress at start-up."""

import datetime

from django.db.models import Q

from core.archiving import live_count

from .choices import ImplementationStatus
from .querysets import ACCEPTED_STATUSES, accepted_q, overdue_action_q


class RecommendationProgressRules:
    def annotate_reviews(self, queryset):
        return queryset.annotate(
            recommendation_count=live_count("recommendations"),
            accepted_count=live_count("recommendations", accepted_q("recommendations__")),
            implemented_count=live_count(
                "recommendations", Q(recommendations__implementation_status=ImplementationStatus.IMPLEMENTED)
            ),
        )

    def annotate_recommendations(self, queryset, *, today: datetime.date):
        return queryset.annotate(
            overdue_action_count=live_count("actions", overdue_action_q(today, prefix="actions__"))
        )

    def is_accepted(self, recommendation) -> bool:
        return recommendation.decision_status in ACCEPTED_STATUSES

    def is_implemented(self, recommendation) -> bool:
        return recommendation.implementation_status == ImplementationStatus.IMPLEMENTED
