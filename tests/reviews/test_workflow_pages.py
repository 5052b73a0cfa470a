"""The decision chain through the pages, as the programme manager records it and the committee reads it."""

import datetime

import pytest
from django.utils import timezone

from core.history import save_with_history
from programmes.choices import BodyKind, DecisionKind, DecisionOutcome
from programmes.models import Decision
from reviews.choices import ReviewStage
from tests.programmes.factories import BodyFactory
from tests.reviews.factories import ReviewFactory

pytestmark = pytest.mark.django_db


def decision_form(body, kind=DecisionKind.APPROVE_FINAL_REPORT, **overrides):
    return {
        "body": body.pk,
        "meeting": "",
        "decided_on": (timezone.localdate() - datetime.timedelta(days=1)).isoformat(),
        "kind": kind,
        "outcome": DecisionOutcome.APPROVED,
        "minute_reference": "Minute 7/03",
        "rationale": "",
        "change_message": "",
    } | overrides


def test_an_out_of_order_approval_is_refused_on_the_page_and_nothing_is_written(manager_client):
    review = ReviewFactory(title="Managing Demand", stage=ReviewStage.APPROVED_BY_MANAGEMENT_BOARD)
    authority = BodyFactory(name="Metropolitan Police Authority", kind=BodyKind.AUTHORITY)

    response = manager_client.post(f"/decisions/new/?subject=reviews.review.{review.pk}", decision_form(authority))

    assert response.status_code == 200
    content = response.content.decode()
    assert "There is a problem" in content
    assert "Final report approved by the management board is missing" in content
    assert not Decision.objects.exists()
    review.refresh_from_db()
    assert review.stage == ReviewStage.APPROVED_BY_MANAGEMENT_BOARD


def test_board_then_authority_through_the_pages_and_an_edit_shows_as_changed_since_approval(
    manager_client, manager_user, member_client
):
    review = ReviewFactory(title="Operational Support", stage=ReviewStage.REPORTED, final_report_summary="Draft")
    board = BodyFactory(name="MPS Management Board", kind=BodyKind.MANAGEMENT_BOARD)
    authority = BodyFactory(name="Metropolitan Police Authority", kind=BodyKind.AUTHORITY)
    url = f"/decisions/new/?subject=reviews.review.{review.pk}"
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()

    assert manager_client.post(url, decision_form(board, decided_on=yesterday)).status_code == 302
    assert manager_client.post(url, decision_form(authority)).status_code == 302
    review.refresh_from_db()
    assert review.stage == ReviewStage.APPROVED_BY_AUTHORITY
    assert "Changed since approval" not in member_client.get(f"/reviews/{review.pk}/").content.decode()

    review.final_report_summary = "Draft, with a new recommendation on call grading"
    save_with_history(review, actor=manager_user, reason="Summary changed after approval")
    flagged = member_client.get(f"/reviews/{review.pk}/").content.decode()

    assert "Changed since approval" in flagged
    assert "final_report.summary" in flagged
    # Approved again today: the same approval on the same day as before would be a duplicate, refused.
    today = timezone.localdate().isoformat()
    assert manager_client.post(url, decision_form(board, decided_on=today)).status_code == 302
    assert manager_client.post(url, decision_form(authority, decided_on=today)).status_code == 302
    assert "Changed since approval" not in member_client.get(f"/reviews/{review.pk}/").content.decode()
