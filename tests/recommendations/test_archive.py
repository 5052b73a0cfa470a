"""Archiving instead of deleting: a recommendation or action entered in error leaves the register's lists and figures,
keeps every history row and audit entry, still opens from the trail, and can be restored. Archiving is refused for
anything a body has decided on or anyone has reported on or challenged, so it cannot hide a failure."""

import datetime

import pytest
from django.utils import timezone

from bvgov.selectors.committee import committee_dashboard
from core.audit import verify_chain
from core.history import latest_version, save_with_history
from core.models import AuditEntry
from recommendations.choices import DecisionStatus, Rag
from recommendations.models import Action, Recommendation
from recommendations.services import action_archive, recommendation_archive
from tests.pages import text_of
from tests.programmes.factories import StrategicOutcomeFactory
from tests.recommendations.factories import (
    ActionFactory,
    CommentFactory,
    ProgressUpdateFactory,
    RecommendationFactory,
    SourceFactory,
)
from tests.reviews.factories import ReviewFactory

pytestmark = pytest.mark.django_db


def proposed(**kwargs):
    return RecommendationFactory(decision_status=DecisionStatus.PROPOSED, original_target_date=None, **kwargs)


def test_the_manager_archives_a_duplicate_and_it_leaves_the_lists_but_not_the_trail(manager_client, member_client):
    review = ReviewFactory(title="Managing Demand")
    source = SourceFactory(review=review, programme=review.programme)
    duplicate = proposed(source=source, review=review, number="7", text="Publish the call handling standard")
    actions = ActionFactory.create_batch(2, recommendation=duplicate)
    history_before = duplicate.history.count()

    page = manager_client.get(f"/recommendations/{duplicate.pk}/archive/")
    assert "2 actions will be archived with it" in text_of(page)
    response = manager_client.post(
        f"/recommendations/{duplicate.pk}/archive/",
        {"reason": "Entered twice: it is recommendation 4", "seen_version": latest_version(duplicate)},
    )

    assert response.status_code == 302 and response["Location"] == f"/recommendations/{duplicate.pk}/"
    stored = Recommendation.all_objects.get(pk=duplicate.pk)
    assert stored.is_archived and stored.archive_reason == "Entered twice: it is recommendation 4"
    assert not Recommendation.objects.filter(pk=duplicate.pk).exists()
    assert not Action.objects.filter(pk__in=[a.pk for a in actions]).exists()
    assert duplicate.history.count() == history_before + 1
    assert duplicate.history.first().history_change_reason == "Archived: Entered twice: it is recommendation 4"
    for action in actions:
        assert action.history.first().history_change_reason.startswith("Archived: archived with its recommendation")
    assert AuditEntry.objects.filter(object_id=str(duplicate.pk), reason__startswith="Archived").exists()
    assert verify_chain().intact
    trail = text_of(manager_client.get("/audit/"))
    when = timezone.localtime(Recommendation.all_objects.get(pk=duplicate.pk).archived_at)
    assert f'<ins class="bvgov-changes__new">{when.day} {when:%b %Y %H:%M:%S}</ins>' in trail

    listed = text_of(member_client.get("/recommendations/"))
    assert "Publish the call handling standard" not in listed
    detail = text_of(member_client.get(f"/recommendations/{duplicate.pk}/"))
    assert "Archived" in detail and "Entered twice: it is recommendation 4" in detail
    assert "Restore this recommendation" not in detail  # a member cannot restore
    history = text_of(member_client.get(f"/history/recommendations/recommendation/{duplicate.pk}/"))
    assert "Entered twice" in history


def test_an_archived_recommendation_stops_counting_today_but_still_counts_as_at_before(manager_user):
    review = ReviewFactory(title="Managing Demand")
    source = SourceFactory(review=review, programme=review.programme)
    duplicate = proposed(source=source, review=review)
    last_year = timezone.now() - datetime.timedelta(days=365)
    save_with_history(review, actor=manager_user, reason="Selected for review", when=last_year)
    save_with_history(duplicate, actor=manager_user, reason="Recorded from the report", when=last_year)

    recommendation_archive(recommendation=duplicate, actor=manager_user, reason="Entered in error")

    def total(as_at):
        rows = committee_dashboard(as_at=as_at).reviews
        return next(row.total for row in rows if row.review_id == review.pk)

    assert total(None) == 0
    assert total(timezone.localdate() - datetime.timedelta(days=30)) == 1


def test_a_decided_recommendation_cannot_be_archived_and_nothing_changes(manager_client):
    accepted = RecommendationFactory(decision_status=DecisionStatus.ACCEPTED)
    history_before = accepted.history.count()

    page = manager_client.get(f"/recommendations/{accepted.pk}/archive/")
    assert "cannot be archived" in text_of(page)
    assert "A body has decided on it" in text_of(page)
    response = manager_client.post(f"/recommendations/{accepted.pk}/archive/", {"reason": "Hide it"})

    assert response.status_code == 200
    assert "stays in the register because a body has decided on it" in text_of(response)
    accepted.refresh_from_db()
    assert not accepted.is_archived and accepted.history.count() == history_before


@pytest.mark.parametrize("recorded", ["progress", "challenge", "started"])
def test_an_action_reported_on_challenged_or_started_cannot_be_archived(manager_user, recorded):
    action = ActionFactory()
    if recorded == "progress":
        ProgressUpdateFactory(action=action)
    elif recorded == "challenge":
        CommentFactory(recommendation=None, action=action, addressed_to=action.owner)
    else:
        action.status = "in_progress"
        save_with_history(action, actor=manager_user, reason="Started")
    history_before = action.history.count()

    with pytest.raises(Exception, match="stays in the register"):
        action_archive(action=action, actor=manager_user, reason="Tidying up")

    action.refresh_from_db()
    assert not action.is_archived and action.history.count() == history_before


def test_a_reason_is_required(manager_client):
    action = ActionFactory()
    response = manager_client.post(f"/actions/{action.pk}/archive/", {"reason": "  "})
    assert response.status_code == 200 and "Give the reason" in text_of(response)
    action.refresh_from_db()
    assert not action.is_archived


def test_a_stale_archive_is_refused_with_what_changed(manager_client, manager_user):
    action = ActionFactory(description="Brief the call handlers")
    seen = latest_version(action)
    action.description = "Brief every call handler"
    save_with_history(action, actor=manager_user, reason="Clearer")

    response = manager_client.post(f"/actions/{action.pk}/archive/", {"reason": "Duplicate", "seen_version": seen})

    assert "saved this action after you opened it" in text_of(response)
    action.refresh_from_db()
    assert not action.is_archived


def test_restoring_brings_back_the_recommendation_with_the_actions_archived_with_it(manager_client, manager_user):
    duplicate = proposed()
    kept_archived = ActionFactory(recommendation=duplicate)
    action_archive(action=kept_archived, actor=manager_user, reason="Wrong action")
    with_it = ActionFactory(recommendation=duplicate)
    recommendation_archive(recommendation=duplicate, actor=manager_user, reason="Entered twice")

    assert "Restore this recommendation" in text_of(manager_client.get(f"/recommendations/{duplicate.pk}/"))
    response = manager_client.post(f"/recommendations/{duplicate.pk}/restore/", {"reason": "Not a duplicate after all"})

    assert response.status_code == 302
    assert Recommendation.objects.filter(pk=duplicate.pk).exists()
    assert Action.objects.filter(pk=with_it.pk).exists()
    assert not Action.objects.filter(pk=kept_archived.pk).exists()
    assert duplicate.history.first().history_change_reason == "Restored: Not a duplicate after all"


def test_an_archived_number_is_free_and_restoring_over_it_says_why_not(manager_client, manager_user):
    source = SourceFactory()
    duplicate = proposed(source=source, number="3")
    recommendation_archive(recommendation=duplicate, actor=manager_user, reason="Wrong report")
    proposed(source=source, number="3")  # the right one, recorded again

    response = manager_client.post(f"/recommendations/{duplicate.pk}/restore/", {"reason": "Oops"})

    assert response.status_code == 200
    assert "already has a recommendation with this number" in text_of(response)
    assert Recommendation.all_objects.get(pk=duplicate.pk).is_archived


def test_an_archived_action_cannot_be_edited_or_updated_until_restored(manager_client, manager_user):
    action = ActionFactory()
    action_archive(action=action, actor=manager_user, reason="Entered in error")

    assert manager_client.get(f"/actions/{action.pk}/edit/").status_code == 404
    assert manager_client.get(f"/actions/{action.pk}/progress/").status_code == 404
    assert manager_client.get(f"/actions/{action.pk}/").status_code == 200
    assert manager_client.post(f"/actions/{action.pk}/archive/", {"reason": "Again"}).status_code == 404


def test_an_action_of_an_archived_recommendation_is_restored_with_it_not_alone(manager_client, manager_user):
    duplicate = proposed()
    action = ActionFactory(recommendation=duplicate)
    recommendation_archive(recommendation=duplicate, actor=manager_user, reason="Entered twice")

    response = manager_client.post(f"/actions/{action.pk}/restore/", {"reason": "Needed"})

    assert "restore the recommendation" in text_of(response)
    assert not Action.objects.filter(pk=action.pk).exists()


def test_the_admin_shows_archived_records_but_cannot_delete_them(admin_client, manager_user):
    action = ActionFactory(description="An action entered twice")
    action_archive(action=action, actor=manager_user, reason="Entered twice")

    listed = admin_client.get("/admin/recommendations/action/?archived_at__isnull=False")
    assert "An action entered twice" in text_of(listed)
    assert admin_client.get(f"/admin/recommendations/action/{action.pk}/change/").status_code == 200
    assert admin_client.post(f"/admin/recommendations/action/{action.pk}/delete/", {"post": "yes"}).status_code == 403


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def test_archiving_a_recommendation_with_overdue_actions_is_refused_and_the_overdue_figure_stands(manager_client):
    """The probe: archiving a proposed recommendation with open overdue actions took the committee's "Overdue
    actions" from 28 to 20. Now the page says why not, nothing is written, and the figure is unchanged."""
    review = ReviewFactory(title="Managing Demand")
    source = SourceFactory(review=review, programme=review.programme)
    entered = proposed(source=source, review=review, number="9")
    ActionFactory.create_batch(3, recommendation=entered, due_date=days(-40))
    ActionFactory(recommendation=entered, due_date=days(30))
    ActionFactory(recommendation=proposed(source=source, review=review), due_date=days(-5))

    def overdue() -> int:
        return committee_dashboard(programme=review.programme).totals["overdue"]

    before, history_before, trail_before = overdue(), entered.history.count(), AuditEntry.objects.count()
    assert before == 4

    page = text_of(manager_client.get(f"/recommendations/{entered.pk}/archive/"))
    assert "cannot be archived" in page and "3 of its actions are overdue or red" in page
    response = manager_client.post(
        f"/recommendations/{entered.pk}/archive/",
        {"reason": "Entered in error", "seen_version": latest_version(entered)},
    )

    assert response.status_code == 200
    assert "stays in the register because 3 of its actions are overdue or red" in text_of(response)
    assert overdue() == before
    assert Recommendation.objects.filter(pk=entered.pk).exists()
    assert Action.objects.filter(recommendation=entered).count() == 4
    assert entered.history.count() == history_before and AuditEntry.objects.count() == trail_before


def test_the_service_refuses_a_recommendation_whose_action_an_owner_has_marked_red(manager_user):
    entered = proposed()
    ActionFactory(recommendation=entered, due_date=days(30), rag_override=Rag.RED, rag_override_reason="No budget")

    with pytest.raises(Exception, match="1 of its actions is overdue or red"):
        recommendation_archive(recommendation=entered, actor=manager_user, reason="Tidying up")

    assert Recommendation.objects.filter(pk=entered.pk).exists()


@pytest.mark.parametrize(
    ("fields", "why"),
    [
        ({"due_date": days(-1)}, "it is 1 day overdue"),
        ({"due_date": days(-12)}, "it is 12 days overdue"),
        ({"due_date": days(30), "rag_override": Rag.RED, "rag_override_reason": "No budget"}, "it is red"),
    ],
)
def test_an_overdue_or_red_action_cannot_be_archived(manager_client, manager_user, fields, why):
    action = ActionFactory(**fields)
    history_before = action.history.count()

    with pytest.raises(Exception, match=why):
        action_archive(action=action, actor=manager_user, reason="Tidying up")
    response = manager_client.post(f"/actions/{action.pk}/archive/", {"reason": "Tidying up"})

    assert response.status_code == 200 and f"stays in the register because {why}" in text_of(response)
    action.refresh_from_db()
    assert not action.is_archived and action.history.count() == history_before


def test_an_action_due_later_and_its_recommendation_may_still_be_archived(manager_user):
    """Entered in error and not yet failing: archiving is still there for what it is for."""
    entered = proposed()
    ActionFactory(recommendation=entered, due_date=days(0))
    ActionFactory(recommendation=entered, due_date=None)

    recommendation_archive(recommendation=entered, actor=manager_user, reason="Entered twice")

    assert Recommendation.all_objects.get(pk=entered.pk).is_archived


def test_the_pack_lists_what_was_archived_since_the_previous_pack_with_the_reasons(manager_client, manager_user):
    long_ago = proposed(number="1", text="Archived before the previous pack")
    long_ago.archived_at, long_ago.archive_reason = timezone.now() - datetime.timedelta(days=60), "Old mistake"
    save_with_history(long_ago, actor=manager_user, reason="Archived: Old mistake", when=long_ago.archived_at)

    entered = proposed(number="2", text="Publish the call handling standard")
    ActionFactory.create_batch(2, recommendation=entered)
    recommendation_archive(recommendation=entered, actor=manager_user, reason="Entered twice: it is recommendation 4")
    wrong = ActionFactory(description="Brief the wrong borough")
    action_archive(action=wrong, actor=manager_user, reason="Belongs to another report")

    page = text_of(manager_client.get(f"/pack/?previous={days(-30):%Y-%m-%d}"))
    archived = page[page.index("Archived since the previous pack") :]

    assert "Entered twice: it is recommendation 4" in archived and "With its 2 actions" in archived
    assert "Publish the call handling standard" in archived
    assert "Brief the wrong borough" in archived and "Belongs to another report" in archived
    assert "Old mistake" not in archived
    assert "archived with its recommendation" not in archived


def test_an_archived_recommendation_that_supported_an_outcome_leaves_the_outcomes_page_working(
    manager_user, member_client
):
    entered = proposed(text="Publish the call handling standard")
    outcome = StrategicOutcomeFactory(programme=entered.source.programme, title="Safety and security is improved")
    entered.outcomes.add(outcome)
    recommendation_archive(recommendation=entered, actor=manager_user, reason="Entered twice")

    response = member_client.get("/outcomes/")

    assert response.status_code == 200
    assert "Safety and security is improved" in text_of(response)
    assert "Publish the call handling standard" not in text_of(response)
