"""A member before a committee: the dashboard's figures, a recommendation challenged, the register in the past."""

import re

import pytest

MANAGING_DEMAND = "Best Value Review of Managing Demand"
OWNER = "Lead officer, Managing Demand implementation"
QUESTION = "Why has only one of the seventeen Managing Demand recommendations been implemented?"


def review_row(page, title: str):
    return page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=title))


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_member_reads_the_dashboard_challenges_an_owner_and_looks_back(journey, javascript):
    member = journey("member", javascript=javascript)
    page = member.page

    member.see("dashboard")
    assert page.get_by_role("heading", name="Committee dashboard", level=1).is_visible()
    managing_demand = review_row(page, MANAGING_DEMAND)
    assert "1 of 17 implemented" in managing_demand.inner_text()
    overdue = page.get_by_role("table", name="Actions overdue by more than 90 days")
    single_crewing = overdue.get_by_role("row").filter(has_text="Agree single crewing of officers on response duties")
    assert "Chief Inspector, Managing Demand implementation" in single_crewing.inner_text()
    assert "30 Nov 2003" in single_crewing.inner_text()

    page.get_by_role("link", name="Recommendation 11 — Best Value Review of Managing Demand").click()
    member.see("recommendation")
    assert page.get_by_role("heading", level=1).inner_text() == "Recommendation 11"
    assert "Single crewing of officers on response duties, together with a risk assessment framework." in (
        member.main_text()
    )
    page.get_by_label("Your question").fill(QUESTION)
    page.get_by_role("button", name="Ask the question").click()
    challenges = page.locator("#challenges")
    challenge = challenges.locator(".govuk-summary-card").filter(has_text=QUESTION)
    challenge.wait_for()
    member.see("challenge-posted")
    assert f"Your question has been put to {OWNER}." in member.main_text()
    assert f"Demo Member asked {OWNER} on" in challenge.inner_text()
    assert "Unanswered" in challenge.inner_text()

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Committee dashboard").click()
    member.see("dashboard-again")
    page.get_by_label("Show the register as at").fill("2003-06-30")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(re.compile(r"as_at=2003-06-30"))
    member.see("dashboard-as-at-2003-06-30")
    assert "This is the register as it stood at the end of 30 June 2003." in member.main_text()
    assert "0 of 17 implemented" in review_row(page, MANAGING_DEMAND).inner_text()
