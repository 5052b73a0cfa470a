"""Dashboards served from the page cache: a hit costs the version lookup only, and any write shows at once."""

import datetime

import pytest
from django.core.cache import caches
from django.test import override_settings
from django.utils import timezone

from core.history import save_with_history
from recommendations.choices import ActionStatus
from recommendations.services import action_report_progress, action_update_status
from tests.programmes.factories import PersonFactory, ProgrammeFactory
from tests.recommendations.factories import ActionFactory, RecommendationFactory, SourceFactory
from tests.reviews.factories import ReviewFactory

pytestmark = pytest.mark.django_db

PAGES_CACHED = override_settings(
    CACHES={
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "pages": {"BACKEND": "bvgov.cache.ProcessMemoryCache", "LOCATION": "test-pages"},
    }
)


@pytest.fixture
def pages_cached():
    with PAGES_CACHED:
        caches["pages"].clear()
        yield
        caches["pages"].clear()


def _main(response) -> str:
    """The page's content: the header around it carries a per-request nonce and token."""
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def _overdue_figure(response) -> str:
    html = response.content.decode()
    return html.split('data-figure="overdue">', 1)[1].split("<", 1)[0]


def test_a_second_read_is_served_from_the_cache_and_a_write_shows_at_once(
    pages_cached, member_client, manager_user, django_assert_max_num_queries
):
    review = ReviewFactory(title="Managing Demand")
    action = ActionFactory(
        recommendation=RecommendationFactory(review=review), due_date=timezone.localdate() - datetime.timedelta(days=3)
    )
    first = member_client.get("/")
    assert _overdue_figure(first) == "1"

    with django_assert_max_num_queries(3):  # session, user, the register's version
        again = member_client.get("/")
    assert _main(again) == _main(first)

    assert 'data-label="Overdue actions" data-sort-value="1"' in _main(first)

    action_update_status(action=action, actor=manager_user, status=ActionStatus.COMPLETE, reason="Done")
    after = member_client.get("/")
    assert _overdue_figure(after) == "0"
    # The review's row in the progress table (kept rendered with the rows) moves with the figure.
    assert 'data-label="Overdue actions" data-sort-value="0"' in _main(after)
    assert 'data-label="Overdue actions" data-sort-value="1"' not in _main(after)


def test_a_past_day_keeps_its_page_across_later_action_updates_but_not_a_back_dated_write(
    pages_cached, member_client, manager_user, django_assert_max_num_queries
):
    long_ago = timezone.now() - datetime.timedelta(days=30)
    programme = ProgrammeFactory()
    review = save_with_history(ReviewFactory.build(programme=programme), actor=None, when=long_ago)
    source = SourceFactory(review=review, programme=programme)
    rec = save_with_history(
        RecommendationFactory.build(source=source, review=review, owner=None), actor=None, when=long_ago
    )
    action = ActionFactory.build(
        recommendation=rec, owner=PersonFactory(), due_date=timezone.localdate() - datetime.timedelta(days=60)
    )
    save_with_history(action, actor=manager_user, when=long_ago)
    as_at = {"as_at": (timezone.localdate() - datetime.timedelta(days=10)).isoformat()}
    first = member_client.get("/", as_at)
    assert _overdue_figure(first) == "1"

    action_update_status(action=action, actor=manager_user, status=ActionStatus.COMPLETE, reason="Done today")
    with django_assert_max_num_queries(4):  # session, user, version, the entries written since
        kept = member_client.get("/", as_at)
    assert _main(kept) == _main(first)
    assert _overdue_figure(member_client.get("/")) == "0"

    # A change dated before that day (a report loaded late, say) does change how the day looked.
    action.refresh_from_db()
    action.status = ActionStatus.IN_PROGRESS
    action.completed_on = None
    save_with_history(action, actor=manager_user, when=long_ago + datetime.timedelta(days=1))
    action.status = ActionStatus.COMPLETE
    action.completed_on = timezone.localdate() - datetime.timedelta(days=29)
    save_with_history(action, actor=manager_user, when=long_ago + datetime.timedelta(days=2))
    assert _overdue_figure(member_client.get("/", as_at)) == "0"


def test_the_board_dashboard_is_cached_per_board_and_moves_on_a_write(pages_cached, member_client, manager_user):
    from programmes.choices import BodyKind
    from tests.programmes.factories import BodyFactory

    board = BodyFactory(name="Implementation Board", kind=BodyKind.IMPLEMENTATION_BOARD)
    other = BodyFactory(name="Other Board", kind=BodyKind.IMPLEMENTATION_BOARD)
    review = ReviewFactory(title="Managing Demand", implementation_board=board)
    action = ActionFactory(
        recommendation=RecommendationFactory(review=review),
        description="Publish the demand strategy",
        due_date=timezone.localdate() + datetime.timedelta(days=5),
    )
    assert "Publish the demand strategy" in member_client.get("/boards/", {"body": board.pk}).content.decode()
    assert "Publish the demand strategy" not in member_client.get("/boards/", {"body": other.pk}).content.decode()

    action_update_status(action=action, actor=manager_user, status=ActionStatus.COMPLETE, reason="Done")
    assert "Publish the demand strategy" not in member_client.get("/boards/", {"body": board.pk}).content.decode()


def test_the_live_dashboard_carries_action_changes_forward_and_reads_other_changes_afresh(
    pages_cached, member_client, manager_user, django_assert_max_num_queries
):
    busy, quiet = ReviewFactory(title="Managing Demand"), ReviewFactory(title="Consultation")
    overdue = timezone.localdate() - datetime.timedelta(days=3)
    first = ActionFactory(recommendation=RecommendationFactory(review=busy), due_date=overdue)
    ActionFactory(recommendation=RecommendationFactory(review=quiet), due_date=overdue)
    assert _overdue_figure(member_client.get("/")) == "2"

    action_update_status(action=first, actor=manager_user, status=ActionStatus.COMPLETE, reason="Done")
    # Session, user, version, the entries since, the changed review's action counts, the long-overdue list.
    with django_assert_max_num_queries(6):
        after = member_client.get("/")
    assert _overdue_figure(after) == "1"
    assert after.context["dashboard"].reviews == member_client_fresh_rows()

    quiet.title = "Consultation and engagement"
    save_with_history(quiet, actor=manager_user, reason="Renamed")
    assert "Consultation and engagement" in _main(member_client.get("/"))


def member_client_fresh_rows():
    """The progress rows read from scratch, to compare the carried-forward ones with."""
    from bvgov.selectors import _committee_dashboard, register_at

    return _committee_dashboard(register_at(None)).reviews


def test_a_filters_choices_are_kept_until_their_table_changes_and_the_choice_made_is_marked(
    pages_cached, member_client, manager_user
):
    ReviewFactory(title="Managing Demand")
    chosen = ReviewFactory(title="Consultation")
    first = member_client.get("/actions/").content.decode()
    assert ">Managing Demand</option>" in first and ">Consultation</option>" in first

    marked = member_client.get("/actions/", {"review": chosen.pk}).content.decode()
    assert f'<option value="{chosen.pk}" selected>Consultation</option>' in marked
    assert marked.count(" selected>") == marked.count("<select")  # one choice marked per box, the rest unmarked

    ReviewFactory(title="Custody")
    assert ">Custody</option>" in member_client.get("/actions/").content.decode()


def _board_page(client, board) -> str:
    return _main(client.get("/boards/", {"body": board.pk}))


def test_a_boards_page_stands_across_changes_outside_its_reviews_and_moves_on_its_own(
    pages_cached, member_client, manager_user, django_assert_max_num_queries
):
    from programmes.choices import BodyKind
    from tests.programmes.factories import BodyFactory

    board = BodyFactory(name="Implementation Board", kind=BodyKind.IMPLEMENTATION_BOARD)
    ours = RecommendationFactory(review=ReviewFactory(title="Managing Demand", implementation_board=board))
    theirs = RecommendationFactory(review=ReviewFactory(title="Custody"))
    soon = timezone.localdate() + datetime.timedelta(days=5)
    mine = ActionFactory(recommendation=ours, description="Publish the demand strategy", due_date=soon)
    elsewhere = ActionFactory(recommendation=theirs, description="Open the new custody suite", due_date=soon)
    reporter = PersonFactory(name="Custody Lead")
    first = _board_page(member_client, board)
    assert "Publish the demand strategy" in first and "Open the new custody suite" not in first

    action_update_status(action=elsewhere, actor=manager_user, status=ActionStatus.IN_PROGRESS, reason="Started")
    # Session, user, the board, its reviews, the register's version, the entries written since: no page to build.
    with django_assert_max_num_queries(6):
        kept = _board_page(member_client, board)
    assert kept == first

    # A progress report on that action (a new progress update, whose entry names the action it belongs to, and the
    # action's new status) and a new action in the other review leave the board's page as it was too.
    elsewhere.refresh_from_db()
    action_report_progress(
        action=elsewhere,
        actor=manager_user,
        author=reporter,
        status=ActionStatus.BLOCKED,
        rag_override="",
        reason="Waiting on the estates team",
        note="Blocked by the estates programme.",
    )
    ActionFactory(recommendation=theirs, description="Staff the new custody suite", due_date=soon, owner=reporter)
    with django_assert_max_num_queries(6):
        assert _board_page(member_client, board) == first

    # Moved into one of the board's reviews: it shows at once.
    elsewhere.refresh_from_db()
    elsewhere.recommendation = ours
    save_with_history(elsewhere, actor=manager_user, reason="Belongs to demand")
    assert "Open the new custody suite" in _board_page(member_client, board)

    # ...and moved out again, it goes, though the change is now outside the board's reviews.
    elsewhere.refresh_from_db()
    elsewhere.recommendation = theirs
    save_with_history(elsewhere, actor=manager_user, reason="Belongs to custody after all")
    assert "Open the new custody suite" not in _board_page(member_client, board)

    action_update_status(action=mine, actor=manager_user, status=ActionStatus.COMPLETE, reason="Done")
    assert "Publish the demand strategy" not in _board_page(member_client, board)


def test_the_long_overdue_list_is_kept_across_other_actions_and_moves_on_its_own(
    pages_cached, member_client, manager_user, django_assert_max_num_queries
):
    review = ReviewFactory(title="Managing Demand")
    today = timezone.localdate()
    late = ActionFactory(
        recommendation=RecommendationFactory(review=review),
        description="Long overdue strategy",
        due_date=today - datetime.timedelta(days=200),
    )
    recent = ActionFactory(recommendation=RecommendationFactory(review=review), due_date=today + datetime.timedelta(5))
    assert "Long overdue strategy" in _main(member_client.get("/"))

    action_update_status(action=recent, actor=manager_user, status=ActionStatus.IN_PROGRESS, reason="Started")
    # Session, user, version, the entries since, the review's action counts, whether a long-overdue action changed.
    with django_assert_max_num_queries(6):
        kept = member_client.get("/")
    assert "Long overdue strategy" in _main(kept)
    assert kept.context["dashboard"].long_overdue_count == 1

    action_update_status(action=late, actor=manager_user, status=ActionStatus.COMPLETE, reason="Done at last")
    after = member_client.get("/")
    assert "Long overdue strategy" not in _main(after)
    assert after.context["dashboard"].long_overdue_count == 0


def _action_count(response) -> int:
    return response.context["result_count"]


def test_the_unfiltered_actions_list_keeps_its_count_until_an_action_is_added_or_archived(
    pages_cached, member_client, manager_user
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from recommendations.services import action_archive

    actions = ActionFactory.create_batch(3)
    assert _action_count(member_client.get("/actions/")) == 3
    with CaptureQueriesContext(connection) as counted:
        member_client.get("/actions/")
    assert not any("COUNT(" in query["sql"] for query in counted.captured_queries)

    action_update_status(action=actions[0], actor=manager_user, status=ActionStatus.IN_PROGRESS, reason="Started")
    with CaptureQueriesContext(connection) as counted:
        assert _action_count(member_client.get("/actions/")) == 3
    assert not any("COUNT(" in query["sql"] for query in counted.captured_queries)

    ActionFactory(recommendation=actions[0].recommendation)
    assert _action_count(member_client.get("/actions/")) == 4
    action_archive(action=actions[1], actor=manager_user, reason="Recorded twice by mistake")
    assert _action_count(member_client.get("/actions/")) == 3
    # A filtered list counts its own rows.
    assert _action_count(member_client.get("/actions/", {"status": "in_progress"})) == 1


def test_a_lists_rendered_filters_follow_the_query_and_the_choices_tables(pages_cached, member_client):
    ReviewFactory(title="Managing Demand")
    RecommendationFactory(theme="Call handling")
    url = "/recommendations/"
    plain = member_client.get(url).content.decode()
    assert ">Managing Demand</option>" in plain and ">Call handling</option>" in plain
    assert 'value="accepted" checked' not in plain

    chosen = member_client.get(url, {"decision_status": "accepted"}).content.decode()
    assert 'value="accepted" checked' in chosen
    assert 'value="accepted" checked' not in member_client.get(url, {"page": "1"}).content.decode()

    wrong = member_client.get("/actions/", {"due_after": "31/02/2003"}).content.decode()
    assert "govuk-error-message" in wrong
    assert "govuk-error-message" not in member_client.get("/actions/").content.decode()

    # A new review and a new theme are offered at once: the choices' tables have moved on.
    ReviewFactory(title="Custody")
    RecommendationFactory(theme="Custody suites")
    again = member_client.get(url).content.decode()
    assert ">Custody</option>" in again and ">Custody suites</option>" in again


def test_the_audit_trails_rendered_filters_follow_the_query(pages_cached, inspector_client, manager_user):
    from tests.bvgov.factories import UserFactory

    colleague = UserFactory(first_name="Pat", last_name="Inspector")
    ReviewFactory(title="Managing Demand")
    first = inspector_client.get("/audit/").content.decode()
    chosen = inspector_client.get("/audit/", {"user": colleague.pk}).content.decode()

    assert f'<option value="{colleague.pk}" selected>' not in first
    assert f'<option value="{colleague.pk}" selected>' in chosen
    later = UserFactory(first_name="Sam", last_name="Later")
    assert f'<option value="{later.pk}">' in inspector_client.get("/audit/").content.decode()


def test_the_owner_choices_move_with_owners_not_with_status_updates(pages_cached, member_client, manager_user):
    from recommendations.services import action_archive

    sam, pat = PersonFactory(name="Sam Owner"), PersonFactory(name="Pat Newowner")
    action = ActionFactory(owner=sam)
    spare = ActionFactory(owner=sam)
    assert ">Sam Owner" in member_client.get("/actions/").content.decode()
    assert ">Pat Newowner" not in member_client.get("/actions/").content.decode()

    action_update_status(action=action, actor=manager_user, status=ActionStatus.IN_PROGRESS, reason="Started")
    assert ">Pat Newowner" not in member_client.get("/actions/").content.decode()

    action.refresh_from_db()
    action.owner = pat
    save_with_history(action, actor=manager_user, reason="Pat takes it on")
    html = member_client.get("/actions/").content.decode()
    assert ">Pat Newowner" in html and ">Sam Owner" in html

    action_archive(action=spare, actor=manager_user, reason="Recorded twice by mistake")
    assert ">Sam Owner" not in member_client.get("/actions/").content.decode()
