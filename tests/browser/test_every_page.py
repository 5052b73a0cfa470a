"""Beyond the journeys: every page the menus and the footer lead to, a record of each list, and every form the
programme manager fills in, each screenshotted and checked with axe-core on the demo register."""

import re

from programmes.models import Decision
from recommendations.models import Action, Recommendation
from reviews.models import Review

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
