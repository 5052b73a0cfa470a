"""The register's version: the only key the pages cache is keyed on.

Every write to the register appends an audit entry in the same transaction, numbered in commit order under the
chain's lock (core.audit), so the newest entry's number, the chain's head, names the state of the whole
register. With today's date (which moves overdue and RAG) it is the version of everything a page shows. A head
lower than one this process has seen means the database was restored to an earlier state: everything the cache
holds may show writes that are gone, so it is cleared.
"""

from django.core.cache import caches
from django.utils import timezone

from core.models import AuditEntry

HIGHEST_HEAD_KEY = "register-highest-head"


def chain_head() -> int:
    """The sequence number of the newest audit entry (0 for an empty trail)."""
    return AuditEntry.objects.order_by("-sequence").values_list("sequence", flat=True).first() or 0


def register_version() -> str:
    """Today's date and the chain's head, for keying the pages cache."""
    head = chain_head()
    cache = caches["pages"]
    seen = cache.get(HIGHEST_HEAD_KEY)
    if seen is not None and head < seen:
        cache.clear()
        seen = None
    if seen is None or head > seen:
        cache.set(HIGHEST_HEAD_KEY, head, None)
    return f"{timezone.localdate().isoformat()}:{head}"
