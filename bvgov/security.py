"""Sign-in security: the sign-in log (SignInLogEntry, outside the register's audit chain), the refusal of sign-in
after repeated failures, and the fixed lifetime of a session.

The receivers are connected in BvgovConfig.ready to Django's user_logged_in, user_logged_out and user_login_failed
signals, so sign-ins through the admin's own form are recorded too.
"""

import contextvars
import ipaddress
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connections, router, transaction
from django.db.models import F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import SignInLogEntry

LAST_ACTIVITY_KEY = "bvgov_last_activity"
USER_AGENT_LENGTH = SignInLogEntry._meta.get_field("user_agent").max_length
# The second key of PostgreSQL's two-key advisory locks, which never collide with the chain's one-key lock.
SIGN_IN_LOCK_CLASS = 0x6276  # "bv"

# The failure row the sign-in in progress in this context has already counted (see begin_sign_in).
_counted = contextvars.ContextVar("bvgov_sign_in_counted", default=None)


def _valid_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The address the request came from: with TRUSTED_PROXY_COUNT proxies in front, the one the outermost proxy saw.

    Entries of X-Forwarded-For left of those the trusted proxies appended were written by the client, so are ignored;
    with no trusted proxy (the default) the header is ignored altogether.
    """
    if request is None:
        return None
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return _valid_ip(forwarded[-proxies])
    return _valid_ip(request.META.get("REMOTE_ADDR", ""))


def lock_address(address: str | None) -> str | None:
    """The address failures are counted from: an IPv6 address by its /64 network, which one subscriber usually holds
    whole (counted one by one, its 2**64 addresses would each get their own five guesses and their own row)."""
    if address is None or ipaddress.ip_address(address).version == 4:
        return address
    return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address)


def account_named(typed: str):
    """The account a typed username names: exactly, or else in any case if only one does; None otherwise."""
    if not typed:
        return None
    model = get_user_model()
    field = model.USERNAME_FIELD
    user = model._default_manager.filter(**{field: typed}).first()
    if user is None:
        matches = list(model._default_manager.filter(**{f"{field}__iexact": typed})[:2])
        user = matches[0] if len(matches) == 1 else None
    return user


@dataclass(frozen=True)
class Attempt:
    """Who a sign-in attempt was for (the account's own username, or "" for none) and where it came from."""

    username: str
    user: object
    ip_address: str | None
    user_agent: str

    @classmethod
    def of(cls, request, typed_username: str) -> "Attempt":
        user = account_named(typed_username)
        return cls(
            username=user.get_username() if user is not None else "",
            user=user,
            ip_address=lock_address(client_ip(request)),
            user_agent=(request.META.get("HTTP_USER_AGENT", "") if request is not None else "")[:USER_AGENT_LENGTH],
        )

    def lock_keys(self) -> list[str]:
        # A name that is no account has no one to protect: only its address is locked (and counted).
        return sorted(
            ([f"username:{self.username}"] if self.username else [])
            + ([f"address:{self.ip_address}"] if self.ip_address else [])
        )


def window_start(now) -> datetime:
    """The start of the fixed lock window `now` falls in (windows are SIGN_IN_FAILURE_WINDOW long, from the epoch)."""
    seconds = int(now.timestamp())
    return datetime.fromtimestamp(seconds - seconds % settings.SIGN_IN_FAILURE_WINDOW, tz=UTC)


def _serialise(attempt: Attempt) -> None:
    """Within the transaction: wait for any other attempt on the same account or from the same address to finish
    counting, so that the count read next includes it."""
    connection = connections[router.db_for_write(SignInLogEntry)]
    if connection.vendor == "sqlite":
        # SQLite has one writer at a time: a write that changes nothing, before the read, takes that lock (a
        # transaction that read first could not get it while another writes, and would fail rather than wait).
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {SignInLogEntry._meta.db_table} SET id = id WHERE 0")
        return
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        # Always taken in the same (sorted) order, so two attempts never wait for each other's second lock.
        for key in attempt.lock_keys():
            cursor.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [SIGN_IN_LOCK_CLASS, key])


def _recent_failures(attempt: Attempt, now) -> int:
    """The larger of the failures for the account and from the address whose latest is within the window.

    A row is counted whole while its latest failure is in the window, so a failure counts for 15 to 30 minutes.
    """
    if not (attempt.username or attempt.ip_address):
        return 0
    since = now - timedelta(seconds=settings.SIGN_IN_FAILURE_WINDOW)
    same_username = Q(username=attempt.username) if attempt.username else Q(pk__in=[])
    same_address = Q(ip_address=attempt.ip_address) if attempt.ip_address else Q(pk__in=[])
    totals = (
        SignInLogEntry.objects.filter(kind=SignInLogEntry.Kind.FAILED, last_at__gte=since)
        .filter(same_username | same_address)
        .aggregate(
            by_username=Coalesce(Sum("failures", filter=same_username), 0),
            by_address=Coalesce(Sum("failures", filter=same_address), 0),
        )
    )
    return max(totals.values())


def _failure_row(attempt: Attempt, now) -> dict:
    return {
        "kind": SignInLogEntry.Kind.FAILED,
        "username": attempt.username,
        "ip_address": attempt.ip_address,
        "window_start": window_start(now),
    }


def _count(attempt: Attempt, now, column: str) -> dict:
    """Add one to the column of the attempt's row for this window, making the row if it is the first."""
    row = _failure_row(attempt, now)
    changes = {column: F(column) + 1, "user_agent": attempt.user_agent}
    if column == "failures":
        # last_at is the latest failure, which the lock runs from: refusals do not prolong it.
        changes["last_at"] = now
    if SignInLogEntry.objects.filter(**row).update(**changes):
        return row
    try:
        with transaction.atomic():
            SignInLogEntry.objects.create(
                **row, **{column: 1}, user=attempt.user, user_agent=attempt.user_agent, first_at=now, last_at=now
            )
    except IntegrityError:
        # Another process made the row first (possible only on a database without the advisory locks).
        SignInLogEntry.objects.filter(**row).update(**changes)
    return row


def begin_sign_in(*, request, username: str) -> bool:
    """Count an attempt as failed before its password is checked, or refuse it (and count the refusal) if the
    account or the address has had SIGN_IN_MAX_FAILURES failures in the window.

    Counting first, under a lock per account and per address, is what stops concurrent guesses all passing the
    check before any of them is counted. `end_sign_in` takes the count back if the password was right.
    """
    attempt, now = Attempt.of(request, username), timezone.now()
    with transaction.atomic():
        _serialise(attempt)
        allowed = _recent_failures(attempt, now) < settings.SIGN_IN_MAX_FAILURES
        row = _count(attempt, now, "failures" if allowed else "refused")
    if allowed:
        _counted.set((attempt, row))
    return allowed


def end_sign_in(*, succeeded: bool) -> None:
    """After the password check that `begin_sign_in` counted: take the failure back if the password was right."""
    counted = _counted.get()
    _counted.set(None)
    if counted is None or not succeeded:
        return
    attempt, row = counted
    with transaction.atomic():
        _serialise(attempt)
        SignInLogEntry.objects.filter(**row, failures__gt=0).update(failures=F("failures") - 1)
        # The row counted only this attempt: it was no failure, so it leaves no row.
        SignInLogEntry.objects.filter(**row, failures=0, refused=0).delete()


def is_locked_out(*, username: str, ip_address: str | None, now=None) -> bool:
    """Whether the account a username names, or the address, has had too many failed sign-ins in the window."""
    user = account_named(username)
    attempt = Attempt(
        username=user.get_username() if user else "", user=user, ip_address=lock_address(ip_address), user_agent=""
    )
    return _recent_failures(attempt, now or timezone.now()) >= settings.SIGN_IN_MAX_FAILURES


def _record(*, kind: str, request, user) -> SignInLogEntry:
    user_agent = request.META.get("HTTP_USER_AGENT", "") if request is not None else ""
    return SignInLogEntry.objects.create(
        kind=kind,
        username=user.get_username(),
        user=user,
        ip_address=client_ip(request),
        user_agent=user_agent[:USER_AGENT_LENGTH],
    )


def on_signed_in(sender, request, user, **kwargs):
    _record(kind=SignInLogEntry.Kind.SIGNED_IN, request=request, user=user)
    if request is not None and hasattr(request, "session"):
        # A datetime expiry is absolute: saving the session later (each request records its activity) does not
        # push it back, as the default SESSION_COOKIE_AGE would.
        request.session.set_expiry(timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE))
        request.session[LAST_ACTIVITY_KEY] = time.time()


def on_signed_out(sender, request, user, **kwargs):
    if user is None:
        return
    _record(kind=SignInLogEntry.Kind.SIGNED_OUT, request=request, user=user)


def on_sign_in_failed(sender, credentials, request=None, **kwargs):
    if _counted.get() is not None:
        return  # counted by begin_sign_in before the password was checked
    attempt = Attempt.of(request, str(credentials.get(get_user_model().USERNAME_FIELD, "")))
    with transaction.atomic():
        _serialise(attempt)
        _count(attempt, timezone.now(), "failures")


def update_last_login_quietly(sender, user, **kwargs) -> None:
    """Django's update_last_login, without a history row: last_login is not part of the user's history."""
    user.last_login = timezone.now()
    user.skip_history_when_saving = True
    try:
        user.save(update_fields=["last_login"])
    finally:
        del user.skip_history_when_saving
