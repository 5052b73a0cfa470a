"""An action owner: their own actions only, a progress update with evidence, and a RAG override with its reason."""

import re

import pytest

from recommendations.models import Action

RISK_FRAMEWORK = "Put in place a risk assessment framework for single crewing of response officers."
NOTE = "Draft framework shared with the BCU commanders; two boroughs have piloted it."
REASON = "The pilot boroughs found no new risk: amber until the Federation agrees."
EVIDENCE = b"Single crewing risk assessment framework: draft 2, for the pilot boroughs.\n"


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_owner_updates_their_action_with_evidence_and_overrides_its_rag(journey, javascript):
    owner = journey("owner", javascript=javascript)
    page = owner.page
    theirs = sorted(Action.objects.filter(owner__user__username="owner").values_list("description", flat=True))
    someone_elses = Action.objects.exclude(owner__user__username="owner").exclude(owner=None).first().description
    assert len(theirs) == 4

    owner.see("dashboard")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="My actions").click()
    owner.see("my-actions")
    assert "4 actions are assigned to you" in owner.main_text()
    cards = page.locator(".bvgov-action")
    titles = sorted(cards.locator(".govuk-summary-card__title").all_inner_texts())
    # A card's title is the description cut to 120 characters, as Django's truncatechars cuts it.
    assert titles == sorted(text if len(text) <= 120 else text[:119] + "…" for text in theirs)
    assert someone_elses[:60] not in owner.main_text()

    card = cards.filter(has=page.get_by_role("link", name=RISK_FRAMEWORK))
    assert "RAG Red" in card.locator(".govuk-summary-card__actions").inner_text()
    card.get_by_text("Update this action").click()
    card.get_by_label("Status").select_option(label="In progress")
    card.get_by_label("RAG").select_option(label="Amber")
    card.get_by_label("Reason for the change").fill(REASON)
    card.get_by_label("Progress note").fill(NOTE)
    card.get_by_label("Evidence (optional)").set_input_files(
        files=[{"name": "risk-framework-draft-2.txt", "mimeType": "text/plain", "buffer": EVIDENCE}]
    )
    card.get_by_role("button", name="Save update").click()
    # With JavaScript the card comes back in place with the message in it; without, the page, with it at the top.
    updated = page.locator(".bvgov-action").filter(has=page.get_by_role("link", name=RISK_FRAMEWORK))
    page.get_by_text("Action updated.").wait_for()
    owner.see("action-updated")
    assert page.url.endswith("/my-actions/")
    assert ("Action updated." in updated.inner_text()) == javascript
    tags = updated.locator(".govuk-summary-card__actions").inner_text()
    assert "In progress" in tags and "RAG Amber" in tags
    assert re.search(rf"RAG override\s+Amber \(derived: Red\) — {re.escape(REASON)}", updated.inner_text())
    assert NOTE in updated.inner_text()

    updated.get_by_role("link", name=RISK_FRAMEWORK).click()
    owner.see("action")
    updates = page.get_by_role("heading", name="Progress updates").locator("xpath=following-sibling::*[1]")
    assert NOTE in updates.inner_text()
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile(r"risk-framework-draft-2.*\.txt")).click()
    assert download_info.value.path().read_bytes() == EVIDENCE
