"""The shared shape of every register edit form: a ModelForm with an optional change message that becomes the
history row's reason, saved through the history-keeping service, never by the view itself."""

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.views.generic import CreateView, UpdateView

from .history import save_with_history, set_m2m_with_history


class ChangeMessageForm(forms.ModelForm):
    """A ModelForm whose optional change message is stored as the reason on the history row."""

    change_message = forms.CharField(
        label="Change message (optional)",
        required=False,
        max_length=2000,
        help_text="Why you are making this change. It is kept in the audit trail.",
    )


class RegisterSaveMixin:
    """Saves the form's instance through save_with_history with the signed-in user and the change message."""

    success_message = "Saved."

    def default_reason(self) -> str:
        return ""

    def form_valid(self, form):
        reason = form.cleaned_data.get("change_message", "") or self.default_reason()
        try:
            with transaction.atomic():
                self.object = save_with_history(form.save(commit=False), actor=self.request.user, reason=reason)
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
