from django.contrib import admin

from programmes.admin import RegisterAdmin

from .models import Aim, Inspection, Review


class AimInline(admin.TabularInline):
    model = Aim
    can_delete = False
    extra = 0


@admin.register(Review)
class ReviewAdmin(RegisterAdmin):
    list_display = ["reference", "title", "kind", "stage", "programme", "planned_start", "planned_end"]
    list_filter = ["stage", "kind", "programme"]
    search_fields = ["reference", "title", "scope"]
    autocomplete_fields = [
        "project_board",
        "challenge_panel",
        "project_director",
        "team_leader",
        "nominated_member",
    ]
    list_select_related = ["programme"]
    inlines = [AimInline]
    # The stage moves only through recorded decisions and the review page's stage form, never a quiet admin edit.
    readonly_fields = ["stage"]


@admin.register(Aim)
class AimAdmin(RegisterAdmin):
    list_display = ["review", "number", "text", "measure", "target", "deadline"]
    list_filter = ["review"]
    search_fields = ["text", "measure", "target"]


@admin.register(Inspection)
class InspectionAdmin(RegisterAdmin):
    list_display = ["title", "inspectorate", "published_on", "service_judgement", "prospects_judgement"]
    list_filter = ["inspectorate", "service_judgement", "prospects_judgement", "audit_opinion"]
    search_fields = ["title", "reference", "subject", "strengths", "areas_for_development"]
    autocomplete_fields = ["review", "programme"]
