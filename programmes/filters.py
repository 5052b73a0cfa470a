"""The filters of the governance lists. Each list page shows its FilterSet's form in the filter panel."""

import operator
from functools import reduce

import django_filters
from django.db.models import Q
from django.utils import timezone

from .choices import BodyKind, DecisionKind, DecisionOutcome, IndicatorDirection, RiskStatus
from .forms import NativeDateInput
from .models import Body, Decision, Indicator, Meeting, Person, Programme, Risk
from .selectors import current_programme, decision_subject_choices
from .widgets import NAME_LABEL, QuickSelect


class PanelFilterSet(django_filters.FilterSet):
    """A FilterSet whose inputs fill the width of the list page's filter panel (dates keep their own width)."""

    @property
    def form(self):
        form = super().form
        for field in form.fields.values():
            if not isinstance(field.widget, NativeDateInput) and "govuk-!-width-full" not in field.widget.attrs.get(
                "class", ""
            ):
                field.widget.attrs["class"] = f"{field.widget.attrs.get('class', '')} govuk-!-width-full".strip()
        return form


class ProgrammeScopedChoices:
    """A FilterSet whose long choice lists (reviews, reports) offer the records of the programme chosen in its
    `programme` filter, or of the current programme when none is, with the record chosen: two thousand reviews in one
    select are no use to a person, and writing them cost more than the list's rows. Any record stays a valid choice,
    so a link from a review's page to its actions still works.

    `programme_scoped` maps a filter's name to its choices' lookup of their programme."""

    programme_scoped: dict[str, str] = {}

    @property
    def form(self):
        form = super().form
        if not getattr(self, "_choices_scoped", False):
            self._choices_scoped = True
            programme = _chosen(form, "programme", Programme.objects.all()) or current_programme(timezone.localdate())
            for name, lookup in self.programme_scoped.items():
                field = form.fields[name]
                offered = Q(**{lookup: programme})
                chosen = _chosen(form, name, field.queryset)
                field.widget.offered = field.queryset.filter(offered | Q(pk=chosen.pk) if chosen else offered)
            self.scope_choices(form, programme)
        return form

    def scope_choices(self, form, programme: Programme | None) -> None:
        """Scope choices other than `programme_scoped`'s to the programme (for a FilterSet to override)."""


def _chosen(form, name: str, queryset):
    value = form.data.get(form.add_prefix(name)) if form.is_bound else None
    return queryset.filter(pk=value).first() if value and str(value).isdigit() else None


class SearchFilter(django_filters.CharFilter):
    """Words that must appear in any of the given fields, e.g. a title or a reference."""

    def __init__(self, *, fields: tuple[str, ...], **kwargs):
        kwargs.setdefault("label", "Search")
        super().__init__(**kwargs)
        self.search_fields = fields

    def filter(self, qs, value):
        for word in (value or "").split():
            qs = qs.filter(reduce(operator.or_, (Q(**{f"{field}__icontains": word}) for field in self.search_fields)))
        return qs


def date_filter(label: str, field_name: str, lookup_expr: str) -> django_filters.DateFilter:
    return django_filters.DateFilter(
        label=label, field_name=field_name, lookup_expr=lookup_expr, widget=NativeDateInput()
    )


class ProgrammeFilter(PanelFilterSet):
    q = SearchFilter(fields=("name", "reference", "description"), help_text="Name or reference")

    class Meta:
        model = Programme
        fields = []


class BodyFilter(PanelFilterSet):
    q = SearchFilter(fields=("name", "short_name", "terms_of_reference"), help_text="Name or terms of reference")
    kind = django_filters.ChoiceFilter(label="Kind", choices=BodyKind.choices, empty_label="Any kind")
    reports_to = django_filters.ModelChoiceFilter(
        widget=QuickSelect,
        label="Reports to",
        queryset=Body.objects.filter(reporting_bodies__isnull=False).distinct().order_by("name"),
        empty_label="Any body",
    )

    class Meta:
        model = Body
        fields = []


class MeetingFilter(PanelFilterSet):
    body = django_filters.ModelChoiceFilter(
        widget=QuickSelect, label="Body", queryset=Body.objects.order_by("name"), empty_label="Any body"
    )
    date_from = date_filter("Held on or after", "date", "gte")
    date_to = date_filter("Held on or before", "date", "lte")
    q = SearchFilter(fields=("title", "minutes_reference"), help_text="Title or minutes reference")

    class Meta:
        model = Meeting
        fields = []


class DecisionFilter(PanelFilterSet):
    body = django_filters.ModelChoiceFilter(
        widget=QuickSelect, label="Body", queryset=Body.objects.order_by("name"), empty_label="Any body"
    )
    kind = django_filters.ChoiceFilter(label="Kind of decision", choices=DecisionKind.choices, empty_label="Any kind")
    outcome = django_filters.ChoiceFilter(label="Outcome", choices=DecisionOutcome.choices, empty_label="Any outcome")
    decided_from = date_filter("Decided on or after", "decided_on", "gte")
    decided_to = date_filter("Decided on or before", "decided_on", "lte")
    subject_type = django_filters.ChoiceFilter(
        label="Decision on", choices=[], empty_label="Anything", method="filter_subject_type"
    )

    class Meta:
        model = Decision
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["subject_type"].extra["choices"] = decision_subject_choices()

    def filter_subject_type(self, queryset, name, value):
        app_label, _, model = value.partition(".")
        return queryset.filter(subject_type__app_label=app_label, subject_type__model=model)


class IndicatorFilter(PanelFilterSet):
    q = SearchFilter(fields=("code", "name", "description"), help_text="Code or name")
    programme = django_filters.ModelChoiceFilter(
        widget=QuickSelect(**NAME_LABEL),
        label="Programme",
        queryset=Programme.objects.all(),
        empty_label="Any programme",
    )
    direction = django_filters.ChoiceFilter(
        label="Better when", choices=IndicatorDirection.choices, empty_label="Either"
    )

    class Meta:
        model = Indicator
        fields = []


class RiskFilter(PanelFilterSet):
    q = SearchFilter(
        fields=("reference", "title", "description", "mitigation"), help_text="Reference, title or mitigation"
    )
    status = django_filters.ChoiceFilter(label="Status", choices=RiskStatus.choices, empty_label="Any status")
    owner = django_filters.ModelChoiceFilter(
        widget=QuickSelect,
        label="Owner",
        queryset=Person.objects.filter(risks__isnull=False).distinct().order_by("name"),
        empty_label="Anyone",
    )
    programme = django_filters.ModelChoiceFilter(
        widget=QuickSelect(**NAME_LABEL),
        label="Programme",
        queryset=Programme.objects.all(),
        empty_label="Any programme",
    )

    class Meta:
        model = Risk
        fields = []
