"""Roles granted per body: a board's chair records that board's decisions, and only that board's."""

import datetime

import pytest
from django.utils import timezone

from programmes.choices import BodyKind, DecisionKind, DecisionOutcome, MembershipRole
from programmes.models import Decision
from recommendations.choices import DecisionStatus
from tests.programmes.factories import BodyFactory, MembershipFactory, PersonFactory
from tests.recommendations.factories import RecommendationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def csmb_chair(member_user):
    csmb = BodyFactory(name="Consultation Strategy Management Board", kind=BodyKind.STRATEGY_BOARD)
    person = PersonFactory(name="Chair of the CSMB", user=member_user)
    MembershipFactory(person=person, body=csmb, role=MembershipRole.CHAIR, start_date=datetime.date(2002, 4, 1))
    return csmb


def form(body, **overrides):
    return {
        "body": body.pk,
        "meeting": "",
        "decided_on": (timezone.localdate() - datetime.timedelta(days=1)).isoformat(),
        "kind": DecisionKind.ACCEPT_RECOMMENDATION,
        "outcome": DecisionOutcome.APPROVED,
        "minute_reference": "CSMB 3/02",
        "rationale": "",
        "change_message": "",
    } | overrides


def test_a_chair_records_their_boards_decision_on_a_recommendation(member_client, member_user, csmb_chair):
    rec = RecommendationFactory(decision_status=DecisionStatus.PROPOSED)
    url = f"/decisions/new/?subject=recommendations.recommendation.{rec.pk}"

    page = member_client.get(url)
    response = member_client.post(url, form(csmb_chair))

    assert page.status_code == 200
    assert list(page.context["form"].fields["body"].queryset) == [csmb_chair]
    assert response.status_code == 302
    decision = Decision.objects.get()
    assert (decision.body, decision.recorded_by) == (csmb_chair, member_user)
    rec.refresh_from_db()
    assert rec.decision_status == DecisionStatus.ACCEPTED


def test_a_chair_cannot_record_another_bodys_decision(member_client, csmb_chair):
    board = BodyFactory(name="MPS Management Board", kind=BodyKind.MANAGEMENT_BOARD)
    rec = RecommendationFactory(decision_status=DecisionStatus.PROPOSED)

    response = member_client.post(f"/decisions/new/?subject=recommendations.recommendation.{rec.pk}", form(board))

    assert response.status_code == 200
    assert "body" in response.context["form"].errors
    assert not Decision.objects.exists()


def test_a_former_chair_no_longer_records_decisions(member_client, member_user):
    csmb = BodyFactory(kind=BodyKind.STRATEGY_BOARD)
    person = PersonFactory(user=member_user)
    MembershipFactory(
        person=person,
        body=csmb,
        role=MembershipRole.CHAIR,
        start_date=datetime.date(2002, 4, 1),
        end_date=datetime.date(2003, 3, 31),
    )
    rec = RecommendationFactory()

    assert member_client.get(f"/decisions/new/?subject=recommendations.recommendation.{rec.pk}").status_code == 403


def test_an_inspector_in_a_chairs_seat_records_nothing_as_their_role_does_not_let_them(
    inspector_client, inspector_user
):
    """Rights follow the role as well as the seat: the inspectorate's person may sit on a board, but never decides."""
    board = BodyFactory(name="Managing Demand project board", kind=BodyKind.PROJECT_BOARD)
    person = PersonFactory(name="Ken Williams", user=inspector_user)
    MembershipFactory(person=person, body=board, role=MembershipRole.CHAIR, start_date=datetime.date(2002, 4, 1))
    rec = RecommendationFactory()
    url = f"/decisions/new/?subject=recommendations.recommendation.{rec.pk}"

    assert inspector_client.get(url).status_code == 403
    assert inspector_client.post(url, form(board)).status_code == 403
    assert not Decision.objects.exists()


def test_an_officer_chairing_a_project_board_records_its_decisions(owner_client, owner_user):
    board = BodyFactory(name="Managing Demand project board", kind=BodyKind.PROJECT_BOARD)
    MembershipFactory(
        person=owner_user.person, body=board, role=MembershipRole.CHAIR, start_date=datetime.date(2002, 4, 1)
    )
    rec = RecommendationFactory()

    response = owner_client.post(f"/decisions/new/?subject=recommendations.recommendation.{rec.pk}", form(board))

    assert response.status_code == 302
    assert Decision.objects.get().body == board
