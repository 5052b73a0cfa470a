"""Steps more than one journey takes on the committee dashboard, which shows one programme at a time."""

import re

# The programme the demo register's dashboard shows by default: none runs in 2026, so the latest started.
CURRENT_PROGRAMME = "Corporate Strategy and Service Review 2006–2009"
# The programme of the Best Value Review of Managing Demand.
MANAGING_DEMAND_PROGRAMME = "Best Value Programme 2002/03"
SINGLE_CREWING = "Agree single crewing of officers on response duties"


def show_programme(trip, programme: str, *, name: str) -> None:
    """On the committee dashboard, choose a programme in the "Programme" select and press Show."""
    page = trip.page
    page.get_by_label("Programme", exact=True).select_option(label=programme)
    page.get_by_role("button", name="Show", exact=True).click()
    page.wait_for_url(re.compile(r"[?&]programme=\d+"))
    trip.see(name)
    assert page.get_by_role("heading", level=1).inner_text() == programme


def open_the_long_overdue_actions(trip, *, name: str = "long-overdue-actions"):
    """From a programme's dashboard, follow the count of actions overdue by more than 90 days to the actions list.
    Returns the row of the single crewing action."""
    page = trip.page
    needs = page.locator(".govuk-grid-column-one-third").filter(
        has=page.get_by_role("heading", name="Actions overdue by more than 90 days")
    )
    needs.get_by_role("link", name=re.compile(r"^See them")).click()
    page.wait_for_url(re.compile(r"/actions/\?.*overdue=true"))
    trip.see(name)
    assert "due_before=" in page.url
    return page.get_by_role("table").get_by_role("row").filter(has_text=SINGLE_CREWING)


def open_recommendation_11(trip) -> None:
    """From the committee dashboard, Managing Demand's recommendation 11, through its long-overdue action."""
    page = trip.page
    show_programme(trip, MANAGING_DEMAND_PROGRAMME, name="dashboard-2002-03")
    single_crewing = open_the_long_overdue_actions(trip)
    single_crewing.get_by_role("link", name="Recommendation 11", exact=True).click()
    page.wait_for_url(re.compile(r"/recommendations/\d+/$"))
