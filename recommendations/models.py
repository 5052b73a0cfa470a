"""Recommendations from reports, the actions that implement them, owners' progress updates and members' challenges."""

import datetime

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from core.archiving import ActiveManager, Archivable
from core.history import IndexedHistoricalRecords
from programmes.db import CheckConstraint, choices_constraint, date_order_constraint
from programmes.models import Decision, Indicator, Meeting, Person, Programme, StrategicOutcome
from reviews.models import Inspection, Review

from .choices import (
    ACTION_CLOSED_STATUSES,
    ACTION_TRANSITIONS,
    DECISION_STATUSES_NEEDING_RATIONALE,
    IMPLEMENTATION_STATUSES_EDITABLE,
    ActionStatus,
    CostBand,
    DecisionStatus,
    Ease,
    ImplementationStatus,
    Priority,
    Rag,
    SourceKind,
    Speed,
    days_overdue,
    derive_rag,
    slipped_days,
)
from .escalation import escalation_level
from .querysets import ActionQuerySet, RecommendationQuerySet, counted_action_q, on_recommendation_q


def archived_has_reason(table: str) -> CheckConstraint:
    """An archived record says why (core.archiving), checked in Python on save by programmes.db's CheckConstraint."""
    return CheckConstraint(
        condition=models.Q(archived_at__isnull=True) | ~models.Q(archive_reason=""),
        name=f"{table}_archived_has_reason",
        violation_error_message="Say why the record is being archived.",
    )


class Source(models.Model):
    """A report that makes recommendations: a review's final report, an inspection, an audit or a service review."""

    kind = models.CharField(max_length=30, choices=SourceKind.choices)
    title = models.CharField(max_length=300, unique=True)
    reference = models.CharField(max_length=100, blank=True, help_text="e.g. PPRC 8 May 2003, report 7")
    published_on = models.DateField(null=True, blank=True)
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="sources")
    review = models.ForeignKey(Review, null=True, blank=True, on_delete=models.PROTECT, related_name="sources")
    inspection = models.ForeignKey(Inspection, null=True, blank=True, on_delete=models.PROTECT, related_name="sources")
    verifier = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sources_verified",
        help_text="Who confirms that its recommendations are implemented before they count: the inspectorate's "
        "person for an inspection, internal audit for an audit. Blank: the programme manager.",
    )
    decisions = GenericRelation(Decision, content_type_field="subject_type", object_id_field="subject_id")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-published_on", "title"]
        constraints = [choices_constraint("kind", SourceKind, table="source")]
        indexes = [
            # The recommendations list's default order is its sources' (newest report first): with this index the
            # first page is read a source at a time, instead of sorting every recommendation with its source.
            models.Index(models.F("published_on").desc(), "title", name="source_newest_first_idx"),
        ]

    def __str__(self):
        return self.title

    @property
    def audit_review_id(self):
        return self.review_id

    @property
    def decisions_possible_from(self) -> tuple[datetime.date | None, str]:
        return self.published_on, f"{self.title} was published"

    @property
    def effective_verifier(self) -> Person | None:
        """The person who verifies its recommendations: its own verifier, else its programme's manager."""
        return self.verifier or self.programme.manager


# Once a body has accepted a recommendation, its original target date is the one it is held to.
DECISION_STATUSES_COMMITTED = (DecisionStatus.ACCEPTED, DecisionStatus.PARTLY_ACCEPTED)


class Recommendation(Archivable, models.Model):
    """A recommendation of a report, the response to it, who is accountable, by when, and how far it has got."""

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="recommendations")
    review = models.ForeignKey(
        Review,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="recommendations",
        help_text="The review whose implementation this recommendation belongs to, if any.",
    )
    number = models.CharField(
        max_length=20, blank=True, help_text="As the report numbers it; blank where the report gives no number."
    )
    text = models.TextField()
    source_note = models.TextField(
        blank=True, help_text="What the source does and does not say about this recommendation."
    )
    theme = models.CharField(max_length=200, blank=True)
    priority = models.CharField(max_length=10, choices=Priority.choices, blank=True)
    ease = models.CharField(max_length=20, choices=Ease.choices, blank=True)
    cost_band = models.CharField("cost", max_length=20, choices=CostBand.choices, blank=True)
    speed = models.CharField(max_length=20, choices=Speed.choices, blank=True)
    response = models.TextField("response / proposed action", blank=True)
    owner = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="recommendations_owned"
    )
    timescale = models.CharField(
        max_length=100, blank=True, help_text="The timescale exactly as the report gives it, e.g. 'December 2003'."
    )
    target_ongoing = models.BooleanField("ongoing", default=False)
    original_target_date = models.DateField(null=True, blank=True)
    revised_target_date = models.DateField(null=True, blank=True)
    decision_status = models.CharField(max_length=20, choices=DecisionStatus.choices, default=DecisionStatus.PROPOSED)
    decision_rationale = models.TextField(blank=True)
    implementation_status = models.CharField(
        max_length=30, choices=ImplementationStatus.choices, default=ImplementationStatus.NOT_STARTED
    )
    implemented_on = models.DateField(null=True, blank=True)
    # The owner's report that it is implemented, which the source's verifier then accepts or rejects.
    reported_implemented_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    reported_implemented_on = models.DateField(null=True, blank=True, editable=False)
    # Who closed it (the verifier who accepted it, or who recorded it superseded, risk accepted or not implemented),
    # when, and their note. Blank for a recommendation recorded as implemented from a report before this was kept.
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    closure_note = models.TextField(blank=True, editable=False)
    superseded_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="supersedes", editable=False
    )
    # A risk accepted is looked at again on this date; its owner and the programme manager are reminded before it.
    risk_review_date = models.DateField(null=True, blank=True, editable=False)
    funding_amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    funding_source = models.CharField(max_length=300, blank=True)
    indicators = models.ManyToManyField(Indicator, blank=True, related_name="recommendations")
    outcomes = models.ManyToManyField(StrategicOutcome, blank=True, related_name="recommendations")
    decisions = GenericRelation(Decision, content_type_field="subject_type", object_id_field="subject_id")
    history = HistoricalRecords(m2m_fields=[indicators, outcomes])

    objects = ActiveManager.from_queryset(RecommendationQuerySet)()
    all_objects = RecommendationQuerySet.as_manager()

    class Meta:
        ordering = ["source", "id"]
        constraints = [
            choices_constraint("priority", Priority, table="recommendation", allow_blank=True),
            choices_constraint("ease", Ease, table="recommendation", allow_blank=True),
            choices_constraint("cost_band", CostBand, table="recommendation", allow_blank=True),
            choices_constraint("speed", Speed, table="recommendation", allow_blank=True),
            choices_constraint("decision_status", DecisionStatus, table="recommendation"),
            choices_constraint("implementation_status", ImplementationStatus, table="recommendation"),
            archived_has_reason("recommendation"),
            models.UniqueConstraint(
                fields=["source", "number"],
                condition=~models.Q(number="") & models.Q(archived_at__isnull=True),
                name="recommendation_unique_number_in_source",
                violation_error_message="This report already has a recommendation with this number.",
            ),
            CheckConstraint(
                condition=~models.Q(decision_status__in=DECISION_STATUSES_NEEDING_RATIONALE)
                | ~models.Q(decision_rationale=""),
                name="recommendation_rationale_when_not_fully_accepted",
                violation_error_message="Say why the recommendation is not pursued or only partly accepted.",
            ),
            CheckConstraint(
                condition=models.Q(target_ongoing=False)
                | (models.Q(original_target_date__isnull=True) & models.Q(revised_target_date__isnull=True)),
                name="recommendation_ongoing_has_no_date",
                violation_error_message="An ongoing recommendation has no target date.",
            ),
            CheckConstraint(
                condition=models.Q(revised_target_date__isnull=True) | models.Q(original_target_date__isnull=False),
                name="recommendation_revision_needs_original",
                violation_error_message="A revised target date needs the original target date beside it.",
            ),
            CheckConstraint(
                condition=models.Q(funding_amount__isnull=True) | models.Q(funding_amount__gte=0),
                name="recommendation_funding_not_negative",
                violation_error_message="Funding cannot be negative.",
            ),
            CheckConstraint(
                condition=~models.Q(implementation_status=ImplementationStatus.SUPERSEDED)
                | models.Q(superseded_by__isnull=False),
                name="recommendation_superseded_names_successor",
                violation_error_message="A superseded recommendation names the recommendation that supersedes it.",
            ),
            CheckConstraint(
                condition=~models.Q(implementation_status=ImplementationStatus.RISK_ACCEPTED)
                | models.Q(risk_review_date__isnull=False),
                name="recommendation_risk_accepted_has_review_date",
                violation_error_message="A risk accepted is reviewed again: give the date.",
            ),
        ]
        indexes = [models.Index(fields=["decision_status", "implementation_status"], name="rec_status_idx")]

    def __str__(self):
        label = f"Recommendation {self.number}" if self.number else "Recommendation (unnumbered)"
        return f"{label} — {self.source}"

    def get_absolute_url(self):
        return reverse("recommendations:recommendation_detail", args=[self.pk])

    @property
    def audit_review_id(self):
        return self.review_id

    @property
    def decisions_possible_from(self) -> tuple[datetime.date | None, str]:
        """No body decides on a recommendation before its report is published (programmes.models.Decision)."""
        return self.source.published_on, f"its report, {self.source.title}, was published"

    @property
    def target_date(self) -> datetime.date | None:
        return self.revised_target_date or self.original_target_date

    @property
    def slipped_days(self) -> int:
        return slipped_days(self.original_target_date, self.revised_target_date)

    def clean(self):
        if self.implementation_status == ImplementationStatus.IMPLEMENTED and self.implemented_on is None:
            raise ValidationError({"implemented_on": "Give the date the recommendation was implemented."})
        if self.source_id and self.review_id is None and self.source.review_id:
            self.review_id = self.source.review_id
        stored = (
            type(self)
            ._base_manager.filter(pk=self.pk)
            .values("original_target_date", "revised_target_date", "implementation_status", "decision_status")
            .first()
            if self.pk
            else None
        )
        if (
            stored
            and stored["decision_status"] in DECISION_STATUSES_COMMITTED
            and stored["original_target_date"] is not None
            and self.original_target_date != stored["original_target_date"]
        ):
            raise ValidationError(
                {
                    "original_target_date": "The original target date of an accepted recommendation is kept: "
                    "record an extension if the date has moved."
                }
            )
        # A slipped date is authorised by a body, never edited quietly: recommendations.workflow sets this marker
        # when an approved extension decision carries the new date.
        previous_revision = stored["revised_target_date"] if stored else None
        if self.revised_target_date != previous_revision and getattr(self, "_extension_decision", None) is None:
            raise ValidationError(
                {
                    "revised_target_date": "A revised target date needs an extension approved by a recorded decision: "
                    "record the extension from the recommendation's page."
                }
            )
        status_moves = stored is None or stored["implementation_status"] != self.implementation_status
        if (
            status_moves
            and self.implementation_status not in IMPLEMENTATION_STATUSES_EDITABLE
            and getattr(self, "_closure", None) is None
        ):
            raise ValidationError(
                {
                    "implementation_status": f"A recommendation becomes "
                    f"“{self.get_implementation_status_display().lower()}” only from its page: the owner reports it "
                    "implemented, its verifier accepts it, or it is closed with a reason."
                }
            )
        newly_implemented = self.implementation_status == ImplementationStatus.IMPLEMENTED and (
            stored is None or stored["implementation_status"] != ImplementationStatus.IMPLEMENTED
        )
        if newly_implemented and not self.has_progress_reported():
            raise ValidationError(
                {
                    "implementation_status": "A recommendation is implemented only with a progress update (and "
                    "evidence, if any) saying how: add the update first."
                }
            )

    def has_progress_reported(self) -> bool:
        """Whether any progress update, on the recommendation or on one of its actions, says how it got on."""
        if self.pk is None:
            return False
        return ProgressUpdate.objects.filter(on_recommendation_q(self.pk)).exists()


DATE_FIELDS_KEPT = ("due_date", "original_due_date")


class Action(Archivable, models.Model):
    """An implementation action of a recommendation: what is to be done, by whom, by when, and its state."""

    recommendation = models.ForeignKey(Recommendation, on_delete=models.PROTECT, related_name="actions")
    description = models.TextField()
    owner = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="actions_owned")
    due_date = models.DateField(null=True, blank=True)
    # The first due date set, kept as the recommendation's original target date is: a later date needs an extension.
    original_due_date = models.DateField(null=True, blank=True, editable=False)
    status = models.CharField(max_length=20, choices=ActionStatus.choices, default=ActionStatus.NOT_STARTED)
    completed_on = models.DateField(null=True, blank=True)
    rag_override = models.CharField("RAG override", max_length=10, choices=Rag.choices, blank=True)
    rag_override_reason = models.TextField(blank=True)
    depends_on = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="dependants")
    external_dependency = models.CharField(
        max_length=300, blank=True, help_text="Something outside the register this waits on, e.g. C3i."
    )
    # The owner's warning, before the due date, that it will not be met, and why.
    at_risk_since = models.DateField(null=True, blank=True, editable=False)
    at_risk_reason = models.TextField(blank=True, editable=False)
    # Extensions of its due date, by a body.
    decisions = GenericRelation(Decision, content_type_field="subject_type", object_id_field="subject_id")
    history = IndexedHistoricalRecords(
        m2m_fields=[depends_on],
        # A recommendation's actions as at a day (the dashboards and the pack for a past day).
        indexes=[models.Index(fields=["recommendation", "history_date"], name="hist_action_rec_date_idx")],
    )

    objects = ActiveManager.from_queryset(ActionQuerySet)()
    all_objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "id"]
        constraints = [
            choices_constraint("status", ActionStatus, table="action"),
            choices_constraint("rag_override", Rag, table="action", allow_blank=True),
            archived_has_reason("action"),
            CheckConstraint(
                condition=models.Q(rag_override="") | ~models.Q(rag_override_reason=""),
                name="action_rag_override_has_reason",
                violation_error_message="An overridden RAG needs a reason.",
            ),
            CheckConstraint(
                condition=models.Q(at_risk_since__isnull=True) | ~models.Q(at_risk_reason=""),
                name="action_at_risk_has_reason",
                violation_error_message="Say why the action is at risk.",
            ),
            CheckConstraint(
                condition=models.Q(status=ActionStatus.COMPLETE) | models.Q(completed_on__isnull=True),
                name="action_completed_on_only_when_complete",
                violation_error_message="Only a complete action has a completion date.",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_date"], name="action_status_due_idx"),
            # The actions list's default order, read a page at a time instead of sorting every action.
            models.Index(fields=["due_date", "id"], name="action_due_id_idx"),
            # The actions list filtered by status: its count read from the index alone, its page in order.
            models.Index(
                fields=["status", "due_date", "id"], name="action_live_status_idx", condition=models.Q(archived_at=None)
            ),
            # Overdue and due soon are questions about open actions only: the dashboards' lists and counts.
            models.Index(
                fields=["due_date"],
                name="action_open_due_idx",
                condition=~models.Q(status__in=ACTION_CLOSED_STATUSES),
            ),
            # The dashboards' and the overview's action counts, which are all of these (querysets.counted_action_q):
            # about a tenth of the actions.
            models.Index(
                fields=["recommendation"],
                name="action_counted_idx",
                condition=models.Q(archived_at=None) & counted_action_q(),
            ),
        ]

    def __str__(self):
        return self.description[:80]

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self._loaded_dates = {name: getattr(self, name) for name in DATE_FIELDS_KEPT}  # what the row now holds

    def get_absolute_url(self):
        return reverse("recommendations:action_detail", args=[self.pk])

    @property
    def audit_review_id(self):
        return self.recommendation.review_id

    @property
    def slipped_days(self) -> int:
        return slipped_days(self.original_due_date, self.due_date)

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        # The dates as read, as Django's documentation shows for comparing a save with the row it came from: a
        # status update, which locks and reads the row, then costs no query more to check them.
        instance = super().from_db(db, field_names, values, **kwargs)
        instance._loaded_dates = {
            name: value for name, value in zip(field_names, values, strict=False) if name in DATE_FIELDS_KEPT
        }
        return instance

    def _stored_dates(self) -> dict | None:
        if self._state.adding or self.pk is None:
            return None
        loaded = getattr(self, "_loaded_dates", {})
        if len(loaded) == len(DATE_FIELDS_KEPT):
            return loaded
        return type(self)._base_manager.filter(pk=self.pk).values(*DATE_FIELDS_KEPT).first()

    def clean(self):
        """The first due date set is kept as the original. A due date may move earlier, or back, with a reason on
        the history row (the edit form asks for one); later than the original only by an approved extension, which
        recommendations.workflow marks on the action when the decision carries the new date."""
        stored = self._stored_dates()
        original = (stored["original_due_date"] or stored["due_date"]) if stored else None
        moved = stored is not None and self.due_date != stored["due_date"]
        # Written when the action is recorded, or when its date first moves (a row from before originals were kept
        # gains it then), so that no other save changes it.
        if stored is None or moved:
            self.original_due_date = original or self.due_date
        later = moved and original is not None and self.due_date is not None and self.due_date > original
        if later and getattr(self, "_extension_decision", None) is None:
            raise ValidationError(
                {
                    "due_date": f"A due date later than the original, {original:%d %B %Y}, needs an extension "
                    "approved by a recorded decision: record the extension from the action's page."
                }
            )
        if moved and original is not None and self.due_date is None:
            raise ValidationError({"due_date": "An action that had a due date keeps one: give its date."})

    def can_move_to(self, status: str) -> bool:
        return status in ACTION_TRANSITIONS[self.status]

    @property
    def is_open(self) -> bool:
        return self.status not in ACTION_CLOSED_STATUSES

    def days_overdue(self, today: datetime.date) -> int:
        return days_overdue(status=self.status, due_date=self.due_date, today=today)

    def escalation(self, today: datetime.date) -> int:
        """How far up the escalation ladder it has gone on `today` (recommendations.escalation)."""
        return escalation_level(self.days_overdue(today))

    def derived_rag(self, today: datetime.date) -> str:
        return derive_rag(status=self.status, due_date=self.due_date, today=today, last_update=self.latest_update_on)

    @property
    def latest_update_on(self) -> datetime.date | None:
        """The date of the latest progress update: annotated by ActionQuerySet.with_last_update(), else read."""
        if hasattr(self, "last_update_on"):
            return self.last_update_on
        if self.pk is None:
            return None
        return self.updates.order_by("-reported_on").values_list("reported_on", flat=True).first()

    def rag(self, today: datetime.date) -> str:
        return self.rag_override or self.derived_rag(today)


class ProgressUpdate(models.Model):
    """A dated note by an owner on an action or a recommendation, with the status and RAG it reported."""

    action = models.ForeignKey(Action, null=True, blank=True, on_delete=models.PROTECT, related_name="updates")
    recommendation = models.ForeignKey(
        Recommendation, null=True, blank=True, on_delete=models.PROTECT, related_name="updates"
    )
    author = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="progress_updates")
    # The owner a deputy reported for (Delegation): the update is by the deputy, for the owner.
    on_behalf_of = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="progress_updates_by_deputy"
    )
    reported_on = models.DateField()
    note = models.TextField()
    reported_status = models.CharField(max_length=20, choices=ActionStatus.choices, blank=True)
    reported_rag = models.CharField(max_length=10, choices=Rag.choices, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-reported_on", "-id"]
        constraints = [
            choices_constraint("reported_status", ActionStatus, table="progress_update", allow_blank=True),
            choices_constraint("reported_rag", Rag, table="progress_update", allow_blank=True),
            CheckConstraint(
                condition=models.Q(action__isnull=False, recommendation__isnull=True)
                | models.Q(action__isnull=True, recommendation__isnull=False),
                name="progress_update_on_one_subject",
                violation_error_message="A progress update is on an action or on a recommendation, not both.",
            ),
        ]
        # An action's latest update (its RAG, the lists' "last update" column) and its page's latest twenty are read
        # from the end of this index, however many updates the action has had (hundreds, reported weekly for years).
        indexes = [models.Index(fields=["action", "-reported_on", "-id"], name="progress_action_newest_idx")]

    def __str__(self):
        return f"Update of {self.reported_on:%d %b %Y} by {self.author.name}"

    @property
    def subject(self):
        return self.action or self.recommendation

    @property
    def audit_review_id(self):
        return self.subject.audit_review_id


def evidence_path(instance, filename):
    return f"evidence/{instance.update_id}/{filename}"


class Evidence(models.Model):
    """A file that evidences a progress update: minutes, a policy, a report."""

    update = models.ForeignKey(ProgressUpdate, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(upload_to=evidence_path, max_length=300)
    description = models.CharField(max_length=300, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    # The file's contents as uploaded, sealed into the audit chain with the rest of the row, so that a file replaced
    # or altered on disk fails verification (core.audit.compare_files). Blank for files uploaded before it was kept.
    sha256 = models.CharField("SHA-256 of the file", max_length=64, blank=True, editable=False)
    history = HistoricalRecords()

    # For the verifier: which file field's contents each hash field records.
    hashed_files = {"file": "sha256"}

    class Meta:
        ordering = ["uploaded_at"]
        verbose_name_plural = "evidence"

    def __str__(self):
        return self.description or self.file.name

    @property
    def audit_review_id(self):
        return self.update.audit_review_id


class Comment(models.Model):
    """A member's challenge to an owner about a recommendation or action, and the owner's answer."""

    recommendation = models.ForeignKey(
        Recommendation, null=True, blank=True, on_delete=models.PROTECT, related_name="comments"
    )
    action = models.ForeignKey(Action, null=True, blank=True, on_delete=models.PROTECT, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="comments")
    addressed_to = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="challenges_received"
    )
    question = models.TextField()
    asked_at = models.DateTimeField(auto_now_add=True)
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="answers"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    # The owner a deputy answered for (Delegation).
    answered_for = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="answers_by_deputy"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-asked_at"]
        constraints = [
            CheckConstraint(
                condition=models.Q(action__isnull=False, recommendation__isnull=True)
                | models.Q(action__isnull=True, recommendation__isnull=False),
                name="comment_on_one_subject",
                violation_error_message="A challenge is about an action or a recommendation, not both.",
            ),
            CheckConstraint(
                condition=models.Q(answered_at__isnull=True) | ~models.Q(answer=""),
                name="comment_answered_has_answer",
                violation_error_message="An answered challenge needs its answer.",
            ),
        ]

    def __str__(self):
        return self.question[:80]

    @property
    def subject(self):
        return self.action or self.recommendation

    @property
    def audit_review_id(self):
        return self.subject.audit_review_id

    @property
    def is_answered(self) -> bool:
        return bool(self.answer)


class UpdateRound(models.Model):
    """A request for progress updates before a meeting: every owner of an open action in scope is asked once, with a
    respond-by date, and the meeting sees who responded and what has no update."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="update_rounds")
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="update_rounds")
    respond_by = models.DateField()
    due_within_days = models.PositiveIntegerField(
        null=True, blank=True, help_text="Only actions due within this many days (overdue ones too); blank: all open."
    )
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-opened_at", "-id"]

    def __str__(self):
        return f"Update round for {self.meeting}"

    def get_absolute_url(self):
        return reverse("recommendations:round_detail", args=[self.pk])

    @property
    def scope_label(self) -> str:
        if self.due_within_days is None:
            return "every open action"
        return f"open actions due within {self.due_within_days} days, and those overdue"


class UpdateRequest(models.Model):
    """One owner's part of a round: their actions in scope, and when they responded."""

    round = models.ForeignKey(UpdateRound, on_delete=models.PROTECT, related_name="requests")
    owner = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="update_requests")
    actions = models.ManyToManyField(Action, related_name="update_requests")
    responded_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(m2m_fields=[actions])

    class Meta:
        ordering = ["owner__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "owner"], name="update_request_one_per_owner"),
        ]

    def __str__(self):
        return f"{self.owner.name}: {self.round}"

    def get_absolute_url(self):
        return reverse("recommendations:round_respond", args=[self.pk])


class DelegationQuerySet(models.QuerySet):
    def current(self, today: datetime.date):
        return self.filter(starts_on__lte=today, ends_on__gte=today, ended_at__isnull=True)

    def deputising(self, person, today: datetime.date):
        """The owners `person` is deputy for today, as a subquery of their ids."""
        return self.current(today).filter(deputy=person).values("owner_id")


class Delegation(models.Model):
    """An owner's deputy for a period (leave, say): the deputy may update the owner's actions and answer the
    challenges put to them, each recorded as by the deputy, for the owner."""

    owner = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="delegations_given")
    deputy = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="delegations_held")
    starts_on = models.DateField()
    ends_on = models.DateField()
    # Ended early by the owner (back from leave): no longer in force, its period kept as it was named.
    ended_at = models.DateTimeField(null=True, blank=True, editable=False)
    history = HistoricalRecords()

    objects = DelegationQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "id"]
        constraints = [
            date_order_constraint(
                "starts_on", "ends_on", table="delegation", message="A delegation cannot end before it starts."
            ),
        ]

    def __str__(self):
        return f"{self.deputy.name} for {self.owner.name}, {self.starts_on:%d %b %Y} to {self.ends_on:%d %b %Y}"


def deputy_for(person: Person | None, owner_id: int | None, today: datetime.date) -> bool:
    """Whether `person` is `owner_id`'s deputy today."""
    return deputy_for_any(person, {owner_id} - {None}, today)


def deputy_for_any(person: Person | None, owner_ids: set[int], today: datetime.date) -> bool:
    """Whether `person` is the deputy today of any of `owner_ids`, in one query."""
    if person is None or not owner_ids:
        return False
    return Delegation.objects.current(today).filter(deputy=person, owner_id__in=owner_ids).exists()


class ExtensionRequest(models.Model):
    """An owner's request that a body extend an action's due date or a recommendation's target date: the proposed
    date and why. The body's decision (an extension approved or refused) answers it, and the pack lists both."""

    action = models.ForeignKey(
        Action, null=True, blank=True, on_delete=models.PROTECT, related_name="extension_requests"
    )
    recommendation = models.ForeignKey(
        Recommendation, null=True, blank=True, on_delete=models.PROTECT, related_name="extension_requests"
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    current_date = models.DateField(help_text="The date in force when it was asked for.")
    proposed_date = models.DateField()
    reason = models.TextField()
    decision = models.OneToOneField(
        Decision, null=True, blank=True, on_delete=models.PROTECT, related_name="extension_request"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            CheckConstraint(
                condition=models.Q(action__isnull=False, recommendation__isnull=True)
                | models.Q(action__isnull=True, recommendation__isnull=False),
                name="extension_request_on_one_subject",
                violation_error_message="An extension is asked for an action or a recommendation, not both.",
            ),
        ]

    def __str__(self):
        return f"Extension to {self.proposed_date:%d %B %Y} asked for {self.subject}"

    @property
    def subject(self):
        return self.action or self.recommendation

    @property
    def audit_review_id(self):
        return self.subject.audit_review_id
