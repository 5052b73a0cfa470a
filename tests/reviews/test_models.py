"""Review rules: valid choices, unique references, date order, money, SMART aims, stage moves, inspection subjects."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.history import save_with_history
from reviews.choices import ReviewStage
from reviews.models import Aim, Inspection, Review
from tests.choices import assert_choice_refused_everywhere, choice_columns
from tests.programmes.factories import ProgrammeFactory
from tests.reviews.factories import AimFactory, InspectionFactory, ReviewFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


CHOICE_COLUMNS = [
    (ReviewFactory, "kind"),
    (ReviewFactory, "stage"),
    (InspectionFactory, "inspectorate"),
    (InspectionFactory, "service_judgement"),
    (InspectionFactory, "prospects_judgement"),
    (InspectionFactory, "audit_opinion"),
]


def test_every_choices_column_is_in_the_table_below():
    declared = choice_columns("reviews")
    assert declared == {(factory._meta.model, field) for factory, field in CHOICE_COLUMNS}


@pytest.mark.parametrize(
    ("factory", "field"),
    CHOICE_COLUMNS,
    ids=lambda value: value if isinstance(value, str) else value._meta.model.__name__,
)
def test_a_value_outside_the_choices_is_refused_by_validation_and_by_the_database(factory, field):
    assert_choice_refused_everywhere(factory(), field)


def test_an_inspection_may_leave_its_judgements_blank():
    inspection = InspectionFactory(service_judgement="", prospects_judgement="", audit_opinion="")

    inspection.full_clean()
    assert Inspection.objects.filter(pk=inspection.pk, service_judgement="").exists()


class TestUniqueness:
    def test_a_review_reference_is_unique_across_programmes(self):
        ReviewFactory(reference="managing-demand")
        duplicate = ReviewFactory.build(reference="managing-demand", programme=ProgrammeFactory())

        with pytest.raises(ValidationError) as excinfo:
            duplicate.full_clean()
        assert "reference" in excinfo.value.message_dict
        with pytest.raises(IntegrityError), transaction.atomic():
            duplicate.save()
        assert Review.objects.filter(reference="managing-demand").count() == 1

    def test_an_aim_number_is_unique_within_its_review_only(self):
        aim = AimFactory(number=1)
        again = AimFactory.build(review=aim.review, number=1)

        with pytest.raises(ValidationError, match="This review already has an aim with this number."):
            again.full_clean()
        with pytest.raises(IntegrityError), transaction.atomic():
            again.save()

        AimFactory(number=1)
        assert Aim.objects.filter(number=1).count() == 2


class TestDateOrder:
    @pytest.mark.parametrize(
        ("start", "end", "message"),
        [
            ("planned_start", "planned_end", "The planned end cannot be before the planned start."),
            ("actual_start", "actual_end", "The actual end cannot be before the actual start."),
        ],
    )
    def test_a_review_ending_before_it_starts_is_refused(self, start, end, message, manager_user):
        today = timezone.localdate()
        review = ReviewFactory.build(programme=ProgrammeFactory(), **{start: today, end: today - DAY})
        before = Review.objects.count()

        with pytest.raises(ValidationError) as excinfo:
            save_with_history(review, actor=manager_user, reason="New review")
        assert excinfo.value.messages == [message]
        assert Review.objects.count() == before

        with pytest.raises(IntegrityError), transaction.atomic():
            review.save()
        assert Review.objects.count() == before

    def test_fieldwork_ending_before_it_starts_is_refused(self, manager_user):
        today = timezone.localdate()
        inspection = InspectionFactory.build(
            review=ReviewFactory(), fieldwork_start=today - 10 * DAY, fieldwork_end=today - 11 * DAY
        )
        before = Inspection.objects.count()

        with pytest.raises(ValidationError) as excinfo:
            save_with_history(inspection, actor=manager_user, reason="HMIC report received")
        assert excinfo.value.messages == ["Fieldwork cannot end before it starts."]
        assert Inspection.objects.count() == before

        with pytest.raises(IntegrityError), transaction.atomic():
            inspection.save()
        assert Inspection.objects.count() == before


@pytest.mark.parametrize(("budget", "cost"), [(Decimal("-0.01"), None), (None, Decimal("-500.00"))])
def test_negative_review_money_is_refused(budget, cost):
    review = ReviewFactory()
    review.budget, review.cost = budget, cost

    with pytest.raises(ValidationError, match="Budget and cost cannot be negative."):
        review.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        review.save()
    review.refresh_from_db()
    assert (review.budget, review.cost) == (Decimal("120000.00"), None)


class TestInspectionSubject:
    def test_an_inspection_of_nothing_is_refused(self, manager_user):
        inspection = InspectionFactory.build(review=None, programme=None)
        before = Inspection.objects.count()

        with pytest.raises(ValidationError) as excinfo:
            save_with_history(inspection, actor=manager_user, reason="Report received")
        assert excinfo.value.messages == ["An inspection is of a review or of a programme."]
        with pytest.raises(IntegrityError), transaction.atomic():
            inspection.save()
        assert Inspection.objects.count() == before

    def test_an_inspection_of_a_programme_alone_is_valid(self, manager_user):
        programme = ProgrammeFactory()
        inspection = InspectionFactory.build(review=None, programme=programme)

        save_with_history(inspection, actor=manager_user, reason="District Audit letter received")
        assert list(programme.inspections.all()) == [inspection]


class TestSmartAims:
    def test_an_aim_with_measure_target_and_deadline_is_smart(self):
        aim = AimFactory.build()

        assert aim.is_smart
        assert aim.missing_for_smart == []

    @pytest.mark.parametrize(
        ("blanks", "missing"),
        [
            ({"measure": ""}, ["measure"]),
            ({"target": "   "}, ["target"]),
            ({"deadline": None}, ["deadline"]),
            ({"measure": "", "target": "", "deadline": None}, ["measure", "target", "deadline"]),
        ],
    )
    def test_an_aim_lacking_a_part_is_not_smart_and_says_what_it_lacks(self, blanks, missing):
        aim = AimFactory.build(**blanks)

        assert not aim.is_smart
        assert aim.missing_for_smart == missing


S = ReviewStage
EXPECTED_STAGE_MOVES = {
    S.PROPOSED: {S.SELECTED, S.WITHDRAWN},
    S.SELECTED: {S.SCOPING, S.WITHDRAWN},
    S.SCOPING: {S.IN_REVIEW, S.WITHDRAWN},
    S.IN_REVIEW: {S.REPORTED, S.WITHDRAWN},
    S.REPORTED: {S.APPROVED_BY_MANAGEMENT_BOARD, S.WITHDRAWN},
    S.APPROVED_BY_MANAGEMENT_BOARD: {S.APPROVED_BY_AUTHORITY, S.WITHDRAWN},
    S.APPROVED_BY_AUTHORITY: {S.IMPLEMENTING, S.WITHDRAWN},
    S.IMPLEMENTING: {S.COMPLETED, S.WITHDRAWN},
    S.COMPLETED: {S.CLOSED, S.WITHDRAWN},
    S.CLOSED: set(),
    S.WITHDRAWN: set(),
}


@pytest.mark.parametrize("current", list(S))
@pytest.mark.parametrize("target", list(S))
def test_a_review_moves_one_stage_forward_or_is_withdrawn_and_never_back(current, target):
    review = ReviewFactory.build(stage=current)

    assert review.can_move_to(target) is (target in EXPECTED_STAGE_MOVES[current])


def test_the_authority_cannot_approve_a_report_the_management_board_has_not():
    assert not ReviewFactory.build(stage=S.REPORTED).can_move_to(S.APPROVED_BY_AUTHORITY)
