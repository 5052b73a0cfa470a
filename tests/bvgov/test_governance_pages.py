"""The accountability gaps, outcomes coverage, decision chains and help pages."""

import datetime

import pytest
from django.utils import timezone

from programmes.choices import BodyKind, DecisionKind
from recommendations.choices import ActionStatus
from reviews.choices import ReviewStage
from tests.programmes.factories import BodyFactory, DecisionFactory, ProgrammeFactory, StrategicOutcomeFactory
from tests.recommendations.factories import ActionFactory, ProgressUpdateFactory, RecommendationFactory
from tests.reviews.factories import AimFactory, ReviewFactory

pytestmark = pytest.mark.django_db


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def test_the_gaps_page_lists_each_kind_of_gap(member_client):
    no_action = RecommendationFactory(text="Publish the demand strategy.")
    quiet = RecommendationFactory(original_target_date=None, target_ongoing=True, timescale="Ongoing")
    ActionFactory(recommendation=quiet)
    talked_about = RecommendationFactory(original_target_date=None, target_ongoing=True, timescale="Ongoing")
    ProgressUpdateFactory(action=None, recommendation=talked_about, reported_on=days(-30))
    ActionFactory(recommendation=talked_about)
    unowned_action = ActionFactory(owner=None, description="Nobody owns this action")
    ActionFactory(owner=None, status=ActionStatus.COMPLETE, completed_on=days(-1), description="Closed, no owner")
    AimFactory(text="Improve the quality of response", measure="", target="", deadline=None)

    response = member_client.get("/gaps/")

    assert response.status_code == 200
    lists = {gaps.title: {row["id"] for row in gaps.rows} for gaps in response.context["gap_lists"]}
    assert no_action.pk in lists["Accepted recommendations with no action"]
    ongoing = lists["Ongoing recommendations with no progress update for six months"]
    assert quiet.pk in ongoing and talked_about.pk not in ongoing
    assert lists["Open actions with no owner"] == {unowned_action.pk}
    content = response.content.decode()
    assert "Improve the quality of response" in content
    assert "No measure, no target, no deadline" in content


def test_an_outcome_supported_by_no_recommendation_is_flagged(member_client):
    programme = ProgrammeFactory(name="Corporate Strategy 2006-2009")
    supported = StrategicOutcomeFactory(programme=programme, number=1, title="More offenders are brought to justice")
    StrategicOutcomeFactory(programme=programme, number=2, title="Safety and security is improved")
    proposal = RecommendationFactory(number="3", text="Investigating crime and dealing with offenders")
    proposal.outcomes.add(supported)

    response = member_client.get("/outcomes/")

    (coverage,) = response.context["coverage"]
    assert [outcome.title for outcome in coverage.unsupported] == ["Safety and security is improved"]
    assert coverage.rows[0]["cells"] == [True, False]
    assert "1 outcome supported by no recommendation" in response.content.decode()


def test_the_decision_chains_page_highlights_a_missing_management_board_approval(inspector_client):
    review = ReviewFactory(title="Managing Demand", stage=ReviewStage.IMPLEMENTING)
    pprc = BodyFactory(name="Planning, Performance and Review Committee", kind=BodyKind.COMMITTEE)
    DecisionFactory(subject=review, body=pprc, kind=DecisionKind.APPROVE_FINAL_REPORT, decided_on=days(-900))

    response = inspector_client.get("/audit/decisions/")

    assert response.status_code == 200
    (item,) = response.context["chains"]
    problems = {link.step.key for link in item["chain"].problems}
    assert "report_mb" in problems
    assert "Missing: no recorded decision" in response.content.decode()


@pytest.mark.parametrize("url", ["/gaps/", "/audit/decisions/", "/outcomes/"])
def test_the_governance_pages_cost_the_same_queries_for_2_and_50_rows(
    member_client, django_assert_max_num_queries, url
):
    def rows(n):
        programme = ProgrammeFactory()
        outcome = StrategicOutcomeFactory(programme=programme)
        for _ in range(n):
            review = ReviewFactory(programme=programme, stage=ReviewStage.APPROVED_BY_AUTHORITY)
            DecisionFactory(subject=review, kind=DecisionKind.APPROVE_FINAL_REPORT)
            rec = RecommendationFactory(review=review, owner=None)
            rec.outcomes.add(outcome)
            ActionFactory(recommendation=rec, owner=None)
            AimFactory(review=review, measure="")

    rows(2)
    member_client.get(url)
    with django_assert_max_num_queries(15) as small:
        member_client.get(url)
    rows(48)
    with django_assert_max_num_queries(15) as large:
        member_client.get(url)
    assert len(small.captured_queries) == len(large.captured_queries) <= 15


def test_the_help_page_states_the_rag_rule(member_client):
    content = member_client.get("/help/").content.decode()

    assert "due within 30 days and no progress update in the last 60 days" in content
    assert "Final report approved by the management board" in content
