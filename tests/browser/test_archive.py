"""The programme manager archives a recommendation entered twice, sees it leave the register, and restores it."""

import pytest

from core.history import save_with_history
from recommendations.choices import DecisionStatus
from recommendations.models import Recommendation, Source

DUPLICATE = "Entered twice by mistake: publish the call handling standard"


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_manager_archives_a_duplicate_and_restores_it(journey, javascript):
    source = Source.objects.order_by("pk").first()
    duplicate = save_with_history(
        Recommendation(source=source, number="99", text=DUPLICATE, decision_status=DecisionStatus.PROPOSED),
        actor=None,
        reason="Recorded from the report",
    )
    manager = journey("manager", javascript=javascript)
    page = manager.page
    manager.see("dashboard")

    manager.go("/recommendations/?q=call+handling+standard")
    manager.see("list-with-it")
    assert DUPLICATE in manager.main_text()
    page.get_by_role("link", name=DUPLICATE).click()
    manager.see("recommendation")
    page.get_by_role("link", name="Archive this recommendation").click()
    manager.see("archive-form")
    page.get_by_role("button", name="Archive this recommendation").click()
    manager.see("archive-without-a-reason")
    assert "There is a problem" in manager.main_text()
    page.get_by_label("Reason").fill("Entered twice: it is recommendation 4")
    page.get_by_role("button", name="Archive this recommendation").click()
    manager.see("archived")
    banner = page.get_by_role("region", name="Archived")
    assert "Entered twice: it is recommendation 4" in banner.inner_text()

    manager.go("/recommendations/?q=call+handling+standard")
    manager.see("list-without-it")
    assert DUPLICATE not in manager.main_text()

    manager.go(f"/recommendations/{duplicate.pk}/")
    page.get_by_role("link", name="Restore this recommendation").click()
    manager.see("restore-form")
    page.get_by_label("Reason").fill("Not a duplicate after all")
    page.get_by_role("button", name="Restore this recommendation").click()
    manager.see("restored")
    assert "Recommendation restored." in manager.main_text()
    assert not Recommendation.all_objects.get(pk=duplicate.pk).is_archived
