"""Beyond the journeys: every page the menus and the footer lead to, a record of each list, and every form the
programme manager fills in, each screenshotted and checked with axe-core on the demo register."""

import re

from programmes.models import Body, Decision, Programme
from recommendations.models import Action, Recommendation
from reviews.models import Review
from tests.browser.steps import CURRENT_PROGRAMME, MANAGING_DEMAND_PROGRAMME, open_the_long_overdue_actions

BOARD = "MPS Management Board"

MENU = ["Committee dashboard", "Board dashboard", "My actions", "Reviews", "Recommendations", "Actions", "Decisions"]
FOOTER = [
    "Committee pack",
    "Accountability gaps",
    "Outcomes coverage",
    "Decision chains",
    "Calendar feed",
    "How bvgov works things out",
]
LISTS_OUTSIDE_THE_MENU = ["bodies", "meetings", "programmes", "indicators", "risks", "inspections"]


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def open_first_record(trip, list_name: str) -> None:
    """From a list page, follow the first record's link in its results table."""
    trip.page.locator("table.govuk-table tbody tr").first.get_by_role("link").first.click()
    trip.see(f"{list_name}-record")


def the_programmes_and_a_boards_dashboard(member) -> None:
    """The overview of every programme, a programme's dashboard and what its counts lead to, and a board's dashboard
    for a programme, with what changed since its last meeting in the audit trail."""
    page = member.page
    menu = page.get_by_role("navigation", name="Menu")
    menu.get_by_role("link", name="Committee dashboard", exact=True).click()
    member.see("dashboard-current-programme")
    page.get_by_role("link", name="All programmes", exact=True).click()
    member.see("all-programmes")
    assert page.get_by_role("heading", level=1).inner_text() == "All programmes"
    programmes = page.get_by_role("table", name=re.compile("^Each programme"))
    for programme in Programme.objects.all():
        row = programmes.get_by_role("row").filter(has=page.get_by_role("rowheader", name=programme.name))
        assert row.get_by_role("link").get_attribute("href") == f"/?programme={programme.pk}"
    programmes.get_by_role("link", name=MANAGING_DEMAND_PROGRAMME, exact=True).click()
    member.see("dashboard-2002-03")
    assert page.get_by_role("heading", level=1).inner_text() == MANAGING_DEMAND_PROGRAMME
    open_the_long_overdue_actions(member)
    page.go_back()
    page.get_by_role("link", name="See them", exact=True).click()
    member.see("recommendations-with-gaps")
    assert "has_gaps=true" in page.url
    page.go_back()
    # The table shows the 15 reviews with the most overdue actions; a link leads to all of them, where there are more.
    reviews = Review.objects.filter(programme__name=MANAGING_DEMAND_PROGRAMME).count()
    all_reviews = page.get_by_role("link", name=f"All {reviews} reviews of {MANAGING_DEMAND_PROGRAMME}", exact=True)
    assert all_reviews.count() == (1 if reviews > 15 else 0)
    if reviews > 15:
        all_reviews.click()
        member.see("reviews-of-2002-03")

    menu.get_by_role("link", name="Board dashboard", exact=True).click()
    member.see("board-dashboard-choose")
    page.get_by_label("Board or committee").select_option(label=BOARD)
    page.get_by_label("Programme", exact=True).select_option(label=CURRENT_PROGRAMME)
    page.get_by_role("button", name="Show board").click()
    page.wait_for_url(re.compile(r"/boards/\?body=\d+&programme=\d+"))
    member.see("board-dashboard-with-its-programme")
    assert page.get_by_role("heading", level=1).inner_text() == BOARD
    assert f"in {CURRENT_PROGRAMME}" in member.main_text()
    changed = page.get_by_role("heading", name="What changed since the last meeting")
    assert changed.is_visible()
    summary = re.search(r"(\d+) changes? in this board's reviews since (\d{1,2} \w+ \d{4}):", member.main_text())
    assert summary, member.main_text()
    # The trail is for the roles that read it (the inspector's journey below): a member is not offered it.
    assert page.get_by_role("link", name=re.compile(r"in the audit trail$")).count() == 0
    assert menu.get_by_role("link", name="Audit trail", exact=True).count() == 0
    board = Body.objects.get(name=BOARD).pk

    # Without a programme, the board's programme current today (or its newest): here the same.
    member.go(f"/boards/?body={board}")
    member.see("board-dashboard-default-programme")
    assert page.get_by_role("heading", level=1).inner_text() == BOARD
    assert f"in {CURRENT_PROGRAMME}" in member.main_text()


def test_every_page_a_member_can_reach_from_the_menus_and_lists(journey):
    member = journey("member")
    page = member.page
    member.see("dashboard")

    for name in MENU:
        page.get_by_role("navigation", name="Menu").get_by_role("link", name=name, exact=True).click()
        member.see(slug(name))
        assert page.get_by_role("heading", level=1).is_visible()
        if name in ("Reviews", "Recommendations", "Actions", "Decisions"):
            open_first_record(member, slug(name))
    the_programmes_and_a_boards_dashboard(member)
    for name in FOOTER:
        page.get_by_role("contentinfo").get_by_role("link", name=name, exact=True).click()
        member.see(slug(name))
    for name in LISTS_OUTSIDE_THE_MENU:
        member.go(f"/{name}/")
        member.see(name)
        open_first_record(member, name)

    page.get_by_role("link", name=re.compile(r"^History of")).first.click()
    member.see("history")
    assert page.title().startswith("History of")

    member.go("/no-such-page/", status=404)
    member.see("not-found")
    page.get_by_role("button", name="Sign out").click()
    member.see("signed-out")
    assert "Sign in" in page.get_by_role("heading", level=1).inner_text()


def test_every_form_the_programme_manager_fills_in(journey):
    manager = journey("manager")
    review = Review.objects.get(title="Best Value Review of Managing Demand").pk
    recommendation = Recommendation.objects.filter(number="11", review=review).get().pk
    action = Action.objects.filter(recommendation=recommendation).first().pk
    decision = Decision.objects.first().pk
    forms = {
        "record-review": "/reviews/new/",
        "edit-review": f"/reviews/{review}/edit/",
        "record-review-stage": f"/reviews/{review}/stage/",
        "edit-recommendation": f"/recommendations/{recommendation}/edit/",
        "record-extension": f"/recommendations/{recommendation}/extend/",
        "record-decision": f"/decisions/new/?subject=recommendations.recommendation.{recommendation}",
        "add-action": f"/recommendations/{recommendation}/actions/new/",
        "edit-action": f"/actions/{action}/edit/",
        "update-action": f"/actions/{action}/progress/",
        "challenge-an-action's-owner": f"/actions/{action}/challenge/",
        "decision": f"/decisions/{decision}/",
    }
    manager.see("dashboard")
    for name, path in forms.items():
        manager.go(path)
        manager.see(slug(name))
        assert manager.page.get_by_role("heading", level=1).is_visible()


def test_the_inspectors_audit_pages(journey):
    inspector = journey("inspector")
    page = inspector.page
    inspector.see("dashboard")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Audit trail").click()
    inspector.see("audit-trail")
    page.get_by_role("link", name="Check that no entry has been altered").click()
    inspector.see("audit-integrity")
    assert "Chain intact" in inspector.main_text()
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Audit trail").click()
    inspector.see("audit-trail-again")
    page.locator("table.govuk-table tbody tr").first.get_by_role("link").first.click()
    inspector.see("audit-record")
