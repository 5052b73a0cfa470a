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
import multiprocessing
import operator
import os
import threading
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import django
from django.apps import apps as global_apps
from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS, connections, models, router, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.db.models.functions import Cast
from django.utils import timezone

from . import checkpoints as anchors
from .checkpoints import Signed
from .models import AuditCheckpoint, AuditEntry, ChainVerification
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


def _utc_iso_of_stored(value: datetime.datetime) -> str:
    """_utc_iso of a value read back from the database, which is in UTC already."""
    return value.isoformat() if value.tzinfo is datetime.UTC else _utc_iso(value)


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


# Verification.

ENTRY_COLUMNS = (
    "sequence",
    "previous_hash",
    "entry_hash",
    "hashed_fields_text",
    "history_date",
    "content_type_id",
    "object_id",
    "object_repr",
    "history_id",
    "history_type",
    "user_id",
    "reason",
    "changes_text",
    "review_id",
)
# canonical_json's encoder and a JSON decoder, built once: the verifier encodes and decodes every entry of the trail.
_encode = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, check_circular=False, default=str
).encode
_scan = json.JSONDecoder().scan_once


def _decode(text: str):
    """JSON text the database wrote (no surrounding space), without json.loads' checks for it."""
    return _scan(text, 0)[0]


@dataclass(frozen=True)
class ChainReport:
    entries: int
    broken: str = ""
    unsealed: tuple[str, ...] = ()
    unguarded: tuple[str, ...] = ()
    checkpoints: int = 0
    live_rows: int = 0
    files: int = 0
    # The newest checkpoint in the database that the chain was found to match, if any.
    last_checkpoint: Signed | None = None

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
        if self.checkpoints:
            anchored = f"{self.checkpoints} signed checkpoint{pluralize(self.checkpoints)} matched"
        else:
            anchored = "no signed checkpoint yet (manage.py seal_audit_trail makes one)"
        rows = f"{self.live_rows} live row{pluralize(self.live_rows)} checked against the latest history"
        if self.files:
            rows += f"; {self.files} file{pluralize(self.files)} matched the SHA-256 recorded when uploaded"
        return f"Audit trail verified: {self.entries} entries, chain intact; {anchored}; {rows}."


def pluralize(count: int) -> str:
    return "" if count == 1 else "s"


class _Plans:
    """For each content type, its history model's columns, and for each set of sealed columns how each is read back
    to the value it was sealed as. Values read from the database have the column's own type, so most need nothing;
    the rest are converted as `_canonical_value` converts them."""

    def __init__(self, using: str):
        self.using = using
        self.types: dict[int, tuple] = {}
        self.plans: dict[tuple, tuple] = {}

    def type(self, content_type_id: int) -> tuple:
        """(app_label.model, history model or None, its columns)"""
        known = self.types.get(content_type_id)
        if known is None:
            content_type = ContentType.objects.db_manager(self.using).get_for_id(content_type_id)
            try:
                model = history_model_of(content_type)
                columns = (
                    "history_id",
                    *sorted(f.attname for f in model._meta.concrete_fields if f.attname != "history_id"),
                )
            except LookupError:
                model, columns = None, ()
            known = self.types[content_type_id] = (f"{content_type.app_label}.{content_type.model}", model, columns)
        return known

    def plan(self, content_type_id: int, hashed_fields_text: str) -> tuple:
        key = (content_type_id, hashed_fields_text)
        plan = self.plans.get(key)
        if plan is None:
            hashed_fields = json.loads(hashed_fields_text)
            _, model, columns = self.type(content_type_id)
            fields = {field.attname: field for field in model._meta.concrete_fields}
            present = [name for name in hashed_fields if name in fields]
            indices = [columns.index(name) for name in present]
            pick = (
                operator.itemgetter(*indices)
                if len(indices) > 1
                else (lambda row: (row[indices[0]],) if indices else ())
            )
            converted = tuple(
                (name, index, convert)
                for name, index in zip(present, indices, strict=True)
                if (convert := _converter(fields[name])) is not None
            )
            missing = {name: {"missing column": name} for name in hashed_fields if name not in fields}
            plan = self.plans[key] = (tuple(present), pick, converted, missing)
        return plan


def _converter(field: models.Field):
    """How a value of the field read from the database becomes its canonical value; None where it already is."""
    if isinstance(field, models.JSONField):
        return None  # decoded JSON is already plain JSON
    if isinstance(field, models.DecimalField):
        quantum = decimal.Decimal(1).scaleb(-field.decimal_places)
        return lambda value: str(value.quantize(quantum))
    if isinstance(field, models.DateTimeField):
        return _utc_iso_of_stored
    if isinstance(field, models.DateField | models.TimeField):
        return lambda value: value.isoformat()
    if isinstance(field, models.ForeignKey):
        return _converter(field.target_field)
    if isinstance(
        field, models.BooleanField | models.IntegerField | models.FloatField | models.CharField | models.TextField
    ) and not isinstance(field, models.GenericIPAddressField):
        return None
    return lambda value: _canonical_value(field, value)


@dataclass
class _Walk:
    entries: int = 0
    last_sequence: int = 0
    last_hash: str = GENESIS_HASH
    broken: str = ""
    broken_at: int = 0  # the sequence of the entry named in `broken`
    checkpoints: int = 0
    last_checkpoint: Signed | None = None
    per_type: dict | None = None
    signatures: set | None = None
    # A run of the chain walked on its own (_walk_in_runs): its first entry, and the hash that entry says it follows.
    first_sequence: int | None = None
    first_previous: str | None = None
    first_described: str = ""


def _walk_chain(
    *,
    using: str,
    after: tuple[int, str | None],
    checkpoints: dict[int, list[Signed]],
    chunk_size: int,
    upto: int | None = None,
    matched: int | None = None,
) -> _Walk:
    """Recompute the chain from the entry after `after` (sequence, hash), re-reading every history row, and compare
    the entries that checkpoints name with the hash each checkpoint signed. Stops at the first broken link.

    A run of the chain (_walk_in_runs) ends at entry `upto` and starts with the hash before it unknown (None): its
    first link is checked when the runs are joined. `matched` is the last checkpointed entry before the run."""
    plans = _Plans(using)
    walk = _Walk(last_sequence=after[0], last_hash=after[1], per_type={})
    per_type = walk.per_type
    expected_sequence, previous_hash = after[0] + 1, after[1]
    matched_sequence = after[0] if matched is None else matched
    # The same checkpoint is in the database and in the file: each is counted once.
    signatures = walk.signatures = set()
    # The JSON columns are read as text: the sealed columns' names are the same few lists in every entry, decoded
    # once each, and the changes are decoded without a converter per row.
    entries = AuditEntry.objects.using(using).filter(sequence__gt=after[0])
    if upto is not None:
        entries = entries.filter(sequence__lte=upto)
    rows = (
        entries.order_by("sequence")
        .annotate(
            hashed_fields_text=Cast("hashed_fields", models.TextField()),
            changes_text=Cast("changes", models.TextField()),
        )
        .values_list(*ENTRY_COLUMNS)
        .iterator(chunk_size=chunk_size)
    )
    sha256, decode = hashlib.sha256, _decode
    for chunk in itertools.batched(rows, chunk_size):
        records = _history_values(chunk, plans)
        for entry in chunk:
            (sequence, entry_previous, entry_hash, hashed, history_date, content_type_id) = entry[:6]
            problem = ""
            if walk.first_sequence is None:
                walk.first_sequence, walk.first_previous = sequence, entry_previous
                if previous_hash is None:
                    walk.first_described, previous_hash = _describe(entry), entry_previous
            if sequence != expected_sequence:
                problem = _gap(expected_sequence, sequence)
            elif (row := records.get((content_type_id, entry[8]))) is None:
                problem = "its history record is missing — the history row was deleted"
            else:
                names, pick, converted, missing = plans.plan(content_type_id, hashed)
                values = dict(zip(names, pick(row), strict=True))
                for name, index, convert in converted:
                    if (value := row[index]) is not None:
                        values[name] = convert(value)
                if missing:
                    values |= missing
                content = {
                    "content_type": plans.types[content_type_id][0],
                    "object_id": entry[6],
                    "object_repr": entry[7],
                    "history_id": entry[8],
                    "history_type": entry[9],
                    "history_date": _utc_iso_of_stored(history_date),
                    "user_id": entry[10],
                    "reason": entry[11],
                    "changes": decode(entry[12]),
                    "review_id": entry[13],
                    "record": values,
                }
                if sha256((entry_previous + _encode(content)).encode("utf-8")).hexdigest() != entry_hash:
                    problem = (
                        "hash does not match its content — the history row or the entry was changed after it was "
                        "written"
                    )
                elif entry_previous != previous_hash:
                    problem = "does not follow on from the entry before it — the chain was re-ordered or rewritten"
            if not problem and sequence in checkpoints:
                for signed in checkpoints[sequence]:
                    if signed.head_hash != entry_hash:
                        since = (
                            f" since entry {matched_sequence}, where it last matched one" if matched_sequence else ""
                        )
                        problem = (
                            f"its hash is not the one signed by {signed} — the trail up to it was rewritten{since}"
                        )
                        break
                    signatures.add(signed.signature)
                    if signed.checkpoint_id is not None:
                        walk.last_checkpoint = signed
                matched_sequence = sequence
            if problem:
                walk.broken = f"Entry {sequence} ({_describe(entry)}): {problem}"
                walk.broken_at = sequence
                walk.checkpoints = len(signatures)
                return walk
            expected_sequence, previous_hash = sequence + 1, entry_hash
            per_type[content_type_id] = per_type.get(content_type_id, 0) + 1
            walk.entries += 1
    walk.last_sequence, walk.last_hash = expected_sequence - 1, previous_hash
    walk.checkpoints = len(signatures)
    return walk


def _walk_run(name: str, using: str, snapshot: str, run: tuple, checkpoints: dict, chunk_size: int) -> _Walk:
    """One run of the chain (start, upto, last checkpointed entry before it), walked in a process of its own in the
    snapshot of the verification that started it."""
    connection = connections[using]
    connection.settings_dict["NAME"] = name  # the database the caller reads (the test database, in the tests)
    start, upto, matched = run
    try:
        with transaction.atomic(using=using):
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                cursor.execute("SET TRANSACTION SNAPSHOT %s", [snapshot])
            return _walk_chain(
                using=using,
                after=(start - 1, None),
                checkpoints=checkpoints,
                chunk_size=chunk_size,
                upto=upto,
                matched=matched,
            )
    finally:
        connection.close()


def _walk_in_runs(*, using: str, checkpoints: dict, chunk_size: int, workers: int, parallel_from: int) -> _Walk | None:
    """On PostgreSQL, a long chain split into one run of entries per worker, each walked in a process of its own (the
    hashing is Python's, one core each) in this transaction's snapshot; then the runs joined, each one's first entry
    following on from the run before it, as a single walk would check it. None: the chain is too short to split."""
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT MAX(sequence) FROM {AuditEntry._meta.db_table}")
        (last,) = cursor.fetchone()
        if last is None or last < parallel_from:
            return None
        cursor.execute("SELECT pg_export_snapshot()")
        (snapshot,) = cursor.fetchone()
    starts = [1 + last * index // workers for index in range(workers)]
    runs = []
    for start, next_start in zip(starts, [*starts[1:], last + 1], strict=True):
        upto = next_start - 1
        mine = {sequence: signed for sequence, signed in checkpoints.items() if start <= sequence <= upto}
        matched = max((sequence for sequence in checkpoints if sequence < start), default=0)
        runs.append(((start, upto, matched), mine))
    name = connections[using].settings_dict["NAME"]
    context = multiprocessing.get_context("spawn")  # a fresh interpreter: no connection or thread of ours is copied
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=django.setup) as pool:
        walks = [
            future.result()
            for future in [pool.submit(_walk_run, name, using, snapshot, run, mine, chunk_size) for run, mine in runs]
        ]
    joined = _Walk(per_type={}, signatures=set())
    expected_sequence, previous_hash = 1, GENESIS_HASH
    for walk in walks:
        problem = ""
        if walk.first_sequence is not None:
            at = f"Entry {walk.first_sequence} ({walk.first_described}): "
            if walk.first_sequence != expected_sequence:
                problem = at + _gap(expected_sequence, walk.first_sequence)
            elif walk.broken_at == walk.first_sequence:
                problem = walk.broken
            elif walk.first_previous != previous_hash:
                problem = at + "does not follow on from the entry before it — the chain was re-ordered or rewritten"
        problem = problem or walk.broken
        joined.entries += walk.entries
        joined.signatures |= walk.signatures
        for content_type_id, count in walk.per_type.items():
            joined.per_type[content_type_id] = joined.per_type.get(content_type_id, 0) + count
        joined.last_checkpoint = walk.last_checkpoint or joined.last_checkpoint
        if problem:
            joined.broken = problem
            break
        if walk.first_sequence is not None:
            expected_sequence, previous_hash = walk.last_sequence + 1, walk.last_hash
    joined.last_sequence, joined.last_hash = expected_sequence - 1, previous_hash
    joined.checkpoints = len(joined.signatures)
    return joined


def _gap(expected: int, sequence: int) -> str:
    if sequence == expected + 1:
        return f"entry {expected} before it is missing — it was deleted"
    return f"entries {expected} to {sequence - 1} before it are missing — they were deleted"


def _describe(entry: tuple) -> str:
    content_type = ContentType.objects.get_for_id(entry[5])
    return f"{content_type.model} #{entry[6]}, history {entry[8]}, {entry[4]:%Y-%m-%d %H:%M}"


def _history_values(entries: Iterable[tuple], plans: _Plans) -> dict:
    wanted: dict[int, list[int]] = {}
    for entry in entries:
        wanted.setdefault(entry[5], []).append(entry[8])
    rows = {}
    for content_type_id, history_ids in wanted.items():
        _, model, columns = plans.type(content_type_id)
        if model is None:
            continue
        query = model._base_manager.using(plans.using).order_by()
        low, high = min(history_ids), max(history_ids)
        # A chunk of the chain usually holds a run of each table's history rows: read the run by its range, which
        # the database answers from the primary key without a parameter per row.
        if high - low < 2 * len(history_ids):
            query = query.filter(history_id__gte=low, history_id__lte=high)
        else:
            query = query.filter(history_id__in=history_ids)
        for row in query.values_list(*columns):
            rows[(content_type_id, row[0])] = row
    return rows


def _beyond_the_chain(checkpoints: dict[int, list[Signed]], walk: _Walk) -> str:
    """A checkpoint of an entry the chain no longer reaches: its newest entries were cut off, or all of them."""
    beyond = [
        signed for sequence in sorted(checkpoints) if sequence > walk.last_sequence for signed in checkpoints[sequence]
    ]
    if not beyond:
        return ""
    first = beyond[0]
    ends = f"the chain ends at entry {walk.last_sequence}" if walk.last_sequence else "the chain has no entries"
    return (
        f"{str(first)[0].upper()}{str(first)[1:]} names entry {first.sequence}, but {ends} — entries after it were "
        "deleted, or the whole trail was emptied"
    )


def _checkpoints_to_check(*, using: str, files: Iterable, public_key, after: int = 0) -> tuple[dict, str]:
    """Every checkpoint after entry `after`, from the database, the configured checkpoint file and `files`, by the
    sequence it names; or the first that is not validly signed, or a file that cannot be read."""
    found: dict[int, list[Signed]] = {}
    in_database = AuditCheckpoint.objects.using(using).filter(sequence__gt=after)
    sources = [anchors.from_database(in_database)]
    configured = anchors.checkpoint_file()
    if configured is not None and (configured.exists() or AuditCheckpoint.objects.using(using).exists()):
        sources.append(anchors.from_file(configured) if not after else anchors.newest_in_file(configured, after=after))
    sources += [anchors.from_file(Path(path)) for path in files]
    try:
        for source in sources:
            for signed in source:
                if signed.sequence <= after:
                    continue
                if public_key is None:
                    key_problem = anchors.key_problem()
                    return {}, f"{str(signed)[0].upper()}{str(signed)[1:]} cannot be checked: {key_problem}"
                if not signed.valid_under(public_key):
                    return {}, (
                        f"{str(signed)[0].upper()}{str(signed)[1:]} is not validly signed by the key "
                        f"{anchors.public_key_hex(public_key)} — it was forged or altered"
                    )
                found.setdefault(signed.sequence, []).append(signed)
    except anchors.CheckpointFileError as error:
        return {}, str(error)
    return found, ""


def verify_chain(
    *,
    chunk_size: int = 10000,
    using: str = DEFAULT_DB_ALIAS,
    checkpoint_files: Iterable = (),
    public_key=None,
    workers: int | None = None,
    parallel_from: int = 200_000,
) -> ChainReport:
    """Verify the whole trail and name the first broken link: every entry against its history row and the entry
    before it, the chain against every signed checkpoint (in the database, in the checkpoint file and in
    `checkpoint_files`), every history row against its entry (by count), and every live row of the register against
    its latest history row.

    `public_key` checks the checkpoints' signatures; left out, the configured one (core.checkpoints). Everything is
    read in one snapshot (REPEATABLE READ on PostgreSQL), so writes made meanwhile cannot look like tampering.

    On PostgreSQL a chain of `parallel_from` entries or more is walked by `workers` processes (by default one a core),
    each in that snapshot.
    """
    connection = connections[using]
    # Inside a caller's transaction (a test's) it has begun already, and its isolation level is the caller's.
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=using):
        if connection.vendor == "postgresql" and outermost:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        if public_key is None:
            public_key = anchors.configured_public_key_or_none()
        checkpoints, problem = _checkpoints_to_check(using=using, files=checkpoint_files, public_key=public_key)
        if problem:
            return ChainReport(entries=0, broken=problem)
        workers = workers or len(os.sched_getaffinity(0))
        walk = None
        if connection.vendor == "postgresql" and outermost and workers > 1:
            walk = _walk_in_runs(
                using=using,
                checkpoints=checkpoints,
                chunk_size=chunk_size,
                workers=workers,
                parallel_from=parallel_from,
            )
        if walk is None:
            walk = _walk_chain(using=using, after=(0, GENESIS_HASH), checkpoints=checkpoints, chunk_size=chunk_size)
        report = {"entries": walk.entries, "checkpoints": walk.checkpoints, "last_checkpoint": walk.last_checkpoint}
        if walk.broken:
            return ChainReport(broken=walk.broken, **report)
        if problem := _beyond_the_chain(checkpoints, walk):
            return ChainReport(broken=problem, **report)
        unsealed = tuple(_unsealed_history(using, walk.per_type))
        if unsealed:
            return ChainReport(unsealed=unsealed, **report)
        live_rows, problem = compare_live_rows(using)
        if problem:
            return ChainReport(broken=problem, live_rows=live_rows, **report)
        files, problem = compare_files(using)
        if problem:
            return ChainReport(broken=problem, live_rows=live_rows, files=files, **report)
        return ChainReport(live_rows=live_rows, files=files, unguarded=tuple(unguarded_tables(using)), **report)


def _unsealed_history(using: str, entries_by_type: dict) -> list[str]:
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


def _tracked_models() -> list[type[models.Model]]:
    """Every model whose history is sealed into the chain, wherever the model itself lives."""
    return [history_model.instance_type for history_model in _register_history_models()]


def compare_live_rows(using: str = DEFAULT_DB_ALIAS, chunk_size: int = 5000) -> tuple[int, str]:
    """Compare every live row of the register with its latest history row, field by field (the fields history
    tracks), and name the first that differs, has no history, or is gone without a deletion in its history.

    A change made in SQL behind the application's back leaves its row different from its history; a forged history
    row appended to the chain leaves the history different from the row. Returns (rows compared, problem)."""
    compared = 0
    for model in _tracked_models():
        history = model.history.model._base_manager.using(using)
        names = [field.attname for field in model.history.model.tracked_fields]
        pk = model._meta.pk.attname
        at = names.index(pk)
        live = model._base_manager.using(using).order_by(pk).values_list(*names).iterator(chunk_size=chunk_size)
        newest = history.order_by().values(pk).annotate(newest=models.Max("history_id")).values("newest")
        latest = (
            history.filter(history_id__in=newest)
            .order_by(pk)
            .values_list("history_id", "history_type", "history_date", *names)
            .iterator(chunk_size=chunk_size)
        )
        noun = str(model._meta.verbose_name).capitalize()
        row, record = next(live, None), next(latest, None)
        while row is not None or record is not None:
            if record is None or (row is not None and row[at] < record[3 + at]):
                return compared, f"{noun} #{row[at]}: the row has no history — it was written around the audit trail"
            if row is None or record[3 + at] < row[at]:
                if record[1] != "-":
                    return compared, (
                        f"{noun} #{record[3 + at]}: the row is gone, but its history (history {record[0]}) records "
                        "no deletion — it was deleted behind the application's back"
                    )
                record = next(latest, None)
                continue
            compared += 1
            if record[1] == "-":
                return compared, (
                    f"{noun} #{row[at]}: its history records its deletion (history {record[0]}), yet the row is there "
                    "— it was put back behind the application's back"
                )
            if row != record[3:]:
                return compared, _live_difference(noun, names, row, record, row[at])
            row, record = next(live, None), next(latest, None)
    return compared, ""


def sha256_of(file) -> str:
    """The SHA-256 of a file's contents (an upload, or a stored FieldFile), read in chunks; an upload is left at its
    start, to be saved."""
    digest = hashlib.sha256()
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def compare_files(using: str = DEFAULT_DB_ALIAS) -> tuple[int, str]:
    """Compare every stored file whose SHA-256 was recorded when it was uploaded (a model's `hashed_files`: file
    field -> hash field) with that hash, and name the first that is missing or differs. Returns (files checked,
    problem)."""
    checked = 0
    for model in _tracked_models():
        hashed = getattr(model, "hashed_files", {})
        for file_field, hash_field in hashed.items():
            storage = model._meta.get_field(file_field).storage
            rows = (
                model._base_manager.using(using)
                .exclude(**{hash_field: ""})
                .order_by("pk")
                .values_list("pk", file_field, hash_field)
            )
            for pk, name, recorded in rows.iterator(chunk_size=2000):
                noun = f"{str(model._meta.verbose_name).capitalize()} #{pk}"
                try:
                    with storage.open(name, "rb") as stored:
                        actual = sha256_of(stored)
                except OSError:
                    return checked, f"{noun}: its file {name} is missing — it was deleted or moved outside the app"
                checked += 1
                if actual != recorded:
                    return checked, (
                        f"{noun}: its file {name} no longer matches the SHA-256 recorded when it was uploaded "
                        f"({recorded[:12]}…, now {actual[:12]}…) — the file was replaced or altered"
                    )
    return checked, ""


def _live_difference(noun: str, names: list[str], row: tuple, record: tuple, pk) -> str:
    at = next(index for index in range(len(names)) if row[index] != record[3 + index])
    return (
        f"{noun} #{pk}: {names[at]} is “{row[at]}” in the register but "
        f"“{record[3 + at]}” in its latest history row (history {record[0]}, {record[2]:%Y-%m-%d %H:%M}) — the row "
        "was changed behind the application's back, or a history row was forged after it"
    )


@dataclass(frozen=True)
class RecentReport:
    """What the integrity page checks: the trail since the last full verification that found it intact."""

    verification: ChainVerification | None
    entries: int = 0
    checkpoints: int = 0
    head: int = 0
    broken: str = ""
    too_many: int = 0

    @property
    def since(self) -> int:
        return self.verification.checkpoint.sequence if self.verification else 0

    @property
    def intact(self) -> bool:
        return not self.broken and not self.too_many


def verify_recent(*, limit: int, using: str = DEFAULT_DB_ALIAS, chunk_size: int = 5000) -> RecentReport:
    """Verify the trail from the checkpoint the last full verification reached: that checkpoint and every later one
    against their signatures and the chain, and every entry after it against its history row. Refuses (`too_many`)
    when more than `limit` entries came after it, so that a page never recomputes the whole trail; the full run,
    with the live rows, is the command's."""
    verification = (
        ChainVerification.objects.using(using).select_related("checkpoint").order_by("-verified_at", "-id").first()
    )
    head = AuditEntry.objects.using(using).order_by("-sequence").values_list("sequence", flat=True).first() or 0
    report = {"verification": verification, "head": head}
    after = (0, GENESIS_HASH)
    public_key = anchors.configured_public_key_or_none()
    if verification is not None:
        checkpoint = verification.checkpoint
        signed = next(anchors.from_database(AuditCheckpoint.objects.using(using).filter(pk=checkpoint.pk)))
        if public_key is None or not signed.valid_under(public_key):
            return RecentReport(broken=f"The last fully verified checkpoint is not validly signed: {signed}", **report)
        at = AuditEntry.objects.using(using).filter(sequence=checkpoint.sequence).values_list("entry_hash", flat=True)
        if list(at) != [checkpoint.head_hash]:
            return RecentReport(
                broken=f"Entry {checkpoint.sequence} is not the one signed by {signed} — the trail up to it was "
                "rewritten since it was last verified in full",
                **report,
            )
        after = (checkpoint.sequence, checkpoint.head_hash)
    if head - after[0] > limit:
        return RecentReport(too_many=head - after[0], **report)
    checkpoints, problem = _checkpoints_to_check(using=using, files=(), public_key=public_key, after=after[0])
    if problem:
        return RecentReport(broken=problem, **report)
    walk = _walk_chain(using=using, after=after, checkpoints=checkpoints, chunk_size=chunk_size)
    report |= {"entries": walk.entries, "checkpoints": walk.checkpoints}
    problem = walk.broken or _beyond_the_chain(checkpoints, walk)
    if not problem and (unguarded := unguarded_tables(using)):
        problem = f"These tables accept changes: {', '.join(unguarded)}."
    return RecentReport(broken=problem, **report)


# Append-only guards.


def guarded_tables(apps=global_apps) -> list[str]:
    """The audit table and every simple-history table of the register."""
    history_tables = [
        model._meta.db_table
        for label in register_apps()
        for model in apps.get_app_config(label).get_models()
        if model.__name__.startswith("Historical")
    ]
    # The audit table's name is the same in every migration's state, wherever the model is. The checkpoints and the
    # record of full verifications are evidence too, from the migration that made them on.
    evidence = [AuditEntry._meta.db_table]
    for name in ("AuditCheckpoint", "ChainVerification"):
        try:
            evidence.append(apps.get_model("core", name)._meta.db_table)
        except LookupError:
            continue
    return [*evidence, *sorted(history_tables)]


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
