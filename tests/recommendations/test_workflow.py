"""Decisions on recommendations: accepted, partly accepted or not pursued (with the rationale HMIC asks for)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from programmes.choices import DecisionKind, DecisionOutcome
from programmes.services import decision_record
from recommendations.choices import DecisionStatus
from tests.programmes.factories import BodyFactory
from tests.recommendations.factories import RecommendationFactory

pytestmark = pytest.mark.django_db


def decide(rec, kind, *, actor, rationale="", effect=None):
    return decision_record(
        subject=rec,
        actor=actor,
        body=BodyFactory(),
        meeting=None,
        # After the factory's report is published (120 days ago) and its body established: a decision is not
        # dated before either.
        decided_on=timezone.localdate(),
        kind=kind,
        outcome=DecisionOutcome.APPROVED,
        minute_reference="CDO 12",
        rationale=rationale,
        reason="",
        effect=effect,
    )


@pytest.mark.parametrize(
    ("kind", "status"),
    [
        (DecisionKind.ACCEPT_RECOMMENDATION, DecisionStatus.ACCEPTED),
        (DecisionKind.PARTLY_ACCEPT_RECOMMENDATION, DecisionStatus.PARTLY_ACCEPTED),
        (DecisionKind.REJECT_RECOMMENDATION, DecisionStatus.NOT_PURSUED),
    ],
)
def test_a_decision_sets_the_recommendations_status_and_rationale(kind, status, manager_user):
    rec = RecommendationFactory(decision_status=DecisionStatus.PROPOSED)

    decide(rec, kind, actor=manager_user, rationale="Funding for the CCO pilots was not approved for 2002/03.")

    rec.refresh_from_db()
    assert rec.decision_status == status
    latest = rec.history.latest()
    assert latest.history_user == manager_user
    assert "minute CDO 12" in latest.history_change_reason


@pytest.mark.parametrize("kind", [DecisionKind.PARTLY_ACCEPT_RECOMMENDATION, DecisionKind.REJECT_RECOMMENDATION])
def test_not_pursuing_or_partly_accepting_needs_the_rationale(kind, manager_user):
    rec = RecommendationFactory(decision_status=DecisionStatus.PROPOSED)

    with pytest.raises(ValidationError, match="Give the rationale"):
        decide(rec, kind, actor=manager_user)

    rec.refresh_from_db()
    assert rec.decision_status == DecisionStatus.PROPOSED
    assert not rec.decisions.exists()


def test_an_extension_without_a_new_date_is_refused(manager_user):
    rec = RecommendationFactory(original_target_date=datetime.date(2003, 12, 31))

    with pytest.raises(ValidationError, match="with the new target date"):
        decide(rec, DecisionKind.APPROVE_EXTENSION, actor=manager_user)


def test_an_ongoing_recommendation_cannot_be_extended(manager_user):
    rec = RecommendationFactory(original_target_date=None, target_ongoing=True, timescale="Ongoing")

    with pytest.raises(ValidationError, match="Only a recommendation with a target date"):
        decide(
            rec,
            DecisionKind.APPROVE_EXTENSION,
            actor=manager_user,
            effect={"revised_target_date": datetime.date(2004, 6, 30)},
        )


def test_the_original_target_of_an_accepted_recommendation_is_kept(manager_user):
    rec = RecommendationFactory(original_target_date=datetime.date(2003, 12, 31))
    rec.original_target_date = datetime.date(2004, 6, 30)

    with pytest.raises(ValidationError, match="original target date of an accepted recommendation is kept"):
        rec.full_clean()


def test_a_proposed_recommendations_target_may_still_be_corrected(manager_user):
    rec = RecommendationFactory(
        original_target_date=datetime.date(2003, 12, 31), decision_status=DecisionStatus.PROPOSED
    )
    rec.original_target_date = datetime.date(2004, 6, 30)

    rec.full_clean()
