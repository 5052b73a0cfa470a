"""Hardening: deployment settings, the Content-Security-Policy, sign-in records and throttling, session lifetime."""

import os
import secrets
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection, connections
from django.test import Client, override_settings
from django.utils import timezone

from bvgov.models import SignInLogEntry
from bvgov.security import LAST_ACTIVITY_KEY, client_ip, is_locked_out, window_start
from core.models import AuditEntry
from core.signing import write_signing_key
from programmes.versions import register_version
from tests.bvgov.factories import TEST_PASSWORD, UserFactory

LOCKED_OUT = "Too many failed sign-in attempts. Try again in 15 minutes."
IDLE = "You were signed out after 30 minutes without activity."
LOGIN_URL = "/accounts/login/"


@pytest.fixture
def person(db):
    return UserFactory(username="cfoster", first_name="Catherine", last_name="Foster")


def _sign_in(client, username="cfoster", password=TEST_PASSWORD, **extra):
    return client.post(LOGIN_URL, {"username": username, "password": password}, **extra)


def _events(kind):
    return SignInLogEntry.objects.filter(kind=kind)


def _failures(**filters):
    return sum(SignInLogEntry.objects.filter(kind="failed", **filters).values_list("failures", flat=True))


def _refused(**filters):
    return sum(SignInLogEntry.objects.filter(kind="failed", **filters).values_list("refused", flat=True))


def _failed(at, failures=5, username="cfoster", ip_address="127.0.0.1"):
    """A row of failures counted at a moment, as the sign-in form counts them."""
    return SignInLogEntry.objects.create(
        kind="failed",
        username=username,
        ip_address=ip_address,
        window_start=window_start(at),
        failures=failures,
        first_at=at,
        last_at=at,
    )


# Deployment settings


def _deploy_check(**variables):
    root = settings.BASE_DIR
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bvgov.settings.prod",
        "SECRET_KEY": secrets.token_urlsafe(64)[:50],
        "ALLOWED_HOSTS": "bvgov.example.org",
    }
    for name in ("DEBUG", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "EMAIL_BACKEND", *AUDIT_ANCHOR):
        environment.pop(name, None)
    return subprocess.run(
        [sys.executable, str(root / "manage.py"), "check", "--deploy", "--fail-level", "DEBUG"],
        cwd=root,
        env=environment | variables,
        capture_output=True,
        text=True,
        timeout=120,
    )


AUDIT_ANCHOR = ("AUDIT_SIGNING_KEY_FILE", "AUDIT_CHECKPOINT_FILE", "AUDIT_PUBLIC_KEY")


def test_production_settings_pass_the_deployment_checks_without_a_warning(tmp_path):
    key = tmp_path / "signing.pem"
    write_signing_key(key)

    result = _deploy_check(AUDIT_SIGNING_KEY_FILE=str(key), AUDIT_CHECKPOINT_FILE=str(tmp_path / "checkpoints.jsonl"))

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert result.stderr == ""


def test_production_without_a_signing_key_or_a_checkpoint_file_fails_the_deployment_checks():
    result = _deploy_check()

    assert result.returncode != 0
    assert "bvgov.E001" in result.stderr
    assert "AUDIT_SIGNING_KEY_FILE is not set" in result.stderr
    assert "bvgov.W001" in result.stderr


def test_cookies_are_http_only_and_sessions_have_fixed_limits():
    assert settings.SESSION_COOKIE_HTTPONLY is True
    assert settings.CSRF_COOKIE_HTTPONLY is True
    assert settings.SESSION_COOKIE_AGE == 8 * 60 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is False
    assert settings.SESSION_IDLE_TIMEOUT == 30 * 60
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == settings.FILE_UPLOAD_MAX_MEMORY_SIZE == 10 * 1024 * 1024
    validators = {validator["NAME"].rsplit(".", 1)[1] for validator in settings.AUTH_PASSWORD_VALIDATORS}
    assert validators == {
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    }


# Content-Security-Policy and the other security headers


def _assert_strict_headers(response):
    policy = response["Content-Security-Policy"]
    directives = dict(directive.split(" ", 1) for directive in policy.split("; "))
    assert directives == {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": "'self' data:",
        "font-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_sign_in_page_carries_a_strict_content_security_policy(client):
    response = client.get(LOGIN_URL)

    assert response.status_code == 200
    _assert_strict_headers(response)


def test_signed_in_dashboard_carries_a_strict_content_security_policy(member_client):
    response = member_client.get("/")

    assert response.status_code == 200
    _assert_strict_headers(response)


def test_csrf_failure_page_is_in_the_design_system(person):
    client = Client(enforce_csrf_checks=True)

    response = _sign_in(client)

    assert response.status_code == 403
    html = response.content.decode()
    assert "<title>Your session has expired or the form was out of date – bvgov</title>" in html
    assert "Go back, reload the page and try again." in html
    assert '<main class="govuk-main-wrapper" id="main-content">' in html
    assert "CSRF verification failed" not in html
    _assert_strict_headers(response)


# Sign-in records


def test_sign_in_is_recorded_with_address_and_browser(client, person):
    response = _sign_in(client, HTTP_USER_AGENT="Mozilla/5.0 " + "x" * 400, REMOTE_ADDR="203.0.113.9")

    assert response.status_code == 302
    event = SignInLogEntry.objects.get()
    assert event.kind == SignInLogEntry.Kind.SIGNED_IN
    assert event.user == person
    assert event.username == "cfoster"
    assert event.ip_address == "203.0.113.9"
    assert event.user_agent.startswith("Mozilla/5.0 x")
    assert len(event.user_agent) == 300


def test_failed_sign_in_is_recorded_against_the_account_the_username_names(client, person):
    response = _sign_in(client, username="CFoster", password="wrong")

    assert response.status_code == 200
    event = SignInLogEntry.objects.get()
    assert (event.kind, event.username, event.user, event.ip_address) == ("failed", "cfoster", person, "127.0.0.1")
    assert (event.failures, event.refused) == (1, 0)


def test_a_username_that_names_no_account_is_never_stored(client, person):
    typed = "correct-horse-battery-staple"  # a password typed into the username box

    _sign_in(client, username=typed, password="wrong")

    event = SignInLogEntry.objects.get()
    assert (event.kind, event.username, event.user, event.failures) == ("failed", "", None, 1)
    stored = list(SignInLogEntry.objects.values_list("username", "user_agent"))
    assert typed not in str(stored)
    assert not AuditEntry.objects.filter(object_repr__contains=typed).exists()


def test_sign_ins_sign_outs_and_failures_stay_out_of_the_audit_trail_and_the_registers_version(client, person):
    entries, version = AuditEntry.objects.count(), register_version()

    _sign_in(client, password="wrong")
    _sign_in(client, username="nobody", password="wrong")
    _sign_in(client)
    client.post("/accounts/logout/")

    assert AuditEntry.objects.count() == entries
    assert register_version() == version
    assert _events("signed_in").count() == _events("signed_out").count() == 1
    assert _failures() == 2


def test_a_hundred_failures_from_one_address_for_one_account_make_one_row_a_window(client, person):
    for _ in range(100):
        _sign_in(client, password="wrong", REMOTE_ADDR="198.51.100.7")

    rows = SignInLogEntry.objects.filter(kind="failed")
    # One row per lock window: two only if the loop ran across the end of one.
    assert rows.count() == len(set(rows.values_list("window_start", flat=True))) <= 2
    assert (_failures(), _refused()) == (5, 95)


def test_a_hundred_failures_with_rotating_unknown_usernames_make_one_row_a_window(client, person):
    for number in range(100):
        _sign_in(client, username=f"guess-{number}", password="wrong", REMOTE_ADDR="198.51.100.7")

    rows = SignInLogEntry.objects.filter(kind="failed")
    assert rows.count() == len(set(rows.values_list("window_start", flat=True))) <= 2
    assert set(rows.values_list("username", flat=True)) == {""}
    assert (_failures(), _refused()) == (5, 95)


def test_a_success_after_failures_resets_nothing(client, person):
    for _ in range(4):
        _sign_in(client, password="wrong")

    assert _sign_in(client).status_code == 302
    client.post("/accounts/logout/")

    assert _failures() == 4
    assert _events("signed_in").count() == 1
    assert _sign_in(client, password="wrong").status_code == 200
    response = _sign_in(client)
    assert LOCKED_OUT in response.content.decode()


def test_sign_in_log_entries_are_never_edited_or_deleted(client, person):
    _sign_in(client, password="wrong")
    event = SignInLogEntry.objects.get()

    event.username = "someone-else"
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()
    assert SignInLogEntry.objects.get().username == "cfoster"


# Throttling


def test_sixth_attempt_is_refused_even_with_the_right_password(client, person):
    for attempt in range(5):
        response = _sign_in(client, username="cfoster" if attempt % 2 else "CFOSTER", password="wrong")
        assert LOCKED_OUT not in response.content.decode()

    response = _sign_in(client)

    assert response.status_code == 200
    html = response.content.decode()
    assert LOCKED_OUT in html
    assert '<div class="govuk-error-summary" data-module="govuk-error-summary">' in html
    assert "<title>Error: Sign in – bvgov</title>" in html
    assert "_auth_user_id" not in client.session
    row = _events("failed").get()
    assert (row.username, row.ip_address, row.user, row.failures, row.refused) == (
        "cfoster",
        "127.0.0.1",
        person,
        5,
        1,
    )
    assert not _events("signed_in").exists()


def test_five_failures_from_one_address_lock_out_every_username_from_it(client, person):
    for number in range(5):
        _sign_in(client, username=f"guess{number}", password="wrong", REMOTE_ADDR="198.51.100.7")

    refused = _sign_in(client, REMOTE_ADDR="198.51.100.7")
    elsewhere = _sign_in(Client(), REMOTE_ADDR="192.0.2.1")

    assert LOCKED_OUT in refused.content.decode()
    assert elsewhere.status_code == 302


def test_rotating_addresses_within_one_ipv6_slash_64_count_as_one_address(client, person):
    for number in range(5):
        _sign_in(client, username=f"guess{number}", password="wrong", REMOTE_ADDR=f"2001:db8:1:2::{number + 1:x}")

    refused = _sign_in(client, REMOTE_ADDR="2001:db8:1:2:ffff::1")
    elsewhere = _sign_in(Client(), REMOTE_ADDR="2001:db8:1:3::1")

    assert LOCKED_OUT in refused.content.decode()
    assert elsewhere.status_code == 302
    assert set(_events("failed").values_list("ip_address", flat=True)) == {"2001:db8:1:2::"}
    assert _events("signed_in").get().ip_address == "2001:db8:1:3::1"


def test_username_and_address_failures_are_counted_separately(client, person):
    for _ in range(3):
        _sign_in(client, password="wrong", REMOTE_ADDR="192.0.2.50")
    for number in range(2):
        _sign_in(client, username=f"guess{number}", password="wrong", REMOTE_ADDR="198.51.100.7")

    response = _sign_in(client, REMOTE_ADDR="198.51.100.7")

    assert response.status_code == 302
    assert _refused() == 0


def test_failures_older_than_fifteen_minutes_do_not_count(client, person):
    _failed(timezone.now() - timedelta(minutes=16))

    response = _sign_in(client)

    assert response.status_code == 302
    assert _refused() == 0


def test_without_an_address_only_the_username_counts(person):
    _failed(timezone.now(), ip_address=None)

    assert is_locked_out(username="CFoster", ip_address=None)
    assert not is_locked_out(username="someone", ip_address=None)


GUESSES = 30


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Needs PostgreSQL: SQLite lets one writer at a time into the whole database (CI runs the suite on "
    "PostgreSQL as well).",
)
@pytest.mark.parametrize("rotating", ["addresses", "usernames"])
def test_thirty_concurrent_guesses_get_at_most_five_passwords_checked(rotating):
    """Locked by the account from rotating addresses, or by the address for rotating (unknown) usernames."""
    UserFactory(username="cfoster")
    start = threading.Barrier(GUESSES, timeout=30)

    def guess(number):
        username, address = ("cfoster", f"192.0.2.{number}") if rotating == "addresses" else (f"guess{number}", "")
        try:
            client = Client()
            start.wait()
            response = _sign_in(
                client, username=username, password=f"wrong-{number}", REMOTE_ADDR=address or "198.51.100.7"
            )
            return LOCKED_OUT not in response.content.decode()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=GUESSES) as pool:
        checked = sum(pool.map(guess, range(GUESSES)))

    assert checked == 5
    assert (_failures(), _refused()) == (5, GUESSES - 5)


def test_admin_sign_in_is_throttled_too(client, admin_user):
    for _ in range(5):
        client.post("/admin/login/", {"username": "admin", "password": "wrong"})

    response = client.post("/admin/login/", {"username": "admin", "password": "password"})

    assert response.status_code == 200
    assert LOCKED_OUT in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_rotating_forwarded_for_header_does_not_get_past_the_address_lock_by_default(client, person):
    for number in range(5):
        _sign_in(client, username=f"guess{number}", password="wrong", HTTP_X_FORWARDED_FOR=f"192.0.2.{number}")

    response = _sign_in(client, HTTP_X_FORWARDED_FOR="192.0.2.99")

    assert LOCKED_OUT in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert set(SignInLogEntry.objects.values_list("ip_address", flat=True)) == {"127.0.0.1"}


def test_production_settings_trust_no_forwarded_for_header_unless_told():
    code = "from django.conf import settings; print(settings.TRUSTED_PROXY_COUNT)"
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bvgov.settings.prod",
        "SECRET_KEY": secrets.token_urlsafe(64)[:50],
        "ALLOWED_HOSTS": "bvgov.example.org",
    }
    environment.pop("TRUSTED_PROXY_COUNT", None)

    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.stdout.strip() == "0", result.stderr


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_a_proxy_the_address_is_the_one_the_proxy_saw(rf):
    request = rf.get("/", HTTP_X_FORWARDED_FOR="10.9.9.9, 203.0.113.9", REMOTE_ADDR="10.0.0.1")

    assert client_ip(request) == "203.0.113.9"


def test_without_a_trusted_proxy_the_forwarded_header_is_ignored(rf):
    request = rf.get("/", HTTP_X_FORWARDED_FOR="203.0.113.9", REMOTE_ADDR="192.0.2.1")

    assert client_ip(request) == "192.0.2.1"


# Sessions


def test_sign_in_fixes_the_session_expiry_eight_hours_ahead(client, person):
    _sign_in(client)

    session = client.session
    assert "_session_expiry" in session
    expires_in = session.get_expiry_date() - timezone.now()
    assert timedelta(hours=8) - timedelta(minutes=1) < expires_in <= timedelta(hours=8)


def test_sign_out_is_recorded_and_the_old_session_no_longer_works(client, person):
    _sign_in(client)
    old_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.get("/").status_code == 200

    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    assert not Session.objects.filter(session_key=old_key).exists()
    signed_out = _events("signed_out").get()
    assert (signed_out.user, signed_out.username) == (person, "cfoster")
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = old_key
    replayed = replay.get("/")
    assert replayed.status_code == 302
    assert replayed.url.startswith(LOGIN_URL)


def _set_last_activity(client, seconds_ago):
    session = client.session
    session[LAST_ACTIVITY_KEY] = time.time() - seconds_ago
    session.save()


def test_a_session_without_a_last_activity_time_counts_as_active(member_client):
    session = member_client.session
    del session[LAST_ACTIVITY_KEY]
    session.save()

    assert member_client.get("/").status_code == 200
    assert LAST_ACTIVITY_KEY in member_client.session


def test_a_request_within_thirty_minutes_keeps_the_person_signed_in(member_client, member_user):
    _set_last_activity(member_client, 29 * 60)

    response = member_client.get("/")

    assert response.status_code == 200
    assert member_client.session["_auth_user_id"] == str(member_user.pk)
    assert time.time() - member_client.session[LAST_ACTIVITY_KEY] < 5


def test_after_thirty_idle_minutes_the_next_request_signs_out(member_client, member_user):
    _set_last_activity(member_client, 31 * 60)

    response = member_client.get("/reviews/")

    assert response.status_code == 302
    assert response.url == f"{LOGIN_URL}?next=/reviews/"
    assert "_auth_user_id" not in member_client.session
    assert _events("signed_out").get().user == member_user
    page = member_client.get(response.url)
    assert IDLE in page.content.decode()
    assert member_client.get("/").status_code == 302


def test_an_idle_htmx_request_sends_the_browser_to_sign_in(member_client):
    _set_last_activity(member_client, 31 * 60)

    response = member_client.get("/reviews/", HTTP_HX_REQUEST="true")

    assert response.status_code == 204
    assert response["HX-Redirect"] == LOGIN_URL
    assert "_auth_user_id" not in member_client.session


# Admin


def test_the_sign_in_log_is_read_only_in_the_admin(admin_client, person):
    _sign_in(Client(), password="wrong", REMOTE_ADDR="203.0.113.9")
    event = _events("failed").get()

    changelist = admin_client.get("/admin/bvgov/signinlogentry/")
    detail = admin_client.get(f"/admin/bvgov/signinlogentry/{event.pk}/change/")

    assert changelist.status_code == 200
    assert "cfoster" in changelist.content.decode()
    assert "203.0.113.9" in changelist.content.decode()
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()
    assert admin_client.get("/admin/bvgov/signinlogentry/add/").status_code == 403
    assert admin_client.post(f"/admin/bvgov/signinlogentry/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert SignInLogEntry.objects.filter(pk=event.pk).exists()


def test_only_administrators_read_the_sign_in_log_in_the_admin(manager_user, person):
    _sign_in(Client(), password="wrong", REMOTE_ADDR="203.0.113.9")
    manager_user.is_staff = True
    manager_user.save()
    client = Client()
    client.force_login(manager_user)

    for path in ("/admin/bvgov/signinlogentry/", "/admin/bvgov/signinevent/"):
        response = client.get(path)
        assert response.status_code == 403, path
        assert "203.0.113.9" not in response.content.decode()


def test_signing_in_writes_no_empty_user_change_to_the_audit_trail(client, django_user_model):
    from core.models import AuditEntry

    user = django_user_model.objects.create_user(username="clerk", password="a-long-passphrase-2003")
    before = AuditEntry.objects.filter(content_type__model="user").count()

    assert client.login(username="clerk", password="a-long-passphrase-2003")

    user.refresh_from_db()
    assert user.last_login is not None
    assert AuditEntry.objects.filter(content_type__model="user").count() == before
