"""Reviews of the programme, their aims, and the inspections and audits made of them."""

from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from programmes.db import CheckConstraint, choices_constraint, date_order_constraint
from programmes.models import Body, Decision, Person, Programme

from .choices import (
    STAGE_TRANSITIONS,
    STAGES_BY_DECISION,
    AuditOpinion,
    Inspectorate,
    ProspectsJudgement,
    ReviewKind,
    ReviewStage,
    ServiceJudgement,
)


class Review(models.Model):
    """A best value or service improvement review: its scope, boards, people, dates, money, evidence and stage."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="reviews")
    reference = models.SlugField(max_length=50, unique=True)
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=ReviewKind.choices, default=ReviewKind.BEST_VALUE_REVIEW)
    scope = models.TextField(blank=True)
    stage = models.CharField(max_length=30, choices=ReviewStage.choices, default=ReviewStage.PROPOSED)
    project_board = models.ForeignKey(
        Body, null=True, blank=True, on_delete=models.PROTECT, related_name="reviews_overseen"
    )
    challenge_panel = models.ForeignKey(
        Body, null=True, blank=True, on_delete=models.PROTECT, related_name="reviews_challenged"
    )
    implementation_board = models.ForeignKey(
        Body, null=True, blank=True, on_delete=models.PROTECT, related_name="reviews_implemented"
    )
    project_director = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="reviews_directed"
    )
    team_leader = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="reviews_led")
    nominated_member = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="reviews_as_member"
    )
    planned_start = models.DateField(null=True, blank=True)
    planned_end = models.DateField(null=True, blank=True)
    actual_start = models.DateField(null=True, blank=True)
    actual_end = models.DateField(null=True, blank=True)
    budget = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    cost = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    challenge_evidence = models.TextField("Challenge", blank=True, help_text="Why and how is the service provided?")
    compare_evidence = models.TextField("Compare", blank=True, help_text="How does performance compare with others?")
    consult_evidence = models.TextField("Consult", blank=True, help_text="Whom did the review consult, and how?")
    compete_evidence = models.TextField("Compete", blank=True, help_text="Was the service opened to competition?")
    final_report_title = models.CharField(max_length=300, blank=True)
    final_report_date = models.DateField(null=True, blank=True)
    final_report_reference = models.CharField(max_length=100, blank=True)
    final_report_summary = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    decisions = GenericRelation(Decision, content_type_field="subject_type", object_id_field="subject_id")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-planned_start", "title"]
        constraints = [
            choices_constraint("kind", ReviewKind, table="review"),
            choices_constraint("stage", ReviewStage, table="review"),
            date_order_constraint(
                "planned_start",
                "planned_end",
                table="review",
                message="The planned end cannot be before the planned start.",
            ),
            date_order_constraint(
                "actual_start",
                "actual_end",
                table="review",
                message="The actual end cannot be before the actual start.",
            ),
            CheckConstraint(
                condition=(models.Q(budget__isnull=True) | models.Q(budget__gte=0))
                & (models.Q(cost__isnull=True) | models.Q(cost__gte=0)),
                name="review_money_not_negative",
                violation_error_message="Budget and cost cannot be negative.",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("reviews:review_detail", args=[self.pk])

    @property
    def audit_review_id(self):
        return self.pk

    def can_move_to(self, stage: str) -> bool:
        return stage in STAGE_TRANSITIONS[self.stage]

    def clean(self):
        stored = type(self).objects.filter(pk=self.pk).values_list("stage", flat=True).first() if self.pk else None
        # A register loaded from past reports records stages as the reports state them (see demo.loader);
        # the decision chain then shows any step that has no recorded decision.
        if stored is None or stored == self.stage or getattr(self, "_stage_as_reported", False):
            return
        if not (stored in STAGE_TRANSITIONS and self.stage in STAGE_TRANSITIONS[stored]):
            raise ValidationError(
                {
                    "stage": f"A review cannot move from {ReviewStage(stored).label.lower()} "
                    f"to {self.get_stage_display().lower()}."
                }
            )
        # reviews.workflow marks the review with the decision that moves it; no other path may enter these stages.
        if self.stage in STAGES_BY_DECISION and getattr(self, "_stage_decision", None) is None:
            raise ValidationError(
                {
                    "stage": f"A review becomes {self.get_stage_display().lower()} only through a recorded decision "
                    "of the body that owns that step."
                }
            )


class Aim(models.Model):
    """An aim of a review, which is SMART only when it has a measure, a target and a deadline."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="aims")
    number = models.PositiveSmallIntegerField()
    text = models.TextField()
    measure = models.CharField(max_length=300, blank=True)
    target = models.CharField(max_length=300, blank=True)
    deadline = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["review", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "number"],
                name="aim_unique_number",
                violation_error_message="This review already has an aim with this number.",
            )
        ]

    def __str__(self):
        return f"Aim {self.number}: {self.text[:80]}"

    def get_absolute_url(self):
        return reverse("reviews:review_detail", args=[self.review_id]) + "#aims"

    @property
    def audit_review_id(self):
        return self.review_id

    @property
    def missing_for_smart(self) -> list[str]:
        """What the aim lacks to be SMART, in the words a committee would use."""
        missing = []
        if not self.measure.strip():
            missing.append("measure")
        if not self.target.strip():
            missing.append("target")
        if self.deadline is None:
            missing.append("deadline")
        return missing

    @property
    def is_smart(self) -> bool:
        return not self.missing_for_smart


class Inspection(models.Model):
    """An inspection or audit (HMIC, District Audit, internal) of a review, a plan or the programme, with judgements."""

    inspectorate = models.CharField(max_length=30, choices=Inspectorate.choices)
    title = models.CharField(max_length=300)
    reference = models.CharField(max_length=100, blank=True)
    subject = models.CharField(max_length=300, blank=True, help_text="What was inspected, in the report's words.")
    review = models.ForeignKey(Review, null=True, blank=True, on_delete=models.PROTECT, related_name="inspections")
    programme = models.ForeignKey(
        Programme, null=True, blank=True, on_delete=models.PROTECT, related_name="inspections"
    )
    fieldwork_start = models.DateField(null=True, blank=True)
    fieldwork_end = models.DateField(null=True, blank=True)
    published_on = models.DateField()
    service_judgement = models.CharField(max_length=20, choices=ServiceJudgement.choices, blank=True)
    prospects_judgement = models.CharField(max_length=20, choices=ProspectsJudgement.choices, blank=True)
    audit_opinion = models.CharField(max_length=20, choices=AuditOpinion.choices, blank=True)
    summary = models.TextField(blank=True)
    strengths = models.TextField(blank=True)
    areas_for_development = models.TextField(blank=True)
    good_practice = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-published_on", "title"]
        constraints = [
            choices_constraint("inspectorate", Inspectorate, table="inspection"),
            choices_constraint("service_judgement", ServiceJudgement, table="inspection", allow_blank=True),
            choices_constraint("prospects_judgement", ProspectsJudgement, table="inspection", allow_blank=True),
            choices_constraint("audit_opinion", AuditOpinion, table="inspection", allow_blank=True),
            date_order_constraint(
                "fieldwork_start", "fieldwork_end", table="inspection", message="Fieldwork cannot end before it starts."
            ),
            CheckConstraint(
                condition=models.Q(review__isnull=False) | models.Q(programme__isnull=False),
                name="inspection_has_subject",
                violation_error_message="An inspection is of a review or of a programme.",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("reviews:inspection_detail", args=[self.pk])

    @property
    def audit_review_id(self):
        return self.review_id
