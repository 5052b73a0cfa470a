"""The audit trail: one AuditEntry per simple-history record, with the field changes worked out at write time.

Writes that go through `save()` reach `record_history` through simple-history's post-create signal, inside the
same transaction as the change. Bulk writes (`bulk_create_with_history`) send no signal, so they call
`record_bulk_history` with the records they created.

Every entry is sealed into a hash chain as it is written: `sequence` numbers the entries without gaps, and
`entry_hash` is the SHA-256 of the previous entry's hash followed by the canonical JSON of the entry's content,
which includes every column of its history row. `verify_chain` recomputes the chain from the first entry,
re-reading each history row, so a changed or deleted audit entry, and a history row edited behind the
application's back, are both found. Database triggers (installed by migration and again after every migrate,
see `install_append_only_guards`) refuse UPDATE and DELETE on the audit table and on every history table.

The register is made of the history tables of the apps whose AppConfig says `audited = True`; an entry's review is
whatever the saved object gives as `audit_review_id`. This module knows no app above it.
"""

import datetime
import decimal
import hashlib
import itertools
import json
import threading
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass

from django.apps import apps as global_apps
from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS, connections, models, router, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from .models import AuditEntry
from .snapshots import canonical_json

GENESIS_HASH = "0" * 64
# Any constant will do, as long as nothing else in the database takes the same advisory lock for another purpose.
CHAIN_LOCK_KEY = 0x62_76_67_6F_76_41_55_44  # "bvgovAUD"
GUARD_NAME = "bvgov_append_only"
GUARD_MESSAGE = "history is append-only"

EXCLUDED_FROM_DIFF = {"password", "last_login"}


def register_apps() -> list[str]:
    """The labels of the apps whose history tables make up the register (`audited = True` on their AppConfig), whose
    history rows are sealed into the chain. Read from the installed apps: a migration's historical app registry
    carries no AppConfig attributes."""
    return [config.label for config in global_apps.get_app_configs() if getattr(config, "audited", False)]


def _display(record, field: models.Field, instance=None) -> str:
    value = getattr(record, field.attname)
    if value is None or value == "":
        return ""
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation:
        related = in_memory(instance, field.name, value)
        if related is None:
            related = getattr(record, field.name, None)
        return str(related) if related is not None else f"#{value}"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%d %b %Y %H:%M:%S").lstrip("0")
    return str(value)


def in_memory(instance, name: str, pk):
    """The object `instance` (the record being saved) already holds for its foreign key `name`, if it is `pk`."""
    if instance is None:
        return None
    field = instance._meta.get_field(name)
    if not field.is_relation or not field.is_cached(instance):
        return None
    related = field.get_cached_value(instance)
    return related if related is not None and related.pk == pk else None


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


def field_changes(record, previous, instance=None) -> list[dict]:
    """The fields that differ between a history record and the one before it, as display text. `instance` is the
    object whose save made `record`: the related objects it holds are named without reading them again."""
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
                "new": _display(record, field, instance),
            }
        )
    return changes


def _m2m_ids(record, previous, field) -> tuple[set, set]:
    """The ids linked by `field` in the snapshots of both history records, read in one query."""
    snapshots = getattr(record, field.name).model  # simple-history's m2m rows, with a `history` key to the record
    records = [r.pk for r in (record, previous) if r is not None]
    target = f"{field.m2m_reverse_field_name()}_id"
    ids = {pk: set() for pk in records}
    rows = snapshots._default_manager.filter(history_id__in=records)
    for history_id, linked in rows.values_list("history_id", target):
        ids[history_id].add(linked)
    return ids[record.pk], ids[previous.pk] if previous is not None else set()


def m2m_changes(record, previous) -> list[dict]:
    """Changes to tracked many-to-many fields, read from simple-history's m2m snapshots."""
    changes = []
    for field in getattr(record, "_history_m2m_fields", []):
        new_ids, old_ids = _m2m_ids(record, previous, field)
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
    # A record's creation row has no many-to-many links yet: they are set by later saves, each with its own row.
    links = m2m_changes(record, previous) if previous is not None else []
    return AuditEntry(
        history_date=record.history_date,
        content_type=content_type,
        object_id=instance.pk,
        object_repr=str(instance)[:300],
        history_id=record.history_id,
        history_type=record.history_type,
        user_id=record.history_user_id,
        reason=record.history_change_reason or "",
        changes=field_changes(record, previous, instance) + links,
        review_id=getattr(instance, "audit_review_id", None),
    )


_batch = threading.local()


def record_history(*, history_instance, instance) -> AuditEntry:
    """Write the audit entry of one history record, sealed onto the end of the chain (inside `sealed_together`,
    when that block ends)."""
    entry = _entry(history_instance, instance, ContentType.objects.get_for_model(type(instance)))
    pending = getattr(_batch, "pending", None)
    if pending is not None:
        pending.append((entry, history_instance))
        return entry
    # Inside the change's own transaction this adds no savepoint; outside one, it holds the chain lock until the
    # entry is committed.
    with transaction.atomic(savepoint=False):
        _seal([entry], [history_instance])
        entry.save()
    return entry


@contextmanager
def sealed_together(using: str = DEFAULT_DB_ALIAS):
    """Within one change's transaction: the audit entries of every save in the block are sealed onto the chain
    together when the block ends, in the order the saves were made, with one lock and one insert.

    The entries are the same as if each save had sealed its own. If the block raises, nothing is sealed, and the
    transaction around it rolls the saves back. Use it around a service that lets every error out: an error caught
    inside the block, after a save whose savepoint was rolled back, would leave an entry for a history row that is
    not there (verify_chain would report it).
    """
    if getattr(_batch, "pending", None) is not None:
        yield
        return
    if not connections[using].in_atomic_block:
        raise transaction.TransactionManagementError("sealed_together() belongs inside the change's transaction.")
    _batch.pending = pending = []
    try:
        yield
    finally:
        _batch.pending = None
    if pending:
        entries = [entry for entry, _ in pending]
        _seal(entries, [record for _, record in pending])
        AuditEntry.objects.using(using).bulk_create(entries)


def record_bulk_history(records: Iterable, instances: Iterable) -> list[AuditEntry]:
    """Write the audit entries of history records created in bulk, in one insert, sealed onto the chain in order."""
    records, instances = list(records), list(instances)
    if not records:
        return []
    content_type = ContentType.objects.get_for_model(type(instances[0]))
    by_pk = {instance.pk: instance for instance in instances}
    pk_attname = records[0].instance_type._meta.pk.attname
    entries = [_entry(record, by_pk[getattr(record, pk_attname)], content_type) for record in records]
    with transaction.atomic(savepoint=False):
        _seal(entries, records)
        return AuditEntry.objects.bulk_create(entries, batch_size=1000)


# The hash chain.


def _canonical_value(field: models.Field, value):
    """A column's value as plain JSON, the same whether read off the object being saved or back from the database."""
    if value is None:
        return None
    if isinstance(field, models.JSONField):
        return json.loads(json.dumps(value, cls=field.encoder))
    value = field.to_python(value)
    if isinstance(value, decimal.Decimal) and isinstance(field, models.DecimalField):
        return str(value.quantize(decimal.Decimal(1).scaleb(-field.decimal_places)))
    if isinstance(value, datetime.datetime):
        return _utc_iso(value)
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    if isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _utc_iso(value: datetime.datetime) -> str:
    # A naive datetime is read as the current time zone, as Django does when it saves one.
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value.astimezone(datetime.UTC).isoformat()


def sealed_fields(history_model) -> list[str]:
    """The columns of a history table that are sealed into the chain: all of them."""
    return sorted(field.attname for field in history_model._meta.concrete_fields)


def entry_content(entry, record) -> dict:
    """What an entry's hash covers: the entry's own columns and the columns of its history row named when sealed.

    `record` is the history row; a column it no longer has counts as changed (its value becomes a marker that
    cannot match anything sealed).
    """
    fields = {field.attname: field for field in type(record)._meta.concrete_fields}
    values = {}
    for name in entry.hashed_fields:
        field = fields.get(name)
        values[name] = _canonical_value(field, getattr(record, name)) if field else {"missing column": name}
    content_type = entry.content_type
    return {
        "content_type": f"{content_type.app_label}.{content_type.model}",
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "history_id": entry.history_id,
        "history_type": entry.history_type,
        "history_date": _utc_iso(entry.history_date),
        "user_id": entry.user_id,
        "reason": entry.reason,
        "changes": entry.changes,
        "review_id": entry.review_id,
        "record": values,
    }


def chain_hash(previous_hash: str, content: dict) -> str:
    return hashlib.sha256((previous_hash + canonical_json(content)).encode("utf-8")).hexdigest()


def _chain_head(using: str) -> tuple[int, str]:
    """The last entry's sequence and hash, taken so that no other writer can append until this transaction ends.

    PostgreSQL: a transaction-scoped advisory lock serialises the writers before they read the head, and under
    READ COMMITTED the read that follows the lock sees the head the previous holder committed. Both happen in the
    function bvgov_chain_head (migration programmes 0008), one round trip: the read is a statement of its own
    there, with its own snapshot. (Locking the last row instead would not do: the first entry has no row to lock,
    and a waiter would re-read a stale head.)
    SQLite: the change and its history row were written earlier in this same transaction, so it already holds
    the database's single write lock and no other connection can append until it commits; a writer whose read
    snapshot is older than our commit cannot upgrade to writing (SQLITE_BUSY) rather than fork the chain.
    On both, the unique `sequence` is the last line of defence.
    """
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT head_sequence, head_hash FROM bvgov_chain_head(%s)", [CHAIN_LOCK_KEY])
            head = cursor.fetchone()
        return head if head[0] is not None else (0, GENESIS_HASH)
    head = AuditEntry.objects.using(using).order_by("-sequence").values_list("sequence", "entry_hash").first()
    return head or (0, GENESIS_HASH)


def _seal(entries: list[AuditEntry], records: list) -> None:
    sequence, previous_hash = _chain_head(router.db_for_write(AuditEntry))
    for entry, record in zip(entries, records, strict=True):
        sequence += 1
        entry.sequence = sequence
        entry.previous_hash = previous_hash
        entry.hashed_fields = sealed_fields(type(record))
        entry.entry_hash = previous_hash = chain_hash(previous_hash, entry_content(entry, record))


def history_model_of(content_type, apps=global_apps):
    """The simple-history model that records changes to the content type's model (kept in another app for a model
    registered from outside it, as accounts' groups are)."""
    model = content_type.model_class() if apps is global_apps else None
    if (manager := getattr(getattr(model, "_meta", None), "simple_history_manager_attribute", None)) is not None:
        return getattr(model, manager).model
    return apps.get_model(content_type.app_label, f"historical{content_type.model}")


def _register_history_models() -> list:
    """The history model of every model tracked in the register's apps, wherever the tracked model lives."""
    tracked = []
    for label in register_apps():
        for history_model in global_apps.get_app_config(label).get_models():
            model = getattr(history_model, "instance_type", None)
            manager = getattr(getattr(model, "_meta", None), "simple_history_manager_attribute", None)
            # Many-to-many snapshots name their through model: they are sealed in their record's entry.
            if manager is not None and getattr(model, manager).model is history_model:
                tracked.append(history_model)
    return tracked


@dataclass(frozen=True)
class ChainReport:
    entries: int
    broken: str = ""
    unsealed: tuple[str, ...] = ()
    unguarded: tuple[str, ...] = ()

    @property
    def intact(self) -> bool:
        return not (self.broken or self.unsealed or self.unguarded)

    def __str__(self) -> str:
        if self.broken:
            return self.broken
        if self.unsealed:
            return (
                f"The {self.entries} entries of the chain are intact, but {'; '.join(self.unsealed)} — the newest "
                "entries were deleted, or a change was written around the audit trail."
            )
        if self.unguarded:
            return f"Audit trail chain intact, but these tables accept changes: {', '.join(self.unguarded)}."
        return f"Audit trail verified: {self.entries} entries, chain intact."


def verify_chain(*, chunk_size: int = 2000, using: str = DEFAULT_DB_ALIAS) -> ChainReport:
    """Recompute the chain from the first entry, re-reading every history row; report the first broken link.

    Entries are read in sequence order in chunks, and the history rows of a chunk with one query per model. The
    chain alone cannot show that its newest entries were cut off, so the history rows of each model are counted
    against its entries too.
    """
    expected_sequence, previous_hash, count = 1, GENESIS_HASH, 0
    entries = (
        AuditEntry.objects.using(using)
        .select_related("content_type")
        .order_by("sequence")
        .iterator(chunk_size=chunk_size)
    )
    for chunk in itertools.batched(entries, chunk_size):
        records = _history_rows(chunk, using)
        for entry in chunk:
            problem = _check(entry, records.get((entry.content_type_id, entry.history_id)), expected_sequence)
            if not problem and entry.previous_hash != previous_hash:
                problem = "does not follow on from the entry before it — the chain was re-ordered or rewritten"
            if problem:
                return ChainReport(entries=count, broken=f"Entry {entry.sequence} ({_describe(entry)}): {problem}")
            expected_sequence, previous_hash, count = entry.sequence + 1, entry.entry_hash, count + 1
    return ChainReport(
        entries=count, unsealed=tuple(_unsealed_history(using)), unguarded=tuple(unguarded_tables(using))
    )


def _unsealed_history(using: str) -> list[str]:
    entries_by_type = dict(
        AuditEntry.objects.using(using)
        .order_by()
        .values_list("content_type")
        .annotate(count=models.Count("id"))
        .values_list("content_type", "count")
    )
    unsealed = []
    for history_model in _register_history_models():
        content_type = ContentType.objects.db_manager(using).get_for_model(history_model.instance_type)
        missing = history_model._base_manager.using(using).count() - entries_by_type.get(content_type.pk, 0)
        if missing > 0:
            unsealed.append(
                f"{missing} history record{'s' if missing > 1 else ''} of {content_type.model} "
                f"{'have' if missing > 1 else 'has'} no audit entry"
            )
    return unsealed


def _check(entry: AuditEntry, record, expected_sequence: int) -> str:
    if entry.sequence != expected_sequence:
        if entry.sequence == expected_sequence + 1:
            return f"entry {expected_sequence} before it is missing — it was deleted"
        return f"entries {expected_sequence} to {entry.sequence - 1} before it are missing — they were deleted"
    if record is None:
        return "its history record is missing — the history row was deleted"
    if chain_hash(entry.previous_hash, entry_content(entry, record)) != entry.entry_hash:
        return "hash does not match its content — the history row or the entry was changed after it was written"
    return ""


def _describe(entry: AuditEntry) -> str:
    content_type = ContentType.objects.get_for_id(entry.content_type_id)
    return f"{content_type.model} #{entry.object_id}, history {entry.history_id}, {entry.history_date:%Y-%m-%d %H:%M}"


def _history_rows(entries: Iterable[AuditEntry], using: str) -> dict:
    wanted: dict[int, list[int]] = {}
    for entry in entries:
        wanted.setdefault(entry.content_type_id, []).append(entry.history_id)
    rows = {}
    for content_type_id, history_ids in wanted.items():
        try:
            model = history_model_of(ContentType.objects.db_manager(using).get_for_id(content_type_id))
        except LookupError:
            continue
        for history_id, record in model._base_manager.using(using).in_bulk(history_ids).items():
            rows[(content_type_id, history_id)] = record
    return rows


# Append-only guards.


def guarded_tables(apps=global_apps) -> list[str]:
    """The audit table and every simple-history table of the register."""
    history_tables = [
        model._meta.db_table
        for label in register_apps()
        for model in apps.get_app_config(label).get_models()
        if model.__name__.startswith("Historical")
    ]
    # The audit table's name is the same in every migration's state, wherever the model is.
    return [AuditEntry._meta.db_table, *sorted(history_tables)]


def _installed_guards(connection) -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgrelid::regclass::text FROM pg_trigger WHERE tgname = %s AND tgenabled <> 'D'", [GUARD_NAME]
            )
            return {name.strip('"') for (name,) in cursor.fetchall()}
        cursor.execute("SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger'")
        names = {name for name, _ in cursor.fetchall()}
        cursor.execute("SELECT DISTINCT tbl_name FROM sqlite_master WHERE type = 'trigger'")
        return {
            table
            for (table,) in cursor.fetchall()
            if {f"{GUARD_NAME}_update_{table}", f"{GUARD_NAME}_delete_{table}"} <= names
        }


def unguarded_tables(using: str = DEFAULT_DB_ALIAS) -> list[str]:
    connection = connections[using]
    if connection.vendor not in ("postgresql", "sqlite"):
        return []
    installed = _installed_guards(connection)
    return [table for table in guarded_tables() if table not in installed]


def install_append_only_guards(schema_editor, tables: Iterable[str]) -> None:
    """Make the tables refuse UPDATE and DELETE, whoever asks (TRUNCATE, which test flushes use, still works)."""
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        # SQLSTATE 23001 (restrict_violation) reaches Django as an IntegrityError, as SQLite's RAISE(ABORT) does.
        schema_editor.execute(
            f"CREATE OR REPLACE FUNCTION {GUARD_NAME}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"RAISE EXCEPTION '{GUARD_MESSAGE}: % on % refused', TG_OP, TG_TABLE_NAME USING ERRCODE = '23001'; "
            "END $$",
            params=None,  # the body's % are PL/pgSQL's, not query parameters
        )
    elif connection.vendor != "sqlite":
        return
    installed = _installed_guards(connection)
    quote = connection.ops.quote_name
    for table in tables:
        if table in installed:
            continue
        if connection.vendor == "postgresql":
            schema_editor.execute(
                f"CREATE TRIGGER {GUARD_NAME} BEFORE UPDATE OR DELETE ON {quote(table)} "
                f"FOR EACH ROW EXECUTE FUNCTION {GUARD_NAME}()"
            )
            continue
        for operation in ("update", "delete"):
            schema_editor.execute(
                f"CREATE TRIGGER IF NOT EXISTS {quote(f'{GUARD_NAME}_{operation}_{table}')} "
                f"BEFORE {operation.upper()} ON {quote(table)} BEGIN SELECT RAISE(ABORT, '{GUARD_MESSAGE}'); END"
            )


def remove_append_only_guards(schema_editor, tables: Iterable[str]) -> None:
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    for table in tables:
        if connection.vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {GUARD_NAME} ON {quote(table)}")
        elif connection.vendor == "sqlite":
            for operation in ("update", "delete"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {quote(f'{GUARD_NAME}_{operation}_{table}')}")


def guard_new_tables(*, installed_by: tuple[str, str], using: str = DEFAULT_DB_ALIAS, apps=None) -> None:
    """Guard history tables created by migrations after the one that installed the guards (`installed_by`, as
    (app label, migration name)), and tables that SQLite rebuilt (its ALTER TABLE copies a table and drops the old
    one, triggers and all). Run after every migrate."""
    connection = connections[using]
    # Migrated back before the guards were installed: leave the tables as those migrations expect them.
    if installed_by not in MigrationRecorder(connection).applied_migrations():
        return
    try:
        tables = guarded_tables(apps or global_apps)
    except LookupError:
        return  # migrated backwards past the register's tables
    with connection.schema_editor() as schema_editor:
        install_append_only_guards(schema_editor, [t for t in tables if t in connection.introspection.table_names()])
