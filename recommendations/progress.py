"""The counting rules reviews' pages use, registered with reviews.progress at start-up."""

import datetime

from django.db.models import Count, Q

from programmes.archiving import active_q

from .choices import ImplementationStatus
from .querysets import ACCEPTED_STATUSES, accepted_q, overdue_action_q


class RecommendationProgressRules:
    def annotate_reviews(self, queryset):
        live = active_q("recommendations__")
        return queryset.annotate(
            recommendation_count=Count("recommendations", filter=live),
            accepted_count=Count("recommendations", filter=live & accepted_q("recommendations__")),
            implemented_count=Count(
                "recommendations",
                filter=live & Q(recommendations__implementation_status=ImplementationStatus.IMPLEMENTED),
            ),
        )

    def annotate_recommendations(self, queryset, *, today: datetime.date):
        return queryset.annotate(
            overdue_action_count=Count(
                "actions", filter=active_q("actions__") & overdue_action_q(today, prefix="actions__")
            )
        )

    def is_accepted(self, recommendation) -> bool:
        return recommendation.decision_status in ACCEPTED_STATUSES

    def is_implemented(self, recommendation) -> bool:
        return recommendation.implementation_status == ImplementationStatus.IMPLEMENTED
