"""While the database cannot be reached, a request gets the service-unavailable page (503), never a stack trace."""

from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError
from django.test import Client

from tests.programmes.factories import ProgrammeFactory


@pytest.fixture
def failing_client(member_user):
    ProgrammeFactory()  # a programme to show, so that the dashboard reads the register
    client = Client(raise_request_exception=False)
    client.force_login(member_user)
    return client


@pytest.mark.parametrize(
    "error",
    [OperationalError("connection to server at 127.0.0.1 failed: Connection refused"), InterfaceError("closed")],
)
def test_a_database_outage_shows_the_unavailable_page_with_retry_after(failing_client, error):
    with mock.patch("bvgov.views.committee_dashboard", side_effect=error):
        response = failing_client.get("/")

    html = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "Sorry, the service is unavailable" in html
    assert '<body class="govuk-template__body">' in html
    assert "Traceback" not in html and "Connection refused" not in html and "OperationalError" not in html


def test_a_database_outage_seen_before_the_view_also_shows_the_unavailable_page(failing_client):
    with mock.patch(
        "django.contrib.sessions.backends.db.SessionStore.load", side_effect=OperationalError("server closed")
    ):
        response = failing_client.get("/actions/")

    assert response.status_code == 503
    assert "Sorry, the service is unavailable" in response.content.decode()


def test_any_other_error_still_shows_the_problem_page(failing_client):
    with mock.patch("bvgov.views.committee_dashboard", side_effect=RuntimeError("a bug")):
        response = failing_client.get("/")

    html = response.content.decode()
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in html
    assert "a bug" not in html
