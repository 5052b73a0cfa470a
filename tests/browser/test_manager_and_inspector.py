"""The programme manager keeps the register true; then an inspector checks, from the audit trail, that it happened.

The two journeys run in one test, one after the other against one live server, because the inspector looks for what
the manager just did: a live server's test starts from a freshly loaded demo register and is flushed after it, so a
second test would find nothing. The manager's journey runs with JavaScript and without; the inspector's, with.
"""

import csv
import io
import re

import pytest

from reviews.models import Review
from tests.browser.steps import open_recommendation_11

CONSULTATION = "Best Value Review of Consultation"
CONSULTATION_PROGRAMME = "Best Value Programme 2000/01"
DISTRICT_AUDIT = "MPS action plan on the District Audit report on the 2002/03 Policing and Performance Plan"
RISK_FRAMEWORK = "Put in place a risk assessment framework for single crewing of response officers."
STATUS_REASON = "Framework drafted with two BCU commanders; the risk assessment is with the Federation."
NEW_RECOMMENDATION = "That every borough publishes the results of its consultation within three months."
FIRST_ACTION = "Agree a publication template with the borough commanders."
SECOND_ACTION = "Publish the first borough results on the MPA website."
IMPORT_ROWS = [
    ["number", "text", "owner", "target date", "priority"],
    ["10", "Report progress on the resourcing of priorities to the PPRC each quarter.", "John Zlotnicki", "31/03/2004"],
    ["11", "Train every project manager in the revised Project Management Manual.", "Martin Tiplady", "June 2004"],
]


def record_decision(manager, *, body: str, decided_on: str, minute: str, rationale: str) -> None:
    page = manager.page
    page.get_by_role("link", name="Record a decision").first.click()
    manager.see(f"record-decision-{body.lower().replace(' ', '-')}")
    assert page.title().startswith(f"Record a decision on {CONSULTATION}")
    page.get_by_label("Body that took the decision").select_option(label=body)
    page.get_by_label("Date of the decision").fill(decided_on)
    page.get_by_label("Kind of decision").select_option(label="Approve final report")
    page.get_by_role("radio", name="Approved").check()
    page.get_by_label("Minute reference").fill(minute)
    page.get_by_label("Rationale").fill(rationale)
    page.get_by_role("button", name="Record the decision").click()
    page.wait_for_load_state()


def stage_of(journey) -> str:
    return next(line for line in journey.main_text().splitlines() if line.startswith("Stage:"))


def add_action(manager, *, description: str, owner: str, due: str) -> None:
    page = manager.page
    page.get_by_role("link", name="Add an action").click()
    manager.see("add-action")
    page.get_by_label("Description").fill(description)
    page.get_by_label("Owner").select_option(label=owner)
    page.get_by_label("Due date").fill(due)
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    manager.see("action-added")
    assert description in manager.main_text()


def back_to_recommendation(manager) -> None:
    """From an action's page, its recommendation's, through the link its summary gives."""
    details = manager.page.locator(".govuk-summary-list").first
    details.get_by_role("link", name=re.compile(r"^Recommendation 15 — ")).click()
    manager.page.wait_for_load_state()


def manager_keeps_the_register(manager) -> str:
    """The manager's journey. Returns the address of the action whose status they changed."""
    page = manager.page
    manager.see("dashboard")

    # Two decisions on the Consultation review's final report, in the order the chain needs.
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Reviews").click()
    manager.see("reviews")
    page.get_by_role("link", name=CONSULTATION, exact=True).click()
    manager.see("review")
    assert stage_of(manager) == "Stage: Reported"
    assert "Waiting for: management board approval of the final report" in manager.main_text()

    record_decision(
        manager,
        body="MPS Management Board",
        decided_on="2002-04-10",
        minute="MB 14/02",
        rationale="The board approved the final report and its implementation timetable.",
    )
    manager.see("review-after-board")
    assert stage_of(manager) == "Stage: Approved by management board"
    assert "Waiting for: authority approval of the final report" in manager.main_text()

    record_decision(
        manager,
        body="Metropolitan Police Authority",
        decided_on="2002-04-25",
        minute="MPA 22/02",
        rationale="The Authority approved the final report after the management board.",
    )
    manager.see("review-after-authority")
    assert stage_of(manager) == "Stage: Approved by authority"

    # A new recommendation of the review's report, with two actions.
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Recommendations").click()
    manager.see("recommendations")
    page.get_by_role("link", name="Record a recommendation").click()
    manager.see("record-recommendation")
    page.get_by_label("Source", exact=True).select_option(label="Best Value Review of Consultation: final report")
    page.get_by_label("Number", exact=True).fill("15")
    page.get_by_label("Recommendation", exact=True).fill(NEW_RECOMMENDATION)
    page.get_by_label("Owner", exact=True).select_option(label="Julia Smith, CDO Unit, MPA")
    page.get_by_label("Original target date").fill("31/03/2003")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    manager.see("recommendation-recorded")
    assert page.get_by_role("heading", level=1).inner_text() == "Recommendation 15"
    assert NEW_RECOMMENDATION in manager.main_text()
    recommendation_url = page.url

    add_action(manager, description=FIRST_ACTION, owner="Julia Smith, CDO Unit, MPA", due="31/01/2003")
    back_to_recommendation(manager)
    assert page.url == recommendation_url
    manager.see("recommendation-one-action")
    add_action(manager, description=SECOND_ACTION, owner="Jude Sequeira, CDO Unit, MPA", due="31/03/2003")
    back_to_recommendation(manager)
    manager.see("recommendation-two-actions")
    actions = page.get_by_role("table").filter(has_text=FIRST_ACTION)
    assert SECOND_ACTION in actions.inner_text()
    assert "Julia Smith" in actions.inner_text() and "Jude Sequeira" in actions.inner_text()

    # Two recommendations of the District Audit report from a spreadsheet: upload, preview, confirm.
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Recommendations").click()
    manager.see("recommendations-again")
    page.get_by_role("link", name="Import a report's recommendations").click()
    manager.see("import-upload")
    page.get_by_label("Report").select_option(label=DISTRICT_AUDIT)
    buffer = io.StringIO()
    csv.writer(buffer).writerows(IMPORT_ROWS)
    page.get_by_label("File of recommendations").set_input_files(
        files=[{"name": "district-audit-2004.csv", "mimeType": "text/csv", "buffer": buffer.getvalue().encode()}]
    )
    page.get_by_role("button", name="Upload and check the file").click()
    page.get_by_role("heading", name="Check the recommendations before importing").wait_for()
    manager.see("import-preview")
    assert "2 rows ready to import" in manager.main_text()
    assert "Train every project manager in the revised Project Management Manual." in manager.main_text()
    page.get_by_role("button", name="Import 2 recommendations").click()
    page.wait_for_load_state()
    manager.see("import-done")
    assert f"2 recommendations imported into {DISTRICT_AUDIT}" in manager.main_text()
    assert "Report progress on the resourcing of priorities to the PPRC each quarter." in manager.main_text()

    # An action's status, changed on its page with a reason.
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Committee dashboard").click()
    manager.see("dashboard-again")
    open_recommendation_11(manager)
    manager.see("recommendation-11")
    page.get_by_role("link", name=RISK_FRAMEWORK).click()
    manager.see("action")
    action_url = page.url
    update = page.get_by_role("region", name="Update this action")
    update.get_by_label("Status").select_option(label="In progress")
    update.get_by_label("Reason for the change").fill(STATUS_REASON)
    update.get_by_role("button", name="Save update").click()
    page.wait_for_load_state()
    manager.see("action-updated")
    assert page.url == action_url
    assert "Action updated." in manager.main_text()
    assert page.locator(".govuk-tag").filter(has_text="In progress").first.is_visible()
    return action_url


def inspector_checks_the_trail(inspector, *, action_url: str) -> None:
    page = inspector.page
    inspector.see("dashboard")

    # The management board's dashboard for the review's programme sums up what changed since the board last met,
    # the manager's decisions among the changes that matter most.
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Board dashboard").click()
    inspector.see("board-dashboard")
    page.get_by_label("Board or committee").select_option(label="MPS Management Board")
    page.get_by_label("Programme", exact=True).select_option(label=CONSULTATION_PROGRAMME)
    page.get_by_role("button", name="Show board").click()
    page.wait_for_url(re.compile(r"/boards/\?body=\d+&programme=\d+"))
    inspector.see("board-dashboard-after-the-decisions")
    assert re.search(r"\d+ changes? in this board's reviews since \d{1,2} \w+ \d{4}:", inspector.main_text())
    most = page.get_by_role("heading", name="The changes that matter most").locator("xpath=following-sibling::ul[1]")
    significant = re.sub(r"\s+", " ", most.inner_text())
    assert f"{CONSULTATION} — Stage Approved by management board → Approved by authority" in significant, significant
    assert "decision recorded" in significant, significant
    assert "Demo Programme manager" in significant, significant

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Audit trail").click()
    inspector.see("audit-trail")
    page.get_by_label("Kind of record").select_option(label="Action")
    page.get_by_label("Changed by").select_option(label="Demo Programme manager")
    page.get_by_label("Reason contains").fill("Framework drafted")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_load_state()
    inspector.see("audit-trail-filtered")
    changes = page.get_by_role("table", name=re.compile("Changes, newest first"))
    rows = changes.locator("tbody tr")
    assert rows.count() == 1
    change = rows.first.inner_text()
    assert "Demo Programme manager" in change
    assert re.search(r"\d{1,2} \w{3} \d{4} \d{2}:\d{2}", change), change
    assert RISK_FRAMEWORK[:40] in change
    # "changed to" is there for screen readers, which do not read the arrow.
    assert re.search(r"Status:? ?Not started → (changed to )?In progress", re.sub(r"\s+", " ", change)), change
    assert STATUS_REASON in change

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download these changes as CSV").click()
    exported = download_info.value.path().read_text(encoding="utf-8-sig")
    exported_rows = list(csv.reader(io.StringIO(exported)))
    assert len(exported_rows) == 2, exported_rows
    assert any(STATUS_REASON in cell for cell in exported_rows[1])
    assert any("In progress" in cell for cell in exported_rows[1])

    page.get_by_role("link", name=re.compile("^Decision chains of every review")).click()
    inspector.see("decision-chains")
    chain = page.get_by_role("table", name=f"Decision chain of {CONSULTATION}")
    by_board = chain.get_by_role("row", name=re.compile("^Final report approved by the management board"))
    by_authority = chain.get_by_role("row", name=re.compile("^Final report approved by the authority"))
    assert re.sub(r"\s+", " ", by_board.inner_text()).endswith("MPS Management Board, 10 Apr 2002 MB 14/02 In order")
    assert re.sub(r"\s+", " ", by_authority.inner_text()).endswith(
        "Metropolitan Police Authority, 25 Apr 2002 MPA 22/02 In order"
    )
    by_authority.get_by_role("link").click()
    inspector.see("authority-decision")
    assert "The Authority approved the final report after the management board." in inspector.main_text()

    review = Review.objects.get(title=CONSULTATION).pk
    edit_pages = {
        "review-edit": f"/reviews/{review}/edit/",
        "review-stage": f"/reviews/{review}/stage/",
        "record-review": "/reviews/new/",
        "record-decision": f"/decisions/new/?subject=reviews.review.{review}",
        "record-recommendation": "/recommendations/new/",
        "import": "/recommendations/import/",
        "action-edit": action_url.removeprefix(inspector.base_url) + "edit/",
        "action-progress": action_url.removeprefix(inspector.base_url) + "progress/",
    }
    for name, path in edit_pages.items():
        inspector.go(path, status=403)
        inspector.see(f"refused-{name}")
        assert page.get_by_role("heading", level=1).inner_text() == "You do not have access to this page"
    # Nor do the pages they may read offer a way in.
    inspector.go(action_url.removeprefix(inspector.base_url))
    inspector.see("action-read-only")
    assert RISK_FRAMEWORK in inspector.main_text()
    assert page.get_by_role("link", name=re.compile("^Edit")).count() == 0
    assert page.get_by_role("button", name="Save update").count() == 0
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Reviews").click()
    inspector.see("reviews")
    page.get_by_role("link", name=CONSULTATION, exact=True).click()
    inspector.see("review-read-only")
    assert "Stage: Approved by authority" in inspector.main_text()
    assert page.get_by_role("link", name=re.compile("^(Edit|Record a decision)")).count() == 0


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_manager_keeps_the_register_and_the_inspector_finds_it_in_the_audit_trail(journey, javascript):
    action_url = manager_keeps_the_register(journey("manager", javascript=javascript))
    inspector_checks_the_trail(journey("inspector"), action_url=action_url)
