"""Recommendations, their actions, owners' progress updates with evidence, and members' challenges."""

import factory
from django.core.files.base import ContentFile
from django.utils import timezone
from factory.django import DjangoModelFactory

from recommendations.choices import (
    ActionStatus,
    DecisionStatus,
    ImplementationStatus,
    Priority,
    Rag,
    SourceKind,
)
from recommendations.models import (
    Action,
    Comment,
    Delegation,
    Evidence,
    ExtensionRequest,
    ProgressUpdate,
    Recommendation,
    Source,
    UpdateRequest,
    UpdateRound,
)
from tests.bvgov.factories import UserFactory
from tests.programmes.factories import PersonFactory, ProgrammeFactory, days_from_today
from tests.reviews.factories import ReviewFactory


class SourceFactory(DjangoModelFactory):
    """A review's final report; recommendations from it belong to that review."""

    class Meta:
        model = Source

    kind = SourceKind.REVIEW_REPORT
    title = factory.Sequence(lambda n: f"Best Value Review final report {n + 1}")
    reference = factory.Sequence(lambda n: f"PPRC report {n + 1}")
    published_on = days_from_today(-120)
    programme = factory.SubFactory(ProgrammeFactory)
    review = factory.SubFactory(ReviewFactory, programme=factory.SelfAttribute("..programme"))
    inspection = None


class RecommendationFactory(DjangoModelFactory):
    class Meta:
        model = Recommendation

    source = factory.SubFactory(SourceFactory)
    review = factory.LazyAttribute(lambda recommendation: recommendation.source.review)
    number = factory.Sequence(lambda n: str(n + 1))
    text = "The MPS should produce a demand management strategy with clear milestones."
    theme = "Demand management"
    priority = Priority.HIGH
    response = "A strategy will be presented to the Management Board."
    owner = factory.SubFactory(PersonFactory)
    timescale = "December 2003"
    original_target_date = days_from_today(60)
    decision_status = DecisionStatus.ACCEPTED
    implementation_status = ImplementationStatus.NOT_STARTED


class ActionFactory(DjangoModelFactory):
    class Meta:
        model = Action

    recommendation = factory.SubFactory(RecommendationFactory)
    description = "Draft the demand management strategy and take it to the Management Board."
    owner = factory.SubFactory(PersonFactory)
    due_date = days_from_today(60)
    status = ActionStatus.NOT_STARTED


class ProgressUpdateFactory(DjangoModelFactory):
    """An owner's update on an action (pass action=None, recommendation=... for one on a recommendation)."""

    class Meta:
        model = ProgressUpdate

    action = factory.SubFactory(ActionFactory)
    recommendation = None
    author = factory.SubFactory(PersonFactory)
    reported_on = days_from_today(0)
    note = "Draft strategy circulated to the project board for comment."
    reported_status = ActionStatus.IN_PROGRESS
    reported_rag = Rag.GREEN


class EvidenceFactory(DjangoModelFactory):
    class Meta:
        model = Evidence

    update = factory.SubFactory(ProgressUpdateFactory)
    file = factory.LazyFunction(lambda: ContentFile(b"Minutes of the project board.\n", name="minutes.txt"))
    description = "Project board minutes"
    uploaded_by = factory.SubFactory(UserFactory)


class CommentFactory(DjangoModelFactory):
    """A member's challenge on a recommendation (pass recommendation=None, action=... for one on an action)."""

    class Meta:
        model = Comment

    recommendation = factory.SubFactory(RecommendationFactory)
    action = None
    author = factory.SubFactory(UserFactory)
    addressed_to = factory.SubFactory(PersonFactory)
    question = "Why has only one of the seventeen recommendations been implemented?"
    answer = ""


class UpdateRoundFactory(DjangoModelFactory):
    """A round for a programme board's meeting in three weeks, responses due in two."""

    class Meta:
        model = UpdateRound

    meeting = factory.SubFactory("tests.programmes.factories.MeetingFactory", date=days_from_today(21))
    programme = factory.SubFactory(ProgrammeFactory)
    respond_by = days_from_today(14)
    due_within_days = None
    opened_by = factory.SubFactory(UserFactory)
    opened_at = factory.LazyFunction(timezone.now)


class UpdateRequestFactory(DjangoModelFactory):
    class Meta:
        model = UpdateRequest

    round = factory.SubFactory(UpdateRoundFactory)
    owner = factory.SubFactory(PersonFactory)
    responded_at = None


class DelegationFactory(DjangoModelFactory):
    """An owner's deputy for the next fortnight."""

    class Meta:
        model = Delegation

    owner = factory.SubFactory(PersonFactory)
    deputy = factory.SubFactory(PersonFactory)
    starts_on = days_from_today(0)
    ends_on = days_from_today(14)


class ExtensionRequestFactory(DjangoModelFactory):
    """An owner's request to move an action's due date three months on."""

    class Meta:
        model = ExtensionRequest

    action = factory.SubFactory(ActionFactory)
    recommendation = None
    requested_by = factory.SubFactory(UserFactory)
    requested_at = factory.LazyFunction(timezone.now)
    current_date = days_from_today(10)
    proposed_date = days_from_today(100)
    reason = "The Federation meets only in March."
    decision = None


def as_implemented(recommendation: Recommendation, *, on) -> Recommendation:
    """Mark a recommendation implemented as the demo loader records a past register from its reports (the report
    that says so is its verification), ready to be saved with save_with_history. The live path, a report then a
    verification, is tested through recommendations.services."""
    recommendation.implementation_status = ImplementationStatus.IMPLEMENTED
    recommendation.implemented_on = on
    recommendation.closure_note = "Implemented, as its report records."
    recommendation._closure = "report"
    return recommendation
