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


class ArchivableAdmin(RegisterAdmin):
    """Shows archived records too (the default manager leaves them out), with when and why they were archived.
    Archiving and restoring are done from the record's page, where the rules for them are checked."""

    readonly_fields = ["archived_at", "archive_reason"]

    def get_queryset(self, request):
        queryset = self.model.all_objects.get_queryset()
        ordering = self.get_ordering(request)
        return queryset.order_by(*ordering) if ordering else queryset


@admin.register(Recommendation)
class RecommendationAdmin(ArchivableAdmin):
    list_display = ["__str__", "theme", "priority", "owner", "timescale", "decision_status", "implementation_status"]
    list_filter = [
        "decision_status",
        "implementation_status",
        "priority",
        "source__kind",
        "source",
        ("archived_at", admin.EmptyFieldListFilter),
    ]
    search_fields = ["number", "text", "theme", "response", "owner__name"]
    autocomplete_fields = ["source", "review", "owner", "indicators", "outcomes"]
    list_select_related = ["source", "owner"]
    inlines = [ActionInline]


@admin.register(Action)
class ActionAdmin(ArchivableAdmin):
    list_display = ["description", "owner", "due_date", "status", "rag_override"]
    list_filter = ["status", "rag_override", ("archived_at", admin.EmptyFieldListFilter)]
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
