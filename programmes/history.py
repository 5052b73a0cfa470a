"""Writing to the register with its audit trail: every save names who made it and why."""

from datetime import datetime

from django.db import models, transaction


def save_with_history(instance: models.Model, *, actor, reason: str = "", when: datetime | None = None) -> models.Model:
    """Validate and save one register object, recording the acting user and the reason on its history row.

    Validation runs first (fields, choices, constraints), so bad input raises ValidationError and writes nothing.
    `when` dates the history row at the moment the change really happened (e.g. loading a 2003 report);
    left out, it is now.
    """
    instance.full_clean()
    _mark_history(instance, actor=actor, reason=reason, when=when)
    with transaction.atomic():
        instance.save()
    return instance


def set_m2m_with_history(
    instance: models.Model, field: str, values, *, actor, reason: str = "", when: datetime | None = None
) -> None:
    """Replace a many-to-many field; simple-history records the change on the instance's history, dated as above."""
    _mark_history(instance, actor=actor, reason=reason, when=when)
    getattr(instance, field).set(values)


def _mark_history(instance: models.Model, *, actor, reason: str, when: datetime | None) -> None:
    instance._history_user = actor
    instance._change_reason = reason
    # simple-history reads _history_date off the instance, so a date left by an earlier dated save would
    # otherwise stamp every later change of the same instance.
    if when is not None:
        instance._history_date = when
    else:
        instance.__dict__.pop("_history_date", None)
