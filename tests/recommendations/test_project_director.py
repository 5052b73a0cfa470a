"""A project director updates the actions of the review they direct, as its owners do, and no other review's."""

import pytest

from recommendations.choices import ActionStatus
from tests.pages import text_of
from tests.recommendations.factories import ActionFactory, RecommendationFactory, SourceFactory
from tests.reviews.factories import ReviewFactory

pytestmark = pytest.mark.django_db


def action_in(review, description):
    source = SourceFactory(review=review, programme=review.programme)
    return ActionFactory(recommendation=RecommendationFactory(source=source, review=review), description=description)


def post_progress(client, action, **values):
    prefix = f"action-{action.pk}-"
    return client.post(f"/actions/{action.pk}/progress/", {prefix + name: value for name, value in values.items()})


def test_the_project_director_updates_an_action_of_their_review_owned_by_someone_else(owner_client, owner_user):
    directed = ReviewFactory(title="Managing Demand", project_director=owner_user.person)
    action = action_in(directed, "Introduce a single call handling standard")
    assert action.owner != owner_user.person

    mine = text_of(owner_client.get("/my-actions/"))
    assert "Introduce a single call handling standard" in mine and action.owner.name in mine
    response = post_progress(owner_client, action, status="in_progress", reason="Pilot started", note="Two boroughs.")

    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.IN_PROGRESS
    assert action.history.first().history_user == owner_user
    assert action.updates.get().author == owner_user.person


def test_the_project_director_of_another_review_is_refused_and_nothing_is_written(owner_client, owner_user):
    ReviewFactory(project_director=owner_user.person)
    elsewhere = action_in(ReviewFactory(title="Consultation"), "Publish the consultation strategy")
    history = elsewhere.history.count()

    assert "Publish the consultation strategy" not in text_of(owner_client.get("/my-actions/"))
    response = post_progress(owner_client, elsewhere, status="complete", reason="Done", note="Done.")

    assert response.status_code == 403
    elsewhere.refresh_from_db()
    assert elsewhere.status == ActionStatus.NOT_STARTED and elsewhere.history.count() == history
