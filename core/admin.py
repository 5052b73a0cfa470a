from django.contrib import admin

from .models import AuditEntry


class ReadOnlyAdminMixin:
    """An admin that reads its records and never adds, changes or deletes one: evidence, or records that enter the
    register only through a service."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The audit trail is evidence: it can be searched and read here, never added to, changed or deleted."""

    list_display = ["sequence", "history_date", "content_type", "object_repr", "history_type", "user", "reason"]
    list_filter = ["history_type", "content_type", "history_date"]
    search_fields = ["object_repr", "reason", "user__username", "entry_hash"]
    list_select_related = ["content_type", "user"]
    date_hierarchy = "history_date"
    ordering = ["-sequence"]
