"""Update rounds: the manager asks every owner of an open action for an update before a meeting; each owner answers
all their items on one page; the meeting, the board dashboard and the pack see who did not respond, by name."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from bvgov.models import Notification
from bvgov.notifications import remind_update_rounds
from programmes.choices import BodyKind
from recommendations import rounds
from recommendations.choices import ActionStatus
from recommendations.models import ProgressUpdate, UpdateRequest, UpdateRound
from tests.bvgov.factories import UserFactory
from tests.programmes.factories import BodyFactory, MeetingFactory, PersonFactory, ProgrammeFactory
from tests.recommendations.factories import ActionFactory, RecommendationFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


@pytest.fixture
def register(owner_user):
    """A programme with three open actions of the signed-in owner (one due in a year), one of another owner who
    cannot sign in, and a complete action; a board meeting in three weeks."""
    programme = ProgrammeFactory()
    recommendation = RecommendationFactory(source__programme=programme, source__review__programme=programme)
    mine = [
        ActionFactory(recommendation=recommendation, owner=owner_user.person, due_date=days(due), description=text)
        for due, text in ((10, "Agree the framework"), (-5, "Pilot in two boroughs"), (365, "Roll out"))
    ]
    other_owner = PersonFactory(name="Alan Brown")
    theirs = ActionFactory(recommendation=recommendation, owner=other_owner, due_date=days(20))
    ActionFactory(recommendation=recommendation, owner=other_owner, status=ActionStatus.COMPLETE, completed_on=TODAY)
    board = BodyFactory(kind=BodyKind.PROGRAMME_BOARD, name="Best Value Programme Board")
    meeting = MeetingFactory(body=board, date=days(21), title="January meeting")
    return {"programme": programme, "mine": mine, "theirs": theirs, "meeting": meeting, "board": board}


def open_round(register, actor, **kwargs):
    arguments = {
        "meeting": register["meeting"],
        "programme": register["programme"],
        "respond_by": days(14),
        "due_within_days": None,
        "actor": actor,
    }
    return rounds.round_open(**(arguments | kwargs))


class TestOpening:
    def test_each_owner_gets_one_request_listing_their_open_actions(self, register, manager_user, owner_user):
        update_round = open_round(register, manager_user)

        requests = {request.owner.name: request for request in update_round.requests.all()}
        assert sorted(requests) == ["Alan Brown", "Steve House"]
        assert set(requests["Steve House"].actions.all()) == set(register["mine"])
        assert list(requests["Alan Brown"].actions.all()) == [register["theirs"]]
        told = Notification.objects.get(kind=Notification.Kind.UPDATE_REQUEST)
        assert told.recipient == owner_user and "Update 3 actions" in told.text
        assert told.url == requests["Steve House"].get_absolute_url()

    def test_a_scope_of_due_within_days_includes_the_overdue(self, register, manager_user):
        update_round = open_round(register, manager_user, due_within_days=30)

        mine = update_round.requests.get(owner__name="Steve House")
        assert sorted(mine.actions.values_list("description", flat=True)) == [
            "Agree the framework",
            "Pilot in two boroughs",
        ]

    @pytest.mark.parametrize(
        ("change", "message"),
        [
            ({"respond_by": days(-1)}, "cannot be in the past"),
            ({"respond_by": days(30)}, "must respond by the meeting"),
            ({"due_within_days": -3}, "0 or more"),
        ],
    )
    def test_a_round_that_cannot_work_is_refused_and_nobody_is_asked(self, register, manager_user, change, message):
        with pytest.raises(ValidationError, match=message):
            open_round(register, manager_user, **change)
        assert not UpdateRound.objects.exists() and not Notification.objects.exists()

    def test_a_past_meeting_or_an_empty_scope_is_refused(self, register, manager_user, owner_user):
        past = MeetingFactory(body=register["board"], date=days(-1))
        with pytest.raises(ValidationError, match="has taken place"):
            open_round(register, manager_user, meeting=past, respond_by=days(0))
        with pytest.raises(ValidationError, match="nobody to ask"):
            open_round(register, manager_user, programme=ProgrammeFactory())
        with pytest.raises(PermissionDenied):
            open_round(register, owner_user)

    def test_the_manager_opens_a_round_from_the_page(self, register, manager_client):
        url = reverse("recommendations:round_open")
        form = {
            "meeting": register["meeting"].pk,
            "programme": register["programme"].pk,
            "respond_by": f"{days(14):%d/%m/%Y}",
            "scope": "due",
        }
        missing = manager_client.post(url, form)
        assert "Enter the number of days." in missing.content.decode()
        assert not UpdateRound.objects.exists()

        opened = manager_client.post(url, form | {"due_within_days": "30"})

        update_round = UpdateRound.objects.get()
        assert opened["Location"] == update_round.get_absolute_url()
        assert update_round.due_within_days == 30


class TestResponding:
    def form(self, request, **items):
        """The response form's data: each action left as it is unless `items` gives it a status, reason or note."""
        data = {}
        for action in request.actions.all():
            prefix = f"action-{action.pk}"
            given = items.get(action.description, {})
            data[f"{prefix}-status"] = given.get("status", action.status)
            data[f"{prefix}-reason"] = given.get("reason", "")
            data[f"{prefix}-note"] = given.get("note", "")
        return data

    def test_an_owner_updates_all_their_items_in_one_form(self, register, manager_user, owner_client, member_client):
        update_round = open_round(register, manager_user)
        request = update_round.requests.get(owner__name="Steve House")
        url = request.get_absolute_url()
        page = owner_client.get(url).content.decode()
        assert page.count('name="action-') >= 9  # status, reason and note for each of the three

        sent = owner_client.post(
            url,
            self.form(
                request,
                **{
                    "Agree the framework": {"note": "The Federation has the draft."},
                    "Pilot in two boroughs": {"status": "in_progress", "reason": "Pilots started"},
                },
            ),
        )

        assert sent.status_code == 302
        request.refresh_from_db()
        assert request.responded_at is not None
        notes = set(ProgressUpdate.objects.values_list("note", flat=True))
        assert notes == {"The Federation has the draft.", "Pilots started"}
        summary = rounds.round_summary(update_round)
        assert [r.owner_name for r in summary.responded] == ["Steve House"]
        assert [r.owner_name for r in summary.not_responded] == ["Alan Brown"]
        # Soonest due first: Alan Brown's action is due in 20 days, "Roll out" in a year.
        assert [a.description for a in summary.items_without_update] == [register["theirs"].description, "Roll out"]
        assert summary.items_without_update_count == 2
        page = member_client.get(update_round.get_absolute_url()).content.decode()
        assert "1 of 2 owners responded" in page
        alan = next(r for r in summary.not_responded if r.owner_name == "Alan Brown")
        assert f"<li>Alan Brown ({alan.items} action{'' if alan.items == 1 else 's'})</li>" in page
        responded_on = timezone.localtime(request.responded_at)
        assert f"<li>Steve House, {responded_on.day} {responded_on:%b %Y}</li>" in page

    def test_the_items_without_update_are_soonest_due_first_with_undated_ones_last(self, register, manager_user):
        ActionFactory(recommendation=register["theirs"].recommendation, owner=register["theirs"].owner, due_date=None)
        update_round = open_round(register, manager_user)

        summary = rounds.round_summary(update_round)

        due = [action.due_date for action in summary.items_without_update]
        assert due == [days(-5), days(10), days(20), days(365), None]
        assert summary.items_without_update_count == 5
        assert summary.items_without_update[0].recommendation == register["theirs"].recommendation

    def test_a_response_with_one_bad_item_writes_nothing(self, register, manager_user, owner_client):
        update_round = open_round(register, manager_user)
        request = update_round.requests.get(owner__name="Steve House")
        history = ProgressUpdate.history.count()

        refused = owner_client.post(
            request.get_absolute_url(),
            self.form(
                request,
                **{
                    "Agree the framework": {"note": "Draft shared."},
                    "Pilot in two boroughs": {"status": "complete"},  # no reason
                },
            ),
        )

        assert refused.status_code == 400
        assert "Say why the status is changing." in refused.content.decode()
        assert ProgressUpdate.history.count() == history and not ProgressUpdate.objects.exists()
        assert UpdateRequest.objects.get(pk=request.pk).responded_at is None

    def test_an_empty_response_is_refused_with_a_message(self, register, manager_user, owner_user):
        update_round = open_round(register, manager_user)
        request = update_round.requests.get(owner__name="Steve House")
        items = [rounds.ItemUpdate(action=action, status=action.status) for action in request.actions.all()]

        with pytest.raises(ValidationError, match="Nothing to send"):
            rounds.round_respond(request=request, actor=owner_user, items=items)

    def test_only_the_owner_asked_or_the_manager_responds(self, register, manager_user, owner_client):
        update_round = open_round(register, manager_user)
        theirs = update_round.requests.get(owner__name="Alan Brown")
        assert owner_client.get(theirs.get_absolute_url()).status_code == 403
        someone = UserFactory(groups=["Action owner"])
        with pytest.raises(PermissionDenied):
            rounds.round_respond(request=theirs, actor=someone, items=[])


class TestReminders:
    def test_who_has_not_responded_is_reminded_7_days_and_1_day_before(self, register, manager_user, owner_user):
        open_round(register, manager_user, respond_by=days(14))

        def reminders():
            return Notification.objects.filter(recipient=owner_user, text__startswith="Reminder").count()

        assert remind_update_rounds(today=days(6)) == 0
        assert remind_update_rounds(today=days(7)) == 1
        assert remind_update_rounds(today=days(7)) == 0  # once a day
        call_command("send_reminders", date=days(13).isoformat(), stdout=io.StringIO())
        assert reminders() == 2
        UpdateRequest.objects.filter(owner=owner_user.person).update(responded_at=timezone.now())
        assert remind_update_rounds(today=days(13)) == 0


class TestWhereTheMeetingSeesIt:
    def test_the_board_dashboard_and_the_pack_name_who_did_not_respond(self, register, manager_user, member_client):
        update_round = open_round(register, manager_user)
        request = update_round.requests.get(owner__name="Steve House")
        rounds.round_respond(
            request=request,
            actor=manager_user,
            items=[rounds.ItemUpdate(action=request.actions.first(), status="not_started", note="On track")],
        )

        board = member_client.get(reverse("board_dashboard"), {"body": register["board"].pk}).content.decode()
        assert "1 of 2 owners responded" in board and "Alan Brown" in board
        assert "Roll out" in board  # an action with no update this round
        pack = member_client.get(reverse("committee_pack")).content.decode()
        assert "Not responded: Alan Brown." in pack
        assert "1 of 2 owners responded" in pack
        silent = pack[pack.index('data-pack="no-update"') :]
        assert "Roll out" in silent and "On track" not in silent
        assert request.actions.first().description not in silent.split("</ul>")[0]


class TestQueryCounts:
    def test_the_round_page_and_the_response_page_cost_the_same_for_few_and_many(
        self, register, manager_user, owner_user, member_client, owner_client, django_assert_num_queries
    ):
        def grow(n):
            recommendation = register["mine"][0].recommendation
            for index in range(n):
                other = PersonFactory(name=f"Owner {index}")
                ActionFactory(recommendation=recommendation, owner=other, due_date=days(5))
                ActionFactory(recommendation=recommendation, owner=owner_user.person, due_date=days(5))

        def counts(update_round):
            request = update_round.requests.get(owner=owner_user.person)
            with django_assert_num_queries(ROUND_PAGE_QUERIES) as page:
                member_client.get(update_round.get_absolute_url())
            with django_assert_num_queries(RESPOND_PAGE_QUERIES) as respond:
                owner_client.get(request.get_absolute_url())
            return len(page.captured_queries), len(respond.captured_queries)

        few = counts(open_round(register, manager_user))
        grow(20)
        many = counts(open_round(register, manager_user))
        assert few == many


# Session, user, permissions, the round; its requests with their counts, the first items with no update and how many,
# and those items' actions.
ROUND_PAGE_QUERIES = 7
# Session, user, permissions, the request; its actions with their last update and version.
RESPOND_PAGE_QUERIES = 5
