"""Sign-in that refuses further attempts, before checking the password, after repeated failures."""

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm

from .security import begin_sign_in, end_sign_in


class ThrottledSignInMixin:
    """Refuses the attempt, without authenticating, when the username or address has failed too often lately."""

    def locked_out_message(self) -> str:
        minutes = settings.SIGN_IN_FAILURE_WINDOW // 60
        return f"Too many failed sign-in attempts. Try again in {minutes} minutes."

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        if not (username and self.cleaned_data.get("password")):
            return super().clean()  # no password is checked
        # Counted before authenticate(): once locked, even the right password gets nothing, so guessing on past the
        # limit tells an attacker nothing.
        if not begin_sign_in(request=self.request, username=username):
            raise forms.ValidationError(self.locked_out_message(), code="locked_out")
        try:
            return super().clean()
        finally:
            # A known user is the right password, whether or not this form then lets the account in.
            end_sign_in(succeeded=self.user_cache is not None)


class SignInForm(ThrottledSignInMixin, AuthenticationForm):
    # In the design system's words, not Django's stock "Please enter a correct username and password".
    error_messages = {
        "invalid_login": "The username or password is not right. Check them and try again.",
        "inactive": "This account is turned off. Ask an administrator to turn it back on.",
    }


class AdminSignInForm(ThrottledSignInMixin, AdminAuthenticationForm):
    pass


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    redirect_authenticated_user = True
