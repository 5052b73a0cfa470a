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

from django.utils import timezone

from core.models import AuditEntry
from programmes.versions import Entries, chain_head, kept_across

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
# Records that a past day's dashboard reads only from their history (or not at all): their later changes leave it.
AS_AT_INDEPENDENT = DASHBOARD_UNSEEN | {ACTION}


_DATED_ENTRIES = Entries(
    lambda: AuditEntry.objects.values_list("history_date", "content_type__app_label", "content_type__model")
)
_BOARD_ENTRIES = Entries(
    lambda: AuditEntry.objects.values_list(
        "content_type__app_label", "content_type__model", "review_id", "history_type", "changes"
    )
)


def register_version(*, as_at: datetime.date | None = None, head: int | None = None) -> str:
    """The version of what a dashboard shows now (as_at None) or as at the end of a past day; `head` is the
    chain's head if the caller has read it already."""
    today = timezone.localdate()
    head = chain_head() if head is None else head
    if as_at is None or as_at >= today:
        return f"{today}:{head}"
    from .selectors import end_of_day

    end = end_of_day(as_at)
    return kept_across(
        f"as-at-version:{as_at.isoformat()}:{today}",
        head,
        _DATED_ENTRIES,
        lambda entry: entry[0] > end and tuple(entry[1:]) in AS_AT_INDEPENDENT,
        lambda: f"{today}:{as_at.isoformat()}:{head}",
    )


def board_version(body, review_ids: set) -> str:
    """The version of one board's dashboard: it stands across writes to records outside the board's reviews
    (`review_ids`, read now) of the kinds in BOARD_UNSEEN_ELSEWHERE, such as another review's actions being
    updated, and moves on anything else: a change in one of its reviews, to its meetings, a person's name, a review
    joining or leaving the board, a record moving between reviews."""
    today = timezone.localdate()
    head = chain_head()
    return kept_across(
        f"board-version:{body.pk}:{today}",
        head,
        _BOARD_ENTRIES,
        lambda entry: _leaves_board(entry, review_ids),
        lambda: f"{today}:{head}",
    )


def _leaves_board(entry: tuple, review_ids: set) -> bool:
    app_label, model, review_id, history_type, changes = entry
    if review_id in review_ids or (app_label, model) not in BOARD_UNSEEN_ELSEWHERE:
        return False
    # A record added to (or deleted from) another review was never in one of the board's; only a change can have
    # moved it out of one. (A new record's entry lists all its fields, the one naming its parent among them.)
    return history_type != "~" or not any(change.get("field") in MOVING_FIELDS for change in changes)
