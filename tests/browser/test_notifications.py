"""A challenge reaches its owner and the answer the member who asked: the header's count, the notifications page,
My actions first, and back to the record to answer."""

import pytest

from bvgov.models import Notification
from recommendations.models import Action

RISK_FRAMEWORK = "Put in place a risk assessment framework for single crewing of response officers."
QUESTION = "When will the Federation agree the single crewing risk assessment framework?"
ANSWER = "At its meeting on 12 January; the pilot boroughs report the same week."


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_challenge_reaches_the_owner_who_answers_and_the_member_is_told(journey, javascript):
    action = Action.objects.get(description=RISK_FRAMEWORK)
    assert action.owner.user.username == "owner"
    member = journey("member", javascript=javascript)
    member.see("dashboard")
    member.go(f"/actions/{action.pk}/")
    member.see("action")
    member.page.get_by_label("Your question").fill(QUESTION)
    member.page.get_by_role("button", name="Ask the question").click()
    member.page.locator("#challenges .govuk-summary-card").filter(has_text=QUESTION).wait_for()
    member.see("challenge-asked")

    owner = journey("owner", javascript=javascript)
    page = owner.page
    owner.see("dashboard")
    header = page.get_by_role("navigation", name="Account")
    link = header.get_by_role("link", name="Notifications")
    assert "notifications 1 unread" in " ".join(link.inner_text().lower().split())  # the badge is in capitals
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="My actions").click()
    owner.see("my-actions")
    waiting = page.get_by_role("region", name="Challenges waiting for your answer")
    assert QUESTION in waiting.inner_text()

    link.click()
    owner.see("notifications")
    assert "Challenge to answer" in owner.main_text() and QUESTION in owner.main_text()
    page.get_by_role("button", name="Open").first.click()
    page.wait_for_url(f"**/actions/{action.pk}/#challenges")
    owner.see("action-challenged")
    assert Notification.objects.get(recipient__username="owner").read_at is not None
    assert "unread" not in page.get_by_role("navigation", name="Account").inner_text().lower()
    card = page.locator("#challenges .govuk-summary-card").filter(has_text=QUESTION)
    card.get_by_label("Your answer").fill(ANSWER)
    card.get_by_role("button", name="Answer").click()
    page.locator("#challenges").get_by_text(ANSWER).wait_for()
    owner.see("answered")

    member.go("/help/")
    member.see("help-told")
    told = member.page.get_by_role("navigation", name="Account").get_by_role("link", name="Notifications")
    assert "1 unread" in " ".join(told.inner_text().lower().split())
    told.click()
    member.see("notifications")
    assert "Answer to your challenge" in member.main_text() and ANSWER in member.main_text()
