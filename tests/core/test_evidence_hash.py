"""An evidence file's contents are part of the trail: its SHA-256 is recorded when it is uploaded, sealed into its
audit entry with the rest of the row, and checked by the verifier against the file kept on disk."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.audit import verify_chain
from core.models import AuditEntry
from recommendations.models import Evidence
from recommendations.services import action_report_progress
from tests.recommendations.factories import ActionFactory

pytestmark = pytest.mark.django_db

MINUTES = b"Minutes of the Management Board, 12 May 2003: the single crewing framework was approved."


@pytest.fixture
def evidence(owner_user):
    action = ActionFactory(owner=owner_user.person)
    action_report_progress(
        action=action,
        actor=owner_user,
        author=owner_user.person,
        status=action.status,
        rag_override="",
        reason="",
        note="The board approved the framework",
        evidence_file=SimpleUploadedFile("board-minutes.txt", MINUTES, content_type="text/plain"),
        evidence_description="Board minutes",
    )
    return Evidence.objects.get()


def test_the_uploaded_files_hash_is_sealed_into_its_audit_entry(evidence):
    expected = hashlib.sha256(MINUTES).hexdigest()
    assert evidence.sha256 == expected
    assert evidence.file.read() == MINUTES  # the file was saved whole, after it was hashed
    entry = AuditEntry.objects.get(content_type__model="evidence", object_id=evidence.pk)
    assert {"field": "sha256", "new": expected}.items() <= next(
        change for change in entry.changes if change["field"] == "sha256"
    ).items()
    report = verify_chain()
    assert report.intact, str(report)
    assert "1 file matched the SHA-256 recorded when uploaded" in str(report)


def test_a_file_replaced_on_disk_fails_verification(evidence):
    with open(evidence.file.path, "wb") as stored:
        stored.write(MINUTES.replace(b"was approved", b"was rejected"))

    report = verify_chain()

    assert not report.intact
    assert str(report).startswith(f"Evidence #{evidence.pk}: its file {evidence.file.name} no longer matches")


def test_a_file_deleted_from_disk_fails_verification(evidence):
    evidence.file.storage.delete(evidence.file.name)

    report = verify_chain()

    assert not report.intact
    assert str(report) == (
        f"Evidence #{evidence.pk}: its file {evidence.file.name} is missing — it was deleted or moved outside the app"
    )
