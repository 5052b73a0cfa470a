"""Escalation: an overdue action goes up the ladder (14 days to the owner's line manager, 28 to the accountable
board's chair), shown on the action, in the lists, as a filter and on the committee dashboard; an owner may flag an
action at risk before it is due."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from bvgov.models import Notification
from bvgov.notifications import escalate_overdue
from programmes.choices import BodyKind, MembershipRole
from recommendations import services
from recommendations.escalation import EscalationLevel, escalation_level
from tests.bvgov.factories import UserFactory
from tests.programmes.factories import BodyFactory, MembershipFactory, PersonFactory
from tests.recommendations.factories import ActionFactory, RecommendationFactory
from tests.reviews.factories import ReviewFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


@pytest.fixture
def people(owner_user):
    """The owner reports to a line manager who signs in; the review's implementation board has a chair who does."""
    line_manager = PersonFactory(name="Tim Godwin", user=UserFactory(username="godwin"))
    owner = owner_user.person
    owner.reports_to = line_manager
    owner.save()
    board = BodyFactory(kind=BodyKind.IMPLEMENTATION_BOARD, name="Managing Demand Implementation Board")
    chair = PersonFactory(name="Alan Brown", user=UserFactory(username="brown"))
    MembershipFactory(body=board, person=chair, role=MembershipRole.CHAIR)
    review = ReviewFactory(implementation_board=board)
    recommendation = RecommendationFactory(review=review, source__review=review, source__programme=review.programme)
    return {"owner": owner, "line_manager": line_manager, "chair": chair, "recommendation": recommendation}


def overdue_by(people, n, **kwargs):
    return ActionFactory(
        recommendation=people["recommendation"], owner=people["owner"], due_date=days(-n) if n else days(10), **kwargs
    )


@pytest.mark.parametrize(("overdue", "level"), [(0, 0), (13, 0), (14, 1), (27, 1), (28, 2), (400, 2)])
def test_the_ladder_goes_by_days_overdue(overdue, level):
    assert escalation_level(overdue) == level


def test_the_ladder_is_configurable(settings):
    settings.ESCALATION_LADDER = {"line_manager": 7, "board_chair": 10}
    assert [escalation_level(n) for n in (6, 7, 10)] == [0, 1, 2]


def test_each_rung_is_told_once_and_the_action_says_whom_it_went_to(people, member_client):
    fifteen, thirty = overdue_by(people, 15), overdue_by(people, 30)
    overdue_by(people, 3)

    assert escalate_overdue(today=TODAY) == 3  # the line manager of both, and the chair of the 30-day one
    assert escalate_overdue(today=TODAY) == 0
    call_command("send_reminders", stdout=io.StringIO())
    told = Notification.objects.filter(kind=Notification.Kind.ESCALATION)
    assert sorted(told.values_list("recipient__username", "url")) == sorted(
        [
            ("godwin", fifteen.get_absolute_url()),
            ("godwin", thirty.get_absolute_url()),
            ("brown", thirty.get_absolute_url()),
        ]
    )
    page = member_client.get(thirty.get_absolute_url()).content.decode()
    assert "Escalated to the accountable board&#x27;s chair" in page
    assert "To the chair of Managing Demand Implementation Board." in page
    page = member_client.get(fifteen.get_absolute_url()).content.decode()
    assert "To Tim Godwin, the owner&#x27;s line manager." in page


def test_the_list_shows_and_filters_by_escalation_and_the_dashboard_counts_the_boards(people, member_client):
    fifteen, thirty = overdue_by(people, 15), overdue_by(people, 30)
    at_risk = overdue_by(people, 0, at_risk_since=TODAY, at_risk_reason="Federation talks stalled")
    url = reverse("recommendations:action_list")

    listed = member_client.get(url).content.decode()
    assert "Escalated to line manager" in listed and "Escalated to board" in listed and "At risk" in listed

    def ids(**params):
        return {row["id"] for row in member_client.get(url, params).context["page_obj"].object_list}

    assert ids(escalation=EscalationLevel.BOARD) == {thirty.pk}
    assert ids(escalation=EscalationLevel.LINE_MANAGER) == {fifteen.pk, thirty.pk}
    assert ids(at_risk="true") == {at_risk.pk}
    programme = people["recommendation"].source.programme_id
    totals = member_client.get("/", {"programme": programme}).context["dashboard"].totals
    assert totals["escalated"] == 1


def test_an_owner_flags_an_action_at_risk_before_it_is_due_with_a_reason(people, owner_user, owner_client):
    action = overdue_by(people, 0)
    url = reverse("recommendations:action_at_risk", args=[action.pk])

    empty = owner_client.post(url, {"reason": ""})
    assert "Say why." in empty.content.decode()
    flagged = owner_client.post(url, {"reason": "The Federation has not agreed the framework."})
    assert flagged.status_code == 302

    action.refresh_from_db()
    assert (action.at_risk_since, action.at_risk_reason) == (TODAY, "The Federation has not agreed the framework.")
    assert "At risk" in owner_client.get(action.get_absolute_url()).content.decode()
    owner_client.post(url, {"reason": "Agreed on Monday."})
    action.refresh_from_db()
    assert action.at_risk_since is None
    reasons = list(action.history.values_list("history_change_reason", flat=True)[:2])
    assert reasons == [
        "No longer at risk: Agreed on Monday.",
        "Flagged at risk: The Federation has not agreed the framework.",
    ]


def test_an_overdue_action_is_not_flagged_at_risk(people, owner_user):
    action = overdue_by(people, 5)
    with pytest.raises(ValidationError, match="already overdue"):
        services.action_flag_at_risk(action=action, actor=owner_user, reason="Late")


def test_the_at_risk_link_is_offered_before_the_due_date_only(people, owner_client):
    due_soon = owner_client.get(overdue_by(people, 0).get_absolute_url()).content.decode()
    assert "Flag it at risk" in due_soon
    for overdue in (3, 20):
        action = overdue_by(people, overdue)
        page = owner_client.get(action.get_absolute_url()).content.decode()
        assert reverse("recommendations:action_at_risk", args=[action.pk]) not in page
