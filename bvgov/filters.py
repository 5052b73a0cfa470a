import datetime

import django_filters
from django import forms
from django.contrib.auth import get_user_model

from core.models import AuditEntry
from programmes.filters import ProgrammeScopedChoices
from programmes.models import Programme
from programmes.widgets import NAME_LABEL, USER_LABEL, QuickSelect
from reviews.filters import review_choice_filter
from reviews.models import Review

from .registry import tracked_content_types
from .selectors.boards import board_reviews, boards
from .selectors.register import start_of_day


class AuditTrailFilter(ProgrammeScopedChoices, django_filters.FilterSet):
    """The inspector's filters over the audit trail: which kind of object, which one, who, when, which review."""

    content_type = django_filters.ModelChoiceFilter(
        widget=QuickSelect, label="Kind of record", queryset=None, empty_label="All kinds", field_name="content_type"
    )
    object_id = django_filters.NumberFilter(label="Record number", min_value=1)
    user = django_filters.ModelChoiceFilter(
        widget=QuickSelect(**USER_LABEL),
        label="Changed by",
        queryset=None,
        empty_label="Anyone",
    )
    date_from = django_filters.DateFilter(
        label="From", method="filter_date_from", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = django_filters.DateFilter(
        label="To", method="filter_date_to", widget=forms.DateInput(attrs={"type": "date"})
    )
    programme = django_filters.ModelChoiceFilter(
        widget=QuickSelect(**NAME_LABEL),
        label="Programme",
        queryset=Programme.objects.all(),
        empty_label="Any programme",
        method="filter_programme",
    )
    review = review_choice_filter(empty_label="All reviews", method="filter_review")
    board = django_filters.ModelChoiceFilter(
        widget=QuickSelect(**NAME_LABEL),
        label="Reviews a board oversees",
        queryset=boards(),
        empty_label="Any board",
        method="filter_board",
    )
    reason = django_filters.CharFilter(
        label="Reason contains", field_name="reason", lookup_expr="icontains", max_length=200
    )

    programme_scoped = {"review": "programme"}

    class Meta:
        model = AuditEntry
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        content_types = tracked_content_types()
        self.filters["content_type"].queryset = type(content_types[0]).objects.filter(
            pk__in=[ct.pk for ct in content_types]
        )
        self.filters["content_type"].field.label_from_instance = lambda ct: str(
            ct.model_class()._meta.verbose_name
        ).capitalize()
        self.filters["user"].queryset = (
            get_user_model().objects.order_by("username").only("username", "first_name", "last_name")
        )
        self.filters["review"].queryset = Review.objects.order_by("title").only("title")

    def filter_programme(self, queryset, name, value):
        return queryset.filter(review_id__in=Review.objects.filter(programme=value).values("id")) if value else queryset

    def filter_review(self, queryset, name, value):
        return queryset.filter(review_id=value.pk) if value else queryset

    def filter_board(self, queryset, name, value):
        return queryset.filter(review_id__in=board_reviews(value).values("id")) if value else queryset

    # Whole local days as datetime bounds, so that the history_date index serves the range.
    def filter_date_from(self, queryset, name, value):
        return queryset.filter(history_date__gte=start_of_day(value))

    def filter_date_to(self, queryset, name, value):
        if value >= datetime.date.max:
            return queryset
        return queryset.filter(history_date__lt=start_of_day(value + datetime.timedelta(days=1)))
