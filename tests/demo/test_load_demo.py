"""The demo register: built from the reports, idempotent, dated in its history, and for development only."""

import datetime
from collections import Counter
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count, Q
from django.test import override_settings
from simple_history.models import HistoricalChanges

from bvgov.roles import SYNC_REASON
from demo import DEMO_PASSWORD
from demo.data import DEMO_ADMIN, ROLES
from programmes.choices import BodyKind, DecisionKind, Organisation
from programmes.models import Decision, Person, StrategicOutcome
from recommendations.choices import ActionStatus, DecisionStatus, ImplementationStatus, SourceKind
from recommendations.models import Recommendation, Source
from reviews.choices import ProspectsJudgement, ReviewStage, ServiceJudgement
from reviews.models import Inspection, Review

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
DA_TIMESCALES = [
    "December 2003",
    "Ongoing",
    "March 2004",
    "March 2004",
    "June 2003",
    "In place since January 2003",
    "Ongoing",
    "Complete",
    "Ongoing",
]
MD_FINAL_REPORT = "Best Value Review of Managing Demand: final report"


def load(*args: str) -> str:
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def tracked_models():
    """Every model with a history: the register's and the user model."""
    return [
        model for model in apps.get_models() if not issubclass(model, HistoricalChanges) and hasattr(model, "history")
    ]


def summary(output: str) -> dict[str, tuple[int, int]]:
    """The command's table: per model, how many objects it created and how many it found already there."""
    rows = (line.split() for line in output.splitlines()[2:] if line.startswith("  "))
    return {name: (int(created), int(found)) for name, created, found in rows}


@override_settings(DEBUG=True)
def test_loading_twice_creates_nothing_the_second_time():
    first = summary(load())
    after_first = row_counts()

    second = summary(load("--force"))

    assert row_counts() == after_first
    assert first["Recommendation"] == (49, 0)
    assert first["Action"] == (46, 0)
    assert second["Recommendation"] == (0, 49)
    assert all(created == 0 for created, _ in second.values())
    assert set(second) == set(first)


@override_settings(DEBUG=False)
def test_refused_when_debug_is_off_unless_forced():
    before = row_counts()

    with pytest.raises(CommandError, match="DEBUG"):
        load()

    assert row_counts() == before
    assert not Person.objects.exists()
    assert not get_user_model().objects.exists()


@pytest.fixture(scope="class")
def demo_register(django_db_setup, django_db_blocker):
    """The demo register loaded once for a class of read-only tests, in a transaction rolled back after them."""
    with django_db_blocker.unblock(), transaction.atomic():
        load("--force")
        yield
        transaction.set_rollback(True)


@pytest.mark.usefixtures("demo_register")
class TestDemoRegister:
    def test_district_audit_has_its_nine_recommendations_with_the_timescales_as_reported(self):
        source = Source.objects.get(kind=SourceKind.AUDIT)
        recommendations = list(source.recommendations.all())

        assert [(r.number, r.timescale) for r in recommendations] == [
            (str(number), timescale) for number, timescale in enumerate(DA_TIMESCALES, start=1)
        ]
        assert {r.decision_status for r in recommendations} == {DecisionStatus.ACCEPTED}
        assert Counter(r.theme for r in recommendations) == {
            "Performance management framework": 4,
            "Best value reviews": 3,
            "Management of review activity": 1,
            "Improved reporting of performance indicators": 1,
        }
        assert source.inspection.audit_opinion == "unqualified"
        assert recommendations[0].response.startswith("Publicity in relation to the move to service improvement")

    def test_district_audit_timescales_become_targets(self):
        by_number = {r.number: r for r in Source.objects.get(kind=SourceKind.AUDIT).recommendations.all()}

        assert by_number["1"].original_target_date == datetime.date(2003, 12, 31)
        assert by_number["5"].original_target_date == datetime.date(2003, 6, 30)
        assert all(by_number[n].target_ongoing and by_number[n].target_date is None for n in ("2", "7", "9"))
        assert (by_number["6"].implementation_status, by_number["6"].implemented_on) == (
            ImplementationStatus.IMPLEMENTED,
            datetime.date(2003, 1, 31),
        )
        assert by_number["8"].implemented_on == datetime.date(2003, 5, 8)
        assert by_number["6"].target_date is None and by_number["8"].target_date is None
        assert by_number["5"].owner.name == "Head of the Internal Consultancy Group"
        assert by_number["8"].owner.name == "Director of Risk Management"
        assert by_number["1"].owner.name == "John Zlotnicki"
        assert all(action.due_date == datetime.date(2003, 12, 31) for action in by_number["1"].actions.all())

    def test_managing_demand_final_report_has_seventeen_recommendations_one_implemented(self):
        recommendations = Recommendation.objects.filter(source__title=MD_FINAL_REPORT)

        assert recommendations.count() == 17
        assert recommendations.filter(implementation_status=ImplementationStatus.IMPLEMENTED).count() == 1
        assert set(recommendations.values_list("decision_status", flat=True)) == {DecisionStatus.ACCEPTED}
        assert recommendations.get(number="11").implementation_status == ImplementationStatus.NOT_STARTED
        performance = recommendations.get(text__startswith="Develop and implement a performance management system")
        assert performance.number == ""
        assert performance.implementation_status == ImplementationStatus.IN_PROGRESS
        assert (
            recommendations.filter(text__contains="its text is not given in the HMIC inspection report").count() == 15
        )
        assert all(r.review.reference == "managing-demand" for r in recommendations)

    def test_managing_demand_was_approved_by_the_authority_with_no_management_board_approval(self):
        review = Review.objects.get(reference="managing-demand")
        decisions = Decision.objects.filter(subject_type__model="review", subject_id=review.pk)

        assert review.stage == ReviewStage.IMPLEMENTING
        assert [(d.body.short_name, d.kind) for d in decisions] == [("PPRC", DecisionKind.APPROVE_FINAL_REPORT)]
        assert not decisions.filter(body__kind=BodyKind.MANAGEMENT_BOARD).exists()
        assert review.challenge_panel.kind == BodyKind.CHALLENGE_PANEL
        assert review.implementation_board.kind == BodyKind.IMPLEMENTATION_BOARD
        assert [aim.is_smart for aim in review.aims.all()] == [False] * 5

    def test_hmic_inspection_judged_the_service_fair_and_its_prospects_uncertain(self):
        inspection = Inspection.objects.get(review__reference="managing-demand")
        source = inspection.sources.get()

        assert (inspection.service_judgement, inspection.prospects_judgement) == (
            ServiceJudgement.FAIR,
            ProspectsJudgement.UNCERTAIN,
        )
        assert (inspection.fieldwork_start, inspection.fieldwork_end) == (
            datetime.date(2004, 1, 26),
            datetime.date(2004, 1, 30),
        )
        assert "unable to find any audit trail" in inspection.areas_for_development
        assert [r.number for r in source.recommendations.all()] == ["1", "2"]

    def test_service_review_proposals_each_have_an_owner_and_every_outcome_is_supported(self):
        proposals = list(Source.objects.get(kind=SourceKind.SERVICE_REVIEW).recommendations.all())
        outcomes = StrategicOutcome.objects.filter(programme__reference="cssr-2006-2009").annotate(
            proposals=Count("recommendations")
        )

        assert [p.number for p in proposals] == [str(n) for n in range(1, 12)]
        assert all(p.owner_id for p in proposals)
        assert (proposals[0].owner.name, proposals[-1].owner.name) == ("Tim Godwin", "Stephen House")
        assert len(outcomes) == 4
        assert all(outcome.proposals >= 1 for outcome in outcomes)

    def test_consultation_recommendations_were_only_received_never_accepted(self):
        recommendations = Recommendation.objects.filter(source__review__reference="consultation")
        ccos = recommendations.get(number="6")

        assert sorted(r.number for r in recommendations if r.number) == sorted(
            ["1", "2", "6", "10", "11", "12", "13", "14"]
        )
        assert set(recommendations.values_list("decision_status", flat=True)) == {DecisionStatus.PROPOSED}
        assert ccos.funding_amount == 160000
        assert ccos.actions.filter(status=ActionStatus.BLOCKED).exists()
        timetable = list(recommendations.get(number="2").actions.order_by("due_date"))
        assert (timetable[0].due_date, timetable[-1].due_date) == (
            datetime.date(2002, 3, 31),
            datetime.date(2003, 6, 30),
        )

    def test_every_loaded_object_was_written_by_the_demo_administrator_with_a_reason(self):
        admin = get_user_model().objects.get(username=DEMO_ADMIN)
        loaded = 0
        for model in tracked_models():
            # The roles are made by the role sync after migrate, under its own reason, not by the demo.
            history = model.history.exclude(history_user=None, history_change_reason=SYNC_REASON)
            assert not history.exclude(history_user=admin).exists(), model
            assert not history.filter(Q(history_change_reason__isnull=True) | Q(history_change_reason="")).exists()
            object_ids = set(model._default_manager.values_list("pk", flat=True))
            assert object_ids <= set(model.history.values_list(model._meta.pk.attname, flat=True)), model
            loaded += len(object_ids)
        assert loaded > 200

    def test_history_dates_each_fact_when_the_report_records_it(self):
        first = Recommendation.history.filter(source__kind=SourceKind.AUDIT).earliest("history_date")

        assert first.history_date.astimezone(LONDON).date() == datetime.date(2003, 5, 8)
        assert "PPRC 8 May 2003 (report 7)" in first.history_change_reason

    def test_the_register_as_it_stood_shows_one_of_seventeen_implemented_only_after_the_inspection(self):
        source = Source.objects.get(title=MD_FINAL_REPORT)

        def implemented_as_at(day: datetime.date) -> tuple[int, int]:
            as_at = Recommendation.history.as_of(datetime.datetime.combine(day, datetime.time(), tzinfo=LONDON))
            register = as_at.filter(source_id=source.pk)
            return register.count(), register.filter(implementation_status=ImplementationStatus.IMPLEMENTED).count()

        assert implemented_as_at(datetime.date(2003, 6, 30)) == (17, 0)
        assert implemented_as_at(datetime.date(2004, 1, 31)) == (17, 1)

    def test_demo_users_sign_in_with_the_demo_password_in_their_roles(self, client):
        for role in ROLES:
            assert client.login(username=role["username"], password=DEMO_PASSWORD), role["username"]
            client.logout()
        users = {user.username: user for user in get_user_model().objects.prefetch_related("groups")}

        assert {role["username"]: users[role["username"]].groups.get().name for role in ROLES} == {
            role["username"]: role["group"] for role in ROLES
        }
        assert users["member"].person.organisation == Organisation.AUTHORITY
        assert users["manager"].person.name == "Programme Manager"
        assert users["inspector"].person.organisation == Organisation.INSPECTORATE
        assert users[DEMO_ADMIN].is_superuser and users[DEMO_ADMIN].is_staff
        assert not Person.objects.filter(user=users[DEMO_ADMIN]).exists()

    def test_the_action_owner_has_managing_demand_actions_some_overdue(self):
        actions = get_user_model().objects.get(username="owner").person.actions_owned.all()
        inspection_day = datetime.date(2004, 1, 30)

        assert {action.recommendation.source.title for action in actions} == {MD_FINAL_REPORT}
        assert len(actions) >= 3
        assert sum(action.is_open and action.rag(inspection_day) == "red" for action in actions) >= 2

    def test_demo_logins_lists_every_account_as_development_only(self):
        out = StringIO()
        call_command("demo_logins", stdout=out)

        assert "DEVELOPMENT ONLY" in out.getvalue()
        assert DEMO_PASSWORD in out.getvalue()
        assert all(role["username"] in out.getvalue() for role in ROLES)
        assert "not loaded" not in out.getvalue()
