"""The personal calendar feed: made once, shown once, stored hashed, readable without signing in, revocable."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from icalendar import Calendar

from bvgov.calendar import hash_token
from bvgov.models import CalendarFeed
from core.history import save_with_history
from recommendations.choices import ActionStatus, DecisionStatus, ImplementationStatus
from tests.programmes.factories import PersonFactory
from tests.recommendations.factories import ActionFactory, RecommendationFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
FEED_URL = re.compile(r'value="(http://testserver/calendar/([A-Za-z0-9_-]+)\.ics)"')


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def make_feed(client) -> tuple[str, str]:
    response = client.post("/calendar/")
    assert response.status_code == 200
    url, token = FEED_URL.search(response.content.decode()).groups()
    return url, token


def events(body: bytes) -> dict[str, dict]:
    calendar = Calendar.from_ical(body)
    return {
        str(event["SUMMARY"]): {
            "start": event.decoded("DTSTART"),
            "end": event.decoded("DTEND"),
            "uid": str(event["UID"]),
            "url": str(event["URL"]),
            "description": str(event["DESCRIPTION"]),
        }
        for event in calendar.walk("VEVENT")
    }


@pytest.fixture
def owned(owner_user):
    """The owner's open and closed actions, an outstanding and an implemented recommendation, and someone else's."""
    person = owner_user.person
    rec = RecommendationFactory(number="7", text="Publish a demand management strategy.", owner=None)
    return {
        "open": ActionFactory(recommendation=rec, owner=person, due_date=days(20), description="Draft the strategy"),
        "late": ActionFactory(
            recommendation=rec,
            owner=person,
            due_date=days(-3),
            status=ActionStatus.IN_PROGRESS,
            description="Consult the boroughs",
        ),
        "undated": ActionFactory(recommendation=rec, owner=person, due_date=None, description="No date yet"),
        "done": ActionFactory(
            recommendation=rec,
            owner=person,
            due_date=days(-30),
            status=ActionStatus.COMPLETE,
            completed_on=days(-31),
            description="Already done",
        ),
        "recommendation": RecommendationFactory(
            number="3",
            text="Attach funding to every recommendation.",
            owner=person,
            original_target_date=days(40),
            revised_target_date=days(70),
        ),
        "implemented": RecommendationFactory(
            owner=person,
            text="Implemented one",
            implementation_status=ImplementationStatus.IMPLEMENTED,
            implemented_on=days(-5),
        ),
        "proposed": RecommendationFactory(owner=person, text="Still proposed", decision_status=DecisionStatus.PROPOSED),
        "theirs": ActionFactory(owner=PersonFactory(), due_date=days(5), description="Someone else's action"),
    }


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get("/calendar/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_page_offers_a_feed_to_someone_without_one(owner_client):
    response = owner_client.get("/calendar/")

    assert response.status_code == 200
    content = response.content.decode()
    assert "You do not have a calendar feed." in content
    assert "Make a calendar address" in content


def test_making_a_feed_shows_its_address_once_with_a_warning(owner_client):
    response = owner_client.post("/calendar/")

    content = response.content.decode()
    url, token = FEED_URL.search(content).groups()
    assert len(token) == 43
    assert "shown only once" in content
    assert "Keep it secret" in content
    assert "no-store" in response["Cache-Control"]
    later = owner_client.get("/calendar/").content.decode()
    assert token not in later
    assert "Active" in later
    assert "Revoke this calendar address" in later


def test_the_feed_has_one_event_per_open_dated_action_and_outstanding_recommendation(client, owner_client, owned):
    url, token = make_feed(owner_client)

    response = client.get(f"/calendar/{token}.ics")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    found = events(response.content)
    assert set(found) == {
        "Due: Draft the strategy",
        "Due: Consult the boroughs",
        "Target date: Recommendation 3 — Attach funding to every recommendation.",
    }
    draft = found["Due: Draft the strategy"]
    assert draft["start"] == days(20)
    assert draft["end"] == days(21)
    assert draft["uid"] == f"action-{owned['open'].pk}@bvgov"
    assert draft["url"] == f"http://testserver/actions/{owned['open'].pk}/"
    assert "Recommendation 7 of " in draft["description"]
    assert "Review: " in draft["description"]
    assert found["Due: Consult the boroughs"]["start"] == days(-3)
    target = found["Target date: Recommendation 3 — Attach funding to every recommendation."]
    # The revised target date is the one that counts.
    assert target["start"] == days(70)
    assert target["uid"] == f"recommendation-{owned['recommendation'].pk}@bvgov"
    assert target["url"] == f"http://testserver/recommendations/{owned['recommendation'].pk}/"
    assert "Someone else's action" not in response.content.decode()


def test_event_uids_are_stable_between_fetches(client, owner_client, owned):
    _, token = make_feed(owner_client)

    first = {event["uid"] for event in events(client.get(f"/calendar/{token}.ics").content).values()}
    second = {event["uid"] for event in events(client.get(f"/calendar/{token}.ics").content).values()}

    assert first == second
    assert len(first) == 3


def test_another_users_feed_shows_only_their_own_dates(client, owner_client, member_client, member_user, owned):
    PersonFactory(user=member_user, name="Toby Harris")
    _, member_token = make_feed(member_client)

    response = client.get(f"/calendar/{member_token}.ics")

    assert response.status_code == 200
    assert events(response.content) == {}


def test_a_wrong_token_is_not_found(client, owner_client, owned):
    make_feed(owner_client)

    assert client.get("/calendar/" + "x" * 43 + ".ics").status_code == 404
    assert client.get("/calendar/short.ics").status_code == 404


def test_a_revoked_feed_is_not_found(client, owner_client, owned):
    _, token = make_feed(owner_client)
    assert client.get(f"/calendar/{token}.ics").status_code == 200

    response = owner_client.post("/calendar/revoke/", follow=True)

    assert "Its address no longer works" in response.content.decode()
    assert "You do not have a calendar feed." in response.content.decode()
    assert client.get(f"/calendar/{token}.ics").status_code == 404
    feed = CalendarFeed.objects.get()
    assert feed.revoked_at is not None
    assert list(feed.history.values_list("history_change_reason", flat=True)) == [
        "Calendar feed revoked",
        "Calendar feed created",
    ]


def test_a_new_address_replaces_the_old_one(client, owner_client, owned):
    _, old = make_feed(owner_client)
    _, new = make_feed(owner_client)

    assert old != new
    assert client.get(f"/calendar/{old}.ics").status_code == 404
    assert client.get(f"/calendar/{new}.ics").status_code == 200
    # The old feed is kept, revoked, beside the new one: a new address is a new feed.
    assert CalendarFeed.objects.filter(revoked_at__isnull=True).count() == 1
    assert CalendarFeed.objects.filter(revoked_at__isnull=False).count() == 1


def test_only_a_hash_of_the_token_is_stored(owner_client, owned):
    _, token = make_feed(owner_client)

    feed = CalendarFeed.objects.get()
    assert feed.token_hash == hash_token(token)
    assert token not in feed.token_hash
    # Nowhere in the database: not the feed, its history, the audit trail or the session.
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            quoted = connection.ops.quote_name(table)
            columns = [column.name for column in connection.introspection.get_table_description(cursor, table)]
            cursor.execute(f"SELECT * FROM {quoted}")  # noqa: S608 — table names come from the schema itself
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    assert token not in str(value), f"{table}.{column} holds the token"


def test_revoking_without_a_feed_changes_nothing(owner_client):
    response = owner_client.post("/calendar/revoke/")

    assert response.status_code == 302
    assert not CalendarFeed.objects.exists()


def test_the_feed_costs_three_queries_however_many_dates(client, owner_client, owner_user, django_assert_num_queries):
    _, token = make_feed(owner_client)
    person = owner_user.person
    ActionFactory(owner=person, due_date=days(3))
    with django_assert_num_queries(3):
        client.get(f"/calendar/{token}.ics")
    for index in range(15):
        ActionFactory(owner=person, due_date=days(index))
        RecommendationFactory(owner=person, original_target_date=days(index + 30))
    with django_assert_num_queries(3):
        response = client.get(f"/calendar/{token}.ics")
    assert len(Calendar.from_ical(response.content).walk("VEVENT")) == 31


def test_a_feed_dies_with_its_account(client, owner_client, owner_user, owned):
    _, token = make_feed(owner_client)
    assert client.get(f"/calendar/{token}.ics").status_code == 200

    owner_user.is_active = False
    owner_user.save()

    assert client.get(f"/calendar/{token}.ics").status_code == 404


def test_revocation_is_final(client, owner_client, owned):
    """A revoked feed never works again: not by making a new address (a new feed), nor by clearing its revocation."""
    _, token = make_feed(owner_client)
    owner_client.post("/calendar/revoke/")
    _, new = make_feed(owner_client)

    revoked = CalendarFeed.objects.get(token_hash=hash_token(token))
    assert revoked.revoked_at is not None
    assert client.get(f"/calendar/{token}.ics").status_code == 404
    assert client.get(f"/calendar/{new}.ics").status_code == 200

    owner_client.post("/calendar/revoke/")
    revoked.revoked_at = None
    with pytest.raises(ValidationError, match="stays revoked"):
        save_with_history(revoked, actor=None, reason="Bring it back")
    assert client.get(f"/calendar/{token}.ics").status_code == 404
    assert not CalendarFeed.objects.filter(revoked_at__isnull=True).exists()
