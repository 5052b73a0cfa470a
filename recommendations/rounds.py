"""Update rounds: before a meeting, the programme manager asks every owner of an open action for an update by a date;
each owner answers all their items in one form, and the meeting sees who responded and which items have none.

Each write is one transaction with its history rows, as in recommendations.services; the owners are told through
the signal update_requested (bvgov.notifications listens).
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, DateField, Exists, F, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import ngettext

from core.audit import sealed_together
from core.history import save_with_history, set_m2m_with_history
from core.pagination import first_rows_and_count
from programmes.models import Meeting, Programme

from . import signals
from .models import Action, ProgressUpdate, UpdateRequest, UpdateRound, deputy_for
from .permissions import person_of
from .querysets import open_action_q
from .services import action_report_progress


def round_items(*, programme: Programme, due_within_days: int | None, today: datetime.date):
    """The open actions with an owner that a round asks about: every one of the programme's, or those due within
    `due_within_days` (overdue ones included)."""
    actions = Action.objects.filter(open_action_q(), owner__isnull=False, recommendation__source__programme=programme)
    if due_within_days is not None:
        actions = actions.filter(due_date__lte=today + datetime.timedelta(days=due_within_days))
    return actions


def can_open_round(user) -> bool:
    return user.has_perm("recommendations.add_updateround")


@transaction.atomic
def round_open(
    *,
    meeting: Meeting,
    programme: Programme,
    respond_by: datetime.date,
    due_within_days: int | None,
    actor,
    today: datetime.date | None = None,
) -> UpdateRound:
    """Open a round for a meeting to come: one request per owner, listing their actions in scope."""
    today = today or timezone.localdate()
    if actor is not None and not can_open_round(actor):
        raise PermissionDenied("Only the programme manager opens an update round.")
    if meeting.date < today:
        raise ValidationError({"meeting": "That meeting has taken place: a round prepares for a meeting to come."})
    if respond_by < today:
        raise ValidationError({"respond_by": "The respond-by date cannot be in the past."})
    if respond_by > meeting.date:
        raise ValidationError({"respond_by": f"Owners must respond by the meeting, on {meeting.date:%d %B %Y}."})
    if due_within_days is not None and due_within_days < 0:
        raise ValidationError({"due_within_days": "Give a number of days, 0 or more."})
    by_owner: dict[int, list[int]] = {}
    for action_id, owner_id in round_items(
        programme=programme, due_within_days=due_within_days, today=today
    ).values_list("id", "owner_id"):
        by_owner.setdefault(owner_id, []).append(action_id)
    if not by_owner:
        raise ValidationError("No open action with an owner is in this scope: there is nobody to ask.")
    reason = f"Update round opened for {meeting}: respond by {respond_by:%d %B %Y}"
    with sealed_together():
        update_round = save_with_history(
            UpdateRound(
                meeting=meeting,
                programme=programme,
                respond_by=respond_by,
                due_within_days=due_within_days,
                opened_by=actor,
                opened_at=timezone.now(),
            ),
            actor=actor,
            reason=reason,
        )
        requests = []
        for owner_id, action_ids in by_owner.items():
            request = save_with_history(
                UpdateRequest(round=update_round, owner_id=owner_id), actor=actor, reason=reason
            )
            set_m2m_with_history(request, "actions", action_ids, actor=actor, reason=reason)
            requests.append(request)
    for request in requests:
        signals.update_requested.send(sender=UpdateRequest, request=request, actor=actor)
    return update_round


def can_respond(user, request: UpdateRequest) -> bool:
    """The owner asked, their deputy for the time being, and the programme manager (for an owner who cannot sign
    in)."""
    if user.has_perm("recommendations.change_action"):
        return True
    person = person_of(user)
    if person is None or not user.has_perm("recommendations.add_progressupdate"):
        return False
    return person.pk == request.owner_id or deputy_for(person, request.owner_id, timezone.localdate())


@dataclass
class ItemUpdate:
    """One item of an owner's response: its new status, the reason for a change, and a note."""

    action: Action
    status: str
    reason: str = ""
    note: str = ""
    seen_version: int | None = None

    @property
    def says_something(self) -> bool:
        return self.status != self.action.status or bool(self.note.strip())


@transaction.atomic
def round_respond(
    *, request: UpdateRequest, actor, items: list[ItemUpdate], today: datetime.date | None = None
) -> list[ProgressUpdate]:
    """An owner's response to a round, all their items in one step: each item that changes or has a note becomes a
    progress update (through action_report_progress, with its checks); any refusal refuses the whole response, so
    nothing is partly written. Items left as they are count as having no update this round."""
    if not can_respond(actor, request):
        raise PermissionDenied("Only the owner asked, or the programme manager, can respond to this request.")
    # A deputy responds in their own name, for the owner (action_report_progress records it so).
    person = person_of(actor)
    deputising = person is not None and deputy_for(person, request.owner_id, today or timezone.localdate())
    author = person if deputising else request.owner
    updates = []
    for item in items:
        if not item.says_something:
            continue
        try:
            updates.append(
                action_report_progress(
                    action=item.action,
                    actor=actor,
                    author=author,
                    status=item.status,
                    rag_override=item.action.rag_override,
                    reason=item.reason,
                    note=item.note,
                    today=today,
                    seen_version=item.seen_version,
                )
            )
        except ValidationError as error:
            raise ValidationError({f"action-{item.action.pk}": error.messages}) from error
    if not updates:
        raise ValidationError("Nothing to send: give at least one item a progress note or a new status.")
    locked = UpdateRequest.objects.select_for_update().get(pk=request.pk)
    if locked.responded_at is None:
        locked.responded_at = timezone.now()
        save_with_history(locked, actor=actor, reason=f"Responded to the {locked.round}")
    return updates


@dataclass(frozen=True)
class Asked:
    """One owner's request in a round, as its summary shows it: a row of values, for the 600 owners of a large
    programme's round."""

    id: int
    owner_id: int
    owner_name: str
    responded_at: datetime.datetime | None
    items: int

    def get_absolute_url(self) -> str:
        return reverse("recommendations:round_respond", args=[self.id])

    # Each summary line as one string: a long round's lists are hundreds of lines, and the template engine's cost is
    # per variable it renders.
    waiting_label: str

    @property
    def responded_label(self) -> str:
        return f"{self.owner_name}, {date_format(timezone.localtime(self.responded_at), 'j M Y')}"


# The actions with no update a round's page lists; the rest are counted.
ITEMS_SHOWN = 50


@dataclass
class RoundSummary:
    """Who responded to a round, who did not, and the actions with no update since it opened (the first
    ITEMS_SHOWN of them, and how many in all)."""

    update_round: UpdateRound
    responded: list[Asked]
    not_responded: list[Asked]
    items_without_update: list[Action]
    items_without_update_count: int
    items_total: int

    @property
    def owners_total(self) -> int:
        return len(self.responded) + len(self.not_responded)


def round_summary(update_round: UpdateRound, *, as_at: datetime.datetime | None = None) -> RoundSummary:
    """Three queries, however many owners and actions: the requests with their owners and how many actions each has;
    the first actions with no progress update reported since the round opened (by `as_at`, if given, for a past day's
    pack) with how many there are; and those actions with their recommendations."""
    updated = ProgressUpdate.objects.filter(
        action=OuterRef("action_id"), reported_on__gte=update_round.opened_at.date()
    )
    if as_at is not None:
        updated = updated.filter(reported_on__lte=as_at.date())
    # "Name (3 actions)" in the language of the request, translated once for each number of actions, not per owner.
    waiting = {}
    requests = []
    for row in (
        update_round.requests.annotate(items=Count("actions"))
        .values("id", "owner_id", "responded_at", "items", owner_name=F("owner__name"))
        .order_by("owner__name", "id")
    ):
        items = row["items"]
        if items not in waiting:
            waiting[items] = ngettext("%(name)s (%(count)d action)", "%(name)s (%(count)d actions)", items)
        requests.append(Asked(**row, waiting_label=waiting[items] % {"name": row["owner_name"], "count": items}))
    # Read from the round's own rows (its requests' actions), soonest due first, with each item's due date read by
    # its primary key: joined to the actions instead, the planner reads the whole register's actions to sort the
    # round's items before it drops those with an update.
    due_date = Subquery(Action._base_manager.filter(pk=OuterRef("action_id")).order_by().values("due_date"))
    silent, silent_count = first_rows_and_count(
        UpdateRequest.actions.through.objects.filter(updaterequest__round=update_round)
        .filter(~Exists(updated))
        .order_by(Coalesce(due_date, Value(datetime.date.max, output_field=DateField())), "action_id")
        .values("action_id"),
        ITEMS_SHOWN,
    )
    shown = Action._base_manager.select_related("recommendation").in_bulk([row["action_id"] for row in silent])

    def responded(request):
        return request.responded_at is not None and (as_at is None or request.responded_at <= as_at)

    return RoundSummary(
        update_round=update_round,
        responded=[request for request in requests if responded(request)],
        not_responded=[request for request in requests if not responded(request)],
        items_without_update=[shown[row["action_id"]] for row in silent],
        items_without_update_count=silent_count,
        items_total=sum(request.items for request in requests),
    )
