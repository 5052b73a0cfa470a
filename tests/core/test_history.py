"""The audit trail: every register object, saved through save_with_history, leaves a row naming who, why and when."""

import datetime
import inspect

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.fields import GenericForeignKey
from django.core.exceptions import ValidationError
from django.utils import timezone
from factory.django import DjangoModelFactory
from simple_history.models import HistoricalChanges

from core.history import save_with_history, set_m2m_with_history
from recommendations.models import Recommendation
from reviews.choices import ReviewStage
from reviews.models import Review
from tests.bvgov import factories as bvgov_factories
from tests.programmes import factories as programmes_factories
from tests.programmes.factories import ProgrammeFactory, StrategicOutcomeFactory
from tests.recommendations import factories as recommendations_factories
from tests.recommendations.factories import RecommendationFactory
from tests.reviews import factories as reviews_factories
from tests.reviews.factories import ReviewFactory

pytestmark = pytest.mark.django_db

REGISTER_APPS = ("programmes", "reviews", "recommendations")
# The audit log is only ever appended to, from the history rows themselves; a history of it would be circular.
WITHOUT_HISTORY = {"core.AuditEntry"}


def register_models():
    """Every concrete model of the register apps, and the user model; not the history tables themselves."""
    models = [
        model
        for label in REGISTER_APPS
        for model in apps.get_app_config(label).get_models()
        if not issubclass(model, HistoricalChanges) and model._meta.label not in WITHOUT_HISTORY
    ]
    return [*models, get_user_model()]


FACTORIES = {
    factory._meta.model: factory
    for module in (bvgov_factories, programmes_factories, reviews_factories, recommendations_factories)
    for _, factory in inspect.getmembers(module, inspect.isclass)
    if issubclass(factory, DjangoModelFactory) and factory._meta.model is not None
}


def save_parents(instance):
    """Save the objects a built instance points to, so that only the instance itself is left to save."""
    relations = [field for field in instance._meta.concrete_fields if field.many_to_one or field.one_to_one]
    relations += [field for field in instance._meta.private_fields if isinstance(field, GenericForeignKey)]
    for field in relations:
        parent = field.get_cached_value(instance, default=None)
        if parent is None:
            continue
        if parent.pk is None:
            save_parents(parent)
            parent.save()
        # Re-assigning copies the parent's new primary key into the instance's foreign key column.
        setattr(instance, field.name, parent)
    return instance


def unsaved(model):
    assert model in FACTORIES, f"{model.__name__} has no factory in tests/<app>/factories.py"
    return save_parents(FACTORIES[model].build())


@pytest.mark.parametrize("model", register_models(), ids=lambda model: model._meta.label)
def test_every_register_model_records_who_changed_it_and_why(model, manager_user, inspector_user):
    assert hasattr(model._meta, "simple_history_manager_attribute"), (
        f"{model._meta.label} has no history = HistoricalRecords(): its changes would leave no audit trail"
    )
    instance = unsaved(model)

    save_with_history(instance, actor=manager_user, reason="Recorded from the committee report")

    created = instance.history.get()
    assert created.history_type == "+"
    assert created.history_user == manager_user
    assert created.history_change_reason == "Recorded from the committee report"

    save_with_history(instance, actor=inspector_user, reason="Corrected after inspection")

    assert instance.history.count() == 2
    changed = instance.history.first()
    assert changed.history_type == "~"
    assert changed.history_user == inspector_user
    assert changed.history_change_reason == "Corrected after inspection"


def test_a_history_row_can_be_dated_when_the_change_really_happened(manager_user):
    approved = timezone.make_aware(datetime.datetime(2003, 5, 8, 14, 0))
    review = unsaved(Review)

    save_with_history(review, actor=manager_user, reason="Loaded from the 2003 report", when=approved)
    assert review.history.get().history_date == approved

    review.stage = ReviewStage.WITHDRAWN
    save_with_history(review, actor=manager_user, reason="Withdrawn from the programme")

    latest = review.history.first()
    assert latest.history_date > timezone.now() - datetime.timedelta(minutes=5)
    assert review.history.as_of(approved + datetime.timedelta(days=1)).stage == ReviewStage.PROPOSED


def test_a_change_of_linked_outcomes_is_in_the_recommendations_history(manager_user, member_user):
    recommendation = RecommendationFactory()
    programme = recommendation.source.programme
    brought_to_justice, feel_safer = StrategicOutcomeFactory.create_batch(2, programme=programme)
    rows = recommendation.history.count()

    set_m2m_with_history(
        recommendation, "outcomes", [brought_to_justice, feel_safer], actor=manager_user, reason="Mapped to outcomes"
    )

    assert recommendation.history.count() == rows + 1
    mapped = recommendation.history.first()
    assert mapped.history_user == manager_user
    assert mapped.history_change_reason == "Mapped to outcomes"
    assert {row.strategicoutcome_id for row in mapped.outcomes.all()} == {brought_to_justice.pk, feel_safer.pk}

    set_m2m_with_history(recommendation, "outcomes", [feel_safer], actor=member_user, reason="Outcome 1 dropped")

    narrowed = recommendation.history.first()
    assert narrowed.history_user == member_user
    assert [row.strategicoutcome_id for row in narrowed.outcomes.all()] == [feel_safer.pk]
    assert {row.strategicoutcome_id for row in mapped.outcomes.all()} == {brought_to_justice.pk, feel_safer.pk}


def test_a_linked_outcomes_change_can_be_dated_too(manager_user):
    recorded_on = timezone.make_aware(datetime.datetime(2005, 3, 1, 10, 0))
    mapped_on = timezone.make_aware(datetime.datetime(2005, 3, 21, 10, 0))
    recommendation = save_with_history(
        unsaved(Recommendation), actor=manager_user, reason="From the Service Review", when=recorded_on
    )
    outcome = StrategicOutcomeFactory(programme=recommendation.source.programme)

    set_m2m_with_history(recommendation, "outcomes", [outcome], actor=manager_user, reason="Mapped", when=mapped_on)

    mapped = recommendation.history.first()
    assert (mapped.history_date, mapped.history_change_reason) == (mapped_on, "Mapped")
    assert [row.strategicoutcome_id for row in mapped.outcomes.all()] == [outcome.pk]
    assert recommendation.history.last().outcomes.count() == 0


def test_invalid_data_writes_neither_the_object_nor_a_history_row(manager_user):
    review = ReviewFactory.build(programme=ProgrammeFactory(), stage="abandoned")
    reviews, history_rows = Review.objects.count(), Review.history.count()

    with pytest.raises(ValidationError) as excinfo:
        save_with_history(review, actor=manager_user, reason="New review")

    assert "stage" in excinfo.value.message_dict
    assert (Review.objects.count(), Review.history.count()) == (reviews, history_rows)


def test_an_invalid_change_to_a_saved_object_leaves_it_and_its_history_as_they_were(manager_user):
    recommendation = save_with_history(unsaved(Recommendation), actor=manager_user, reason="Recorded")
    recommendation.decision_status = "not_pursued"
    recommendation.decision_rationale = ""

    with pytest.raises(ValidationError):
        save_with_history(recommendation, actor=manager_user, reason="Not pursued")

    recommendation.refresh_from_db()
    assert recommendation.decision_status == "accepted"
    assert recommendation.history.count() == 1
