"""The filters of the review and inspection lists."""

import django_filters

from programmes.filters import PanelFilterSet, SearchFilter, date_filter
from programmes.models import Programme
from programmes.widgets import NAME_LABEL, TITLE_LABEL, QuickSelect

from .choices import Inspectorate, ReviewKind, ReviewStage, ServiceJudgement
from .models import Inspection, Review


def review_choice_filter(*, empty_label: str = "Any review", **kwargs) -> django_filters.ModelChoiceFilter:
    """A choice of review by title (the FilterSet sets the queryset)."""
    return django_filters.ModelChoiceFilter(
        widget=QuickSelect(**TITLE_LABEL),
        label="Review",
        help_text="Those of the programme chosen, or of the current one",
        queryset=None,
        empty_label=empty_label,
        **kwargs,
    )


class ReviewFilter(PanelFilterSet):
    q = SearchFilter(fields=("title", "reference", "scope"), help_text="Title, reference or scope")
    programme = django_filters.ModelChoiceFilter(
        widget=QuickSelect(**NAME_LABEL),
        label="Programme",
        queryset=Programme.objects.all(),
        empty_label="Any programme",
    )
    stage = django_filters.ChoiceFilter(label="Stage", choices=ReviewStage.choices, empty_label="Any stage")
    kind = django_filters.ChoiceFilter(label="Kind of review", choices=ReviewKind.choices, empty_label="Any kind")

    class Meta:
        model = Review
        fields = []


class InspectionFilter(PanelFilterSet):
    q = SearchFilter(fields=("title", "reference", "subject", "summary"), help_text="Title, reference or subject")
    inspectorate = django_filters.ChoiceFilter(
        label="Inspectorate", choices=Inspectorate.choices, empty_label="Any inspectorate"
    )
    review = django_filters.ModelChoiceFilter(
        widget=QuickSelect, label="Review", queryset=Review.objects.order_by("title"), empty_label="Any review"
    )
    service_judgement = django_filters.ChoiceFilter(
        label="Service judgement", choices=ServiceJudgement.choices, empty_label="Any judgement"
    )
    published_from = date_filter("Published on or after", "published_on", "gte")
    published_to = date_filter("Published on or before", "published_on", "lte")

    class Meta:
        model = Inspection
        fields = []
