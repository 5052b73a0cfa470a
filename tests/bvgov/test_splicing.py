"""The committee dashboard's progress tables are spliced into the page as bytes (bvgov.splicing): the page reads
the same as a page rendered whole, markers cannot be forged by data, and a cached page reads no dashboard."""

from contextlib import nullcontext

import pytest

from bvgov.splicing import marker, splice
from tests.bvgov.test_page_cache import PAGES_CACHED
from tests.recommendations.factories import RecommendationFactory, SourceFactory
from tests.reviews.factories import ReviewFactory

pytestmark = pytest.mark.django_db


def test_each_marker_is_replaced_by_its_fragment_and_unused_fragments_are_not_built():
    built = []

    def fragment(name, html):
        def build():
            built.append(name)
            return html.encode()

        return build

    page = f"<table>{marker('reviews')}</table><p>Café · 1 of 17</p>"
    parts = splice(
        page, {"reviews": fragment("reviews", "<tr><td>Managing Demand</td></tr>"), "other": fragment("other", "x")}
    )
    assert b"".join(parts).decode() == "<table><tr><td>Managing Demand</td></tr></table><p>Café · 1 of 17</p>"
    assert built == ["reviews"]


def _review_rows(html: str) -> list[str]:
    table = html.split('<tbody class="govuk-table__body">', 1)[1].split("</tbody>", 1)[0]
    return table.split('<tr class="govuk-table__row">')[1:]


@pytest.mark.parametrize("cached", [False, True], ids=["rendered afresh", "pages cached"])
def test_the_dashboard_table_holds_every_review_once_and_a_marker_in_a_title_stays_text(member_client, cached):
    forged = marker("reviews")
    titles = ["Managing Demand", f"Consultation {forged}", "Corporate Strategy — Service Review"]
    for title in titles:
        review = ReviewFactory(title=title)
        RecommendationFactory(review=review, source=SourceFactory(review=review))
    with PAGES_CACHED if cached else nullcontext():
        first = member_client.get("/")
        again = member_client.get("/")
    for response in (first, again):
        html = response.content.decode()
        assert int(response["Content-Length"]) == len(response.content)
        rows = _review_rows(html)
        assert len(rows) == len(titles)
        assert "Consultation &lt;!--bvgov-splice:reviews--&gt;" in html
        assert forged not in html
        assert "Corporate Strategy — Service Review" in html
    assert first.content.split(b"<main", 1)[1] == again.content.split(b"<main", 1)[1]
