from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Upper
from django.utils import timezone
from simple_history.models import HistoricalRecords


class User(AbstractUser):
    """A person who signs in to bvgov: a member, an officer, an inspector or an administrator."""

    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        ordering = ["username"]

    def __str__(self):
        return self.get_full_name() or self.username


class ReminderSent(models.Model):
    """A reminder digest emailed on a day, to an action owner or to a board's chair about that board's reviews."""

    # One row per recipient, kind, board and day, written in the same transaction that queues the email, so a
    # second run of `send_reminders` on the same day finds the row and sends nothing.

    class Kind(models.TextChoices):
        OWNER = "owner", "Action owner's digest"
        CHAIR = "chair", "Board chair's digest"

    recipient = models.EmailField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    body = models.ForeignKey(
        "programmes.Body", null=True, blank=True, on_delete=models.PROTECT, related_name="reminders_sent"
    )
    date = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "recipient"]
        verbose_name = "reminder sent"
        verbose_name_plural = "reminders sent"
        # NULLs are distinct in a unique index, so the owner's digest (no board) gets its own partial constraint.
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "date"],
                condition=models.Q(body__isnull=True),
                name="reminder_once_a_day_without_body",
            ),
            models.UniqueConstraint(
                fields=["recipient", "kind", "body", "date"],
                condition=models.Q(body__isnull=False),
                name="reminder_once_a_day_per_body",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.recipient}, {self.date:%d %B %Y}"


class CalendarFeed(models.Model):
    """A person's secret calendar address for their due dates; only a SHA-256 hash of its token is kept.

    A revoked feed stays revoked: a new address is a new feed, and the old row keeps its revocation (clean() refuses
    to clear it). At most one feed of a person works at a time; a deactivated account's feed does not work at all
    (bvgov.calendar.feed_for_token)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # The hash is left out of history (and so out of the audit trail): a revoked token's hash has no business there.
    history = HistoricalRecords(excluded_fields=["token_hash"])

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(revoked_at__isnull=True),
                name="calendar_feed_one_working_per_user",
                violation_error_message="This person already has a working calendar feed.",
            )
        ]

    def __str__(self):
        state = "revoked" if self.revoked_at else "active"
        return f"Calendar feed of {self.user} ({state})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def clean(self):
        if self.pk is None:
            return
        stored = type(self)._base_manager.filter(pk=self.pk).values("revoked_at", "token_hash").first()
        changed = stored and (self.revoked_at != stored["revoked_at"] or self.token_hash != stored["token_hash"])
        if changed and stored["revoked_at"] is not None:
            raise ValidationError("A revoked calendar feed stays revoked: make a new feed instead.")


class SignInEvent(models.Model):
    """A sign-in, sign-out, failed sign-in or refused sign-in, with who, from where and when."""

    # Written by bvgov.security from Django's sign-in signals and the sign-in form. Rows are only ever added: the
    # sign-in form counts recent failures here to refuse further attempts.

    class Kind(models.TextChoices):
        SIGNED_IN = "signed_in", "Signed in"
        SIGNED_OUT = "signed_out", "Signed out"
        FAILED = "failed", "Failed sign-in"
        LOCKED_OUT = "locked_out", "Refused after too many failed sign-ins"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    username = models.CharField("username as typed", max_length=150, blank=True)
    # PROTECT: a person who has ever signed in is deactivated, never deleted, so their sign-ins stay attributable.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="sign_in_events"
    )
    ip_address = models.GenericIPAddressField("IP address", null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "sign-in event"
        indexes = [
            models.Index(Upper("username"), "kind", "at", name="sign_in_username_idx"),
            models.Index(fields=["ip_address", "kind", "at"], name="sign_in_ip_idx"),
            models.Index(fields=["user", "at"], name="sign_in_user_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.username or 'unknown'}, {timezone.localtime(self.at):%d %B %Y %H:%M}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("Sign-in events are only ever added, never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Sign-in events are never deleted.")
