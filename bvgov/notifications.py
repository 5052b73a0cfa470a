"""Telling people: a challenge goes to the owner it is put to, its answer to the member who asked, a review that
comes to wait for a body's decision to the chair of that body, a recommendation reported implemented to its
verifier, and the verifier's outcome to its owner.

Each notification is written in the transaction of the change it tells of (the domain's signals are sent inside
the service's transaction), with its history, so it exists exactly when the change does. Its email is sent only
after that transaction commits: a mail server that refuses it changes nothing in the register, and the failure is
logged for the administrator; the notification stays on the person's notifications page either way.
"""

import datetime
import logging
from functools import partial

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import transaction
from django.template.defaultfilters import pluralize
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from simple_history.signals import post_create_historical_record

from core.history import save_with_history
from recommendations import signals
from recommendations.choices import ImplementationStatus
from recommendations.escalation import EscalationLevel, accountable_board, escalated_q, escalation_level
from recommendations.models import Action, Delegation, Recommendation, UpdateRequest
from reviews.choices import AWAITING_BODY_KINDS, AWAITING_DECISION
from reviews.models import Review

from .models import Notification
from .reminders import current_chairs
from .selectors.boards import review_boards

logger = logging.getLogger(__name__)


def notify(*, recipient, kind: str, text: str, url: str, actor) -> Notification | None:
    """Tell `recipient` (a user; None, or the actor themself, is nobody to tell) about a record."""
    if recipient is None or recipient == actor or not recipient.is_active:
        return None
    notification = Notification(recipient=recipient, kind=kind, text=Truncator(text).chars(300), url=url)
    save_with_history(notification, actor=actor, reason=f"{notification.get_kind_display()}: told {recipient}")
    if recipient.email and recipient.notification_emails == recipient.NotificationEmails.EACH:
        transaction.on_commit(partial(_email, notification.pk))
    return notification


def notify_once(*, kind: str, messages, per_url: bool = True) -> int:
    """Tell each of `messages` (recipient, url, text; a recipient of None is nobody to tell) that has not been told
    before as a notification of `kind`, each in its own transaction; how many were told. What was told is read in one
    query, so a daily notifier run twice on a day tells nobody again. With `per_url` False a text already told under
    another url counts as told."""
    messages = [(recipient, url, text) for recipient, url, text in messages if recipient is not None]
    if not messages:
        return 0
    told_before = Notification.objects.filter(kind=kind, recipient__in={recipient.pk for recipient, _, _ in messages})
    sent = {
        (recipient_id, url if per_url else None, text)
        for recipient_id, url, text in told_before.values_list("recipient_id", "url", "text")
    }
    told = 0
    for recipient, url, text in messages:
        # The key as notify() stores it, so a long text is matched after it has been cut to fit.
        key = (recipient.pk, url if per_url else None, Truncator(text).chars(300))
        if key in sent:
            continue
        with transaction.atomic():
            told += bool(notify(recipient=recipient, kind=kind, text=text, url=url, actor=None))
        sent.add(key)
    return told


def set_notification_emails(*, user, choice: str, actor) -> None:
    """How the person is emailed their notifications: each as it comes, a daily digest, or not at all."""
    user.notification_emails = choice
    save_with_history(user, actor=actor, reason=f"Notification emails: {user.get_notification_emails_display()}")


def mark_read(*, notifications, actor) -> int:
    """Mark the actor's own unread notifications among `notifications` as read; how many were."""
    now = timezone.now()
    count = 0
    with transaction.atomic():
        for notification in notifications.filter(recipient=actor, read_at__isnull=True).select_for_update():
            notification.read_at = now
            save_with_history(notification, actor=actor, reason="Notification read")
            count += 1
    return count


def _email(pk: int) -> None:
    notification = Notification.objects.select_related("recipient").get(pk=pk)
    site = settings.SITE_URL.rstrip("/")
    context = {
        "notification": notification,
        "link": site + notification.url,
        "notifications_link": site + reverse("notifications"),
    }
    message = EmailMultiAlternatives(
        subject=notification.get_kind_display() + ": " + Truncator(notification.text).chars(100),
        body=render_to_string("bvgov/email/notification.txt", context),
        to=[notification.recipient.email],
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(render_to_string("bvgov/email/notification.html", context), "text/html")
    try:
        mailers.default.send_messages([message])
    except Exception:  # whatever the mail backend raises: this email only; the notification is in the app
        logger.exception("Notification %s was not emailed to %s", pk, notification.recipient.email)


def _subject_line(comment) -> str:
    return f"the action “{comment.action}”" if comment.action_id else str(comment.recommendation)


def on_challenge_asked(sender, comment, **kwargs):
    """The owner is told, and their deputy for the time being."""
    owner = comment.addressed_to
    deputies = Delegation.objects.current(timezone.localdate()).filter(owner=owner).select_related("deputy__user")
    for person in [owner, *(delegation.deputy for delegation in deputies)] if owner else []:
        notify(
            recipient=getattr(person, "user", None),
            kind=Notification.Kind.CHALLENGE,
            text=f"{comment.author} asks about {_subject_line(comment)}: {comment.question}",
            url=f"{comment.subject.get_absolute_url()}#challenges",
            actor=comment.author,
        )


def on_deputy_named(sender, delegation, actor, **kwargs):
    notify(
        recipient=getattr(delegation.deputy, "user", None),
        kind=Notification.Kind.DEPUTY,
        text=f"You are {delegation.owner.name}'s deputy from {delegation.starts_on:%d %B %Y} to "
        f"{delegation.ends_on:%d %B %Y}: you may update their actions and answer their challenges",
        url=reverse("recommendations:my_actions"),
        actor=actor,
    )


def on_challenge_answered(sender, comment, **kwargs):
    notify(
        recipient=comment.author,
        kind=Notification.Kind.ANSWER,
        text=f"{comment.answered_by} answered your challenge about {_subject_line(comment)}: {comment.answer}",
        url=f"{comment.subject.get_absolute_url()}#challenges",
        actor=comment.answered_by,
    )


def on_review_recorded(sender, instance, history_instance, **kwargs):
    """A review's history row: if the review has just come to a stage that waits for a body's decision (reviews'
    AWAITING_BODY_KINDS), whichever way it got there (a decision, the manager), the chairs of the bodies that take
    it are told. The bodies are the review's own boards and its programme's, and the bodies of the whole programme's
    kinds, as each board's dashboard lists its reviews (bvgov.selectors.boards.review_boards)."""
    kinds = AWAITING_BODY_KINDS.get(instance.stage)
    if not kinds or history_instance.history_type == "-":
        return
    previous = history_instance.prev_record
    if previous is not None and previous.stage == instance.stage:
        return
    seats = current_chairs(timezone.localdate()).filter(body__in=review_boards(instance.pk), body__kind__in=kinds)
    for seat in seats:
        notify(
            recipient=seat.person.user,
            kind=Notification.Kind.DECISION_WAITING,
            text=f"{instance.title} waits for {seat.body.name}: {AWAITING_DECISION[instance.stage].lower()}",
            url=instance.get_absolute_url(),
            actor=history_instance.history_user,
        )


def on_verification_requested(sender, recommendation, verifier, actor, **kwargs):
    notify(
        recipient=getattr(verifier, "user", None),
        kind=Notification.Kind.VERIFICATION_REQUEST,
        text=f"{actor} reports {recommendation} implemented: accept it or say why not",
        url=f"{recommendation.get_absolute_url()}#verification",
        actor=actor,
    )


def on_verification_decided(sender, recommendation, accepted, note, actor, reported_by, **kwargs):
    """The owner is told, and whoever reported it implemented if that was someone else (the programme manager)."""
    outcome = "accepted as implemented" if accepted else "did not accept as implemented"
    for recipient in {getattr(recommendation.owner, "user", None), reported_by} - {None}:
        notify(
            recipient=recipient,
            kind=Notification.Kind.VERIFICATION_OUTCOME,
            text=f"{actor} {outcome} {recommendation}: {note}",
            url=f"{recommendation.get_absolute_url()}#verification",
            actor=actor,
        )


# How long before an accepted risk's review date its owner and the programme manager are told.
RISK_REVIEW_NOTICE_DAYS = 14


def remind_risk_reviews(*, today) -> int:
    """Tell the owner and the programme manager of each risk accepted whose review date is within
    RISK_REVIEW_NOTICE_DAYS (or past), once for each review date; how many were told. Run daily by send_reminders."""
    recommendations = Recommendation.objects.filter(
        implementation_status=ImplementationStatus.RISK_ACCEPTED,
        risk_review_date__lte=today + datetime.timedelta(days=RISK_REVIEW_NOTICE_DAYS),
    ).select_related("owner__user", "source__programme__manager__user")
    messages = []
    for recommendation in recommendations:
        url = recommendation.get_absolute_url() + "#verification"
        # Once for each review date: the text names it.
        text = f"The risk accepted on {recommendation} is due for review by {recommendation.risk_review_date:%d %B %Y}"
        for person in {recommendation.owner, recommendation.source.programme.manager} - {None}:
            messages.append((getattr(person, "user", None), url, text))
    return notify_once(kind=Notification.Kind.RISK_REVIEW, messages=messages)


def on_update_requested(sender, request, actor, **kwargs):
    update_round = request.round
    count = request.actions.count()
    notify(
        recipient=getattr(request.owner, "user", None),
        kind=Notification.Kind.UPDATE_REQUEST,
        text=f"Update {count} action{pluralize(count)} for {update_round.meeting} by "
        f"{update_round.respond_by:%d %B %Y}",
        url=request.get_absolute_url(),
        actor=actor,
    )


# An owner who has not responded is reminded this many days before the respond-by date.
ROUND_REMINDER_DAYS = (7, 1)


def remind_update_rounds(*, today) -> int:
    """Remind each owner who has not responded to a round, 7 days and 1 day before its respond-by date; how many
    were told. Run daily by send_reminders; a second run the same day tells nobody again (the text names the day)."""
    due = [today + datetime.timedelta(days=days) for days in ROUND_REMINDER_DAYS]
    requests = UpdateRequest.objects.filter(responded_at__isnull=True, round__respond_by__in=due).select_related(
        "owner__user", "round__meeting__body"
    )
    messages = []
    for request in requests:
        days = (request.round.respond_by - today).days
        text = (
            f"Reminder: your updates for {request.round.meeting} are due by {request.round.respond_by:%d %B %Y}, "
            f"in {days} day{pluralize(days)}"
        )
        messages.append((getattr(request.owner, "user", None), request.get_absolute_url(), text))
    # The text names the meeting and the day: an owner asked by two rounds for one meeting is reminded once.
    return notify_once(kind=Notification.Kind.UPDATE_REQUEST, messages=messages, per_url=False)


def escalate_overdue(*, today) -> int:
    """Tell each rung of the escalation ladder of the actions that have reached it: the owner's line manager, then
    the chair of the board accountable for it (recommendations.escalation). Once for each action and rung, whoever
    holds the seat; how many were told. Run daily by send_reminders."""
    chairs = {seat.body_id: seat.person.user for seat in current_chairs(today) if seat.person.user_id}
    actions = (
        Action.objects.filter(escalated_q(EscalationLevel.LINE_MANAGER, today), owner__isnull=False)
        .select_related(
            "owner__reports_to__user",
            "recommendation__review__implementation_board",
            "recommendation__review__project_board",
            "recommendation__source__programme__programme_board",
        )
        .order_by("due_date", "id")
    )
    messages = []
    for action in actions:
        overdue = action.days_overdue(today)
        level = escalation_level(overdue)
        rungs = [(EscalationLevel.LINE_MANAGER, getattr(action.owner.reports_to, "user", None))]
        if level >= EscalationLevel.BOARD:
            board = accountable_board(action)
            rungs.append((EscalationLevel.BOARD, chairs.get(board.pk) if board else None))
        url = action.get_absolute_url()
        for rung, recipient in rungs:
            text = f"{EscalationLevel(rung).label}: {Truncator(str(action)).chars(120)}, owned by {action.owner.name}"
            messages.append((recipient, url, text))
    return notify_once(kind=Notification.Kind.ESCALATION, messages=messages)


def connect() -> None:
    signals.deputy_named.connect(on_deputy_named, dispatch_uid="bvgov_notify_deputy")
    signals.update_requested.connect(on_update_requested, dispatch_uid="bvgov_notify_update_request")
    signals.verification_requested.connect(on_verification_requested, dispatch_uid="bvgov_notify_verify")
    signals.verification_decided.connect(on_verification_decided, dispatch_uid="bvgov_notify_verified")
    signals.challenge_asked.connect(on_challenge_asked, dispatch_uid="bvgov_notify_challenge")
    signals.challenge_answered.connect(on_challenge_answered, dispatch_uid="bvgov_notify_answer")
    post_create_historical_record.connect(
        on_review_recorded, sender=Review.history.model, dispatch_uid="bvgov_notify_decision_waiting"
    )
