"""Governance: the bodies that decide, the people in them, their meetings and decisions, and the programme.

A Decision lives here because bodies decide, but what it decides on (a review, an implementation plan, a
recommendation) lives in apps above this one. The subject is reached through a generic relation
(content type + object id, indexed together) so that `programmes` never imports `reviews` or
`recommendations`: one Decision table serves every kind of subject, the inspector's decision chain is one
indexed query per subject, and a new kind of subject needs no migration here. The subject's own app
gives it a `GenericRelation` back to its decisions.
"""

import datetime

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .choices import (
    BodyKind,
    DecisionKind,
    DecisionOutcome,
    IndicatorDirection,
    MembershipRole,
    Organisation,
    RiskStatus,
)
from .db import CheckConstraint, choices_constraint, date_order_constraint


class Person(models.Model):
    """Someone accountable in the programme: an officer, a member, an inspector; they may never sign in."""

    name = models.CharField(max_length=200)
    job_title = models.CharField(max_length=200, blank=True)
    organisation = models.CharField(max_length=30, choices=Organisation.choices)
    email = models.EmailField(blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
        help_text="The sign-in account of this person, if they have one.",
    )
    reports_to = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
        help_text="Their line manager: an action of theirs long overdue is escalated to this person.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"
        constraints = [
            choices_constraint("organisation", Organisation, table="person"),
            models.UniqueConstraint(fields=["name", "job_title"], name="person_unique_name_job_title"),
        ]

    def __str__(self):
        return f"{self.name}, {self.job_title}" if self.job_title else self.name


class Body(models.Model):
    """A governance body: the authority, a committee, a board or a challenge panel."""

    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=40, blank=True, help_text="As the minutes abbreviate it, e.g. FPBV.")
    kind = models.CharField(max_length=30, choices=BodyKind.choices)
    reports_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reporting_bodies"
    )
    terms_of_reference = models.TextField(blank=True)
    established_on = models.DateField(null=True, blank=True)
    dissolved_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "bodies"
        constraints = [
            choices_constraint("kind", BodyKind, table="body"),
            date_order_constraint(
                "established_on",
                "dissolved_on",
                table="body",
                message="A body cannot be dissolved before it was established.",
            ),
            CheckConstraint(
                condition=~models.Q(reports_to=models.F("pk")),
                name="body_not_reporting_to_itself",
                violation_error_message="A body cannot report to itself.",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("programmes:body_detail", args=[self.pk])

    def clean(self):
        errors = {}
        if self.pk is not None and self.reports_to_id == self.pk:
            errors["reports_to"] = "A body cannot report to itself."
        else:
            ancestor, seen = self.reports_to, set()
            while ancestor is not None and ancestor.pk not in seen:
                if self.pk is not None and ancestor.pk == self.pk:
                    errors["reports_to"] = "A body cannot report to one of the bodies that report to it."
                    break
                seen.add(ancestor.pk)
                ancestor = ancestor.reports_to
        if errors:
            raise ValidationError(errors)


class Membership(models.Model):
    """A person's seat on a body in a given role, from a start date to an end date."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memberships")
    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=30, choices=MembershipRole.choices)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["body__name", "role", "person__name"]
        constraints = [
            choices_constraint("role", MembershipRole, table="membership"),
            date_order_constraint(
                "start_date", "end_date", table="membership", message="A membership cannot end before it starts."
            ),
            models.UniqueConstraint(
                fields=["person", "body", "role", "start_date"],
                name="membership_unique_seat",
                violation_error_message="This person already holds this role on this body from that date.",
            ),
        ]

    def __str__(self):
        return f"{self.person.name} — {self.get_role_display()}, {self.body}"

    def get_absolute_url(self):
        return reverse("programmes:body_detail", args=[self.body_id]) + "#members"


class Meeting(models.Model):
    """A dated meeting of a body, with the reference of its minutes."""

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="meetings")
    date = models.DateField()
    title = models.CharField(max_length=200, blank=True)
    minutes_reference = models.CharField(max_length=100, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "body__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["body", "date", "title"],
                name="meeting_unique_per_body_date_title",
                violation_error_message="This body already has a meeting with this title on this date.",
            )
        ]

    def __str__(self):
        label = self.title or "Meeting"
        return f"{self.body.short_name or self.body.name} — {label}, {self.date:%d %B %Y}"

    def get_absolute_url(self):
        return reverse("programmes:meeting_detail", args=[self.pk])


# The register's first day (bvgov.forms.EARLIEST_AS_AT is the same): no decision in it is dated before.
EARLIEST_DECISION = datetime.date(1990, 1, 1)


class DecisionQuerySet(models.QuerySet):
    def in_effect(self):
        """Decisions not corrected: the ones the register acts on (a corrected one stays, struck through)."""
        return self.filter(corrected_at__isnull=True)


class Decision(models.Model):
    """A decision of a body on a review, a plan, a recommendation or the programme, with its minute and rationale.

    Never deleted: a decision recorded in error is corrected (programmes.services.decision_correct), with who and
    why, and from then on is shown struck through and no longer takes effect. A subject may say from when a body can
    decide on it with `decisions_possible_from` (a date and what it is, e.g. a report's publication)."""

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="decisions")
    meeting = models.ForeignKey(Meeting, null=True, blank=True, on_delete=models.PROTECT, related_name="decisions")
    decided_on = models.DateField()
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    subject_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("subject_type", "subject_id")
    kind = models.CharField(max_length=40, choices=DecisionKind.choices)
    outcome = models.CharField(max_length=20, choices=DecisionOutcome.choices)
    minute_reference = models.CharField(max_length=100, blank=True)
    rationale = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    snapshot = models.JSONField(
        default=dict, blank=True, help_text="What was approved, as it stood when the decision was recorded."
    )
    snapshot_hash = models.CharField(
        max_length=64, blank=True, help_text="SHA-256 of the canonical JSON of the snapshot."
    )
    corrected_at = models.DateTimeField(null=True, blank=True, editable=False)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    correction_reason = models.TextField(blank=True, editable=False)
    history = HistoricalRecords()

    objects = DecisionQuerySet.as_manager()

    class Meta:
        ordering = ["-decided_on", "-pk"]
        # A chair records their own body's decisions if their role lets them as well (programmes.permissions).
        permissions = [("record_chaired_decision", "Can record the decisions of a body they chair")]
        indexes = [models.Index(fields=["subject_type", "subject_id", "decided_on"], name="decision_subject_idx")]
        constraints = [
            choices_constraint("kind", DecisionKind, table="decision"),
            choices_constraint("outcome", DecisionOutcome, table="decision"),
            CheckConstraint(
                condition=~models.Q(outcome=DecisionOutcome.REJECTED) | ~models.Q(rationale=""),
                name="decision_rejection_has_rationale",
                violation_error_message="A rejection must give its rationale.",
            ),
            CheckConstraint(
                condition=models.Q(corrected_at__isnull=True) | ~models.Q(correction_reason=""),
                name="decision_correction_has_reason",
                violation_error_message="Say why the decision is being corrected.",
            ),
            # The same decision recorded twice is one decision: refused (a corrected one does not count).
            models.UniqueConstraint(
                fields=["body", "subject_type", "subject_id", "kind", "outcome", "decided_on"],
                condition=models.Q(corrected_at__isnull=True),
                name="decision_not_recorded_twice",
                violation_error_message="This decision is already recorded: the same body, subject, kind, outcome "
                "and date. Correct the one recorded if it is wrong.",
            ),
        ]

    def __str__(self):
        return f"{self.body} — {self.get_kind_display()}: {self.get_outcome_display()} ({self.decided_on:%d %b %Y})"

    def get_absolute_url(self):
        return reverse("programmes:decision_detail", args=[self.pk])

    @property
    def audit_review_id(self):
        if self.subject_type_id is None:
            return None
        if (self.subject_type.app_label, self.subject_type.model) == ("reviews", "review"):
            return self.subject_id
        return getattr(self.subject, "audit_review_id", None)

    @property
    def is_corrected(self) -> bool:
        return self.corrected_at is not None

    def clean(self):
        if self.meeting_id and self.body_id and self.meeting.body_id != self.body_id:
            raise ValidationError({"meeting": "The meeting must be a meeting of the body that took the decision."})
        if self.meeting_id and self.decided_on and self.meeting.date != self.decided_on:
            raise ValidationError({"decided_on": "A decision taken at a meeting is dated the day of the meeting."})
        if self.decided_on and not self.is_corrected:
            self._check_date()

    def _check_date(self) -> None:
        """Not in the future, nor before the register, the body or the subject existed; after the body's end."""
        day = self.decided_on
        if day > timezone.localdate():
            raise ValidationError({"decided_on": "A decision cannot be dated in the future."})
        bounds = [(EARLIEST_DECISION, "the register begins")]
        body = self.body if self.body_id else None
        if body is not None and body.established_on:
            bounds.append((body.established_on, f"the {body.name} was established"))
        subject = self.subject if self.subject_type_id and self.subject_id else None
        possible_from = getattr(subject, "decisions_possible_from", None)
        if possible_from is not None and possible_from[0] is not None:
            bounds.append(possible_from)
        for earliest, what in bounds:
            if day < earliest:
                raise ValidationError(
                    {"decided_on": f"A decision cannot be dated before {what} ({earliest.day} {earliest:%B %Y})."}
                )
        if body is not None and body.dissolved_on and day > body.dissolved_on:
            raise ValidationError(
                {
                    "decided_on": f"The {body.name} was dissolved on {body.dissolved_on:%d %B %Y}: it took no "
                    "decision after that."
                }
            )


class Programme(models.Model):
    """A programme of reviews, e.g. the Best Value Programme 2003/04, with its boards, director and budget."""

    name = models.CharField(max_length=200, unique=True)
    reference = models.SlugField(max_length=50, unique=True)
    description = models.TextField(blank=True)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    executive_body = models.ForeignKey(
        Body, null=True, blank=True, on_delete=models.PROTECT, related_name="programmes_overseen"
    )
    programme_board = models.ForeignKey(
        Body, null=True, blank=True, on_delete=models.PROTECT, related_name="programmes_managed"
    )
    director = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="programmes_directed"
    )
    manager = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="programmes_managed"
    )
    budget = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = [models.F("start_date").desc(nulls_last=True), "name"]
        constraints = [
            date_order_constraint(
                "start_date", "end_date", table="programme", message="A programme cannot end before it starts."
            ),
            CheckConstraint(
                condition=models.Q(budget__isnull=True) | models.Q(budget__gte=0),
                name="programme_budget_not_negative",
                violation_error_message="A budget cannot be negative.",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("programmes:programme_detail", args=[self.pk])


class StrategicOutcome(models.Model):
    """A long-term outcome the programme works towards, e.g. 'More offenders are brought to justice'."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="outcomes")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["programme", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "number"],
                name="outcome_unique_number",
                violation_error_message="This programme already has an outcome with this number.",
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("programmes:programme_detail", args=[self.programme_id]) + "#outcomes"


class Priority(models.Model):
    """A strategic priority of the programme for a year, e.g. 'Safer Neighbourhoods'."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="priorities")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["programme", "number"]
        verbose_name_plural = "priorities"
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "number"],
                name="priority_unique_number",
                violation_error_message="This programme already has a priority with this number.",
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("programmes:programme_detail", args=[self.programme_id]) + "#priorities"


class Indicator(models.Model):
    """A performance indicator (a BVPI or a local measure) with a unit and the direction that is better."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="indicators")
    code = models.CharField(max_length=30, unique=True)
    name = models.CharField(max_length=300)
    unit = models.CharField(max_length=50, blank=True)
    direction = models.CharField(
        max_length=10, choices=IndicatorDirection.choices, default=IndicatorDirection.HIGHER_IS_BETTER
    )
    description = models.TextField(blank=True)
    outcomes = models.ManyToManyField(StrategicOutcome, blank=True, related_name="indicators")
    history = HistoricalRecords(m2m_fields=[outcomes])

    class Meta:
        ordering = ["code"]
        constraints = [choices_constraint("direction", IndicatorDirection, table="indicator")]

    def __str__(self):
        return f"{self.code} {self.name}"

    def get_absolute_url(self):
        return reverse("programmes:indicator_detail", args=[self.pk])


class IndicatorValue(models.Model):
    """An indicator's target and actual for one period, e.g. 2003/04."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="values")
    period = models.CharField(max_length=20, help_text="e.g. 2003/04 or 2004 Q1")
    period_end = models.DateField()
    target = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    actual = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "period_end"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period"],
                name="indicator_value_unique_period",
                violation_error_message="This indicator already has a value for this period.",
            )
        ]

    def __str__(self):
        return f"{self.indicator.code} {self.period}"

    def get_absolute_url(self):
        return reverse("programmes:indicator_detail", args=[self.indicator_id]) + "#values"


class Risk(models.Model):
    """An entry in the programme's risk register: likelihood, impact, owner and mitigation."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="risks")
    reference = models.CharField(max_length=20)
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    likelihood = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    impact = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    owner = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="risks")
    mitigation = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=RiskStatus.choices, default=RiskStatus.OPEN)
    raised_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["programme", "reference"]
        constraints = [
            choices_constraint("status", RiskStatus, table="risk"),
            models.UniqueConstraint(
                fields=["programme", "reference"],
                name="risk_unique_reference",
                violation_error_message="This programme already has a risk with this reference.",
            ),
            CheckConstraint(
                condition=models.Q(likelihood__gte=1, likelihood__lte=5, impact__gte=1, impact__lte=5),
                name="risk_scores_1_to_5",
                violation_error_message="Likelihood and impact are scored from 1 to 5.",
            ),
        ]

    def __str__(self):
        return f"{self.reference} {self.title}"

    def get_absolute_url(self):
        return reverse("programmes:risk_detail", args=[self.pk])

    @property
    def score(self) -> int:
        return self.likelihood * self.impact
