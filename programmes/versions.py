"""Versions of register data that outlast unrelated writes, for the per-process "pages" cache.

Every write to the register appends an audit entry in the same transaction, numbered without gaps (programmes.audit),
so the chain's head names the state of the whole register. A value worked out from part of it (a table's live row
count, who owns actions) need not be worked out again after every write: `kept_across` keeps it with the head it was
checked at and reads the entries written since to see whether any of them could change it.
"""

import functools

from django.contrib.contenttypes.models import ContentType
from django.core.cache import caches
from django.core.cache.backends.dummy import DummyCache

from core.models import AuditEntry

from .prepared import Prepared

# More writes than this since a value was checked, and it is worked out afresh rather than checked entry by entry.
CARRY_FORWARD_LIMIT = 500


def page_cache():
    return caches["pages"]


def chain_head() -> int:
    """The sequence number of the newest audit entry: the version of the register as a whole."""
    rows = _CHAIN_HEAD.rows()
    return rows[0][0] if rows else 0


_CHAIN_HEAD = Prepared(lambda: AuditEntry.objects.order_by("-sequence").values_list("sequence")[:1])


def kept_across(key: str, head: int, entries, holds, compute):
    """A value kept in the page cache with the chain's head it was last checked at, carried across writes that
    leave it standing.

    While the head stays, the value is returned as it is. When it has moved, the audit entries written since
    (`entries`, an Entries, read over an indexed range of sequence) are read: if
    `holds(row)` for every one, the value stands and is checked at the new head; otherwise (or after more than
    CARRY_FORWARD_LIMIT writes) `compute()` gives it afresh. Read the head before computing: a row committed in
    between is then in the value and its entry after the head, so it is only computed again.
    """
    cache = page_cache()
    stored = cache.get(key)
    if stored is not None:
        checked, value = stored
        if checked == head:
            return value
        since = entries.since(checked, head)
        if len(since) <= CARRY_FORWARD_LIMIT and all(holds(row) for row in since):
            cache.set(key, (head, value), None)
            return value
    value = compute()
    cache.set(key, (head, value), None)
    return value


class Entries:
    """The audit entries that can change a kept value, as `build()` reads them (a values_list queryset), for
    `kept_across`: the query of those written between two heads is prepared once per process (programmes.prepared);
    a page may check two or three kept values, and compiling each query took longer than running it."""

    def __init__(self, build):
        self._since = Prepared(
            lambda checked, head: build().filter(sequence__gt=checked, sequence__lte=head)[: CARRY_FORWARD_LIMIT + 1],
            int,
            int,
        )

    def since(self, checked: int, head: int) -> list[tuple]:
        return self._since.rows(checked, head)


@functools.cache
def _model_entries(model) -> Entries:
    return Entries(
        lambda: AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(model)).values_list(
            "history_type", "changes"
        )
    )


def _touches(history_type: str, changes: list, fields: frozenset) -> bool:
    """Whether an entry adds, deletes or archives a row, or changes one of `fields`."""
    return history_type != "~" or any(change.get("field") in fields | {"archived_at"} for change in changes)


def live_rows_count(model) -> int:
    """How many live rows `model` has (its default manager's count), kept across writes that create, archive,
    restore or delete none of them: under a stream of status updates the actions list does not count a hundred
    thousand rows on every read."""
    if isinstance(page_cache(), DummyCache):
        return model._default_manager.count()
    return kept_across(
        f"live-rows:{model._meta.label_lower}",
        chain_head(),
        _model_entries(model),
        lambda entry: not _touches(*entry, frozenset()),
        model._default_manager.count,
    )


def fields_version(model, fields: frozenset) -> int:
    """A version of `model`'s rows as far as `fields` go: it moves when a row is added, archived, restored or deleted,
    or one of `fields` changes, and stands across every other change. (The people who own actions change when an
    action's owner does, not when its status does.)"""
    head = chain_head()
    return kept_across(
        f"fields-version:{model._meta.label_lower}:{','.join(sorted(fields))}",
        head,
        _model_entries(model),
        lambda entry: not _touches(*entry, fields),
        lambda: head,
    )
