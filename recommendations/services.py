"""Writes to recommendations and actions. Each is one transaction and leaves a history row with actor and reason."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from programmes.history import save_with_history

from .choices import ActionStatus, Rag
from .models import Action


@transaction.atomic
def action_update_status(*, action: Action, actor, status: str, reason: str, today: datetime.date | None = None):
    """Move an action to a new status. A reason is required: it is what the audit trail shows beside the change."""
    if not reason.strip():
        raise ValidationError({"reason": "Say why the status is changing."})
    locked = Action.objects.select_for_update().get(pk=action.pk)
    if status not in ActionStatus.values:
        raise ValidationError({"status": f"'{status}' is not a status an action can have."})
    if not locked.can_move_to(status):
        raise ValidationError(
            {
                "status": f"An action that is {locked.get_status_display().lower()} cannot move to "
                f"{ActionStatus(status).label.lower()}."
            }
        )
    locked.status = status
    locked.completed_on = (today or timezone.localdate()) if status == ActionStatus.COMPLETE else None
    return save_with_history(locked, actor=actor, reason=reason)


@transaction.atomic
def action_override_rag(*, action: Action, actor, rag: str, reason: str):
    """Override an action's derived RAG, or clear the override with rag=''. An override needs a reason."""
    if rag and rag not in Rag.values:
        raise ValidationError({"rag": f"'{rag}' is not a RAG rating."})
    if rag and not reason.strip():
        raise ValidationError({"rag_override_reason": "Say why the derived RAG is being overridden."})
    locked = Action.objects.select_for_update().get(pk=action.pk)
    locked.rag_override = rag
    locked.rag_override_reason = reason if rag else ""
    return save_with_history(locked, actor=actor, reason=reason or "RAG override cleared")
