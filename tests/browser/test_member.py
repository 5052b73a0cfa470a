"""A member before a committee: a programme's figures, a recommendation challenged, the programme in the past."""

import re

import pytest

from programmes.models import Programme
from tests.browser.steps import (
    CURRENT_PROGRAMME,
    MANAGING_DEMAND_PROGRAMME,
    open_the_long_overdue_actions,
    show_programme,
)

MANAGING_DEMAND = "Best Value Review of Managing Demand"
OWNER = "Lead officer, Managing Demand implementation"
QUESTION = "Why has only one of the seventeen Managing Demand recommendations been implemented?"


def review_row(page, title: str):
    return page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=title))


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_member_reads_the_dashboard_challenges_an_owner_and_looks_back(journey, javascript):
    member = journey("member", javascript=javascript)
    page = member.page
    programme = Programme.objects.get(name=MANAGING_DEMAND_PROGRAMME).pk

    # The dashboard opens on the current programme; the member chooses the one their review is in.
    member.see("dashboard")
    assert page.title() == f"{CURRENT_PROGRAMME} — Committee dashboard – bvgov"
    assert page.locator(".govuk-caption-l").filter(has_text="Committee dashboard").is_visible()
    assert page.get_by_role("heading", level=1).inner_text() == CURRENT_PROGRAMME
    show_programme(member, MANAGING_DEMAND_PROGRAMME, name="dashboard-2002-03")
    assert re.search(rf"[?&]programme={programme}(&|$)", page.url), page.url
    assert page.title() == f"{MANAGING_DEMAND_PROGRAMME} — Committee dashboard – bvgov"
    managing_demand = review_row(page, MANAGING_DEMAND)
    assert "1 of 17 implemented" in managing_demand.inner_text()

    # The count of long-overdue actions leads to them, in the actions list.
    long_overdue = int(page.locator("[data-figure=long-overdue]").inner_text())
    assert long_overdue > 0
    single_crewing = open_the_long_overdue_actions(member)
    assert f"programme={programme}" in page.url
    assert re.search(rf"\b{long_overdue} actions?\b", member.main_text()), member.main_text()[:500]
    assert "Chief Inspector, Managing Demand implementation" in single_crewing.inner_text()
    assert "30 Nov 2003" in single_crewing.inner_text()
    # Due in 2003: said in years (and months), not as thousands of days.
    assert re.search(r"\b\d+ years( \d+ months?)? overdue", single_crewing.inner_text())
    assert MANAGING_DEMAND in single_crewing.inner_text()

    single_crewing.get_by_role("link", name="Recommendation 11", exact=True).click()
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

    # Back on the dashboard, the programme again, then the same programme as it stood on 30 June 2003.
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Committee dashboard").click()
    member.see("dashboard-again")
    assert page.get_by_role("heading", level=1).inner_text() == CURRENT_PROGRAMME
    show_programme(member, MANAGING_DEMAND_PROGRAMME, name="dashboard-2002-03-again")
    page.get_by_label("Show the register as at").fill("2003-06-30")
    page.get_by_role("button", name="Show", exact=True).click()
    page.wait_for_url(re.compile(r"as_at=2003-06-30"))
    member.see("dashboard-as-at-2003-06-30")
    assert f"programme={programme}" in page.url
    assert page.get_by_role("heading", level=1).inner_text() == MANAGING_DEMAND_PROGRAMME
    assert page.get_by_label("Programme", exact=True).input_value() == str(programme)
    assert "This is the programme as it stood at the end of 30 June 2003." in member.main_text()
    assert "0 of 17 implemented" in review_row(page, MANAGING_DEMAND).inner_text()
