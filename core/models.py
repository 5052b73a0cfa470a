"""The platform's own model: the audit trail, one entry per history record of the register."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models


class AuditEntry(models.Model):
    """One line of the audit trail: who changed which register object, when, from what to what, and why.

    Each entry mirrors one simple-history record (written in the same transaction by core.audit) so
    that the inspector's trail across every register table is one indexed table, filterable by object, user,
    date and review, instead of a union over every history table. It is the audit log itself, so it carries
    no history of its own: entries are only ever added (database triggers refuse UPDATE and DELETE).

    The entries form a hash chain in `sequence` order: each `entry_hash` is the SHA-256 of the previous entry's
    hash and of the entry's content, including every column of its history row as it was written, so a changed,
    removed or re-ordered entry, or a history row edited behind the application's back, breaks the chain
    (see core.audit.verify_chain). `hashed_fields` names the history columns that were sealed, so a column
    added to a register table later does not change what older entries hash to.
    """

    sequence = models.PositiveBigIntegerField(unique=True)
    previous_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64)
    hashed_fields = models.JSONField(default=list, blank=True)

    history_date = models.DateTimeField(db_index=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    object_repr = models.CharField(max_length=300)
    history_id = models.PositiveBigIntegerField()
    history_type = models.CharField(max_length=1)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(blank=True)
    changes = models.JSONField(default=list, blank=True)
    review_id = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        # Created by the programmes app, where the model began; the table kept its name when the model moved.
        db_table = "programmes_auditentry"
        ordering = ["-history_date", "-id"]
        verbose_name_plural = "audit entries"
        indexes = [
            models.Index(fields=["content_type", "object_id", "history_date"], name="audit_object_idx"),
            models.Index(fields=["user", "history_date"], name="audit_user_idx"),
            models.Index(fields=["review_id", "history_date"], name="audit_review_idx"),
            # The inspector's question "what did this person change in this review", newest first, read in order.
            models.Index(fields=["review_id", "user", "history_date"], name="audit_review_user_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["content_type", "history_id"], name="audit_one_entry_per_record"),
        ]

    def __str__(self):
        return f"{self.history_date:%d %b %Y %H:%M} {self.get_history_type_display()} {self.object_repr}"

    HISTORY_TYPES = {"+": "Created", "~": "Changed", "-": "Deleted"}

    def get_history_type_display(self) -> str:
        return self.HISTORY_TYPES.get(self.history_type, self.history_type)


class AuditCheckpoint(models.Model):
    """A signed statement that the audit trail's entry `sequence` had the hash `head_hash` at `made_at`.

    Signed with the Ed25519 key kept outside the database (AUDIT_SIGNING_KEY_FILE) and appended to a file outside it
    too (AUDIT_CHECKPOINT_FILE), so that rewriting, cutting off or emptying the chain before a checkpoint is found
    even by someone who can write to the database as its owner. Append-only, like the trail.
    """

    sequence = models.PositiveBigIntegerField(db_index=True)
    head_hash = models.CharField(max_length=64)
    made_at = models.DateTimeField()
    public_key = models.CharField(max_length=64)
    signature = models.CharField(max_length=128)

    class Meta:
        ordering = ["-sequence", "-id"]

    def __str__(self):
        return f"Checkpoint of entry {self.sequence}, {self.made_at:%d %b %Y %H:%M}"


class ChainVerification(models.Model):
    """A full run of `verify_audit_trail` that found everything intact, up to and including `checkpoint`: the point
    from which the integrity page verifies only what came after."""

    checkpoint = models.ForeignKey(AuditCheckpoint, on_delete=models.PROTECT, related_name="+")
    verified_at = models.DateTimeField()
    entries = models.PositiveBigIntegerField()

    class Meta:
        ordering = ["-verified_at", "-id"]

    def __str__(self):
        return f"Verified up to entry {self.checkpoint.sequence} at {self.verified_at:%d %b %Y %H:%M}"
