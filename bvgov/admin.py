from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ReadOnlyAdminMixin

from .auth_views import AdminSignInForm
from .models import CalendarFeed, ReminderSent, SignInEvent, SignInLogEntry, User


@admin.register(User)
class BvgovUserAdmin(UserAdmin, SimpleHistoryAdmin):
    pass


@admin.register(ReminderSent)
class ReminderSentAdmin(SimpleHistoryAdmin):
    list_display = ["date", "recipient", "kind", "body", "sent_at"]
    list_filter = ["kind", "date"]
    search_fields = ["recipient"]
    date_hierarchy = "date"
    list_select_related = ["body"]


@admin.register(CalendarFeed)
class CalendarFeedAdmin(SimpleHistoryAdmin):
    """Administrators can see and revoke feeds, never make or read an address: only its hash is stored."""

    list_display = ["user", "created_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    list_select_related = ["user"]
    fields = ["user", "created_at", "revoked_at"]
    readonly_fields = ["user", "created_at"]

    def has_add_permission(self, request):
        return False


# The admin's sign-in form refuses attempts after repeated failures, as the service's own does.
admin.site.login_form = AdminSignInForm


@admin.register(SignInEvent)
class SignInEventAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    """Sign-ins recorded before the sign-in log: administrators can read them, never add, change or delete one."""

    list_display = ["at", "kind", "username", "user", "ip_address"]
    list_filter = ["kind", "at"]
    search_fields = ["username", "ip_address", "user__username"]
    date_hierarchy = "at"
    list_select_related = ["user"]


@admin.register(SignInLogEntry)
class SignInLogEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The sign-in log, with addresses and browsers: for administrators only, read-only."""

    list_display = ["last_at", "kind", "username", "user", "ip_address", "failures", "refused"]
    list_filter = ["kind", "last_at"]
    search_fields = ["username", "ip_address", "user__username"]
    date_hierarchy = "last_at"
    list_select_related = ["user"]
