"""The committee pack: the six-monthly update as a paper, as at a past day, compared with the previous pack."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from bvgov.pack import months_before
from core.history import save_with_history
from reviews.choices import ReviewStage
from tests.programmes.factories import PersonFactory, ProgrammeFactory
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


@pytest.fixture
def history(manager_user):
    """Recorded 200 days ago: Managing Demand (3 funded recommendations, one overdue action) and Consultation (one
    recommendation with no owner and no funding). Forty days ago the first recommendation was implemented; twenty
    days ago the management board approved Consultation's final report."""
    long_ago = moment(days(-200))
    manager = PersonFactory(name="Catherine Crawford", job_title="Head of Best Value", email="cc@mpa.example.gov.uk")
    programme = ProgrammeFactory(manager=manager)

    def recorded(instance, when=long_ago, reason="Recorded"):
        return save_with_history(instance, actor=manager_user, reason=reason, when=when)

    demand = recorded(ReviewFactory.build(title="Managing Demand", stage=ReviewStage.IMPLEMENTING, programme=programme))
    demand_report = recorded(SourceFactory.build(review=demand, programme=programme, title="Managing Demand report"))
    recs = [
        recorded(
            RecommendationFactory.build(
                source=demand_report,
                review=demand,
                number=str(number),
                text=f"Managing Demand recommendation {number}",
                owner=PersonFactory(),
                funding_amount=Decimal("10000.00"),
            )
        )
        for number in range(1, 4)
    ]
    recorded(
        ActionFactory.build(
            recommendation=recs[1],
            owner=PersonFactory(name="Steve House"),
            due_date=days(-100),
            description="Single crewing pilot",
        )
    )
    consultation = recorded(ReviewFactory.build(title="Consultation", stage=ReviewStage.REPORTED, programme=programme))
    consultation_report = recorded(SourceFactory.build(review=consultation, programme=programme))
    recorded(
        RecommendationFactory.build(
            source=consultation_report,
            review=consultation,
            number="1",
            text="Set up a Community Safety Management Board",
            owner=None,
        )
    )

    first = recs[0]
    ProgressUpdateFactory(action=None, recommendation=first, note="Demand strategy adopted by the Management Board.")
    as_implemented(first, on=days(-40))
    recorded(first, when=moment(days(-40)), reason="Implemented")
    # As the loader records a past register: the stage as the papers state it, without the decision (see Review.clean).
    consultation.stage = ReviewStage.APPROVED_BY_MANAGEMENT_BOARD
    consultation._stage_as_reported = True
    recorded(consultation, when=moment(days(-20)), reason="Management board approved the final report")
    return {"demand": demand, "consultation": consultation, "first": first}


def rows(response) -> dict:
    return {section.row.title: section for section in response.context["pack"].reviews}


def test_signed_out_visitor_is_sent_to_sign_in(client):
    response = client.get("/pack/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_paper_is_in_the_authoritys_report_format(member_client, history):
    response = member_client.get("/pack/", {"report_number": "7"})

    assert response.status_code == 200
    content = response.content.decode()
    assert '<dd class="govuk-summary-list__value" data-pack="report">7</dd>' in content
    assert f'data-pack="date">{days(0):%-d %B %Y}</dd>' in content
    assert 'data-pack="by">Catherine Crawford</dd>' in content
    assert "Best value implementation update" in content
    headings = [
        "Summary",
        "A. Recommendations",
        "B. Supporting information",
        "C. Financial implications",
        "D. Changed since the previous pack",
        "E. Contact details",
    ]
    positions = [content.index(f">{heading}</h2>") for heading in headings]
    assert positions == sorted(positions)
    summary = "Of 4 recommendations recorded, 4 have been accepted and 1 implemented and verified; 1 action is overdue."
    assert summary in content
    assert "That the committee notes the progress" in content
    assert "challenges the owners of the 1 overdue action" in content
    assert "The author of this report is Catherine Crawford, Head of Best Value." in content
    assert "cc@mpa.example.gov.uk" in content
    assert "css/pack.css" in content
    assert "Print this paper" in content


def test_every_column_header_has_text_a_screen_reader_can_read(member_client, history):
    content = member_client.get("/pack/").content.decode()

    assert "Implementation figures then and now" in content
    assert not re.search(r"<th[^>]*>\s*</th>", content)


def test_the_figures_are_those_of_the_as_at_day(member_client, history):
    earlier = member_client.get("/pack/", {"as_at": days(-50).isoformat()})
    later = member_client.get("/pack/", {"as_at": days(-30).isoformat()})

    assert rows(earlier)["Managing Demand"].row.implementation_rate == "0 of 3"
    assert rows(later)["Managing Demand"].row.implementation_rate == "1 of 3"
    assert "0 of 3 implemented" in earlier.content.decode()
    assert "1 of 3 implemented" in later.content.decode()
    assert f'data-pack="date">{days(-50):%-d %B %Y}</dd>' in earlier.content.decode()
    # Stage as it stood then; the overdue action and its days overdue as they stood then.
    assert rows(earlier)["Consultation"].row.stage_label == "Reported"
    assert rows(later)["Consultation"].row.stage_label == "Reported"
    (overdue,) = rows(earlier)["Managing Demand"].overdue
    assert (overdue["owner__name"], overdue["days_overdue"]) == ("Steve House", 50)
    assert "Steve House" in earlier.content.decode()
    assert 'data-label="Overdue by">50 days</td>' in earlier.content.decode()
    assert 'data-label="Overdue by">3 months</td>' in member_client.get("/pack/").content.decode()


def test_the_paper_prints_every_text_whole(member_client, history, manager_user):
    long_text = "Pilot single crewing in two boroughs, " * 12 + "then report to the committee."
    action = history["first"].review.recommendations.get(number="2").actions.get()
    action.description = long_text
    save_with_history(action, actor=manager_user, reason="Described in full")

    content = member_client.get("/pack/").content.decode()

    assert long_text.strip() in content
    assert "…" not in content


def test_gaps_and_money_are_reported(member_client, history):
    response = member_client.get("/pack/")

    pack = response.context["pack"]
    (gap,) = rows(response)["Consultation"].gaps
    assert gap["missing"] == ["owner", "funding"]
    assert rows(response)["Managing Demand"].gaps == []
    assert (pack.outstanding_count, pack.funding_total, pack.unfunded_count) == (3, Decimal("20000.00"), 1)
    content = response.content.decode()
    assert "no owner, no funding" in content
    assert "£20,000.00 of recorded funding" in content
    assert "1 of them has no funding recorded" in content
    earlier = member_client.get("/pack/", {"as_at": days(-50).isoformat()}).context["pack"]
    assert (earlier.outstanding_count, earlier.funding_total) == (4, Decimal("30000.00"))


def test_changed_since_the_previous_pack_lists_what_moved(member_client, history):
    response = member_client.get("/pack/", {"previous": days(-50).isoformat()})

    pack = response.context["pack"]
    assert pack.previous == days(-50)
    assert [(change.recommendation["id"], change.then, change.now) for change in pack.status_changes] == [
        (history["first"].pk, "Not started", "Implemented (verified)")
    ]
    assert [(change.title, change.then, change.now) for change in pack.stage_changes] == [
        ("Consultation", "Reported", "Approved by management board")
    ]
    assert (pack.previous_totals["implemented"], pack.totals["implemented"]) == (0, 1)
    assert pack.new_recommendations == 0
    content = response.content.decode()
    table = content[content.index('data-pack="status-changes"') :]
    assert "Managing Demand recommendation 1" in table
    assert "Managing Demand recommendation 2" not in table
    assert '<td class="govuk-table__cell govuk-table__cell--numeric" data-pack="implemented-then">0</td>' in content


def test_nothing_has_changed_between_two_quiet_days(member_client, history):
    pack = member_client.get("/pack/", {"as_at": days(-50).isoformat(), "previous": days(-60).isoformat()}).context[
        "pack"
    ]

    assert pack.status_changes == []
    assert pack.stage_changes == []


def test_the_previous_pack_defaults_to_six_months_before(member_client, history):
    pack = member_client.get("/pack/", {"as_at": days(-10).isoformat()}).context["pack"]

    assert pack.previous == months_before(days(-10), 6)
    # Six months before is after the register was recorded (200 days ago), so nothing is new since.
    assert pack.new_recommendations == 0


def test_recommendations_recorded_since_the_previous_pack_are_counted_not_listed(member_client, history):
    pack = member_client.get("/pack/", {"previous": days(-300).isoformat()}).context["pack"]

    assert pack.new_recommendations == 4
    assert pack.status_changes == []
    assert {change.then for change in pack.stage_changes} == {"Not yet recorded"}


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (datetime.date(2004, 8, 31), datetime.date(2004, 2, 29)),
        (datetime.date(2004, 3, 15), datetime.date(2003, 9, 15)),
        (datetime.date(2005, 1, 31), datetime.date(2004, 7, 31)),
    ],
)
def test_months_before_keeps_the_day_or_the_months_last(day, expected):
    assert months_before(day, 6) == expected


@pytest.mark.parametrize("bad", ["not-a-date", "2004-02-30", (timezone.localdate() + datetime.timedelta(days=3))])
def test_a_bad_as_at_date_is_explained_and_today_is_shown(member_client, history, bad):
    response = member_client.get("/pack/", {"as_at": str(bad)})

    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert response.context["pack"].as_at == days(0)
    assert rows(response)["Managing Demand"].row.implementation_rate == "1 of 3"


def test_a_previous_pack_after_the_paper_is_refused_and_the_default_used(member_client, history):
    response = member_client.get("/pack/", {"as_at": days(-30).isoformat(), "previous": days(-10).isoformat()})

    assert response.status_code == 200
    assert "The previous pack must be dated before this paper." in response.content.decode()
    pack = response.context["pack"]
    assert pack.as_at == days(-30)
    assert pack.previous == months_before(days(-30), 6)


def test_without_a_programme_manager_the_paper_is_by_the_programme_manager(member_client):
    response = member_client.get("/pack/")

    assert response.status_code == 200
    assert 'data-pack="by">Programme Manager</dd>' in response.content.decode()
    assert 'data-pack="report">—</dd>' in response.content.decode()


def _register_of_size(n: int):
    # Reviews, recommendations and actions are recorded a week back, so that the register 'as at' yesterday holds
    # the same rows. (History rows cannot be re-dated afterwards: the history tables refuse updates.)
    week_ago = moment(days(-7))
    programme = ProgrammeFactory()
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


# Session, user, the user's permissions; the dashboard's 4 (reviews, recommendation counts with the gaps, action counts
# with the long overdue, trend); overdue actions, recommendations, outstanding ids; the previous pack's reviews,
# recommendation and action counts, and statuses; the programme manager; the recommendations and actions archived since
# the previous pack (two more, whether they have been restored since, when any was); the latest update round (two
# more, its requests and the actions with no update, when there is one); the extensions asked for.
QUERIES = 19
# Then the paper's checkpoint: for a past day's, the newest made by then; for today's, one made as the register has
# moved since the last (its savepoint, the head, the newest checkpoint, the insert, the release).
CHECKPOINT_QUERIES = {None: 5, "past": 1}


@pytest.mark.parametrize("as_at", [None, "past"])
def test_the_pack_costs_the_same_queries_for_2_and_20_reviews(member_client, django_assert_num_queries, as_at):
    params = {"as_at": days(-1).isoformat()} if as_at else {}
    _register_of_size(2)
    member_client.get("/pack/", params)
    with django_assert_num_queries(QUERIES + CHECKPOINT_QUERIES[as_at]):
        member_client.get("/pack/", params)
    _register_of_size(18)
    with django_assert_num_queries(QUERIES + CHECKPOINT_QUERIES[as_at]):
        response = member_client.get("/pack/", params)
    assert len(response.context["pack"].reviews) == 20
    assert sum(len(section.overdue) for section in response.context["pack"].reviews) == 20


@pytest.mark.parametrize("params", [{"as_at": "0001-01-01"}, {"previous": "0001-01-01"}])
def test_a_pack_date_before_the_register_is_explained_not_a_server_error(client, manager_user, params):
    client.force_login(manager_user)

    response = client.get("/pack/", params)

    assert response.status_code == 200
    assert "must be on or after 1 January 1990" in response.content.decode()
