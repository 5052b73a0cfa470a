"""The audit trail as evidence: a hash chain over every entry and its history row, and tables that refuse changes."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from simple_history.utils import bulk_create_with_history

from bvgov.roles import SYNC_REASON
from core.audit import GENESIS_HASH, GUARD_NAME, guarded_tables, record_bulk_history, verify_chain
from core.history import save_with_history
from core.models import AuditEntry
from recommendations import imports
from recommendations.choices import ActionStatus
from recommendations.models import Recommendation
from recommendations.services import action_update_status
from tests.core.test_history import register_models, unsaved
from tests.recommendations.factories import ActionFactory, RecommendationFactory, SourceFactory
from tests.reviews.factories import ReviewFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def register(manager_user):
    """A few changes through the services, as the register records them every day."""
    action = ActionFactory(description="Risk assessment framework for single crewing")
    action_update_status(action=action, actor=manager_user, status=ActionStatus.IN_PROGRESS, reason="Drafted")
    review = ReviewFactory(title="Managing Demand")
    review.budget = Decimal("99000.5")
    # A summer date in London and an unquantised amount: the hash must not depend on how a value was written.
    london_summer = datetime.datetime(2004, 7, 31, 12, tzinfo=ZoneInfo("Europe/London"))
    save_with_history(review, actor=manager_user, reason="Budget revised", when=london_summer)
    return action


def _unguarded(table: str):
    """Take a table's append-only guard away for the rest of the test (the test's transaction restores it)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # ALTER TABLE refuses while the test's own deferred foreign-key checks are pending: run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {connection.ops.quote_name(table)} DISABLE TRIGGER {GUARD_NAME}")
        else:
            for operation in ("update", "delete"):
                cursor.execute(f"DROP TRIGGER {connection.ops.quote_name(f'{GUARD_NAME}_{operation}_{table}')}")


def _raw(sql: str, params: list):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _broken_link() -> str:
    with pytest.raises(CommandError) as failure:
        call_command("verify_audit_trail")
    return str(failure.value)


def test_every_write_is_sealed_onto_a_gap_free_chain(register):
    entries = list(AuditEntry.objects.order_by("sequence"))

    assert len(entries) > 5
    assert [entry.sequence for entry in entries] == list(range(1, len(entries) + 1))
    assert entries[0].previous_hash == GENESIS_HASH
    for before, after in zip(entries, entries[1:], strict=False):
        assert after.previous_hash == before.entry_hash
    assert len({entry.entry_hash for entry in entries}) == len(entries)
    assert all(len(entry.entry_hash) == 64 for entry in entries)


def test_verify_passes_on_a_fresh_register(register, capsys, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seal_audit_trail")
    capsys.readouterr()

    call_command("verify_audit_trail")

    count = AuditEntry.objects.count()
    tracked = [model for model in apps.get_models() if hasattr(model._meta, "simple_history_manager_attribute")]
    live = sum(model._base_manager.count() for model in tracked)
    assert capsys.readouterr().out.strip() == (
        f"Audit trail verified: {count} entries, chain intact; 1 signed checkpoint matched; {live} live rows checked "
        "against the latest history."
    )


def test_every_register_models_history_seals_and_verifies(manager_user):
    """Each kind of column (dates, amounts, JSON, addresses) hashes the same written as read back."""
    for model in register_models():
        instance = unsaved(model)
        save_with_history(instance, actor=manager_user, reason=f"Recorded a {model._meta.verbose_name}")
        save_with_history(instance, actor=manager_user, reason="Saved again")

    report = verify_chain()

    assert report.intact, str(report)
    assert report.entries == AuditEntry.objects.count() >= 2 * len(register_models())


def test_verify_passes_on_a_freshly_migrated_register():
    """A new database's trail holds only what the role sync did after migrate, under its own reason."""
    report = verify_chain()

    assert report.intact
    # The role sync's own changes are the only entries, and the roles the only live rows with history.
    roles = Group.objects.count()
    assert str(report) == (
        f"Audit trail verified: {AuditEntry.objects.count()} entries, chain intact; no signed checkpoint yet "
        f"(manage.py seal_audit_trail makes one); {roles} live row{'' if roles == 1 else 's'} checked against the "
        "latest history."
    )
    assert set(AuditEntry.objects.values_list("reason", flat=True)) == {SYNC_REASON}


def test_a_history_row_edited_behind_the_apps_back_is_named_as_the_first_broken_link(register):
    status_change = register.history.get(history_type="~")
    entry = AuditEntry.objects.get(history_id=status_change.history_id, content_type__model="action")
    _unguarded("recommendations_historicalaction")

    _raw("UPDATE recommendations_historicalaction SET status = %s WHERE history_id = %s", ["done", entry.history_id])

    message = _broken_link()
    assert message.startswith(f"Entry {entry.sequence} (action #{register.pk}, history {entry.history_id}, ")
    assert "hash does not match its content" in message


def test_a_history_rows_reason_edited_is_caught_too(register):
    review_entry = AuditEntry.objects.get(reason="Budget revised")
    _unguarded("reviews_historicalreview")

    _raw(
        "UPDATE reviews_historicalreview SET history_change_reason = %s WHERE history_id = %s",
        ["Nothing to see", review_entry.history_id],
    )

    assert _broken_link().startswith(f"Entry {review_entry.sequence} (review #")


def test_an_entry_whose_reason_was_changed_is_named(register):
    entry = AuditEntry.objects.get(reason="Drafted")
    _unguarded(AuditEntry._meta.db_table)

    _raw(f"UPDATE {AuditEntry._meta.db_table} SET reason = %s WHERE id = %s", ["Approved by the board", entry.pk])

    message = _broken_link()
    assert message.startswith(f"Entry {entry.sequence} (action #{register.pk}, history {entry.history_id}, ")
    assert "the history row or the entry was changed after it was written" in message


def test_a_deleted_entry_breaks_the_chain_at_the_entry_after_it(register):
    entry = AuditEntry.objects.get(reason="Drafted")
    _unguarded(AuditEntry._meta.db_table)

    _raw(f"DELETE FROM {AuditEntry._meta.db_table} WHERE id = %s", [entry.pk])

    message = _broken_link()
    assert message.startswith(f"Entry {entry.sequence + 1} (")
    assert f"entry {entry.sequence} before it is missing — it was deleted" in message


def test_cutting_off_the_newest_entries_is_caught_by_counting_history_rows(register):
    newest = AuditEntry.objects.order_by("-sequence")[:2]
    _unguarded(AuditEntry._meta.db_table)
    _raw(f"DELETE FROM {AuditEntry._meta.db_table} WHERE id IN (%s, %s)", [entry.pk for entry in newest])

    message = _broken_link()

    assert message.startswith(f"The {AuditEntry.objects.count()} entries of the chain are intact, but ")
    assert "no audit entry — the newest entries were deleted" in message


def test_an_entry_rewritten_with_a_fresh_hash_no_longer_follows_its_predecessor(register):
    """Whoever recomputes one entry's hash must recompute every later one too: the next link gives it away."""
    entry = AuditEntry.objects.get(reason="Drafted")
    _unguarded(AuditEntry._meta.db_table)
    _raw(f"UPDATE {AuditEntry._meta.db_table} SET entry_hash = %s WHERE id = %s", ["f" * 64, entry.pk])

    assert _broken_link().startswith(f"Entry {entry.sequence} (")


@pytest.mark.parametrize("table", ["history", "audit"])
def test_the_database_refuses_to_update_or_delete_history_and_audit_rows(register, table):
    model = type(register).history.model if table == "history" else AuditEntry
    row = model.objects.order_by("pk").first()

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        model.objects.filter(pk=row.pk).update(history_date=datetime.datetime(2003, 1, 1, tzinfo=datetime.UTC))
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        model.objects.filter(pk=row.pk).delete()

    assert model.objects.filter(pk=row.pk, history_date=row.history_date).exists()
    call_command("verify_audit_trail")


def test_every_history_table_and_the_audit_table_are_guarded():
    report = verify_chain()

    assert report.unguarded == ()
    assert "recommendations_historicalrecommendation" in guarded_tables()
    assert AuditEntry._meta.db_table in guarded_tables()


def test_a_table_whose_guard_is_gone_fails_verification(register):
    _unguarded("reviews_historicalreview")

    message = _broken_link()

    assert "chain intact, but these tables accept changes: reviews_historicalreview" in message


def test_bulk_written_history_is_sealed_onto_the_chain(manager_user):
    source = SourceFactory()
    RecommendationFactory(source=source, review=source.review)
    objects = [
        Recommendation(source=source, review=source.review, number=f"B{index}", text="Bulk") for index in range(3)
    ]

    created = bulk_create_with_history(objects, Recommendation, default_user=manager_user, default_change_reason="x")
    record_bulk_history(Recommendation.history.filter(id__in=[r.pk for r in created]), created)

    entries = list(AuditEntry.objects.order_by("sequence"))
    assert [entry.sequence for entry in entries] == list(range(1, len(entries) + 1))
    assert [entry.reason for entry in entries[-3:]] == ["x", "x", "x"]
    assert verify_chain().intact


def test_the_import_seals_its_entries_onto_the_chain(manager_user):
    source = SourceFactory()
    table = imports.read_table("recs.csv", b"number,text,owner,target date\n1,First,,\n2,Second,,\n")

    imports.import_recommendations(source=source, table=table, actor=manager_user, filename="recs.csv")

    imported = AuditEntry.objects.filter(content_type__model="recommendation").order_by("sequence")
    assert imported.count() == 2
    assert imported.last().sequence == AuditEntry.objects.count()
    assert verify_chain().intact


def test_the_inspector_page_shows_the_chain_intact(inspector_client, register):
    response = inspector_client.get("/audit/integrity/")

    assert response.status_code == 200
    content = response.content.decode()
    assert "Chain intact" in content
    assert f"{AuditEntry.objects.count()} entries verified" in content


def test_the_inspector_page_names_the_first_broken_link(inspector_client, register):
    entry = AuditEntry.objects.get(reason="Drafted")
    _unguarded(AuditEntry._meta.db_table)
    _raw(f"UPDATE {AuditEntry._meta.db_table} SET reason = %s WHERE id = %s", ["Approved", entry.pk])

    response = inspector_client.get("/audit/integrity/")

    content = response.content.decode()
    assert "Chain intact" not in content
    assert "The audit trail has been altered" in content
    assert f"Entry {entry.sequence} (action #{register.pk}" in content


def test_the_inspector_page_needs_a_sign_in(client):
    response = client.get("/audit/integrity/")

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_admin_lists_entries_but_cannot_add_change_or_delete_them(admin_client, register):
    entry = AuditEntry.objects.first()

    assert admin_client.get("/admin/core/auditentry/").status_code == 200
    assert admin_client.get(f"/admin/core/auditentry/{entry.pk}/change/").status_code == 200
    assert admin_client.get("/admin/core/auditentry/add/").status_code == 403
    assert admin_client.get(f"/admin/core/auditentry/{entry.pk}/delete/").status_code == 403
    response = admin_client.post(f"/admin/core/auditentry/{entry.pk}/change/", {"reason": "Changed"})
    assert response.status_code == 403
