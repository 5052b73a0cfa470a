"""Sign-in that refuses further attempts, before checking the password, after repeated failures."""

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm

from .models import SignInEvent
from .security import client_ip, is_locked_out, record_sign_in_event


class ThrottledSignInMixin:
    """Refuses the attempt, without authenticating, when the username or address has failed too often lately."""

    def locked_out_message(self) -> str:
        minutes = settings.SIGN_IN_FAILURE_WINDOW // 60
        return f"Too many failed sign-in attempts. Try again in {minutes} minutes."

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        # Checked before authenticate(): once locked, even the right password gets nothing, so guessing on past the
        # limit tells an attacker nothing.
        if username and is_locked_out(username=username, ip_address=client_ip(self.request)):
            record_sign_in_event(kind=SignInEvent.Kind.LOCKED_OUT, request=self.request, username=username)
            raise forms.ValidationError(self.locked_out_message(), code="locked_out")
        return super().clean()


class SignInForm(ThrottledSignInMixin, AuthenticationForm):
    pass


class AdminSignInForm(ThrottledSignInMixin, AdminAuthenticationForm):
    pass


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    redirect_authenticated_user = True
