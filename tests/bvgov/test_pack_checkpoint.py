"""The committee pack witnesses the audit trail: today's paper seals the chain's head in a signed checkpoint and prints
it, with how to check it; an inspector given that line finds the trail as it stood, or finds it rewritten."""

import datetime
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from core.checkpoints import configured_public_key_hex, make_checkpoint
from core.models import AuditCheckpoint, AuditEntry
from recommendations.choices import ActionStatus
from recommendations.services import action_update_status
from tests.core.test_audit_anchor import as_superuser
from tests.recommendations.factories import ActionFactory

pytestmark = pytest.mark.django_db


def printed_line(response) -> dict:
    line = response.context["checkpoint_line"]
    assert line and line in response.content.decode().replace("&quot;", '"')
    return json.loads(line)


def test_todays_pack_signs_the_head_it_was_made_from_and_prints_it(member_client, manager_user):
    action = ActionFactory()
    action_update_status(action=action, actor=manager_user, status=ActionStatus.IN_PROGRESS, reason="Started")
    head = AuditEntry.objects.order_by("-sequence").first()

    response = member_client.get("/pack/")

    assert response.status_code == 200
    line = printed_line(response)
    assert (line["sequence"], line["head_hash"]) == (head.sequence, head.entry_hash)
    assert line["public_key"] == configured_public_key_hex()
    assert "F. The audit trail's signed checkpoint" in response.content.decode()
    assert AuditCheckpoint.objects.filter(sequence=head.sequence).count() == 1

    again = member_client.get("/pack/")
    assert printed_line(again) == line
    assert AuditCheckpoint.objects.count() == 1  # nothing written since: no second checkpoint


def test_the_printed_line_convicts_a_later_rewrite_of_the_trail(
    member_client, manager_user, tmp_path, settings, django_capture_on_commit_callbacks
):
    action = ActionFactory(description="Call handling pilot")
    action_update_status(action=action, actor=manager_user, status=ActionStatus.BLOCKED, reason="Waits on C3i")
    kept = tmp_path / "from-the-paper.jsonl"
    with django_capture_on_commit_callbacks(execute=True):  # the checkpoint file is written once committed
        kept.write_text(member_client.get("/pack/").context["checkpoint_line"] + "\n")
    key = configured_public_key_hex()
    call_command("verify_audit_trail", "--checkpoints", str(kept), "--public-key", key, "--no-record")

    newest = AuditEntry.objects.order_by("-sequence").first()
    with as_superuser() as cursor:
        cursor.execute(f"DELETE FROM {AuditEntry._meta.db_table} WHERE sequence = %s", [newest.sequence])
        cursor.execute(f"DELETE FROM {AuditCheckpoint._meta.db_table}")
    Path(settings.AUDIT_CHECKPOINT_FILE).write_text("")  # and the server's own file, emptied: only the paper remains
    with pytest.raises(CommandError, match=f"names entry {newest.sequence}"):
        call_command("verify_audit_trail", "--checkpoints", str(kept), "--public-key", key, "--no-record")


def test_a_past_days_pack_prints_the_checkpoint_of_that_day_and_makes_none(member_client, manager_user):
    ActionFactory()
    make_checkpoint()
    yesterday = timezone.localdate() - datetime.timedelta(days=1)

    response = member_client.get("/pack/", {"as_at": yesterday.isoformat()})

    assert response.status_code == 200
    assert response.context["checkpoint"] is None  # made today, after the end of that day
    assert "No signed checkpoint of the audit trail had been made by then" in response.content.decode()
    assert AuditCheckpoint.objects.count() == 1


def test_without_a_signing_key_the_pack_is_still_shown_and_says_why_it_carries_none(member_client, settings):
    ActionFactory()
    settings.AUDIT_SIGNING_KEY_FILE = "/nonexistent/audit-signing-key.pem"

    response = member_client.get("/pack/")

    assert response.status_code == 200
    assert response.context["checkpoint"] is None
    assert "none could be made now" in response.content.decode()
    assert not AuditCheckpoint.objects.exists()
