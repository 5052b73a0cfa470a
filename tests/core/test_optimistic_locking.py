"""Optimistic locking: an edit based on a version of a record that someone else has since saved is refused, with
what changed shown and the user's input kept, and nothing written. The version is the record's newest history_id."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.urls import reverse

from core.history import StaleEditError, latest_version, save_with_history
from recommendations import services
from recommendations.choices import ActionStatus, Rag
from recommendations.models import Action, ProgressUpdate
from reviews.models import Review
from tests.bvgov.factories import UserFactory
from tests.pages import text_of
from tests.recommendations.factories import ActionFactory, RecommendationFactory
from tests.reviews.factories import ReviewFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague(db):
    return UserFactory(username="colleague", first_name="Priya", last_name="Shah")


def form_data(form) -> dict:
    """What the browser would post back from a form as rendered, files aside."""
    data = {}
    for field in form:
        value, widget = field.value(), field.field.widget
        if isinstance(widget, forms.FileInput):
            continue
        if isinstance(widget, forms.CheckboxInput):
            if value:
                data[field.html_name] = "on"
        elif isinstance(value, list | tuple):
            data[field.html_name] = [str(item) for item in value]
        elif value is None:
            data[field.html_name] = ""
        elif isinstance(widget, forms.DateInput):
            data[field.html_name] = widget.format_value(value)
        else:
            data[field.html_name] = str(value)
    return data


def seen_version_of(response, form) -> int:
    field = form["seen_version"]
    assert f'name="{field.html_name}" value="{field.value()}"' in text_of(response)
    return int(field.value())


class TestReviewEditForm:
    def test_a_stale_edit_is_refused_showing_what_changed_and_keeping_the_input(self, manager_client, colleague):
        review = ReviewFactory(title="Managing Demand", scope="Calls from the public.")
        url = reverse("reviews:review_update", args=[review.pk])
        opened = manager_client.get(url)
        seen = seen_version_of(opened, opened.context["form"])
        assert seen == latest_version(review)

        theirs = Review.objects.get(pk=review.pk)
        theirs.title = "Managing Demand and Contact"
        save_with_history(theirs, actor=colleague, reason="Renamed by the board")
        rows_before = review.history.count()

        data = {**form_data(opened.context["form"]), "scope": "Calls and emails from the public."}
        response = manager_client.post(url, data)

        assert response.status_code == 200
        page = text_of(response)
        assert "Priya Shah saved this review after you opened it" in page
        assert "Title: “Managing Demand” → “Managing Demand and Contact”" in page
        assert "Calls and emails from the public." in page  # the manager's input is still in the form
        review.refresh_from_db()
        assert (review.title, review.scope) == ("Managing Demand and Contact", "Calls from the public.")
        assert review.history.count() == rows_before

        # The form now carries the current version: having seen the change, the manager saves again.
        refreshed = response.context["form"]["seen_version"].value()
        assert int(refreshed) == latest_version(review)
        again = manager_client.post(url, {**data, "title": "Managing Demand and Contact", "seen_version": refreshed})

        assert again.status_code == 302
        review.refresh_from_db()
        assert (review.title, review.scope) == ("Managing Demand and Contact", "Calls and emails from the public.")
        assert review.history.count() == rows_before + 1

    def test_an_edit_of_the_current_version_is_saved(self, manager_client):
        review = ReviewFactory(title="Managing Demand")
        url = reverse("reviews:review_update", args=[review.pk])
        opened = manager_client.get(url)

        response = manager_client.post(url, {**form_data(opened.context["form"]), "title": "Managing Contact"})

        assert response.status_code == 302
        review.refresh_from_db()
        assert review.title == "Managing Contact"

    def test_a_version_from_another_record_is_refused(self, manager_client):
        review, other = ReviewFactory(), ReviewFactory()
        url = reverse("reviews:review_update", args=[review.pk])
        opened = manager_client.get(url)
        data = {**form_data(opened.context["form"]), "seen_version": latest_version(other), "title": "Renamed"}

        response = manager_client.post(url, data)

        assert response.status_code == 200
        assert "saved this review after you opened it" in text_of(response)
        review.refresh_from_db()
        assert review.title != "Renamed"


class TestRecommendationEditForm:
    def test_a_stale_edit_is_refused_showing_what_changed(self, manager_client, colleague):
        rec = RecommendationFactory(theme="Demand management", timescale="December 2003")
        url = reverse("recommendations:recommendation_update", args=[rec.pk])
        opened = manager_client.get(url)
        seen_version_of(opened, opened.context["form"])

        theirs = type(rec).objects.get(pk=rec.pk)
        theirs.theme = "Call handling"
        save_with_history(theirs, actor=colleague, reason="Theme agreed")
        rows_before = rec.history.count()

        data = {**form_data(opened.context["form"]), "timescale": "March 2004"}
        response = manager_client.post(url, data)

        assert response.status_code == 200
        page = text_of(response)
        assert "Theme: “Demand management” → “Call handling”" in page
        assert "March 2004" in page
        rec.refresh_from_db()
        assert (rec.theme, rec.timescale) == ("Call handling", "December 2003")
        assert rec.history.count() == rows_before

        refreshed = response.context["form"]["seen_version"].value()
        again = manager_client.post(url, {**data, "theme": "Call handling", "seen_version": refreshed})

        assert again.status_code == 302
        rec.refresh_from_db()
        assert (rec.theme, rec.timescale) == ("Call handling", "March 2004")


class TestActionEditForm:
    def test_a_stale_edit_is_refused_and_a_current_one_saved(self, manager_client, colleague):
        action = ActionFactory(description="Draft the strategy.")
        url = reverse("recommendations:action_update", args=[action.pk])
        opened = manager_client.get(url)
        seen_version_of(opened, opened.context["form"])
        theirs = Action.objects.get(pk=action.pk)
        theirs.external_dependency = "C3i"
        save_with_history(theirs, actor=colleague, reason="Waits on C3i")

        data = {**form_data(opened.context["form"]), "description": "Draft and consult on the strategy."}
        response = manager_client.post(url, data)

        assert response.status_code == 200
        assert "External dependency: (blank) → “C3i”" in text_of(response)
        action.refresh_from_db()
        assert action.description == "Draft the strategy."

        refreshed = response.context["form"]["seen_version"].value()
        again = manager_client.post(url, {**data, "external_dependency": "C3i", "seen_version": refreshed})

        assert again.status_code == 302
        action.refresh_from_db()
        assert (action.description, action.external_dependency) == ("Draft and consult on the strategy.", "C3i")


class TestActionProgress:
    @pytest.fixture
    def action(self, owner_user):
        return ActionFactory(owner=owner_user.person, description="Draft the strategy.")

    def test_a_stale_update_is_refused_on_the_page(self, owner_client, action, colleague):
        url = reverse("recommendations:action_progress", args=[action.pk])
        opened = owner_client.get(url)
        seen_version_of(opened, opened.context["form"])
        theirs = Action.objects.get(pk=action.pk)
        theirs.description = "Draft the strategy and consult on it."
        save_with_history(theirs, actor=colleague, reason="Scope widened")
        rows_before = action.history.count()

        data = {**form_data(opened.context["form"]), f"action-{action.pk}-note": "First draft circulated."}
        response = owner_client.post(url, data)

        assert response.status_code == 400
        page = text_of(response)
        assert "Priya Shah saved this action after you opened it" in page
        assert "Description: “Draft the strategy.” → “Draft the strategy and consult on it.”" in page
        assert "First draft circulated." in page
        assert not ProgressUpdate.objects.filter(action=action).exists()
        assert action.history.count() == rows_before

        refreshed = response.context["form"]["seen_version"].value()
        again = owner_client.post(url, {**data, f"action-{action.pk}-seen_version": refreshed})

        assert again.status_code == 302
        assert ProgressUpdate.objects.get(action=action).note == "First draft circulated."

    def test_a_stale_update_is_refused_in_place_with_htmx(self, owner_client, action, manager_user):
        page = owner_client.get(reverse("recommendations:my_actions"))
        form = page.context["rows"][0]["form"]
        seen_version_of(page, form)
        services.action_update_status(
            action=action, actor=manager_user, status=ActionStatus.IN_PROGRESS, reason="Work has begun"
        )
        url = reverse("recommendations:action_progress", args=[action.pk])
        data = {**form_data(form), f"action-{action.pk}-note": "Waiting for the board."}

        response = owner_client.post(url, data, headers={"HX-Request": "true"})

        assert response.status_code == 200
        row = text_of(response)
        assert "Catherine Crawford saved this action after you opened it" in row
        assert "Status: “Not started” → “In progress”" in row
        assert "Waiting for the board." in row
        assert not ProgressUpdate.objects.filter(action=action).exists()

        refreshed = response.context["form"]["seen_version"].value()
        again = owner_client.post(
            url,
            {
                **data,
                f"action-{action.pk}-status": ActionStatus.IN_PROGRESS,
                f"action-{action.pk}-seen_version": refreshed,
            },
            headers={"HX-Request": "true"},
        )

        assert again.status_code == 200 and "Action updated." in text_of(again)
        assert ProgressUpdate.objects.get(action=action).note == "Waiting for the board."

    def test_the_service_refuses_under_its_lock_and_writes_nothing(self, action, owner_user, manager_user):
        seen = latest_version(action)
        services.action_override_rag(action=action, actor=manager_user, rag=Rag.RED, reason="Board concerned")
        rows_before = action.history.count()

        with pytest.raises(ValidationError) as refused:
            services.action_report_progress(
                action=action,
                actor=owner_user,
                author=owner_user.person,
                status=ActionStatus.IN_PROGRESS,
                rag_override="",
                reason="Started",
                note="Started.",
                seen_version=seen,
            )

        assert "Rag override: (blank) → “Red”" in refused.value.messages
        assert action.history.count() == rows_before
        assert not ProgressUpdate.objects.filter(action=action).exists()
        action.refresh_from_db()
        assert (action.status, action.rag_override) == (ActionStatus.NOT_STARTED, Rag.RED)

    def test_without_a_version_the_service_does_not_check(self, action, owner_user, manager_user):
        services.action_override_rag(action=action, actor=manager_user, rag=Rag.RED, reason="Board concerned")

        update = services.action_report_progress(
            action=action,
            actor=owner_user,
            author=owner_user.person,
            status=action.status,
            rag_override=Rag.RED,
            reason="",
            note="Still on track.",
        )

        assert update.note == "Still on track."


ROUNDS = 500
RAGS = [Rag.RED, Rag.AMBER, Rag.GREEN]


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Needs PostgreSQL: SQLite serialises whole-database writes and ignores select_for_update, so two writers "
    "never race there (CI runs the suite on PostgreSQL as well).",
)
def test_500_concurrent_pairs_of_stale_edits_lose_no_update(owner_user):
    """In each round two owners read the same version and both try to move the RAG to different values: exactly one
    wins, the other is refused, and every win is in the history, in order."""
    action = ActionFactory(owner=owner_user.person)
    author = owner_user.person
    barrier, closing = threading.Barrier(2, timeout=30), threading.Barrier(2, timeout=30)

    def attempt(round_number: int, rag: str, seen: int):
        try:
            barrier.wait()
            services.action_report_progress(
                action=action,
                actor=owner_user,
                author=author,
                status=ActionStatus.NOT_STARTED,
                rag_override=rag,
                reason=f"Round {round_number}: {rag}",
                note=f"Round {round_number}: {rag}",
                seen_version=seen,
            )
            return rag
        except StaleEditError:
            return None

    def close_connections():
        # Each worker keeps its connection from round to round (opening two per round doubles the test's time), and
        # closes it at the end: the barrier holds the first call until the second arrives, so each thread runs one.
        try:
            closing.wait()
        finally:
            connections.close_all()

    winners, refusals = [], 0
    with ThreadPoolExecutor(max_workers=2) as pool:
        try:
            current = ""
            for round_number in range(ROUNDS):
                seen = latest_version(action)
                first, second = [rag for rag in RAGS if rag != current][:2]
                outcomes = [
                    future.result()
                    for future in [pool.submit(attempt, round_number, rag, seen) for rag in (first, second)]
                ]
                won = [rag for rag in outcomes if rag is not None]
                assert len(won) == 1, f"round {round_number}: {outcomes}"
                refusals += outcomes.count(None)
                winners.append(f"Round {round_number}: {won[0]}")
                current = won[0]
        finally:
            list(pool.map(lambda _: close_connections(), range(2)))
    successes = len(winners)
    history = list(action.history.order_by("history_id").values_list("history_type", "history_change_reason"))
    assert (successes, refusals) == (ROUNDS, ROUNDS)
    assert len(history) == successes + 1 and history[0][0] == "+"
    assert [reason for _, reason in history[1:]] == winners  # every win recorded, none overwritten, in order
    assert list(ProgressUpdate.objects.filter(action=action).order_by("id").values_list("note", flat=True)) == winners
    action.refresh_from_db()
    assert action.rag_override == current


def test_the_action_page_form_carries_the_version_it_was_read_at(owner_client, owner_user):
    from core.history import latest_version
    from tests.recommendations.factories import ActionFactory

    action = ActionFactory(owner=owner_user.person)

    html = owner_client.get(f"/actions/{action.pk}/").content.decode()

    assert f'name="action-{action.pk}-seen_version" value="{latest_version(action)}"' in html
