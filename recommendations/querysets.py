"""Reusable filters of the register, as Q objects so that they work on live and on historical ('as at') querysets."""

import datetime

from django.apps import apps
from django.db import models
from django.db.models import OuterRef, Q, Subquery

from .choices import (
    ACTION_CLOSED_STATUSES,
    DUE_SOON_DAYS,
    IMPLEMENTATION_CLOSED_STATUSES,
    STALE_UPDATE_DAYS,
    ActionStatus,
    DecisionStatus,
    Rag,
)

ACCEPTED_STATUSES = (DecisionStatus.ACCEPTED, DecisionStatus.PARTLY_ACCEPTED)
LONG_OVERDUE_DAYS = 90


def open_action_q(prefix: str = "") -> Q:
    return ~Q(**{f"{prefix}status__in": ACTION_CLOSED_STATUSES})


def overdue_action_q(today: datetime.date, *, prefix: str = "", by_days: int = 0) -> Q:
    return open_action_q(prefix) & Q(**{f"{prefix}due_date__lt": today - datetime.timedelta(days=by_days)})


def due_soon_action_q(today: datetime.date, *, prefix: str = "") -> Q:
    return open_action_q(prefix) & Q(
        **{f"{prefix}due_date__gte": today, f"{prefix}due_date__lte": today + datetime.timedelta(days=DUE_SOON_DAYS)}
    )


def red_action_q(today: datetime.date, *, prefix: str = "") -> Q:
    """Red as shown: an owner's red override, or the derived red (blocked or past due) where nothing overrides it."""
    derived_red = open_action_q(prefix) & (
        Q(**{f"{prefix}status": ActionStatus.BLOCKED}) | Q(**{f"{prefix}due_date__lt": today})
    )
    return Q(**{f"{prefix}rag_override": Rag.RED}) | (Q(**{f"{prefix}rag_override": ""}) & derived_red)


def counted_action_q(prefix: str = "") -> Q:
    """The actions a dashboard counts (open, overdue, red, long overdue): open ones and red overrides. Every one of
    those counts is a subset of these, so a count may filter on this first and read the partial index over them
    (action_counted_idx, a tenth of the register) instead of every action."""
    return open_action_q(prefix) | Q(**{f"{prefix}rag_override": Rag.RED})


def amber_action_q(today: datetime.date) -> Q:
    """Amber as shown: an owner's amber override, or the derived amber (open, not blocked, due within 30 days, no
    progress update in the last 60). Needs the `last_update_on` annotation of ActionQuerySet.with_last_update()."""
    stale = Q(last_update_on__isnull=True) | Q(last_update_on__lt=today - datetime.timedelta(days=STALE_UPDATE_DAYS))
    derived_amber = due_soon_action_q(today) & ~Q(status=ActionStatus.BLOCKED) & stale
    return Q(rag_override=Rag.AMBER) | (Q(rag_override="") & derived_amber)


def green_action_q(today: datetime.date) -> Q:
    """Green as shown: whatever is neither red nor amber as shown (needs `last_update_on`, as amber does)."""
    return ~red_action_q(today) & ~amber_action_q(today)


def accepted_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}decision_status__in": ACCEPTED_STATUSES})


def outstanding_recommendation_q(prefix: str = "") -> Q:
    """Accepted and not yet closed (implemented and verified, superseded, risk accepted or not implemented): what is
    still owed. One awaiting verification is still owed."""
    return accepted_q(prefix) & ~Q(**{f"{prefix}implementation_status__in": IMPLEMENTATION_CLOSED_STATUSES})


def no_owner_q() -> Q:
    return Q(owner__isnull=True)


def no_target_q() -> Q:
    return Q(original_target_date__isnull=True, target_ongoing=False)


def no_funding_q() -> Q:
    return Q(funding_amount__isnull=True, funding_source="")


class ActionQuerySet(models.QuerySet):
    def with_last_update(self):
        """Annotate each action with the date of its latest progress update (`last_update_on`), in one subquery."""
        updates = apps.get_model("recommendations", "ProgressUpdate").objects.filter(action=OuterRef("pk"))
        return self.annotate(last_update_on=Subquery(updates.order_by("-reported_on").values("reported_on")[:1]))

    def open(self):
        return self.filter(open_action_q())

    def overdue(self, today: datetime.date, *, by_days: int = 0):
        return self.filter(overdue_action_q(today, by_days=by_days))

    def due_soon(self, today: datetime.date):
        return self.filter(due_soon_action_q(today))

    def red(self, today: datetime.date):
        return self.filter(red_action_q(today))

    def owned_by(self, person):
        return self.filter(owner=person)


class RecommendationQuerySet(models.QuerySet):
    def accepted(self):
        return self.filter(accepted_q())

    def outstanding(self):
        return self.filter(outstanding_recommendation_q())

    def with_gaps(self):
        """Accepted and outstanding, but with no owner, no target date or no funding recorded."""
        return self.outstanding().filter(no_owner_q() | no_target_q() | no_funding_q())


def on_recommendation_q(recommendation_id: int, *, prefix: str = "") -> Q:
    """What is recorded on a recommendation or on one of its actions (progress updates, challenges, evidence).

    The actions' ids are read first, in a query of their own: OR-ed with a join or a subquery, PostgreSQL uses neither
    index and reads both tables whole; OR-ed with a list of ids, it reads the two indexes."""
    Action = apps.get_model("recommendations", "Action")
    action_ids = list(Action.all_objects.filter(recommendation_id=recommendation_id).values_list("pk", flat=True))
    return Q(**{f"{prefix}recommendation_id": recommendation_id}) | Q(**{f"{prefix}action_id__in": action_ids})
