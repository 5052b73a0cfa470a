"""Writes to reviews that are more than a plain form save. Each is one transaction with actor and reason."""

from django.core.exceptions import ValidationError
from django.db import transaction

from core.history import save_with_history

from .choices import STAGES_BY_DECISION, ReviewStage
from .models import Review


@transaction.atomic
def review_change_stage(*, review: Review, actor, stage: str, reason: str) -> Review:
    """Record a stage that needs no body's decision: the final report submitted, the review closed or withdrawn.

    Every other stage comes from a recorded decision (programmes.services.decision_record).
    """
    if not reason.strip():
        raise ValidationError({"reason": "Say why the review's stage is changing."})
    if stage in STAGES_BY_DECISION:
        raise ValidationError(
            {"stage": f"'{ReviewStage(stage).label}' is reached by recording the decision that approves it."}
        )
    locked = Review.objects.select_for_update().get(pk=review.pk)
    locked.stage = stage
    return save_with_history(locked, actor=actor, reason=reason)
