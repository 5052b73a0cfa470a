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

from django.contrib.contenttypes.models import ContentType
from django.core.cache import caches
from django.core.cache.backends.dummy import DummyCache
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
# Records a board's dashboard shows only for the board's own reviews (their actions due and overdue, and the changes
# to them since the board last met): a change to one outside those reviews leaves the page as it was. Accounts are
# not among them: the changes name who made them.
BOARD_UNSEEN_ELSEWHERE = frozenset(
    {
        ACTION,
        ("recommendations", "progressupdate"),
        ("recommendations", "comment"),
        ("recommendations", "evidence"),
        ("bvgov", "signinevent"),
        ("bvgov", "calendarfeed"),
        ("bvgov", "remindersent"),
    }
)
# The fields whose change moves a record from one review to another: it may have left one of the board's.
MOVING_FIELDS = frozenset({"recommendation", "action", "update"})
CARRY_FORWARD_LIMIT = 500
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


def board_version(body, review_ids: set) -> str:
    """The version of one board's dashboard: it stands across writes to records outside the board's reviews
    (`review_ids`, read now) of the kinds in BOARD_UNSEEN_ELSEWHERE, such as another review's actions being
    updated, and moves on anything else: a change in one of its reviews, to its meetings, a person's name, a review
    joining or leaving the board, a record moving between reviews."""
    today = timezone.localdate()
    head = chain_head()
    key = f"board-version:{body.pk}:{today}"
    cache = page_cache()
    stored = cache.get(key)
    if stored is not None:
        checked, version = stored
        if checked == head:
            return version
        since = list(
            AuditEntry.objects.filter(sequence__gt=checked, sequence__lte=head).values_list(
                "content_type__app_label", "content_type__model", "review_id", "changes"
            )[: CARRY_FORWARD_LIMIT + 1]
        )
        if len(since) <= CARRY_FORWARD_LIMIT and all(_leaves_board(entry, review_ids) for entry in since):
            cache.set(key, (head, version), None)
            return version
    version = f"{today}:{head}"
    cache.set(key, (head, version), None)
    return version


def _leaves_board(entry: tuple, review_ids: set) -> bool:
    app_label, model, review_id, changes = entry
    if review_id in review_ids or (app_label, model) not in BOARD_UNSEEN_ELSEWHERE:
        return False
    return not any(change.get("field") in MOVING_FIELDS for change in changes)


def live_rows_count(model) -> int:
    """How many live rows `model` has (its default manager's count), kept across writes that create, archive,
    restore or delete none of them: under a stream of status updates the actions list does not count a hundred
    thousand rows on every read. Such a write, found among the model's audit entries written since the count was
    taken (an indexed range), counts afresh. The head is read before counting, so a row committed in between is in
    the count and its entry is after the head: it is only counted again."""
    cache = page_cache()
    if isinstance(cache, DummyCache):
        return model._default_manager.count()
    head = chain_head()
    key = f"live-rows:{model._meta.label_lower}"
    stored = cache.get(key)
    if stored is not None:
        checked, count = stored
        if checked == head:
            return count
        since = list(
            AuditEntry.objects.filter(
                sequence__gt=checked, sequence__lte=head, content_type=ContentType.objects.get_for_model(model)
            ).values_list("history_type", "changes")[: CARRY_FORWARD_LIMIT + 1]
        )
        if len(since) <= CARRY_FORWARD_LIMIT and all(_keeps_rows(*entry) for entry in since):
            cache.set(key, (head, count), None)
            return count
    count = model._default_manager.count()
    cache.set(key, (head, count), None)
    return count


def _keeps_rows(history_type: str, changes: list) -> bool:
    return history_type == "~" and not any(change.get("field") == "archived_at" for change in changes)


def fields_version(model, fields: frozenset) -> int:
    """A version of `model`'s rows as far as `fields` go: it moves when a row is added, archived, restored or deleted,
    or one of `fields` changes, and stands across every other change. (The people who own actions change when an
    action's owner does, not when its status does.) Kept like live_rows_count, from the audit entries written
    since it was last checked."""
    cache = page_cache()
    head = chain_head()
    key = f"fields-version:{model._meta.label_lower}:{','.join(sorted(fields))}"
    stored = cache.get(key)
    if stored is not None:
        checked, version = stored
        if checked == head:
            return version
        since = list(
            AuditEntry.objects.filter(
                sequence__gt=checked, sequence__lte=head, content_type=ContentType.objects.get_for_model(model)
            ).values_list("history_type", "changes")[: CARRY_FORWARD_LIMIT + 1]
        )
        watched = fields | {"archived_at"}
        if len(since) <= CARRY_FORWARD_LIMIT and all(
            history_type == "~" and not any(change.get("field") in watched for change in changes)
            for history_type, changes in since
        ):
            cache.set(key, (head, version), None)
            return version
    cache.set(key, (head, head), None)
    return head
