"""An owner's progress update as it is written: one version of the action, its audit entries sealed together, the
RAG it reports, and the cost of the request in queries (the same with 2 dependencies and with 50)."""

import datetime
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction
from django.urls import reverse
from django.utils import timezone

from core.audit import sealed_together, verify_chain
from core.history import save_with_history
from core.models import AuditEntry
from recommendations.choices import ActionStatus, Rag
from recommendations.models import Action, ProgressUpdate
from recommendations.services import action_report_progress
from tests.recommendations.factories import ActionFactory, RecommendationFactory

pytestmark = pytest.mark.django_db

# The status update POST, as the owner's browser sends it (a status and RAG change, a note, the version seen):
# session, user (with their person), the action, the user's permissions (their own and their roles' in one query: an
# owner's rights need the role as well as the person), the action's lock (with its recommendation and owner), the
# version check, UPDATE, its history row, simple-history's read of the dependencies and its insert of them, the
# previous version and both versions' dependencies (for the audit entry's changes), the progress update and its
# history row, then the chain's head (on PostgreSQL, with its lock) and one insert of both audit entries.
STATUS_UPDATE_QUERIES = 16


def post_update(client, action, **values):
    prefix = f"action-{action.pk}-"
    data = {prefix + name: value for name, value in values.items()}
    return client.post(reverse("recommendations:action_progress", args=[action.pk]), {**data, "next": "/my-actions/"})


def latest_version(action) -> int:
    return action.history.order_by("-history_id").values_list("history_id", flat=True).first()


def test_a_status_and_rag_change_is_one_new_version_of_the_action_with_both_changes(owner_client, owner_user):
    action = ActionFactory(owner=owner_user.person)
    versions = action.history.count()

    response = post_update(
        owner_client,
        action,
        status="blocked",
        rag_override="amber",
        reason="Waiting on the C3i programme",
        note="Reported to the board.",
        seen_version=latest_version(action),
    )

    assert response.status_code == 302
    assert action.history.count() == versions + 1
    newest = action.history.order_by("-history_id").first()
    assert (newest.status, newest.rag_override, newest.history_change_reason) == (
        "blocked",
        "amber",
        "Waiting on the C3i programme",
    )
    entry = AuditEntry.objects.get(history_id=newest.history_id, content_type__model="action")
    assert {change["field"]: (change["old"], change["new"]) for change in entry.changes} == {
        "status": ("Not started", "Blocked"),
        "rag_override": ("", "Amber"),
        "rag_override_reason": ("", "Waiting on the C3i programme"),
    }
    assert entry.review_id == action.recommendation.review_id
    update = ProgressUpdate.objects.get(action=action)
    update_entry = AuditEntry.objects.get(
        history_id=update.history.get().history_id, content_type__model="progressupdate"
    )
    assert update_entry.sequence == entry.sequence + 1
    assert update_entry.object_repr == f"Update of {update.reported_on:%d %b %Y} by {owner_user.person.name}"
    assert {change["field"]: change["new"] for change in update_entry.changes}["action"] == str(action)
    assert verify_chain().intact


def test_the_rag_reported_counts_the_update_being_made(owner_user):
    today = datetime.date(2026, 12, 1)
    # Due within 30 days and no update for 60 days would be amber; the update being made is that update.
    action = ActionFactory(owner=owner_user.person, due_date=today + datetime.timedelta(days=10))
    assert action.rag(today) == Rag.AMBER

    update = action_report_progress(
        action=action,
        actor=owner_user,
        author=owner_user.person,
        status=ActionStatus.IN_PROGRESS,
        rag_override="",
        reason="Work has started",
        note="The pilot began on Monday.",
        today=today,
    )

    assert update.reported_rag == Rag.GREEN
    assert Action.objects.with_last_update().get(pk=action.pk).rag(today) == Rag.GREEN


def test_a_refused_update_seals_nothing_and_writes_nothing(owner_user):
    action = ActionFactory(owner=owner_user.person)
    entries, versions = AuditEntry.objects.count(), action.history.count()

    with pytest.raises(ValidationError):
        action_report_progress(
            action=action,
            actor=owner_user,
            author=owner_user.person,
            status=ActionStatus.COMPLETE,
            rag_override="red",
            reason="",
            note="Done.",
        )

    assert (AuditEntry.objects.count(), action.history.count()) == (entries, versions)
    assert not ProgressUpdate.objects.exists()


def test_saves_sealed_together_are_the_same_chain_as_saves_sealed_one_by_one(manager_user):
    recommendation = RecommendationFactory()
    with transaction.atomic(), sealed_together():
        first = ActionFactory.build(recommendation=recommendation, owner=None, description="First")
        save_with_history(first, actor=manager_user, reason="Recorded")
        second = ActionFactory.build(recommendation=recommendation, owner=None, description="Second")
        save_with_history(second, actor=manager_user, reason="Recorded")
        assert not AuditEntry.objects.filter(content_type__model="action", object_id__in=[first.pk, second.pk]).exists()

    sealed = list(AuditEntry.objects.filter(content_type__model="action").order_by("sequence"))
    assert [entry.object_repr for entry in sealed[-2:]] == ["First", "Second"]
    assert sealed[-1].previous_hash == sealed[-2].entry_hash
    assert verify_chain().intact


@pytest.mark.django_db(transaction=True)
def test_sealing_together_outside_a_transaction_is_refused(flushable):
    with pytest.raises(transaction.TransactionManagementError), sealed_together():
        pass


def test_a_foreign_key_to_a_missing_row_is_still_refused_with_a_message(manager_user):
    action = ActionFactory.build(recommendation=None, owner=None, description="Orphan")
    action.recommendation_id = 987654

    with pytest.raises(ValidationError) as refused:
        save_with_history(action, actor=manager_user, reason="Recorded")

    assert "recommendation" in refused.value.message_dict
    assert not Action.all_objects.filter(description="Orphan").exists()


@pytest.mark.parametrize("dependencies", [2, 50])
def test_the_status_update_post_costs_the_same_queries_at_2_and_50_dependencies(
    dependencies, owner_client, owner_user, django_assert_num_queries
):
    action = ActionFactory(owner=owner_user.person, due_date=timezone.localdate() + datetime.timedelta(days=90))
    action.depends_on.set(ActionFactory.create_batch(dependencies, recommendation=action.recommendation))
    owner_client.get(reverse("recommendations:my_actions"))  # per-process caches (content types), as on a server
    post_update(owner_client, action, status="in_progress", reason="Started", note="First note.")
    # The test's own transaction adds a savepoint and its release around the service's transaction.
    expected = STATUS_UPDATE_QUERIES + 2
    seen = latest_version(action)

    with django_assert_num_queries(expected):
        response = post_update(
            owner_client,
            action,
            status="blocked",
            rag_override="red",
            reason="Waiting on C3i",
            note="Blocked.",
            seen_version=seen,
        )

    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.status, action.rag_override) == ("blocked", "red")
    assert action.history.order_by("-history_id").first().depends_on.count() == dependencies


WRITERS, UPDATES_EACH = 4, 50


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Needs PostgreSQL: SQLite lets one writer at a time into the whole database, so writers never race for "
    "the chain there (CI runs the suite on PostgreSQL as well).",
)
def test_owners_updating_at_once_extend_one_unbroken_chain(owner_user):
    """Four owners' updates race for the chain's head (bvgov_chain_head: the lock, then a fresh read): every entry
    follows the one before it, with no gap and no fork."""
    actions = ActionFactory.create_batch(WRITERS, owner=owner_user.person)
    entries_before = AuditEntry.objects.count()
    start = threading.Barrier(WRITERS, timeout=30)

    def write(action):
        try:
            start.wait()
            for number in range(UPDATES_EACH):
                status = "in_progress" if number % 2 == 0 else "blocked"
                action_report_progress(
                    action=action,
                    actor=owner_user,
                    author=owner_user.person,
                    status=status,
                    rag_override="",
                    reason=f"Update {number}",
                    note=f"Update {number}",
                )
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        list(pool.map(write, actions))

    # Each update is a new version of the action and a progress update: two entries.
    assert AuditEntry.objects.count() == entries_before + WRITERS * UPDATES_EACH * 2
    sequences = list(AuditEntry.objects.order_by("sequence").values_list("sequence", flat=True))
    assert sequences == list(range(1, len(sequences) + 1))
    assert verify_chain().intact
