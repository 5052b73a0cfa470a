"""The filters of the recommendation and action lists. Each filter that names a state of the register (gaps,
overdue, RAG) is built from the Q objects in querysets.py, so that the lists agree with the dashboards."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from programmes.filters import ProgrammeScopedChoices
from programmes.models import Person, Programme
from programmes.widgets import NAME_LABEL, PERSON_LABEL, TITLE_LABEL, QuickSelect
from reviews.filters import review_choice_filter
from reviews.models import Review

from .choices import (
    ActionStatus,
    DecisionStatus,
    ImplementationStatus,
    Priority,
    Rag,
    SourceKind,
)
from .escalation import EscalationLevel, escalated_q
from .models import Action, Recommendation, Source
from .querysets import (
    amber_action_q,
    green_action_q,
    no_funding_q,
    no_owner_q,
    no_target_q,
    open_action_q,
    outstanding_recommendation_q,
    overdue_action_q,
    red_action_q,
)


def people_who_own(model):
    """The people who own at least one record of `model`: a semi-join, not a DISTINCT over every row they own."""
    return Person.objects.filter(Exists(model.objects.filter(owner=OuterRef("pk")))).only("name", "job_title")


DATE_HINT = "For example, 31/12/2003"
GAP_CHOICES = [
    ("true", "Any gap"),
    ("no_owner", "No owner"),
    ("no_target", "No target date"),
    ("no_funding", "No funding"),
]
GAP_QS = {
    "true": lambda: no_owner_q() | no_target_q() | no_funding_q(),
    "no_owner": no_owner_q,
    "no_target": no_target_q,
    "no_funding": no_funding_q,
}


RAG_QS = {Rag.RED: red_action_q, Rag.AMBER: amber_action_q, Rag.GREEN: green_action_q}


def _date_widget():
    return forms.DateInput(attrs={"autocomplete": "off"})


def owner_choice_filter() -> django_filters.ModelChoiceFilter:
    """A choice of owner among the people who own a record of the list (the FilterSet sets the queryset)."""
    return django_filters.ModelChoiceFilter(
        widget=QuickSelect(**PERSON_LABEL),
        label="Owner",
        queryset=None,
        empty_label="Anyone",
    )


def programme_choice_filter(*, field_name: str) -> django_filters.ModelChoiceFilter:
    return django_filters.ModelChoiceFilter(
        widget=QuickSelect(**NAME_LABEL),
        label="Programme",
        field_name=field_name,
        queryset=Programme.objects.all(),
        empty_label="Any programme",
    )


class RecommendationFilter(ProgrammeScopedChoices, django_filters.FilterSet):
    """What a member narrows the recommendations register by before a meeting."""

    q = django_filters.CharFilter(label="Search", method="filter_search", help_text="Number, text, response or theme")
    decision_status = django_filters.MultipleChoiceFilter(
        label="Decision", choices=DecisionStatus.choices, widget=forms.CheckboxSelectMultiple, distinct=False
    )
    implementation_status = django_filters.MultipleChoiceFilter(
        label="Implementation",
        choices=ImplementationStatus.choices,
        widget=forms.CheckboxSelectMultiple,
        distinct=False,
    )
    has_gaps = django_filters.ChoiceFilter(
        label="Gaps",
        choices=GAP_CHOICES,
        empty_label="Any recommendation",
        method="filter_gaps",
        help_text="Accepted, not yet implemented, and missing an owner, a target date or funding",
    )
    programme = programme_choice_filter(field_name="source__programme")
    owner = owner_choice_filter()
    review = review_choice_filter()
    source = django_filters.ModelChoiceFilter(
        widget=QuickSelect(**TITLE_LABEL),
        label="Source",
        help_text="Those of the programme chosen, or of the current one",
        queryset=None,
        empty_label="Any report",
    )
    source_kind = django_filters.MultipleChoiceFilter(
        label="Kind of source",
        field_name="source__kind",
        choices=SourceKind.choices,
        widget=forms.CheckboxSelectMultiple,
        distinct=False,
    )
    priority = django_filters.MultipleChoiceFilter(
        label="Priority", choices=Priority.choices, widget=forms.CheckboxSelectMultiple, distinct=False
    )
    theme = django_filters.ChoiceFilter(
        label="Theme",
        choices=[],
        empty_label="Any theme",
        help_text="Those in use in the programme chosen, or the current one",
    )

    programme_scoped = {"review": "programme", "source": "programme"}

    class Meta:
        model = Recommendation
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["owner"].queryset = people_who_own(Recommendation)
        self.filters["review"].queryset = Review.objects.order_by("title").only("title")
        self.filters["source"].queryset = Source.objects.order_by("title").only("title")

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(number__iexact=value)
            | Q(text__icontains=value)
            | Q(response__icontains=value)
            | Q(theme__icontains=value)
        )

    def scope_choices(self, form, programme):
        themes = Recommendation.objects.exclude(theme="").values_list("theme", flat=True)
        offered = set(themes.filter(source__programme=programme).distinct().order_by())
        chosen = form.data.get(form.add_prefix("theme")) if form.is_bound else None
        if chosen and chosen not in offered and themes.filter(theme=chosen).exists():
            offered.add(chosen)  # a link to another programme's theme still works
        form.fields["theme"].choices = [(theme, theme) for theme in sorted(offered)]

    def filter_gaps(self, queryset, name, value):
        gap = GAP_QS.get(value)
        return queryset.filter(outstanding_recommendation_q() & gap()) if gap else queryset


class ActionFilter(ProgrammeScopedChoices, django_filters.FilterSet):
    """What a member or the programme manager narrows the implementation actions by."""

    q = django_filters.CharFilter(
        label="Search", method="filter_search", help_text="Description, dependency or recommendation"
    )
    overdue = django_filters.BooleanFilter(
        label="Only overdue actions",
        method="filter_overdue",
        widget=forms.CheckboxInput,
        help_text="Open and past their due date",
    )
    status = django_filters.MultipleChoiceFilter(
        label="Status", choices=ActionStatus.choices, widget=forms.CheckboxSelectMultiple, distinct=False
    )
    escalation = django_filters.ChoiceFilter(
        label="Escalated",
        choices=[
            (str(EscalationLevel.LINE_MANAGER), "To the line manager or further"),
            (str(EscalationLevel.BOARD), "To the board"),
        ],
        empty_label="Any",
        method="filter_escalation",
        help_text="By how long it has been overdue: the escalation ladder on the help page",
    )
    at_risk = django_filters.BooleanFilter(
        label="Only actions flagged at risk",
        method="filter_at_risk",
        widget=forms.CheckboxInput,
        help_text="By their owner, before the due date",
    )
    rag = django_filters.MultipleChoiceFilter(
        label="RAG",
        choices=Rag.choices,
        widget=forms.CheckboxSelectMultiple,
        method="filter_rag",
        help_text="As shown: the owner's override where there is one, otherwise derived from the dates",
    )
    programme = programme_choice_filter(field_name="recommendation__source__programme")
    owner = owner_choice_filter()
    review = review_choice_filter(field_name="recommendation__review")
    due_after = django_filters.DateFilter(
        label="Due on or after", field_name="due_date", lookup_expr="gte", widget=_date_widget(), help_text=DATE_HINT
    )
    due_before = django_filters.DateFilter(
        label="Due on or before", field_name="due_date", lookup_expr="lte", widget=_date_widget(), help_text=DATE_HINT
    )

    programme_scoped = {"review": "programme"}

    class Meta:
        model = Action
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["owner"].queryset = people_who_own(Action)
        self.filters["review"].queryset = Review.objects.order_by("title").only("title")

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(description__icontains=value)
            | Q(external_dependency__icontains=value)
            | Q(recommendation__number__iexact=value)
            | Q(recommendation__text__icontains=value)
        )

    def filter_overdue(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(overdue_action_q(timezone.localdate()))

    def filter_escalation(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(escalated_q(int(value), timezone.localdate()))

    def filter_at_risk(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(open_action_q(), at_risk_since__isnull=False)

    def filter_rag(self, queryset, name, value):
        if not value:
            return queryset
        today = timezone.localdate()
        condition = Q()
        for rag in value:
            condition |= RAG_QS[rag](today)
        return queryset.filter(condition)
