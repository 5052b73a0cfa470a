"""The breadcrumbs every kind of page shows (templates/partials/breadcrumbs.html), read as a person reads them: each
crumb's text and where it leads, in order, from Home to the current page."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tests.recommendations.factories import ActionFactory, RecommendationFactory
from tests.reviews.factories import ReviewFactory

pytestmark = pytest.mark.django_db

HOME = ("Home", "/")


class _Breadcrumbs(HTMLParser):
    """Every nav labelled "Breadcrumb" (its attributes), and the crumbs of the last one: (text, href or None)."""

    def __init__(self):
        super().__init__()
        self.navs = []
        self.crumbs = []
        self._in_nav = False
        self._crumb = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "nav" and attrs.get("aria-label") == "Breadcrumb":
            self.navs.append(attrs)
            self._in_nav = True
        elif self._in_nav and tag == "li":
            self._crumb = {"text": "", "href": None}
        elif self._crumb is not None and tag == "a":
            self._crumb["href"] = attrs["href"]

    def handle_endtag(self, tag):
        if tag == "nav":
            self._in_nav = False
        elif tag == "li" and self._crumb is not None:
            self.crumbs.append((" ".join(self._crumb["text"].split()), self._crumb["href"]))
            self._crumb = None

    def handle_data(self, data):
        if self._crumb is not None:
            self._crumb["text"] += data


def breadcrumbs(client, url):
    """The page's one breadcrumbs nav: its attributes and its crumbs."""
    response = client.get(url)
    assert response.status_code == 200
    parser = _Breadcrumbs()
    parser.feed(response.content.decode())
    (nav,) = parser.navs
    assert nav["class"] == "govuk-breadcrumbs bvgov-no-print"
    return nav, parser.crumbs


def trail(client, url):
    return breadcrumbs(client, url)[1]


@pytest.fixture
def action():
    return ActionFactory(recommendation=RecommendationFactory(number="7"))


def test_a_list_page_leads_home_and_names_itself_last(manager_client):
    assert trail(manager_client, reverse("recommendations:action_list")) == [HOME, ("Actions", None)]
    assert trail(manager_client, reverse("reviews:review_list")) == [HOME, ("Reviews", None)]


def test_an_actions_page_leads_through_the_actions_to_its_numbered_recommendation(manager_client, action):
    assert trail(manager_client, reverse("recommendations:action_detail", args=[action.pk])) == [
        HOME,
        ("Actions", reverse("recommendations:action_list")),
        ("Recommendation 7", action.recommendation.get_absolute_url()),
        ("This action", None),
    ]


def test_an_unnumbered_recommendation_is_called_so(manager_client):
    action = ActionFactory(recommendation=RecommendationFactory(number=""))

    assert trail(manager_client, reverse("recommendations:action_detail", args=[action.pk]))[2] == (
        "Unnumbered recommendation",
        action.recommendation.get_absolute_url(),
    )
    assert trail(manager_client, action.recommendation.get_absolute_url())[-1] == ("Unnumbered recommendation", None)


def test_form_pages_lead_back_to_what_they_change(manager_client, action):
    recommendation = action.recommendation
    review = ReviewFactory(title="Best Value Review of Call Handling")
    reviews = ("Reviews", reverse("reviews:review_list"))

    assert trail(manager_client, reverse("recommendations:action_update", args=[action.pk])) == [
        HOME,
        ("Recommendations", reverse("recommendations:recommendation_list")),
        ("Recommendation 7", recommendation.get_absolute_url()),
    ]
    assert trail(manager_client, reverse("reviews:review_update", args=[review.pk])) == [
        HOME,
        reviews,
        ("Best Value Review of Call Handling", review.get_absolute_url()),
    ]
    assert trail(manager_client, reverse("reviews:review_create")) == [HOME, reviews]
    subject = f"?subject=recommendations.recommendation.{recommendation.pk}"
    assert trail(manager_client, reverse("programmes:decision_create") + subject) == [
        HOME,
        (str(recommendation), recommendation.get_absolute_url()),
        ("Record a decision", None),
    ]


def test_the_pack_calls_home_the_committee_dashboard(manager_client):
    assert trail(manager_client, reverse("committee_pack")) == [("Committee dashboard", "/"), ("Committee pack", None)]


def test_the_import_pages_breadcrumbs_have_the_id_htmx_swaps_them_by(manager_client):
    nav, crumbs = breadcrumbs(manager_client, reverse("recommendations:recommendation_import"))

    assert nav["id"] == "import-breadcrumbs"
    assert crumbs == [HOME, ("Recommendations", reverse("recommendations:recommendation_list"))]


def test_a_page_without_breadcrumbs_has_no_breadcrumbs_nav(manager_client):
    response = manager_client.get(reverse("dashboard"))
    parser = _Breadcrumbs()
    parser.feed(response.content.decode())

    assert parser.navs == []
