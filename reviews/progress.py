"""How far a review's recommendations have got, asked without `reviews` importing `recommendations`.

Recommendations sit above reviews, yet a review's pages count its accepted and implemented recommendations and its
overdue actions. The recommendations app, which owns those rules, registers them here at start-up
(RecommendationsConfig.ready), so every page counts "accepted" and "overdue" the same way.
"""

import datetime
from typing import Protocol


class ProgressRules(Protocol):
    def annotate_reviews(self, queryset):
        """Add recommendation_count, accepted_count and implemented_count to a queryset of reviews."""

    def annotate_recommendations(self, queryset, *, today: datetime.date):
        """Add overdue_action_count to a queryset of recommendations."""

    def is_accepted(self, recommendation) -> bool: ...

    def is_implemented(self, recommendation) -> bool: ...


_rules: list[ProgressRules] = []


def register_progress_rules(rules: ProgressRules) -> None:
    _rules[:] = [rules]


def progress_rules() -> ProgressRules:
    if not _rules:
        raise LookupError("No progress rules are registered: is the recommendations app installed?")
    return _rules[0]
