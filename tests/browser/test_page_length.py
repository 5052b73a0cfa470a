"""The page length goal: at 1280×800, on the demo register, the dashboards and the overview fit in 2,400 px."""

from programmes.models import Body

VIEWPORT = {"width": 1280, "height": 800}
MOST = 2400
BOARDS = ["MPS Management Board", "Managing Demand Implementation Project Board"]


def height(trip) -> int:
    return trip.page.evaluate("document.documentElement.scrollHeight")


def test_the_dashboards_and_the_overview_are_at_most_2400_px_tall(journey):
    member = journey("member")
    page = member.page
    page.set_viewport_size(VIEWPORT)
    heights: dict[str, int] = {}

    member.go("/")
    member.see("dashboard-default")
    heights["/ (the current programme)"] = height(member)
    options = (
        page.get_by_label("Programme", exact=True)
        .locator("option")
        .evaluate_all("options => options.filter(o => o.value).map(o => [o.value, o.textContent.trim()])")
    )
    assert len(options) >= 3, options
    for value, label in options:
        member.go(f"/?programme={value}")
        member.see(f"dashboard-programme-{value}")
        assert page.get_by_role("heading", level=1).inner_text() == label
        heights[f"/?programme={value} ({label})"] = height(member)

    member.go("/overview/")
    member.see("overview")
    heights["/overview/"] = height(member)

    for name in BOARDS:
        board = Body.objects.get(name=name).pk
        member.go(f"/boards/?body={board}")
        member.see(f"board-{board}")
        assert page.get_by_role("heading", level=1).inner_text() == name
        heights[f"/boards/?body={board} ({name})"] = height(member)

    management_board = Body.objects.get(name=BOARDS[0]).pk
    for value, label in options:
        member.go(f"/boards/?body={management_board}&programme={value}")
        member.see(f"board-{management_board}-programme-{value}")
        heights[f"/boards/?body={management_board}&programme={value} ({BOARDS[0]}, {label})"] = height(member)

    measured = "\n".join(f"  {px:>5} px  {page_name}" for page_name, px in heights.items())
    too_tall = {page_name: px for page_name, px in heights.items() if px > MOST}
    assert not too_tall, f"pages taller than {MOST} px at 1280×800:\n{measured}"
    print(f"Page heights at 1280×800 (at most {MOST} px):\n{measured}")
