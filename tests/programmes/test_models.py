"""Governance rules the register enforces: valid choices, unique names and seats, date order, and sound decisions."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.history import save_with_history
from programmes.choices import BodyKind, DecisionOutcome
from programmes.models import Body, Decision, Indicator, Meeting, Membership, Programme, Risk
from tests.choices import assert_choice_refused_everywhere, choice_columns
from tests.programmes.factories import (
    BodyFactory,
    DecisionFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    MeetingFactory,
    MembershipFactory,
    PersonFactory,
    PriorityFactory,
    ProgrammeFactory,
    RiskFactory,
    StrategicOutcomeFactory,
)

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def errors_of(excinfo) -> dict[str, list[str]]:
    return excinfo.value.message_dict


CHOICE_COLUMNS = [
    (PersonFactory, "organisation"),
    (BodyFactory, "kind"),
    (MembershipFactory, "role"),
    (DecisionFactory, "kind"),
    (DecisionFactory, "outcome"),
    (IndicatorFactory, "direction"),
    (RiskFactory, "status"),
]


def test_every_choices_column_is_in_the_table_below():
    declared = choice_columns("programmes")
    assert declared == {(factory._meta.model, field) for factory, field in CHOICE_COLUMNS}


@pytest.mark.parametrize(
    ("factory", "field"),
    CHOICE_COLUMNS,
    ids=lambda value: value if isinstance(value, str) else value._meta.model.__name__,
)
def test_a_value_outside_the_choices_is_refused_by_validation_and_by_the_database(factory, field):
    assert_choice_refused_everywhere(factory(), field)


class TestUniqueness:
    def test_two_bodies_cannot_share_a_name(self):
        BodyFactory(name="Finance, Planning and Best Value Committee")
        duplicate = BodyFactory.build(name="Finance, Planning and Best Value Committee")

        with pytest.raises(ValidationError) as excinfo:
            duplicate.full_clean()
        assert "name" in errors_of(excinfo)
        with pytest.raises(IntegrityError), transaction.atomic():
            duplicate.save()
        assert Body.objects.filter(name="Finance, Planning and Best Value Committee").count() == 1

    def test_a_person_cannot_hold_the_same_seat_twice_from_the_same_date(self):
        seat = MembershipFactory()
        again = MembershipFactory.build(person=seat.person, body=seat.body, role=seat.role, start_date=seat.start_date)

        with pytest.raises(ValidationError, match="already holds this role on this body from that date"):
            again.full_clean()
        with pytest.raises(IntegrityError), transaction.atomic():
            again.save()
        assert Membership.objects.filter(person=seat.person, body=seat.body).count() == 1

    def test_the_same_person_may_take_the_same_role_again_from_a_later_date(self):
        seat = MembershipFactory(end_date=timezone.localdate() - 10 * DAY)
        later = MembershipFactory.build(
            person=seat.person, body=seat.body, role=seat.role, start_date=timezone.localdate()
        )

        later.full_clean()
        later.save()
        assert Membership.objects.filter(person=seat.person, body=seat.body).count() == 2

    def test_a_body_has_one_meeting_of_a_title_on_a_day(self):
        meeting = MeetingFactory(title="Ordinary meeting")
        again = MeetingFactory.build(body=meeting.body, date=meeting.date, title="Ordinary meeting")

        with pytest.raises(ValidationError, match="already has a meeting with this title on this date"):
            again.full_clean()
        with pytest.raises(IntegrityError), transaction.atomic():
            again.save()

        MeetingFactory(body=meeting.body, date=meeting.date, title="Special meeting")
        MeetingFactory(body=meeting.body, date=meeting.date + DAY, title="Ordinary meeting")
        assert Meeting.objects.filter(body=meeting.body).count() == 3

    def test_an_indicator_code_is_unique(self):
        IndicatorFactory(code="BVPI 127a")
        duplicate = IndicatorFactory.build(code="BVPI 127a", programme=ProgrammeFactory())

        with pytest.raises(ValidationError) as excinfo:
            duplicate.full_clean()
        assert "code" in errors_of(excinfo)
        with pytest.raises(IntegrityError), transaction.atomic():
            duplicate.save()
        assert Indicator.objects.filter(code="BVPI 127a").count() == 1

    def test_an_indicator_has_one_value_per_period(self):
        value = IndicatorValueFactory(period="2003/04")
        again = IndicatorValueFactory.build(indicator=value.indicator, period="2003/04")

        with pytest.raises(ValidationError, match="already has a value for this period"):
            again.full_clean()
        with pytest.raises(IntegrityError), transaction.atomic():
            again.save()

    def test_a_risk_reference_is_unique_within_its_programme_only(self):
        risk = RiskFactory(reference="R1")
        again = RiskFactory.build(programme=risk.programme, reference="R1", owner=None)

        with pytest.raises(ValidationError, match="already has a risk with this reference"):
            again.full_clean()
        with pytest.raises(IntegrityError), transaction.atomic():
            again.save()

        RiskFactory(reference="R1")
        assert Risk.objects.filter(reference="R1").count() == 2

    @pytest.mark.parametrize("factory", [StrategicOutcomeFactory, PriorityFactory])
    def test_outcome_and_priority_numbers_are_unique_within_a_programme(self, factory):
        first = factory(number=1)
        again = factory.build(programme=first.programme, number=1)

        with pytest.raises(ValidationError, match="already has"):
            again.full_clean()
        with pytest.raises(IntegrityError), transaction.atomic():
            again.save()

        factory(number=1)
        assert factory._meta.model.objects.filter(number=1).count() == 2

    def test_two_people_with_the_same_name_and_job_title_are_refused(self):
        PersonFactory(name="Tim Godwin", job_title="Assistant Commissioner")
        again = PersonFactory.build(name="Tim Godwin", job_title="Assistant Commissioner")

        with pytest.raises(ValidationError, match="Person with this Name and Job title already exists."):
            again.full_clean()
        with pytest.raises(IntegrityError), transaction.atomic():
            again.save()


class TestDateOrder:
    """An end before its start is refused with a message that says which dates, and nothing is written."""

    @pytest.mark.parametrize(
        ("build", "start", "end", "message"),
        [
            (
                lambda **dates: MembershipFactory.build(person=PersonFactory(), body=BodyFactory(), **dates),
                "start_date",
                "end_date",
                "A membership cannot end before it starts.",
            ),
            (ProgrammeFactory.build, "start_date", "end_date", "A programme cannot end before it starts."),
            (
                BodyFactory.build,
                "established_on",
                "dissolved_on",
                "A body cannot be dissolved before it was established.",
            ),
        ],
        ids=["membership", "programme", "body"],
    )
    def test_an_end_before_the_start_is_refused(self, build, start, end, message, manager_user):
        today = timezone.localdate()
        instance = build(**{start: today, end: today - DAY})
        model = type(instance)
        before = model.objects.count()

        with pytest.raises(ValidationError) as excinfo:
            save_with_history(instance, actor=manager_user, reason="Recording the dates")
        assert excinfo.value.messages == [message]
        assert model.objects.count() == before

        with pytest.raises(IntegrityError), transaction.atomic():
            instance.save()
        assert model.objects.count() == before

    def test_an_end_on_the_start_day_is_accepted(self, manager_user):
        today = timezone.localdate()
        programme = ProgrammeFactory.build(start_date=today, end_date=today)

        save_with_history(programme, actor=manager_user, reason="One-day programme")

        assert Programme.objects.filter(pk=programme.pk, end_date=today).exists()


class TestBodyTree:
    def test_a_body_cannot_report_to_itself(self):
        body = BodyFactory()
        body.reports_to = body

        with pytest.raises(ValidationError) as excinfo:
            body.full_clean()
        assert errors_of(excinfo) == {"reports_to": ["A body cannot report to itself."]}
        with pytest.raises(IntegrityError), transaction.atomic():
            body.save()
        body.refresh_from_db()
        assert body.reports_to is None

    def test_a_body_cannot_report_to_a_body_below_it(self):
        authority = BodyFactory(kind=BodyKind.AUTHORITY, name="Metropolitan Police Authority")
        committee = BodyFactory(kind=BodyKind.COMMITTEE, reports_to=authority)
        board = BodyFactory(kind=BodyKind.PROJECT_BOARD, reports_to=committee)
        authority.reports_to = board

        with pytest.raises(ValidationError) as excinfo:
            authority.full_clean()
        assert errors_of(excinfo) == {"reports_to": ["A body cannot report to one of the bodies that report to it."]}

    def test_a_body_may_report_up_a_chain(self):
        authority = BodyFactory(kind=BodyKind.AUTHORITY)
        committee = BodyFactory(kind=BodyKind.COMMITTEE, reports_to=authority)
        board = BodyFactory.build(kind=BodyKind.PROJECT_BOARD, reports_to=committee)

        board.full_clean()
        board.save()
        assert list(authority.reporting_bodies.all()) == [committee]
        assert list(committee.reporting_bodies.all()) == [board]


class TestDecision:
    def test_a_decision_at_a_meeting_of_another_body_is_refused(self):
        meeting = MeetingFactory()
        decision = DecisionFactory.build(
            meeting=meeting, body=BodyFactory(kind=BodyKind.MANAGEMENT_BOARD), subject=DecisionFactory().subject
        )

        with pytest.raises(ValidationError) as excinfo:
            decision.full_clean()
        assert errors_of(excinfo) == {"meeting": ["The meeting must be a meeting of the body that took the decision."]}

    def test_a_decision_at_a_meeting_is_dated_the_day_of_the_meeting(self):
        meeting = MeetingFactory()
        decision = DecisionFactory.build(
            meeting=meeting, decided_on=meeting.date + DAY, subject=DecisionFactory().subject
        )

        with pytest.raises(ValidationError) as excinfo:
            decision.full_clean()
        assert errors_of(excinfo) == {"decided_on": ["A decision taken at a meeting is dated the day of the meeting."]}

    def test_a_decision_at_its_bodys_meeting_on_the_day_is_valid(self):
        meeting = MeetingFactory()
        review = DecisionFactory().subject
        decision = DecisionFactory.build(meeting=meeting, subject=review)

        decision.full_clean()
        decision.save()
        assert list(review.decisions.filter(meeting=meeting)) == [decision]

    def test_a_rejection_without_rationale_is_refused(self):
        decision = DecisionFactory()
        decision.outcome = DecisionOutcome.REJECTED
        decision.rationale = ""

        with pytest.raises(ValidationError, match="A rejection must give its rationale."):
            decision.full_clean()
        with pytest.raises(IntegrityError), transaction.atomic():
            decision.save()

        decision.rationale = "The report does not cost its proposals."
        decision.full_clean()
        decision.save()
        assert Decision.objects.get(pk=decision.pk).outcome == DecisionOutcome.REJECTED


class TestMoneyAndScores:
    def test_a_negative_programme_budget_is_refused(self):
        programme = ProgrammeFactory()
        programme.budget = Decimal("-1.00")

        with pytest.raises(ValidationError, match="A budget cannot be negative."):
            programme.full_clean()
        with pytest.raises(IntegrityError), transaction.atomic():
            programme.save()
        programme.refresh_from_db()
        assert programme.budget == Decimal("250000.00")

    @pytest.mark.parametrize(("likelihood", "impact"), [(0, 3), (6, 3), (3, 0), (3, 6)])
    def test_risk_scores_outside_one_to_five_are_refused(self, likelihood, impact):
        risk = RiskFactory()
        risk.likelihood, risk.impact = likelihood, impact

        with pytest.raises(ValidationError):
            risk.full_clean()
        with pytest.raises(IntegrityError), transaction.atomic():
            risk.save()
        risk.refresh_from_db()
        assert (risk.likelihood, risk.impact) == (3, 4)

    def test_a_risk_score_is_likelihood_times_impact(self):
        assert RiskFactory.build(likelihood=4, impact=5).score == 20
