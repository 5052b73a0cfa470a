"""Reminder digests: each action owner hears about their own due and overdue actions, each board's chair about the
overdue actions of the board's reviews, and whoever asked for a daily digest of notifications about the ones they
have not read. Run daily by `manage.py send_reminders`.

Selection is three queries whatever the size of the register (actions with their owners and reports, the chairs'
seats, the reviews' board links) and returns plain data, so it can be read and tested apart from the sending.
Sending is at most once per recipient, kind, board and day: the ReminderSent row is written in the transaction that
queues the email, and the email leaves only when that transaction commits. Each digest fails alone: one that cannot
be written (a line break in a board's name is not a valid subject) is never recorded, one the mail server refuses
has its record taken back, each with the reason logged, and the others are sent.
"""

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from functools import partial

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.template.defaultfilters import pluralize
from django.template.loader import render_to_string
from django.urls import reverse

from programmes.choices import MembershipRole
from programmes.models import Membership
from recommendations.models import Action
from recommendations.querysets import open_action_q
from reviews.models import Review

from .models import Notification, ReminderSent, User
from .selectors.boards import BOARD_KINDS, REVIEW_BOARD_LINKS, WHOLE_PROGRAMME_KINDS
from .selectors.register import start_of_day

DUE_WITHIN_DAYS = 14
NO_OWNER = "No owner recorded"

logger = logging.getLogger(__name__)


def site_url(path: str) -> str:
    """An absolute address on the site, for links in emails (which have no request to build them from)."""
    return settings.SITE_URL.rstrip("/") + path


def person_email(person) -> str:
    """Where a person is written to: their own address in the register, else their sign-in account's."""
    if person is None:
        return ""
    if person.email:
        return person.email
    return person.user.email if person.user_id and person.user else ""


@dataclass(frozen=True)
class ActionLine:
    """One action as a digest lists it."""

    action_id: int
    description: str
    recommendation: str
    review: str
    owner: str
    due_date: datetime.date
    days_overdue: int
    url: str


@dataclass
class OwnerDigest:
    """An owner's digest: their overdue actions, then those due in the next fortnight."""

    recipient: str
    name: str
    overdue: list[ActionLine] = field(default_factory=list)
    due_soon: list[ActionLine] = field(default_factory=list)


@dataclass
class OwnerGroup:
    owner: str
    actions: list[ActionLine]


@dataclass
class ChairDigest:
    """A chair's digest: the overdue actions of the board's reviews, grouped by owner."""

    recipient: str
    name: str
    body_id: int
    body_name: str
    owners: list[OwnerGroup]

    @property
    def action_count(self) -> int:
        return sum(len(group.actions) for group in self.owners)


def _recommendation_label(recommendation) -> str:
    number = f"Recommendation {recommendation.number}" if recommendation.number else "Recommendation (unnumbered)"
    return f"{number} of {recommendation.source.title}"


def _line(action: Action, today: datetime.date) -> ActionLine:
    recommendation = action.recommendation
    return ActionLine(
        action_id=action.pk,
        description=action.description,
        recommendation=_recommendation_label(recommendation),
        review=recommendation.review.title if recommendation.review else "",
        owner=action.owner.name if action.owner else NO_OWNER,
        due_date=action.due_date,
        days_overdue=action.days_overdue(today),
        url=site_url(reverse("recommendations:action_detail", args=[action.pk])),
    )


def _actions_to_remind(today: datetime.date) -> list[Action]:
    """Every open action that is overdue or due within the fortnight, with what a digest prints about it."""
    return list(
        Action.objects.filter(open_action_q(), due_date__lte=today + datetime.timedelta(days=DUE_WITHIN_DAYS))
        .select_related("owner__user", "recommendation__source", "recommendation__review")
        .order_by("due_date", "id")
    )


def owner_digests(
    *, today: datetime.date, actions: list[Action] | None = None, unreachable: set[str] | None = None
) -> list[OwnerDigest]:
    """One digest per owner's email address (people sharing an address share a digest); no address, no digest (the
    owner's name is added to `unreachable`, if given)."""
    if actions is None:
        actions = _actions_to_remind(today)
    digests: dict[str, OwnerDigest] = {}
    for action in actions:
        recipient = person_email(action.owner)
        if not recipient:
            if action.owner is not None and unreachable is not None:
                unreachable.add(action.owner.name)
            continue
        digest = digests.setdefault(recipient.lower(), OwnerDigest(recipient=recipient, name=action.owner.name))
        line = _line(action, today)
        (digest.overdue if action.days_overdue(today) else digest.due_soon).append(line)
    return sorted(digests.values(), key=lambda digest: (digest.name, digest.recipient))


def _review_ids_by_body(body_ids: set[int], kinds: dict[int, str]) -> dict[int, set[int]]:
    """Which reviews each body answers for, by the rule of bvgov.selectors.boards.board_reviews, in one query."""
    links = Review.objects.values_list("id", *(f"{link}_id" for link in REVIEW_BOARD_LINKS))
    by_body: dict[int, set[int]] = {body_id: set() for body_id in body_ids}
    for review_id, *linked in links:
        for body_id in body_ids:
            if kinds[body_id] in WHOLE_PROGRAMME_KINDS or body_id in linked:
                by_body[body_id].add(review_id)
    return by_body


def current_chairs(today: datetime.date):
    """The chairs of boards and committees on the day, with their board and how to reach them."""
    return (
        Membership.objects.filter(role=MembershipRole.CHAIR, body__kind__in=BOARD_KINDS)
        .filter(Q(start_date__isnull=True) | Q(start_date__lte=today))
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .select_related("person__user", "body")
        .order_by("body__name", "person__name")
    )


def chair_digests(
    *, today: datetime.date, actions: list[Action] | None = None, unreachable: set[str] | None = None
) -> list[ChairDigest]:
    """One digest per chair and board whose reviews have overdue actions, those actions grouped by owner. A chair
    with no address gets none (their name is added to `unreachable`, if given, when their board has overdue actions)."""
    if actions is None:
        actions = _actions_to_remind(today)
    seats = list(current_chairs(today))
    if not seats:
        return []
    overdue = [action for action in actions if action.days_overdue(today)]
    by_review: dict[int, list[Action]] = defaultdict(list)
    for action in overdue:
        if action.recommendation.review_id is not None:
            by_review[action.recommendation.review_id].append(action)
    review_ids = _review_ids_by_body({seat.body_id for seat in seats}, {seat.body_id: seat.body.kind for seat in seats})
    digests = []
    for seat in seats:
        board_actions = sorted(
            (action for review_id in review_ids[seat.body_id] for action in by_review.get(review_id, ())),
            key=lambda action: (action.owner is None, action.owner.name if action.owner else "", action.due_date),
        )
        if not board_actions:
            continue
        if not person_email(seat.person):
            if unreachable is not None:
                unreachable.add(seat.person.name)
            continue
        groups: dict[str, list[ActionLine]] = {}
        for action in board_actions:
            line = _line(action, today)
            groups.setdefault(line.owner, []).append(line)
        digests.append(
            ChairDigest(
                recipient=person_email(seat.person),
                name=seat.person.name,
                body_id=seat.body_id,
                body_name=seat.body.name,
                owners=[OwnerGroup(owner=owner, actions=lines) for owner, lines in groups.items()],
            )
        )
    return digests


@dataclass
class NotificationDigest:
    """The notifications a person who asked for a daily digest has not read, from the days since their last one."""

    recipient: str
    name: str
    notifications: list = field(default_factory=list)


def notification_digests(*, today: datetime.date) -> list[NotificationDigest]:
    """One digest per person who asked for them (bvgov.models.User.notification_emails), listing their unread
    notifications made before today and since the day of their last digest: two queries (their last digests; the
    notifications, of the people who asked, with them)."""
    daily = User.objects.filter(notification_emails=User.NotificationEmails.DAILY, is_active=True).exclude(email="")
    last = dict(
        ReminderSent.objects.filter(kind=ReminderSent.Kind.NOTIFICATIONS)
        .values_list("recipient")
        .annotate(Max("date"))
        .order_by()
    )
    digests: dict[int, NotificationDigest] = {}
    unread = Notification.objects.filter(recipient__in=daily, read_at__isnull=True, created_at__lt=start_of_day(today))
    for notification in unread.select_related("recipient").order_by("recipient_id", "created_at", "id"):
        user = notification.recipient
        since = last.get(user.email.lower())
        if since is not None and notification.created_at < start_of_day(since):
            continue  # in an earlier digest
        digest = digests.setdefault(user.pk, NotificationDigest(recipient=user.email, name=str(user)))
        digest.notifications.append(notification)
    return list(digests.values())


@dataclass
class ReminderRun:
    """What a run did: digests sent, skipped as already sent today, failed (with why), and who could not be written
    to because the register has no address for them."""

    sent: int = 0
    skipped: int = 0
    failed: list[str] = field(default_factory=list)
    unreachable: set[str] = field(default_factory=set)

    def __str__(self):
        digests = "digest" if self.sent == 1 else "digests"
        summary = f"{self.sent} {digests} sent, {self.skipped} skipped (already sent today)"
        if self.failed:
            summary += f", {len(self.failed)} failed"
        reasons = []
        if self.unreachable:
            count = len(self.unreachable)
            people = "person has" if count == 1 else "people have"
            names = ", ".join(sorted(name.replace("\n", " ") for name in self.unreachable))
            reasons.append(f"{count} {people} something due but no email address: {names}")
        if not (self.sent or self.skipped or self.failed or self.unreachable):
            reasons.append(f"no open action is overdue or due in the next {DUE_WITHIN_DAYS} days")
        return f"{summary}: {'; '.join(reasons)}" if reasons else summary


def _owner_message(digest: OwnerDigest, today: datetime.date) -> EmailMultiAlternatives:
    context = {
        "digest": digest,
        "today": today,
        "due_within_days": DUE_WITHIN_DAYS,
        "my_actions": site_url(reverse("recommendations:my_actions")),
    }
    return _message(
        subject=f"Your best value actions: {len(digest.overdue)} overdue, {len(digest.due_soon)} due soon",
        to=digest.recipient,
        template="bvgov/email/owner_digest",
        context=context,
    )


def _notifications_message(digest: NotificationDigest) -> EmailMultiAlternatives:
    count = len(digest.notifications)
    return _message(
        subject=f"Your bvgov notifications: {count} unread",
        to=digest.recipient,
        template="bvgov/email/notifications_digest",
        context={"digest": digest, "site": settings.SITE_URL.rstrip("/"), "page": site_url(reverse("notifications"))},
    )


def _chair_message(digest: ChairDigest, today: datetime.date) -> EmailMultiAlternatives:
    return _message(
        subject=f"{digest.body_name}: {digest.action_count} overdue action{pluralize(digest.action_count)}",
        to=digest.recipient,
        template="bvgov/email/chair_digest",
        context={"digest": digest, "today": today},
    )


def _message(*, subject: str, to: str, template: str, context: dict) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{template}.txt", context),
        to=[to],
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    return message


def _send(message: EmailMultiAlternatives, record_pk: int, run: ReminderRun, label: str) -> None:
    """Send a digest once its record has committed. If the mail server refuses it, the record is taken back (with
    the reason on its history row), so the digest is not counted as sent and a later run tries again."""
    try:
        mailers.default.send_messages([message])
    except Exception as error:  # whatever the mail backend raises (SMTP, DNS, a refused recipient): this digest only
        reason = f"{label}: not sent ({error})"
        logger.error("Reminder digest %s", reason)
        with transaction.atomic():
            record = ReminderSent.objects.filter(pk=record_pk).first()
            if record is not None:
                record._change_reason = f"Reminder digest not sent: {error}"
                record.delete()
        run.sent -= 1
        run.failed.append(reason)


def send_reminders(*, today: datetime.date) -> ReminderRun:
    """Email every digest not yet sent on `today`; each is recorded and queued in its own transaction, and fails
    alone (see the module's docstring)."""
    run = ReminderRun()
    actions = _actions_to_remind(today)
    outgoing = (
        [
            (ReminderSent.Kind.OWNER, None, digest.recipient, partial(_owner_message, digest, today), digest.name)
            for digest in owner_digests(today=today, actions=actions, unreachable=run.unreachable)
        ]
        + [
            (
                ReminderSent.Kind.CHAIR,
                digest.body_id,
                digest.recipient,
                partial(_chair_message, digest, today),
                f"{digest.name}, chair of {digest.body_name}",
            )
            for digest in chair_digests(today=today, actions=actions, unreachable=run.unreachable)
        ]
        + [
            (
                ReminderSent.Kind.NOTIFICATIONS,
                None,
                digest.recipient,
                partial(_notifications_message, digest),
                digest.name,
            )
            for digest in notification_digests(today=today)
        ]
    )
    sent_today = ReminderSent.objects.filter(date=today).values_list("recipient", "kind", "body_id")
    already = {(recipient.lower(), kind, body_id) for recipient, kind, body_id in sent_today}
    for kind, body_id, recipient, build_message, name in outgoing:
        label = f"to {name} <{recipient}>".replace("\n", " ").replace("\r", " ")
        if (recipient.lower(), kind, body_id) in already:
            run.skipped += 1
            continue
        try:
            message = build_message()
            message.message()  # writes the headers now, so a digest that cannot be sent is never recorded as sent
        except (ValueError, TypeError) as error:
            reason = f"{label}: cannot be written ({error})"
            logger.error("Reminder digest %s", reason)
            run.failed.append(reason)
            continue
        try:
            with transaction.atomic():
                record = ReminderSent(recipient=recipient.lower(), kind=kind, body_id=body_id, date=today)
                record._change_reason = "Reminder digest emailed by send_reminders"
                record.save()
                transaction.on_commit(partial(_send, message, record.pk, run, label))
                run.sent += 1
        except IntegrityError:
            # Another run recorded this digest after we looked: it is theirs to send.
            run.skipped += 1
            continue
    return run
