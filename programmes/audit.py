"""The audit trail: one AuditEntry per simple-history record, with the field changes worked out at write time.

Writes that go through `save()` reach `record_history` through simple-history's post-create signal, inside the
same transaction as the change. Bulk writes (`bulk_create_with_history`) send no signal, so they call
`record_bulk_history` with the records they created.
"""

from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import AuditEntry

EXCLUDED_FROM_DIFF = {"password", "last_login"}


def _display(record, field: models.Field) -> str:
    value = getattr(record, field.attname)
    if value is None or value == "":
        return ""
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation:
        related = getattr(record, field.name, None)
        return str(related) if related is not None else f"#{value}"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)


def _previous(record):
    pk_attname = record.instance_type._meta.pk.attname
    return (
        type(record)
        .objects.filter(**{pk_attname: getattr(record, pk_attname)})
        .filter(
            models.Q(history_date__lt=record.history_date)
            | models.Q(history_date=record.history_date, history_id__lt=record.history_id)
        )
        .order_by("-history_date", "-history_id")
        .first()
    )


def field_changes(record, previous) -> list[dict]:
    """The fields that differ between a history record and the one before it, as display text."""
    changes = []
    for field in type(record).tracked_fields:
        if field.name in EXCLUDED_FROM_DIFF or field.primary_key:
            continue
        new_value = getattr(record, field.attname)
        old_value = getattr(previous, field.attname) if previous is not None else None
        if new_value == old_value or (previous is None and new_value in (None, "")):
            continue
        changes.append(
            {
                "field": field.name,
                "label": str(field.verbose_name).capitalize(),
                "old": _display(previous, field) if previous is not None else "",
                "new": _display(record, field),
            }
        )
    return changes


def _m2m_ids(record, field) -> set:
    if record is None:
        return set()
    target = f"{field.m2m_reverse_field_name()}_id"
    return {getattr(row, target) for row in getattr(record, field.name).all()}


def m2m_changes(record, previous) -> list[dict]:
    """Changes to tracked many-to-many fields, read from simple-history's m2m snapshots."""
    changes = []
    for field in getattr(record, "_history_m2m_fields", []):
        new_ids, old_ids = _m2m_ids(record, field), _m2m_ids(previous, field)
        if new_ids == old_ids:
            continue
        names = {pk: str(obj) for pk, obj in field.related_model.objects.in_bulk(new_ids | old_ids).items()}
        changes.append(
            {
                "field": field.name,
                "label": str(field.verbose_name).capitalize(),
                "old": "; ".join(sorted(names.get(pk, f"#{pk}") for pk in old_ids)),
                "new": "; ".join(sorted(names.get(pk, f"#{pk}") for pk in new_ids)),
            }
        )
    return changes


def _entry(record, instance, content_type: ContentType) -> AuditEntry:
    previous = _previous(record) if record.history_type != "+" else None
    return AuditEntry(
        history_date=record.history_date,
        content_type=content_type,
        object_id=instance.pk,
        object_repr=str(instance)[:300],
        history_id=record.history_id,
        history_type=record.history_type,
        user_id=record.history_user_id,
        reason=record.history_change_reason or "",
        # A record's creation row has no many-to-many links yet: they are set by later saves, each with its own row.
        changes=field_changes(record, previous) + (m2m_changes(record, previous) if previous is not None else []),
        review_id=getattr(instance, "audit_review_id", None),
    )


def record_history(*, history_instance, instance) -> AuditEntry:
    """Write the audit entry of one history record."""
    entry = _entry(history_instance, instance, ContentType.objects.get_for_model(type(instance)))
    entry.save()
    return entry


def record_bulk_history(records: Iterable, instances: Iterable) -> list[AuditEntry]:
    """Write the audit entries of history records created in bulk, in one insert."""
    records, instances = list(records), list(instances)
    if not records:
        return []
    content_type = ContentType.objects.get_for_model(type(instances[0]))
    by_pk = {instance.pk: instance for instance in instances}
    pk_attname = records[0].instance_type._meta.pk.attname
    entries = [_entry(record, by_pk[getattr(record, pk_attname)], content_type) for record in records]
    return AuditEntry.objects.bulk_create(entries, batch_size=1000)
