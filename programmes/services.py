"""Writes to the governance register that are more than a plain form save. Each is one transaction."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from core.history import save_with_history

from .decisions import rules_for
from .models import Body, Decision, Meeting
from .permissions import may_record_decision_of
from .selectors import is_decision_subject


@transaction.atomic
def decision_record(
    *,
    subject: models.Model,
    actor,
    body: Body,
    meeting: Meeting | None,
    decided_on: datetime.date,
    kind: str,
    outcome: str,
    minute_reference: str,
    rationale: str,
    reason: str,
    effect: dict | None = None,
) -> Decision:
    """Record a body's decision on a subject (a review, a recommendation), with who recorded it and why.

    The one way a decision enters the register: the subject's own rules (programmes.decisions) refuse a decision
    out of order and carry out an approval (a review's stage move, a recommendation's acceptance) in the same
    transaction. `effect` carries what a decision changes beyond itself, e.g. an extension's new target date.
    """
    if not is_decision_subject(type(subject)):
        raise ValidationError(f"A body does not take decisions on a {subject._meta.verbose_name}.")
    decision = Decision(
        subject=subject,
        body=body,
        meeting=meeting,
        decided_on=decided_on,
        kind=kind,
        outcome=outcome,
        minute_reference=minute_reference,
        rationale=rationale,
        recorded_by=actor,
    )
    if actor is not None and not may_record_decision_of(actor, body):
        raise ValidationError({"body": f"You may record decisions only of the bodies you chair, not of {body}."})
    default_reason = f"Recorded decision: {decision.get_kind_display()}, {decision.get_outcome_display().lower()}"
    decision.full_clean()
    rules = rules_for(subject)
    rules.check(decision=decision, effect=effect)
    rules.apply(decision=decision, actor=actor, reason=reason, effect=effect)
    return save_with_history(decision, actor=actor, reason=reason or default_reason)


@transaction.atomic
def decision_correct(*, decision: Decision, actor, reason: str) -> Decision:
    """Mark a decision recorded in error as corrected, with who and why. It is never deleted: it stays in the chain,
    struck through, and no longer takes effect (the decision rules read only decisions in effect). What it did to
    its subject (a stage move, say) is not undone here: the chain then shows the step as missing until the right
    decision is recorded."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the decision is being corrected."})
    locked = Decision.objects.select_for_update().select_related("body").get(pk=decision.pk)
    if locked.is_corrected:
        raise ValidationError("This decision has already been corrected.")
    if actor is not None and not may_record_decision_of(actor, locked.body):
        raise ValidationError(f"You may correct decisions only of the bodies you chair, not of {locked.body}.")
    locked.corrected_at = timezone.now()
    locked.corrected_by = actor
    locked.correction_reason = reason
    return save_with_history(locked, actor=actor, reason=f"Decision corrected: {reason}")
