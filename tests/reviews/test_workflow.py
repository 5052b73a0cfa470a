"""The ordered decision chain: what the HMIC inspectors could not find for Managing Demand is now enforced."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.history import save_with_history
from programmes.choices import BodyKind, DecisionKind, DecisionOutcome
from programmes.models import Decision
from programmes.services import decision_record
from reviews.choices import ReviewStage
from reviews.models import Review
from reviews.services import review_change_stage
from reviews.workflow import changed_since_approval, decision_chain
from tests.programmes.factories import BodyFactory, DecisionFactory
from tests.recommendations.factories import RecommendationFactory, SourceFactory
from tests.reviews.factories import ReviewFactory

pytestmark = pytest.mark.django_db


def day(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


@pytest.fixture
def bodies(db):
    return {
        "mb": BodyFactory(name="MPS Management Board", kind=BodyKind.MANAGEMENT_BOARD),
        "authority": BodyFactory(name="Metropolitan Police Authority", kind=BodyKind.AUTHORITY),
        "pprc": BodyFactory(name="Planning, Performance and Review Committee", kind=BodyKind.COMMITTEE),
        "programme_board": BodyFactory(name="Best Value Programme Board", kind=BodyKind.PROGRAMME_BOARD),
    }


def record(review, body, kind, *, actor, on=0, outcome=DecisionOutcome.APPROVED, minute="", rationale=""):
    return decision_record(
        subject=review,
        actor=actor,
        body=body,
        meeting=None,
        decided_on=day(on),
        kind=kind,
        outcome=outcome,
        minute_reference=minute,
        rationale=rationale,
        reason="",
    )


def test_the_authority_cannot_approve_a_report_the_management_board_has_not(bodies, manager_user):
    review = ReviewFactory(title="Managing Demand", stage=ReviewStage.APPROVED_BY_MANAGEMENT_BOARD)

    with pytest.raises(ValidationError) as refused:
        record(review, bodies["authority"], DecisionKind.APPROVE_FINAL_REPORT, actor=manager_user)

    assert "Final report approved by the management board is missing" in str(refused.value)
    review.refresh_from_db()
    assert review.stage == ReviewStage.APPROVED_BY_MANAGEMENT_BOARD
    assert Decision.objects.count() == 0


def test_management_board_then_authority_moves_the_review_on_with_the_step_in_its_history(bodies, manager_user):
    review = ReviewFactory(stage=ReviewStage.REPORTED)

    record(review, bodies["mb"], DecisionKind.APPROVE_FINAL_REPORT, actor=manager_user, on=10, minute="MB 12/03")
    review.refresh_from_db()
    assert review.stage == ReviewStage.APPROVED_BY_MANAGEMENT_BOARD
    record(review, bodies["pprc"], DecisionKind.APPROVE_FINAL_REPORT, actor=manager_user, on=2, minute="PPRC 7")
    review.refresh_from_db()

    assert review.stage == ReviewStage.APPROVED_BY_AUTHORITY
    latest = review.history.first()
    assert latest.history_user == manager_user
    assert latest.history_change_reason.startswith("Final report approved by the authority")
    assert "PPRC 7" in latest.history_change_reason
    chain = decision_chain(review, list(review.decisions.select_related("body")))
    # The review was created already reported, so only the steps before its report are missing.
    assert {link.step.key for link in chain.problems} == {"selection", "terms", "project_plan"}


def test_the_authority_cannot_approve_before_the_management_board_in_time(bodies, manager_user):
    review = ReviewFactory(stage=ReviewStage.REPORTED)
    record(review, bodies["mb"], DecisionKind.APPROVE_FINAL_REPORT, actor=manager_user, on=1)
    review.refresh_from_db()

    with pytest.raises(ValidationError, match="must approve it"):
        record(review, bodies["authority"], DecisionKind.APPROVE_FINAL_REPORT, actor=manager_user, on=5)


def test_a_body_of_the_wrong_kind_is_refused_with_who_should_decide(bodies, manager_user):
    review = ReviewFactory(stage=ReviewStage.REPORTED)

    with pytest.raises(ValidationError) as refused:
        record(review, bodies["programme_board"], DecisionKind.APPROVE_FINAL_REPORT, actor=manager_user)

    assert "it is for the" in str(refused.value)
    assert "management board" in str(refused.value)


def test_an_approval_before_its_stage_is_refused(bodies, manager_user):
    review = ReviewFactory(stage=ReviewStage.IN_REVIEW)

    with pytest.raises(ValidationError, match="can be recorded only once it is reported"):
        record(review, bodies["mb"], DecisionKind.APPROVE_FINAL_REPORT, actor=manager_user)


def test_a_rejection_is_recorded_with_its_rationale_and_moves_nothing(bodies, manager_user):
    review = ReviewFactory(stage=ReviewStage.REPORTED)

    decision = record(
        review,
        bodies["mb"],
        DecisionKind.APPROVE_FINAL_REPORT,
        actor=manager_user,
        outcome=DecisionOutcome.REJECTED,
        rationale="Recommendations not discussed with the owners who must deliver them.",
    )

    review.refresh_from_db()
    assert review.stage == ReviewStage.REPORTED
    assert decision.snapshot_hash == ""


def test_the_whole_chain_from_selection_to_completion(bodies, manager_user):
    review = ReviewFactory(stage=ReviewStage.PROPOSED)
    steps = [
        (bodies["authority"], DecisionKind.SELECT_REVIEW, ReviewStage.SELECTED),
        (bodies["mb"], DecisionKind.APPROVE_TERMS_OF_REFERENCE, ReviewStage.SCOPING),
        (bodies["programme_board"], DecisionKind.APPROVE_PROJECT_PLAN, ReviewStage.IN_REVIEW),
    ]
    for body, kind, stage in steps:
        record(review, body, kind, actor=manager_user)
        review.refresh_from_db()
        assert review.stage == stage
    review.stage = ReviewStage.REPORTED
    save_with_history(review, actor=manager_user, reason="Final report submitted")
    for body, kind, stage in [
        (bodies["mb"], DecisionKind.APPROVE_FINAL_REPORT, ReviewStage.APPROVED_BY_MANAGEMENT_BOARD),
        (bodies["authority"], DecisionKind.APPROVE_FINAL_REPORT, ReviewStage.APPROVED_BY_AUTHORITY),
        (bodies["mb"], DecisionKind.APPROVE_IMPLEMENTATION_PLAN, ReviewStage.APPROVED_BY_AUTHORITY),
        (bodies["authority"], DecisionKind.APPROVE_IMPLEMENTATION_PLAN, ReviewStage.IMPLEMENTING),
        (bodies["mb"], DecisionKind.APPROVE_COMPLETION, ReviewStage.IMPLEMENTING),
        (bodies["authority"], DecisionKind.APPROVE_COMPLETION, ReviewStage.COMPLETED),
    ]:
        record(review, body, kind, actor=manager_user)
        review.refresh_from_db()
        assert review.stage == stage

    chain = decision_chain(review, list(review.decisions.select_related("body")))
    assert len(chain.links) == 9
    assert chain.problems == []


def test_legacy_data_without_the_management_board_shows_the_missing_step(bodies):
    review = ReviewFactory(title="Managing Demand", stage=ReviewStage.IMPLEMENTING)
    DecisionFactory(subject=review, body=bodies["pprc"], kind=DecisionKind.APPROVE_FINAL_REPORT, decided_on=day(900))

    chain = decision_chain(review, list(review.decisions.select_related("body")))

    problems = {link.step.key: link.problem for link in chain.problems}
    assert problems["report_mb"].startswith("Missing")
    assert problems["report_authority"].startswith("Out of order")


def test_an_authority_approval_dated_before_the_boards_is_out_of_order(bodies):
    review = ReviewFactory(stage=ReviewStage.APPROVED_BY_AUTHORITY)
    DecisionFactory(subject=review, body=bodies["mb"], kind=DecisionKind.APPROVE_FINAL_REPORT, decided_on=day(10))
    DecisionFactory(subject=review, body=bodies["pprc"], kind=DecisionKind.APPROVE_FINAL_REPORT, decided_on=day(20))

    chain = decision_chain(review, list(review.decisions.select_related("body")))

    problems = {link.step.key: link.problem for link in chain.problems}
    assert "taken before" in problems["report_authority"]
    assert "report_mb" not in problems


def test_an_edit_after_approval_is_flagged_with_a_diff_until_re_approved(bodies, manager_user):
    review = ReviewFactory(stage=ReviewStage.REPORTED, final_report_summary="Getting it right first time.")
    RecommendationFactory(review=review, source=SourceFactory(review=review), number="11", text="Single crewing.")
    record(review, bodies["mb"], DecisionKind.APPROVE_FINAL_REPORT, actor=manager_user, on=3)
    record(review, bodies["authority"], DecisionKind.APPROVE_FINAL_REPORT, actor=manager_user, on=1)
    review = Review.objects.get(pk=review.pk)
    assert changed_since_approval(review, list(review.decisions.select_related("body"))) == []

    review.final_report_summary = "Getting it right first time, within budget."
    save_with_history(review, actor=manager_user, reason="Summary reworded")
    drifts = changed_since_approval(review, list(review.decisions.select_related("body")))

    (drift,) = drifts
    assert drift.label == "final report"
    assert drift.changes == [
        {
            "where": "final_report.summary",
            "was": "Getting it right first time.",
            "now": "Getting it right first time, within budget.",
        }
    ]
    record(review, bodies["mb"], DecisionKind.APPROVE_FINAL_REPORT, actor=manager_user, on=0)
    record(review, bodies["authority"], DecisionKind.APPROVE_FINAL_REPORT, actor=manager_user, on=0)
    review = Review.objects.get(pk=review.pk)
    assert changed_since_approval(review, list(review.decisions.select_related("body"))) == []
    assert review.stage == ReviewStage.APPROVED_BY_AUTHORITY


def test_the_approval_keeps_a_hash_of_what_was_approved(bodies, manager_user):
    review = ReviewFactory(stage=ReviewStage.REPORTED)

    decision = record(review, bodies["mb"], DecisionKind.APPROVE_FINAL_REPORT, actor=manager_user)

    assert len(decision.snapshot_hash) == 64
    assert decision.snapshot["title"] == review.title


def test_nothing_can_be_approved_for_a_withdrawn_review(bodies, manager_user):
    review = ReviewFactory(stage=ReviewStage.WITHDRAWN)

    with pytest.raises(ValidationError, match="withdrawn"):
        record(review, bodies["mb"], DecisionKind.APPROVE_FINAL_REPORT, actor=manager_user)


def test_no_path_but_a_decision_can_move_a_review_into_an_approved_stage(manager_user):
    review = ReviewFactory(stage=ReviewStage.REPORTED)
    review.stage = ReviewStage.APPROVED_BY_MANAGEMENT_BOARD

    with pytest.raises(ValidationError, match="only through a recorded decision"):
        save_with_history(review, actor=manager_user, reason="Edited by hand")

    review.refresh_from_db()
    assert review.stage == ReviewStage.REPORTED


def test_a_review_cannot_jump_stages_or_go_back(manager_user):
    review = ReviewFactory(stage=ReviewStage.IN_REVIEW)
    review.stage = ReviewStage.PROPOSED

    with pytest.raises(ValidationError, match="cannot move from in review to proposed"):
        save_with_history(review, actor=manager_user, reason="Back to the start")


def test_reported_closed_and_withdrawn_are_recorded_with_a_reason(manager_user):
    review = ReviewFactory(stage=ReviewStage.IN_REVIEW)

    review_change_stage(review=review, actor=manager_user, stage=ReviewStage.REPORTED, reason="Final report submitted")

    review.refresh_from_db()
    assert review.stage == ReviewStage.REPORTED
    assert review.history.first().history_change_reason == "Final report submitted"
    with pytest.raises(ValidationError, match="Say why"):
        review_change_stage(review=review, actor=manager_user, stage=ReviewStage.WITHDRAWN, reason=" ")


def test_the_manager_records_a_submitted_report_from_the_review_page(manager_client, manager_user, member_client):
    review = ReviewFactory(stage=ReviewStage.IN_REVIEW)
    url = f"/reviews/{review.pk}/stage/"

    assert member_client.post(url, {"stage": "reported", "reason": "x"}).status_code == 403
    form = manager_client.get(url).context["form"]
    assert [value for value, _ in form.fields["stage"].choices] == ["reported", "withdrawn"]
    refused = manager_client.post(url, {"stage": "approved_mb", "reason": "Approved"})
    response = manager_client.post(url, {"stage": "reported", "reason": "Final report submitted to the board"})

    assert refused.status_code == 200 and "stage" in refused.context["form"].errors
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.stage == ReviewStage.REPORTED
    assert review.history.first().history_user == manager_user
