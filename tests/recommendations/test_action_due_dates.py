"""An action's due date under the same control as a recommendation's target date: the first date is kept, a move
needs a reason, and a date later than the original needs an extension approved by a body."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.history import save_with_history
from programmes.choices import DecisionKind
from recommendations.models import Action
from tests.programmes.factories import BodyFactory
from tests.recommendations.factories import ActionFactory, RecommendationFactory

pytestmark = pytest.mark.django_db

NOV_2003, DEC_2004 = datetime.date(2003, 11, 30), datetime.date(2004, 12, 31)


@pytest.fixture
def action(manager_user):
    recommendation = RecommendationFactory(source__published_on=datetime.date(2003, 6, 1))
    action = Action(recommendation=recommendation, description="Agree single crewing with the BCUs", due_date=NOV_2003)
    return save_with_history(action, actor=manager_user, reason="Agreed at the CSMB")


def edit(client, action, **data):
    form = {"description": action.description, "owner": "", "due_date": "", "change_message": ""} | data
    return client.post(reverse("recommendations:action_update", args=[action.pk]), form)


def test_the_first_due_date_is_kept_and_a_move_needs_a_reason(manager_client, action):
    assert action.original_due_date == NOV_2003

    silent = edit(manager_client, action, due_date="31/10/2003")
    assert silent.status_code == 200
    assert "Say why the due date is changing" in silent.content.decode()
    earlier = edit(manager_client, action, due_date="31/10/2003", change_message="The BCUs meet a month early")
    assert earlier.status_code == 302
    action.refresh_from_db()
    assert (action.due_date, action.original_due_date) == (datetime.date(2003, 10, 31), NOV_2003)
    assert action.history.latest().history_change_reason == "The BCUs meet a month early"
    # Back to the original, with a reason, is no extension either.
    back = edit(manager_client, action, due_date="30/11/2003", change_message="Their meeting moved back")
    assert back.status_code == 302


def test_a_due_date_later_than_the_original_is_refused_without_an_extension(manager_client, manager_user, action):
    # The manager's move from 30/11/2003 to 31/12/2004 with no decision, as the demo found it.
    refused = edit(manager_client, action, due_date="31/12/2004", change_message="Slipped")

    assert refused.status_code == 200
    assert "A due date later than the original, 30 November 2003, needs an extension" in refused.content.decode()
    action.refresh_from_db()
    assert action.due_date == NOV_2003 and action.history.count() == 1
    action.due_date = DEC_2004
    with pytest.raises(ValidationError, match="needs an extension"):
        save_with_history(action, actor=manager_user, reason="Straight through the service layer")
    action.refresh_from_db()
    action.due_date = None
    with pytest.raises(ValidationError, match="keeps one"):
        save_with_history(action, actor=manager_user, reason="Date removed")


def test_an_action_recorded_before_originals_were_kept_takes_its_date_then(manager_client):
    older = ActionFactory(due_date=NOV_2003)  # saved without the rule, as rows from before it were
    assert older.original_due_date is None

    refused = edit(manager_client, older, due_date="31/12/2004", change_message="Slipped")

    assert "needs an extension" in refused.content.decode()


def test_an_extension_moves_the_date_with_its_decision_and_the_page_shows_the_slip(
    manager_client, manager_user, member_client, action
):
    board = BodyFactory(name="Managing Demand Implementation Board", established_on=datetime.date(2001, 4, 1))
    url = reverse("recommendations:action_extend", args=[action.pk])
    page = manager_client.get(url).content.decode()
    assert "Original due date" in page and "30 November 2003" in page and "New due date" in page
    form = {
        "body": board.pk,
        "decided_on": "12/11/2003",
        "minute_reference": "MDIB 11/03 minute 4",
        "revised_target_date": "31/12/2004",
        "rationale": "Waits on the Federation's agreement.",
    }
    assert member_client.post(url, form).status_code == 403
    earlier = manager_client.post(url, form | {"revised_target_date": "31/10/2003"})
    assert "The new due date must be later than the current one." in earlier.content.decode()
    assert not action.decisions.exists()

    done = manager_client.post(url, form)

    assert done.status_code == 302 and done["Location"] == action.get_absolute_url()
    action.refresh_from_db()
    assert (action.due_date, action.original_due_date, action.slipped_days) == (DEC_2004, NOV_2003, 397)
    (decision,) = action.decisions.all()
    assert decision.kind == DecisionKind.APPROVE_EXTENSION and decision.body == board
    assert decision.snapshot == {
        "original_due_date": "2003-11-30",
        "previous_due_date": "2003-11-30",
        "revised_due_date": "2004-12-31",
    }
    latest = action.history.latest()
    assert latest.history_user == manager_user
    assert latest.history_change_reason.endswith("due date moved to 31 December 2004")
    detail = manager_client.get(action.get_absolute_url()).content.decode()
    assert "Slipped by 13 months" in detail and "Originally 30 November 2003" in detail
    assert "Extension recorded: the due date is now 31 December 2004." in detail
