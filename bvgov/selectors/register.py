"""The register as it stands now or as it stood at the end of any past day (reconstructed from simple-history),
for one programme or the whole register. Every dashboard reads through it, so the same code shows both."""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from core.archiving import Archivable, active_q
from programmes.models import Programme
from recommendations.models import Action, Recommendation
from reviews.models import Review


@dataclass(frozen=True)
class Register:
    """The three querysets a dashboard reads, live or as they stood at the end of `as_at`, scoped to `programme`
    (None: the whole register)."""

    today: datetime.date
    as_at: datetime.date | None
    programme: Programme | None
    reviews: object
    recommendations: object
    actions: object

    @property
    def is_historical(self) -> bool:
        return self.as_at is not None


def end_of_day(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))


def start_of_day(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def register_at(as_at: datetime.date | None = None, *, programme: Programme | None = None) -> Register:
    today = timezone.localdate()
    if as_at is None or as_at >= today:
        as_at, reviews, recommendations, actions = None, Review.objects, Recommendation.objects, Action.objects
    else:
        moment = end_of_day(as_at)
        reviews, recommendations, actions = (as_of(model, moment) for model in (Review, Recommendation, Action))
        today = as_at
    reviews, recommendations, actions = reviews.all(), recommendations.all(), actions.all()
    if programme is not None:
        reviews = reviews.filter(programme=programme)
        recommendations = recommendations.filter(source__programme=programme)
        actions = actions.filter(recommendation__source__programme=programme)
    return Register(today, as_at, programme, reviews, recommendations, actions)


def as_of(model, moment: datetime.datetime):
    """The history rows that give each record's state at `moment`, records deleted or archived by then left out.

    Like simple-history's `as_of`, but two rows of one record written in the same instant (a save and its m2m
    change, say) are told apart by history_id, so no record is counted twice.
    """
    history = model.history.model.objects.filter(history_date__lte=moment)
    later = history.filter(id=OuterRef("id")).filter(
        Q(history_date__gt=OuterRef("history_date"))
        | Q(history_date=OuterRef("history_date"), history_id__gt=OuterRef("history_id"))
    )
    state = history.filter(~Exists(later)).exclude(history_type="-")
    if issubclass(model, Archivable):
        state = state.filter(active_q())
    return state


def group_by(items, key) -> dict:
    grouped = defaultdict(list)
    for item in items:
        grouped[key(item)].append(item)
    return dict(grouped)
