"""Decisions on recommendations: accepting, partly accepting or not pursuing them, and extending target dates.

The inspectorate wants "the rationale for not pursuing specific recommendations"; a date that slips needs a recorded
extension by a body (with meeting and minute), never a quiet edit. Both are carried out here, in the transaction of
the Decision that authorises them.
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

from core.history import save_with_history
from programmes.choices import DecisionKind, DecisionOutcome
from programmes.models import Body, Decision

from .choices import (
    DECISION_STATUSES_NEEDING_RATIONALE,
    IMPLEMENTATION_CLOSED_STATUSES,
    DecisionStatus,
    ImplementationStatus,
)

DECISION_STATUS_BY_KIND = {
    DecisionKind.ACCEPT_RECOMMENDATION: DecisionStatus.ACCEPTED,
    DecisionKind.PARTLY_ACCEPT_RECOMMENDATION: DecisionStatus.PARTLY_ACCEPTED,
    DecisionKind.REJECT_RECOMMENDATION: DecisionStatus.NOT_PURSUED,
}


def risk_bodies(recommendation) -> list[Body]:
    """The bodies that may accept the risk of not implementing a recommendation: those whose decisions in effect
    accepted it, and its programme's executive body."""
    accepting = Decision.objects.in_effect().filter(
        subject_type__app_label="recommendations",
        subject_type__model="recommendation",
        subject_id=recommendation.pk,
        kind__in=(DecisionKind.ACCEPT_RECOMMENDATION, DecisionKind.PARTLY_ACCEPT_RECOMMENDATION),
        outcome=DecisionOutcome.APPROVED,
    )
    bodies = list(Body.objects.filter(pk__in=accepting.values("body_id")).order_by("name"))
    executive = recommendation.source.programme.executive_body
    if executive is not None and executive not in bodies:
        bodies.append(executive)
    return bodies


class RecommendationDecisionRules:
    """Registered for Recommendation in recommendations.apps."""

    def check(self, *, decision, effect: dict | None = None) -> None:
        recommendation = decision.subject
        status = DECISION_STATUS_BY_KIND.get(decision.kind)
        if status in DECISION_STATUSES_NEEDING_RATIONALE and not decision.rationale.strip():
            raise ValidationError(
                {"rationale": "Give the rationale for not pursuing the recommendation, or for accepting only part."}
            )
        if decision.kind == DecisionKind.ACCEPT_RISK:
            self.check_risk(decision=decision, effect=effect)
        if decision.kind == DecisionKind.APPROVE_EXTENSION and decision.outcome == DecisionOutcome.APPROVED:
            revised = (effect or {}).get("revised_target_date")
            if not isinstance(revised, datetime.date):
                raise ValidationError(
                    "An extension is recorded with the new target date, from the recommendation's page."
                )
            if recommendation.target_ongoing or recommendation.original_target_date is None:
                raise ValidationError("Only a recommendation with a target date can have it extended.")
            if revised <= (recommendation.revised_target_date or recommendation.original_target_date):
                raise ValidationError(
                    {"revised_target_date": "The new target date must be later than the current one."}
                )

    def check_risk(self, *, decision, effect: dict | None) -> None:
        """A risk accepted is a decision of a body that answers for the recommendation (one that accepted it, or
        the programme's executive body), with the rationale and the date it is reviewed again."""
        recommendation = decision.subject
        if decision.outcome != DecisionOutcome.APPROVED:
            raise ValidationError({"outcome": "Record the risk accepted as approved; otherwise nothing changes."})
        if recommendation.implementation_status in IMPLEMENTATION_CLOSED_STATUSES:
            raise ValidationError("This recommendation is already closed.")
        if not decision.rationale.strip():
            raise ValidationError({"rationale": "Give the rationale for accepting the risk of not implementing it."})
        review_date = (effect or {}).get("risk_review_date")
        if not isinstance(review_date, datetime.date):
            raise ValidationError("A risk accepted is recorded with its review date, from the recommendation's page.")
        if decision.decided_on and review_date <= decision.decided_on:
            raise ValidationError({"risk_review_date": "The review date must be after the decision."})
        bodies = risk_bodies(recommendation)
        if decision.body_id not in {body.pk for body in bodies}:
            names = " or ".join(body.name for body in bodies) or "a body that accepted it (none is recorded)"
            raise ValidationError({"body": f"The risk is accepted by the body that answers for it: {names}."})

    def apply(self, *, decision, actor, reason: str, effect: dict | None = None) -> None:
        if decision.outcome != DecisionOutcome.APPROVED:
            return
        recommendation = type(decision.subject).objects.select_for_update().get(pk=decision.subject.pk)
        minute = f", minute {decision.minute_reference}" if decision.minute_reference else ""
        why = f"{decision.get_kind_display()} by {decision.body}{minute}"
        status = DECISION_STATUS_BY_KIND.get(decision.kind)
        if decision.kind == DecisionKind.ACCEPT_RISK:
            review_date = effect["risk_review_date"]
            recommendation.implementation_status = ImplementationStatus.RISK_ACCEPTED
            recommendation.risk_review_date = review_date
            recommendation.closed_by = actor
            recommendation.closed_at = timezone.now()
            recommendation.closure_note = decision.rationale
            recommendation._closure = decision
            save_with_history(recommendation, actor=actor, reason=f"{why}: to be reviewed by {review_date:%d %B %Y}")
        elif status is not None:
            recommendation.decision_status = status
            recommendation.decision_rationale = decision.rationale
            save_with_history(recommendation, actor=actor, reason=why)
        elif decision.kind == DecisionKind.APPROVE_EXTENSION:
            revised = effect["revised_target_date"]
            decision.snapshot = {
                "original_target_date": str(recommendation.original_target_date),
                "previous_target_date": str(recommendation.target_date),
                "revised_target_date": str(revised),
            }
            recommendation.revised_target_date = revised
            recommendation._extension_decision = decision
            save_with_history(recommendation, actor=actor, reason=f"{why}: target moved to {revised:%d %B %Y}")


class ActionDecisionRules:
    """Registered for Action in recommendations.apps: the one decision an action takes is the extension of its due
    date past the original, by a body, with the new date."""

    def check(self, *, decision, effect: dict | None = None) -> None:
        if decision.kind != DecisionKind.APPROVE_EXTENSION:
            raise ValidationError({"kind": "An action's decisions are extensions of its due date."})
        if decision.outcome != DecisionOutcome.APPROVED:
            return
        action = decision.subject
        revised = (effect or {}).get("revised_target_date")  # the new date, as for a recommendation
        if not isinstance(revised, datetime.date):
            raise ValidationError("An extension is recorded with the new due date, from the action's page.")
        if action.due_date is None:
            raise ValidationError("Only an action with a due date can have it extended: give it one first.")
        if revised <= action.due_date:
            raise ValidationError({"revised_target_date": "The new due date must be later than the current one."})

    def apply(self, *, decision, actor, reason: str, effect: dict | None = None) -> None:
        if decision.outcome != DecisionOutcome.APPROVED:
            return
        action = type(decision.subject)._base_manager.select_for_update().get(pk=decision.subject.pk)
        revised = effect["revised_target_date"]
        decision.snapshot = {
            "original_due_date": str(action.original_due_date or action.due_date),
            "previous_due_date": str(action.due_date),
            "revised_due_date": str(revised),
        }
        minute = f", minute {decision.minute_reference}" if decision.minute_reference else ""
        action.due_date = revised
        action._extension_decision = decision
        why = f"{decision.get_kind_display()} by {decision.body}{minute}: due date moved to {revised:%d %B %Y}"
        save_with_history(action, actor=actor, reason=why)
