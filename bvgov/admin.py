from django import forms
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ReadOnlyAdminMixin

from .auth_views import AdminSignInForm
from .models import CalendarFeed, ReminderSent, SignInEvent, SignInLogEntry, User


def reason_field() -> forms.CharField:
    return forms.CharField(
        label="Reason for the change",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required. Kept in the audit trail beside the change and your name.",
        error_messages={"required": "Say why you are making this change: it is kept in the audit trail."},
    )


class AccountChangeForm(UserChangeForm):
    change_reason = reason_field()


class AccountCreationForm(AdminUserCreationForm):
    change_reason = reason_field()


class RoleForm(forms.ModelForm):
    change_reason = reason_field()

    class Meta:
        model = Group
        fields = ["name", "permissions"]


class ChangeReasonAdminMixin:
    """Admin edits of accounts and roles ask why. The reason and the administrator go on every history row the edit
    writes (the record's own, and one for each many-to-many change), and so into the audit trail; the admin saves
    them in one transaction. Deleting is refused: a person is deactivated and a role emptied instead, so that their
    history stays attributable."""

    reason_fieldset = ("Why", {"fields": ["change_reason"]})

    def get_fieldsets(self, request, obj=None):
        return [*super().get_fieldsets(request, obj), self.reason_fieldset]

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        obj._change_reason = form.cleaned_data["change_reason"]
        obj._history_user = request.user
        if change and not _differs_from_stored(obj):
            return  # only links changed: save_related records each, and saving the record would change nothing
        super().save_model(request, obj, form, change)


def _differs_from_stored(obj) -> bool:
    # Read from the database rather than the form's changed_data, which counts a date and time shown to the second
    # and posted back unchanged as a change.
    columns = [field.attname for field in obj._meta.concrete_fields]
    stored = type(obj)._base_manager.filter(pk=obj.pk).values(*columns).get()
    return any(stored[column] != getattr(obj, column) for column in columns)


@admin.register(User)
class BvgovUserAdmin(ChangeReasonAdminMixin, UserAdmin, SimpleHistoryAdmin):
    form = AccountChangeForm
    add_form = AccountCreationForm


admin.site.unregister(Group)


@admin.register(Group)
class RoleAdmin(ChangeReasonAdminMixin, GroupAdmin, SimpleHistoryAdmin):
    form = RoleForm
    fieldsets = [(None, {"fields": ["name", "permissions"]})]


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
