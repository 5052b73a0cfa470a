"""What htmx does to a page when it swaps a panel in place stays within the Content-Security-Policy."""

from tests.browser.steps import open_recommendation_11

QUESTION = "When will the risk assessment framework for single crewing be in place?"


def test_a_resized_text_box_does_not_make_the_swap_break_the_csp(journey):
    """Dragging a text box's corner writes its size into a style attribute. htmx, settling the new panel, would copy
    that attribute across: a write of inline style, which the CSP refuses and the browser reports as a violation."""
    member = journey("member")
    page = member.page
    member.see("dashboard")
    open_recommendation_11(member)
    member.see("recommendation")
    question = page.get_by_label("Your question")
    question.evaluate("box => { box.style.height = '12em' }")
    question.fill(QUESTION)
    page.get_by_role("button", name="Ask the question").click()
    page.locator("#challenges .govuk-summary-card").filter(has_text=QUESTION).wait_for()
    member.see("challenge-posted")
    assert "Unanswered" in page.locator("#challenges").inner_text()
