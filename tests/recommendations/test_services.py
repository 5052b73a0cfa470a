"""Status and RAG changes to an action: each needs a reason, is checked against the allowed moves, and is audited."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from recommendations.choices import ActionStatus, Rag
from recommendations.services import action_override_rag, action_update_status
from tests.recommendations.factories import ActionFactory

pytestmark = pytest.mark.django_db


class TestActionUpdateStatus:
    def test_the_new_status_is_saved_with_who_and_why(self, owner_user):
        action = ActionFactory(owner=owner_user.person)

        action_update_status(
            action=action, actor=owner_user, status=ActionStatus.IN_PROGRESS, reason="Drafting has started"
        )

        action.refresh_from_db()
        assert action.status == ActionStatus.IN_PROGRESS
        latest = action.history.first()
        assert (latest.history_type, latest.status) == ("~", ActionStatus.IN_PROGRESS)
        assert latest.history_user == owner_user
        assert latest.history_change_reason == "Drafting has started"

    @pytest.mark.parametrize("reason", ["", "   "])
    def test_a_change_without_a_reason_is_refused_and_nothing_changes(self, reason, owner_user):
        action = ActionFactory(owner=owner_user.person)
        rows = action.history.count()

        with pytest.raises(ValidationError) as excinfo:
            action_update_status(action=action, actor=owner_user, status=ActionStatus.IN_PROGRESS, reason=reason)

        assert excinfo.value.message_dict == {"reason": ["Say why the status is changing."]}
        action.refresh_from_db()
        assert action.status == ActionStatus.NOT_STARTED
        assert action.history.count() == rows

    def test_a_move_the_table_forbids_is_refused_naming_both_statuses(self, owner_user):
        action = ActionFactory(owner=owner_user.person, status=ActionStatus.COMPLETE, completed_on=timezone.localdate())
        rows = action.history.count()

        with pytest.raises(ValidationError) as excinfo:
            action_update_status(action=action, actor=owner_user, status=ActionStatus.BLOCKED, reason="Blocked again")

        assert excinfo.value.message_dict == {"status": ["An action that is complete cannot move to blocked."]}
        action.refresh_from_db()
        assert action.status == ActionStatus.COMPLETE
        assert action.history.count() == rows

    def test_a_status_that_does_not_exist_is_refused(self, owner_user):
        action = ActionFactory(owner=owner_user.person)
        rows = action.history.count()

        with pytest.raises(ValidationError) as excinfo:
            action_update_status(action=action, actor=owner_user, status="on_hold", reason="Paused")

        assert excinfo.value.message_dict == {"status": ["'on_hold' is not a status an action can have."]}
        action.refresh_from_db()
        assert action.status == ActionStatus.NOT_STARTED
        assert action.history.count() == rows

    def test_completing_records_the_completion_date(self, owner_user):
        action = ActionFactory(owner=owner_user.person, status=ActionStatus.IN_PROGRESS)
        day = timezone.localdate() - datetime.timedelta(days=2)

        action_update_status(
            action=action, actor=owner_user, status=ActionStatus.COMPLETE, reason="Strategy approved", today=day
        )

        action.refresh_from_db()
        assert (action.status, action.completed_on) == (ActionStatus.COMPLETE, day)
        assert action.history.first().completed_on == day

    def test_completing_without_a_date_uses_today(self, owner_user):
        action = ActionFactory(owner=owner_user.person, status=ActionStatus.IN_PROGRESS)

        action_update_status(action=action, actor=owner_user, status=ActionStatus.COMPLETE, reason="Done")

        action.refresh_from_db()
        assert action.completed_on == timezone.localdate()

    def test_reopening_clears_the_completion_date(self, manager_user):
        action = ActionFactory(status=ActionStatus.COMPLETE, completed_on=timezone.localdate())

        action_update_status(
            action=action, actor=manager_user, status=ActionStatus.IN_PROGRESS, reason="Inspection found gaps"
        )

        action.refresh_from_db()
        assert (action.status, action.completed_on) == (ActionStatus.IN_PROGRESS, None)
        reopened, completed = action.history.all()[:2]
        assert (completed.completed_on, reopened.completed_on) == (timezone.localdate(), None)
        assert reopened.history_change_reason == "Inspection found gaps"


class TestActionOverrideRag:
    def test_an_override_is_saved_with_its_reason_on_the_action_and_in_history(self, owner_user):
        action = ActionFactory(owner=owner_user.person)

        action_override_rag(action=action, actor=owner_user, rag=Rag.RED, reason="Waits on C3i, which has slipped")

        action.refresh_from_db()
        assert (action.rag_override, action.rag_override_reason) == (Rag.RED, "Waits on C3i, which has slipped")
        assert action.rag(timezone.localdate()) == Rag.RED
        latest = action.history.first()
        assert latest.history_user == owner_user
        assert latest.history_change_reason == "Waits on C3i, which has slipped"
        assert latest.rag_override == Rag.RED

    @pytest.mark.parametrize("reason", ["", "  "])
    def test_an_override_without_a_reason_is_refused(self, reason, owner_user):
        action = ActionFactory(owner=owner_user.person)
        rows = action.history.count()

        with pytest.raises(ValidationError) as excinfo:
            action_override_rag(action=action, actor=owner_user, rag=Rag.GREEN, reason=reason)

        assert excinfo.value.message_dict == {"rag_override_reason": ["Say why the derived RAG is being overridden."]}
        action.refresh_from_db()
        assert action.rag_override == ""
        assert action.history.count() == rows

    def test_a_rating_that_does_not_exist_is_refused(self, owner_user):
        action = ActionFactory(owner=owner_user.person)

        with pytest.raises(ValidationError) as excinfo:
            action_override_rag(action=action, actor=owner_user, rag="purple", reason="Unclear")

        assert excinfo.value.message_dict == {"rag": ["'purple' is not a RAG rating."]}
        action.refresh_from_db()
        assert action.rag_override == ""

    def test_clearing_the_override_returns_to_the_derived_rag(self, owner_user, manager_user):
        today = timezone.localdate()
        action = ActionFactory(owner=owner_user.person, due_date=today - datetime.timedelta(days=5))
        action_override_rag(action=action, actor=owner_user, rag=Rag.GREEN, reason="Date agreed to move")

        action_override_rag(action=action, actor=manager_user, rag="", reason="")

        action.refresh_from_db()
        assert (action.rag_override, action.rag_override_reason) == ("", "")
        assert action.rag(today) == Rag.RED
        cleared, overridden = action.history.all()[:2]
        assert (overridden.rag_override, overridden.history_user) == (Rag.GREEN, owner_user)
        assert (cleared.rag_override, cleared.history_user) == ("", manager_user)
        assert cleared.history_change_reason == "RAG override cleared"
