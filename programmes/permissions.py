"""Roles granted per body: a board's chair records that board's decisions without being the programme manager, if
their role lets chairs record (programmes.record_chaired_decision): rights follow the role as well as the seat, so an
inspector given a chair's seat records nothing."""

import datetime

from django.db.models import Q
from django.utils import timezone

from .choices import MembershipRole
from .models import Body


def bodies_chaired_by(user, *, today: datetime.date | None = None):
    """The bodies the user chairs today, through the Person their sign-in is linked to, and may record decisions of."""
    if not user.is_authenticated or not user.has_perm("programmes.record_chaired_decision"):
        return Body.objects.none()
    today = today or timezone.localdate()
    seats = (
        Q(
            memberships__person__user=user,
            memberships__role=MembershipRole.CHAIR,
        )
        & (Q(memberships__start_date__isnull=True) | Q(memberships__start_date__lte=today))
        & (Q(memberships__end_date__isnull=True) | Q(memberships__end_date__gte=today))
    )
    return Body.objects.filter(seats).distinct()


def decision_bodies_for(user):
    """The bodies whose decisions the user may record: any, for the programme manager; else those they chair."""
    if user.has_perm("programmes.add_decision"):
        return Body.objects.all()
    return bodies_chaired_by(user)


def may_record_decisions(user) -> bool:
    return user.has_perm("programmes.add_decision") or bodies_chaired_by(user).exists()


def may_record_decision_of(user, body: Body) -> bool:
    return user.has_perm("programmes.add_decision") or bodies_chaired_by(user).filter(pk=body.pk).exists()
