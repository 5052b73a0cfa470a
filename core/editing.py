"""The shared shape of every register edit form: a ModelForm with an optional change message that becomes the
history row's reason, saved through the history-keeping service, never by the view itself. The form carries the
version of the record it was rendered from, and the save is refused if someone else has saved the record since."""

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.views.generic import CreateView, UpdateView

from .history import StaleEditError, check_not_stale, latest_version, save_with_history, set_m2m_with_history


class SeenVersionMixin:
    """A form that carries, hidden, the version of the record it was rendered from (`seen_version`), for
    core.history.check_not_stale. Left blank (a page rendered before the field existed), the save is not
    checked."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seen_version"] = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def track_version_of(self, instance) -> None:
        """Render the form with the record's current version: an annotated `latest_version` if the page's query
        read it, else read when the field is rendered."""
        if instance.pk is not None:
            self.initial.setdefault(
                "seen_version", lambda: getattr(instance, "latest_version", None) or latest_version(instance)
            )

    def show_current_version(self, error: StaleEditError) -> None:
        """Keep the user's input but move the form on to the version now current, so that saving again, having seen
        what changed, goes through."""
        data = self.data.copy()
        data[self.add_prefix("seen_version")] = error.current_version or ""
        self.data = data


class ChangeMessageForm(SeenVersionMixin, forms.ModelForm):
    """A ModelForm whose optional change message is stored as the reason on the history row."""

    change_message = forms.CharField(
        label="Reason (optional)",
        required=False,
        max_length=2000,
        help_text="Why you are making this change. It is kept in the audit trail.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.track_version_of(self.instance)


class RegisterSaveMixin:
    """Saves the form's instance through save_with_history with the signed-in user and the change message."""

    success_message = "Saved."

    def default_reason(self) -> str:
        return ""

    def form_valid(self, form):
        reason = form.cleaned_data.get("change_message", "") or self.default_reason()
        try:
            with transaction.atomic():
                instance = form.save(commit=False)
                if instance.pk is not None:
                    # Hold the row until commit, so no one can save between the check and this save.
                    list(type(instance)._base_manager.select_for_update().filter(pk=instance.pk).values_list("pk"))
                    check_not_stale(instance, form.cleaned_data.get("seen_version"))
                self.object = save_with_history(instance, actor=self.request.user, reason=reason)
                for field in form._meta.model._meta.many_to_many:
                    if field.name in form.cleaned_data:
                        set_m2m_with_history(
                            self.object,
                            field.name,
                            form.cleaned_data[field.name],
                            actor=self.request.user,
                            reason=reason,
                        )
        except ValidationError as error:
            form.add_error(None, error)
            if isinstance(error, StaleEditError):
                form.show_current_version(error)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return redirect(self.get_success_url())


class RegisterCreateView(LoginRequiredMixin, PermissionRequiredMixin, RegisterSaveMixin, CreateView):
    template_name = "partials/register_form.html"

    def default_reason(self) -> str:
        return f"Created {self.model._meta.verbose_name}"


class RegisterUpdateView(LoginRequiredMixin, PermissionRequiredMixin, RegisterSaveMixin, UpdateView):
    template_name = "partials/register_form.html"

    def default_reason(self) -> str:
        return f"Edited {self.model._meta.verbose_name}"
