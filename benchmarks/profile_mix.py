"""Where the mixed load's time goes: the benchmark's read pages and status updates, replayed in one process through
the production WSGI handler (middleware, sessions and all) on the generated register, under cProfile.

    DATABASE_URL=postgres://postgres@127.0.0.1:5433/bvgov_bench .venv/bin/python benchmarks/profile_mix.py \
        [--rounds 30] [--sort tottime] [--top 40] [--per-page] [--pages-cache off|on]

It signs in as bench-inspector (the reads) and bench-owner (the updates) with real sessions, warms every page once,
then runs ROUNDS rounds of the mix that benchmarks/run.py sends with wrk (its read pages, run.read_mix, and a status
update) and prints the profile's top functions; --per-page prints each page's mean wall time in the process instead.
The pages cache is off by default (PAGES_CACHE=False, as in the run the targets are judged on); --pages-cache on
profiles with it. A tool for finding costs, not a measurement of record: the figures of record come from run.py.
"""

import argparse
import cProfile
import io
import os
import pstats
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run  # noqa: E402  (the benchmark's own fixtures and mix)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--per-page", action="store_true")
    parser.add_argument("--callers", help="print who calls the functions matching this pattern, instead of the top")
    parser.add_argument("--only", help="profile only the requests to this path of the mix (POST for the updates)")
    parser.add_argument("--extra", action="append", default=[], help="a further page to read in each round")
    parser.add_argument("--pages-cache", choices=("off", "on"), default="off", help="the pages cache (PAGES_CACHE)")
    args = parser.parse_args()
    if not args.database_url.startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to the generated register on PostgreSQL.")
    fx = run.fixtures(args, pages_cache=args.pages_cache == "on")
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)

    from django.test import Client

    reader, owner = Client(HTTP_HOST=run.HOST), Client(HTTP_HOST=run.HOST)
    for client, username in ((reader, "bench-inspector"), (owner, "bench-owner")):
        response = client.post("/accounts/login/", {"username": username, "password": run.PASSWORD})
        if response.status_code != 302:
            raise SystemExit(f"Sign-in as {username} failed: {response.status_code}")
    reads = [*run.read_mix(fx), *args.extra]
    actions = fx["open_actions"][:100]

    def update(number: int):
        action = actions[number % len(actions)]
        status = "blocked" if number % 2 else "in_progress"
        return owner.post(
            f"/actions/{action}/progress/",
            {
                f"action-{action}-status": status,
                f"action-{action}-rag_override": "",
                f"action-{action}-reason": "Profile run update",
                f"action-{action}-note": "Reported while profiling",
                "next": "/my-actions/",
            },
        )

    for path in reads:
        reader.get(path)
    update(0)

    times: dict[str, list[float]] = {path: [] for path in [*reads, "POST"]}
    sql: dict[str, list[float]] = {path: [] for path in times}
    profiler = cProfile.Profile()

    def timed(name: str, send, expected: int) -> None:
        profiling = not args.per_page and args.only in (None, name)
        began = time.perf_counter()
        if profiling:
            profiler.enable()
        response = send()
        if profiling:
            profiler.disable()
        times[name].append(time.perf_counter() - began)
        sql[name].append(float(re.search(r"db;dur=([\d.]+)", response["Server-Timing"])[1]) / 1000)
        assert response.status_code == expected, (name, response.status_code)

    started = time.perf_counter()
    for number in range(args.rounds):
        for path in reads:
            timed(path, lambda path=path: reader.get(path), 200)
        timed("POST", lambda number=number: update(number + 1), 302)
    elapsed = time.perf_counter() - started
    requests = args.rounds * (len(reads) + 1)
    print(f"{requests} requests in {elapsed:.2f} s: {elapsed / requests * 1000:.1f} ms a request in this process")
    print("  whole ms   SQL ms  page")
    for path, values in times.items():
        print(f"  {sum(values) / len(values) * 1000:8.1f} {sum(sql[path]) / len(values) * 1000:8.1f}  {path}")
    if not args.per_page:
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).sort_stats(args.sort)
        if args.callers:
            stats.print_callers(args.callers)
        else:
            stats.print_stats(args.top)
        print(out.getvalue())


if __name__ == "__main__":
    main()
