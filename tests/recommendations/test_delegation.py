"""Delegation: an owner names a deputy for a period; the deputy updates the owner's actions and answers the owner's
challenges, each recorded as by the deputy, for the owner; outside the period they can do neither."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from bvgov.models import Notification
from bvgov.roles import ACTION_OWNER
from recommendations import services
from recommendations.choices import ActionStatus
from recommendations.models import Delegation, ProgressUpdate
from tests.bvgov.factories import UserFactory
from tests.programmes.factories import PersonFactory
from tests.recommendations.factories import ActionFactory, CommentFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


@pytest.fixture
def deputy_user(db):
    user = UserFactory(username="deputy", first_name="Rose", last_name="Fitzpatrick", groups=[ACTION_OWNER])
    PersonFactory(user=user, name="Rose Fitzpatrick")
    return user


@pytest.fixture
def deputy_client(client, deputy_user):
    client.force_login(deputy_user)
    return client


@pytest.fixture
def action(owner_user):
    return ActionFactory(owner=owner_user.person, description="Agree single crewing with the BCU commanders")


def name_deputy(owner_user, deputy_user, start=0, end=14):
    return services.delegation_create(
        owner=owner_user.person, deputy=deputy_user.person, starts_on=days(start), ends_on=days(end), actor=owner_user
    )


def test_the_owner_names_a_deputy_who_is_told(owner_client, owner_user, deputy_user):
    url = reverse("recommendations:delegation_create")
    form = owner_client.get(url).context["form"]
    assert list(form.fields["deputy"].queryset) == [deputy_user.person]  # not the owner, and only who can sign in

    backwards = owner_client.post(
        url, {"deputy": deputy_user.person.pk, "starts_on": f"{days(5):%d/%m/%Y}", "ends_on": f"{days(1):%d/%m/%Y}"}
    )
    assert "The last day cannot be before the first." in backwards.content.decode()
    assert not Delegation.objects.exists()

    named = owner_client.post(
        url, {"deputy": deputy_user.person.pk, "starts_on": f"{days(0):%d/%m/%Y}", "ends_on": f"{days(14):%d/%m/%Y}"}
    )

    assert named.status_code == 302
    delegation = Delegation.objects.get()
    assert (delegation.owner, delegation.deputy) == (owner_user.person, deputy_user.person)
    told = Notification.objects.get(recipient=deputy_user)
    assert told.kind == Notification.Kind.DEPUTY and "Steve House's deputy" in told.text
    page = owner_client.get(reverse("recommendations:my_actions")).content.decode()
    assert "Rose Fitzpatrick, from" in page and "End it now" in page


def test_a_deputy_who_cannot_sign_in_or_a_second_deputy_at_once_is_refused(owner_user, deputy_user):
    with pytest.raises(ValidationError, match="cannot sign in"):
        services.delegation_create(
            owner=owner_user.person, deputy=PersonFactory(), starts_on=days(0), ends_on=days(3), actor=owner_user
        )
    name_deputy(owner_user, deputy_user, 0, 14)
    other = UserFactory(groups=[ACTION_OWNER])
    PersonFactory(user=other)
    with pytest.raises(ValidationError, match="already has a deputy then"):
        services.delegation_create(
            owner=owner_user.person, deputy=other.person, starts_on=days(10), ends_on=days(20), actor=owner_user
        )
    with pytest.raises(PermissionDenied):
        services.delegation_create(
            owner=owner_user.person, deputy=other.person, starts_on=days(30), ends_on=days(40), actor=other
        )


def test_the_deputy_updates_the_owners_action_recorded_as_by_the_deputy_for_the_owner(
    action, owner_user, deputy_user, deputy_client
):
    name_deputy(owner_user, deputy_user)
    mine = deputy_client.get(reverse("recommendations:my_actions")).content.decode()
    assert "You are deputy for <strong>Steve House</strong>" in mine
    assert action.description in mine

    services.action_report_progress(
        action=action,
        actor=deputy_user,
        author=deputy_user.person,
        status=ActionStatus.IN_PROGRESS,
        rag_override="",
        reason="Pilots started",
        note="Two boroughs piloting single crewing.",
    )

    update = ProgressUpdate.objects.get()
    assert (update.author, update.on_behalf_of) == (deputy_user.person, owner_user.person)
    assert action.history.first().history_change_reason == "Pilots started (by the deputy, for Steve House)"
    page = deputy_client.get(action.get_absolute_url()).content.decode()
    assert "Rose Fitzpatrick, deputy for Steve House" in page


def test_the_deputy_is_told_of_the_owners_challenges_and_answers_them(action, owner_user, deputy_user, member_user):
    name_deputy(owner_user, deputy_user)

    comment = services.comment_ask(subject=action, actor=member_user, question="When will the Federation agree?")

    told = set(Notification.objects.filter(kind=Notification.Kind.CHALLENGE).values_list("recipient", flat=True))
    assert told == {owner_user.pk, deputy_user.pk}
    services.comment_answer(comment=comment, actor=deputy_user, answer="At its January meeting.")
    comment.refresh_from_db()
    assert (comment.answered_by, comment.answered_for) == (deputy_user, owner_user.person)
    assert comment.history.first().history_change_reason == "Challenge answered by the deputy, for Steve House"


def test_outside_the_period_or_once_ended_the_deputy_can_do_nothing(
    action, owner_user, deputy_user, deputy_client, owner_client
):
    later = name_deputy(owner_user, deputy_user, 3, 10)
    progress_url = reverse("recommendations:action_progress", args=[action.pk])
    assert deputy_client.get(progress_url).status_code == 403  # not yet
    Delegation.objects.filter(pk=later.pk).update(starts_on=days(0))
    assert deputy_client.get(progress_url).status_code == 200

    ended = owner_client.post(reverse("recommendations:delegation_end", args=[later.pk]))

    assert ended.status_code == 302
    assert deputy_client.get(progress_url).status_code == 403
    with pytest.raises(PermissionDenied):
        services.action_report_progress(
            action=action,
            actor=deputy_user,
            author=deputy_user.person,
            status=action.status,
            rag_override="",
            reason="",
            note="Still here",
        )
    comment = CommentFactory(recommendation=None, action=action, addressed_to=owner_user.person)
    with pytest.raises(PermissionDenied):
        answer_as(deputy_client, comment)


def answer_as(client, comment):
    response = client.post(reverse("recommendations:comment_answer", args=[comment.pk]), {"answer": "Done"})
    if response.status_code == 403:
        raise PermissionDenied
    return response


def test_only_the_owner_ends_their_delegation(owner_user, deputy_user, deputy_client):
    delegation = name_deputy(owner_user, deputy_user)

    deputy_client.post(reverse("recommendations:delegation_end", args=[delegation.pk]))

    assert Delegation.objects.get(pk=delegation.pk).ended_at is None
