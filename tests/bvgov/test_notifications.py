"""A challenge reaches the owner it is put to, and the answer the member who asked: in the header's count, on the
notifications page, on My actions and by email, each written with the change it tells of."""

import datetime
import logging

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from bvgov.models import Notification
from bvgov.notifications import mark_read
from bvgov.reminders import send_reminders
from core.history import save_with_history
from programmes.choices import BodyKind, MembershipRole
from recommendations import services
from recommendations.models import Comment
from reviews.choices import ReviewStage
from reviews.services import review_change_stage
from tests.bvgov.factories import UserFactory
from tests.programmes.factories import BodyFactory, MembershipFactory, PersonFactory
from tests.recommendations.factories import ActionFactory, RecommendationFactory
from tests.reviews.factories import ReviewFactory

pytestmark = pytest.mark.django_db

NOTIFICATIONS = "/notifications/"


def ask(client, subject, question):
    kind = "action" if subject._meta.model_name == "action" else "recommendation"
    url = reverse("recommendations:comment_create", kwargs={f"{kind}_pk": subject.pk})
    return client.post(url, {"question": question})


def badge(client) -> str:
    """The header's notifications link as the person sees it on an ordinary page."""
    html = client.get("/help/").content.decode()
    start = html.index('href="/notifications/"')
    return html[start : html.index("</a>", start)]


def test_a_challenge_reaches_the_owner_and_the_answer_reaches_the_member(
    member_client, member_user, owner_client, owner_user, django_capture_on_commit_callbacks
):
    owner_user.email, member_user.email = "steve.house@example.org", "toby.harris@example.org"
    owner_user.save(), member_user.save()
    action = ActionFactory(owner=owner_user.person, description="Roll out the demand management strategy")
    assert "unread" not in badge(owner_client)

    with django_capture_on_commit_callbacks(execute=True):
        ask(member_client, action, "Why has the pilot slipped again?")

    # The owner: the count in the header, the challenge first on My actions, the notification on its page.
    assert '1<span class="govuk-visually-hidden"> unread</span>' in badge(owner_client)
    my_actions = owner_client.get(reverse("recommendations:my_actions")).content.decode()
    waiting = my_actions.index("Challenges waiting for your answer")
    assert waiting < my_actions.index('<h2 class="govuk-heading-l">Actions</h2>')
    assert "Why has the pilot slipped again?" in my_actions[waiting:]
    page = owner_client.get(NOTIFICATIONS).content.decode()
    assert "Toby Harris asks about the action “Roll out the demand management strategy”" in page
    assert "Why has the pilot slipped again?" in page and "New" in page
    # ... and an email, sent once the challenge committed, linking to the record.
    (email,) = mail.outbox
    assert email.to == ["steve.house@example.org"]
    assert email.subject.startswith("Challenge to answer: Toby Harris asks about")
    assert f"http://127.0.0.1:8000/actions/{action.pk}/#challenges" in email.body
    assert (
        "You are told here because the challenge was put to you as the owner, or to the owner you are deputy for."
        in email.body
    )
    # The member who asked is told nothing yet, and is not told of their own question.
    assert "unread" not in badge(member_client)

    comment = Comment.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(
            reverse("recommendations:comment_answer", args=[comment.pk]),
            {f"comment-{comment.pk}-answer": "The supplier missed its date; the new one is in March."},
        )

    assert '1<span class="govuk-visually-hidden"> unread</span>' in badge(member_client)
    told = member_client.get(NOTIFICATIONS).content.decode()
    assert "Steve House answered your challenge" in told and "the new one is in March" in told
    assert mail.outbox[-1].to == ["toby.harris@example.org"]
    assert "Challenges waiting" not in owner_client.get(reverse("recommendations:my_actions")).content.decode()
    for number in range(12):
        services.comment_ask(subject=action, actor=member_user, question=f"Question {number}?")
    many = owner_client.get(reverse("recommendations:my_actions")).content.decode()
    assert "The oldest 10 of 12: answer them to see the rest." in many
    assert "Question 9?" in many and "Question 10?" not in many


def test_opening_a_notification_marks_it_read_with_its_history_and_goes_to_the_record(
    member_client, owner_client, owner_user
):
    recommendation = RecommendationFactory(owner=owner_user.person)
    ask(member_client, recommendation, "Who funds this?")
    ask(member_client, recommendation, "And by when?")
    first = Notification.objects.filter(recipient=owner_user).earliest("created_at")

    opened = owner_client.post(NOTIFICATIONS, {"open": first.pk})

    assert opened.status_code == 302
    assert opened["Location"] == f"{recommendation.get_absolute_url()}#challenges"
    first.refresh_from_db()
    assert first.read_at is not None
    latest = first.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (owner_user, "Notification read")
    assert '1<span class="govuk-visually-hidden"> unread</span>' in badge(owner_client)

    everything = owner_client.post(NOTIFICATIONS, {"all": "1"}, follow=True)

    assert "1 notification marked as read." in everything.content.decode()
    assert not Notification.objects.filter(recipient=owner_user, read_at__isnull=True).exists()
    assert "unread" not in badge(owner_client)


def test_nobody_opens_or_marks_anothers_notifications(member_client, member_user, owner_client, owner_user):
    ask(member_client, RecommendationFactory(owner=owner_user.person), "Who funds this?")
    theirs = Notification.objects.get(recipient=owner_user)

    for data in ({"open": theirs.pk}, {"open": "nonsense"}, {"open": ""}):
        response = member_client.post(NOTIFICATIONS, data, follow=True)
        assert response.status_code == 200
        assert "That notification is not one of yours, or no longer exists." in response.content.decode()
    member_client.post(NOTIFICATIONS, {"all": "1"})

    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert "Who funds this?" not in member_client.get(NOTIFICATIONS).content.decode()


def test_no_notification_without_the_challenge_and_none_for_an_owner_who_cannot_sign_in(member_user, owner_user):
    action = ActionFactory(owner=owner_user.person)
    with pytest.raises(Exception, match="Write your question"):
        services.comment_ask(subject=action, actor=member_user, question="   ")
    unlinked = ActionFactory()  # its owner is a person with no sign-in
    services.comment_ask(subject=unlinked, actor=member_user, question="Is this on track?")
    owner_user.is_active = False
    owner_user.save()
    services.comment_ask(subject=action, actor=member_user, question="Is this on track?")

    assert Comment.objects.count() == 2
    assert not Notification.objects.exists()


def test_a_mail_server_that_refuses_the_email_changes_nothing_in_the_register(
    settings, member_user, owner_user, django_capture_on_commit_callbacks, caplog
):
    settings.MAILERS = {"default": {"BACKEND": "tests.bvgov.test_notifications.RefusingBackend"}}
    owner_user.email = "steve.house@example.org"
    owner_user.save()
    action = ActionFactory(owner=owner_user.person)

    with (
        caplog.at_level(logging.ERROR, logger="bvgov.notifications"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.comment_ask(subject=action, actor=member_user, question="Is this on track?")

    assert Comment.objects.count() == 1
    assert Notification.objects.get().recipient == owner_user
    assert "was not emailed to steve.house@example.org" in caplog.text


def test_the_count_in_the_header_costs_no_query_of_its_own(member_client, member_user, django_assert_num_queries):
    other = UserFactory()
    for number in range(3):
        Notification.objects.create(recipient=member_user, kind="answer", text=f"Answer {number}", url="/")
    Notification.objects.create(recipient=other, kind="answer", text="Not the member's", url="/")

    # The session, the user (with their person and unread count) and their permissions, as every page.
    with django_assert_num_queries(3):
        html = member_client.get("/help/").content.decode()

    assert '3<span class="govuk-visually-hidden"> unread</span>' in html


class RefusingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server unreachable")


def test_a_person_chooses_a_daily_digest_of_the_unread_ones_instead(
    member_user, owner_client, owner_user, django_capture_on_commit_callbacks
):
    owner_user.email = "steve.house@example.org"
    owner_user.save()
    saved = owner_client.post(NOTIFICATIONS, {"emails": "daily", "save_emails": "1"}, follow=True)
    assert "Saved: a daily digest of the unread ones." in saved.content.decode()
    owner_user.refresh_from_db()
    assert owner_user.history.latest().history_change_reason == "Notification emails: A daily digest of the unread ones"
    refused = owner_client.post(NOTIFICATIONS, {"emails": "hourly", "save_emails": "1"})
    assert refused.status_code == 400 and "Choose how to be emailed." in refused.content.decode()

    action = ActionFactory(owner=owner_user.person, description="Publish the demand strategy")
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_ask(subject=action, actor=member_user, question="Who signs it off?")
        services.comment_ask(subject=action, actor=member_user, question="And when?")
    assert mail.outbox == []  # nothing as it comes

    today = timezone.localdate()
    tomorrow = today + datetime.timedelta(days=1)

    def digests(day):
        with django_capture_on_commit_callbacks(execute=True):
            send_reminders(today=day)
        return [email for email in mail.outbox if email.subject.startswith("Your bvgov notifications")]

    (digest,) = digests(tomorrow)
    assert digest.to == ["steve.house@example.org"] and digest.subject == "Your bvgov notifications: 2 unread"
    assert "Who signs it off?" in digest.body and "And when?" in digest.body
    assert f"http://127.0.0.1:8000/actions/{action.pk}/#challenges" in digest.body
    assert len(digests(tomorrow)) == 1  # once a day

    # The next day's lists only what came since, and not what was read.
    later = timezone.now() + datetime.timedelta(days=1)
    services.comment_ask(subject=action, actor=member_user, question="Has the Federation seen it?")
    services.comment_ask(subject=action, actor=member_user, question="Is it costed?")
    newest = Notification.objects.order_by("-id")[:2]
    Notification.objects.filter(pk__in=[n.pk for n in newest]).update(created_at=later)
    mark_read(notifications=Notification.objects.filter(text__contains="Is it costed?"), actor=owner_user)
    second = digests(tomorrow + datetime.timedelta(days=1))[-1]
    assert second.subject == "Your bvgov notifications: 1 unread"
    assert "Has the Federation seen it?" in second.body and "Who signs it off?" not in second.body


def test_a_review_that_comes_to_wait_for_a_board_is_told_to_that_boards_chair(manager_user):
    def chair(body, username, **dates):
        user = UserFactory(username=username)
        MembershipFactory(body=body, person=PersonFactory(user=user), role=MembershipRole.CHAIR, **dates)
        return user

    management_board = BodyFactory(name="MPS Management Board", kind=BodyKind.MANAGEMENT_BOARD)
    told = chair(management_board, "commissioner")
    chair(management_board, "former", end_date=timezone.localdate() - datetime.timedelta(days=1))
    project_board = BodyFactory(name="Managing Demand Project Board")
    chair(project_board, "project-chair")
    review = ReviewFactory(title="Managing Demand", stage=ReviewStage.IN_REVIEW, project_board=project_board)
    assert not Notification.objects.exists()

    review_change_stage(review=review, actor=manager_user, stage=ReviewStage.REPORTED, reason="Final report in")
    review.refresh_from_db()
    review.title = "Managing Demand (final report)"
    save_with_history(review, actor=manager_user, reason="Title as the report has it")  # the stage has not moved

    (notification,) = Notification.objects.all()
    assert notification.recipient == told
    assert notification.kind == Notification.Kind.DECISION_WAITING
    assert notification.text == (
        "Managing Demand waits for MPS Management Board: management board approval of the final report"
    )
    assert notification.url == review.get_absolute_url()
    assert notification.history.get().history_user == manager_user


def test_the_notifications_page_costs_the_same_for_2_and_50(member_client, member_user, django_assert_num_queries):
    def tell(first, last):
        for number in range(first, last + 1):
            Notification.objects.create(recipient=member_user, kind="answer", text=f"Answer {number}", url="/")

    tell(1, 2)
    with django_assert_num_queries(NOTIFICATIONS_PAGE_QUERIES) as few:
        member_client.get(reverse("notifications"))
    tell(3, 50)
    with django_assert_num_queries(NOTIFICATIONS_PAGE_QUERIES) as many:
        page = member_client.get(reverse("notifications"))
    assert len(few.captured_queries) == len(many.captured_queries)
    assert "Answer 50" in page.content.decode()


# Session, user (with the unread count), permissions, the page of notifications and their count.
NOTIFICATIONS_PAGE_QUERIES = 5
