from django.contrib import admin

from programmes.admin import RegisterAdmin

from .models import Action, Comment, Evidence, ProgressUpdate, Recommendation, Source


@admin.register(Source)
class SourceAdmin(RegisterAdmin):
    list_display = ["title", "kind", "published_on", "review", "inspection"]
    list_filter = ["kind"]
    search_fields = ["title", "reference"]
    autocomplete_fields = ["programme", "review", "inspection"]


class ActionInline(admin.TabularInline):
    model = Action
    can_delete = False
    extra = 0
    fields = ["description", "owner", "due_date", "status"]
    autocomplete_fields = ["owner"]


@admin.register(Recommendation)
class RecommendationAdmin(RegisterAdmin):
    list_display = ["__str__", "theme", "priority", "owner", "timescale", "decision_status", "implementation_status"]
    list_filter = ["decision_status", "implementation_status", "priority", "source__kind", "source"]
    search_fields = ["number", "text", "theme", "response", "owner__name"]
    autocomplete_fields = ["source", "review", "owner", "indicators", "outcomes"]
    list_select_related = ["source", "owner"]
    inlines = [ActionInline]


@admin.register(Action)
class ActionAdmin(RegisterAdmin):
    list_display = ["description", "owner", "due_date", "status", "rag_override"]
    list_filter = ["status", "rag_override"]
    search_fields = ["description", "owner__name", "external_dependency"]
    autocomplete_fields = ["recommendation", "owner", "depends_on"]
    list_select_related = ["owner"]


class EvidenceInline(admin.TabularInline):
    model = Evidence
    can_delete = False
    extra = 0
    readonly_fields = ["uploaded_at"]


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(RegisterAdmin):
    list_display = ["reported_on", "author", "action", "recommendation", "reported_status", "reported_rag"]
    list_filter = ["reported_status", "reported_rag"]
    search_fields = ["note", "author__name"]
    autocomplete_fields = ["action", "recommendation", "author"]
    inlines = [EvidenceInline]


@admin.register(Evidence)
class EvidenceAdmin(RegisterAdmin):
    list_display = ["description", "file", "update", "uploaded_by", "uploaded_at"]
    search_fields = ["description", "file"]


@admin.register(Comment)
class CommentAdmin(RegisterAdmin):
    list_display = ["question", "author", "addressed_to", "asked_at", "answered_at"]
    search_fields = ["question", "answer"]
    autocomplete_fields = ["recommendation", "action", "addressed_to"]
