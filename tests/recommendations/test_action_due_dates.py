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


class TestExtensionRequests:
    """The owner asks for a later date; a body approves or refuses it; the pack lists who asked, the dates, the
    reason and the decision."""

    def ask(self, client, action, **data):
        url = reverse("recommendations:action_extension_request", args=[action.pk])
        return client.post(url, {"proposed_date": "31/03/2004", "reason": "The Federation meets in March"} | data)

    @pytest.fixture
    def owned(self, action, owner_user, manager_user):
        action.owner = owner_user.person
        return save_with_history(action, actor=manager_user, reason="Owner named")

    def test_the_owner_asks_and_a_body_approves_it(self, owned, owner_client, manager_client, member_client):
        earlier = self.ask(owner_client, owned, proposed_date="30/11/2003")
        assert "Propose a date later than the current one, 30 November 2003." in earlier.content.decode()
        assert self.ask(owner_client, owned).status_code == 302
        assert "Extension asked for" in owner_client.get(owned.get_absolute_url()).content.decode()
        assert "it waits for a body's decision" in self.ask(owner_client, owned).content.decode()
        owned.refresh_from_db()
        assert owned.due_date == NOV_2003  # nothing moves until a body decides

        body = BodyFactory(name="Managing Demand Implementation Board", established_on=datetime.date(2002, 1, 1))
        extend_url = reverse("recommendations:action_extend", args=[owned.pk])
        form = manager_client.get(extend_url).context["form"]
        assert form.initial["revised_target_date"] == datetime.date(2004, 3, 31)
        done = manager_client.post(
            extend_url,
            {
                "outcome": "approved",
                "body": body.pk,
                "decided_on": "15/12/2003",
                "minute_reference": "MDIB 4/03",
                "revised_target_date": "31/03/2004",
                "rationale": "Agreed: the Federation meets in March",
            },
        )

        assert done.status_code == 302
        owned.refresh_from_db()
        assert owned.due_date == datetime.date(2004, 3, 31)
        request = owned.extension_requests.get()
        assert request.decision.get_outcome_display() == "Approved"
        pack = member_client.get(reverse("committee_pack"))
        rows = pack.content.decode()
        assert "The Federation meets in March" in rows and "Approved by Managing Demand Implementation Board" in rows

    def test_a_body_refuses_it_and_the_date_stays(self, owned, owner_client, manager_client):
        self.ask(owner_client, owned)
        body = BodyFactory(established_on=datetime.date(2002, 1, 1))
        refused = manager_client.post(
            reverse("recommendations:action_extend", args=[owned.pk]),
            {
                "outcome": "refused",
                "body": body.pk,
                "decided_on": "15/12/2003",
                "minute_reference": "MDIB 4/03",
                "revised_target_date": "31/03/2004",
                "rationale": "The pilot must finish on time",
            },
        )

        assert refused.status_code == 302, refused.context["form"].errors
        owned.refresh_from_db()
        assert owned.due_date == NOV_2003
        assert owned.extension_requests.get().decision.get_outcome_display() == "Rejected"
        assert "Ask for an extension" in owner_client.get(owned.get_absolute_url()).content.decode()

    def test_only_the_owner_or_the_manager_asks(self, owned, member_client):
        assert self.ask(member_client, owned).status_code == 403
        assert not owned.extension_requests.exists()
