"""Real-browser fixtures: Debian's Chromium, driven by Playwright, against a live server holding the demo register.

Every page a journey lands on is checked with axe-core (zero serious or critical violations) and screenshotted into
artifacts/screenshots/<test>/<nn>-<user>-<page>.png; a console error, a Content-Security-Policy violation, a script
error or a 4xx or 5xx response the journey did not expect fails it. The app's own CSP stays in force: axe-core is
evaluated through the DevTools protocol (page.evaluate), which the page's CSP does not govern, so no test needs
bypass_csp; a JavaScript-off page is checked as explained in Journey._axe_violations.

Without /usr/bin/chromium, the playwright package or axe-core the browser tests are skipped, saying which is missing;
with BVGOV_REQUIRE_BROWSER=1 (as .ci/run sets) they fail instead.
"""

import functools
import itertools
import os
import re
import shutil
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path
from urllib.parse import urldefrag

import pytest
from django.conf import settings
from django.core.management import call_command

from demo import DEMO_PASSWORD
from tests.flushing import empty_append_only_tables

# Debian's Chromium, never a browser Playwright downloads. BVGOV_CHROMIUM points elsewhere (the skip's own test).
CHROMIUM = Path(os.environ.get("BVGOV_CHROMIUM") or "/usr/bin/chromium")
AXE_SCRIPT = settings.BASE_DIR / "node_modules/axe-core/axe.min.js"
SCREENSHOTS = settings.BASE_DIR / "artifacts/screenshots"
# --disable-background-networking and the two after it keep Chromium from calling home, which on a closed network
# makes it refuse connections; there is no GPU and, as root in a container, no sandbox.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BLOCKING_IMPACTS = ("serious", "critical")
# GOV.UK Frontend and MOJ Frontend report a component that cannot start with console.log, not console.error.
COMPONENT_ERROR = re.compile(r"\b(ElementError|InitError|SupportError|ConfigError)\b")
RUN_AXE = """async () => {
  const results = await axe.run(document, {resultTypes: ['violations']})
  return results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => n.target.join(' ') + ': ' + (n.failureSummary || '').replace(/\\s+/g, ' ')),
  }))
}"""


@dataclass
class AxeTally:
    """What axe-core found across the session, for the terminal summary."""

    pages: int = 0
    blocking: int = 0
    other: dict[str, int] = field(default_factory=dict)


AXE_TALLY = AxeTally()


@functools.cache
def axe_source() -> str:
    return AXE_SCRIPT.read_text()


def browser_missing() -> str:
    if not CHROMIUM.exists():
        return f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (make install)"
    if not AXE_SCRIPT.exists():
        return f"axe-core is not installed at {AXE_SCRIPT} (make install)"
    return ""


@pytest.fixture(scope="module")
def browser():
    """Chromium, for one test module.

    Playwright's sync API keeps an asyncio loop running in a greenlet of this same thread, so Django takes every
    database call the test makes (loading the demo, the flush after it) for one made from async code, and refuses
    it. Nothing here is async: each call is made while Playwright's loop waits, never alongside it. So
    DJANGO_ALLOW_ASYNC_UNSAFE is set while, and only while, the browser runs: module scope ends Playwright, and the
    variable, before the rest of the suite.
    """
    missing = browser_missing()
    if missing:
        if os.environ.get("BVGOV_REQUIRE_BROWSER") == "1":
            pytest.fail(f"BVGOV_REQUIRE_BROWSER=1 but {missing}.", pytrace=False)
        pytest.skip(f"Browser tests skipped: {missing}. Set BVGOV_REQUIRE_BROWSER=1 to make this a failure.")
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def demo_site(live_server):
    """The live server's address, with the demo register loaded (again for each test: a live server's test flushes)."""
    call_command("load_demo", "--force", stdout=StringIO())
    yield live_server.url
    empty_append_only_tables()


def pytest_collection_modifyitems(items):
    """Mark every test of this folder `browser`, so that `-m "not browser"` leaves them out."""
    folder = Path(__file__).parent
    for item in items:
        if folder in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test, so that the journey's end checks run only after a journey that passed."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


def pytest_terminal_summary(terminalreporter):
    if AXE_TALLY.pages:
        others = ", ".join(f"{count} {impact}" for impact, count in sorted(AXE_TALLY.other.items())) or "none"
        terminalreporter.write_line(
            f"axe-core: {AXE_TALLY.pages} pages checked, {AXE_TALLY.blocking} serious or critical violations; "
            f"minor and moderate: {others}. Screenshots in {SCREENSHOTS.relative_to(settings.BASE_DIR)}/."
        )


class Journey:
    """One person's visit: a browser page, with every page it lands on checked by axe-core and screenshotted.

    Call see() on each page the journey reaches; at the end, check_clean() fails if any page was reached but not
    seen, or if the browser reported a console error, a script error, a CSP violation or an unexpected 4xx or 5xx.
    """

    def __init__(self, *, browser, base_url: str, screenshot_path, username: str, javascript: bool = True):
        self.base_url = base_url
        self.screenshot_path = screenshot_path
        self.username = username
        self.javascript = javascript
        self.context = browser.new_context(
            base_url=base_url,
            java_script_enabled=javascript,
            accept_downloads=True,
            locale="en-GB",
            timezone_id="Europe/London",
        )
        self.context.set_default_timeout(15_000)
        self.page = self.context.new_page()
        self.problems: list[str] = []
        self.reached: list[str] = []
        self.seen: set[str] = set()
        self.expected_statuses: dict[str, int] = {}
        self._checker = None
        self.page.on("console", self._on_console)
        self.page.on("pageerror", lambda error: self.problems.append(f"script error: {error}"))
        self.page.on("response", self._on_response)
        self.page.on("framenavigated", self._on_navigated)

    # What the browser reports.

    def _on_console(self, message) -> None:
        text = message.text
        if message.type == "error" and text.startswith("Failed to load resource"):
            return  # the response listener judges statuses, knowing which the journey expected
        if message.type == "error" or COMPONENT_ERROR.search(text):
            where = message.location.get("url") or self.page.url
            self.problems.append(f"console {message.type} on {self.page.url} (from {where}): {text}")

    def _on_response(self, response) -> None:
        url = urldefrag(response.url).url
        expected = self.expected_statuses.pop(url, None)
        if expected is not None:
            if response.status != expected:
                self.problems.append(f"{url} answered {response.status}, not the expected {expected}")
        elif response.status >= 400:
            self.problems.append(f"{url} answered {response.status}")

    def _on_navigated(self, frame) -> None:
        if frame == self.page.main_frame:
            self.reached.append(urldefrag(frame.url).url)

    # What the journey does.

    def expect(self, path: str, status: int) -> None:
        """The next response from this address is to have this status (a refusal, a form sent back with errors)."""
        self.expected_statuses[self.base_url + path] = status

    def go(self, path: str, *, status: int = 200):
        self.expect(path, status)
        response = self.page.goto(self.base_url + path)
        assert response.status == status, f"{path} answered {response.status}, not {status}"
        return response

    def sign_in(self, username: str) -> None:
        self.go("/accounts/login/")
        self.see("sign-in")
        self.page.get_by_label("Username").fill(username)
        self.page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
        self.page.get_by_role("button", name="Sign in").click()
        self.page.wait_for_load_state()
        assert "/accounts/login/" not in self.page.url, f"{username} could not sign in: {self.main_text()}"

    def main_text(self) -> str:
        return self.page.locator("main").inner_text()

    def see(self, name: str) -> None:
        """The page as it is now: screenshot it, then check it with axe-core."""
        self.page.wait_for_load_state()
        # caret="initial": hiding the caret would leave style="" on every text box, which htmx then copies.
        self.page.screenshot(
            path=self.screenshot_path(f"{self.username}{'' if self.javascript else '-no-js'}-{name}"),
            full_page=True,
            caret="initial",
        )
        # bvgov.js marks the body once it has started GOV.UK Frontend: proof that, under the CSP, the scripts ran (or,
        # with JavaScript off, that nothing did).
        started = "js-enabled" in (self.page.locator("body").get_attribute("class") or "").split()
        assert started == self.javascript, f"{name}: bvgov.js {'did not start' if self.javascript else 'ran'}"
        violations = self._axe_violations()
        AXE_TALLY.pages += 1
        blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
        for violation in violations:
            if violation["impact"] not in BLOCKING_IMPACTS:
                AXE_TALLY.other[violation["impact"]] = AXE_TALLY.other.get(violation["impact"], 0) + 1
        AXE_TALLY.blocking += len(blocking)
        self.seen.add(urldefrag(self.page.url).url)
        assert not blocking, f"axe-core on {name} ({self.page.url}):\n" + "\n".join(
            f"  {v['impact']} {v['id']}: {v['help']}\n" + "\n".join(f"      {node}" for node in v["nodes"][:5])
            for v in blocking
        )

    def _axe_violations(self) -> list[dict]:
        if self.javascript:
            self.page.evaluate(axe_source())
            return self.page.evaluate(RUN_AXE)
        # With JavaScript off the page runs no timers, and axe-core needs them. So the page's DOM (which, with no
        # script run, is the server's HTML) is checked in a second page, at the same address with the same
        # stylesheets and with every script refused, so that it is still the page without JavaScript.
        html = self.page.content()
        checker = self._checker_page()
        url = self.page.url

        def is_the_page(address: str) -> bool:
            return address == url

        checker.route(is_the_page, lambda route: route.fulfill(status=200, content_type="text/html", body=html))
        checker.goto(url)
        checker.unroute(is_the_page)
        checker.evaluate(axe_source())
        return checker.evaluate(RUN_AXE)

    def _checker_page(self):
        if self._checker is None:
            context = self.page.context.browser.new_context(base_url=self.base_url)
            context.route(re.compile(r".*\.m?js(\?.*)?$"), lambda route: route.abort())
            self._checker = context.new_page()
        return self._checker

    def check_clean(self) -> None:
        unseen = [url for url in dict.fromkeys(self.reached) if url not in self.seen and url != "about:blank"]
        assert not unseen, "pages reached but not checked with axe-core: " + ", ".join(unseen)
        assert not self.problems, "the browser reported:\n" + "\n".join(f"  {problem}" for problem in self.problems)

    def close(self) -> None:
        if self._checker is not None:
            self._checker.context.close()
        self.context.close()


@pytest.fixture
def journey(browser, demo_site, request):
    """Start a signed-in journey: journey("member"), or journey("manager", javascript=False).

    The test's screenshots are numbered in the order taken, across all its journeys.
    """
    folder = SCREENSHOTS / re.sub(r"[^\w.-]+", "-", request.node.name).strip("-")
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    numbers = itertools.count(1)
    started = []

    def screenshot_path(name: str) -> Path:
        return folder / f"{next(numbers):02d}-{name}.png"

    def start(username: str, *, javascript: bool = True) -> Journey:
        trip = Journey(
            browser=browser,
            base_url=demo_site,
            screenshot_path=screenshot_path,
            username=username,
            javascript=javascript,
        )
        started.append(trip)
        trip.sign_in(username)
        return trip

    yield start
    try:
        call = getattr(request.node, "rep_call", None)
        if call is not None and call.passed:
            for trip in started:
                trip.check_clean()
    finally:
        for trip in started:
            trip.close()
