"""Sign-in security: the record of sign-ins kept in SignInEvent, the refusal of sign-in after repeated failures, and
the fixed lifetime of a session.

The receivers are connected in BvgovConfig.ready to Django's user_logged_in, user_logged_out and user_login_failed
signals, so sign-ins through the admin's own form are recorded too.
"""

import ipaddress
import time
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.utils import timezone

from .models import SignInEvent

LAST_ACTIVITY_KEY = "bvgov_last_activity"
USER_AGENT_LENGTH = SignInEvent._meta.get_field("user_agent").max_length
USERNAME_LENGTH = SignInEvent._meta.get_field("username").max_length


def _valid_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The address the request came from: with TRUSTED_PROXY_COUNT proxies in front, the one the outermost proxy saw.

    Entries of X-Forwarded-For left of those the trusted proxies appended were written by the client, so are ignored.
    """
    if request is None:
        return None
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return _valid_ip(forwarded[-proxies])
    return _valid_ip(request.META.get("REMOTE_ADDR", ""))


def record_sign_in_event(*, kind: str, request, username: str = "", user=None) -> SignInEvent:
    user_agent = request.META.get("HTTP_USER_AGENT", "") if request is not None else ""
    return SignInEvent.objects.create(
        kind=kind,
        username=username[:USERNAME_LENGTH],
        user=user,
        ip_address=client_ip(request),
        user_agent=user_agent[:USER_AGENT_LENGTH],
    )


def is_locked_out(*, username: str, ip_address: str | None, now=None) -> bool:
    """Whether the username (in any case) or the address has had too many failed sign-ins in the window."""
    since = (now or timezone.now()) - timedelta(seconds=settings.SIGN_IN_FAILURE_WINDOW)
    same_username = Q(username__iexact=username)
    same_address = Q(ip_address=ip_address) if ip_address else Q(pk__in=[])
    failures = (
        SignInEvent.objects.filter(kind=SignInEvent.Kind.FAILED, at__gte=since)
        .filter(same_username | same_address)
        .aggregate(by_username=Count("pk", filter=same_username), by_address=Count("pk", filter=same_address))
    )
    return max(failures.values()) >= settings.SIGN_IN_MAX_FAILURES


def on_signed_in(sender, request, user, **kwargs):
    record_sign_in_event(kind=SignInEvent.Kind.SIGNED_IN, request=request, username=user.get_username(), user=user)
    if request is not None and hasattr(request, "session"):
        # A datetime expiry is absolute: saving the session later (each request records its activity) does not
        # push it back, as the default SESSION_COOKIE_AGE would.
        request.session.set_expiry(timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE))
        request.session[LAST_ACTIVITY_KEY] = time.time()


def on_signed_out(sender, request, user, **kwargs):
    if user is None:
        return
    record_sign_in_event(kind=SignInEvent.Kind.SIGNED_OUT, request=request, username=user.get_username(), user=user)


def on_sign_in_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get(get_user_model().USERNAME_FIELD, ""))
    record_sign_in_event(kind=SignInEvent.Kind.FAILED, request=request, username=username)


def update_last_login_quietly(sender, user, **kwargs) -> None:
    """Django's update_last_login, without a history row: last_login is not part of the user's history."""
    user.last_login = timezone.now()
    user.skip_history_when_saving = True
    try:
        user.save(update_fields=["last_login"])
    finally:
        del user.skip_history_when_saving
