"""Reminder digests: what each owner and each board chair is told, in text and HTML, once a day, after commit."""

import datetime
import types
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from bvgov.models import Notification, ReminderSent
from bvgov.notifications import escalate_overdue, remind_risk_reviews, remind_update_rounds
from bvgov.reminders import chair_digests, owner_digests, send_reminders
from bvgov.selectors.boards import board_reviews
from programmes.choices import BodyKind, MembershipRole
from recommendations.choices import ActionStatus, ImplementationStatus
from tests.bvgov.factories import UserFactory
from tests.programmes.factories import BodyFactory, MembershipFactory, PersonFactory
from tests.recommendations.factories import (
    ActionFactory,
    RecommendationFactory,
    SourceFactory,
    UpdateRequestFactory,
)
from tests.reviews.factories import ReviewFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


@pytest.fixture
def register():
    """Two reviews, one overseen by an implementation board whose chair is reachable; owners with and without
    anything due, with and without an email address."""
    board = BodyFactory(name="Managing Demand Implementation Board", kind=BodyKind.IMPLEMENTATION_BOARD)
    chair = PersonFactory(name="Deputy Commissioner", email="deputy@met.example.police.uk")
    MembershipFactory(person=chair, body=board, role=MembershipRole.CHAIR, start_date=days(-400), end_date=None)
    former_chair = PersonFactory(name="Former Chair", email="former@met.example.police.uk")
    MembershipFactory(
        person=former_chair, body=board, role=MembershipRole.CHAIR, start_date=days(-800), end_date=days(-1)
    )

    review = ReviewFactory(title="Managing Demand", implementation_board=board)
    rec = RecommendationFactory(
        source=SourceFactory(review=review, programme=review.programme), review=review, number="4"
    )
    other_review = ReviewFactory(title="Call Handling")
    other_rec = RecommendationFactory(source=SourceFactory(review=other_review, programme=other_review.programme))

    house = PersonFactory(name="Steve House", email="steve.house@met.example.police.uk")
    late = ActionFactory(recommendation=rec, owner=house, due_date=days(-5), description="Single crewing pilot")
    soon = ActionFactory(
        recommendation=other_rec, owner=house, due_date=days(10), description="Demand strategy refresh"
    )
    today = ActionFactory(recommendation=rec, owner=house, due_date=days(0), description="Due today")
    ActionFactory(recommendation=rec, owner=house, due_date=days(15), description="Just outside the fortnight")
    ActionFactory(recommendation=rec, owner=house, due_date=days(90), description="Far future")
    ActionFactory(
        recommendation=rec,
        owner=house,
        due_date=days(-20),
        status=ActionStatus.COMPLETE,
        completed_on=days(-21),
        description="Done already",
    )

    account = UserFactory(username="acc", email="acc.owner@mpa.example.gov.uk")
    no_own_email = PersonFactory(name="Account Holder", email="", user=account)
    elsewhere = ActionFactory(
        recommendation=other_rec, owner=no_own_email, due_date=days(-40), description="Call handling standards"
    )

    idle = PersonFactory(name="Nothing Due", email="idle@met.example.police.uk")
    ActionFactory(recommendation=rec, owner=idle, due_date=days(60), description="Next quarter")

    unreachable = PersonFactory(name="No Address", email="")
    unreachable_action = ActionFactory(
        recommendation=rec, owner=unreachable, due_date=days(-3), description="Property review"
    )
    unowned = ActionFactory(recommendation=rec, owner=None, due_date=days(-60), description="Nobody's action")
    return {
        "board": board,
        "house": house,
        "late": late,
        "soon": soon,
        "today": today,
        "elsewhere": elsewhere,
        "unreachable_action": unreachable_action,
        "unowned": unowned,
    }


def test_each_owner_digest_lists_only_their_overdue_and_fortnight_actions(register):
    digests = {digest.recipient: digest for digest in owner_digests(today=TODAY)}

    assert set(digests) == {"steve.house@met.example.police.uk", "acc.owner@mpa.example.gov.uk"}
    house = digests["steve.house@met.example.police.uk"]
    assert house.name == "Steve House"
    assert [line.description for line in house.overdue] == ["Single crewing pilot"]
    assert house.overdue[0].days_overdue == 5
    assert house.overdue[0].review == "Managing Demand"
    assert house.overdue[0].recommendation.startswith("Recommendation 4 of ")
    assert house.overdue[0].url == f"http://127.0.0.1:8000/actions/{register['late'].pk}/"
    assert [line.description for line in house.due_soon] == ["Due today", "Demand strategy refresh"]
    assert [line.days_overdue for line in house.due_soon] == [0, 0]


def test_an_owner_with_no_address_of_their_own_is_written_to_at_their_account(register, settings):
    settings.SITE_URL = "https://bvgov.example.gov.uk/"

    (digest,) = [d for d in owner_digests(today=TODAY) if d.name == "Account Holder"]

    assert digest.recipient == "acc.owner@mpa.example.gov.uk"
    assert [line.days_overdue for line in digest.overdue] == [40]
    assert digest.overdue[0].url == f"https://bvgov.example.gov.uk/actions/{register['elsewhere'].pk}/"


def test_the_chair_hears_of_the_boards_overdue_actions_grouped_by_owner(register):
    (digest,) = chair_digests(today=TODAY)

    assert digest.recipient == "deputy@met.example.police.uk"
    assert digest.body_name == "Managing Demand Implementation Board"
    grouped = {group.owner: [line.description for line in group.actions] for group in digest.owners}
    # Only the board's review; nothing due later or already done; the unowned action under its own heading, last.
    assert grouped == {
        "No Address": ["Property review"],
        "Steve House": ["Single crewing pilot"],
        "No owner recorded": ["Nobody's action"],
    }
    assert list(grouped)[-1] == "No owner recorded"
    assert digest.action_count == 3


def test_a_whole_programme_board_chair_hears_of_every_reviews_overdue_actions(register):
    management_board = BodyFactory(name="Management Board", kind=BodyKind.MANAGEMENT_BOARD)
    MembershipFactory(
        person=PersonFactory(name="Commissioner", email="commissioner@met.example.police.uk"),
        body=management_board,
        role=MembershipRole.CHAIR,
    )

    digests = {digest.body_name: digest for digest in chair_digests(today=TODAY)}

    assert set(digests) == {"Managing Demand Implementation Board", "Management Board"}
    assert digests["Management Board"].action_count == 4
    # The same reviews as the board dashboard's.
    assert {r.pk for r in board_reviews(management_board)} >= {
        register["late"].recommendation.review_id,
        register["elsewhere"].recommendation.review_id,
    }


def test_digests_are_emailed_in_text_and_html_only_when_the_transaction_commits(
    register, mailoutbox, django_capture_on_commit_callbacks
):
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        call_command("send_reminders", "--date", TODAY.isoformat(), stdout=out)
        assert mailoutbox == []
        assert ReminderSent.objects.count() == 3

    assert len(callbacks) == 3
    assert out.getvalue().strip() == (
        "3 digests sent, 0 skipped (already sent today): 1 person has something due but no email address: No Address"
    )
    by_recipient = {message.to[0]: message for message in mailoutbox}
    assert set(by_recipient) == {
        "steve.house@met.example.police.uk",
        "acc.owner@mpa.example.gov.uk",
        "deputy@met.example.police.uk",
    }
    owner_mail = by_recipient["steve.house@met.example.police.uk"]
    assert owner_mail.subject == "Your best value actions: 1 overdue, 2 due soon"
    assert "Single crewing pilot" in owner_mail.body
    assert "5 days overdue" in owner_mail.body
    assert f"/actions/{register['late'].pk}/" in owner_mail.body
    assert "Far future" not in owner_mail.body
    assert "Done already" not in owner_mail.body
    assert "Just outside the fortnight" not in owner_mail.body
    html, mimetype = owner_mail.alternatives[0]
    assert mimetype == "text/html"
    assert "Demand strategy refresh" in html
    assert f'href="http://127.0.0.1:8000/actions/{register["soon"].pk}/"' in html
    assert "Far future" not in html

    chair_mail = by_recipient["deputy@met.example.police.uk"]
    assert chair_mail.subject == "Managing Demand Implementation Board: 3 overdue actions"
    assert "STEVE HOUSE (1)" in chair_mail.body
    assert "Nobody's action" in chair_mail.body
    assert "Call handling standards" not in chair_mail.body
    chair_html = chair_mail.alternatives[0][0]
    assert "No owner recorded (1)" in chair_html
    assert "Steve House (1)" in chair_html


def test_nothing_is_sent_until_commit(register, mailoutbox):
    call_command("send_reminders", stdout=StringIO())

    # The test's transaction never commits, so the queued emails never leave.
    assert mailoutbox == []
    assert ReminderSent.objects.filter(date=TODAY).count() == 3


def test_a_second_run_on_the_same_day_sends_nothing(register, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", stdout=StringIO())
    assert len(mailoutbox) == 3

    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        call_command("send_reminders", stdout=StringIO())
        call_command("send_reminders", stdout=out)

    assert callbacks == []
    assert len(mailoutbox) == 3
    assert out.getvalue().strip().startswith("0 digests sent, 3 skipped (already sent today): 1 person has")
    assert ReminderSent.objects.count() == 3
    rows = set(ReminderSent.objects.values_list("recipient", "kind", "body_id"))
    assert ("deputy@met.example.police.uk", "chair", register["board"].pk) in rows
    assert ("steve.house@met.example.police.uk", "owner", None) in rows


def test_the_next_day_sends_again(register, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", "--date", TODAY.isoformat(), stdout=StringIO())
        call_command("send_reminders", "--date", days(1).isoformat(), stdout=StringIO())

    assert len(mailoutbox) == 6


def test_nobody_with_nothing_due_gets_an_email(mailoutbox, django_capture_on_commit_callbacks):
    ActionFactory(owner=PersonFactory(email="idle@met.example.police.uk"), due_date=days(60))
    out = StringIO()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", stdout=out)

    assert mailoutbox == []
    assert out.getvalue().strip() == (
        "0 digests sent, 0 skipped (already sent today): no open action is overdue or due in the next 14 days"
    )
    assert not ReminderSent.objects.exists()


def test_a_bad_date_is_refused():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_reminders", "--date", "31/12/2003", stdout=StringIO())


def _owners_and_a_board(n: int):
    board = BodyFactory(kind=BodyKind.PROJECT_BOARD)
    MembershipFactory(body=board, role=MembershipRole.CHAIR)
    review = ReviewFactory(project_board=board)
    rec = RecommendationFactory(source=SourceFactory(review=review, programme=review.programme), review=review)
    for index in range(n):
        owner = PersonFactory(user=UserFactory(email=f"owner{index}@example.gov.uk"), email="") if index % 2 else None
        ActionFactory(recommendation=rec, owner=owner, due_date=days(-index - 1))
        ActionFactory(recommendation=rec, due_date=days(index % 14))


# Each reads the actions (with owners, accounts, reports) once; the chairs' digest also reads seats and board links.
SELECTION_QUERIES = 4


def test_selection_costs_the_same_queries_for_few_and_many_actions(django_assert_num_queries):
    _owners_and_a_board(2)
    with django_assert_num_queries(SELECTION_QUERIES):
        owner_digests(today=TODAY)
        chair_digests(today=TODAY)
    _owners_and_a_board(30)
    with django_assert_num_queries(SELECTION_QUERIES):
        owners = owner_digests(today=TODAY)
        chairs = chair_digests(today=TODAY)
    assert len(owners) > 30
    assert len(chairs) == 2


def test_a_digest_that_cannot_be_written_fails_alone_and_is_not_recorded_as_sent(register, mailoutbox):
    """The probe: a line break in a board's name crashed the run, yet the chair's digest was marked as sent."""
    board = register["board"]
    board.name = "Managing Demand\nImplementation Board"
    board.save()
    out, err = StringIO(), StringIO()

    with pytest.raises(CommandError, match="1 digest not sent"):
        call_command("send_reminders", stdout=out, stderr=err)

    assert not ReminderSent.objects.filter(kind=ReminderSent.Kind.CHAIR).exists()
    assert ReminderSent.objects.filter(kind=ReminderSent.Kind.OWNER).count() == 2
    assert out.getvalue().startswith("2 digests sent, 0 skipped (already sent today), 1 failed")
    assert "Deputy Commissioner, chair of Managing Demand Implementation Board" in err.getvalue()
    assert "cannot be written" in err.getvalue()


class RefusingBackend:
    """A mail server that refuses one address and takes the rest."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        from django.core import mail

        for message in messages:
            if message.to == ["deputy@met.example.police.uk"]:
                raise ConnectionRefusedError("550 mailbox unavailable")
            mail.outbox.append(message)
        return len(messages)


def test_a_digest_the_mail_server_refuses_is_not_recorded_as_sent(
    register, monkeypatch, mailoutbox, django_capture_on_commit_callbacks
):
    """Sent once its record commits: a refusal then takes the record back, so a later run tries again. (The command
    exits non-zero on any failure, as the test above shows.)"""
    monkeypatch.setattr("bvgov.reminders.mailers", types.SimpleNamespace(default=RefusingBackend()))

    with django_capture_on_commit_callbacks(execute=True):
        run = send_reminders(today=TODAY)

    assert {message.to[0] for message in mailoutbox} == {
        "steve.house@met.example.police.uk",
        "acc.owner@mpa.example.gov.uk",
    }
    assert set(ReminderSent.objects.values_list("recipient", flat=True)) == {message.to[0] for message in mailoutbox}
    assert run.sent == 2 and len(run.failed) == 1 and "550 mailbox unavailable" in run.failed[0]
    assert str(run).startswith("2 digests sent, 0 skipped (already sent today), 1 failed")


def test_a_run_that_sends_nothing_says_who_has_no_address(mailoutbox):
    for name in ("Ann Owner", "Bob Owner"):
        ActionFactory(owner=PersonFactory(name=name, email=""), due_date=days(-2))
    out = StringIO()

    call_command("send_reminders", stdout=out)

    assert out.getvalue().strip() == (
        "0 digests sent, 0 skipped (already sent today): 2 people have something due but no email address: "
        "Ann Owner, Bob Owner"
    )


def _one_of_each_notice(index: int):
    """Someone due each of the three daily notices: a risk accepted due for review, an update round's reminder a week
    before its respond-by date, an action escalated to the owner's line manager and the board's chair."""
    owner = PersonFactory(user=UserFactory(username=f"notice-owner-{index}"))
    RecommendationFactory(
        owner=owner, implementation_status=ImplementationStatus.RISK_ACCEPTED, risk_review_date=days(7)
    )
    UpdateRequestFactory(owner=owner, round__respond_by=days(7))
    board = BodyFactory(kind=BodyKind.IMPLEMENTATION_BOARD)
    MembershipFactory(body=board, role=MembershipRole.CHAIR, person__user=UserFactory(username=f"chair-{index}"))
    owner.reports_to = PersonFactory(user=UserFactory(username=f"line-manager-{index}"))
    owner.save()
    review = ReviewFactory(implementation_board=board)
    rec = RecommendationFactory(source=SourceFactory(review=review, programme=review.programme), review=review)
    ActionFactory(recommendation=rec, owner=owner, due_date=days(-30))


# Each notifier reads what is due, then what it has already told, once; the escalation also reads the chairs.
NOTICE_QUERIES = 7


def test_a_second_run_on_the_same_day_tells_nobody_again(django_assert_num_queries):
    _one_of_each_notice(0)
    _one_of_each_notice(1)
    kinds = (Notification.Kind.RISK_REVIEW, Notification.Kind.UPDATE_REQUEST, Notification.Kind.ESCALATION)

    def told():
        return {kind: Notification.objects.filter(kind=kind).count() for kind in kinds}

    call_command("send_reminders", stdout=StringIO())
    first = told()
    assert first == {
        Notification.Kind.RISK_REVIEW: 2,
        Notification.Kind.UPDATE_REQUEST: 2,
        Notification.Kind.ESCALATION: 4,
    }
    call_command("send_reminders", stdout=StringIO())
    assert told() == first

    with django_assert_num_queries(NOTICE_QUERIES):
        assert remind_risk_reviews(today=TODAY) + remind_update_rounds(today=TODAY) + escalate_overdue(today=TODAY) == 0
    for index in range(2, 12):
        _one_of_each_notice(index)
    call_command("send_reminders", stdout=StringIO())
    with django_assert_num_queries(NOTICE_QUERIES):
        assert remind_risk_reviews(today=TODAY) + remind_update_rounds(today=TODAY) + escalate_overdue(today=TODAY) == 0
