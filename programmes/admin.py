from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ReadOnlyAdminMixin

from .models import (
    Body,
    Decision,
    Indicator,
    IndicatorValue,
    Meeting,
    Membership,
    Person,
    Priority,
    Programme,
    Risk,
    StrategicOutcome,
)


class RegisterAdmin(SimpleHistoryAdmin):
    """The admin of a register model: it can record and correct, never delete, so no record leaves the trail."""

    def has_delete_permission(self, request, obj=None):
        return False


class MembershipInline(admin.TabularInline):
    model = Membership
    can_delete = False
    extra = 0
    autocomplete_fields = ["person"]


@admin.register(Person)
class PersonAdmin(RegisterAdmin):
    list_display = ["name", "job_title", "organisation", "user"]
    list_filter = ["organisation"]
    search_fields = ["name", "job_title", "email"]
    autocomplete_fields = ["user"]


@admin.register(Body)
class BodyAdmin(RegisterAdmin):
    list_display = ["name", "short_name", "kind", "reports_to"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name", "terms_of_reference"]
    autocomplete_fields = ["reports_to"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(RegisterAdmin):
    list_display = ["person", "body", "role", "start_date", "end_date"]
    list_filter = ["role", "body__kind"]
    search_fields = ["person__name", "body__name"]
    autocomplete_fields = ["person", "body"]


@admin.register(Meeting)
class MeetingAdmin(RegisterAdmin):
    list_display = ["body", "date", "title", "minutes_reference"]
    list_filter = ["body"]
    search_fields = ["title", "minutes_reference", "body__name"]
    date_hierarchy = "date"
    autocomplete_fields = ["body"]


@admin.register(Decision)
# A decision enters the register only through decision_record, which checks the order of the chain and carries the
# decision out; the admin reads decisions but does not make or alter them.
class DecisionAdmin(ReadOnlyAdminMixin, RegisterAdmin):
    list_display = ["decided_on", "body", "kind", "outcome", "subject_type", "subject_id", "minute_reference"]
    list_filter = ["kind", "outcome", "body"]
    search_fields = ["minute_reference", "rationale", "body__name"]
    date_hierarchy = "decided_on"
    autocomplete_fields = ["body", "meeting"]
    list_select_related = ["body", "subject_type"]


class OutcomeInline(admin.TabularInline):
    model = StrategicOutcome
    can_delete = False
    extra = 0


class PriorityInline(admin.TabularInline):
    model = Priority
    can_delete = False
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(RegisterAdmin):
    list_display = ["name", "reference", "start_date", "end_date", "director", "manager"]
    search_fields = ["name", "reference", "description"]
    autocomplete_fields = ["executive_body", "programme_board", "director", "manager"]
    inlines = [OutcomeInline, PriorityInline]


@admin.register(StrategicOutcome)
class StrategicOutcomeAdmin(RegisterAdmin):
    list_display = ["number", "title", "programme"]
    list_filter = ["programme"]
    search_fields = ["title", "description"]


@admin.register(Priority)
class PriorityAdmin(RegisterAdmin):
    list_display = ["number", "title", "programme"]
    list_filter = ["programme"]
    search_fields = ["title", "description"]


class IndicatorValueInline(admin.TabularInline):
    model = IndicatorValue
    can_delete = False
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(RegisterAdmin):
    list_display = ["code", "name", "unit", "direction", "programme"]
    list_filter = ["direction", "programme"]
    search_fields = ["code", "name", "description"]
    inlines = [IndicatorValueInline]


@admin.register(IndicatorValue)
class IndicatorValueAdmin(RegisterAdmin):
    list_display = ["indicator", "period", "target", "actual"]
    search_fields = ["indicator__code", "indicator__name", "period"]
    list_select_related = ["indicator"]


@admin.register(Risk)
class RiskAdmin(RegisterAdmin):
    list_display = ["reference", "title", "likelihood", "impact", "owner", "status"]
    list_filter = ["status", "programme"]
    search_fields = ["reference", "title", "description", "mitigation"]
    autocomplete_fields = ["owner"]
