"""Recommendation rules: valid choices, numbering, rationale, target dates, money, RAG, one subject per note."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.history import save_with_history
from recommendations.choices import ActionStatus, DecisionStatus, Rag, derive_rag, duration_text
from recommendations.models import Action, Comment, ProgressUpdate, Recommendation
from recommendations.querysets import amber_action_q
from tests.choices import assert_choice_refused_everywhere, choice_columns
from tests.recommendations.factories import (
    ActionFactory,
    CommentFactory,
    EvidenceFactory,
    ProgressUpdateFactory,
    RecommendationFactory,
    SourceFactory,
    as_implemented,
)

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


# Each column with its factory, and what else to set so that the invalid choice is the only thing wrong.
CHOICE_COLUMNS = [
    (SourceFactory, "kind", {}),
    (RecommendationFactory, "priority", {}),
    (RecommendationFactory, "ease", {}),
    (RecommendationFactory, "cost_band", {}),
    (RecommendationFactory, "speed", {}),
    (RecommendationFactory, "decision_status", {"decision_rationale": "Partly covered elsewhere."}),
    (RecommendationFactory, "implementation_status", {}),
    (ActionFactory, "status", {}),
    (ActionFactory, "rag_override", {"rag_override_reason": "Waits on C3i."}),
    (ProgressUpdateFactory, "reported_status", {}),
    (ProgressUpdateFactory, "reported_rag", {}),
]


def test_every_choices_column_is_in_the_table_below():
    declared = choice_columns("recommendations")
    assert declared == {(factory._meta.model, field) for factory, field, _ in CHOICE_COLUMNS}


@pytest.mark.parametrize(
    ("factory", "field", "also"),
    [pytest.param(*column, id=f"{column[0]._meta.model.__name__}-{column[1]}") for column in CHOICE_COLUMNS],
)
def test_a_value_outside_the_choices_is_refused_by_validation_and_by_the_database(factory, field, also):
    assert_choice_refused_everywhere(factory(**also), field)


class TestNumbering:
    def test_a_number_is_unique_within_its_report(self):
        first = RecommendationFactory(number="7")
        again = RecommendationFactory.build(source=first.source, review=first.review, owner=None, number="7")

        with pytest.raises(ValidationError, match="This report already has a recommendation with this number."):
            again.full_clean()
        with pytest.raises(IntegrityError), transaction.atomic():
            again.save()
        assert first.source.recommendations.count() == 1

    def test_the_same_number_may_appear_in_two_reports(self):
        first = RecommendationFactory(number="7")
        other = RecommendationFactory.build(source=SourceFactory(), owner=None, number="7")

        other.full_clean()
        other.save()
        assert Recommendation.objects.filter(number="7").count() == 2
        assert first.source != other.source

    def test_a_report_may_have_several_unnumbered_recommendations(self):
        first = RecommendationFactory(number="")
        second = RecommendationFactory.build(source=first.source, review=first.review, owner=None, number="")

        second.full_clean()
        second.save()
        assert first.source.recommendations.filter(number="").count() == 2


class TestDecisionRationale:
    @pytest.mark.parametrize("status", [DecisionStatus.NOT_PURSUED, DecisionStatus.PARTLY_ACCEPTED])
    def test_not_fully_accepting_needs_a_rationale(self, status):
        recommendation = RecommendationFactory()
        recommendation.decision_status = status
        recommendation.decision_rationale = ""

        with pytest.raises(ValidationError, match="Say why the recommendation is not pursued or only partly accepted."):
            recommendation.full_clean()
        with pytest.raises(IntegrityError), transaction.atomic():
            recommendation.save()
        recommendation.refresh_from_db()
        assert recommendation.decision_status == DecisionStatus.ACCEPTED

    def test_not_pursued_with_a_rationale_is_recorded(self, manager_user):
        recommendation = RecommendationFactory()
        recommendation.decision_status = DecisionStatus.NOT_PURSUED
        recommendation.decision_rationale = "Superseded by the Safer Neighbourhoods programme."

        save_with_history(recommendation, actor=manager_user, reason="Committee decision, 8 May 2003")

        recommendation.refresh_from_db()
        assert recommendation.decision_status == DecisionStatus.NOT_PURSUED


# Stands in for the approved extension decision, so these tests reach the database constraints behind it.
EXTENSION_AUTHORISED = object()


class TestTargetDates:
    def test_a_revised_date_without_an_extension_decision_is_refused(self):
        recommendation = RecommendationFactory(original_target_date=timezone.localdate())
        recommendation.revised_target_date = timezone.localdate() + 30 * DAY

        with pytest.raises(ValidationError, match="needs an extension approved by a recorded decision"):
            recommendation.full_clean()

    def test_implemented_needs_a_progress_update_saying_how(self):
        recommendation = as_implemented(RecommendationFactory(), on=timezone.localdate())

        with pytest.raises(ValidationError, match="only with a progress update"):
            recommendation.full_clean()
        ProgressUpdateFactory(action=None, recommendation=recommendation, note="Policy issued to all boroughs.")
        recommendation.full_clean()

    @pytest.mark.parametrize("date_field", ["original_target_date", "revised_target_date"])
    def test_an_ongoing_recommendation_has_no_target_date(self, date_field):
        recommendation = RecommendationFactory(
            original_target_date=timezone.localdate(), decision_status=DecisionStatus.PROPOSED
        )
        recommendation.target_ongoing = True
        setattr(recommendation, date_field, timezone.localdate() + 30 * DAY)
        recommendation._extension_decision = EXTENSION_AUTHORISED

        with pytest.raises(ValidationError, match="An ongoing recommendation has no target date."):
            recommendation.full_clean()
        with pytest.raises(IntegrityError), transaction.atomic():
            recommendation.save()
        recommendation.refresh_from_db()
        assert recommendation.target_ongoing is False

    def test_an_ongoing_recommendation_without_dates_is_valid(self):
        recommendation = RecommendationFactory(original_target_date=None, target_ongoing=True, timescale="Ongoing")

        recommendation.full_clean()
        assert recommendation.target_date is None

    def test_a_revised_date_needs_the_original_beside_it(self):
        recommendation = RecommendationFactory(original_target_date=None)
        recommendation.revised_target_date = timezone.localdate() + 90 * DAY
        recommendation._extension_decision = EXTENSION_AUTHORISED

        with pytest.raises(ValidationError, match="A revised target date needs the original target date beside it."):
            recommendation.full_clean()
        with pytest.raises(IntegrityError), transaction.atomic():
            recommendation.save()

    def test_the_target_date_is_the_revised_date_when_there_is_one(self):
        original = timezone.localdate() + 10 * DAY
        recommendation = RecommendationFactory.build(original_target_date=original)
        assert recommendation.target_date == original
        assert recommendation.slipped_days == 0

        recommendation.revised_target_date = original + 45 * DAY
        assert recommendation.target_date == original + 45 * DAY
        assert recommendation.slipped_days == 45

    def test_a_target_brought_forward_has_not_slipped(self):
        original = timezone.localdate() + 60 * DAY
        recommendation = RecommendationFactory.build(
            original_target_date=original, revised_target_date=original - 20 * DAY
        )

        assert recommendation.target_date == original - 20 * DAY
        assert recommendation.slipped_days == 0

    def test_without_any_target_nothing_has_slipped(self):
        recommendation = RecommendationFactory.build(original_target_date=None)

        assert recommendation.target_date is None
        assert recommendation.slipped_days == 0


def test_negative_funding_is_refused():
    recommendation = RecommendationFactory(funding_amount=Decimal("50000.00"))
    recommendation.funding_amount = Decimal("-1.00")

    with pytest.raises(ValidationError, match="Funding cannot be negative."):
        recommendation.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        recommendation.save()
    recommendation.refresh_from_db()
    assert recommendation.funding_amount == Decimal("50000.00")


def test_an_implemented_recommendation_needs_its_implementation_date():
    recommendation = as_implemented(RecommendationFactory(), on=None)

    with pytest.raises(ValidationError) as excinfo:
        recommendation.full_clean()
    assert excinfo.value.message_dict == {"implemented_on": ["Give the date the recommendation was implemented."]}


def test_a_recommendation_from_a_review_report_belongs_to_that_review(manager_user):
    source = SourceFactory()
    recommendation = RecommendationFactory.build(source=source, review=None, owner=None)

    save_with_history(recommendation, actor=manager_user, reason="Recorded from the final report")

    assert Recommendation.objects.get(pk=recommendation.pk).review == source.review


class TestActionRag:
    def test_an_override_without_a_reason_is_refused(self):
        action = ActionFactory()
        action.rag_override = Rag.RED

        with pytest.raises(ValidationError, match="An overridden RAG needs a reason."):
            action.full_clean()
        with pytest.raises(IntegrityError), transaction.atomic():
            action.save()
        action.refresh_from_db()
        assert action.rag_override == ""

    def test_the_override_wins_over_the_derived_rag(self):
        today = timezone.localdate()
        action = ActionFactory.build(
            due_date=today + 90 * DAY, rag_override=Rag.RED, rag_override_reason="Waits on C3i, now late."
        )

        assert action.derived_rag(today) == Rag.GREEN
        assert action.rag(today) == Rag.RED

    @pytest.mark.parametrize(
        ("status", "due_in_days", "expected"),
        [
            (ActionStatus.COMPLETE, -30, Rag.GREEN),
            (ActionStatus.CANCELLED, -30, Rag.GREEN),
            (ActionStatus.BLOCKED, 90, Rag.RED),
            (ActionStatus.BLOCKED, None, Rag.RED),
            (ActionStatus.IN_PROGRESS, -1, Rag.RED),
            (ActionStatus.NOT_STARTED, -1, Rag.RED),
            (ActionStatus.IN_PROGRESS, 0, Rag.AMBER),
            (ActionStatus.IN_PROGRESS, 10, Rag.AMBER),
            (ActionStatus.IN_PROGRESS, 30, Rag.AMBER),
            (ActionStatus.IN_PROGRESS, 31, Rag.GREEN),
            (ActionStatus.NOT_STARTED, None, Rag.GREEN),
        ],
    )
    def test_derived_rag(self, status, due_in_days, expected):
        today = timezone.localdate()
        due_date = None if due_in_days is None else today + due_in_days * DAY

        assert derive_rag(status=status, due_date=due_date, today=today) == expected
        assert ActionFactory.build(status=status, due_date=due_date).rag(today) == expected

    @pytest.mark.parametrize(
        ("due_in_days", "updated_days_ago", "expected"),
        [
            (10, None, Rag.AMBER),
            (10, 61, Rag.AMBER),
            (10, 60, Rag.GREEN),
            (10, 0, Rag.GREEN),
            (-1, 0, Rag.RED),
            (45, None, Rag.GREEN),
        ],
    )
    def test_a_recent_progress_update_keeps_an_action_due_soon_green(self, due_in_days, updated_days_ago, expected):
        today = timezone.localdate()
        last_update = None if updated_days_ago is None else today - updated_days_ago * DAY
        due_date = today + due_in_days * DAY

        rag = derive_rag(status=ActionStatus.IN_PROGRESS, due_date=due_date, today=today, last_update=last_update)

        assert rag == expected

    def test_the_derived_rag_reads_the_latest_progress_update(self):
        today = timezone.localdate()
        action = ActionFactory(status=ActionStatus.IN_PROGRESS, due_date=today + 10 * DAY)
        assert action.derived_rag(today) == Rag.AMBER

        ProgressUpdateFactory(action=action, reported_on=today - 5 * DAY)

        assert Action.objects.get(pk=action.pk).derived_rag(today) == Rag.GREEN
        annotated = Action.objects.with_last_update().get(pk=action.pk)
        assert annotated.last_update_on == today - 5 * DAY
        assert Action.objects.with_last_update().filter(amber_action_q(today)).count() == 0

    def test_only_a_complete_action_has_a_completion_date(self):
        action = ActionFactory(status=ActionStatus.IN_PROGRESS)
        action.completed_on = timezone.localdate()

        with pytest.raises(ValidationError, match="Only a complete action has a completion date."):
            action.full_clean()
        with pytest.raises(IntegrityError), transaction.atomic():
            action.save()


A = ActionStatus
EXPECTED_ACTION_MOVES = {
    A.NOT_STARTED: {A.IN_PROGRESS, A.BLOCKED, A.COMPLETE, A.CANCELLED},
    A.IN_PROGRESS: {A.NOT_STARTED, A.BLOCKED, A.COMPLETE, A.CANCELLED},
    A.BLOCKED: {A.IN_PROGRESS, A.COMPLETE, A.CANCELLED},
    A.COMPLETE: {A.IN_PROGRESS},
    A.CANCELLED: {A.IN_PROGRESS},
}


@pytest.mark.parametrize("current", list(A))
@pytest.mark.parametrize("target", list(A))
def test_action_status_moves(current, target):
    action = ActionFactory.build(status=current)

    assert action.can_move_to(target) is (target in EXPECTED_ACTION_MOVES[current])
    assert action.is_open is (current not in {A.COMPLETE, A.CANCELLED})


class TestOneSubject:
    @pytest.mark.parametrize("subjects", ["both", "neither"])
    def test_a_progress_update_is_on_an_action_or_a_recommendation(self, subjects, owner_user):
        action = ActionFactory()
        update = ProgressUpdateFactory.build(
            action=action if subjects == "both" else None,
            recommendation=action.recommendation if subjects == "both" else None,
            author=owner_user.person,
        )
        before = ProgressUpdate.objects.count()

        with pytest.raises(ValidationError) as excinfo:
            save_with_history(update, actor=owner_user, reason="Monthly update")
        assert excinfo.value.messages == ["A progress update is on an action or on a recommendation, not both."]
        with pytest.raises(IntegrityError), transaction.atomic():
            update.save()
        assert ProgressUpdate.objects.count() == before

    def test_a_progress_update_on_a_recommendation_alone_is_valid(self, owner_user):
        recommendation = RecommendationFactory()
        update = ProgressUpdateFactory.build(action=None, recommendation=recommendation, author=owner_user.person)

        save_with_history(update, actor=owner_user, reason="Monthly update")
        assert list(recommendation.updates.all()) == [update]

    @pytest.mark.parametrize("subjects", ["both", "neither"])
    def test_a_challenge_is_about_an_action_or_a_recommendation(self, subjects, member_user):
        action = ActionFactory()
        comment = CommentFactory.build(
            action=action if subjects == "both" else None,
            recommendation=action.recommendation if subjects == "both" else None,
            author=member_user,
            addressed_to=action.owner,
        )
        before = Comment.objects.count()

        with pytest.raises(ValidationError) as excinfo:
            save_with_history(comment, actor=member_user, reason="Challenge at committee")
        assert excinfo.value.messages == ["A challenge is about an action or a recommendation, not both."]
        with pytest.raises(IntegrityError), transaction.atomic():
            comment.save()
        assert Comment.objects.count() == before

    def test_an_answered_challenge_needs_its_answer(self):
        comment = CommentFactory()
        comment.answered_at = timezone.now()

        with pytest.raises(ValidationError, match="An answered challenge needs its answer."):
            comment.full_clean()
        with pytest.raises(IntegrityError), transaction.atomic():
            comment.save()
        comment.refresh_from_db()
        assert not comment.is_answered


def test_evidence_is_stored_under_its_update():
    evidence = EvidenceFactory()

    assert evidence.file.name.startswith(f"evidence/{evidence.update_id}/minutes")
    with evidence.file.open("rb") as stored:
        assert stored.read() == b"Minutes of the project board.\n"


@pytest.mark.parametrize(
    ("days", "said"),
    [
        (1, "1 day"),
        (45, "45 days"),
        (59, "59 days"),
        (91, "3 months"),
        (397, "13 months"),
        (730, "2 years"),
        (800, "2 years 2 months"),
        (9016, "24 years 8 months"),
    ],
)
def test_a_duration_is_said_in_days_then_months_then_years_and_months(days, said):
    assert duration_text(days) == said
