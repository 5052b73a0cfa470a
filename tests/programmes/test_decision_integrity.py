"""A decision is dated when it could have been taken, is recorded once, and a mistaken one is corrected on the record,
never deleted: the probes "dated 2099 or 1900 and taking effect", "the same decision recorded twice" and "a mistaken
decision cannot be corrected"."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.models import AuditEntry
from programmes.choices import BodyKind, DecisionKind, DecisionOutcome
from programmes.models import Decision
from programmes.services import decision_correct, decision_record
from recommendations.choices import DecisionStatus
from reviews.choices import ReviewStage
from tests.pages import text_of
from tests.programmes.factories import BodyFactory, DecisionFactory
from tests.recommendations.factories import RecommendationFactory, SourceFactory
from tests.reviews.factories import ReviewFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def form(body, *, on: datetime.date, kind=DecisionKind.APPROVE_FINAL_REPORT, outcome=DecisionOutcome.APPROVED):
    return {
        "body": body.pk,
        "meeting": "",
        "decided_on": on.isoformat(),
        "kind": kind,
        "outcome": outcome,
        "minute_reference": "Minute 7/03",
        "rationale": "",
        "change_message": "",
    }


def record(subject, body, *, on, actor, kind=DecisionKind.APPROVE_FINAL_REPORT, outcome=DecisionOutcome.APPROVED):
    return decision_record(
        subject=subject,
        actor=actor,
        body=body,
        meeting=None,
        decided_on=on,
        kind=kind,
        outcome=outcome,
        minute_reference="MB 12/03",
        rationale="",
        reason="",
    )


@pytest.fixture
def board():
    return BodyFactory(
        name="MPS Management Board", kind=BodyKind.MANAGEMENT_BOARD, established_on=datetime.date(2000, 7, 3)
    )


@pytest.mark.parametrize(
    ("on", "why"),
    [
        (datetime.date(2099, 1, 1), "cannot be dated in the future"),
        (days(1), "cannot be dated in the future"),
        (datetime.date(1900, 1, 1), "before the register begins (1 January 1990)"),
        (datetime.date(1999, 12, 31), "before the MPS Management Board was established (3 July 2000)"),
    ],
)
def test_a_decision_dated_when_it_could_not_have_been_taken_is_refused_on_the_page(manager_client, board, on, why):
    review = ReviewFactory(stage=ReviewStage.REPORTED)

    response = manager_client.post(f"/decisions/new/?subject=reviews.review.{review.pk}", form(board, on=on))

    assert response.status_code == 200
    assert why in text_of(response)
    assert not Decision.objects.exists()
    review.refresh_from_db()
    assert review.stage == ReviewStage.REPORTED


def test_a_decision_on_a_recommendation_before_its_report_was_published_is_refused(manager_user):
    source = SourceFactory(title="Managing Demand final report", published_on=days(-30))
    recommendation = RecommendationFactory(source=source, decision_status=DecisionStatus.PROPOSED)
    authority = BodyFactory(kind=BodyKind.AUTHORITY)

    with pytest.raises(ValidationError, match="before its report, Managing Demand final report, was published"):
        record(recommendation, authority, on=days(-31), actor=manager_user, kind=DecisionKind.ACCEPT_RECOMMENDATION)

    recommendation.refresh_from_db()
    assert recommendation.decision_status == DecisionStatus.PROPOSED
    record(recommendation, authority, on=days(-30), actor=manager_user, kind=DecisionKind.ACCEPT_RECOMMENDATION)
    recommendation.refresh_from_db()
    assert recommendation.decision_status == DecisionStatus.ACCEPTED


def test_a_decision_after_its_body_was_dissolved_is_refused(manager_user):
    dissolved = BodyFactory(kind=BodyKind.MANAGEMENT_BOARD, dissolved_on=days(-10))
    review = ReviewFactory(stage=ReviewStage.REPORTED)

    with pytest.raises(ValidationError, match="was dissolved on"):
        record(review, dissolved, on=days(-2), actor=manager_user)


def test_the_same_decision_recorded_twice_is_refused_as_a_duplicate(manager_client, board):
    review = ReviewFactory(stage=ReviewStage.APPROVED_BY_AUTHORITY)
    url = f"/decisions/new/?subject=reviews.review.{review.pk}"
    assert manager_client.post(url, form(board, on=days(-3))).status_code == 302
    history = AuditEntry.objects.count()

    response = manager_client.post(url, form(board, on=days(-3)))

    assert response.status_code == 200
    assert "This decision is already recorded" in text_of(response)
    assert Decision.objects.count() == 1 and AuditEntry.objects.count() == history
    # Another date, or another outcome, is another decision.
    assert manager_client.post(url, form(board, on=days(-2))).status_code == 302


def test_the_database_refuses_a_duplicate_written_behind_the_app(board):
    review = ReviewFactory()
    first = DecisionFactory(body=board, subject=review, decided_on=days(-3))

    with pytest.raises(IntegrityError), transaction.atomic():
        DecisionFactory(body=board, subject=review, decided_on=first.decided_on, kind=first.kind)


def test_a_mistaken_approval_is_corrected_struck_through_and_no_longer_takes_effect(
    manager_client, inspector_client, board
):
    review = ReviewFactory(title="Managing Demand", stage=ReviewStage.REPORTED)
    authority = BodyFactory(name="Metropolitan Police Authority", kind=BodyKind.AUTHORITY)
    url = f"/decisions/new/?subject=reviews.review.{review.pk}"
    manager_client.post(url, form(board, on=days(-10)))
    mistaken = Decision.objects.get()
    review.refresh_from_db()
    assert review.stage == ReviewStage.APPROVED_BY_MANAGEMENT_BOARD

    assert "Correct this decision" in text_of(manager_client.get(f"/decisions/{mistaken.pk}/"))
    refused = manager_client.post(f"/decisions/{mistaken.pk}/correct/", {"reason": "  "})
    assert "Give the reason" in text_of(refused) and not Decision.objects.get().is_corrected
    response = manager_client.post(
        f"/decisions/{mistaken.pk}/correct/", {"reason": "Recorded against the wrong review"}
    )

    assert response.status_code == 302
    mistaken.refresh_from_db()
    assert mistaken.is_corrected and mistaken.correction_reason == "Recorded against the wrong review"
    assert Decision.objects.filter(pk=mistaken.pk).exists()  # never deleted
    assert mistaken.history.first().history_change_reason == "Decision corrected: Recorded against the wrong review"
    assert AuditEntry.objects.filter(
        object_id=mistaken.pk, reason="Decision corrected: Recorded against the wrong review"
    ).exists()
    detail = manager_client.get(f"/decisions/{mistaken.pk}/").content.decode()
    assert "<del>Approve final report: approved</del>" in detail
    assert "Correct this decision" not in text_of(manager_client.get(f"/decisions/{mistaken.pk}/"))
    review_page = manager_client.get(f"/reviews/{review.pk}/").content.decode()
    assert '<li class="bvgov-decision-chain__corrected">' in review_page
    assert "<del>" in manager_client.get("/decisions/").content.decode()

    # It approves nothing now: the chain shows the step missing, and the authority cannot approve after it.
    chains = text_of(inspector_client.get("/audit/decisions/"))
    assert "Missing: no recorded decision" in chains and "corrected: Recorded against the wrong review" in chains
    after = manager_client.post(url, form(authority, on=days(-5)))
    assert "Final report approved by the management board is missing" in text_of(after)
    # The right decision is recorded afresh, even on the same day as the corrected one.
    assert manager_client.post(url, form(board, on=days(-10))).status_code == 302
    assert manager_client.post(url, form(authority, on=days(-5))).status_code == 302
    review.refresh_from_db()
    assert review.stage == ReviewStage.APPROVED_BY_AUTHORITY


def test_a_correction_is_made_once_and_only_by_those_who_record_the_bodys_decisions(member_client, manager_user, board):
    decision = DecisionFactory(body=board, decided_on=days(-3))

    assert member_client.get(f"/decisions/{decision.pk}/correct/").status_code == 403
    assert member_client.post(f"/decisions/{decision.pk}/correct/", {"reason": "Wrong"}).status_code == 403
    decision.refresh_from_db()
    assert not decision.is_corrected

    decision_correct(decision=decision, actor=manager_user, reason="Wrong date")
    with pytest.raises(ValidationError, match="already been corrected"):
        decision_correct(decision=decision, actor=manager_user, reason="Again")
