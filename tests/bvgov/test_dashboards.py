"""The committee and board dashboards, as a member reads them: figures, gaps, overdue items, and 'as at' a past day."""

import datetime

import pytest
from django.core.cache import caches
from django.utils import timezone

from core.history import save_with_history
from programmes.choices import BodyKind
from recommendations.choices import ActionStatus, DecisionStatus, ImplementationStatus
from reviews.choices import ReviewStage
from tests.programmes.factories import BodyFactory, MeetingFactory, PersonFactory, ProgrammeFactory
from tests.recommendations.factories import (
    ActionFactory,
    ProgressUpdateFactory,
    RecommendationFactory,
    SourceFactory,
    as_implemented,
)
from tests.reviews.factories import ReviewFactory

pytestmark = pytest.mark.django_db


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def moment(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0)))


def review_with_recommendations(
    *, title: str, total: int, implemented: int, stage=ReviewStage.IMPLEMENTING, programme=None
):
    review = ReviewFactory(title=title, stage=stage, **({"programme": programme} if programme else {}))
    source = SourceFactory(review=review, programme=review.programme)
    for index in range(total):
        done = index < implemented
        RecommendationFactory(
            source=source,
            review=review,
            implementation_status=ImplementationStatus.IMPLEMENTED if done else ImplementationStatus.NOT_STARTED,
            implemented_on=days(-10) if done else None,
            funding_source="Within existing budgets",
        )
    return review


def test_signed_out_visitor_is_sent_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_each_review_shows_its_stage_and_implementation_rate(member_client):
    programme = ProgrammeFactory()
    review_with_recommendations(title="Managing Demand", total=17, implemented=1, programme=programme)
    review_with_recommendations(
        title="Consultation", total=4, implemented=2, stage=ReviewStage.REPORTED, programme=programme
    )

    response = member_client.get("/", {"programme": programme.pk})

    assert response.status_code == 200
    rows = {row.title: row for row in response.context["dashboard"].reviews}
    assert rows["Managing Demand"].implementation_rate == "1 of 17"
    assert rows["Consultation"].implementation_rate == "2 of 4"
    content = response.content.decode()
    assert "1 of 17 implemented" in content
    assert "Implementing" in content
    assert response.context["dashboard"].totals["implemented"] == 3


def test_not_pursued_recommendations_are_left_out_of_the_rate(member_client):
    review = review_with_recommendations(title="Managing Demand", total=3, implemented=1)
    RecommendationFactory(
        source=review.sources.get(),
        review=review,
        decision_status=DecisionStatus.NOT_PURSUED,
        decision_rationale="Superseded by the C3i programme.",
    )

    row = member_client.get("/").context["dashboard"].reviews[0]

    assert row.implementation_rate == "1 of 3"
    assert row.by_decision[DecisionStatus.NOT_PURSUED] == 1


def test_needs_the_committee_counts_gaps_waiting_reviews_and_long_overdue_actions_and_links_to_them(member_client):
    programme = ProgrammeFactory()
    waiting = ReviewFactory(title="Operational Support", stage=ReviewStage.REPORTED, programme=programme)
    source = SourceFactory(review=waiting, programme=programme)
    funded = {"funding_source": "Within existing budgets"}
    unowned = RecommendationFactory(source=source, owner=None, text="Publish a demand strategy.", **funded)
    RecommendationFactory(source=source, original_target_date=None, timescale="", **funded)
    RecommendationFactory(source=source, funding_amount=None, funding_source="")
    RecommendationFactory(source=source, **funded)
    late = ActionFactory(
        recommendation=unowned, description="Risk assessment framework for single crewing", due_date=days(-120)
    )
    ActionFactory(recommendation=unowned, description="Recently late", due_date=days(-30))
    ActionFactory(description="Another programme's, long overdue", due_date=days(-200))

    response = member_client.get("/", {"programme": programme.pk})
    dashboard = response.context["dashboard"]
    html = response.content.decode()

    assert dashboard.gaps_count == 3
    awaiting = {row.title: row.awaiting for row in dashboard.awaiting}
    assert awaiting[waiting.title] == "Management board approval of the final report"
    assert waiting.title in html
    assert dashboard.long_overdue_count == 1
    # The lists are linked to, not repeated: the link shows exactly the actions counted.
    assert late.description not in html
    before = dashboard.long_overdue_before
    link = f"/actions/?programme={programme.pk}&amp;overdue=true&amp;due_before={before:%Y-%m-%d}"
    assert link in html
    listed = member_client.get(link.replace("&amp;", "&"))
    assert [action["id"] for action in listed.context["object_list"]] == [late.pk]
    gaps = member_client.get(f"/recommendations/?programme={programme.pk}&has_gaps=true")
    assert gaps.context["paginator"].count == dashboard.gaps_count


def test_overdue_and_red_actions_are_counted_per_review(member_client):
    review = review_with_recommendations(title="Managing Demand", total=1, implemented=0)
    recommendation = review.recommendations.get()
    ActionFactory(recommendation=recommendation, due_date=days(-5))
    ActionFactory(recommendation=recommendation, due_date=days(20), status=ActionStatus.BLOCKED)
    ActionFactory(recommendation=recommendation, due_date=days(-5), status=ActionStatus.COMPLETE, completed_on=days(-6))
    ActionFactory(recommendation=recommendation, due_date=days(-5), rag_override="amber", rag_override_reason="Agreed")

    row = member_client.get("/").context["dashboard"].reviews[0]

    assert row.actions_open == 3
    assert row.actions_overdue == 2
    # Past due and blocked are red; an owner's amber override with a reason is not.
    assert row.actions_red == 2


def test_as_at_shows_the_register_as_it_stood_at_the_end_of_that_day(member_client, manager_user):
    long_ago = moment(days(-100))
    programme = ProgrammeFactory()
    review = save_with_history(
        ReviewFactory.build(title="Managing Demand", stage=ReviewStage.IMPLEMENTING, programme=programme),
        actor=manager_user,
        when=long_ago,
    )
    source = save_with_history(
        SourceFactory.build(review=review, programme=programme), actor=manager_user, when=long_ago
    )
    recommendations = []
    for number in range(1, 4):
        rec = RecommendationFactory.build(source=source, review=review, number=str(number), owner=PersonFactory())
        recommendations.append(save_with_history(rec, actor=manager_user, reason="Recorded", when=moment(days(-100))))
    first = recommendations[0]
    ProgressUpdateFactory(action=None, recommendation=first, note="Strategy adopted by the Management Board.")
    as_implemented(first, on=days(-40))
    save_with_history(first, actor=manager_user, reason="Implemented", when=moment(days(-40)))

    before = member_client.get("/", {"as_at": days(-50).isoformat()})
    after = member_client.get("/", {"as_at": days(-30).isoformat()})
    today = member_client.get("/")

    assert before.context["dashboard"].reviews[0].implementation_rate == "0 of 3"
    assert after.context["dashboard"].reviews[0].implementation_rate == "1 of 3"
    assert today.context["dashboard"].reviews[0].implementation_rate == "1 of 3"
    assert "Historical view" in before.content.decode()
    assert "Historical view" not in today.content.decode()
    nothing_yet = member_client.get("/", {"as_at": days(-200).isoformat()})
    assert nothing_yet.context["dashboard"].reviews == []


@pytest.mark.parametrize("bad", ["not-a-date", "2004-02-30", (timezone.localdate() + datetime.timedelta(days=3))])
def test_a_bad_as_at_date_is_explained_and_today_is_shown(member_client, bad):
    response = member_client.get("/", {"as_at": str(bad)})

    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert response.context["dashboard"].register.is_historical is False


def test_trend_counts_implemented_recommendations_by_quarter(member_client):
    review_with_recommendations(title="Managing Demand", total=3, implemented=2)

    response = member_client.get("/")

    trend = response.context["dashboard"].trend
    assert trend[-1]["cumulative"] == 2
    assert "<svg" in response.content.decode()


def _register_of_size(n: int, programme):
    # Reviews, recommendations and actions are recorded a week back, so that the register 'as at' yesterday holds
    # the same rows. (History rows cannot be re-dated afterwards: the history tables refuse updates.)
    week_ago = moment(days(-7))
    for index in range(n):
        review = ReviewFactory.build(
            programme=programme, stage=ReviewStage.REPORTED if index % 2 else ReviewStage.IMPLEMENTING
        )
        save_with_history(review, actor=None, when=week_ago)
        source = SourceFactory(review=review, programme=programme)
        rec = RecommendationFactory.build(
            source=source, review=review, owner=None if index % 3 == 0 else PersonFactory()
        )
        save_with_history(rec, actor=None, when=week_ago)
        action = ActionFactory.build(recommendation=rec, owner=PersonFactory(), due_date=days(-100 - index))
        save_with_history(action, actor=None, when=week_ago)


# Session, user, the user's permissions (the navigation offers the trail to its readers), the programme's choices,
# the current programme, the register's version (programmes.versions), then, unless the page is in the cache for
# that version: reviews, recommendation counts (with the gaps), action counts (with the long overdue), the trend.
QUERIES = 10
# A page in the pages cache for the register's version reads nothing of the register.
CACHED_QUERIES = 6


@pytest.mark.parametrize("as_at", [None, "past"])
def test_the_dashboard_costs_the_same_queries_for_2_and_50_reviews(member_client, django_assert_num_queries, as_at):
    params = {"as_at": days(-1).isoformat()} if as_at else {}
    programme = ProgrammeFactory()
    _register_of_size(2, programme)
    member_client.get("/", params)
    caches["pages"].clear()
    with django_assert_num_queries(QUERIES) as small:
        member_client.get("/", params)
    _register_of_size(48, programme)
    with django_assert_num_queries(QUERIES) as large:
        response = member_client.get("/", params)
    assert len(response.context["dashboard"].reviews) == 50
    assert len(small.captured_queries) == len(large.captured_queries)
    with django_assert_num_queries(CACHED_QUERIES):
        again = member_client.get("/", params)
    assert _main(again) == _main(response)


def _main(response) -> str:
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def test_board_dashboard_lists_its_reviews_actions_by_owner_decisions_waiting_and_changes(member_client, manager_user):
    board = BodyFactory(name="Managing Demand Implementation Project Board", kind=BodyKind.IMPLEMENTATION_BOARD)
    MeetingFactory(body=board, date=days(-7))
    review = ReviewFactory(title="Managing Demand", implementation_board=board, stage=ReviewStage.IMPLEMENTING)
    other = ReviewFactory(title="Not this board's")
    rec = RecommendationFactory(
        review=review, source=SourceFactory(review=review), decision_status=DecisionStatus.PROPOSED
    )
    owner = PersonFactory(name="Chief Inspector, Managing Demand implementation")
    overdue = ActionFactory(recommendation=rec, owner=owner, due_date=days(-3), description="Single crewing pilot")
    ActionFactory(recommendation=rec, owner=owner, due_date=days(10), description="Demand strategy refresh")
    ActionFactory(recommendation=rec, owner=owner, due_date=days(90), description="Far off")
    ActionFactory(recommendation=RecommendationFactory(review=other), due_date=days(-3), description="Elsewhere")
    overdue.status = ActionStatus.IN_PROGRESS
    save_with_history(overdue, actor=manager_user, reason="Pilot started in two boroughs")

    response = member_client.get("/boards/", {"body": board.pk})

    assert response.status_code == 200
    dashboard = response.context["dashboard"]
    assert [r.title for r in dashboard.reviews] == ["Managing Demand"]
    (group,) = dashboard.actions_by_owner
    assert group["owner"] == owner
    assert [a.description for a in group["actions"]] == ["Single crewing pilot", "Demand strategy refresh"]
    assert group["overdue"] == 1
    assert dashboard.recommendations_waiting == [rec]
    content = response.content.decode()
    assert "Pilot started in two boroughs" in content
    assert "Elsewhere" not in content


def test_board_dashboard_without_a_choice_asks_for_one(member_client):
    BodyFactory(name="Best Value Programme Board", kind=BodyKind.PROGRAMME_BOARD)

    response = member_client.get("/boards/")

    assert response.status_code == 200
    assert response.context["dashboard"] is None
    assert "Best Value Programme Board" in response.content.decode()


def test_board_dashboard_refuses_an_unknown_board_with_a_message(member_client):
    response = member_client.get("/boards/", {"body": "99999"})

    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()


def test_an_audit_outside_any_review_gets_its_own_row(member_client):
    audit = SourceFactory(title="District Audit: 2002/03 Policing and Performance Plan", review=None)
    for index in range(9):
        done = index < 2
        RecommendationFactory(
            source=audit,
            review=None,
            implementation_status=ImplementationStatus.IMPLEMENTED if done else ImplementationStatus.IN_PROGRESS,
            implemented_on=days(-3) if done else None,
        )

    response = member_client.get("/")

    (row,) = response.context["dashboard"].other_sources
    assert row.title == audit.title
    assert row.implementation_rate == "2 of 9"
    assert "Audits and inspections outside any review" in response.content.decode()


def test_two_history_rows_written_in_the_same_instant_count_once_as_at(member_client, manager_user):
    instant = moment(days(-20))
    review = ReviewFactory.build(title="Consultation", stage=ReviewStage.IMPLEMENTING, programme=ProgrammeFactory())
    save_with_history(review, actor=manager_user, when=instant)
    source = SourceFactory.build(review=review, programme=review.programme)
    save_with_history(source, actor=manager_user, when=instant)
    rec = RecommendationFactory.build(source=source, review=review, owner=PersonFactory())
    save_with_history(rec, actor=manager_user, when=instant)
    rec.theme = "Consultative groups"
    save_with_history(rec, actor=manager_user, when=instant)

    row = member_client.get("/", {"as_at": days(-10).isoformat()}).context["dashboard"].reviews[0]

    assert row.total == 1
    assert row.by_decision == {rec.decision_status: 1}


def test_the_board_dashboard_costs_the_same_queries_for_2_and_50_actions(
    member_client, manager_user, django_assert_num_queries
):
    board = BodyFactory(name="Managing Demand Implementation Project Board", kind=BodyKind.IMPLEMENTATION_BOARD)
    MeetingFactory(body=board, date=days(-30))
    review = ReviewFactory(implementation_board=board, stage=ReviewStage.IMPLEMENTING)
    source = SourceFactory(review=review)

    def actions(n):
        for index in range(n):
            rec = RecommendationFactory(review=review, source=source, decision_status=DecisionStatus.PROPOSED)
            action = ActionFactory(recommendation=rec, due_date=days(-index - 1), owner=PersonFactory())
            action.status = ActionStatus.IN_PROGRESS
            save_with_history(action, actor=manager_user, reason="Started")

    actions(2)
    member_client.get("/boards/", {"body": board.pk})
    caches["pages"].clear()
    with django_assert_num_queries(BOARD_QUERIES) as small:
        member_client.get("/boards/", {"body": board.pk})
    actions(48)
    with django_assert_num_queries(BOARD_QUERIES) as large:
        response = member_client.get("/boards/", {"body": board.pk})
    assert response.context["dashboard"].actions_count == 50
    assert len(small.captured_queries) == len(large.captured_queries)
    # From the pages cache, for the same version of the register, none of the board's reads is made again.
    with django_assert_num_queries(BOARD_QUERIES - 8):
        again = member_client.get("/boards/", {"body": board.pk})
    assert _main(again) == _main(response)


# Session, user, the user's permissions, the board, its programmes, the current programme, the register's version,
# the choices of board and programme, then, unless the page is in the cache for that version: reviews, actions with
# their count, recommendations waiting with their count, last meeting, changes since by kind, the latest of them as
# values, those shown as entries, and the latest update round for the board's meetings (two more when there is one:
# its requests and their actions).
BOARD_QUERIES = 17


@pytest.mark.parametrize("far", ["0001-01-01", "1899-12-31"])
def test_an_as_at_date_before_the_register_is_explained_not_a_server_error(member_client, far):
    response = member_client.get("/", {"as_at": far})

    assert response.status_code == 200
    assert "must be on or after 1 January 1990" in response.content.decode()


def test_the_dashboard_shows_the_current_programme_and_any_other_by_the_picker(member_client):
    older = ProgrammeFactory(name="Best Value Programme 2002/03", start_date=days(-900), end_date=days(-535))
    current = ProgrammeFactory(name="Best Value Programme 2026/27", start_date=days(-100), end_date=days(265))
    review_with_recommendations(title="Managing Demand", total=17, implemented=1, programme=older)
    review_with_recommendations(title="Call Handling", total=2, implemented=2, programme=current)

    today = member_client.get("/")
    picked = member_client.get("/", {"programme": older.pk})

    assert today.context["programme"] == current
    assert [row.title for row in today.context["dashboard"].reviews] == ["Call Handling"]
    assert "Managing Demand" not in today.content.decode()
    assert [row.title for row in picked.context["dashboard"].reviews] == ["Managing Demand"]
    assert picked.context["dashboard"].totals["implemented"] == 1
    assert "1 of 17 implemented" in picked.content.decode()


def test_an_unknown_programme_is_explained_and_the_current_one_shown(member_client):
    current = ProgrammeFactory()

    response = member_client.get("/", {"programme": "99999"})

    assert response.status_code == 200
    assert "Choose a programme from the list." in response.content.decode()
    assert response.context["programme"] == current


def test_the_overview_has_a_row_per_programme_with_its_figures_linking_to_its_dashboard(member_client):
    older = ProgrammeFactory(name="Best Value Programme 2002/03", start_date=days(-900), end_date=days(-535))
    current = ProgrammeFactory(name="Best Value Programme 2026/27")
    review = review_with_recommendations(title="Managing Demand", total=17, implemented=1, programme=older)
    ActionFactory(recommendation=review.recommendations.first(), due_date=days(-5))
    review_with_recommendations(title="Call Handling", total=2, implemented=2, programme=current)

    response = member_client.get("/overview/")

    rows = {row.title: row for row in response.context["overview"].programmes}
    assert rows[older.name].implementation_rate == "1 of 17"
    assert rows[older.name].actions_overdue == 1 and rows[older.name].reviews == 1
    assert rows[current.name].implementation_rate == "2 of 2"
    assert response.context["overview"].totals["implemented"] == 3
    html = response.content.decode()
    assert f'href="/?programme={older.pk}"' in html


def test_a_board_sees_a_summary_of_changes_since_it_met_and_a_link_to_all_of_them(
    member_client, inspector_client, manager_user
):
    board = BodyFactory(name="Managing Demand Implementation Project Board", kind=BodyKind.IMPLEMENTATION_BOARD)
    MeetingFactory(body=board, date=days(-7))
    review = ReviewFactory(title="Managing Demand", implementation_board=board, stage=ReviewStage.IMPLEMENTING)
    rec = RecommendationFactory(review=review, source=SourceFactory(review=review, programme=review.programme))
    action = ActionFactory(recommendation=rec, due_date=days(30), description="Single crewing pilot")
    action.status = ActionStatus.BLOCKED
    save_with_history(action, actor=manager_user, reason="Waits on C3i")
    action.description = "Single crewing pilot in two boroughs"
    save_with_history(action, actor=manager_user, reason="Wording")
    ActionFactory(description="Another review's action")

    response = member_client.get("/boards/", {"body": board.pk})

    changes = response.context["dashboard"].changes
    kinds = {kind["name"]: kind["count"] for kind in changes.by_kind}
    assert kinds["actions"] == 3  # created, blocked, reworded: the other review's action is not among them
    # The status change matters most; the rewording does not.
    assert [item["entry"].reason for item in changes.significant] == ["Waits on C3i"]
    html = response.content.decode()
    assert "Waits on C3i" in html
    link = f"/audit/?board={board.pk}&amp;date_from={changes.since:%Y-%m-%d}"
    # A member does not read the trail, so is not offered the link; the fragment is cached apart for those who do.
    assert link not in html
    assert link in inspector_client.get("/boards/", {"body": board.pk}).content.decode()
    trail = inspector_client.get("/audit/", {"board": board.pk, "date_from": changes.since.isoformat()})
    assert all(entry.review_id == review.pk for entry in trail.context["page"].object_list)
    assert len(trail.context["page"].object_list) == changes.count


def test_the_trend_has_every_quarter_of_the_programme_even_one_with_nothing_implemented(member_client):
    programme = ProgrammeFactory(start_date=datetime.date(2002, 4, 1), end_date=datetime.date(2003, 3, 31))
    review = review_with_recommendations(title="Managing Demand", total=1, implemented=0, programme=programme)
    for day in [datetime.date(2002, 5, 1), datetime.date(2003, 2, 1)]:
        RecommendationFactory(
            source=review.sources.get(),
            implementation_status=ImplementationStatus.IMPLEMENTED,
            implemented_on=day,
        )

    trend = member_client.get("/", {"programme": programme.pk}).context["dashboard"].trend

    assert [point["label"] for point in trend] == ["2002 Q2", "2002 Q3", "2002 Q4", "2003 Q1"]
    assert [point["implemented"] for point in trend] == [1, 0, 0, 1]
    assert [point["cumulative"] for point in trend] == [1, 1, 1, 2]
