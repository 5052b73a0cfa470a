"""Hardening: deployment settings, the Content-Security-Policy, sign-in records and throttling, session lifetime."""

import os
import secrets
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client, override_settings
from django.utils import timezone

from bvgov.models import SignInEvent
from bvgov.security import LAST_ACTIVITY_KEY, client_ip, is_locked_out
from core.signing import write_signing_key
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
    return SignInEvent.objects.filter(kind=kind)


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
    event = SignInEvent.objects.get()
    assert event.kind == SignInEvent.Kind.SIGNED_IN
    assert event.user == person
    assert event.username == "cfoster"
    assert event.ip_address == "203.0.113.9"
    assert event.user_agent.startswith("Mozilla/5.0 x")
    assert len(event.user_agent) == 300
    assert event.history.count() == 1


def test_failed_sign_in_is_recorded_with_the_username_as_typed(client, person):
    response = _sign_in(client, username="CFoster", password="wrong")

    assert response.status_code == 200
    event = SignInEvent.objects.get()
    assert (event.kind, event.username, event.user, event.ip_address) == ("failed", "CFoster", None, "127.0.0.1")


def test_a_success_after_failures_resets_nothing(client, person):
    for _ in range(4):
        _sign_in(client, password="wrong")

    assert _sign_in(client).status_code == 302
    client.post("/accounts/logout/")

    assert _events("failed").count() == 4
    assert _events("signed_in").count() == 1
    assert _sign_in(client, password="wrong").status_code == 200
    response = _sign_in(client)
    assert LOCKED_OUT in response.content.decode()


def test_sign_in_events_are_only_ever_added(client, person):
    _sign_in(client, password="wrong")
    event = SignInEvent.objects.get()

    event.username = "someone-else"
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()
    assert SignInEvent.objects.get().username == "cfoster"


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
    assert _events("failed").count() == 5
    locked = _events("locked_out").get()
    assert (locked.username, locked.ip_address, locked.user) == ("cfoster", "127.0.0.1", None)
    assert not _events("signed_in").exists()


def test_five_failures_from_one_address_lock_out_every_username_from_it(client, person):
    for number in range(5):
        _sign_in(client, username=f"guess{number}", password="wrong", REMOTE_ADDR="198.51.100.7")

    refused = _sign_in(client, REMOTE_ADDR="198.51.100.7")
    elsewhere = _sign_in(Client(), REMOTE_ADDR="192.0.2.1")

    assert LOCKED_OUT in refused.content.decode()
    assert elsewhere.status_code == 302


def test_username_and_address_failures_are_counted_separately(client, person):
    for _ in range(3):
        _sign_in(client, password="wrong", REMOTE_ADDR="192.0.2.50")
    for number in range(2):
        _sign_in(client, username=f"guess{number}", password="wrong", REMOTE_ADDR="198.51.100.7")

    response = _sign_in(client, REMOTE_ADDR="198.51.100.7")

    assert response.status_code == 302
    assert not _events("locked_out").exists()


def test_failures_older_than_fifteen_minutes_do_not_count(client, person):
    long_ago = timezone.now() - timedelta(minutes=16)
    for _ in range(5):
        SignInEvent.objects.create(kind="failed", username="cfoster", ip_address="127.0.0.1", at=long_ago)

    response = _sign_in(client)

    assert response.status_code == 302
    assert not _events("locked_out").exists()


def test_without_an_address_only_the_username_counts(db):
    for _ in range(5):
        SignInEvent.objects.create(kind="failed", username="cfoster", ip_address=None)

    assert is_locked_out(username="CFoster", ip_address=None)
    assert not is_locked_out(username="someone", ip_address=None)


def test_admin_sign_in_is_throttled_too(client, admin_user):
    for _ in range(5):
        client.post("/admin/login/", {"username": "admin", "password": "wrong"})

    response = client.post("/admin/login/", {"username": "admin", "password": "password"})

    assert response.status_code == 200
    assert LOCKED_OUT in response.content.decode()
    assert "_auth_user_id" not in client.session


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


def test_sign_in_events_are_read_only_in_the_admin(admin_client, person):
    _sign_in(Client(), password="wrong")
    event = _events("failed").get()

    changelist = admin_client.get("/admin/bvgov/signinevent/")
    detail = admin_client.get(f"/admin/bvgov/signinevent/{event.pk}/change/")

    assert changelist.status_code == 200
    assert "cfoster" in changelist.content.decode()
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()
    assert admin_client.get("/admin/bvgov/signinevent/add/").status_code == 403
    assert admin_client.post(f"/admin/bvgov/signinevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert SignInEvent.objects.filter(pk=event.pk).exists()


def test_signing_in_writes_no_empty_user_change_to_the_audit_trail(client, django_user_model):
    from core.models import AuditEntry

    user = django_user_model.objects.create_user(username="clerk", password="a-long-passphrase-2003")
    before = AuditEntry.objects.filter(content_type__model="user").count()

    assert client.login(username="clerk", password="a-long-passphrase-2003")

    user.refresh_from_db()
    assert user.last_login is not None
    assert AuditEntry.objects.filter(content_type__model="user").count() == before
