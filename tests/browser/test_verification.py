"""Verification before closure in the browser: the owner reports a recommendation implemented, the verifier sends it
back, the owner fixes it, the verifier accepts it, and the committee's rate moves only then."""

from bvgov.models import Notification
from recommendations import services
from recommendations.choices import ActionStatus
from recommendations.models import Recommendation

PERFORMANCE = (
    "Develop and implement a performance management system encompassing measures related to demand resolution."
)
FIRST_REPORT = "The demand resolution measures are in the monthly performance pack from April."
REJECTION = "The pack attached is a draft: send the one the Management Board adopted."
SECOND_REPORT = "The Management Board adopted the pack on 12 May; the adopted version is attached."
ACCEPTANCE = "Adopted pack and the minute of 12 May seen."


def figures(member, programme_pk) -> tuple[str, str]:
    member.go(f"/?programme={programme_pk}")
    page = member.page
    return (
        page.locator('[data-figure="implemented"]').inner_text(),
        page.locator('[data-figure="awaiting-verification"]').inner_text(),
    )


def report(owner, recommendation, note, filename):
    page = owner.page
    owner.go(recommendation.get_absolute_url())
    page.get_by_role("link", name="Report it implemented").click()
    owner.see("report-implemented")
    page.get_by_label("How was it implemented?").fill(note)
    page.get_by_label("Evidence", exact=True).set_input_files(
        files=[{"name": filename, "mimeType": "text/plain", "buffer": note.encode()}]
    )
    page.get_by_role("button", name="Send for verification").click()
    page.get_by_text("Reported implemented: it now awaits its verifier.").wait_for()
    owner.see("reported")


def verify(manager, outcome: str, note: str):
    page = manager.page
    manager.go("/notifications/")
    manager.see("notifications")
    assert "Recommendation to verify" in manager.main_text()
    page.get_by_role("button", name="Open").first.click()
    page.wait_for_url("**#verification")
    page.get_by_role("link", name="Verify it").click()
    manager.see("verify")
    page.get_by_label(outcome).check()
    page.get_by_label("What you checked, or why it is not accepted").fill(note)
    page.get_by_role("button", name="Record the verification").click()
    page.wait_for_url("**#verification")
    manager.see("verified")


def test_the_rate_moves_only_once_the_verifier_accepts(journey):
    recommendation = Recommendation.objects.select_related("source__programme").get(text=PERFORMANCE)
    owner_user = recommendation.actions.first().owner.user
    for action in recommendation.actions.all():
        services.action_update_status(action=action, actor=owner_user, status=ActionStatus.COMPLETE, reason="Delivered")
    programme = recommendation.source.programme_id
    member = journey("member")
    member.see("dashboard")
    implemented_before, _ = figures(member, programme)
    done, accepted = (int(part) for part in implemented_before.split(" of "))

    owner = journey("owner")
    owner.see("dashboard")
    report(owner, recommendation, FIRST_REPORT, "performance-pack-draft.txt")
    assert "Awaiting verification" in owner.main_text()
    assert figures(member, programme) == (implemented_before, "Awaiting verification: 1")
    member.see("dashboard-awaiting")

    manager = journey("manager")
    manager.see("dashboard")
    verify(manager, "No: send it back to the owner", REJECTION)
    assert Recommendation.objects.get(pk=recommendation.pk).implementation_status == "in_progress"
    assert figures(member, programme) == (implemented_before, "Awaiting verification: 0")

    owner.go("/notifications/")
    owner.see("told-rejected")
    assert REJECTION in owner.main_text()
    report(owner, recommendation, SECOND_REPORT, "performance-pack-adopted.txt")

    verify(manager, "Yes: accept it as implemented", ACCEPTANCE)
    assert "Implemented (verified)" in manager.main_text() and ACCEPTANCE in manager.main_text()
    assert figures(member, programme) == (f"{done + 1} of {accepted}", "Awaiting verification: 0")
    member.see("dashboard-verified")
    assert Notification.objects.filter(recipient=owner_user, kind=Notification.Kind.VERIFICATION_OUTCOME).count() == 2
