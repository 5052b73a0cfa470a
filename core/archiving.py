"""Archiving: how a register record entered in error leaves the register without leaving the trail.

Nothing in the register is ever deleted: a delete would cascade, and the audit trail would lose what it points at.
A record archived instead keeps every history row, still opens from the audit trail and its own history, and can be
restored; it simply stops counting. The default manager (`objects`) leaves archived records out, so lists,
dashboards, choices in forms and related managers see only the live register; `all_objects` sees everything, for
detail pages reached from the trail, the admin and restoring. Django's own unique checks and foreign-key validation
use the base manager or the constraint's condition, so an archived record never hides a clash.
"""

from django.db import models
from django.db.models import Q


def active_q(prefix: str = "") -> Q:
    """Not archived, on a model or through a relation (`prefix` like "recommendations__")."""
    return Q(**{f"{prefix}archived_at__isnull": True})


def live_count(relation: str, condition: Q | None = None) -> models.Count:
    """Count the related records through `relation` that are not archived (and meet `condition`, if given).
    Aggregates join tables directly and never pass through the default manager, so they say so themselves."""
    live = active_q(f"{relation}__")
    return models.Count(relation, filter=live & condition if condition is not None else live)


class ActiveManager(models.Manager):
    """The live register: archived records left out."""

    def get_queryset(self):
        return super().get_queryset().filter(active_q())


class Archivable(models.Model):
    """Fields of a record that can be archived: when, and why (who is on the history row of the change)."""

    archived_at = models.DateTimeField(null=True, blank=True, editable=False)
    archive_reason = models.TextField(blank=True, editable=False)

    class Meta:
        abstract = True

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None
