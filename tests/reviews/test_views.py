"""The review and inspection pages as members and the programme manager use them: the list with its filters, sorting
and exports, a review's page, adding and editing a review, inspections, and a bounded number of queries."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from programmes.choices import BodyKind, DecisionKind
from recommendations.choices import ActionStatus, DecisionStatus, ImplementationStatus
from reviews.choices import ProspectsJudgement, ReviewKind, ReviewStage
from reviews.models import Review
from tests.pages import assert_same_query_count, csv_rows, text_of, xlsx_rows
from tests.programmes.factories import BodyFactory, DecisionFactory, MeetingFactory, PersonFactory, ProgrammeFactory
from tests.recommendations.factories import ActionFactory, RecommendationFactory, SourceFactory
from tests.reviews.factories import AimFactory, InspectionFactory, ReviewFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def days_ago(days: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days)


def recommendations_for(review, *, accepted=0, implemented=0, not_pursued=0):
    """`accepted` accepted recommendations of the review's final report, `implemented` of them implemented."""
    source = SourceFactory(review=review, programme=review.programme)
    made = []
    for index in range(accepted):
        done = index < implemented
        made.append(
            RecommendationFactory(
                source=source,
                implementation_status=ImplementationStatus.IMPLEMENTED if done else ImplementationStatus.IN_PROGRESS,
                implemented_on=days_ago(10) if done else None,
            )
        )
    for _ in range(not_pursued):
        made.append(
            RecommendationFactory(
                source=source, decision_status=DecisionStatus.NOT_PURSUED, decision_rationale="Not affordable."
            )
        )
    return made


# Every page needs a signed-in user --------------------------------------------------------------------------


PAGES = {
    "review_list": lambda: reverse("reviews:review_list"),
    "review_detail": lambda: reverse("reviews:review_detail", args=[ReviewFactory().pk]),
    "inspection_list": lambda: reverse("reviews:inspection_list"),
    "inspection_detail": lambda: reverse("reviews:inspection_detail", args=[InspectionFactory().pk]),
}


@pytest.mark.parametrize("page", PAGES.values(), ids=PAGES.keys())
def test_a_member_sees_every_page(member_client, page):
    assert member_client.get(page()).status_code == 200


@pytest.mark.parametrize(
    "page",
    [
        *PAGES.values(),
        lambda: reverse("reviews:review_create"),
        lambda: reverse("reviews:review_update", args=[ReviewFactory().pk]),
    ],
    ids=[*PAGES.keys(), "review_create", "review_update"],
)
def test_every_page_sends_a_signed_out_visitor_to_sign_in(client, page):
    url = page()
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


# The list of reviews ------------------------------------------------------------------------------------------


def _listed_titles(response) -> list[str]:
    return [row[1] for row in csv_rows(response)[1:]]


@pytest.fixture
def reviews():
    programme = ProgrammeFactory(name="Best Value Programme 2003/04")
    other = ProgrammeFactory(name="Service Review 2005")
    return {
        "demand": ReviewFactory(
            programme=programme,
            title="Managing Demand",
            reference="bvr-demand",
            stage=ReviewStage.IMPLEMENTING,
            planned_start=days_ago(700),
        ),
        "consultation": ReviewFactory(
            programme=programme,
            title="Consultation",
            reference="bvr-consultation",
            stage=ReviewStage.APPROVED_BY_AUTHORITY,
            scope="How the service consults Londoners about policing priorities.",
            planned_start=days_ago(500),
        ),
        "custody": ReviewFactory(
            programme=programme,
            title="Custody Provision",
            reference="bvr-custody",
            stage=ReviewStage.SCOPING,
            planned_start=days_ago(100),
        ),
        "service": ReviewFactory(
            programme=other,
            title="Call Handling",
            reference="sr-call-handling",
            kind=ReviewKind.SERVICE_REVIEW,
            stage=ReviewStage.IMPLEMENTING,
            planned_start=days_ago(300),
        ),
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"stage": ReviewStage.IMPLEMENTING}, {"Managing Demand", "Call Handling"}),
        ({"kind": ReviewKind.SERVICE_REVIEW}, {"Call Handling"}),
        ({"q": "consults londoners"}, {"Consultation"}),
        ({"q": "bvr-custody"}, {"Custody Provision"}),
        ({"stage": ReviewStage.IMPLEMENTING, "kind": ReviewKind.BEST_VALUE_REVIEW}, {"Managing Demand"}),
    ],
    ids=["stage", "kind", "scope words", "reference", "stage and kind"],
)
def test_review_list_filters_narrow_the_rows(member_client, reviews, params, expected):
    response = member_client.get(reverse("reviews:review_list"), {**params, "format": "csv"})
    assert set(_listed_titles(response)) == expected


def test_review_list_filters_by_programme_on_the_page(member_client, reviews):
    programme = reviews["service"].programme

    page = text_of(member_client.get(reverse("reviews:review_list"), {"programme": programme.pk}))

    assert "1 review<" in page
    assert "Call Handling" in page
    assert "Managing Demand" not in page
    assert "Service Review 2005" in page and "Remove this filter" in page


def test_review_list_shows_only_implementing_reviews_when_asked(member_client, reviews):
    page = text_of(member_client.get(reverse("reviews:review_list"), {"stage": "implementing"}))

    assert "2 reviews<" in page
    assert "Managing Demand" in page and "Call Handling" in page
    assert "Consultation" not in page and "Custody Provision" not in page


def test_review_list_refuses_a_stage_that_does_not_exist(member_client, reviews):
    page = text_of(member_client.get(reverse("reviews:review_list"), {"stage": "lost"}))
    assert "There is a problem" in page
    assert "Select a valid choice" in page


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("title", ["Call Handling", "Consultation", "Custody Provision", "Managing Demand"]),
        ("-title", ["Managing Demand", "Custody Provision", "Consultation", "Call Handling"]),
        ("planned_start", ["Managing Demand", "Consultation", "Call Handling", "Custody Provision"]),
        ("stage", ["Custody Provision", "Consultation", "Managing Demand", "Call Handling"]),
        ("-stage", ["Call Handling", "Managing Demand", "Consultation", "Custody Provision"]),
    ],
)
def test_review_list_sorts(member_client, reviews, sort, expected):
    response = member_client.get(reverse("reviews:review_list"), {"sort": sort, "format": "csv"})
    assert _listed_titles(response) == expected


def test_review_list_headings_link_to_their_sort_and_say_which_is_in_force(member_client, reviews):
    page = text_of(member_client.get(reverse("reviews:review_list"), {"sort": "title", "stage": "implementing"}))

    assert 'aria-sort="ascending"' in page
    assert "?stage=implementing&amp;sort=-title" in page
    assert "?stage=implementing&amp;sort=planned_start" in page
    assert '<input type="hidden" name="sort" value="title">' in page


def test_review_list_shows_the_implementation_rate(member_client, reviews):
    recommendations_for(reviews["demand"], accepted=17, implemented=1, not_pursued=2)

    page = text_of(member_client.get(reverse("reviews:review_list")))

    assert "1 of 17 implemented" in page


def test_review_exports_hold_exactly_the_filtered_rows_and_a_header(member_client, reviews):
    recommendations_for(reviews["demand"], accepted=3, implemented=1)
    url = reverse("reviews:review_list")
    params = {"stage": ReviewStage.IMPLEMENTING, "sort": "title"}

    rows = csv_rows(member_client.get(url, {**params, "format": "csv"}))
    sheet = xlsx_rows(member_client.get(url, {**params, "format": "xlsx"}))

    for table in (rows, sheet):
        assert list(table[0][:5]) == ["Reference", "Review", "Programme", "Kind", "Stage"]
        assert [row[1] for row in table[1:]] == ["Call Handling", "Managing Demand"]
        assert table[2][12] == "1 of 3 implemented"
    assert rows[2][10:12] == ["3", "1"]
    assert sheet[2][10:12] == (3, 1)


def test_review_exports_neutralise_cells_a_spreadsheet_would_run(member_client):
    ReviewFactory(title="=cmd|' /C calc'!A0", reference="plus")
    ReviewFactory(title="+Managing Demand", reference="minus")
    url = reverse("reviews:review_list")

    rows = csv_rows(member_client.get(url, {"format": "csv", "sort": "reference"}))
    sheet = xlsx_rows(member_client.get(url, {"format": "xlsx", "sort": "reference"}))

    for table in (rows, sheet):
        titles = {row[0]: row[1] for row in table[1:]}
        assert titles == {"minus": "'+Managing Demand", "plus": "'=cmd|' /C calc'!A0"}


# A review's page ----------------------------------------------------------------------------------------------


def test_review_page_shows_the_implementation_rate_and_overdue_actions(member_client):
    review = ReviewFactory(title="Managing Demand", stage=ReviewStage.IMPLEMENTING)
    first, *_ = recommendations_for(review, accepted=3, implemented=1, not_pursued=1)
    ActionFactory(recommendation=first, due_date=days_ago(5), status=ActionStatus.IN_PROGRESS)
    ActionFactory(recommendation=first, due_date=days_ago(5), status=ActionStatus.COMPLETE, completed_on=days_ago(6))

    page = text_of(member_client.get(review.get_absolute_url()))

    assert "1 of 3 implemented" in page
    assert '<p class="govuk-heading-l govuk-!-margin-bottom-1" data-figure="implemented">1 of 3</p>' in page
    assert "(4 recorded)" in page
    assert "1 action overdue" in page
    assert "1 overdue action" in page
    assert "Not pursued" in page and "Implemented" in page and "In progress" in page


def test_review_page_groups_recommendations_by_the_report_that_made_them(member_client):
    review = ReviewFactory()
    final_report = SourceFactory(review=review, programme=review.programme, title="Final report of the review")
    inspection_report = SourceFactory(
        review=review, programme=review.programme, title="HMIC inspection report", published_on=days_ago(10)
    )
    RecommendationFactory(source=final_report, text="Produce a demand management strategy.")
    RecommendationFactory(source=inspection_report, text="Report implementation every quarter.")

    page = text_of(member_client.get(review.get_absolute_url()))

    assert page.index("Final report of the review") < page.index("Produce a demand management strategy")
    assert page.index("HMIC inspection report") < page.index("Report implementation every quarter")
    assert page.index("Produce a demand management strategy") < page.index("HMIC inspection report")


def test_review_page_flags_an_aim_that_is_not_smart_with_what_it_misses(member_client):
    review = ReviewFactory()
    AimFactory(review=review, number=1, text="Answer emergency calls promptly.")
    AimFactory(review=review, number=2, text="Improve consultation.", measure="", target="", deadline=None)
    AimFactory(review=review, number=3, text="Reduce repeat calls.", target="", deadline=None)

    page = text_of(member_client.get(review.get_absolute_url()))

    assert "Not SMART: missing measure, target, deadline" in page
    assert "Not SMART: missing target, deadline" in page
    assert page.count("Not SMART") == 2
    smart_aim = page.split("Aim 1")[1].split("Aim 2")[0]
    assert "Not SMART" not in smart_aim


def test_review_page_lists_its_decisions_oldest_first(member_client):
    review = ReviewFactory(stage=ReviewStage.APPROVED_BY_AUTHORITY)
    board = BodyFactory(name="Management Board", kind=BodyKind.MANAGEMENT_BOARD)
    authority = BodyFactory(name="Metropolitan Police Authority", kind=BodyKind.AUTHORITY)
    DecisionFactory(
        subject=review, body=authority, decided_on=days_ago(10), minute_reference="MPA 7", kind=DecisionKind.NOTE
    )
    DecisionFactory(subject=review, body=board, decided_on=days_ago(40), minute_reference="MB 3")
    DecisionFactory(subject=ReviewFactory(), body=board, decided_on=days_ago(20), minute_reference="Another review")

    page = text_of(member_client.get(review.get_absolute_url()))

    chain = page.split('id="decisions"')[1]
    assert chain.index("MB 3") < chain.index("MPA 7")
    assert chain.index("Management Board") < chain.index("Metropolitan Police Authority")
    assert "Approve final report" in chain and "Note" in chain
    assert "Another review" not in page


def test_review_page_offers_the_manager_to_edit_and_record_a_decision(manager_client, member_client):
    review = ReviewFactory()
    decision_url = f"{reverse('programmes:decision_create')}?subject=reviews.review.{review.pk}"
    edit_url = reverse("reviews:review_update", args=[review.pk])
    history_url = reverse("object_history", args=["reviews", "review", review.pk])

    as_manager = text_of(manager_client.get(review.get_absolute_url()))
    as_member = text_of(member_client.get(review.get_absolute_url()))

    assert decision_url in as_manager and edit_url in as_manager
    assert decision_url not in as_member and edit_url not in as_member
    assert history_url == f"/history/reviews/review/{review.pk}/"
    assert history_url in as_manager and history_url in as_member


def test_review_page_shows_boards_people_dates_money_and_evidence(member_client):
    review = ReviewFactory(
        project_board=BodyFactory(name="Managing Demand Project Board"),
        challenge_panel=BodyFactory(name="Challenge Panel", kind=BodyKind.CHALLENGE_PANEL),
        project_director=PersonFactory(name="Steve House", job_title="Assistant Commissioner"),
        budget=Decimal("120000"),
        cost=Decimal("90000"),
        compare_evidence="Compared with Greater Manchester and West Midlands.",
        final_report_title="Managing Demand: final report",
        final_report_date=days_ago(200),
    )

    page = text_of(member_client.get(review.get_absolute_url()))

    assert "Managing Demand Project Board" in page and "Challenge Panel" in page
    assert "Steve House" in page and "Assistant Commissioner" in page
    assert "£120,000.00" in page and "£90,000.00" in page and "75% of the budget" in page
    assert "Compared with Greater Manchester" in page
    assert "Managing Demand: final report" in page


# Adding and editing a review ----------------------------------------------------------------------------------


def _form_data(review=None, **changes):
    programme = review.programme if review else ProgrammeFactory()
    data = {
        "programme": programme.pk,
        "reference": review.reference if review else "bvr-property",
        "title": review.title if review else "Property Services",
        "kind": review.kind if review else ReviewKind.BEST_VALUE_REVIEW,
        "scope": "",
        "planned_start": "",
        "planned_end": "",
        "actual_start": "",
        "actual_end": "",
        "budget": "",
        "cost": "",
        "change_message": "",
    }
    data.update(changes)
    return data


def test_a_member_may_not_add_or_edit_a_review(member_client):
    review = ReviewFactory()
    assert member_client.get(reverse("reviews:review_create")).status_code == 403
    assert member_client.post(reverse("reviews:review_create"), _form_data()).status_code == 403
    assert member_client.post(reverse("reviews:review_update", args=[review.pk]), _form_data(review)).status_code == 403


def test_the_review_form_has_no_stage_and_native_date_inputs(manager_client):
    page = text_of(manager_client.get(reverse("reviews:review_create")))
    assert 'name="stage"' not in page
    assert page.count('type="date"') == 5
    assert "moj-datepicker" not in page


def test_the_manager_adds_a_review_which_starts_proposed(manager_client, manager_user):
    response = manager_client.post(
        reverse("reviews:review_create"),
        _form_data(planned_start="2004-04-01", planned_end="2005-03-31", stage=ReviewStage.CLOSED),
    )

    review = Review.objects.get(reference="bvr-property")
    assert response.status_code == 302 and response["Location"] == review.get_absolute_url()
    assert review.stage == ReviewStage.PROPOSED
    assert review.planned_start == datetime.date(2004, 4, 1)
    history = review.history.get()
    assert history.history_user == manager_user
    assert history.history_change_reason == "Created review"


def test_the_manager_edits_a_review_with_a_change_message_but_cannot_move_its_stage(manager_client, manager_user):
    review = ReviewFactory(stage=ReviewStage.SCOPING, title="Custody")

    response = manager_client.post(
        reverse("reviews:review_update", args=[review.pk]),
        _form_data(
            review,
            title="Custody Provision",
            stage=ReviewStage.CLOSED,
            budget="95000",
            change_message="Title as agreed by the project board.",
        ),
    )

    assert response.status_code == 302
    review.refresh_from_db()
    assert review.title == "Custody Provision"
    assert review.budget == Decimal("95000")
    assert review.stage == ReviewStage.SCOPING
    latest = review.history.latest()
    assert latest.history_user == manager_user
    assert latest.history_change_reason == "Title as agreed by the project board."
    assert latest.stage == ReviewStage.SCOPING


def test_the_edit_form_shows_dates_as_the_date_input_reads_them(manager_client):
    review = ReviewFactory(planned_start=datetime.date(2003, 4, 1))
    page = text_of(manager_client.get(reverse("reviews:review_update", args=[review.pk])))
    assert 'value="2003-04-01"' in page


def test_a_review_without_a_title_is_refused_and_nothing_is_written(manager_client):
    review = ReviewFactory(title="Custody")

    response = manager_client.post(
        reverse("reviews:review_update", args=[review.pk]), _form_data(review, title="", budget="-5")
    )

    assert response.status_code == 200
    page = text_of(response)
    assert "There is a problem" in page
    assert "Enter the title of the review." in page
    review.refresh_from_db()
    assert review.title == "Custody"
    assert review.history.count() == 1


def test_a_review_that_ends_before_it_starts_is_refused(manager_client):
    response = manager_client.post(
        reverse("reviews:review_create"), _form_data(planned_start="2004-04-01", planned_end="2004-03-01")
    )

    assert response.status_code == 200
    assert "There is a problem" in text_of(response)
    assert not Review.objects.filter(reference="bvr-property").exists()


# Inspections --------------------------------------------------------------------------------------------------


def test_inspection_page_shows_judgements_findings_and_its_recommendations(member_client):
    review = ReviewFactory(title="Managing Demand")
    inspection = InspectionFactory(
        review=review,
        title="Managing Demand: HMIC inspection",
        prospects_judgement=ProspectsJudgement.UNCERTAIN,
        strengths="Strong leadership.\nClear scope.",
        good_practice="",
    )
    source = SourceFactory(inspection=inspection, review=review, programme=review.programme, title="HMIC report")
    RecommendationFactory(source=source, text="Implement the outstanding recommendations with funding attached.")

    page = text_of(member_client.get(inspection.get_absolute_url()))

    assert "HM Inspectorate of Constabulary" in page
    assert ">Fair</strong>" in page and ">Uncertain</strong>" in page
    assert "Strong leadership.<br>Clear scope." in page
    assert "Implementation of recommendations has been extremely limited." in page
    assert "Implement the outstanding recommendations" in page
    assert review.get_absolute_url() in page


def test_inspection_list_filters_by_inspectorate_and_review(member_client):
    review = ReviewFactory()
    InspectionFactory(review=review, title="HMIC of the review")
    InspectionFactory(review=review, title="District Audit of the review", inspectorate="district_audit")
    InspectionFactory(title="HMIC of another review")

    response = member_client.get(
        reverse("reviews:inspection_list"), {"inspectorate": "hmic", "review": review.pk, "format": "csv"}
    )

    assert [row[1] for row in csv_rows(response)[1:]] == ["HMIC of the review"]


# A bounded number of queries, whatever the number of rows -------------------------------------------------------


def test_review_list_costs_the_same_queries_for_2_and_50_reviews(member_client, django_assert_num_queries):
    programme = ProgrammeFactory()

    def add(n):
        for _ in range(n):
            recommendations_for(ReviewFactory(programme=programme), accepted=2, implemented=1)

    add(2)
    response = assert_same_query_count(
        member_client,
        reverse("reviews:review_list"),
        grow=lambda: add(48),
        expected=6,  # session, user, the user's permissions ("Add a review"), count, rows, programme options
        django_assert_num_queries=django_assert_num_queries,
    )
    assert "50 reviews<" in text_of(response)
    # All 50 counted, a page of them shown, each with its rate.
    assert text_of(response).count("1 of 2 implemented") == 25


def test_review_page_costs_the_same_queries_for_2_and_50_rows(member_client, django_assert_num_queries):
    review = ReviewFactory()
    sources = [SourceFactory(review=review, programme=review.programme) for _ in range(2)]

    def add(n):
        for index in range(n):
            recommendation = RecommendationFactory(source=sources[index % 2], owner=PersonFactory())
            ActionFactory(recommendation=recommendation, due_date=days_ago(3))
            AimFactory(review=review, measure="")
            InspectionFactory(review=review)
            DecisionFactory(subject=review, meeting=MeetingFactory())

    add(2)
    response = assert_same_query_count(
        member_client,
        review.get_absolute_url(),
        grow=lambda: add(48),
        # session, user, review, aims, inspections, decisions, recommendations, the user's permissions (edit, decide)
        expected=8,
        django_assert_num_queries=django_assert_num_queries,
    )
    assert "(50 recorded)" in text_of(response)


def test_inspection_list_costs_the_same_queries_for_2_and_50_rows(member_client, django_assert_num_queries):
    def add(n):
        for _ in range(n):
            inspection = InspectionFactory()
            RecommendationFactory(source=SourceFactory(inspection=inspection, review=inspection.review))

    add(2)
    assert_same_query_count(
        member_client,
        reverse("reviews:inspection_list"),
        grow=lambda: add(48),
        expected=6,  # session, user, the user's permissions, count, rows, review options
        django_assert_num_queries=django_assert_num_queries,
    )


def test_inspection_page_costs_the_same_queries_for_2_and_50_recommendations(member_client, django_assert_num_queries):
    inspection = InspectionFactory()
    source = SourceFactory(inspection=inspection, review=inspection.review)

    def add(n):
        for _ in range(n):
            RecommendationFactory(source=source, owner=PersonFactory())

    add(2)
    assert_same_query_count(
        member_client,
        inspection.get_absolute_url(),
        grow=lambda: add(48),
        expected=7,  # session, user, the user's permissions, inspection, its reports, their recommendations, owners
        django_assert_num_queries=django_assert_num_queries,
    )
