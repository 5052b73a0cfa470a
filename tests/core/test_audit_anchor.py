"""The audit trail's anchor: signed checkpoints kept outside the database, and a verifier that the attacks of issue
14 cannot get past. Each attack is made as a database superuser would make it (the append-only triggers switched off
for the session on PostgreSQL, dropped on SQLite), after a checkpoint was made as cron makes one."""

import json
import os
from contextlib import contextmanager

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.utils import timezone

from core.audit import (
    GUARD_NAME,
    chain_hash,
    entry_content,
    guarded_tables,
    install_append_only_guards,
    record_history,
    verify_chain,
)
from core.checkpoints import make_checkpoint
from core.models import AuditCheckpoint, AuditEntry, ChainVerification
from core.signing import load_signing_key, public_key_hex, write_signing_key
from recommendations.choices import ActionStatus
from recommendations.models import Action
from recommendations.services import action_update_status
from tests.recommendations.factories import ActionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sealed(manager_user, django_capture_on_commit_callbacks):
    """A register with a few changes through the services, and a checkpoint of its head, as cron makes one."""
    action = ActionFactory(description="Risk assessment framework for single crewing")
    action_update_status(action=action, actor=manager_user, status=ActionStatus.IN_PROGRESS, reason="Drafted")
    other = ActionFactory(description="Single crewing pilot in two boroughs")
    action_update_status(action=other, actor=manager_user, status=ActionStatus.BLOCKED, reason="Waits on C3i")
    seal(django_capture_on_commit_callbacks)
    return action


def seal(capture):
    with capture(execute=True):
        call_command("seal_audit_trail", stdout=open(os.devnull, "w"))  # noqa: SIM115


@contextmanager
def as_superuser():
    """Writes with the append-only guards out of the way, as the tables' owner or a superuser could."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET LOCAL session_replication_role = replica")
            try:
                yield cursor
            finally:
                cursor.execute("SET LOCAL session_replication_role = origin")
            return
        for table in guarded_tables():
            for operation in ("update", "delete"):
                cursor.execute(
                    f"DROP TRIGGER IF EXISTS {connection.ops.quote_name(f'{GUARD_NAME}_{operation}_{table}')}"
                )
        yield cursor
        # and puts them back, so that no guard is seen missing afterwards
        install_append_only_guards(_Executor(cursor), guarded_tables())


class _Executor:
    """Enough of a schema editor for install_append_only_guards, inside the test's transaction."""

    connection = connection

    def __init__(self, cursor):
        self.cursor = cursor

    def execute(self, sql, params=()):
        self.cursor.execute(sql, params or ())


def broken_link(*args) -> str:
    with pytest.raises(CommandError) as failure:
        call_command("verify_audit_trail", *args, stdout=open(os.devnull, "w"))  # noqa: SIM115
    return str(failure.value)


def lines(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


# Making checkpoints


def test_sealing_signs_the_head_into_the_database_and_the_file(sealed, checkpoint_file, settings):
    head = AuditEntry.objects.order_by("-sequence").first()
    checkpoint = AuditCheckpoint.objects.get()

    assert (checkpoint.sequence, checkpoint.head_hash) == (head.sequence, head.entry_hash)
    assert checkpoint.public_key == public_key_hex(load_signing_key(settings.AUDIT_SIGNING_KEY_FILE))
    [line] = lines(checkpoint_file)
    assert line == {
        "sequence": head.sequence,
        "head_hash": head.entry_hash,
        "made_at": line["made_at"],
        "public_key": checkpoint.public_key,
        "signature": checkpoint.signature,
    }
    assert len(checkpoint.signature) == 128


def test_sealing_again_without_writes_makes_no_checkpoint(sealed, checkpoint_file, django_capture_on_commit_callbacks):
    seal(django_capture_on_commit_callbacks)

    assert AuditCheckpoint.objects.count() == 1
    assert len(lines(checkpoint_file)) == 1


def test_a_checkpoint_rolled_back_is_not_left_in_the_file(manager_user, checkpoint_file):
    ActionFactory()

    with pytest.raises(RuntimeError), transaction.atomic():
        make_checkpoint()
        raise RuntimeError("the caller's transaction fails")

    assert not checkpoint_file.exists()
    assert not AuditCheckpoint.objects.exists()


def test_sealing_without_a_key_is_refused_and_writes_nothing(manager_user, settings, checkpoint_file):
    ActionFactory()
    settings.AUDIT_SIGNING_KEY_FILE = str(checkpoint_file.parent / "no-such-key.pem")

    with pytest.raises(CommandError, match="cannot be read"):
        call_command("seal_audit_trail")

    assert not AuditCheckpoint.objects.exists()


def test_keygen_writes_a_private_key_only_its_owner_reads_and_prints_the_public_key(tmp_path, capsys):
    path = tmp_path / "keys" / "signing.pem"

    call_command("audit_keygen", str(path))

    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert f"Public key: {public_key_hex(load_signing_key(path))}" in capsys.readouterr().out
    with pytest.raises(CommandError, match="already exists"):
        call_command("audit_keygen", str(path))


# The verifier, whole


def test_the_verifier_passes_an_untouched_register_and_records_the_checkpoint_it_reached(sealed, capsys):
    call_command("verify_audit_trail")

    assert "chain intact; 1 signed checkpoint matched;" in capsys.readouterr().out
    verification = ChainVerification.objects.get()
    assert verification.checkpoint == AuditCheckpoint.objects.get()
    assert verification.entries == AuditEntry.objects.count()


def test_a_checkpoint_signed_by_another_key_is_refused(sealed, settings, tmp_path):
    settings.AUDIT_SIGNING_KEY_FILE = str(tmp_path / "another.pem")
    write_signing_key(settings.AUDIT_SIGNING_KEY_FILE)

    message = broken_link()

    assert "is not validly signed by the key" in message
    assert "forged or altered" in message


def test_an_altered_line_of_the_checkpoint_file_is_refused(sealed, checkpoint_file):
    [line] = lines(checkpoint_file)
    checkpoint_file.write_text(json.dumps(line | {"sequence": line["sequence"] - 1}) + "\n")

    assert f"(line 1 of {checkpoint_file}) is not validly signed" in broken_link()


def test_the_checkpoint_file_gone_while_the_database_has_checkpoints_is_refused(sealed, checkpoint_file):
    checkpoint_file.unlink()

    assert f"The checkpoint file {checkpoint_file} is missing." in broken_link()


# The attacks of issue 14


def test_attack_a_a_history_row_edited_and_every_later_hash_recomputed_is_caught_by_the_checkpoint(sealed):
    status_change = sealed.history.get(history_type="~")
    first = AuditEntry.objects.get(history_id=status_change.history_id, content_type__model="action")
    with as_superuser() as cursor:
        cursor.execute(
            "UPDATE recommendations_historicalaction SET status = %s WHERE history_id = %s",
            [ActionStatus.COMPLETE, status_change.history_id],
        )
        previous = first.previous_hash
        for entry in AuditEntry.objects.filter(sequence__gte=first.sequence).order_by("sequence"):
            record = apps.get_model(entry.content_type.app_label, f"historical{entry.content_type.model}")
            row = record._base_manager.get(history_id=entry.history_id)
            entry.previous_hash = previous
            previous = chain_hash(previous, entry_content(entry, row))
            cursor.execute(
                f"UPDATE {AuditEntry._meta.db_table} SET previous_hash = %s, entry_hash = %s WHERE id = %s",
                [entry.previous_hash, previous, entry.pk],
            )
    head = AuditEntry.objects.order_by("-sequence").first()

    message = broken_link()

    assert message.startswith(f"Entry {head.sequence} (")
    assert "its hash is not the one signed by the checkpoint of entry" in message
    assert "the trail up to it was rewritten" in message


def test_attack_b_a_forged_correctly_sealed_change_in_another_users_name_is_caught(sealed, member_user):
    """Appended after the newest checkpoint, so no checkpoint covers it: the register's row still says what the real
    history says, and the forged history row disagrees with it."""
    forged = sealed.history.order_by("-history_id").first()
    forged.history_id = None
    forged.status = ActionStatus.COMPLETE
    forged.history_type = "~"
    forged.history_user = member_user
    forged.history_change_reason = "Completed, as the lead member confirmed"
    forged.history_date = timezone.now()
    with transaction.atomic():
        forged.save()
        record_history(history_instance=forged, instance=sealed)

    message = broken_link()

    assert message.startswith(f"Action #{sealed.pk}: status is “in_progress” in the register but “complete”")
    assert "a history row was forged after it" in message


def test_attack_c_the_newest_entries_deleted_with_their_history_rows_is_caught_by_the_checkpoint(sealed):
    newest = list(AuditEntry.objects.order_by("-sequence")[:2])
    with as_superuser() as cursor:
        for entry in newest:
            table = apps.get_model(entry.content_type.app_label, f"historical{entry.content_type.model}")
            cursor.execute(f"DELETE FROM {table._meta.db_table} WHERE history_id = %s", [entry.history_id])
            cursor.execute(f"DELETE FROM {AuditEntry._meta.db_table} WHERE id = %s", [entry.pk])

    message = broken_link()

    assert message.startswith(f"The checkpoint of entry {newest[0].sequence} ")
    assert f"but the chain ends at entry {newest[1].sequence - 1} — entries after it were deleted" in message


def test_attack_c_with_the_databases_checkpoints_deleted_too_is_caught_by_the_checkpoint_file(sealed, checkpoint_file):
    newest = list(AuditEntry.objects.order_by("-sequence")[:2])
    with as_superuser() as cursor:
        for entry in newest:
            table = apps.get_model(entry.content_type.app_label, f"historical{entry.content_type.model}")
            cursor.execute(f"DELETE FROM {table._meta.db_table} WHERE history_id = %s", [entry.history_id])
            cursor.execute(f"DELETE FROM {AuditEntry._meta.db_table} WHERE id = %s", [entry.pk])
        cursor.execute(f"DELETE FROM {AuditCheckpoint._meta.db_table}")

    message = broken_link()

    assert message.startswith(f"The checkpoint of entry {newest[0].sequence} made ")
    assert f"(line 1 of {checkpoint_file}) names entry {newest[0].sequence}, but the chain ends" in message


def _empty_the_trail(cursor):
    tables = [table for table in guarded_tables() if table != AuditEntry._meta.db_table]
    for table in [*tables, AuditEntry._meta.db_table]:
        cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")


def test_attack_d_every_history_table_and_the_trail_emptied_is_not_an_intact_chain_of_0_entries(sealed):
    with as_superuser() as cursor:
        _empty_the_trail(cursor)
    assert not AuditEntry.objects.exists()

    message = broken_link()

    assert "names entry" in message
    assert "the chain has no entries — entries after it were deleted, or the whole trail was emptied" in message


def test_attack_d_without_any_checkpoint_left_the_live_rows_without_history_give_it_away(sealed, checkpoint_file):
    with as_superuser() as cursor:
        _empty_the_trail(cursor)
    checkpoint_file.unlink()

    message = broken_link()

    assert "the row has no history — it was written around the audit trail" in message


def test_a_live_row_updated_in_sql_is_caught(sealed):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE recommendations_action SET status = %s WHERE id = %s", ["complete", sealed.pk])

    message = broken_link()

    assert message.startswith(f"Action #{sealed.pk}: status is “complete” in the register but “in_progress” in its")
    assert "changed behind the application's back" in message


def test_a_live_row_deleted_in_sql_is_caught(sealed):
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE") if connection.vendor == "postgresql" else None
        cursor.execute("DELETE FROM recommendations_action WHERE id = %s", [sealed.pk])

    message = broken_link()

    assert message.startswith(f"Action #{sealed.pk}: the row is gone, but its history")
    assert "records no deletion" in message


def test_an_inspectors_own_copy_of_the_checkpoints_catches_what_the_servers_copies_no_longer_show(
    sealed, checkpoint_file, tmp_path
):
    """The attacker rewrote the server's file and the database; the inspector kept the file and the public key."""
    inspectors_copy = tmp_path / "inspector.jsonl"
    inspectors_copy.write_text(checkpoint_file.read_text())
    public_key = AuditCheckpoint.objects.get().public_key
    newest = AuditEntry.objects.order_by("-sequence").first()
    with as_superuser() as cursor:
        table = apps.get_model(newest.content_type.app_label, f"historical{newest.content_type.model}")
        cursor.execute(f"DELETE FROM {table._meta.db_table} WHERE history_id = %s", [newest.history_id])
        cursor.execute(f"DELETE FROM {AuditEntry._meta.db_table} WHERE id = %s", [newest.pk])
        cursor.execute(f"DELETE FROM {AuditCheckpoint._meta.db_table}")
    checkpoint_file.unlink()
    # The history is short by one row now: the live row disagrees too, so make it agree, as a careful attacker would.
    previous = Action.history.filter(id=newest.object_id).order_by("-history_id").first()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE recommendations_action SET status = %s WHERE id = %s", [previous.status, previous.id])
    assert verify_chain().intact

    message = broken_link("--checkpoints", str(inspectors_copy), "--public-key", public_key)

    assert f"(line 1 of {inspectors_copy}) names entry {newest.sequence}, but the chain ends" in message


def test_an_inspectors_pinned_public_key_refuses_checkpoints_signed_by_a_replaced_key(sealed, tmp_path):
    pinned = public_key_hex(write_signing_key(tmp_path / "the-inspectors-record.pem"))

    assert "is not validly signed by the key" in broken_link("--public-key", pinned)


# The integrity page


@pytest.mark.parametrize("role", ["member_client", "owner_client"])
def test_only_the_inspector_the_manager_and_the_admin_may_open_the_integrity_page(request, role, sealed):
    assert request.getfixturevalue(role).get("/audit/integrity/").status_code == 403


@pytest.mark.parametrize("role", ["inspector_client", "manager_client", "admin_client"])
def test_the_integrity_page_shows_the_newest_checkpoint_and_the_public_key(request, role, sealed, checkpoint_file):
    response = request.getfixturevalue(role).get("/audit/integrity/")

    assert response.status_code == 200
    content = response.content.decode()
    checkpoint = AuditCheckpoint.objects.get()
    assert checkpoint.head_hash in content
    assert f"<code data-public-key>{checkpoint.public_key}</code>" in content
    assert checkpoint_file.read_text().strip().replace('"', "&quot;") in content
    assert "verify_audit_trail --checkpoints" in content


def test_the_page_verifies_only_what_was_written_since_the_last_full_verification(
    sealed, inspector_client, manager_user
):
    call_command("verify_audit_trail", stdout=open(os.devnull, "w"))  # noqa: SIM115
    reached = AuditCheckpoint.objects.get().sequence
    action_update_status(action=sealed, actor=manager_user, status=ActionStatus.BLOCKED, reason="Waits on C3i")

    content = inspector_client.get("/audit/integrity/").content.decode()

    written_since = AuditEntry.objects.filter(sequence__gt=reached).count()
    assert written_since > 0
    assert "Chain intact" in content
    assert f"{written_since} entries verified since entry {reached}" in content


def test_the_page_finds_a_rewrite_before_the_verified_checkpoint(sealed, inspector_client):
    call_command("verify_audit_trail", stdout=open(os.devnull, "w"))  # noqa: SIM115
    head = AuditEntry.objects.get(sequence=AuditCheckpoint.objects.get().sequence)
    with as_superuser() as cursor:
        cursor.execute(f"UPDATE {AuditEntry._meta.db_table} SET entry_hash = %s WHERE id = %s", ["f" * 64, head.pk])

    content = inspector_client.get("/audit/integrity/").content.decode()

    assert "The audit trail has been altered" in content
    assert f"Entry {head.sequence} is not the one signed by the checkpoint of entry {head.sequence}" in content


def test_the_page_finds_a_history_row_changed_since_the_last_full_verification(sealed, inspector_client, manager_user):
    call_command("verify_audit_trail", stdout=open(os.devnull, "w"))  # noqa: SIM115
    action_update_status(action=sealed, actor=manager_user, status=ActionStatus.BLOCKED, reason="Waits on C3i")
    newest = sealed.history.order_by("-history_id").first()
    with as_superuser() as cursor:
        cursor.execute(
            "UPDATE recommendations_historicalaction SET history_change_reason = %s WHERE history_id = %s",
            ["Nothing to see", newest.history_id],
        )

    content = inspector_client.get("/audit/integrity/").content.decode()

    assert "The audit trail has been altered" in content
    assert "hash does not match its content" in content


def test_the_page_leaves_a_long_unverified_stretch_to_the_command(sealed, inspector_client, monkeypatch):
    monkeypatch.setattr("bvgov.audit_integrity.RECENT_LIMIT", 3)

    content = inspector_client.get("/audit/integrity/").content.decode()

    assert "Chain intact" not in content
    assert f"{AuditEntry.objects.count()} entries were written since the trail was last verified in full" in content
    assert "Run <code>manage.py verify_audit_trail</code>" in content
