"""A person's calendar feed of their due dates, at a secret address that calendar programs fetch without signing in.

The token in the address is the only credential, so only its SHA-256 hash is stored: a copy of the database does not
give anyone a working address. The address is shown once, when it is made; a lost address is revoked and replaced.
"""

import datetime
import hashlib
import secrets
from collections.abc import Callable

import icalendar
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from core.history import save_with_history
from recommendations.models import Action, Recommendation
from recommendations.querysets import open_action_q, outstanding_recommendation_q

from .models import CalendarFeed

SUMMARY_LENGTH = 120


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def active_feed(*, user) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).first()


@transaction.atomic
def feed_create(*, user) -> str:
    """Give the user a new feed address and return its token. Any address they had before is revoked, for good: a
    new address is a new feed, never a revoked one brought back."""
    replacing = _revoke(user=user, reason="Calendar feed revoked: replaced with a new address")
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed(user=user, token_hash=hash_token(token), created_at=timezone.now())
    save_with_history(
        feed, actor=user, reason="Calendar feed replaced with a new address" if replacing else "Calendar feed created"
    )
    return token


def _revoke(*, user, reason: str) -> bool:
    feed = CalendarFeed.objects.select_for_update().filter(user=user, revoked_at__isnull=True).first()
    if feed is None:
        return False
    feed.revoked_at = timezone.now()
    save_with_history(feed, actor=user, reason=reason)
    return True


@transaction.atomic
def feed_revoke(*, user) -> bool:
    """Stop the user's feed address working, for good. False if they had no working feed."""
    return _revoke(user=user, reason="Calendar feed revoked")


def feed_for_token(token: str) -> CalendarFeed | None:
    """The working feed of a token, with its user and their person in the register; None for anything else: a
    revoked feed, or the feed of an account that has been deactivated (the feed dies with its account)."""
    return (
        CalendarFeed.objects.select_related("user__person")
        .filter(token_hash=hash_token(token), revoked_at__isnull=True, user__is_active=True)
        .first()
    )


def _recommendation_label(recommendation: Recommendation) -> str:
    return f"Recommendation {recommendation.number}" if recommendation.number else "Recommendation (unnumbered)"


def _all_day(event: icalendar.Event, day: datetime.date) -> None:
    event.add("dtstart", day)
    event.add("dtend", day + datetime.timedelta(days=1))


def build_calendar(*, person, absolute_url: Callable[[str], str], now: datetime.datetime | None = None) -> bytes:
    """The ICS text of a person's due dates: one all-day event per open action they own with a due date, and one per
    outstanding recommendation they own with a target date. Two queries, however many there are."""
    now = now or timezone.now()
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//bvgov//Best value governance//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "bvgov: my due dates")
    calendar.add("x-wr-caldesc", "Due dates of the best value actions and recommendations you own.")
    if person is None:
        return calendar.to_ical()
    actions = (
        Action.objects.filter(open_action_q(), owner=person, due_date__isnull=False)
        .select_related("recommendation__source", "recommendation__review")
        .order_by("due_date", "id")
    )
    for action in actions:
        recommendation = action.recommendation
        event = icalendar.Event()
        event.add("uid", f"action-{action.pk}@bvgov")
        event.add("dtstamp", now)
        _all_day(event, action.due_date)
        event.add("summary", f"Due: {Truncator(action.description).chars(SUMMARY_LENGTH)}")
        event.add(
            "description",
            "\n".join(
                line
                for line in (
                    action.description,
                    f"{_recommendation_label(recommendation)} of {recommendation.source.title}",
                    f"Review: {recommendation.review.title}" if recommendation.review else "Outside any review",
                    f"Status: {action.get_status_display()}",
                )
                if line
            ),
        )
        event.add("url", absolute_url(reverse("recommendations:action_detail", args=[action.pk])))
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    recommendations = (
        Recommendation.objects.filter(outstanding_recommendation_q(), owner=person)
        .exclude(original_target_date__isnull=True)
        .select_related("source", "review")
        .order_by("original_target_date", "id")
    )
    for recommendation in recommendations:
        label = _recommendation_label(recommendation)
        event = icalendar.Event()
        event.add("uid", f"recommendation-{recommendation.pk}@bvgov")
        event.add("dtstamp", now)
        _all_day(event, recommendation.target_date)
        event.add("summary", f"Target date: {label} — {Truncator(recommendation.text).chars(SUMMARY_LENGTH)}")
        event.add(
            "description",
            "\n".join(
                (
                    f"{label} of {recommendation.source.title}",
                    f"Review: {recommendation.review.title}" if recommendation.review else "Outside any review",
                    recommendation.text,
                    f"Implementation: {recommendation.get_implementation_status_display()}",
                )
            ),
        )
        event.add("url", absolute_url(reverse("recommendations:recommendation_detail", args=[recommendation.pk])))
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return calendar.to_ical()
