"""A differential test of every page that reads the register: what a long-lived web process serves after a write
equals what a fresh process renders.

The demo register is loaded, and a fixed random sequence of ordinary writes is made through the services and
pages a user would use: action status changes, an overdue action moved (in the Django admin) to a recommendation
of another review, archive and restore, decisions, renames, an import, a change of day. After each write every page
in `pages()` is rendered twice: by the long-lived process, whose caches (Django's caches and any other memory of the
process) hold what it rendered before the write, and by a fresh process, whose memory is empty. The two must be the
same page, apart from the per-request values (CSRF tokens, CSP nonces) that differ between any two renders.

Only one process runs the test, so the "processes" are states of its memory: before the fresh render the
long-lived state is put aside (`ProcessMemory.take`) and everything forgotten; afterwards it is put back, so the
long-lived process keeps its memory across all the steps. Each write is made as if by another web process (the
Django admin, an import, a member of staff elsewhere): the long-lived process's memory is put aside for the write
and put back after it, so that nothing the writing process does to its own memory can hide a stale page from the
test.

Set DIFFERENTIAL_KEEP_GOING=1 to run every step and report each one that differs, rather than stopping at the first.
"""

import csv
import dataclasses
import datetime
import difflib
import io
import os
import random
import re
import sys
import time
from collections import OrderedDict
from collections.abc import Callable
from html.parser import HTMLParser
from itertools import islice
from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from core.history import save_with_history
from core.models import AuditEntry
from programmes.choices import DecisionKind, DecisionOutcome
from programmes.models import Body, Person, Programme
from programmes.services import decision_record
from recommendations import imports, services
from recommendations.choices import ActionStatus, DecisionStatus
from recommendations.models import Action, Recommendation, Source
from reviews.models import Review

SEED = 20261206
STEPS = 25
# A day inside the demo's history (its reports run from 2000 to 2005), for the dashboard "as at" a past day.
PAST_DAY = "2003-06-30"
# How far a change of day moves "today": every page reads the day from timezone.localdate(), which the test moves.
DAY_STEP = datetime.timedelta(days=40)
REAL_LOCALDATE = timezone.localdate
# The user whose signed-in client is the long-lived process: the programme manager sees every page.
READER = "manager"
# The demo's superuser, who makes the admin's changes.
ADMIN = "admin"

# More pages, as they land: each entry a URL, or a function of the RegisterState giving a list of URLs.
EXTRA_PAGES: list[str | Callable[["RegisterState"], list[str]]] = []

# The writes (methods of Writer), each made at least once; the rest of the STEPS are drawn from WRITES.
EVERY_WRITE = [
    "status_complete",
    "status_blocked",
    "move",
    "archive_action",
    "archive_recommendation",
    "restore",
    "accept",
    "extend",
    "rename_review",
    "rename_person",
    "rename_source",
    "import_",
    "day",
    "reschedule",
]
WRITES = ["status", "status", "move", "move", "archive", "restore", "restore", "decision", "rename", "import_", "day"]

pytestmark = pytest.mark.django_db


# The register and its pages


@dataclasses.dataclass(frozen=True)
class RegisterState:
    """What the list of pages is built from, read from the database."""

    boards: list[int]
    reviews: list[int]
    programmes: list[int]


def register_state() -> RegisterState:
    """Three boards (the programme board, and the project and implementation boards of the reviews, which see
    actions move between reviews), every review and every programme."""
    boards: list[int] = []
    for programme in Programme.objects.order_by("pk"):
        boards.append(programme.programme_board_id)
    for review in Review.objects.order_by("pk"):
        boards += [review.implementation_board_id, review.project_board_id, review.challenge_panel_id]
    boards = list(dict.fromkeys(pk for pk in boards if pk is not None))
    return RegisterState(
        boards=boards[:3],
        reviews=list(Review.objects.order_by("pk").values_list("pk", flat=True)),
        programmes=list(Programme.objects.order_by("pk").values_list("pk", flat=True)),
    )


def _url(name: str, *args, **query) -> str:
    url = reverse(name, args=args)
    return f"{url}?{urlencode(query)}" if query else url


def _optional(name: str, *args) -> list[str]:
    """The page named `name`, if the project has one yet."""
    try:
        return [reverse(name, args=args)]
    except NoReverseMatch:
        return []


def pages(state: RegisterState) -> list[str]:
    """Every page the test compares: the dashboards, the lists (some filtered), the gaps page, the pack."""
    urls = [
        _url("dashboard"),
        _url("dashboard", as_at=PAST_DAY),
        *(_url("board_dashboard", body=pk) for pk in state.boards),
        _url("gaps"),
        _url("committee_pack"),
        _url("audit_trail"),
        _url("outcomes"),
        _url("recommendations:recommendation_list"),
        _url("recommendations:recommendation_list", decision_status="proposed"),
        _url("recommendations:action_list"),
        _url("recommendations:action_list", overdue="on"),
        _url("recommendations:action_list", rag="red"),
        _url("recommendations:my_actions"),
        _url("reviews:review_list"),
        *(_url("reviews:review_detail", pk) for pk in state.reviews),
        _url("programmes:programme_list"),
        *(_url("programmes:programme_detail", pk) for pk in state.programmes),
        _url("programmes:decision_list"),
    ]
    # Pages that are landing: each is included once the project has it.
    for name in ("programme_overview", "programmes:programme_overview"):
        for url in _optional(name):
            urls += [url, f"{url}?{urlencode({'as_at': PAST_DAY})}"]
        for pk in state.programmes:
            urls += _optional(name, pk)
    # One programme's dashboards: a page that does not choose a programme yet ignores the parameter.
    urls += [_url("dashboard", programme=pk) for pk in state.programmes]
    urls += [_url("board_dashboard", body=state.boards[0], programme=pk) for pk in state.programmes[:1]]
    for extra in EXTRA_PAGES:
        urls += [extra] if isinstance(extra, str) else extra(state)
    return list(dict.fromkeys(urls))


# Per-request values: everything else on a page is a function of the register and the day.
PER_REQUEST = [
    (re.compile(r'(name="csrfmiddlewaretoken"\s+value=")[^"]*'), r"\1CSRF"),
    (re.compile(r'(value=")[^"]*("\s+name="csrfmiddlewaretoken")'), r"\1CSRF\2"),
    (re.compile(r'(nonce=")[^"]*'), r"\1NONCE"),
    (re.compile(r'("X-CSRFToken"\s*:\s*")[^"]*'), r"\1CSRF"),
    (re.compile(r'(name="csrf-token"\s+content=")[^"]*'), r"\1CSRF"),
    (re.compile(r'(content=")[^"]*("\s+name="csrf-token")'), r"\1CSRF\2"),
]


def normalised(html: str) -> str:
    for pattern, replacement in PER_REQUEST:
        html = pattern.sub(replacement, html)
    return html


# The process's memory


# Module-level containers a render is seen to change are taken as the process's memory, with its caches.
PROJECT_PACKAGES = ("bvgov", "programmes", "recommendations", "reviews", "demo")
STORE_TYPES = (dict, OrderedDict, list, set)


def _project_modules():
    for name, module in list(sys.modules.items()):
        if module is not None and name.split(".", 1)[0] in PROJECT_PACKAGES and not name.startswith("bvgov.settings"):
            yield name, module


def _module_stores() -> dict[tuple[str, str], object]:
    """Every mutable container held at module level in the project (most of them constants)."""
    found = {}
    for name, module in _project_modules():
        for attribute, value in list(vars(module).items()):
            if type(value) in STORE_TYPES and not attribute.startswith("__"):
                found[(name, attribute)] = value
    return found


def _fingerprint(value) -> tuple:
    """Enough of a container to see that a render changed it: its size and the first entries (by identity)."""
    if isinstance(value, dict):
        return (len(value), tuple((key, id(item)) for key, item in islice(value.items(), 50)))
    if isinstance(value, list):
        return (len(value), tuple(id(item) for item in value[:50]))
    return (len(value),)


def _memoised_functions() -> list:
    """functools.cache and lru_cache functions at module level in the project (cleared for a fresh process)."""
    found = []
    for _, module in _project_modules():
        for value in list(vars(module).values()):
            if callable(value) and hasattr(value, "cache_clear") and hasattr(value, "cache_info"):
                found.append(value)
    return found


class ProcessMemory:
    """What a web process remembers between requests: Django's caches held in its memory, the module-level stores
    that the project keeps rendered state in, and any other module-level container a render is seen to change."""

    def __init__(self):
        self.stores: set[tuple[str, str]] = set()
        self.found: set[tuple[str, str]] = set()

    def watch(self):
        """The state of every module-level container before a render, for `learn`."""
        return {key: (id(value), _fingerprint(value)) for key, value in _module_stores().items()}

    def learn(self, before):
        """Take every module-level container that changed since `before` as part of the process's memory."""
        now = self.watch()
        for key, state in now.items():
            if key in before and before[key] != state and key not in self.stores:
                self.stores.add(key)
                self.found.add(key)

    def _store_values(self):
        stores = _module_stores()
        return {key: stores[key] for key in self.stores if key in stores}

    def take(self) -> dict:
        """The process's memory, put aside (and left in place)."""
        taken = {"stores": {}, "caches": {}}
        for key, value in self._store_values().items():
            taken["stores"][key] = value.copy()
        for cache in caches.all(initialized_only=True):
            if isinstance(cache, LocMemCache):
                with cache._lock:
                    taken["caches"][id(cache._cache)] = (cache, cache._cache.copy(), dict(cache._expire_info))
        return taken

    def forget(self):
        """A fresh process: every cache and store empty."""
        for cache in caches.all(initialized_only=True):
            cache.clear()
        for value in self._store_values().values():
            value.clear()
        for function in _memoised_functions():
            function.cache_clear()

    def put_back(self, taken: dict):
        self.forget()
        for key, value in self._store_values().items():
            if key in taken["stores"]:
                kept = taken["stores"][key]
                if isinstance(value, dict):
                    value.update(kept)
                elif isinstance(value, list):
                    value.extend(kept)
                else:
                    value.update(kept)
        for cache, kept, expiry in taken["caches"].values():
            with cache._lock:
                cache._cache.update(kept)
                cache._expire_info.update(expiry)


# The cache


@pytest.fixture
def real_page_cache():
    """The test settings use the production cache backends; a cache that keeps nothing would make the test vacuous."""
    assert not isinstance(caches["pages"], DummyCache)


@pytest.fixture
def memory(real_page_cache):
    """The process's memory, empty at the start and forgotten at the end (the next test must not see this one's)."""
    memory = ProcessMemory()
    memory.forget()
    yield memory
    memory.forget()


# Rendering


@dataclasses.dataclass
class Render:
    url: str
    status: int
    html: str


class Pages:
    def __init__(self, client: Client, memory: ProcessMemory):
        self.client = client
        self.memory = memory
        self.seconds = 0.0
        self.renders = 0
        self.per_url: dict[str, float] = {}

    def render(self, urls: list[str]) -> dict[str, Render]:
        started = time.perf_counter()
        before = self.memory.watch()
        rendered = {}
        for url in urls:
            asked = time.perf_counter()
            response = self.client.get(url)
            self.per_url[url] = self.per_url.get(url, 0.0) + time.perf_counter() - asked
            content = b"".join(response.streaming_content) if response.streaming else response.content
            rendered[url] = Render(url, response.status_code, normalised(content.decode()))
        self.memory.learn(before)
        self.seconds += time.perf_counter() - started
        self.renders += len(urls)
        return rendered


def differences(step: str, long_lived: dict[str, Render], fresh: dict[str, Render]) -> list[str]:
    problems = []
    for url, kept in long_lived.items():
        new = fresh[url]
        if kept.status != 200 or new.status != 200:
            problems.append(f"{step}\n  {url}: long-lived {kept.status}, fresh {new.status}")
            continue
        if kept.html != new.html:
            diff = difflib.unified_diff(
                new.html.splitlines(), kept.html.splitlines(), "fresh", "long-lived", n=2, lineterm=""
            )
            lines = list(diff)
            shown = "\n".join(f"    {line.strip()[:160]}" for line in lines[:40])
            more = f"\n    ... {len(lines) - 40} more lines" if len(lines) > 40 else ""
            problems.append(f"{step}\n  {url} differs from a fresh render:\n{shown}{more}")
    return problems


# The admin's change form


class _FormFields(HTMLParser):
    """The fields of one form of a page, with the values a browser would post."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self.select: str | None = None
        self.textarea: str | None = None
        self.text = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "reset", "image", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.fields.append((name, attrs.get("value") or ("on" if kind == "checkbox" else "")))
        elif tag == "select" and name:
            self.select = name
        elif tag == "option" and self.select and "selected" in attrs:
            self.fields.append((self.select, attrs.get("value", "")))
        elif tag == "textarea" and name:
            self.textarea, self.text = name, ""

    def handle_data(self, data):
        if self.textarea:
            self.text += data

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea" and self.textarea:
            self.fields.append((self.textarea, self.text.removeprefix("\n")))
            self.textarea = None


def admin_change(client: Client, obj, **changes) -> None:
    """Change `obj` in the Django admin as a user would: open its change form, change some fields, save."""
    opts = obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    page = client.get(url)
    assert page.status_code == 200, f"{url}: {page.status_code}"
    parser = _FormFields(f"{opts.model_name}_form")
    parser.feed(page.content.decode())
    data: dict[str, list[str]] = {}
    for name, value in parser.fields:
        data.setdefault(name, []).append(value)
    assert data, f"{url}: no form {opts.model_name}_form"
    for name, value in changes.items():
        data[name] = [str(value)]
    data["_save"] = ["Save"]
    response = client.post(url, data)
    if response.status_code != 302:
        errors = re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', response.content.decode(), re.S)
        pytest.fail(f"The admin refused the change to {obj!r} ({changes}): {response.status_code} {errors}")


# The writes


class Refused(Exception):
    """A write that cannot be made on the register as it is now: another is chosen."""


class Writer:
    """The ordinary writes of the register, each made through a service or a page, as a user would."""

    def __init__(self, rng: random.Random, monkeypatch):
        users = get_user_model().objects
        self.rng = rng
        self.monkeypatch = monkeypatch
        self.manager = users.get(username=READER)
        self.admin = users.get(username=ADMIN)
        self.admin_client = Client()
        self.admin_client.force_login(self.admin)
        self.days_moved = datetime.timedelta(0)
        self.archived: list = []
        self.imported = 0
        self.notes: list[str] = []

    def today(self) -> datetime.date:
        return timezone.localdate()

    def _pick(self, queryset):
        objects = list(queryset.order_by("pk"))
        if not objects:
            raise Refused(f"nothing in {queryset.model.__name__}")
        return self.rng.choice(objects)

    def _open_actions(self):
        return Action.objects.exclude(status__in=[ActionStatus.COMPLETE, ActionStatus.CANCELLED])

    # 1. An action's status

    def status(self, to: str | None = None) -> str:
        candidates = [action for action in self._open_actions().order_by("pk") if to is None or action.can_move_to(to)]
        if not candidates:
            raise Refused("no action can move")
        action = self.rng.choice(candidates)
        status = to or self.rng.choice(sorted(s for s in ActionStatus.values if action.can_move_to(s)))
        services.action_update_status(
            action=action, actor=self.manager, status=status, reason=f"Differential test: now {status}"
        )
        return f"action {action.pk} ({action.status}) -> {status}"

    def status_complete(self) -> str:
        return self.status(ActionStatus.COMPLETE)

    def status_blocked(self) -> str:
        return self.status(ActionStatus.BLOCKED)

    # 2. An overdue action moved to a recommendation of another review, in the Django admin

    def move(self) -> str:
        overdue = self._open_actions().filter(due_date__lt=self.today(), recommendation__review__isnull=False)
        action = self._pick(overdue.select_related("recommendation"))
        targets = Recommendation.objects.filter(review__isnull=False).exclude(review=action.recommendation.review_id)
        target = self._pick(targets)
        admin_change(self.admin_client, action, recommendation=target.pk)
        assert Action.objects.get(pk=action.pk).recommendation_id == target.pk, "the admin did not move the action"
        return (
            f"action {action.pk} (overdue, of review {action.recommendation.review_id}) moved in the admin to "
            f"recommendation {target.pk} of review {target.review_id}"
        )

    def reschedule(self) -> str:
        """An action given a due date close to today, so that the change of day moves it: in the admin when it is no
        later than the original, else by a body's extension (the admin refuses that, as the edit form does)."""
        action = self._pick(self._open_actions().filter(due_date__isnull=False).select_related("recommendation"))
        due = self.today() + datetime.timedelta(days=self.rng.randint(-5, 60))
        original = action.original_due_date or action.due_date
        if due <= original:
            admin_change(self.admin_client, action, due_date=due.isoformat())
        elif due > action.due_date:
            review = action.recommendation.review
            rationale = "Waits on the Federation."
            self._decide(
                action,
                self._body(review),
                DecisionKind.APPROVE_EXTENSION,
                rationale=rationale,
                effect={"revised_target_date": due},
            )
        else:
            raise Refused(f"action {action.pk}: {due} is after its original date and before its current one")
        return f"action {action.pk} due {action.due_date} -> {due}"

    # 3. Archive and restore

    def archive(self) -> str:
        return self.rng.choice([self.archive_action, self.archive_recommendation])()

    def archive_action(self) -> str:
        return self._archive(Action)

    def archive_recommendation(self) -> str:
        return self._archive(Recommendation)

    def _archive(self, model) -> str:
        """Archive a live record. The service refuses many (anything decided, reported on or challenged): first one
        is asked for at random, and if it is refused, the register must be as it was; then one it allows."""
        noun = model._meta.model_name
        archive = services.action_archive if model is Action else services.recommendation_archive
        obj = self._pick(model.objects.all())
        blocked = services.archive_blockers(**{noun: obj})
        if blocked:
            head = chain_head()
            with pytest.raises(ValidationError):
                archive(**{noun: obj}, actor=self.manager, reason="Entered in error")
            assert chain_head() == head, f"a refused archive of {noun} {obj.pk} wrote to the register"
            assert model.objects.filter(pk=obj.pk).exists(), f"a refused archive took {noun} {obj.pk} away"
            self.notes.append(f"archive of {noun} {obj.pk} refused ({'; '.join(blocked)}), nothing written")
            allowed = [o for o in model.objects.order_by("pk") if not services.archive_blockers(**{noun: o})]
            if not allowed:
                raise Refused(f"no {noun} may be archived")
            obj = self.rng.choice(allowed)
        archive(**{noun: obj}, actor=self.manager, reason="Entered in error")
        self.archived.append(obj)
        return f"{noun} {obj.pk} archived"

    def restore(self) -> str:
        """Restore one of the records archived earlier. The service refuses an action whose recommendation has been
        archived since (it comes back with its recommendation): then nothing may change, and another is restored."""
        candidates = self.archived[:]
        self.rng.shuffle(candidates)
        for obj in candidates:
            self.archived.remove(obj)
            head = chain_head()
            why = "Archived by mistake"
            try:
                if isinstance(obj, Action):
                    services.action_restore(action=obj, actor=self.manager, reason=why)
                else:
                    services.recommendation_restore(recommendation=obj, actor=self.manager, reason=why)
            except ValidationError as refused:
                assert chain_head() == head, f"a refused restore of {obj!r} wrote to the register"
                self.notes.append(f"restore of {obj._meta.model_name} {obj.pk} refused ({refused.messages[0]})")
                continue
            return f"{obj._meta.model_name} {obj.pk} restored"
        raise Refused("nothing archived that may be restored")

    # 4. Decisions

    def decision(self) -> str:
        choices = [self.accept, self.extend, self.approve_review]
        self.rng.shuffle(choices)
        for choice in choices:
            try:
                return choice()
            except Refused:
                continue
        raise Refused("no decision can be recorded")

    def _decide(self, subject, body, kind, **extra) -> None:
        decision_record(
            subject=subject,
            actor=self.manager,
            body=body,
            meeting=None,
            decided_on=self.today() - datetime.timedelta(days=1),
            kind=kind,
            outcome=DecisionOutcome.APPROVED,
            minute_reference=f"DT {self.rng.randint(1, 99)}",
            rationale=extra.pop("rationale", ""),
            reason="",
            **extra,
        )

    def _body(self, review) -> Body:
        body = review.implementation_board or review.project_board if review else None
        return body or Body.objects.order_by("pk").first()

    def accept(self) -> str:
        recommendation = self._pick(
            Recommendation.objects.filter(decision_status=DecisionStatus.PROPOSED).select_related("review")
        )
        self._decide(recommendation, self._body(recommendation.review), DecisionKind.ACCEPT_RECOMMENDATION)
        return f"recommendation {recommendation.pk} accepted"

    def extend(self) -> str:
        recommendation = self._pick(
            Recommendation.objects.filter(
                decision_status=DecisionStatus.ACCEPTED, target_ongoing=False, original_target_date__isnull=False
            ).select_related("review")
        )
        revised = self.today() + datetime.timedelta(days=self.rng.randint(10, 70))
        self._decide(
            recommendation,
            self._body(recommendation.review),
            DecisionKind.APPROVE_EXTENSION,
            rationale="Waiting on the new command structure.",
            effect={"revised_target_date": revised},
        )
        return f"recommendation {recommendation.pk} extended to {revised}"

    def approve_review(self) -> str:
        """The management board's approval of a review's final report (refused unless the review is at that step)."""
        review = self._pick(Review.objects.all())
        board = self._pick(Body.objects.filter(kind="management_board"))
        try:
            self._decide(review, board, DecisionKind.APPROVE_FINAL_REPORT)
        except ValidationError as refused:
            raise Refused(f"review {review.pk} cannot be approved now: {refused.messages[0]}") from None
        return f"review {review.pk} final report approved by {board}"

    # 5. Renames

    def rename(self) -> str:
        return self.rng.choice([self.rename_review, self.rename_person, self.rename_source])()

    def rename_review(self) -> str:
        return self._rename(Review, "title")

    def rename_person(self) -> str:
        """One of the people who own actions, whose name the lists and dashboards show."""
        owners = Person.objects.filter(pk__in=Action.objects.values("owner"))
        return self._rename(Person, "name", owners)

    def rename_source(self) -> str:
        return self._rename(Source, "title")

    def _rename(self, model, field: str, queryset=None) -> str:
        obj = self._pick(model.objects.all() if queryset is None else queryset)
        old = getattr(obj, field)
        limit = model._meta.get_field(field).max_length - len(" (renamed)")
        new = old.removesuffix(" (renamed)") if old.endswith(" (renamed)") else f"{old[:limit]} (renamed)"
        setattr(obj, field, new)
        save_with_history(obj, actor=self.manager, reason="Renamed")
        return f"{model._meta.model_name} {obj.pk} {field} {old!r} -> {new!r}"

    # 6. An import

    def import_(self) -> str:
        source = self._pick(Source.objects.all())
        names = list(Person.objects.values_list("name", flat=True))
        unique = sorted(name for name in set(names) if names.count(name) == 1)
        self.imported += 1
        rows = []
        for n in range(self.rng.randint(2, 3)):
            target = self.today() + datetime.timedelta(days=self.rng.randint(-20, 80))
            rows.append(
                [
                    f"DT{self.imported}.{n + 1}",
                    f"Imported recommendation {self.imported}.{n + 1}: report progress to the committee.",
                    self.rng.choice(["Demand", "Finance", ""]),
                    self.rng.choice(unique),
                    target.strftime("%d/%m/%Y"),
                ]
            )
        data = io.StringIO()
        csv.writer(data).writerows([["number", "text", "theme", "owner", "target date"], *rows])
        name = f"differential-{self.imported}.csv"
        table = imports.read_table(name, data.getvalue().encode())
        preview = imports.check_rows(source=source, table=table)
        assert preview.is_valid, [row.problems for row in preview.rows]
        created = imports.import_recommendations(source=source, table=table, actor=self.manager, filename=name)
        return f"{len(created)} recommendations imported into source {source.pk}"

    # 7. A change of day

    def day(self) -> str:
        self.days_moved += DAY_STEP
        moved = self.days_moved

        def localdate(value=None, timezone=None):
            day = REAL_LOCALDATE(value, timezone)
            return day + moved if value is None else day

        self.monkeypatch.setattr("django.utils.timezone.localdate", localdate)
        return f"today is now {timezone.localdate()} ({self.days_moved.days} days on)"

    def write(self, kind: str) -> str:
        return getattr(self, kind)()


def chain_head() -> int:
    return AuditEntry.objects.order_by("-sequence").values_list("sequence", flat=True).first() or 0


def plan(rng: random.Random) -> list[str]:
    """STEPS writes, each kind at least once, a restore only after an archive."""
    kinds = EVERY_WRITE + [rng.choice(WRITES) for _ in range(STEPS - len(EVERY_WRITE))]
    rng.shuffle(kinds)
    first_archive = min(kinds.index(kind) for kind in ("archive_action", "archive_recommendation"))
    first_restore = kinds.index("restore")
    if first_restore < first_archive:
        kinds[first_archive], kinds[first_restore] = kinds[first_restore], kinds[first_archive]
    return kinds


# The test


def test_a_long_lived_process_serves_what_a_fresh_one_renders_after_every_write(memory, monkeypatch):
    started = time.perf_counter()
    call_command("load_demo", "--force", stdout=io.StringIO())
    memory.forget()
    rng = random.Random(SEED)
    writer = Writer(rng, monkeypatch)
    reader = Client()
    reader.force_login(get_user_model().objects.get(username=READER))
    browser = Pages(reader, memory)

    urls = pages(register_state())
    first = browser.render(urls)  # the long-lived process's first reads
    refused = {url: page.status for url, page in first.items() if page.status != 200}
    assert not refused, f"pages that do not answer 200: {refused}"
    start_dashboard = first[_url("dashboard")].html
    cached = sum(len(cache._cache) for cache in caches.all(initialized_only=True) if isinstance(cache, LocMemCache))
    before = first
    keep_going = os.environ.get("DIFFERENTIAL_KEEP_GOING") == "1"
    problems: list[str] = []
    log: list[str] = []

    for number, kind in enumerate(plan(rng), start=1):
        # The write, made as if by another process: the long-lived one's memory is put aside meanwhile.
        long_lived = memory.take()
        memory.forget()
        head = chain_head()
        description = None
        for attempt in [kind, *rng.sample(WRITES, len(WRITES))]:
            try:
                description = f"{attempt}: {writer.write(attempt)}"
                break
            except Refused as refused:
                log.append(f"step {number}: {attempt} not possible ({refused}); another write instead")
        assert description is not None
        log += [f"step {number}: {note}" for note in writer.notes]
        writer.notes.clear()
        if not description.startswith("day"):
            assert chain_head() > head, f"step {number} ({description}) wrote nothing"
        memory.put_back(long_lived)
        step = f"step {number} of {STEPS}, {description}"

        urls = pages(register_state())
        served = browser.render(urls)  # the long-lived process, after the write
        long_lived = memory.take()
        memory.forget()
        fresh = browser.render(urls)  # a fresh process
        memory.put_back(long_lived)
        changed = [url for url in urls if url not in before or before[url].html != fresh[url].html]
        log.append(f"{step} ({len(changed)} of {len(urls)} pages changed)")
        before = fresh

        found = differences(step, served, fresh)
        if found and not keep_going:
            pytest.fail("\n\n".join(found[:3]) + f"\n\n({len(found)} pages differ)\n\nSteps so far:\n" + "\n".join(log))
        problems += found

    memory.forget()
    end_dashboard = browser.render([_url("dashboard")])[_url("dashboard")].html
    slowest = sorted(browser.per_url.items(), key=lambda item: -item[1])[:5]
    print(
        f"\n{STEPS} steps, {browser.renders} renders of {len(urls)} pages in {browser.seconds:.1f}s "
        f"({time.perf_counter() - started:.1f}s in all); {cached} cache entries after the first renders; "
        f"slowest: {', '.join(f'{url} {seconds:.1f}s' for url, seconds in slowest)}"
    )
    print(f"Stores found by watching renders: {sorted(memory.found) or 'none'}; kept: {sorted(memory.stores)}")
    print("\n".join(log))
    assert not problems, "\n\n".join(problems) + f"\n\n({len(problems)} pages differ)"
    assert end_dashboard != start_dashboard, "the committee dashboard did not change over all the writes"
