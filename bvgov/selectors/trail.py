"""The inspector's reads: the audit trail across the register, one record's history, the export, the decision chains."""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch
from django.utils import timezone

from core.listing import Column
from core.models import AuditEntry
from programmes.models import Decision
from reviews.models import Review
from reviews.workflow import decision_chain

from ..models import SignInEvent


def audit_trail(*, with_sign_ins: bool = True):
    """The whole audit trail, newest first, with who made each change.

    Without sign-ins: leaving out the entries of the sign-ins recorded in the trail before the sign-in log, which
    carry addresses and browsers, for anyone but an administrator.
    """
    entries = AuditEntry.objects.select_related("user", "content_type").order_by("-history_date", "-id")
    if not with_sign_ins:
        entries = entries.exclude(content_type=ContentType.objects.get_for_model(SignInEvent))
    return entries


def object_trail(*, model, pk: int):
    """One object's audit entries, newest first."""
    content_type = ContentType.objects.get_for_model(model)
    return audit_trail().filter(content_type=content_type, object_id=pk)


@dataclass(frozen=True)
class AuditRow:
    entry: AuditEntry
    change: dict


AUDIT_EXPORT_COLUMNS = [
    Column("When", lambda row: timezone.localtime(row.entry.history_date).isoformat(timespec="seconds")),
    Column("Who", lambda row: row.entry.user.username if row.entry.user else ""),
    Column("Kind of record", lambda row: row.entry.content_type.name),
    Column("Record number", lambda row: row.entry.object_id),
    Column("Record", lambda row: row.entry.object_repr),
    Column("Change", lambda row: row.entry.get_history_type_display()),
    Column("Field", lambda row: row.change.get("label", "")),
    Column("From", lambda row: row.change.get("old", "")),
    Column("To", lambda row: row.change.get("new", "")),
    Column("Reason", lambda row: row.entry.reason),
]


def audit_export_rows(entries):
    """One export row per changed field, so a spreadsheet can filter on the field that changed."""
    for entry in entries.iterator(chunk_size=2000):
        for change in entry.changes or [{}]:
            yield AuditRow(entry, change)


def decision_chains():
    """Every review with its decision chain; the decisions are read once for all reviews."""
    reviews = list(
        Review.objects.order_by("title").prefetch_related(
            Prefetch("decisions", queryset=Decision.objects.select_related("body").order_by("decided_on", "id"))
        )
    )
    return [{"review": review, "chain": decision_chain(review, list(review.decisions.all()))} for review in reviews]
