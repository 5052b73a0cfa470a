"""A large, realistic register for load and benchmark runs: twenty years of reviews, recommendations and actions,
each with its simple-history rows and their audit entries sealed onto the hash chain.

Saving two million rows one at a time through the ORM would take hours, so the register is written in bulk: the live
rows with `bulk_create`, their history rows and audit entries built in Python with the project's own functions
(`field_changes`, `entry_content`, `chain_hash`, the canonical values of core.audit), then inserted with COPY on
PostgreSQL (bulk_create elsewhere). History and audit tables refuse UPDATE and DELETE, so every row is written once,
with its final values: each record's timeline of versions is worked out first, its live row is the last version.

Everything is derived from the seed, so two runs with the same options write the same register.
"""

import csv
import datetime
import io
import json
import random
import time
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.utils import timezone

from bvgov import roles
from core.audit import _chain_head, chain_hash, entry_content, field_changes, sealed_fields
from core.models import AuditEntry
from programmes.choices import BodyKind, DecisionKind, DecisionOutcome, MembershipRole, Organisation
from programmes.models import Body, Decision, Meeting, Membership, Person, Programme
from recommendations.choices import ActionStatus, DecisionStatus, ImplementationStatus, Priority, Rag, SourceKind
from recommendations.models import Action, Comment, ProgressUpdate, Recommendation, Source
from reviews.choices import ReviewStage
from reviews.models import Review

FIRST_YEAR = 2006
BATCH = 5000
# The accounts a benchmark signs in as: (username, role group, superuser).
BENCH_ACCOUNTS = (
    ("bench-admin", roles.ADMINISTRATOR, True),
    ("bench-member", roles.MEMBER, False),
    ("bench-manager", roles.PROGRAMME_MANAGER, False),
    ("bench-owner", roles.ACTION_OWNER, False),
    ("bench-inspector", roles.INSPECTOR, False),
)
# The tables whose rows make a register non-empty.
REGISTER_MODELS = (Review, Recommendation, Action)

FIRST_NAMES = "Amina Ben Carys Deepak Eleanor Femi Grace Hamid Isla Jonah Kiran Leah Marcus Nadia Owen Priya Quentin "
FIRST_NAMES += "Rosa Sanjay Tess Uma Victor Wendy Xavier Yusuf Zara"
LAST_NAMES = "Adeyemi Brennan Chowdhury Doyle Evans Fischer Gill Hughes Iqbal Jones Khan Lewis Mensah Novak "
LAST_NAMES += "O'Connor Patel Quinn Rahman Singh Taylor Usman Walsh Young Zielinski"
TITLES = (
    "Commander",
    "Chief Superintendent",
    "Superintendent",
    "Chief Inspector",
    "Director of Resources",
    "Head of Performance",
    "Programme Officer",
    "Authority Member",
    "Best Value Officer",
)
SERVICES = (
    "Custody",
    "Call handling",
    "Managing demand",
    "Consultation",
    "Criminal justice",
    "Fleet",
    "Estates",
    "Training",
    "Community safety",
    "Human resources",
    "Information technology",
    "Procurement",
    "Forensic services",
    "Traffic policing",
    "Youth engagement",
    "Victim care",
    "Property services",
    "Finance",
    "Intelligence",
    "Neighbourhood policing",
)
VERBS = (
    "Introduce",
    "Review",
    "Extend",
    "Publish",
    "Agree",
    "Pilot",
    "Train staff in",
    "Procure",
    "Evaluate",
    "Set up",
)
OBJECTS = (
    "a single performance framework",
    "a demand management strategy",
    "the consultation protocol",
    "an implementation plan with costs",
    "a shared call-handling service",
    "monthly reporting to the board",
    "a risk register for the programme",
    "borough-level targets",
    "a customer satisfaction survey",
    "the estates strategy",
)
ACTION_REASONS = (
    "Reported at the implementation board",
    "Owner's monthly update",
    "Milestone reached",
    "Waiting on funding",
    "Work restarted after review",
    "Dependency on IT delivery",
    "Date agreed with the project director",
)


@dataclass
class Sizes:
    reviews: int = 2000
    recommendations: int = 20000
    actions: int = 100000
    history_per_action: int = 10
    long_history: int = 1000
    people: int = 600
    users: int = 60
    seed: int = 2003


@dataclass
class Timeline:
    """A record's versions, oldest first: each is (when, user id, reason, the record's field values then)."""

    versions: list = field(default_factory=list)

    def add(self, when, user_id, reason, values) -> "Timeline":
        self.versions.append((when, user_id, reason, dict(values)))
        return self

    @property
    def final(self) -> dict:
        return self.versions[-1][3]


def at_work(day: datetime.date, minutes: int = 0) -> datetime.datetime:
    """09:00 UTC on the day, `minutes` later: changes are spread over the working day, not stacked on one instant."""
    moment = datetime.datetime.combine(day, datetime.time(9)) + datetime.timedelta(minutes=minutes)
    return timezone.make_aware(moment, datetime.UTC)


def register_is_empty() -> bool:
    return not any(model._base_manager.exists() for model in REGISTER_MODELS)  # archived records count too


class Sink:
    """Writes history rows and audit entries: COPY on PostgreSQL, bulk_create elsewhere. History ids are taken
    before the rows are written, because each row's id is part of what its audit entry seals."""

    def __init__(self):
        self.postgres = connection.vendor == "postgresql"
        self.next_id: dict = {}

    def history_ids(self, history_model, count: int) -> list[int]:
        table = history_model._meta.db_table
        if self.postgres:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'history_id')) FROM generate_series(1, %s)",
                    [table, count],
                )
                return [row[0] for row in cursor.fetchall()]
        if table not in self.next_id:
            top = history_model.objects.aggregate(top=models.Max("history_id"))["top"] or 0
            self.next_id[table] = top + 1
        start = self.next_id[table]
        self.next_id[table] += count
        return list(range(start, start + count))

    def write(self, model, rows: list) -> None:
        if not rows:
            return
        if not self.postgres:
            model.objects.bulk_create(rows, batch_size=500)
            return
        fields = [f for f in model._meta.concrete_fields if not (model is AuditEntry and f.primary_key)]
        buffer = io.StringIO()
        writer = csv.writer(buffer, quoting=csv.QUOTE_NOTNULL)
        for row in rows:
            writer.writerow([_copy_value(f, getattr(row, f.attname)) for f in fields])
        buffer.seek(0)
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        with connection.cursor() as cursor:
            cursor.copy_expert(
                f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN WITH (FORMAT csv)",
                buffer,
            )


def _copy_value(model_field, value):
    if value is None:
        return None
    if isinstance(model_field, models.JSONField):
        return json.dumps(value, cls=model_field.encoder)
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    return value


class Chain:
    """Appends history rows of one model at a time, sealing each audit entry onto the end of the chain."""

    def __init__(self, sink: Sink):
        self.sink = sink
        self.sequence, self.previous_hash = _chain_head(connection.alias)
        self.counts: dict[str, int] = {}

    def record(self, model, items: list[tuple]) -> None:
        """`items`: (live instance, Timeline) pairs of saved instances of `model`."""
        history_model = model.history.model
        content_type = ContentType.objects.get_for_model(model)
        total = sum(len(timeline.versions) for _, timeline in items)
        ids = iter(self.sink.history_ids(history_model, total))
        # A field a version does not name has its default then (a review's report date before it reported).
        tracked = {f.name: f.get_default() for f in history_model.tracked_fields if not f.primary_key}
        hashed = sealed_fields(history_model)
        now = timezone.now()
        records, entries = [], []
        for instance, timeline in items:
            previous = None
            repr_ = str(instance)[:300]
            review_id = getattr(instance, "audit_review_id", None)
            for number, (when, user_id, reason, values) in enumerate(timeline.versions):
                when = min(when, now)
                kwargs = {name: values.get(name, default) for name, default in tracked.items()}
                record = history_model(
                    **kwargs,
                    **{model._meta.pk.attname: instance.pk},
                    history_id=next(ids),
                    history_date=when,
                    history_type="+" if number == 0 else "~",
                    history_user_id=user_id,
                    history_change_reason=reason,
                )
                self.sequence += 1
                entry = AuditEntry(
                    sequence=self.sequence,
                    previous_hash=self.previous_hash,
                    hashed_fields=hashed,
                    history_date=when,
                    content_type=content_type,
                    object_id=instance.pk,
                    object_repr=repr_,
                    history_id=record.history_id,
                    history_type=record.history_type,
                    user_id=user_id,
                    reason=reason,
                    changes=field_changes(record, previous),
                    review_id=review_id,
                )
                entry.entry_hash = self.previous_hash = chain_hash(self.previous_hash, entry_content(entry, record))
                records.append(record)
                entries.append(entry)
                previous = record
        self.sink.write(history_model, records)
        self.sink.write(AuditEntry, entries)
        self.counts[model.__name__] = self.counts.get(model.__name__, 0) + len(records)


class Generator:
    """One run: the register, top down, each record with its timeline of versions (see the module docstring)."""

    def __init__(self, sizes: Sizes, *, password: str | None = None):
        self.sizes = sizes
        self.password = password
        self.rng = random.Random(sizes.seed)
        self.today = timezone.localdate()
        self.chain = Chain(Sink())
        self.live_counts: dict[str, int] = {}

    # Helpers.

    def day(self, start: datetime.date, end: datetime.date) -> datetime.date:
        if end <= start:
            return start
        return start + datetime.timedelta(days=self.rng.randrange((end - start).days + 1))

    def save(self, model, timelines: list[Timeline]) -> list:
        """Create the live rows (each its timeline's last version) and their history, in batches."""
        saved = []
        # The live row keeps the moment its timeline gives (a challenge asked in 2009), not the moment of the insert.
        stamped = [f for f in model._meta.concrete_fields if getattr(f, "auto_now_add", False)]
        for stamp in stamped:
            stamp.auto_now_add = False
        try:
            for start in range(0, len(timelines), BATCH):
                batch = timelines[start : start + BATCH]
                instances = model.objects.bulk_create([model(**timeline.final) for timeline in batch])
                self.chain.record(model, list(zip(instances, batch, strict=True)))
                saved.extend(instances)
        finally:
            for stamp in stamped:
                stamp.auto_now_add = True
        self.live_counts[model.__name__] = self.live_counts.get(model.__name__, 0) + len(saved)
        return saved

    def user_id(self) -> int:
        return self.rng.choice(self.staff).pk

    # The register, top down.

    def run(self) -> dict:
        started = time.monotonic()
        with transaction.atomic():
            self.make_users()
            self.make_people()
            self.make_bodies()
            self.make_programmes()
            self.make_reviews()
            self.make_recommendations()
            self.make_actions()
            self.make_updates_and_comments()
            self.make_decisions()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # VACUUM too: it marks the pages all-visible, so counts can be answered from indexes alone. (Not
                # possible inside a transaction, as in a test: ANALYZE alone then.)
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        return {
            "seconds": round(time.monotonic() - started, 1),
            "live": dict(self.live_counts),
            "history": dict(self.chain.counts),
            "history_total": sum(self.chain.counts.values()),
            "long_history_action": self.long_history_action.pk,
            "long_history_versions": self.long_history_versions,
        }

    def make_users(self) -> None:
        user_model = get_user_model()
        groups = {group.name: group for group in Group.objects.all()}
        when = at_work(datetime.date(FIRST_YEAR, 1, 2))
        self.accounts = {}
        timelines, specs = [], list(BENCH_ACCOUNTS)
        # Only the benchmark's accounts can sign in, and only when a password is given; the officers never can.
        bench_password = make_password(self.password) if self.password else "!"
        for number in range(self.sizes.users):
            specs.append(
                (f"officer{number:04d}", roles.PROGRAMME_MANAGER if number % 4 == 0 else roles.ACTION_OWNER, 0)
            )
        for username, _group, superuser in specs:
            first, last = self.rng.choice(FIRST_NAMES.split()), self.rng.choice(LAST_NAMES.split())
            timelines.append(
                Timeline().add(
                    when,
                    None,
                    "Account created by generate_register",
                    {
                        "username": username,
                        "first_name": first,
                        "last_name": last,
                        "email": f"{username}@example.org",
                        "is_staff": bool(superuser),
                        "is_superuser": bool(superuser),
                        "is_active": True,
                        "date_joined": when,
                        "password": bench_password if username.startswith("bench-") else "!",
                    },
                )
            )
        users = self.save(user_model, timelines)
        memberships = []
        for user, (username, group, _superuser) in zip(users, specs, strict=True):
            memberships.append(user_model.groups.through(user_id=user.pk, group_id=groups[group].pk))
            self.accounts[username] = user
        user_model.groups.through.objects.bulk_create(memberships)
        self.staff = [user for user, spec in zip(users, specs, strict=True) if spec[1] == roles.PROGRAMME_MANAGER]

    def make_people(self) -> None:
        when = at_work(datetime.date(FIRST_YEAR, 1, 3))
        timelines = []
        linked = list(self.accounts.values())
        for number in range(self.sizes.people):
            user = linked[number] if number < len(linked) else None
            name = user.get_full_name() if user else None
            name = name or f"{self.rng.choice(FIRST_NAMES.split())} {self.rng.choice(LAST_NAMES.split())}"
            timelines.append(
                Timeline().add(
                    when,
                    self.user_id(),
                    "Person recorded by generate_register",
                    {
                        "name": name,
                        "job_title": f"{self.rng.choice(TITLES)} ({number})",
                        "organisation": Organisation.AUTHORITY if number % 5 == 0 else Organisation.POLICE_SERVICE,
                        "email": f"person{number}@example.org",
                        "user": user,
                    },
                )
            )
        self.people = self.save(Person, timelines)
        self.owner_person = self.people[list(self.accounts).index("bench-owner")]

    def make_bodies(self) -> None:
        when = at_work(datetime.date(FIRST_YEAR, 1, 4))
        specs = [
            ("The Police Authority", BodyKind.AUTHORITY),
            ("Performance Review Committee", BodyKind.COMMITTEE),
            ("Management Board", BodyKind.MANAGEMENT_BOARD),
            ("Best Value Programme Board", BodyKind.PROGRAMME_BOARD),
        ]
        specs += [(f"Project Board {n + 1}", BodyKind.PROJECT_BOARD) for n in range(max(self.sizes.reviews // 10, 2))]
        specs += [(f"Implementation Board {n + 1}", BodyKind.IMPLEMENTATION_BOARD) for n in range(20)]
        specs += [(f"Challenge Panel {n + 1}", BodyKind.CHALLENGE_PANEL) for n in range(10)]
        timelines = [
            Timeline().add(
                when,
                self.user_id(),
                "Body recorded by generate_register",
                {"name": name, "kind": kind, "established_on": when.date()},
            )
            for name, kind in specs
        ]
        bodies = self.save(Body, timelines)
        self.authority, self.committee, self.management_board, self.programme_board = bodies[:4]
        self.project_boards = [b for b in bodies if b.kind == BodyKind.PROJECT_BOARD]
        self.implementation_boards = [b for b in bodies if b.kind == BodyKind.IMPLEMENTATION_BOARD]
        self.challenge_panels = [b for b in bodies if b.kind == BodyKind.CHALLENGE_PANEL]
        chairs = [
            Timeline().add(
                when,
                self.user_id(),
                "Chair appointed",
                {"person": self.rng.choice(self.people), "body": body, "role": MembershipRole.CHAIR},
            )
            for body in bodies
        ]
        self.save(Membership, chairs)

    def make_programmes(self) -> None:
        timelines = []
        for year in range(FIRST_YEAR, self.today.year):
            start = datetime.date(year, 4, 1)
            timelines.append(
                Timeline().add(
                    at_work(start - datetime.timedelta(days=30)),
                    self.user_id(),
                    "Programme agreed",
                    {
                        "name": f"Best Value Programme {year}/{str(year + 1)[2:]}",
                        "reference": f"bvp-{year}",
                        "start_date": start,
                        "end_date": datetime.date(year + 1, 3, 31),
                        "executive_body": self.committee,
                        "programme_board": self.programme_board,
                        "director": self.rng.choice(self.people),
                        "manager": self.rng.choice(self.people),
                        "budget": Decimal(self.rng.randrange(200, 2000) * 1000),
                    },
                )
            )
        self.programmes = self.save(Programme, timelines)

    def make_reviews(self) -> None:
        stages = [s for s in ReviewStage if s != ReviewStage.WITHDRAWN]
        timelines = []
        for number in range(self.sizes.reviews):
            programme = self.programmes[number % len(self.programmes)]
            start = self.day(programme.start_date, programme.start_date + datetime.timedelta(days=180))
            age_years = (self.today - start).days / 365
            # Old reviews have run their course; the newest are still being scoped or reviewed.
            reached = len(stages) - 1 if age_years > 4 else min(len(stages) - 1, int(age_years * 2) + 1)
            if self.rng.random() < 0.05:
                reached = self.rng.randrange(len(stages))
            service = SERVICES[number % len(SERVICES)]
            timeline = Timeline()
            values = {
                "programme": programme,
                "reference": f"bvr-{programme.start_date.year}-{number:05d}",
                "title": f"{service} review {programme.start_date.year} #{number}",
                "scope": f"Best value review of {service.lower()}: challenge, compare, consult, compete.",
                "stage": stages[0],
                "project_board": self.project_boards[number % len(self.project_boards)],
                "implementation_board": self.implementation_boards[number % len(self.implementation_boards)],
                "challenge_panel": self.challenge_panels[number % len(self.challenge_panels)],
                "project_director": self.rng.choice(self.people),
                "team_leader": self.rng.choice(self.people),
                "nominated_member": self.rng.choice(self.people),
                "planned_start": start,
                "planned_end": start + datetime.timedelta(days=270),
                "budget": Decimal(self.rng.randrange(20, 300) * 1000),
            }
            when = start - datetime.timedelta(days=60)
            timeline.add(at_work(when), self.user_id(), "Review proposed", values)
            for stage in stages[1 : reached + 1]:
                when = min(when + datetime.timedelta(days=self.rng.randrange(20, 120)), self.today)
                values = dict(values, stage=stage)
                if stage == ReviewStage.REPORTED:
                    values.update(
                        actual_start=start,
                        actual_end=when,
                        final_report_title=f"Final report: {values['title']}",
                        final_report_date=when,
                    )
                timeline.add(at_work(when, number % 400), self.user_id(), f"Stage moved to {stage.label}", values)
            timelines.append(timeline)
        self.reviews = self.save(Review, timelines)
        self.report_dates = {
            review.pk: review.final_report_date or review.planned_end or self.today for review in self.reviews
        }
        sources = [
            Timeline().add(
                at_work(self.report_dates[review.pk]),
                self.user_id(),
                "Report recorded",
                {
                    "kind": SourceKind.REVIEW_REPORT,
                    "title": f"Final report of {review.title}",
                    "published_on": self.report_dates[review.pk],
                    "programme": review.programme,
                    "review": review,
                },
            )
            for review in self.reviews
        ]
        self.sources = self.save(Source, sources)

    def make_recommendations(self) -> None:
        per_review = max(self.sizes.recommendations // max(len(self.reviews), 1), 1)
        timelines = []
        for number in range(self.sizes.recommendations):
            source = self.sources[(number // per_review) % len(self.sources)]
            review = source.review
            reported = self.report_dates[review.pk]
            target = reported + datetime.timedelta(days=self.rng.randrange(90, 900))
            values = {
                "source": source,
                "review": review,
                "number": str(number // len(self.sources) * per_review + number % per_review + 1),
                "text": f"{self.rng.choice(VERBS)} {self.rng.choice(OBJECTS)} for {review.title.lower()}.",
                "theme": SERVICES[number % len(SERVICES)],
                "priority": self.rng.choice([Priority.HIGH, Priority.LOW]),
                "owner": self.rng.choice(self.people) if self.rng.random() > 0.03 else None,
                "original_target_date": target if self.rng.random() > 0.03 else None,
                "funding_amount": Decimal(self.rng.randrange(0, 500) * 100) if self.rng.random() > 0.05 else None,
                "decision_status": DecisionStatus.PROPOSED,
                "implementation_status": ImplementationStatus.NOT_STARTED,
            }
            timeline = Timeline()
            when = at_work(reported, number % 600)
            timeline.add(when, self.user_id(), "Recorded from the final report", values)
            if review.stage in (ReviewStage.PROPOSED, ReviewStage.SELECTED, ReviewStage.SCOPING, ReviewStage.IN_REVIEW):
                timelines.append(timeline)
                continue
            decided = reported + datetime.timedelta(days=self.rng.randrange(14, 90))
            if decided < self.today:
                if self.rng.random() < 0.1:
                    values = dict(
                        values, decision_status=DecisionStatus.NOT_PURSUED, decision_rationale="Not affordable."
                    )
                else:
                    values = dict(values, decision_status=DecisionStatus.ACCEPTED)
                timeline.add(at_work(decided, number % 600), self.user_id(), "Decision recorded", values)
            if values["decision_status"] == DecisionStatus.ACCEPTED:
                started = decided + datetime.timedelta(days=self.rng.randrange(10, 120))
                if started < self.today:
                    values = dict(values, implementation_status=ImplementationStatus.IN_PROGRESS)
                    timeline.add(at_work(started, number % 600), self.user_id(), "Implementation started", values)
                done = started + datetime.timedelta(days=self.rng.randrange(90, 1500))
                if done < self.today and self.rng.random() < 0.85:
                    values = dict(values, implementation_status=ImplementationStatus.IMPLEMENTED, implemented_on=done)
                    timeline.add(at_work(done, number % 600), self.user_id(), "Implemented", values)
            timelines.append(timeline)
        self.recommendations = self.save(Recommendation, timelines)

    def action_timeline(self, rec: Recommendation, number: int, versions: int) -> Timeline:
        reported = self.report_dates[rec.review_id]
        created = reported + datetime.timedelta(days=self.rng.randrange(20, 150))
        created = min(created, self.today)
        due = created + datetime.timedelta(days=self.rng.randrange(60, 720))
        owner = self.owner_person if number % 50 == 0 else self.rng.choice(self.people)
        values = {
            "recommendation": rec,
            "description": f"{self.rng.choice(VERBS)} {self.rng.choice(OBJECTS)} (action {number + 1})",
            "owner": owner if self.rng.random() > 0.02 else None,
            "due_date": due,
            "status": ActionStatus.NOT_STARTED,
            "completed_on": None,
            "rag_override": "",
            "rag_override_reason": "",
        }
        timeline = Timeline()
        timeline.add(at_work(created, number % 500), self.user_id(), "Action planned", values)
        # The versions are spread between the action's creation and either today or its completion.
        finished = (
            rec.implementation_status == ImplementationStatus.IMPLEMENTED
            or due < self.today - datetime.timedelta(days=400)
        )
        end = min(rec.implemented_on or self.today, self.today) if finished else self.today
        span = max((end - created).days, versions)
        steps = sorted(self.rng.sample(range(1, span + 1), min(versions - 1, span)))
        status = ActionStatus.NOT_STARTED
        for index, offset in enumerate(steps):
            day = min(created + datetime.timedelta(days=offset), self.today)
            last = index == len(steps) - 1
            changes = {}
            if last and finished and self.rng.random() < 0.97:
                changes = {
                    "status": ActionStatus.COMPLETE,
                    "completed_on": day,
                    "rag_override": "",
                    "rag_override_reason": "",
                }
            else:
                roll = self.rng.random()
                if roll < 0.55:
                    status = self.rng.choice([ActionStatus.IN_PROGRESS, ActionStatus.BLOCKED])
                    if status == values["status"]:
                        status = ActionStatus.IN_PROGRESS if status == ActionStatus.BLOCKED else ActionStatus.BLOCKED
                    changes = {"status": status, "completed_on": None}
                elif roll < 0.75:
                    changes = {"due_date": values["due_date"] + datetime.timedelta(days=self.rng.randrange(14, 120))}
                elif roll < 0.9:
                    rag = self.rng.choice([Rag.RED, Rag.AMBER, Rag.GREEN])
                    changes = {"rag_override": rag, "rag_override_reason": "Owner's judgement at the board"}
                else:
                    changes = {"rag_override": "", "rag_override_reason": "", "external_dependency": "C3i"}
                if values["status"] in (ActionStatus.COMPLETE, ActionStatus.CANCELLED) and "status" not in changes:
                    changes["status"] = ActionStatus.IN_PROGRESS
                    changes["completed_on"] = None
            changed = dict(values, **changes)
            if changed == values:  # every version records a change, as a save through the app would
                changed["due_date"] = values["due_date"] + datetime.timedelta(days=self.rng.randrange(7, 60))
            values = changed
            timeline.add(at_work(day, (number + index) % 600), self.user_id(), self.rng.choice(ACTION_REASONS), values)
        return timeline

    def make_actions(self) -> None:
        recs = [r for r in self.recommendations if r.decision_status != DecisionStatus.NOT_PURSUED]
        self.actions = []
        self.long_history_versions = 0
        timelines = []
        for number in range(self.sizes.actions):
            rec = recs[number % len(recs)]
            versions = self.sizes.history_per_action
            if number == 0:
                versions = max(self.sizes.long_history, versions)
            timelines.append(self.action_timeline(rec, number, versions))
            if len(timelines) == BATCH:
                self.actions.extend(self.save(Action, timelines))
                timelines = []
        self.actions.extend(self.save(Action, timelines))
        self.long_history_action = self.actions[0]
        self.long_history_versions = self.long_history_action.history.count()

    def make_updates_and_comments(self) -> None:
        updates, comments = [], []
        for number, action in enumerate(self.actions):
            history_day = self.today if action.status != ActionStatus.COMPLETE else action.completed_on
            day = min(self.day(action.due_date - datetime.timedelta(days=200), history_day), self.today)
            updates.append(
                Timeline().add(
                    at_work(day, number % 600),
                    self.user_id(),
                    "Progress reported",
                    {
                        "action": action,
                        "author": action.owner or self.owner_person,
                        "reported_on": day,
                        "note": f"Progress on {action.description[:60]}: on track with the board's plan.",
                        "reported_status": action.status,
                    },
                )
            )
            if len(updates) == BATCH:
                self.save(ProgressUpdate, updates)
                updates = []
        self.save(ProgressUpdate, updates)
        for number, rec in enumerate(self.recommendations):
            asked = at_work(self.report_dates[rec.review_id] + datetime.timedelta(days=30), number % 600)
            values = {
                "recommendation": rec,
                "author": self.rng.choice(self.staff),
                "addressed_to": rec.owner,
                "question": f"What is the evidence that {rec.text[:80].lower()} is on track?",
                "asked_at": asked,
            }
            timeline = Timeline()
            timeline.add(asked, self.user_id(), "Challenge put to the owner", values)
            answered = asked + datetime.timedelta(days=self.rng.randrange(3, 40))
            if answered.date() < self.today and self.rng.random() < 0.7:
                responder = self.rng.choice(self.staff)
                values = dict(values, answer="The board receives a monthly report.", answered_by=responder)
                values["answered_at"] = answered
                timeline.add(answered, responder.pk, "Challenge answered", values)
            comments.append(timeline)
        self.save(Comment, comments)

    def make_decisions(self) -> None:
        review_type = ContentType.objects.get_for_model(Review)
        meetings, keys = [], {}
        decisions = []
        steps = (
            (ReviewStage.SELECTED, self.committee, DecisionKind.SELECT_REVIEW),
            (ReviewStage.SCOPING, None, DecisionKind.APPROVE_TERMS_OF_REFERENCE),
            (ReviewStage.APPROVED_BY_MANAGEMENT_BOARD, self.management_board, DecisionKind.APPROVE_FINAL_REPORT),
            (ReviewStage.APPROVED_BY_AUTHORITY, self.authority, DecisionKind.APPROVE_FINAL_REPORT),
        )
        order = list(ReviewStage)
        for review, timeline in zip(self.reviews, self._review_stage_days(), strict=True):
            for stage, body, kind in steps:
                if order.index(review.stage) < order.index(stage) or stage not in timeline:
                    continue
                body = body or review.project_board
                day = timeline[stage]
                if (body.pk, day) not in keys:
                    keys[(body.pk, day)] = len(meetings)
                    meetings.append(
                        Timeline().add(
                            at_work(day - datetime.timedelta(days=7)),
                            self.user_id(),
                            "Meeting arranged",
                            {"body": body, "date": day, "title": f"{body.name}, {day:%d %B %Y}"},
                        )
                    )
                decisions.append((body, day, review, kind))
        saved_meetings = self.save(Meeting, meetings)
        self.save(
            Decision,
            [
                Timeline().add(
                    at_work(day, 30),
                    self.user_id(),
                    "Decision recorded from the minutes",
                    {
                        "body": body,
                        "meeting": saved_meetings[keys[(body.pk, day)]],
                        "decided_on": day,
                        "subject_type": review_type,
                        "subject_id": review.pk,
                        "kind": kind,
                        "outcome": DecisionOutcome.APPROVED,
                        "minute_reference": f"Minute {review.pk}/{day:%Y}",
                        "snapshot": {},
                        "snapshot_hash": "",
                    },
                )
                for body, day, review, kind in decisions
            ],
        )

    def _review_stage_days(self):
        """Each review's stages and the day its history says it reached them."""
        history = Review.history.model.objects.filter(id__in=[r.pk for r in self.reviews]).order_by("history_date")
        days: dict[int, dict] = {}
        for row in history.values("id", "stage", "history_date"):
            days.setdefault(row["id"], {}).setdefault(row["stage"], row["history_date"].date())
        return [days.get(review.pk, {}) for review in self.reviews]
