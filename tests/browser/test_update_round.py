"""An update round in the browser: the manager asks for updates before a meeting, the owner answers all their
actions in one form (without JavaScript, as a plain form post), and the pack names who did not respond."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from core.history import save_with_history
from programmes.models import Body, Meeting, Programme
from recommendations.models import UpdateRequest

NOTE = "Federation consulted; the framework goes to the CSMB in January."
REASON = "Pilot boroughs started on 1 December."


def test_a_round_asks_the_owners_and_the_pack_names_who_did_not_respond(journey):
    manager_user = get_user_model().objects.get(username="manager")
    programme = Programme.objects.get(reference="bvp-2002-03")
    board = programme.programme_board or Body.objects.filter(kind="programme_board").first()
    meeting_day = timezone.localdate() + datetime.timedelta(days=28)
    meeting = save_with_history(
        Meeting(body=board, date=meeting_day, title="Implementation review"),
        actor=manager_user,
        reason="Meeting called",
    )

    manager = journey("manager")
    page = manager.page
    manager.see("dashboard")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Board dashboard").click()
    manager.see("boards")
    page.get_by_label("Board or committee").select_option(label=str(board))
    page.get_by_role("button", name="Show board").click()
    manager.see("board")
    page.get_by_role("link", name="Update rounds").click()
    manager.see("rounds")
    page.get_by_role("link", name="Open an update round").click()
    manager.see("round-open")
    page.get_by_label("Meeting").select_option(label=str(meeting))
    page.get_by_label("Programme").select_option(label=programme.name)
    page.get_by_label("Respond by").fill(f"{meeting_day - datetime.timedelta(days=7):%d/%m/%Y}")
    page.get_by_label("Every open action").check()
    page.get_by_role("button", name="Open the round").click()
    page.get_by_text("Update round opened").wait_for()
    manager.see("round")
    assert "0 of " in manager.main_text()

    owner = journey("owner", javascript=False)
    page = owner.page
    owner.see("dashboard")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="My actions").click()
    owner.see("my-actions")
    request = UpdateRequest.objects.get(round__meeting=meeting, owner__user__username="owner")
    page.get_by_role("link", name=f"Update your actions for {meeting}").click()
    owner.see("respond")
    owner.expect(request.get_absolute_url(), 400)  # the refused response below
    cards = page.locator(".govuk-summary-card")
    assert cards.count() >= 2
    first, second = cards.nth(0), cards.nth(1)
    first.get_by_label("Progress note").fill(NOTE)
    second.get_by_label("Status", exact=True).select_option(label="In progress")
    page.get_by_role("button", name="Send my updates").click()
    page.get_by_text("Say why the status is changing.").first.wait_for()
    owner.see("respond-refused")
    second = page.locator(".govuk-summary-card").nth(1)
    second.get_by_label("Reason for a change of status").fill(REASON)
    page.get_by_role("button", name="Send my updates").click()
    page.get_by_text("Thank you: 2 updates sent.").wait_for()
    owner.see("round-responded")
    request.refresh_from_db()
    assert request.responded_at is not None

    member = journey("member")
    member.see("dashboard")
    member.go("/pack/")
    member.see("pack")
    not_responded = member.page.locator('[data-pack="not-responded"]').inner_text()
    silent = UpdateRequest.objects.filter(round__meeting=meeting, responded_at=None).select_related("owner")
    assert silent and all(request.owner.name in not_responded for request in silent)
    assert "Demo" not in not_responded and request.owner.name not in not_responded
