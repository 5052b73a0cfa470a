"""Where there is no Chromium the browser tests are skipped, saying why, unless BVGOV_REQUIRE_BROWSER=1 demands them."""

import os
import subprocess
import sys

from django.conf import settings

JOURNEY = "tests/browser/test_member.py::test_member_reads_the_dashboard_challenges_an_owner_and_looks_back[js]"


def run_journey_without_chromium(*, required: bool) -> subprocess.CompletedProcess:
    environment = {name: value for name, value in os.environ.items() if name != "BVGOV_REQUIRE_BROWSER"}
    environment["BVGOV_CHROMIUM"] = "/nonexistent/chromium"
    if required:
        environment["BVGOV_REQUIRE_BROWSER"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "pytest", JOURNEY, "-rs"],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_without_chromium_the_journeys_are_skipped_with_the_reason():
    result = run_journey_without_chromium(required=False)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 skipped" in result.stdout
    assert "Browser tests skipped: Chromium is not installed at /nonexistent/chromium" in result.stdout


def test_without_chromium_but_required_the_journeys_fail():
    result = run_journey_without_chromium(required=True)

    assert result.returncode == 1, result.stdout + result.stderr
    assert "BVGOV_REQUIRE_BROWSER=1 but Chromium is not installed at /nonexistent/chromium" in result.stdout
