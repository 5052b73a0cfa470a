"""The benchmark: bvgov under gunicorn on a generated register (manage.py generate_register), page by page beside
the Django admin, then a mixed load with wrk, and optionally a PostgreSQL restart under that load.

    DATABASE_URL=postgres://postgres@127.0.0.1:5433/bvgov_bench .venv/bin/python benchmarks/run.py \
        [--requests 50] [--throughput] [--fault "pg_ctlcluster --skip-systemctl-redirect 15 bench restart"]

Everything but the fault runs twice in one invocation: first with the pages cache off (gunicorn started with
PAGES_CACHE=False, the "pages" cache being Django's DummyCache), on which the targets are judged, then with it on.
The fault run comes once, last, with the cache on.

Server time, SQL time and queries come from the response headers that bvgov.middleware.QueryCountMiddleware adds
when the server runs with BENCHMARK_HEADERS=1 (never in production); client time is measured here too. One client,
one request at a time, keep-alive, after a few warm-up requests. The results go to benchmarks/RESULTS.md (--out).
Load goes to 127.0.0.1 only.
"""

import argparse
import datetime
import http.client
import json
import os
import platform
import re
import runpy
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.parse
from http.cookies import SimpleCookie
from pathlib import Path

import trail  # benchmarks/trail.py, beside this script

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
PASSWORD = "bench-only-password"  # generate_register --password bench-only-password
# The throughput of the old design (dashboards rendered whole and kept per register version), for comparison.
OLD_THROUGHPUT = (
    "163 requests/s (old design, run of 6 December 2026 03:50 UTC, benchmarks/RESULTS.md before this change)"
)
# The targets (from the issue), judged on the run with the pages cache off.
MIX_TARGET = {"rps": 100, "p95_ms": 300, "errors": 0}
APP_OVER_DB_TARGET = 3
POST_QUERIES_TARGET = 15
# Which run is which: the label in the results, and the PAGES_CACHE gunicorn is started with.
CACHE_MODES = (("off", False), ("on", True))


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def cpu_times() -> list[int]:
    """The machine's CPU time counters (/proc/stat): user, nice, system, idle, iowait, irq, softirq, steal."""
    return [int(value) for value in Path("/proc/stat").read_text().splitlines()[0].split()[1:9]]


def steal_percent(before: list[int], after: list[int]) -> float:
    """The share of CPU time the hypervisor took for other machines between two readings (steal): on a shared
    virtual machine it is time this run could not use."""
    spent = [b - a for a, b in zip(before, after, strict=True)]
    return 100 * spent[7] / sum(spent) if sum(spent) else 0.0


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(fraction * (len(ordered) - 1))))
    return ordered[index]


class Client:
    """One keep-alive connection with its own cookies (the server marks them Secure; this client sends them over
    loopback HTTP anyway, as a TLS proxy in front would)."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.connection = http.client.HTTPConnection(HOST, port, timeout=60)

    def request(self, method: str, path: str, body: dict | None = None, headers: dict | None = None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            started = time.perf_counter()
            try:
                self.connection.request(method, path, body=data, headers=headers)
                response = self.connection.getresponse()
                content = response.read()
                break
            except (http.client.HTTPException, OSError) as error:
                self.connection.close()
                self.connection = http.client.HTTPConnection(HOST, self.port, timeout=60)
                # A server may close a kept-alive connection left idle (gunicorn's threaded workers do, past their
                # keep-alive); the request was never read, so it is sent again on a new connection, as browsers do.
                stale = isinstance(error, (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError))
                if attempt == 2 or not stale:
                    raise
        elapsed = (time.perf_counter() - started) * 1000
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                self.cookies[name] = morsel.value
        return response, content, elapsed

    def sign_in(self, username: str) -> None:
        response, content, _ = self.request("GET", "/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', content).group(1).decode()
        response, _, _ = self.request(
            "POST",
            "/accounts/login/",
            {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
        )
        if response.status != 302:
            raise SystemExit(f"Sign-in as {username} failed: {response.status}")

    def csrf_token(self, path: str) -> str:
        _, content, _ = self.request("GET", path)
        return re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', content).group(1).decode()


def server_env(args, pages_cache: bool = True) -> dict:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="bvgov.settings.prod",
        DATABASE_URL=args.database_url,
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS=HOST,
        SECURE_SSL_REDIRECT="False",
        DEBUG="False",
        BENCHMARK_HEADERS="1",
        LOG_LEVEL="WARNING",
        CONN_MAX_AGE="600",
        PAGES_CACHE=str(pages_cache),
        # The benchmark's notifications are made in the register; nobody is to be emailed them.
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
    )
    return env


def pages_cache_backend(args, pages_cache: bool) -> str:
    """The "pages" cache backend the server's settings give with this PAGES_CACHE, read by the settings themselves."""
    shell = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from django.conf import settings; print('BACKEND', settings.CACHES['pages']['BACKEND'])",
        ],
        cwd=ROOT,
        env=server_env(args, pages_cache),
        capture_output=True,
        text=True,
        check=True,
    )
    return re.search(r"BACKEND (\S+)", shell.stdout).group(1)


def start_gunicorn(args, workers: int, pages_cache: bool) -> subprocess.Popen:
    env = server_env(args, pages_cache)
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "bvgov.wsgi",
            "--workers",
            str(workers),
            "--bind",
            f"{HOST}:{args.port}",
            "--access-logfile",
            str(args.access_log) if args.access_log else "/dev/null",
            "--access-logformat",
            "%(m)s %(U)s?%(q)s %(s)s %(D)s",
            "--error-logfile",
            str(args.error_log),
            "--timeout",
            "120",
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            http.client.HTTPConnection(HOST, args.port, timeout=2).request("GET", "/accounts/login/")
            return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()


def fixtures(args, pages_cache: bool = True) -> dict:
    """What the pages are asked about, read from the generated register through the ORM (in this process, with the
    server's settings and the pages cache as `pages_cache` says)."""
    os.environ.update(server_env(args, pages_cache))
    os.environ["DJANGO_SETTINGS_MODULE"] = "bvgov.settings.prod"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db.models import Count
    from django.utils import timezone

    from bvgov.selectors.boards import board_programmes, boards
    from programmes.models import Person
    from programmes.selectors import current_programme
    from recommendations.models import Action
    from reviews.models import Review

    long_history = Action.history.model.objects.values("id").annotate(n=Count("history_id")).order_by("-n").first()
    owner = Person.objects.get(user__username="bench-owner")
    open_actions = list(
        Action.objects.filter(owner=owner, status__in=["not_started", "in_progress", "blocked"])
        .order_by("id")
        .values_list("id", flat=True)[:200]
    )
    board = boards().filter(kind="project_board").first()
    # The board's programme as its dashboard picks it: the current one if the board has reviews in it, else its latest.
    programmes = board_programmes(board)
    live = current_programme(timezone.localdate())
    board_programme = live if live in programmes else programmes.first()
    as_at = datetime.date(2016, 6, 30)
    past = current_programme(as_at)
    review = Review.objects.order_by("id").first()
    inspector = __import__("django.contrib.auth", fromlist=["get_user_model"]).get_user_model()
    officer = inspector.objects.filter(username__startswith="officer").order_by("id").first()
    notified, update_round = accountability_fixtures(live, board)
    return {
        "notified": notified,
        "round": update_round.pk,
        "round_owners": update_round.requests.count(),
        "long_history_action": long_history["id"],
        "long_history_versions": long_history["n"],
        "open_actions": open_actions,
        "board": board.pk,
        "board_programme": board_programme.pk,
        "programme": live.pk,
        "programme_name": str(live),
        "as_at": as_at.isoformat(),
        "past_programme": past.pk,
        "past_programme_name": str(past),
        "review": review.pk,
        "officer": officer.pk,
    }


NOTIFICATIONS = 300


def accountability_fixtures(programme, board):
    """What the notifications page and an update round's page read, made once in the register through the services
    (so with their history): NOTIFICATIONS notifications for the bench member, and a round asking every owner of an
    open action of the current programme, for a meeting four weeks on."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from bvgov.models import Notification
    from bvgov.notifications import notify
    from core.history import save_with_history
    from programmes.models import Meeting
    from recommendations.models import UpdateRound
    from recommendations.rounds import round_open

    member = get_user_model().objects.get(username="bench-member")
    manager = get_user_model().objects.get(username="bench-manager")
    for number in range(Notification.objects.filter(recipient=member).count(), NOTIFICATIONS):
        notify(
            recipient=member,
            kind=Notification.Kind.ANSWER,
            text=f"An owner answered your challenge number {number + 1}",
            url="/my-actions/",
            actor=None,
        )
    update_round = UpdateRound.objects.filter(programme=programme).order_by("-id").first()
    if update_round is None:
        day = timezone.localdate() + datetime.timedelta(days=28)
        meeting = save_with_history(
            Meeting(body=board, date=day, title="Benchmark update round"), actor=manager, reason="Benchmark"
        )
        update_round = round_open(
            meeting=meeting,
            programme=programme,
            respond_by=day - datetime.timedelta(days=7),
            due_within_days=None,
            actor=manager,
        )
    return Notification.objects.filter(recipient=member).count(), update_round


def pages(fx: dict) -> list[dict]:
    """Each page: our path, who reads it, and the admin page it is compared with (if any)."""
    action = fx["long_history_action"]
    return [
        {
            "name": f"Committee dashboard, {fx['programme_name']} (current)",
            "path": f"/?programme={fx['programme']}",
            "user": "bench-member",
            "target": 150,
        },
        {
            "name": f"Committee dashboard, {fx['past_programme_name']} as at {fx['as_at']}",
            "path": f"/?programme={fx['past_programme']}&as_at={fx['as_at']}",
            "user": "bench-member",
            "target": 400,
        },
        {"name": "All-programmes overview", "path": "/overview/", "user": "bench-member", "target": 150},
        {
            "name": "Board dashboard (a project board, its programme)",
            "path": f"/boards/?body={fx['board']}&programme={fx['board_programme']}",
            "user": "bench-member",
            "target": 150,
        },
        {
            "name": "Inspector trail, unfiltered",
            "path": "/audit/",
            "user": "bench-inspector",
            "target": 200,
            "admin": "/admin/core/auditentry/",
        },
        {
            "name": "Inspector trail, filtered (user + review)",
            "path": f"/audit/?user={fx['officer']}&review={fx['review']}",
            "user": "bench-inspector",
            "target": 200,
            "admin": f"/admin/core/auditentry/?user__id__exact={fx['officer']}&review_id={fx['review']}",
        },
        {
            "name": f"One action's history ({fx['long_history_versions']} versions)",
            "path": f"/history/recommendations/action/{action}/",
            "user": "bench-inspector",
            "admin": f"/admin/recommendations/action/{action}/history/",
            "ratio_target": 0.5,
        },
        {
            "name": f"Notifications ({fx['notified']} of them)",
            "path": "/notifications/",
            "user": "bench-member",
            "target": 150,
        },
        {
            "name": f"Update round of the current programme ({fx['round_owners']} owners)",
            "path": f"/rounds/{fx['round']}/",
            "user": "bench-member",
            "target": 150,
        },
        {
            "name": "Actions list, filtered (status blocked)",
            "path": "/actions/?status=blocked",
            "user": "bench-member",
            "admin": "/admin/recommendations/action/?status__exact=blocked",
            "ratio_target": 0.5,
        },
    ]


def measure(client: Client, method: str, path: str, count: int, body=None, warmup: int = 3) -> dict:
    server, database, client_ms, queries, statuses = [], [], [], [], []
    for number in range(count + warmup):
        payload = body(number) if callable(body) else body
        response, _, elapsed = client.request(method, path(number) if callable(path) else path, payload)
        if number < warmup:
            continue
        statuses.append(response.status)
        timing = response.headers.get("Server-Timing", "")
        app = re.search(r"app;dur=([\d.]+)", timing)
        db = re.search(r"db;dur=([\d.]+)", timing)
        if not app or not db:
            raise SystemExit(f"{method} {path}: no Server-Timing app and db durations (BENCHMARK_HEADERS off?)")
        server.append(float(app.group(1)))
        database.append(float(db.group(1)))
        client_ms.append(elapsed)
        queries.append(int(response.headers.get("X-Query-Count", "-1")))
    return {
        "requests": count,
        "statuses": sorted(set(statuses)),
        "queries_min": min(queries),
        "queries_max": max(queries),
        "p50": statistics.median(server),
        "p95": percentile(server, 0.95),
        "db_p50": statistics.median(database),
        "db_p95": percentile(database, 0.95),
        "client_p50": statistics.median(client_ms),
        "client_p95": percentile(client_ms, 0.95),
    }


def single_client(args, fx: dict) -> list[dict]:
    clients: dict[str, Client] = {}

    def client_for(username: str) -> Client:
        if username not in clients:
            clients[username] = Client(args.port)
            clients[username].sign_in(username)
        return clients[username]

    results = []
    for page in pages(fx):
        ours = measure(client_for(page["user"]), "GET", page["path"], args.requests)
        row = {**page, "ours": ours}
        if page.get("admin"):
            row["theirs"] = measure(client_for("bench-admin"), "GET", page["admin"], args.requests)
        results.append(row)
        print(
            f"  {page['name']}: {ours['queries_min']}–{ours['queries_max']} queries, p50 {ours['p50']:.1f} ms, "
            f"p95 {ours['p95']:.1f} ms, SQL p50 {ours['db_p50']:.1f} ms, {ours['statuses']}"
            + (f"; admin p50 {row['theirs']['p50']:.1f} ms" if row.get("theirs") else "")
        )
    owner = client_for("bench-owner")
    actions = fx["open_actions"]
    token = owner.csrf_token(f"/actions/{actions[0]}/progress/")

    def update_path(number):
        return f"/actions/{actions[number % len(actions)]}/progress/"

    def update_body(number):
        action = actions[number % len(actions)]
        status = "blocked" if (number // len(actions)) % 2 == 0 else "in_progress"
        return {
            "csrfmiddlewaretoken": token,
            f"action-{action}-status": status,
            f"action-{action}-rag_override": "",
            f"action-{action}-reason": f"Benchmark status update {number}",
            f"action-{action}-note": "Status reported at the board.",
            "next": "/my-actions/",
        }

    update = measure(owner, "POST", update_path, args.requests, body=update_body)
    results.append(
        {
            "name": "Status update (POST, then 302)",
            "path": "/actions/<id>/progress/",
            "ours": update,
            "target": 100,
            "queries_target": POST_QUERIES_TARGET,
        }
    )
    print(
        f"  status update: {update['queries_min']}–{update['queries_max']} queries, p95 {update['p95']:.1f} ms, "
        f"SQL p50 {update['db_p50']:.1f} ms, {update['statuses']}"
    )
    return results, clients


WRK_SCRIPT = """
local reads = {READS}
local actions = {ACTIONS}
local reader_cookie = "{READER_COOKIE}"
local owner_cookie = "{OWNER_COOKIE}"
local token = "{TOKEN}"
local counter = 0
request = function()
  counter = counter + 1
  if counter % {POST_EVERY} == 0 then
    local action = actions[(counter % #actions) + 1]
    local status = "blocked"
    if math.floor(counter / {POST_EVERY}) % 2 == 0 then status = "in_progress" end
    local p = "action-" .. action .. "-"
    local body = "csrfmiddlewaretoken=" .. token .. "&" .. p .. "status=" .. status .. "&" .. p .. "rag_override=&"
      .. p .. "reason=Load+run+update&" .. p .. "note=Reported+under+load&next=%2Fmy-actions%2F"
    return wrk.format("POST", "/actions/" .. action .. "/progress/",
      {["Cookie"] = owner_cookie, ["Content-Type"] = "application/x-www-form-urlencoded"}, body)
  end
  local path = reads[(counter % #reads) + 1]
  return wrk.format("GET", path, {["Cookie"] = reader_cookie})
end
-- No response() callback: with one, wrk hands every body to Lua, and copying the committee dashboard's 2.2 MB into
-- the client on each request took CPU from the server it measures. wrk counts non-2xx/3xx answers by itself.
done = function(summary, latency, requests)
  io.write(string.format("WRK_JSON {\\"requests\\": %d, \\"seconds\\": %f, \\"p50_ms\\": %f, \\"p95_ms\\": %f, "
    .. "\\"p99_ms\\": %f, \\"errors_connect\\": %d, \\"errors_read\\": %d, \\"errors_write\\": %d, "
    .. "\\"errors_status\\": %d, \\"errors_timeout\\": %d}\\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.status, summary.errors.timeout))
end
"""


def cookie_header(client: Client) -> str:
    return "; ".join(f"{k}={v}" for k, v in client.cookies.items())


def read_mix(fx: dict) -> list[str]:
    """The read pages of the load, one request each per round of the mix: the dashboards (a programme's now and as at
    a past day, the overview, a board's), the trail, the lists, an action's page and a record's history."""
    return [
        f"/?programme={fx['programme']}",
        f"/?programme={fx['past_programme']}&as_at={fx['as_at']}",
        "/overview/",
        f"/boards/?body={fx['board']}&programme={fx['board_programme']}",
        "/audit/",
        f"/audit/?user={fx['officer']}&review={fx['review']}",
        "/actions/?status=blocked",
        "/actions/",
        "/recommendations/",
        f"/actions/{fx['open_actions'][0]}/",
        f"/history/recommendations/action/{fx['long_history_action']}/",
    ]


def throughput(args, fx: dict, *, fault: str | None = None) -> dict:
    # The reads are the inspector's, who may open every page of the mix (the trail and history are for the roles
    # that read the audit trail).
    reader, owner = Client(args.port), Client(args.port)
    reader.sign_in("bench-inspector")
    owner.sign_in("bench-owner")
    token = owner.csrf_token(f"/actions/{fx['open_actions'][0]}/progress/")
    reads = read_mix(fx)
    script = WRK_SCRIPT
    for key, value in {
        "READS": "{" + ", ".join(json.dumps(path) for path in reads) + "}",
        "ACTIONS": "{" + ", ".join(str(a) for a in fx["open_actions"][:100]) + "}",
        "READER_COOKIE": cookie_header(reader),
        "OWNER_COOKIE": cookie_header(owner),
        "TOKEN": token,
        "POST_EVERY": str(args.post_every),
    }.items():
        script = script.replace("{" + key + "}", value)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    command = [
        "wrk",
        "-t2",
        f"-c{args.connections}",
        f"-d{args.duration}s",
        "--timeout",
        "10s",
        "-s",
        handle.name,
        f"http://{HOST}:{args.port}",
    ]
    load_before = load_average()
    if fault:
        return fault_run(args, command, fault, fx, reader)
    cpu_before = cpu_times()
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    summary = json.loads(re.search(r"WRK_JSON (.*)", output).group(1))
    summary.update(
        command=" ".join(command[:-3]) + " http://127.0.0.1:PORT",
        steal=steal_percent(cpu_before, cpu_times()),
        load_before=load_before,
        load_after=load_average(),
        reads=reads,
        post_every=args.post_every,
        rps=summary["requests"] / summary["seconds"],
    )
    print(f"  throughput: {summary['rps']:.0f} req/s, p95 {summary['p95_ms']:.1f} ms, {summary}")
    return summary


def single_page_loads(args, fx: dict) -> list[dict]:
    """What this machine serves of one page alone under the same wrk load (10 s each): the ceiling the mix sits
    under. /help/ is the cheapest signed-in page (session, user, the base template)."""
    reader = Client(args.port)
    reader.sign_in("bench-inspector")
    results = []
    for path in ["/help/", f"/?programme={fx['programme']}", "/overview/", "/audit/", "/actions/?status=blocked"]:
        reader.request("GET", path)
        script = (
            f'request = function() return wrk.format("GET", "{path}", {{["Cookie"] = "{cookie_header(reader)}"}}) end'
        )
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
            handle.write(script)
        command = ["wrk", "-t2", f"-c{args.connections}", "-d10s", "-s", handle.name, f"http://{HOST}:{args.port}"]
        load = load_average()
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
        rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
        latency = re.search(r"Latency\s+(\S+)", output).group(1)
        results.append({"path": path, "rps": rps, "mean_latency": latency, "load": load})
        print(f"  {path} alone: {rps:.0f} req/s, mean latency {latency}, load {load}")
    return results


def fault_run(args, command, fault: str, fx: dict, reader: Client) -> dict:
    """The load with wrk, and beside it a probe client that reads the dashboard every 0.1 s and notes each answer,
    while the database is restarted half-way through."""
    load = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    probe_log = []
    started = time.monotonic()
    restarted_at = back_at = None
    restart = None
    probe = Client(args.port)
    probe.cookies = dict(reader.cookies)
    while time.monotonic() - started < args.duration - 2:
        elapsed = time.monotonic() - started
        if restart is None and elapsed > args.duration / 3:
            restarted_at = time.monotonic() - started
            restart = subprocess.Popen(fault, shell=True)
        if restart is not None and back_at is None and restart.poll() is not None:
            back_at = time.monotonic() - started
        try:
            response, content, _ = probe.request("GET", "/actions/?status=blocked")
            status = response.status
            traceback_shown = b"Traceback" in content or b"Exception" in content
            unavailable_page = b"Sorry, the service is unavailable" in content
        except (http.client.HTTPException, OSError):
            status, traceback_shown, unavailable_page = "connection error", False, False
        probe_log.append((round(time.monotonic() - started, 2), status, traceback_shown, unavailable_page))
        time.sleep(0.1)
    out, _ = load.communicate(timeout=args.duration + 30)
    summary = json.loads(re.search(r"WRK_JSON (.*)", out).group(1))
    failures = [entry for entry in probe_log if entry[1] != 200]
    recovered = next(
        (entry[0] for entry in probe_log if back_at is not None and entry[0] >= back_at and entry[1] == 200), None
    )
    result = {
        "wrk": summary,
        "restart_command": fault,
        "restart_began_s": restarted_at,
        "server_back_s": back_at,
        "first_200_after_back_s": recovered,
        "recovery_s": None if recovered is None or back_at is None else round(recovered - back_at, 2),
        "probe_requests": len(probe_log),
        "probe_non_200": len(failures),
        "probe_statuses": sorted({str(entry[1]) for entry in probe_log}),
        "probe_503_pages": sum(1 for entry in failures if entry[1] == 503 and entry[3]),
        "probe_tracebacks": sum(1 for entry in probe_log if entry[2]),
        "probe_failures": failures[:50],
    }
    print(f"  fault: {json.dumps(result, default=str)}")
    return result


def machine() -> str:
    info = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next((line.split(":", 1)[1].strip() for line in info if line.startswith("model name")), platform.processor())
    mhz = next((line.split(":", 1)[1].strip() for line in info if line.startswith("cpu MHz")), "")
    memory = next(line for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal"))
    memory_gib = int(memory.split()[1]) / 1024**2
    return (
        f"{os.cpu_count()} cores ({cpu}{f', {float(mhz):.0f} MHz' if mhz else ''}), {memory_gib:.0f} GiB, "
        f"Python {platform.python_version()}"
    )


def worker_kind() -> str:
    """The kind of worker gunicorn runs, from the gunicorn.conf.py it reads in the project's root."""
    return f'"{runpy.run_path(str(ROOT / "gunicorn.conf.py"))["worker_class"]}" workers, from gunicorn.conf.py'


def mark(ok: bool) -> str:
    return "✓" if ok else "✗"


def queries_cell(ours: dict) -> str:
    low, high = ours["queries_min"], ours["queries_max"]
    return str(high) if low == high else f"{low}–{high}"


def app_over_db(ours: dict) -> float | None:
    """Server time over its own SQL time, p50 over p50 (None when the page ran no measurable SQL)."""
    return ours["p50"] / ours["db_p50"] if ours["db_p50"] > 0 else None


def target_text(row: dict) -> str:
    parts = []
    if row.get("target"):
        parts.append(f"p95 ≤ {row['target']} ms")
    if row.get("ratio_target"):
        parts.append(f"≤ {row['ratio_target']} × admin (p50)")
    if row.get("queries_target"):
        parts.append(f"≤ {row['queries_target']} queries")
    return ", ".join(parts)


def target_checks(row: dict) -> list[tuple[str, str, bool]]:
    """Each of the row's targets: what it asks, the figure measured, whether it is met."""
    ours, checks = row["ours"], []
    if row.get("target"):
        checks.append((f"p95 ≤ {row['target']} ms", f"p95 {ours['p95']:.1f} ms", ours["p95"] <= row["target"]))
    if row.get("ratio_target"):
        theirs = row.get("theirs")
        ratio = ours["p50"] / theirs["p50"] if theirs and theirs["p50"] > 0 else None
        checks.append(
            (
                f"≤ {row['ratio_target']} × admin (p50)",
                "no admin figure" if ratio is None else f"{ratio:.2f} × admin",
                ratio is not None and ratio <= row["ratio_target"],
            )
        )
    if row.get("queries_target"):
        checks.append(
            (
                f"≤ {row['queries_target']} queries",
                f"{queries_cell(ours)} queries",
                ours["queries_max"] <= row["queries_target"],
            )
        )
    expected = 302 if row["path"].endswith("/progress/") else 200
    if ours["statuses"] != [expected]:
        checks.append((f"every answer {expected}", f"statuses {ours['statuses']}", False))
    return checks


def mix_checks(tp: dict) -> list[tuple[str, str, bool]]:
    errors = sum(
        tp[key] for key in ("errors_connect", "errors_read", "errors_write", "errors_timeout", "errors_status")
    )
    return [
        (f"≥ {MIX_TARGET['rps']} requests/s", f"{tp['rps']:.0f} requests/s", tp["rps"] >= MIX_TARGET["rps"]),
        (f"p95 ≤ {MIX_TARGET['p95_ms']} ms", f"p95 {tp['p95_ms']:.1f} ms", tp["p95_ms"] <= MIX_TARGET["p95_ms"]),
        (f"{MIX_TARGET['errors']} errors", f"{errors} errors", errors <= MIX_TARGET["errors"]),
    ]


def single_client_lines(args, run: dict, judged: bool) -> list[str]:
    header = ["page", "queries", "p50 ms", "p95 ms", "SQL p50 ms", "SQL p95 ms", "server / SQL (p50)", "target"]
    header += ["met"] if judged else []
    header += ["admin p50 ms", "admin p95 ms", "admin queries", "ours / admin (p50)"]
    lines = [
        f"### One client, {args.requests} requests per page after 3 warm-up requests (gunicorn, "
        f"{args.single_workers} workers)",
        "",
        f"Load average (1, 5, 15 min) and CPU steal during this part: {run['load_single']}.",
        "",
        "| " + " | ".join(header) + " |",
        "| --- " * len(header) + "|",
    ]
    for row in run["results"]:
        ours = row["ours"]
        ratio = app_over_db(ours)
        ratio_cell = "—" if ratio is None else f"{ratio:.2f}"
        if judged:
            ratio_cell += f" {mark(ratio is not None and ratio <= APP_OVER_DB_TARGET)}"
        theirs = row.get("theirs")
        admin_cells = ["", "", "", ""]
        if theirs:
            admin_cells = [
                f"{theirs['p50']:.1f}",
                f"{theirs['p95']:.1f}",
                queries_cell(theirs),
                f"{ours['p50'] / theirs['p50']:.2f}" if theirs["p50"] > 0 else "—",
            ]
        cells = [
            f"{row['name']} (`{row['path']}`)",
            queries_cell(ours),
            f"{ours['p50']:.1f}",
            f"{ours['p95']:.1f}",
            f"{ours['db_p50']:.1f}",
            f"{ours['db_p95']:.1f}",
            ratio_cell,
            target_text(row),
        ]
        if judged:
            failed = [check[0] for check in target_checks(row) if not check[2]]
            cells.append("✗ " + "; ".join(failed) if failed else "✓")
        lines.append("| " + " | ".join(cells + admin_cells) + " |")
    lines += [
        "",
        "Status codes seen: " + "; ".join(f"{row['name']}: {row['ours']['statuses']}" for row in run["results"]),
    ]
    return lines


def throughput_lines(args, tp: dict, judged: bool) -> list[str]:
    lines = [
        f"### Mixed load: gunicorn {args.workers} {worker_kind()}, wrk {args.connections} connections, "
        f"{args.duration} s",
        "",
        f"Every {tp['post_every']}th request is a status update POST; the rest cycle through: "
        + ", ".join(f"`{path}`" for path in tp["reads"])
        + ".",
        "",
        "| requests/s | requests | p50 ms | p95 ms | p99 ms | errors (connect/read/write/timeout/non-2xx-3xx) | "
        "load before → after | CPU steal |" + (" target | met |" if judged else ""),
        "| --- " * (10 if judged else 8) + "|",
        f"| {tp['rps']:.0f} | {tp['requests']} | {tp['p50_ms']:.1f} | {tp['p95_ms']:.1f} | {tp['p99_ms']:.1f} | "
        f"{tp['errors_connect']}/{tp['errors_read']}/{tp['errors_write']}/{tp['errors_timeout']}/"
        f"{tp['errors_status']} | {tp['load_before']} → {tp['load_after']} | {tp['steal']:.0f}% |"
        + (
            f" ≥ {MIX_TARGET['rps']} requests/s, p95 ≤ {MIX_TARGET['p95_ms']} ms, {MIX_TARGET['errors']} errors | "
            + ("✓" if all(check[2] for check in mix_checks(tp)) else "✗")
            + " |"
            if judged
            else ""
        ),
        "",
        f"Beside it, today's figure from the old machinery: {OLD_THROUGHPUT}.",
        "",
        f"Command: `{tp['command']}`",
    ]
    if tp.get("single_pages"):
        lines += [
            "",
            "The same wrk load on one page alone (10 s each), for the ceiling the mix sits under:",
            "",
            "| page | requests/s | mean latency | load at start |",
            "| --- | --- | --- | --- |",
            *[
                f"| `{page['path']}` | {page['rps']:.0f} | {page['mean_latency']} | {page['load']} |"
                for page in tp["single_pages"]
            ],
        ]
    return lines


def summary_lines(runs: dict) -> list[str]:
    """The targets, judged on the run with the pages cache off, with the cache-on figure beside each."""
    off, on = runs.get("off"), runs.get("on")
    if not off or not (off["results"] or off["tp"]):
        return []
    lines = [
        "## Targets, judged with the pages cache off",
        "",
        "| target | pages cache off | met | pages cache on |",
        "| --- | --- | --- | --- |",
    ]
    on_rows = {row["name"]: row for row in on["results"]} if on else {}
    for row in off["results"]:
        on_checks = (
            {check[0]: check[1] for check in target_checks(on_rows[row["name"]])} if row["name"] in on_rows else {}
        )
        for asks, figure, ok in target_checks(row):
            lines.append(f"| {row['name']}: {asks} | {figure} | {mark(ok)} | {on_checks.get(asks, '')} |")
    if off["results"]:

        def over(run) -> tuple[bool, str]:
            """Whether every page is within the ratio, and the pages over it (or the highest if none is)."""
            ratios = [(app_over_db(row["ours"]), row["name"]) for row in run["results"]]
            above = [(ratio, name) for ratio, name in ratios if ratio is None or ratio > APP_OVER_DB_TARGET]
            if above:
                return False, "over: " + "; ".join(
                    f"{name} {'no SQL' if ratio is None else f'{ratio:.2f}'}" for ratio, name in above
                )
            ratio, name = max(ratios)
            return True, f"highest {ratio:.2f} ({name})"

        ok, figure = over(off)
        on_cell = over(on)[1] if on and on["results"] else ""
        lines.append(
            f"| Each page's server time ≤ {APP_OVER_DB_TARGET} × its SQL time (p50 / p50) | {figure} | {mark(ok)} "
            f"| {on_cell} |"
        )
    if off.get("tp"):
        on_checks = {check[0]: check[1] for check in mix_checks(on["tp"])} if on and on.get("tp") else {}
        for asks, figure, ok in mix_checks(off["tp"]):
            lines.append(f"| Mixed load: {asks} | {figure} | {mark(ok)} | {on_checks.get(asks, '')} |")
        lines += ["", f"The mixed load before this change: {OLD_THROUGHPUT}."]
    return lines + [""]


def write_results(args, fx, runs, fault, pg_version) -> None:
    lines = [
        "# Benchmark results",
        "",
        f"Run {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC by `benchmarks/run.py` "
        f"({' '.join(sys.argv[1:]) or 'defaults'}).",
        "",
        f"Machine: {machine()}; PostgreSQL {pg_version.split(' (')[0]} on the same machine. {args.note}",
        "",
        "Register: "
        + ", ".join(f"{name} {count:,}" for name, count in fx["counts"].items())
        + f"; one action with {fx['long_history_versions']:,} versions. Current programme: "
        f"{fx['programme_name']}; the past day {fx['as_at']}, in {fx['past_programme_name']}.",
        "",
        "Each part ran twice: first with the pages cache off (gunicorn started with `PAGES_CACHE=False`), on which "
        "the targets are judged, then with it on. Server time is the app's own (Server-Timing `app`, from the first "
        "middleware to the response), SQL time the time spent in the database calls of the same request "
        "(Server-Timing `db`); queries per request include the session and user lookups.",
        "",
        *summary_lines(runs),
    ]
    for label, run in runs.items():
        if not (run["results"] or run["tp"]):
            continue
        judged = label == "off"
        lines += [
            f"## Pages cache {label}" + (" (targets judged here)" if judged else " (for comparison, not judged)"),
            "",
            f'gunicorn started with `PAGES_CACHE={run["pages_cache"]}`: the "pages" cache is `{run["backend"]}`.',
            "",
        ]
        if run["results"]:
            lines += [*single_client_lines(args, run, judged), ""]
        if run.get("tp"):
            lines += [*throughput_lines(args, run["tp"], judged), ""]
    if fault:
        lines += [
            "## Fault: PostgreSQL restarted under the same load (pages cache on)",
            "",
            "```",
            json.dumps(
                {k: v for k, v in fault.items() if k not in ("probe_failures", "verification")}, indent=2, default=str
            ),
            "```",
        ]
        if fault.get("verification"):
            lines += ["", "Afterwards:", "", "```", fault["verification"], "```"]
    # The audit trail's section is benchmarks/trail.py's, kept as it last wrote it.
    kept = args.out.read_text() if args.out.exists() else ""
    section = kept[kept.index(trail.START) : kept.index(trail.END) + len(trail.END)] if trail.START in kept else ""
    args.out.write_text("\n".join(lines).rstrip("\n") + "\n" + (f"\n{section}\n" if section else ""))
    print(f"Results written to {args.out}")


def register_counts() -> dict:
    from core.models import AuditEntry
    from recommendations.models import Action, Comment, ProgressUpdate, Recommendation
    from reviews.models import Review

    return {
        "reviews": Review.objects.count(),
        "recommendations": Recommendation.objects.count(),
        "actions": Action.objects.count(),
        "progress updates": ProgressUpdate.objects.count(),
        "comments": Comment.objects.count(),
        "history rows (audit entries)": AuditEntry.objects.count(),
    }


def verify(args) -> str:
    env = server_env(args)
    checks = textwrap.dedent(
        """
        from django.apps import apps
        missing = []
        for label in ("programmes", "reviews", "recommendations"):
            for model in apps.get_app_config(label).get_models():
                history = getattr(model, "history", None)
                if history is None or not hasattr(model._meta, "simple_history_manager_attribute"):
                    continue
                without = model._default_manager.exclude(pk__in=history.model.objects.values("id")).count()
                if without:
                    missing.append(f"{model.__name__}: {without}")
        print("Register rows without a history row:", ", ".join(missing) or "none")
        """
    )
    shell = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", checks], cwd=ROOT, env=env, capture_output=True, text=True
    )
    audit = subprocess.run(
        [sys.executable, "manage.py", "verify_audit_trail"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    rows = [line for line in (shell.stdout + shell.stderr).splitlines() if "Register rows" in line]
    return "\n".join([*rows, (audit.stdout + audit.stderr).strip() + f" (exit {audit.returncode})"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--single-workers", type=int, default=2)
    parser.add_argument("--workers", type=int, default=5)
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--post-every", type=int, default=10)
    parser.add_argument("--throughput", action="store_true", help="the mixed load, with the pages cache off then on")
    parser.add_argument(
        "--single-page-loads",
        action="store_true",
        help="after the mix with the pages cache on, each of a few pages alone for 10 s",
    )
    parser.add_argument("--skip-single", action="store_true")
    parser.add_argument(
        "--fault", default="", help="shell command that restarts PostgreSQL, run once under load, pages cache on"
    )
    parser.add_argument("--access-log", type=Path, help="file for gunicorn's access log: method, path, status, µs")
    parser.add_argument("--error-log", type=Path, default=Path(tempfile.gettempdir()) / "bvgov-bench-gunicorn.log")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "RESULTS.md")
    parser.add_argument(
        "--note",
        default="Nothing else was running on the machine: the load is the benchmark's own server, database and client.",
        help="what else the machine was doing, for the results file",
    )
    args = parser.parse_args()
    if not args.database_url.startswith("postgres"):
        raise SystemExit("Run the benchmark against PostgreSQL: set DATABASE_URL or --database-url.")
    if (args.throughput or args.fault) and not shutil.which("wrk"):
        raise SystemExit("The load runs need wrk (apt-get install wrk).")
    fx = fixtures(args)
    fx["counts"] = register_counts()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("show server_version")
        pg_version = cursor.fetchone()[0]
    connection.close()
    runs, fault = {}, None
    for label, pages_cache in CACHE_MODES:
        last = label == CACHE_MODES[-1][0]
        if args.skip_single and not args.throughput and not (args.fault and last):
            continue  # nothing to run with this cache (a fault run alone runs with the cache on only)
        backend = pages_cache_backend(args, pages_cache)
        print(f"Pages cache {label} (PAGES_CACHE={pages_cache}: {backend})")
        run = runs[label] = {
            "pages_cache": pages_cache,
            "backend": backend,
            "results": [],
            "load_single": "",
            "tp": None,
        }
        if not args.skip_single:
            server = start_gunicorn(args, args.single_workers, pages_cache)
            try:
                load_single = load_average()
                cpu_before = cpu_times()
                run["results"], _ = single_client(args, fx)
                run["load_single"] = (
                    f"{load_single} → {load_average()}; CPU steal {steal_percent(cpu_before, cpu_times()):.0f}%"
                )
            finally:
                stop(server)
        if args.throughput or (args.fault and last):
            server = start_gunicorn(args, args.workers, pages_cache)
            try:
                if args.throughput:
                    run["tp"] = throughput(args, fx)
                    if args.single_page_loads and pages_cache:
                        run["tp"]["single_pages"] = single_page_loads(args, fx)
                if args.fault and last:
                    fault = throughput(args, fx, fault=args.fault)
            finally:
                stop(server)
    if fault:
        fault["verification"] = verify(args)
        print(fault["verification"])
    write_results(args, fx, runs, fault, pg_version)


if __name__ == "__main__":
    main()
