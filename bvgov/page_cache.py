"""Which version of the register a page shows, so that a page rendered once can be served again until it changes.

Every write to the register appends an entry to the audit trail in the same transaction (programmes.audit), and the
entries are numbered without gaps. So the number of the newest entry, the chain's head, names the state of the whole
register: while it stays the same, nothing a page shows has changed. Reading it is one index lookup.

The dashboards are cached in the "pages" cache under that version (and today's date, which moves overdue and
RAG): a hit costs the head lookup and no rendering; any write moves the head, and the next request renders afresh.
The cache is each web process's own memory; the version comes from the database, so every process sees a write at
once and nothing needs to be told to forget.

A dashboard "as at" a past day shows history rows dated up to the end of that day, joined to a few live tables
(titles, names, which review a recommendation belongs to). A write made since is dated now, after that day, and it
changes nothing the page shows unless it is to one of those live tables. So a past day's version is kept across
writes that are all dated after the day and are to records the page does not join to live (actions, progress
updates, challenges, sign-ins): the entries appended since the version was last checked are read (one indexed range
of `sequence`) and, if none of them matters, the version stands. Anything else (a back-dated write, a renamed
review, a person's new name) gives the day a new version.
"""

import datetime

from django.core.cache import caches
from django.db.models import Q
from django.utils import timezone

from programmes.models import AuditEntry

# Records the committee dashboard does not show (no progress notes, challenges or accounts): writes to them change
# nothing on it, live or as at a past day.
DASHBOARD_UNSEEN = frozenset(
    {
        ("recommendations", "progressupdate"),
        ("recommendations", "comment"),
        ("recommendations", "evidence"),
        ("bvgov", "signinevent"),
        ("bvgov", "calendarfeed"),
        ("bvgov", "remindersent"),
        ("bvgov", "user"),
    }
)
ACTION = ("recommendations", "action")
# Records that a past day's dashboard reads only from their history (or not at all): their later changes leave it.
AS_AT_INDEPENDENT = DASHBOARD_UNSEEN | {ACTION}


def page_cache():
    return caches["pages"]


def chain_head() -> int:
    """The sequence number of the newest audit entry: the version of the register as a whole."""
    return AuditEntry.objects.order_by("-sequence").values_list("sequence", flat=True).first() or 0


def _independent_q() -> Q:
    independent = Q()
    for app_label, model in AS_AT_INDEPENDENT:
        independent |= Q(content_type__app_label=app_label, content_type__model=model)
    return independent


def register_version(*, as_at: datetime.date | None = None, head: int | None = None) -> str:
    """The version of what a dashboard shows now (as_at None) or as at the end of a past day; `head` is the
    chain's head if the caller has read it already."""
    today = timezone.localdate()
    head = chain_head() if head is None else head
    if as_at is None or as_at >= today:
        return f"{today}:{head}"
    key = f"as-at-version:{as_at.isoformat()}:{today}"
    cache = page_cache()
    stored = cache.get(key)
    if stored is not None:
        checked, version = stored
        if checked == head:
            return version
        from .selectors import end_of_day

        since = AuditEntry.objects.filter(sequence__gt=checked, sequence__lte=head)
        if not since.filter(Q(history_date__lte=end_of_day(as_at)) | ~_independent_q()).exists():
            cache.set(key, (head, version), None)
            return version
    version = f"{today}:{as_at.isoformat()}:{head}"
    cache.set(key, (head, version), None)
    return version
