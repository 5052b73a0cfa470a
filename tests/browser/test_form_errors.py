"""Forms sent incomplete come back saying what is missing, in GOV.UK's error summary, and still pass axe-core."""

import pytest

RISK_FRAMEWORK = "Put in place a risk assessment framework for single crewing of response officers."


def assert_error_summary(trip, *messages: str) -> None:
    summary = trip.page.locator(".govuk-error-summary")
    assert summary.get_by_role("heading", name="There is a problem").is_visible()
    for message in messages:
        link = summary.get_by_role("link", name=message)
        assert link.is_visible(), f"the error summary does not say {message!r}"
        target = link.get_attribute("href")
        assert target.startswith("#") and trip.page.locator(target).count() == 1, f"{message!r} links to {target}"


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_managers_forms_sent_empty(journey, javascript):
    manager = journey("manager", javascript=javascript)
    page = manager.page
    manager.see("dashboard")

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Reviews").click()
    manager.see("reviews")
    page.get_by_role("link", name="Best Value Review of Consultation", exact=True).click()
    manager.see("review")
    page.get_by_role("link", name="Record a decision").first.click()
    manager.see("record-decision")
    page.get_by_role("button", name="Record the decision").click()
    page.wait_for_load_state()
    manager.see("record-decision-errors")
    assert_error_summary(manager, "Choose the body that took the decision.", "Enter the date of the decision.")

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Recommendations").click()
    manager.see("recommendations")
    page.get_by_role("link", name="Import a report's recommendations").click()
    manager.see("import")
    manager.expect("/recommendations/import/", 400 if not javascript else 200)
    page.get_by_role("button", name="Upload and check the file").click()
    page.locator(".govuk-error-summary").wait_for()
    manager.see("import-errors")
    assert_error_summary(manager, "Choose the report the recommendations come from", "Select a CSV or Excel file")


def test_an_owners_update_without_a_reason(journey):
    owner = journey("owner")
    page = owner.page
    owner.see("dashboard")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="My actions").click()
    owner.see("my-actions")
    card = page.locator(".bvgov-action").filter(has=page.get_by_role("link", name=RISK_FRAMEWORK))
    card.get_by_text("Update this action").click()
    card.get_by_label("Status").select_option(label="Complete")
    card.get_by_role("button", name="Save update").click()
    card = page.locator(".bvgov-action").filter(has=page.get_by_role("link", name=RISK_FRAMEWORK))
    card.locator(".govuk-error-summary").wait_for()
    owner.see("update-errors")
    assert card.locator(".govuk-error-message").count() >= 1
    assert "Not started" in card.locator(".govuk-summary-card__actions").inner_text()
