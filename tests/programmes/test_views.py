"""The governance pages as a member and a programme manager use them: lists, filters, sorting, exports, detail pages,
recording a decision, and a bounded number of queries on every page."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from programmes.choices import BodyKind, DecisionKind, DecisionOutcome, MembershipRole, RiskStatus
from programmes.models import Decision
from reviews.choices import ReviewStage
from tests.pages import assert_same_query_count, csv_rows, text_of, xlsx_rows
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
from tests.recommendations.factories import RecommendationFactory
from tests.reviews.factories import ReviewFactory

pytestmark = pytest.mark.django_db


TODAY = timezone.localdate()


def days_ago(days: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days)


# Every page needs a signed-in user --------------------------------------------------------------------------


def _programme():
    return reverse("programmes:programme_detail", args=[ProgrammeFactory().pk])


def _body():
    return reverse("programmes:body_detail", args=[BodyFactory().pk])


def _meeting():
    return reverse("programmes:meeting_detail", args=[MeetingFactory().pk])


def _decision():
    return reverse("programmes:decision_detail", args=[DecisionFactory().pk])


def _indicator():
    return reverse("programmes:indicator_detail", args=[IndicatorFactory().pk])


def _risk():
    return reverse("programmes:risk_detail", args=[RiskFactory().pk])


PAGES = [
    lambda: reverse("programmes:programme_list"),
    _programme,
    lambda: reverse("programmes:body_list"),
    _body,
    lambda: reverse("programmes:meeting_list"),
    _meeting,
    lambda: reverse("programmes:decision_list"),
    _decision,
    lambda: reverse("programmes:indicator_list"),
    _indicator,
    lambda: reverse("programmes:risk_list"),
    _risk,
]
PAGE_IDS = [
    "programme_list",
    "programme_detail",
    "body_list",
    "body_detail",
    "meeting_list",
    "meeting_detail",
    "decision_list",
    "decision_detail",
    "indicator_list",
    "indicator_detail",
    "risk_list",
    "risk_detail",
]


@pytest.mark.parametrize("page", PAGES, ids=PAGE_IDS)
def test_a_member_sees_every_page(member_client, page):
    assert member_client.get(page()).status_code == 200


@pytest.mark.parametrize("page", PAGES, ids=PAGE_IDS)
def test_every_page_sends_a_signed_out_visitor_to_sign_in(client, page):
    url = page()
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


def test_a_detail_page_of_nothing_is_not_found(member_client):
    assert member_client.get(reverse("programmes:decision_detail", args=[999999])).status_code == 404


# Programmes ---------------------------------------------------------------------------------------------------


def test_programme_page_shows_boards_people_outcomes_reviews_indicators_and_risks(member_client):
    committee = BodyFactory(name="Planning, Performance and Review Committee", kind=BodyKind.COMMITTEE)
    director = PersonFactory(name="Catherine Crawford")
    programme = ProgrammeFactory(name="Best Value Programme 2003/04", executive_body=committee, director=director)
    supported = StrategicOutcomeFactory(programme=programme, number=1, title="More offenders are brought to justice")
    StrategicOutcomeFactory(programme=programme, number=2, title="Londoners feel safer in their neighbourhoods")
    recommendation = RecommendationFactory()
    recommendation.outcomes.add(supported)
    PriorityFactory(programme=programme, title="Safer Neighbourhoods")
    ReviewFactory(programme=programme, title="Managing Demand", stage="implementing")
    IndicatorFactory(programme=programme, code="BVPI 127a")
    RiskFactory(programme=programme, reference="R7", likelihood=4, impact=5)

    page = text_of(member_client.get(programme.get_absolute_url()))

    assert "Planning, Performance and Review Committee" in page
    assert "Catherine Crawford" in page
    assert "£250,000.00" in page
    assert "Supported by 1 recommendation" in page
    assert page.count("Not supported by any recommendation") == 1
    assert page.index("Londoners feel safer") < page.index("Not supported by any recommendation")
    assert "Safer Neighbourhoods" in page
    assert "Managing Demand" in page and "Implementing" in page
    assert "BVPI 127a" in page
    assert "R7" in page and ">20<" in page


def test_programme_list_searches_by_name(member_client):
    ProgrammeFactory(name="Best Value Programme 2003/04")
    ProgrammeFactory(name="Service Review 2005")

    page = text_of(member_client.get(reverse("programmes:programme_list"), {"q": "service"}))

    assert "Service Review 2005" in page
    assert "Best Value Programme 2003/04" not in page
    assert "1 programme<" in page


# Bodies -------------------------------------------------------------------------------------------------------


def test_body_page_shows_the_chain_above_the_bodies_below_and_current_and_past_members(member_client):
    authority = BodyFactory(name="Metropolitan Police Authority", kind=BodyKind.AUTHORITY)
    committee = BodyFactory(name="Planning, Performance and Review Committee", reports_to=authority)
    board = BodyFactory(name="Best Value Programme Board", kind=BodyKind.PROGRAMME_BOARD, reports_to=committee)
    BodyFactory(name="Managing Demand Project Board", reports_to=board)
    MembershipFactory(body=board, person=PersonFactory(name="Toby Harris"), role=MembershipRole.CHAIR)
    MembershipFactory(
        body=board,
        person=PersonFactory(name="Richard Sumray"),
        role=MembershipRole.LEAD_MEMBER,
        start_date=days_ago(700),
        end_date=days_ago(30),
    )

    page = text_of(member_client.get(board.get_absolute_url()))

    assert page.index("Metropolitan Police Authority") < page.index("Planning, Performance and Review Committee")
    assert "Managing Demand Project Board" in page
    current, past = page.split("Past members")
    assert "Toby Harris" in current and "Chair" in current
    assert "Richard Sumray" in past and "Lead member" in past


def test_body_page_shows_the_latest_twenty_decisions_and_links_to_all(member_client):
    board = BodyFactory(kind=BodyKind.MANAGEMENT_BOARD)
    review = ReviewFactory(title="Custody Provision")
    for days in range(25):
        DecisionFactory(body=board, subject=review, decided_on=days_ago(days), minute_reference=f"Minute {days}/04")

    page = text_of(member_client.get(board.get_absolute_url()))

    assert "Minute 0/04" in page and "Minute 19/04" in page
    assert "Minute 20/04" not in page
    assert "The latest 20 of 25 decisions" in page
    assert f"{reverse('programmes:decision_list')}?body={board.pk}" in page
    assert "See all 25 decisions" in page


def test_body_list_filters_by_kind(member_client):
    BodyFactory(name="Consultation Strategy Management Board", kind=BodyKind.STRATEGY_BOARD)
    BodyFactory(name="Call Handling Project Board", kind=BodyKind.PROJECT_BOARD)

    page = text_of(member_client.get(reverse("programmes:body_list"), {"kind": BodyKind.STRATEGY_BOARD}))

    assert "Consultation Strategy Management Board" in page
    assert "Call Handling Project Board" not in page


# Meetings -----------------------------------------------------------------------------------------------------


def test_meeting_page_lists_the_decisions_taken_at_it(member_client):
    meeting = MeetingFactory(title="Quarterly meeting", minutes_reference="PPRC 8 May 2003")
    review = ReviewFactory(title="Consultation")
    DecisionFactory(meeting=meeting, subject=review, kind=DecisionKind.APPROVE_FINAL_REPORT, minute_reference="M12")
    DecisionFactory(meeting=MeetingFactory(), subject=review, minute_reference="Elsewhere")

    page = text_of(member_client.get(meeting.get_absolute_url()))

    assert "PPRC 8 May 2003" in page
    assert "M12" in page and "Approve final report" in page
    assert "Consultation" in page and review.get_absolute_url() in page
    assert "Elsewhere" not in page


def test_meeting_list_filters_by_body_and_date(member_client):
    committee = BodyFactory(kind=BodyKind.COMMITTEE)
    MeetingFactory(body=committee, date=days_ago(10), title="Recent")
    MeetingFactory(body=committee, date=days_ago(400), title="Last year")
    MeetingFactory(date=days_ago(10), title="Other body")

    url = reverse("programmes:meeting_list")
    page = text_of(member_client.get(url, {"body": committee.pk, "date_from": days_ago(30).isoformat()}))

    assert "Recent" in page
    assert "Last year" not in page and "Other body" not in page


# Decisions ----------------------------------------------------------------------------------------------------


@pytest.fixture
def decisions():
    """Four decisions of two bodies, on a review and on a recommendation, with different outcomes and dates."""
    board = BodyFactory(name="Management Board", kind=BodyKind.MANAGEMENT_BOARD)
    authority = BodyFactory(name="Metropolitan Police Authority", kind=BodyKind.AUTHORITY)
    review = ReviewFactory(title="Managing Demand")
    recommendation = RecommendationFactory(review=review, number="4")
    return {
        "mb_approves": DecisionFactory(
            body=board, subject=review, decided_on=days_ago(60), minute_reference="MB 1", outcome="approved"
        ),
        "mpa_defers": DecisionFactory(
            body=authority, subject=review, decided_on=days_ago(30), minute_reference="MPA 2", outcome="deferred"
        ),
        "mb_rejects": DecisionFactory(
            body=board,
            subject=recommendation,
            kind=DecisionKind.REJECT_RECOMMENDATION,
            outcome=DecisionOutcome.REJECTED,
            rationale="Superseded by the Safer Neighbourhoods programme.",
            decided_on=days_ago(20),
            minute_reference="MB 3",
        ),
        "mpa_notes": DecisionFactory(
            body=authority,
            subject=review,
            kind=DecisionKind.NOTE,
            outcome="noted",
            decided_on=days_ago(5),
            minute_reference="MPA 4",
        ),
    }


def _listed_minutes(response) -> list[str]:
    return [row[7] for row in csv_rows(response)[1:]]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"outcome": "deferred"}, {"MPA 2"}),
        ({"kind": DecisionKind.REJECT_RECOMMENDATION}, {"MB 3"}),
        ({"subject_type": "reviews.review"}, {"MB 1", "MPA 2", "MPA 4"}),
        ({"subject_type": "recommendations.recommendation"}, {"MB 3"}),
        ({"decided_from": days_ago(40).isoformat(), "decided_to": days_ago(10).isoformat()}, {"MPA 2", "MB 3"}),
    ],
    ids=["outcome", "kind", "on reviews", "on recommendations", "date range"],
)
def test_decision_list_filters(member_client, decisions, params, expected):
    response = member_client.get(reverse("programmes:decision_list"), {**params, "format": "csv"})
    assert set(_listed_minutes(response)) == expected


def test_decision_list_filters_by_body_on_the_page(member_client, decisions):
    board = decisions["mb_approves"].body
    page = text_of(member_client.get(reverse("programmes:decision_list"), {"body": board.pk}))

    assert "2 decisions<" in page
    assert "MB 1" in page
    assert "MPA 2" not in page
    assert "Remove this filter" in page


def test_decision_list_sorts_by_date_both_ways(member_client, decisions):
    url = reverse("programmes:decision_list")

    oldest_first = _listed_minutes(member_client.get(url, {"sort": "decided_on", "format": "csv"}))
    newest_first = _listed_minutes(member_client.get(url, {"sort": "-decided_on", "format": "csv"}))

    assert oldest_first[:2] == ["MB 1", "MPA 2"]
    assert newest_first == list(reversed(oldest_first))
    page = text_of(member_client.get(url, {"sort": "decided_on"}))
    assert 'aria-sort="ascending"' in page
    assert "sort=-decided_on" in page


def test_an_unknown_sort_falls_back_to_the_default_order(member_client, decisions):
    response = member_client.get(reverse("programmes:decision_list"), {"sort": "rationale", "format": "csv"})
    assert _listed_minutes(response)[0] == decisions["mpa_notes"].minute_reference


def test_decision_exports_hold_exactly_the_filtered_rows_and_a_header(member_client, decisions):
    url = reverse("programmes:decision_list")
    board = decisions["mb_rejects"].body_id

    rows = csv_rows(member_client.get(url, {"body": board, "format": "csv"}))
    sheet = xlsx_rows(member_client.get(url, {"body": board, "format": "xlsx"}))

    for table in (rows, sheet):
        assert list(table[0][:4]) == ["Date", "Body", "Kind", "Outcome"]
        assert len(table) == 3
        assert {row[7] for row in table[1:]} == {"MB 1", "MB 3"}
    assert sheet[1][0] == datetime.datetime.combine(days_ago(20), datetime.time())


def test_decision_exports_neutralise_cells_a_spreadsheet_would_run(member_client):
    DecisionFactory(minute_reference='=HYPERLINK("http://example.com")', rationale="@SUM(A1)")
    url = reverse("programmes:decision_list")

    (row,) = csv_rows(member_client.get(url, {"format": "csv"}))[1:]
    (cells,) = xlsx_rows(member_client.get(url, {"format": "xlsx"}))[1:]

    for exported in (row, cells):
        assert exported[7] == '\'=HYPERLINK("http://example.com")'
        assert exported[8] == "'@SUM(A1)"


def test_decision_list_offers_downloads_that_keep_the_filters(member_client, decisions):
    page = text_of(member_client.get(reverse("programmes:decision_list"), {"outcome": "approved", "page": "1"}))
    assert "?outcome=approved&amp;format=csv" in page
    assert "?outcome=approved&amp;format=xlsx" in page


def test_decision_page_links_to_its_subject_and_shows_the_chain_oldest_first(member_client, decisions):
    decision = decisions["mpa_defers"]

    page = text_of(member_client.get(decision.get_absolute_url()))

    assert f'href="{decision.subject.get_absolute_url()}"' in page
    assert "Managing Demand" in page
    chain = page.split("Every decision on this review")[1]
    assert chain.index("MB 1") < chain.index("MPA 2")
    assert "Superseded by the Safer" not in chain


# Recording a decision -----------------------------------------------------------------------------------------


def _decision_form_url(subject_key: str) -> str:
    return f"{reverse('programmes:decision_create')}?subject={subject_key}"


def test_a_member_may_not_record_a_decision(member_client):
    review = ReviewFactory()
    assert member_client.get(_decision_form_url(f"reviews.review.{review.pk}")).status_code == 403
    assert member_client.post(_decision_form_url(f"reviews.review.{review.pk}"), {}).status_code == 403
    assert not Decision.objects.exists()


@pytest.mark.parametrize(
    "subject",
    ["reviews.review.999999", "reviews.nothing.1", "nowhere.review.1", "programmes.body.{body}", "reviews.review", ""],
    ids=["missing review", "unknown model", "unknown app", "not a decision subject", "no pk", "blank"],
)
def test_a_decision_on_an_unknown_subject_is_not_found(manager_client, subject):
    body = BodyFactory()
    response = manager_client.get(_decision_form_url(subject.format(body=body.pk)))
    assert response.status_code == 404


def test_the_decision_form_names_its_subject(manager_client):
    review = ReviewFactory(title="Criminal Justice Processes")
    DecisionFactory(subject=review, minute_reference="Earlier minute")

    page = text_of(manager_client.get(_decision_form_url(f"reviews.review.{review.pk}")))

    assert "Criminal Justice Processes" in page
    assert "Earlier minute" in page
    assert 'type="date"' in page


def test_a_decision_without_a_body_is_refused_with_the_reason_and_nothing_is_written(manager_client):
    review = ReviewFactory()

    response = manager_client.post(
        _decision_form_url(f"reviews.review.{review.pk}"),
        {"decided_on": days_ago(1).isoformat(), "kind": DecisionKind.APPROVE_FINAL_REPORT, "outcome": "approved"},
    )

    assert response.status_code == 200
    page = text_of(response)
    assert "There is a problem" in page
    assert "Choose the body that took the decision." in page
    assert "govuk-form-group--error" in page
    assert not Decision.objects.exists()


def test_a_rejection_without_a_rationale_is_refused(manager_client):
    review = ReviewFactory()
    body = BodyFactory(kind=BodyKind.MANAGEMENT_BOARD)

    response = manager_client.post(
        _decision_form_url(f"reviews.review.{review.pk}"),
        {"body": body.pk, "decided_on": days_ago(1).isoformat(), "kind": DecisionKind.NOTE, "outcome": "rejected"},
    )

    assert response.status_code == 200
    assert "A rejection must give its rationale." in text_of(response)
    assert not Decision.objects.exists()


def test_a_decision_at_another_bodys_meeting_is_refused(manager_client):
    review = ReviewFactory()
    body = BodyFactory(kind=BodyKind.MANAGEMENT_BOARD)
    meeting = MeetingFactory()

    response = manager_client.post(
        _decision_form_url(f"reviews.review.{review.pk}"),
        {
            "body": body.pk,
            "meeting": meeting.pk,
            "decided_on": meeting.date.isoformat(),
            "kind": DecisionKind.APPROVE_FINAL_REPORT,
            "outcome": "approved",
        },
    )

    assert response.status_code == 200
    assert "The meeting must be a meeting of the body that took the decision." in text_of(response)
    assert not Decision.objects.exists()


def test_the_manager_records_a_decision_with_its_history(manager_client, manager_user):
    review = ReviewFactory(stage=ReviewStage.REPORTED)
    board = BodyFactory(kind=BodyKind.MANAGEMENT_BOARD)
    meeting = MeetingFactory(body=board, date=days_ago(3))

    response = manager_client.post(
        _decision_form_url(f"reviews.review.{review.pk}"),
        {
            "body": board.pk,
            "meeting": meeting.pk,
            "decided_on": meeting.date.isoformat(),
            "kind": DecisionKind.APPROVE_FINAL_REPORT,
            "outcome": DecisionOutcome.APPROVED,
            "minute_reference": "MB 14/03",
            "rationale": "The report meets the terms of reference.",
            "change_message": "Recorded from the signed minutes of 3 March.",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == review.get_absolute_url()
    decision = Decision.objects.get()
    assert decision.subject == review
    assert decision.subject_type == ContentType.objects.get_for_model(review)
    assert (decision.body, decision.meeting, decision.decided_on) == (board, meeting, meeting.date)
    assert decision.minute_reference == "MB 14/03"
    assert decision.recorded_by == manager_user
    history = decision.history.get()
    assert history.history_user == manager_user
    assert history.history_change_reason == "Recorded from the signed minutes of 3 March."
    review.refresh_from_db()
    assert review.stage == ReviewStage.APPROVED_BY_MANAGEMENT_BOARD
    page = text_of(manager_client.get(response["Location"]))
    assert "Decision recorded: Approve final report, approved." in page


def test_a_decision_out_of_order_is_refused_with_the_missing_step(manager_client):
    review = ReviewFactory(stage=ReviewStage.REPORTED)
    authority = BodyFactory(kind=BodyKind.AUTHORITY)

    response = manager_client.post(
        _decision_form_url(f"reviews.review.{review.pk}"),
        {
            "body": authority.pk,
            "decided_on": days_ago(1).isoformat(),
            "kind": DecisionKind.APPROVE_FINAL_REPORT,
            "outcome": DecisionOutcome.APPROVED,
        },
    )

    assert response.status_code == 200
    page = text_of(response)
    assert "There is a problem" in page
    assert "Final report approved by the management board is missing" in page
    assert not Decision.objects.exists()
    review.refresh_from_db()
    assert review.stage == ReviewStage.REPORTED


def test_a_decision_on_a_recommendation_is_recorded_too(manager_client):
    recommendation = RecommendationFactory()
    board = BodyFactory(kind=BodyKind.MANAGEMENT_BOARD)

    response = manager_client.post(
        _decision_form_url(f"recommendations.recommendation.{recommendation.pk}"),
        {
            "body": board.pk,
            "decided_on": days_ago(1).isoformat(),
            "kind": DecisionKind.ACCEPT_RECOMMENDATION,
            "outcome": DecisionOutcome.APPROVED,
        },
    )

    assert response.status_code == 302
    decision = Decision.objects.get()
    assert decision.subject == recommendation
    assert decision.history.get().history_change_reason == "Recorded decision: Accept recommendation, approved"


# Indicators and risks -----------------------------------------------------------------------------------------


def test_indicator_page_shows_target_and_actual_per_period(member_client):
    indicator = IndicatorFactory(code="BVPI 127a", name="Violent crime per 1,000 population", direction="lower")
    IndicatorValueFactory(
        indicator=indicator, period="2002/03", period_end=days_ago(400), target=Decimal("30"), actual=Decimal("32.5")
    )
    IndicatorValueFactory(
        indicator=indicator, period="2003/04", period_end=days_ago(30), target=Decimal("30"), actual=Decimal("28.1")
    )

    page = text_of(member_client.get(indicator.get_absolute_url()))

    assert page.index("2002/03") < page.index("2003/04")
    first, second = page.split("2003/04", 1)
    assert "32.50" in first and "Not met" in first
    assert "28.10" in second and ">Met<" in second


def test_risk_list_filters_by_status_and_owner(member_client):
    owner = PersonFactory(name="Treasurer Jones")
    RiskFactory(reference="R1", owner=owner, status=RiskStatus.OPEN)
    RiskFactory(reference="R2", owner=owner, status=RiskStatus.CLOSED)
    RiskFactory(reference="R3", status=RiskStatus.OPEN)

    response = member_client.get(
        reverse("programmes:risk_list"), {"status": "open", "owner": owner.pk, "format": "csv"}
    )

    assert [row[0] for row in csv_rows(response)[1:]] == ["R1"]


def test_risk_list_sorts_by_score(member_client):
    RiskFactory(reference="R-low", likelihood=1, impact=2)
    RiskFactory(reference="R-high", likelihood=5, impact=5)
    RiskFactory(reference="R-mid", likelihood=3, impact=3)
    url = reverse("programmes:risk_list")

    highest_first = csv_rows(member_client.get(url, {"sort": "-score", "format": "csv"}))[1:]
    lowest_first = csv_rows(member_client.get(url, {"sort": "score", "format": "csv"}))[1:]

    assert [(row[0], row[5]) for row in highest_first] == [("R-high", "25"), ("R-mid", "9"), ("R-low", "2")]
    assert [row[0] for row in lowest_first] == ["R-low", "R-mid", "R-high"]


def test_risk_page_shows_score_owner_and_mitigation(member_client):
    risk = RiskFactory(likelihood=4, impact=5, owner=PersonFactory(name="Keith Luck"))

    page = text_of(member_client.get(risk.get_absolute_url()))

    assert "<strong>20</strong> out of 25" in page
    assert "Keith Luck" in page
    assert "Monthly review of the savings plan" in page


# A bounded number of queries, whatever the number of rows -------------------------------------------------------


def _programmes(n):
    for _ in range(n):
        ProgrammeFactory(
            director=PersonFactory(),
            manager=PersonFactory(),
            executive_body=BodyFactory(kind=BodyKind.COMMITTEE),
            programme_board=BodyFactory(kind=BodyKind.PROGRAMME_BOARD),
        )


def _bodies(n):
    parent = BodyFactory(kind=BodyKind.AUTHORITY)
    for _ in range(n):
        body = BodyFactory(reports_to=parent)
        MembershipFactory(body=body)
        MeetingFactory(body=body)


def _meetings(n):
    MeetingFactory.create_batch(n)


def _decisions(n):
    review = ReviewFactory()
    recommendation = RecommendationFactory()
    for index in range(n):
        DecisionFactory(subject=review if index % 2 else recommendation, meeting=MeetingFactory())


def _indicators(n):
    for _ in range(n):
        IndicatorValueFactory(indicator=IndicatorFactory())


def _risks(n):
    RiskFactory.create_batch(n)


# Every page reads the session, the user and the user's permissions (3: the navigation asks), then a list counts its
# rows and reads one page of them (2), plus one query per select in its filter panel and, for decisions, one per kind of
# subject on the page.
LIST_QUERIES = [
    ("programmes:programme_list", _programmes, 5),
    ("programmes:body_list", _bodies, 6),  # + "reports to" options
    ("programmes:meeting_list", _meetings, 6),  # + body options
    ("programmes:decision_list", _decisions, 9),  # + body and subject-kind options, reviews, recommendations
    ("programmes:indicator_list", _indicators, 6),  # + programme options
    ("programmes:risk_list", _risks, 7),  # + owner and programme options
]


@pytest.mark.parametrize(("name", "make", "expected"), LIST_QUERIES, ids=[name for name, *_ in LIST_QUERIES])
def test_list_pages_cost_the_same_queries_for_2_and_50_rows(
    member_client, django_assert_num_queries, name, make, expected
):
    make(2)
    response = assert_same_query_count(
        member_client,
        reverse(name),
        grow=lambda: make(48),
        expected=expected,
        django_assert_num_queries=django_assert_num_queries,
    )
    assert response.context["result_count"] >= 50


def test_programme_page_costs_the_same_queries_for_2_and_50_rows(member_client, django_assert_num_queries):
    programme = ProgrammeFactory(director=PersonFactory(), executive_body=BodyFactory())

    def add(n):
        for _ in range(n):
            outcome = StrategicOutcomeFactory(programme=programme)
            RecommendationFactory().outcomes.add(outcome)
            PriorityFactory(programme=programme)
            ReviewFactory(programme=programme)
            IndicatorValueFactory(indicator=IndicatorFactory(programme=programme))
            RiskFactory(programme=programme)

    add(2)
    assert_same_query_count(
        member_client,
        programme.get_absolute_url(),
        grow=lambda: add(48),
        expected=9,  # session, user, permissions, programme, outcomes, priorities, reviews, indicators, risks
        django_assert_num_queries=django_assert_num_queries,
    )


def test_body_page_costs_the_same_queries_for_2_and_50_rows(member_client, django_assert_num_queries):
    authority = BodyFactory(kind=BodyKind.AUTHORITY)
    body = BodyFactory(reports_to=BodyFactory(reports_to=authority, kind=BodyKind.COMMITTEE))

    def add(n):
        for index in range(n):
            MembershipFactory(body=body)
            MembershipFactory(body=body, start_date=days_ago(400), end_date=days_ago(10))
            BodyFactory(reports_to=body)
            meeting = MeetingFactory(body=body, date=days_ago(index + 1))
            # A subject each: the same decision on one subject twice would be a duplicate, refused.
            DecisionFactory(meeting=meeting, subject=ReviewFactory() if index % 2 else RecommendationFactory())

    add(2)
    assert_same_query_count(
        member_client,
        body.get_absolute_url(),
        grow=lambda: add(48),
        # session, user, permissions, body, all bodies (chain), below, seats, meetings, decisions, 2 subject kinds
        expected=11,
        django_assert_num_queries=django_assert_num_queries,
    )


def test_meeting_page_costs_the_same_queries_for_2_and_50_decisions(member_client, django_assert_num_queries):
    meeting = MeetingFactory()

    def add(n):
        for index in range(n):
            DecisionFactory(meeting=meeting, subject=ReviewFactory() if index % 2 else RecommendationFactory())

    add(2)
    assert_same_query_count(
        member_client,
        meeting.get_absolute_url(),
        grow=lambda: add(48),
        expected=7,  # session, user, permissions, meeting, decisions, reviews, recommendations
        django_assert_num_queries=django_assert_num_queries,
    )


def test_decision_page_costs_the_same_queries_for_2_and_50_in_its_chain(member_client, django_assert_num_queries):
    review = ReviewFactory()
    decision = DecisionFactory(subject=review, meeting=MeetingFactory())

    def add(n):
        for _ in range(n):
            DecisionFactory(subject=review, meeting=MeetingFactory())

    add(1)
    assert_same_query_count(
        member_client,
        decision.get_absolute_url(),
        grow=lambda: add(48),
        # session, user, decision, its review, the chain; whether the reader may correct it (their permissions, the
        # bodies they chair)
        expected=7,
        django_assert_num_queries=django_assert_num_queries,
    )


def test_indicator_page_costs_the_same_queries_for_2_and_50_rows(member_client, django_assert_num_queries):
    indicator = IndicatorFactory()

    def add(n):
        for _ in range(n):
            IndicatorValueFactory(indicator=indicator)
            RecommendationFactory().indicators.add(indicator)
            indicator.outcomes.add(StrategicOutcomeFactory(programme=indicator.programme))

    add(2)
    assert_same_query_count(
        member_client,
        indicator.get_absolute_url(),
        grow=lambda: add(48),
        expected=8,  # session, user, permissions, indicator, values, outcomes, recommendations, their reports
        django_assert_num_queries=django_assert_num_queries,
    )


def test_risk_page_costs_the_same_queries_however_many_risks(member_client, django_assert_num_queries):
    risk = RiskFactory()
    assert_same_query_count(
        member_client,
        risk.get_absolute_url(),
        grow=lambda: RiskFactory.create_batch(48, programme=risk.programme),
        expected=4,  # session, user, permissions, risk
        django_assert_num_queries=django_assert_num_queries,
    )


def test_a_decision_on_the_programme_itself_is_recorded(manager_client):
    programme = ProgrammeFactory()
    authority = BodyFactory(kind=BodyKind.AUTHORITY)

    response = manager_client.post(
        _decision_form_url(f"programmes.programme.{programme.pk}"),
        {"body": authority.pk, "decided_on": days_ago(1).isoformat(), "kind": DecisionKind.NOTE, "outcome": "noted"},
    )

    assert response.status_code == 302
    assert response["Location"] == programme.get_absolute_url()
    assert Decision.objects.get().subject == programme
