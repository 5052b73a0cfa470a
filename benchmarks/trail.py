"""The audit trail's figures on the generated register: the full verification's rate, the integrity page's time with
what has been written since the last full run, and a 3,000-row import's preview. Writes its section of
benchmarks/RESULTS.md (between the markers below), leaving the rest of the file as benchmarks/run.py wrote it.

    DATABASE_URL=postgres://postgres@127.0.0.1:5433/bvgov_bench .venv/bin/python benchmarks/trail.py [--new 5000]

It seals a checkpoint and runs `manage.py verify_audit_trail` (which records the checkpoint it reached, as the
nightly run does), then writes `--new` entries through the services (status changes of open actions, an entry
or one: they stay in the register, as the load's updates do), then opens the integrity page as bench-inspector through
Django's test client, in this process, five times. Targets (issue 14): verification ≥ 20,000 entries/s, the page
≤ 2 s, the preview ≤ 5 s with the process under 300 MB.
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
START, END = "<!-- trail: benchmarks/trail.py -->", "<!-- /trail -->"  # benchmarks/run.py keeps what is between


def manage(*command: str) -> tuple[str, float]:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, capture_output=True, text=True, check=True)
    return done.stdout.strip(), time.perf_counter() - started


def write_new_entries(count: int) -> int:
    """Status changes of open actions through the service until `count` entries have been added; how many were."""
    from django.contrib.auth import get_user_model

    from core.models import AuditEntry
    from recommendations.choices import ActionStatus
    from recommendations.models import Action
    from recommendations.services import action_update_status

    manager = get_user_model().objects.get(username="bench-manager")
    open_actions = Action.objects.filter(status__in=[ActionStatus.IN_PROGRESS, ActionStatus.BLOCKED])

    def head() -> int:
        return AuditEntry.objects.order_by("-sequence").values_list("sequence", flat=True).first() or 0

    before = head()
    for action in open_actions.order_by("-id").iterator():
        if head() - before >= count:
            break
        status = ActionStatus.BLOCKED if action.status == ActionStatus.IN_PROGRESS else ActionStatus.IN_PROGRESS
        action_update_status(action=action, actor=manager, status=status, reason="Benchmark: the integrity page")
    return head() - before


def integrity_page(times: int) -> tuple[list[float], str]:
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username="bench-inspector"))
    seconds, text = [], ""
    for _ in range(times):
        started = time.perf_counter()
        response = client.get("/audit/integrity/")
        seconds.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise SystemExit(f"The integrity page answered {response.status_code}")
        text = response.content.decode()
    state = re.search(r'data-integrity="(\w+)"', text)
    verified = re.search(r"([\d,]+) entr(?:y|ies) verified", text)
    return seconds, f"{state.group(1) if state else '?'}, {verified.group(1) if verified else '?'} entries verified"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--new", type=int, default=5000, help="entries written after the full verification")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "RESULTS.md")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("Run it against the generated register on PostgreSQL: set DATABASE_URL.")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bvgov.settings.dev")
    sys.path.insert(0, str(ROOT))
    load = os.getloadavg()

    sealed, _ = manage("seal_audit_trail")
    verified, verify_seconds = manage("verify_audit_trail")
    entries = int(re.search(r"(\d+) entries", verified).group(1))
    rate = entries / verify_seconds
    preview, _ = manage("bench_import_preview", "--rows", "3000")
    first_page = float(re.search(r"upload to first page: ([\d.]+) s", preview).group(1))
    rss = float(re.search(r"peak RSS: ([\d,]+) MB", preview).group(1).replace(",", ""))

    import django

    django.setup()
    written = write_new_entries(args.new)
    page_seconds, page_says = integrity_page(5)

    rows = [
        (
            "Full verification (`manage.py verify_audit_trail`, the whole command)",
            f"{entries:,} entries in {verify_seconds:.1f} s: {rate:,.0f} entries/s",
            "≥ 20,000 entries/s",
            rate >= 20_000,
        ),
        (
            f"Integrity page, {written:,} entries written since the full run (5 loads)",
            f"p50 {statistics.median(page_seconds):.2f} s, max {max(page_seconds):.2f} s",
            "≤ 2 s",
            max(page_seconds) <= 2,
        ),
        (
            "Import preview, 3,000 rows (`manage.py bench_import_preview --rows 3000`)",
            f"upload to first page {first_page:.2f} s, peak RSS {rss:,.0f} MB",
            "≤ 5 s, under 300 MB",
            first_page <= 5 and rss < 300,
        ),
    ]
    lines = [
        START,
        "## The audit trail (issue 14)",
        "",
        f"Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} by `benchmarks/trail.py` on the same register; "
        f"load average at the start {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}. The verification runs one process a "
        "core on PostgreSQL (2 here), each in the same snapshot.",
        "",
        "| what | measured | target | met |",
        "| --- | --- | --- | --- |",
        *[f"| {what} | {measured} | {target} | {'✓' if met else '✗'} |" for what, measured, target, met in rows],
        "",
        f"`seal_audit_trail`: {sealed}",
        "",
        f"`verify_audit_trail`: {verified}",
        "",
        f"The integrity page said (its `data-integrity` and count): {page_says}",
        END,
    ]
    text = args.out.read_text() if args.out.exists() else ""
    if START in text:
        text = text[: text.index(START)] + text[text.index(END) + len(END) :].lstrip("\n")
    args.out.write_text(text.rstrip("\n") + "\n\n" + "\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
