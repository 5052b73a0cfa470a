from django.db import models


class ReviewKind(models.TextChoices):
    BEST_VALUE_REVIEW = "best_value", "Best value review"
    SERVICE_IMPROVEMENT_REVIEW = "service_improvement", "Service improvement review"
    SERVICE_REVIEW = "service_review", "Service review"


class ReviewStage(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    SELECTED = "selected", "Selected"
    SCOPING = "scoping", "Scoping"
    IN_REVIEW = "in_review", "In review"
    REPORTED = "reported", "Reported"
    APPROVED_BY_MANAGEMENT_BOARD = "approved_mb", "Approved by management board"
    APPROVED_BY_AUTHORITY = "approved_authority", "Approved by authority"
    IMPLEMENTING = "implementing", "Implementing"
    COMPLETED = "completed", "Completed"
    CLOSED = "closed", "Closed"
    WITHDRAWN = "withdrawn", "Withdrawn"


STAGE_ORDER = [
    ReviewStage.PROPOSED,
    ReviewStage.SELECTED,
    ReviewStage.SCOPING,
    ReviewStage.IN_REVIEW,
    ReviewStage.REPORTED,
    ReviewStage.APPROVED_BY_MANAGEMENT_BOARD,
    ReviewStage.APPROVED_BY_AUTHORITY,
    ReviewStage.IMPLEMENTING,
    ReviewStage.COMPLETED,
    ReviewStage.CLOSED,
]

# A review moves one stage forward at a time, or is withdrawn before it closes; nothing moves backwards.
STAGE_TRANSITIONS: dict[str, frozenset[str]] = {
    stage: frozenset(
        ([STAGE_ORDER[index + 1]] if index + 1 < len(STAGE_ORDER) else [])
        + ([ReviewStage.WITHDRAWN] if stage != ReviewStage.CLOSED else [])
    )
    for index, stage in enumerate(STAGE_ORDER)
}
STAGE_TRANSITIONS[ReviewStage.WITHDRAWN] = frozenset()


class Inspectorate(models.TextChoices):
    HMIC = "hmic", "HM Inspectorate of Constabulary"
    DISTRICT_AUDIT = "district_audit", "District Audit"
    AUDIT_COMMISSION = "audit_commission", "Audit Commission"
    INTERNAL = "internal", "Internal"


class ServiceJudgement(models.TextChoices):
    EXCELLENT = "excellent", "Excellent"
    GOOD = "good", "Good"
    FAIR = "fair", "Fair"
    POOR = "poor", "Poor"


class ProspectsJudgement(models.TextChoices):
    EXCELLENT = "excellent", "Excellent"
    PROMISING = "promising", "Promising"
    UNCERTAIN = "uncertain", "Uncertain"
    POOR = "poor", "Poor"


class AuditOpinion(models.TextChoices):
    UNQUALIFIED = "unqualified", "Unqualified"
    QUALIFIED = "qualified", "Qualified"


# What a review in each stage waits for before it can move on, in the words of the committee's agenda.
AWAITING_DECISION: dict[str, str] = {
    ReviewStage.PROPOSED: "Selection for the programme",
    ReviewStage.REPORTED: "Management board approval of the final report",
    ReviewStage.APPROVED_BY_MANAGEMENT_BOARD: "Authority approval of the final report",
    ReviewStage.APPROVED_BY_AUTHORITY: "Approval of the implementation plan",
    ReviewStage.COMPLETED: "Approval of completion",
}


# Which kinds of body take the decision a review in each stage is waiting for.
AWAITING_BODY_KINDS: dict[str, tuple[str, ...]] = {
    ReviewStage.PROPOSED: ("authority", "committee"),
    ReviewStage.REPORTED: ("management_board",),
    ReviewStage.APPROVED_BY_MANAGEMENT_BOARD: ("authority", "committee"),
    ReviewStage.APPROVED_BY_AUTHORITY: ("authority", "committee"),
    ReviewStage.COMPLETED: ("programme_board",),
}


# Stages a review enters only through a recorded decision (reviews.workflow.STEPS); the others (reported, closed,
# withdrawn) are recorded by the programme manager with a reason.
STAGES_BY_DECISION = frozenset(
    {
        ReviewStage.SELECTED,
        ReviewStage.SCOPING,
        ReviewStage.IN_REVIEW,
        ReviewStage.APPROVED_BY_MANAGEMENT_BOARD,
        ReviewStage.APPROVED_BY_AUTHORITY,
        ReviewStage.IMPLEMENTING,
        ReviewStage.COMPLETED,
    }
)
