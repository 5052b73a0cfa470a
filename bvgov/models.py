import simple_history
from django.conf import settings
from django.contrib.auth.models import AbstractUser, Group
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Upper
from django.utils import timezone
from simple_history.models import HistoricalRecords


class AccountHistoricalRecords(HistoricalRecords):
    """History of accounts and roles, whichever side of a many-to-many link is changed.

    simple-history records an m2m change on the instance the signal names, which for a reverse change
    (`group.user_set.add(user)`, `permission.group_set.add(group)`) is the other side's object: these are recorded on
    each record whose links changed instead, with the reason set on the object that was changed through.
    """

    def m2m_changed(self, instance, action, attr, pk_set, reverse, **kwargs):
        if not reverse:
            return super().m2m_changed(instance, action, attr, pk_set, reverse, **kwargs)
        if action == "pre_clear":
            # clear() names no records: read them while the links are still there.
            pk_set = set(getattr(instance, self._reverse_accessor(attr)).values_list("pk", flat=True))
            instance._history_cleared_pks = pk_set
            return
        if action == "post_clear":
            pk_set = instance.__dict__.pop("_history_cleared_pks", set())
        elif action not in ("post_add", "post_remove"):
            return
        for record in self.cls._default_manager.filter(pk__in=pk_set or ()):
            for mark in ("_change_reason", "_history_user"):
                if hasattr(instance, mark):
                    setattr(record, mark, getattr(instance, mark))
            super().m2m_changed(record, action, attr, pk_set, False, **kwargs)

    def _reverse_accessor(self, attr: str) -> str:
        return self.cls._meta.get_field(attr).remote_field.get_accessor_name()


class User(AbstractUser):
    """A person who signs in to bvgov: a member, an officer, an inspector or an administrator."""

    class NotificationEmails(models.TextChoices):
        EACH = "each", "Each notification as it comes"
        DAILY = "daily", "A daily digest of the unread ones"
        NONE = "none", "No email: I read them in bvgov"

    notification_emails = models.CharField(
        "email me", max_length=10, choices=NotificationEmails.choices, default=NotificationEmails.EACH
    )

    # Roles are groups, and a person's rights their groups and own permissions: changes to either are audited.
    history = AccountHistoricalRecords(
        excluded_fields=["password", "last_login"], m2m_fields=["groups", "user_permissions"]
    )

    class Meta:
        ordering = ["username"]

    def __str__(self):
        return self.get_full_name() or self.username


# A role is django.contrib.auth's Group: its history (and its permissions') is kept here, in the register's apps.
simple_history.register(Group, app="bvgov", records_class=AccountHistoricalRecords, m2m_fields=["permissions"])


class ReminderSent(models.Model):
    """A reminder digest emailed on a day, to an action owner or to a board's chair about that board's reviews."""

    # One row per recipient, kind, board and day, written in the same transaction that queues the email, so a
    # second run of `send_reminders` on the same day finds the row and sends nothing.

    class Kind(models.TextChoices):
        OWNER = "owner", "Action owner's digest"
        CHAIR = "chair", "Board chair's digest"
        NOTIFICATIONS = "notifications", "Daily digest of notifications"

    recipient = models.EmailField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
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
    """A sign-in, sign-out, failed sign-in or refused sign-in recorded before the sign-in log (SignInLogEntry)."""

    # No longer written: sign-ins go to the sign-in log, outside the register's audit chain. The rows written before
    # stay, with their history rows and sealed audit entries, so the chain they are part of still verifies.

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


class SignInLogEntry(models.Model):
    """The security log: a sign-in or sign-out, or the failed and refused sign-ins for one account name from one
    address in one lock window."""

    # Written by bvgov.security, outside the register's audit chain: no history, no audit entry, so sign-ins neither
    # flood the trail nor move the register's version. Failures are one row per account name, address and window,
    # counted up atomically, so an anonymous client cannot add rows without bound.

    class Kind(models.TextChoices):
        SIGNED_IN = "signed_in", "Signed in"
        SIGNED_OUT = "signed_out", "Signed out"
        FAILED = "failed", "Failed sign-ins"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    # The account's own username, or empty when what was typed names no account: what is typed in the username box
    # may be a password, so it is never kept.
    username = models.CharField("account", max_length=150, blank=True)
    # PROTECT: a person who has ever signed in is deactivated, never deleted, so their sign-ins stay attributable.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="sign_in_log"
    )
    ip_address = models.GenericIPAddressField("IP address", null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    # Failed sign-ins only: the start of the lock window the row counts, the failures whose password was checked,
    # and the attempts refused without checking it because of the lock.
    window_start = models.DateTimeField(null=True, blank=True)
    failures = models.PositiveIntegerField(default=0)
    refused = models.PositiveIntegerField(default=0)
    first_at = models.DateTimeField(default=timezone.now)
    # For failed sign-ins, the latest failure (refusals do not move it): the lock runs from it.
    last_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-last_at", "-id"]
        verbose_name = "sign-in log entry"
        verbose_name_plural = "sign-in log"
        indexes = [
            models.Index(fields=["username", "kind", "last_at"], name="sign_in_log_username_idx"),
            models.Index(fields=["ip_address", "kind", "last_at"], name="sign_in_log_ip_idx"),
            models.Index(fields=["user", "last_at"], name="sign_in_log_user_idx"),
        ]
        # NULLs are distinct in a unique index, so an attempt without an address gets its own partial constraint.
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "username", "ip_address", "window_start"],
                condition=models.Q(window_start__isnull=False, ip_address__isnull=False),
                name="sign_in_log_one_row_per_window",
            ),
            models.UniqueConstraint(
                fields=["kind", "username", "window_start"],
                condition=models.Q(window_start__isnull=False, ip_address__isnull=True),
                name="sign_in_log_one_row_per_window_without_address",
            ),
        ]

    def __str__(self):
        who = self.username or "unknown account"
        when = f"{timezone.localtime(self.last_at):%d %B %Y %H:%M}"
        if self.kind == self.Kind.FAILED:
            return f"{self.failures} failed and {self.refused} refused sign-ins: {who}, to {when}"
        return f"{self.get_kind_display()}: {who}, {when}"

    def save(self, *args, **kwargs):
        # Counts move only through bvgov.security's atomic updates; nothing else edits an entry.
        if not self._state.adding:
            raise ValueError("Sign-in log entries are only ever added, never edited.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Sign-in log entries are never deleted.")


class Notification(models.Model):
    """Something a person is told, in the app (the header's count and the notifications page) and by email.

    Written in the transaction of the change it tells of (bvgov.notifications), with its history like every record,
    so the trail shows who was told what, and when they read it."""

    class Kind(models.TextChoices):
        CHALLENGE = "challenge", "Challenge to answer"
        ANSWER = "answer", "Answer to your challenge"
        DECISION_WAITING = "decision", "Decision waiting for your board"
        VERIFICATION_REQUEST = "verify", "Recommendation to verify"
        VERIFICATION_OUTCOME = "verified", "Verification of your recommendation"
        RISK_REVIEW = "risk_review", "Accepted risk due for review"
        UPDATE_REQUEST = "update_request", "Updates requested before a meeting"
        DEPUTY = "deputy", "You are named a deputy"
        ESCALATION = "escalation", "Overdue action escalated to you"

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="notifications")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    text = models.CharField(max_length=300)
    url = models.CharField("link", max_length=300, help_text="The record's page on this site.")
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at", "created_at"], name="notification_inbox_idx")]

    def __str__(self):
        return self.text

    def get_absolute_url(self):
        return self.url

    @property
    def why(self) -> str:
        """Why the person is told, as their email says."""
        return {
            self.Kind.CHALLENGE: "the challenge was put to you as the owner, or to the owner you are deputy for",
            self.Kind.ANSWER: "you asked the question",
            self.Kind.DECISION_WAITING: "you chair the body that takes the decision",
            self.Kind.VERIFICATION_REQUEST: "you verify the recommendations of its report",
            self.Kind.VERIFICATION_OUTCOME: "you own the recommendation, or reported it implemented",
            self.Kind.RISK_REVIEW: "you own the recommendation, or manage its programme",
            self.Kind.UPDATE_REQUEST: "you own actions the meeting will look at",
            self.Kind.DEPUTY: "an owner named you their deputy",
            self.Kind.ESCALATION: "the owner reports to you, or you chair the board accountable for it",
        }[self.kind]
