"""The inspector's audit trail and one record's history: who changed what, when, from what to what, and why."""

import csv
import datetime
import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from bvgov.models import SignInEvent, SignInLogEntry
from bvgov.views import AuditTrailView, ObjectHistoryView
from core.history import save_with_history
from core.models import AuditEntry
from recommendations.choices import ActionStatus
from recommendations.models import Action
from recommendations.services import action_update_status
from tests.bvgov.factories import TEST_PASSWORD, UserFactory
from tests.recommendations.factories import ActionFactory, RecommendationFactory
from tests.reviews.factories import ReviewFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def status_change(manager_user):
    action = ActionFactory(description="Risk assessment framework for single crewing")
    action_update_status(
        action=action,
        actor=manager_user,
        status=ActionStatus.IN_PROGRESS,
        reason="Framework drafted with BCU commanders",
    )
    return action


def test_a_status_change_made_a_moment_ago_shows_who_when_old_new_and_why(inspector_client, status_change):
    response = inspector_client.get("/audit/")

    assert response.status_code == 200
    newest = response.context["page"].object_list[0]
    assert newest.object_id == status_change.pk
    assert newest.user.username == "manager"
    assert {"field": "status", "label": "Status", "old": "Not started", "new": "In progress"} in newest.changes
    assert timezone.now() - newest.history_date < datetime.timedelta(minutes=1)
    content = response.content.decode()
    assert "Framework drafted with BCU commanders" in content
    assert "Not started" in content and "In progress" in content


def test_the_trail_filters_by_kind_object_user_review_and_dates(inspector_client, status_change, manager_user):
    other_review_action = ActionFactory(recommendation=RecommendationFactory(review=ReviewFactory()))
    action_type = ContentType.objects.get_for_model(Action)

    by_user = inspector_client.get("/audit/", {"user": manager_user.pk}).context["page"].object_list
    by_object = inspector_client.get("/audit/", {"content_type": action_type.pk, "object_id": status_change.pk})
    review_id = status_change.recommendation.review_id
    by_review = inspector_client.get("/audit/", {"review": review_id}).context["page"].object_list
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    future = inspector_client.get("/audit/", {"date_from": tomorrow}).context["page"].object_list

    assert {entry.user_id for entry in by_user} == {manager_user.pk}
    assert {e.object_id for e in by_object.context["page"].object_list} == {status_change.pk}
    assert len(by_object.context["page"].object_list) == 2
    assert all(entry.review_id == review_id for entry in by_review)
    assert other_review_action.pk not in {e.object_id for e in by_review if e.content_type_id == action_type.pk}
    assert list(future) == []


def test_a_bad_filter_is_explained_not_a_server_error(inspector_client, status_change):
    response = inspector_client.get("/audit/", {"date_from": "yesterday", "user": "nobody"})

    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()


def test_the_csv_export_has_one_row_per_changed_field_of_the_filtered_trail(inspector_client, status_change):
    action_type = ContentType.objects.get_for_model(Action)

    response = inspector_client.get(
        "/audit/", {"format": "csv", "content_type": action_type.pk, "object_id": status_change.pk}
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:3] == ["When", "Who", "Kind of record"]
    status_rows = [row for row in rows[1:] if row[6] == "Status" and row[5] == "Changed"]
    assert status_rows == [
        [
            status_rows[0][0],
            "manager",
            "action",
            str(status_change.pk),
            status_rows[0][4],
            "Changed",
            "Status",
            "Not started",
            "In progress",
            "Framework drafted with BCU commanders",
        ]
    ]
    assert {row[3] for row in rows[1:]} == {str(status_change.pk)}


def test_one_records_history_is_a_timeline_of_field_changes(inspector_client, status_change):
    response = inspector_client.get(f"/history/recommendations/action/{status_change.pk}/")

    assert response.status_code == 200
    content = response.content.decode()
    assert "Risk assessment framework for single crewing" in content
    assert '<span class="govuk-caption-l">Action: history of changes</span>' in content
    assert "moj-timeline" in content
    entries = response.context["page"].object_list
    assert [entry.get_history_type_display() for entry in entries] == ["Changed", "Created"]


def test_history_of_an_unknown_kind_or_record_is_not_found(inspector_client):
    assert inspector_client.get("/history/recommendations/nothing/1/").status_code == 404
    assert inspector_client.get("/history/recommendations/action/999999/").status_code == 404


def test_every_write_leaves_exactly_one_audit_entry_per_history_row(status_change):
    history_rows = Action.history.filter(id=status_change.pk).count()
    entries = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Action), object_id=status_change.pk
    ).count()

    assert history_rows == entries == 2


def test_the_trail_pages_cost_the_same_queries_for_2_and_50_changes(
    inspector_client, manager_user, django_assert_num_queries
):
    def changes(n):
        for _ in range(n):
            action = ActionFactory()
            action_update_status(action=action, actor=manager_user, status=ActionStatus.BLOCKED, reason="Waits on C3i")

    changes(1)
    inspector_client.get("/audit/")
    with django_assert_num_queries(TRAIL_QUERIES) as small:
        inspector_client.get("/audit/")
    changes(30)
    with django_assert_num_queries(TRAIL_QUERIES) as large:
        response = inspector_client.get("/audit/")
    assert len(response.context["page"].object_list) == AuditTrailView.per_page
    assert len(small.captured_queries) == len(large.captured_queries)
    # Read again, the same rows at the same cost.
    with django_assert_num_queries(TRAIL_QUERIES):
        again = inspector_client.get("/audit/")
    assert _rows(again) == _rows(response)


def _rows(response) -> str:
    html = response.content.decode()
    return html[html.index('<tbody class="govuk-table__body">') : html.index("</tbody>")]


# Session, user, the user's permissions (the trail is for its readers), the page of entries with users and kinds, the
# current programme (whose reviews the filter offers), and the filter form's choices (kinds, users, programmes,
# reviews, boards).
TRAIL_QUERIES = 10


def test_one_records_history_costs_the_same_queries_for_2_and_50_versions(
    inspector_client, manager_user, django_assert_num_queries
):
    action = ActionFactory()
    url = f"/history/recommendations/action/{action.pk}/"

    def versions(n):
        for index in range(n):
            action.description = f"Version {index} of the single crewing framework"
            save_with_history(action, actor=manager_user, reason=f"Redrafted ({index})")

    versions(1)
    inspector_client.get(url)
    with django_assert_num_queries(HISTORY_QUERIES) as small:
        inspector_client.get(url)
    versions(49)
    with django_assert_num_queries(HISTORY_QUERIES) as large:
        response = inspector_client.get(url)
    # A full page of the 51 versions, and a next page.
    assert len(response.context["page"].object_list) == ObjectHistoryView.per_page
    assert response.context["page"].has_next
    assert len(small.captured_queries) == len(large.captured_queries)
    # Read again, the same timeline at the same cost.
    with django_assert_num_queries(HISTORY_QUERIES):
        again = inspector_client.get(url)
    assert _timeline(again) == _timeline(response)


def _timeline(response) -> str:
    html = response.content.decode()
    return html[html.index('<div class="moj-timeline">') : html.index("</main>")]


# Session, user, the user's permissions, the page of entries with their users and kinds, the record.
HISTORY_QUERIES = 5


@pytest.mark.parametrize(
    "params",
    [{"date_to": "9999-12-31"}, {"date_from": "0001-01-01"}, {"reason": "x" * 60000}, {"object_id": "1e309"}],
)
def test_extreme_filters_are_answered_not_a_server_error(inspector_client, status_change, params):
    response = inspector_client.get("/audit/", params)

    assert response.status_code == 200


# Reading by role, and the sign-ins recorded in the trail before the sign-in log


@pytest.fixture
def old_sign_in(db):
    """A failed sign-in as the trail recorded it before the sign-in log: a SignInEvent, its history row and its
    sealed audit entry, with the address, the browser and the username as typed."""
    return SignInEvent.objects.create(
        kind="failed", username="typed-Passw0rd!", ip_address="203.0.113.9", user_agent="OldBrowser/1.0"
    )


def test_members_and_owners_are_not_offered_the_trail(member_client, owner_client, inspector_client):
    def offered(client, path="/"):
        return 'href="/audit/"' in client.get(path).content.decode()

    assert not offered(member_client)
    assert not offered(owner_client)
    assert not offered(member_client, "/audit/decisions/")
    assert offered(inspector_client)
    assert offered(inspector_client, "/audit/decisions/")


def test_old_sign_ins_in_the_trail_are_shown_to_administrators_only(
    inspector_client, manager_client, administrator, old_sign_in, status_change
):
    admin_client = Client()
    admin_client.force_login(administrator)

    for client in (inspector_client, manager_client):
        page, export = client.get("/audit/"), client.get("/audit/", {"format": "csv"})
        assert page.status_code == export.status_code == 200
        text = page.content.decode() + b"".join(export.streaming_content).decode()
        assert "Framework drafted with BCU commanders" in text
        for secret in ("203.0.113.9", "OldBrowser", "typed-Passw0rd!"):
            assert secret not in text
    shown = admin_client.get("/audit/", {"format": "csv"})
    assert "203.0.113.9" in b"".join(shown.streaming_content).decode()


def test_the_trail_still_verifies_with_the_sign_ins_it_recorded_before_the_sign_in_log(old_sign_in, client):
    UserFactory(username="cfoster")
    head = AuditEntry.objects.order_by("-sequence").first()
    assert AuditEntry.objects.filter(content_type__model="signinevent", object_id=old_sign_in.pk).count() == 1
    client.post("/accounts/login/", {"username": "cfoster", "password": "wrong"})
    client.post("/accounts/login/", {"username": "cfoster", "password": TEST_PASSWORD})
    client.post("/accounts/logout/")
    out = io.StringIO()

    call_command("verify_audit_trail", stdout=out)

    assert "chain intact" in out.getvalue()
    assert AuditEntry.objects.order_by("-sequence").first() == head
    assert SignInLogEntry.objects.count() == 3
