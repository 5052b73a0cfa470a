"""Writes the demo register from demo.data through save_with_history, as the demo administrator.

Each object is looked up by its natural key first. One that exists is found and left alone: saving it again would
add a history row dated in the past and rewrite the register as it stood. So a second run changes nothing, and an
object's later facts (a status the inspectors found, an executive role that passed) are written only when the object
is created, each as its own history row dated when the report records it.
"""

import calendar
import functools
from collections import Counter
from datetime import date, datetime, time

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from bvgov.roles import sync_roles
from core.history import save_with_history, set_m2m_with_history
from programmes.models import (
    Body,
    Decision,
    Indicator,
    Meeting,
    Membership,
    Person,
    Priority,
    Programme,
    Risk,
    StrategicOutcome,
)
from recommendations.choices import ImplementationStatus
from recommendations.models import Action, ProgressUpdate, Recommendation, Source
from reviews.models import Aim, Inspection, Review

from . import DEMO_PASSWORD, data

RECOMMENDATION_FIELDS = (
    "theme",
    "response",
    "source_note",
    "timescale",
    "decision_status",
    "implementation_status",
    "implemented_on",
    "funding_amount",
    "funding_source",
)
REVIEW_BODIES = ("project_board", "challenge_panel", "implementation_board")
REVIEW_PEOPLE = ("project_director", "team_leader", "nominated_member")
PROGRAMME_BODIES = ("executive_body", "programme_board")
PROGRAMME_PEOPLE = ("director", "manager")


def at(day: date) -> datetime:
    """Noon in London on a day: an aware moment clear of midnight and of the clock changes."""
    return timezone.make_aware(datetime.combine(day, time(12)))


def month_end(*, year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def timescale_target(timescale: str) -> dict:
    """The target a timescale sets: 'Ongoing' none, 'December 2003' that month's end, 'Complete' (already done) none."""
    if timescale == "Ongoing":
        return {"target_ongoing": True}
    try:
        month = datetime.strptime(timescale, "%B %Y")
    except ValueError:
        return {}
    return {"original_target_date": month_end(year=month.year, month=month.month)}


def loaded_from(cite: str) -> str:
    return f"Loaded from {cite}"


def pick(record: dict, *fields: str) -> dict:
    return {field: record[field] for field in fields if field in record}


class DemoLoader:
    """One run of the loader: the acting administrator, what it created and found, and the objects by data key."""

    def __init__(self):
        self.actor = None
        self.counts: dict[str, Counter] = {}
        self.users_by_person: dict[str, models.Model] = {}
        self.people: dict[str, Person] = {}
        self.bodies: dict[str, Body] = {}
        self.programmes: dict[str, Programme] = {}
        self.reviews: dict[str, Review] = {}
        self.inspections: dict[str, Inspection] = {}
        self.sources: dict[str, Source] = {}
        self.meetings: dict[str, Meeting] = {}
        self.numbered: dict[tuple[str, str], Recommendation] = {}

    def load(self) -> None:
        self.load_users()
        self.load_people()
        self.load_bodies()
        self.load_memberships()
        self.load_programmes()
        self.load_reviews()
        self.load_inspections()
        self.load_sources()
        self.load_meetings()
        self.load_decisions()

    # The bookkeeping every loader step shares.

    def tally(self, name: str, outcome: str) -> None:
        self.counts.setdefault(name, Counter())[outcome] += 1

    def find(self, model, **key):
        instance = model._default_manager.filter(**key).first()
        if instance is not None:
            self.tally(model.__name__, "found")
        return instance

    def create(self, instance, *, on: date | None, reason: str):
        self.save(instance, on=on, reason=reason)
        self.tally(type(instance).__name__, "created")
        return instance

    def ensure(self, model, *, key: dict, values: dict, on: date | None, reason: str):
        """The object with this natural key, created from `values` if it is not there yet; and whether it was."""
        instance = self.find(model, **key)
        if instance is not None:
            return instance, False
        return self.create(model(**key, **values), on=on, reason=reason), True

    def save(self, instance, *, on: date | None, reason: str) -> None:
        save_with_history(instance, actor=self.actor, reason=reason, when=at(on) if on else None)

    def apply_changes(self, instance, changes, *, resolve=dict) -> None:
        """Write an object's later facts, each as a history row of its own date."""
        for change in changes:
            for field, value in resolve(change["fields"]).items():
                setattr(instance, field, value)
            self.save(instance, on=change["on"], reason=change["reason"])

    def set_m2m(self, instance, field: str, values, *, on: date, reason: str) -> None:
        set_m2m_with_history(instance, field, values, actor=self.actor, reason=reason, when=at(on))

    def refs(self, record: dict, table: dict, fields) -> dict:
        """Resolve the data keys of `fields` in `record` to the objects they name; None stays None."""
        return {field: table[record[field]] if record[field] else None for field in fields if field in record}

    # Accounts.

    def load_users(self) -> None:
        admin_role, *roles = sorted(data.ROLES, key=lambda role: not role.get("superuser", False))
        self.actor = self.load_user(admin_role)
        for role in roles:
            self.load_user(role)

    def load_user(self, role: dict):
        group = self.load_group(role)
        user_model = get_user_model()
        user = self.find(user_model, username=role["username"])
        if user is None:
            superuser = role.get("superuser", False)
            user = user_model(
                username=role["username"],
                first_name="Demo",
                last_name=role["group"],
                # example.org is reserved for examples (RFC 2606): the demo's emails go nowhere real.
                email=f"{role['username']}@example.org",
                is_staff=superuser,
                is_superuser=superuser,
            )
            user.password = self.password_hash
            # The first account is the demo administrator, the loader's acting user, so it is its own author:
            # simple-history writes the row after the insert, when the account has the id the row names.
            self.actor = self.actor or user
            self.create(user, on=None, reason=f"Demo {role['group'].lower()} account created by load_demo")
            reason = f"Demo account given the {group.name} role by load_demo"
            set_m2m_with_history(user, "groups", [group], actor=self.actor, reason=reason)
        if role["person"]:
            self.users_by_person[role["person"]] = user
        return user

    def load_group(self, role: dict) -> Group:
        """The role's group; bvgov.roles creates the groups and their permissions after every migrate."""
        group = Group.objects.filter(name=role["group"]).first()
        if group is not None:
            self.tally("Group", "found")
            return group
        sync_roles()
        self.tally("Group", "created")
        return Group.objects.get(name=role["group"])

    @functools.cached_property
    def password_hash(self) -> str:
        """DEMO_PASSWORD hashed once for every account: hashing is slow by design and they share the password anyway."""
        return make_password(DEMO_PASSWORD)

    # Governance.

    def load_people(self) -> None:
        for key, record in data.PEOPLE.items():
            self.people[key], _ = self.ensure(
                Person,
                key=pick(record, "name", "job_title"),
                values={
                    "organisation": record["organisation"],
                    "user": self.users_by_person.get(key),
                    "email": f"{key.replace('_', '.')}@example.org",
                },
                on=record["on"],
                reason=loaded_from(record["cite"]),
            )
        # Line managers once everyone is loaded: a person may report to someone listed after them.
        for key, record in data.PEOPLE.items():
            person, manager = self.people[key], self.people.get(record.get("reports_to"))
            if manager is not None and person.reports_to_id is None:
                person.reports_to = manager
                self.save(person, on=record["on"], reason=loaded_from(record["cite"]))

    def load_bodies(self) -> None:
        for key, record in data.BODIES.items():
            self.bodies[key], _ = self.ensure(
                Body,
                key={"name": record["name"]},
                values={
                    **pick(record, "short_name", "kind", "terms_of_reference"),
                    **self.refs(record, self.bodies, ("reports_to",)),
                },
                on=record["on"],
                reason=loaded_from(record["cite"]),
            )

    def load_memberships(self) -> None:
        for record in data.MEMBERSHIPS:
            self.ensure(
                Membership,
                key={
                    "person": self.people[record["person"]],
                    "body": self.bodies[record["body"]],
                    "role": record["role"],
                    "start_date": record.get("start_date"),
                },
                values=pick(record, "end_date", "notes"),
                on=record["on"],
                reason=loaded_from(record["cite"]),
            )

    def programme_values(self, record: dict) -> dict:
        return {**self.refs(record, self.bodies, PROGRAMME_BODIES), **self.refs(record, self.people, PROGRAMME_PEOPLE)}

    def load_programmes(self) -> None:
        for reference, record in data.PROGRAMMES.items():
            programme, created = self.ensure(
                Programme,
                key={"reference": reference},
                values={
                    **pick(record, "name", "description", "start_date", "end_date"),
                    **self.programme_values(record),
                },
                on=record["on"],
                reason=loaded_from(record["cite"]),
            )
            self.programmes[reference] = programme
            if created:
                self.apply_changes(programme, record.get("changes", ()), resolve=self.programme_values)
            self.load_strategy(programme=programme, record=record)
        self.load_indicators()
        self.load_risks()

    def load_strategy(self, *, programme: Programme, record: dict) -> None:
        """The programme's priorities and strategic outcomes, numbered in the report's order."""
        for model, titles in ((Priority, data.PRIORITIES), (StrategicOutcome, data.OUTCOMES)):
            for number, title in enumerate(titles.get(programme.reference, ()), start=1):
                self.ensure(
                    model,
                    key={"programme": programme, "number": number},
                    values={"title": title},
                    on=record["on"],
                    reason=loaded_from(record["cite"]),
                )

    def outcomes(self, programme: Programme, numbers) -> list[StrategicOutcome]:
        return list(programme.outcomes.filter(number__in=numbers))

    def load_indicators(self) -> None:
        for record in data.INDICATORS:
            programme = self.programmes[record["programme"]]
            indicator, created = self.ensure(
                Indicator,
                key={"code": record["code"]},
                values={"programme": programme, **pick(record, "name", "unit", "direction", "description")},
                on=record["on"],
                reason=loaded_from(record["cite"]),
            )
            if created and record["outcomes"]:
                self.set_m2m(
                    indicator,
                    "outcomes",
                    self.outcomes(programme, record["outcomes"]),
                    on=record["on"],
                    reason=loaded_from(record["cite"]),
                )

    def load_risks(self) -> None:
        for record in data.RISKS:
            self.ensure(
                Risk,
                key={"programme": self.programmes[record["programme"]], "reference": record["reference"]},
                values={
                    **pick(record, "title", "description", "likelihood", "impact", "mitigation"),
                    **self.refs(record, self.people, ("owner",)),
                    "raised_on": data.RISKS_ON,
                },
                on=data.RISKS_ON,
                reason=loaded_from(data.RISKS_CITE),
            )

    # Reviews and inspections.

    def load_reviews(self) -> None:
        for reference, record in data.REVIEWS.items():
            review, created = self.ensure(
                Review,
                key={"reference": reference},
                values={
                    "programme": self.programmes[record["programme"]],
                    **self.refs(record, self.bodies, REVIEW_BODIES),
                    **self.refs(record, self.people, REVIEW_PEOPLE),
                    **pick(
                        record,
                        "title",
                        "kind",
                        "stage",
                        "scope",
                        "actual_start",
                        "challenge_evidence",
                        "compare_evidence",
                        "consult_evidence",
                        "compete_evidence",
                        "final_report_title",
                        "final_report_date",
                        "final_report_reference",
                        "final_report_summary",
                        "notes",
                    ),
                },
                on=record["on"],
                reason=loaded_from(record["cite"]),
            )
            self.reviews[reference] = review
            if created:
                # The reports record where each review got to, not every approval on the way: the stages are
                # loaded as the reports state them, and the decision chain then shows the steps with no record.
                review._stage_as_reported = True
                self.apply_changes(review, record["changes"])
        self.load_aims()

    def load_aims(self) -> None:
        for reference, record in data.AIMS.items():
            for number, text in enumerate(record["texts"], start=1):
                self.ensure(
                    Aim,
                    key={"review": self.reviews[reference], "number": number},
                    values={"text": text},
                    on=record["on"],
                    reason=loaded_from(record["cite"]),
                )

    def load_inspections(self) -> None:
        for key, record in data.INSPECTIONS.items():
            self.inspections[key], _ = self.ensure(
                Inspection,
                key={"title": record["title"]},
                values={
                    **self.refs(record, self.programmes, ("programme",)),
                    **self.refs(record, self.reviews, ("review",)),
                    **pick(
                        record,
                        "inspectorate",
                        "reference",
                        "subject",
                        "fieldwork_start",
                        "fieldwork_end",
                        "published_on",
                        "service_judgement",
                        "prospects_judgement",
                        "audit_opinion",
                        "summary",
                        "strengths",
                        "areas_for_development",
                        "good_practice",
                    ),
                },
                on=record["on"],
                reason=loaded_from(record["cite"]),
            )

    # Recommendations and their actions.

    def load_sources(self) -> None:
        for key, record in data.SOURCES.items():
            source, _ = self.ensure(
                Source,
                key={"title": record["title"]},
                values={
                    "programme": self.programmes[record["programme"]],
                    **self.refs(record, self.reviews, ("review",)),
                    **self.refs(record, self.inspections, ("inspection",)),
                    **self.refs(record, self.people, ("verifier",)),
                    **pick(record, "kind", "reference", "published_on"),
                },
                on=record["on"],
                reason=loaded_from(record["cite"]),
            )
            self.sources[key] = source
            for recommendation in record["recommendations"]:
                self.load_recommendation(source_key=key, source=source, source_record=record, record=recommendation)

    def load_recommendation(self, *, source_key: str, source: Source, source_record: dict, record: dict) -> None:
        merged = {**source_record["defaults"], **record}
        reason = source_record.get("reason") or loaded_from(source_record["cite"])
        on = source_record["on"]
        key, text = {"source": source, "number": record["number"]}, {"text": record["text"]}
        if not record["number"]:
            # Without a number, a recommendation is known by its text.
            key.update(text)
            text = {}
        values = {
            **text,
            **pick(merged, *RECOMMENDATION_FIELDS),
            **timescale_target(merged.get("timescale", "")),
            **self.refs(merged, self.people, ("owner",)),
        }
        # A recommendation is implemented only with a progress update saying how, so one the report already calls
        # done is recorded first as it was proposed, then reported on, then implemented.
        implemented = {
            field: values.pop(field) for field in ("implementation_status", "implemented_on") if field in values
        }
        recommendation, created = self.ensure(Recommendation, key=key, values=values, on=on, reason=reason)
        if record["number"]:
            self.numbered[(source_key, record["number"])] = recommendation
        if created and record.get("outcomes"):
            outcomes = self.outcomes(source.programme, record["outcomes"])
            self.set_m2m(recommendation, "outcomes", outcomes, on=on, reason=reason)
        changes = list(record.get("changes", ()))
        if implemented.get("implementation_status") == ImplementationStatus.IMPLEMENTED:
            how = f"{merged.get('timescale') or 'Implemented'}, as {source_record['cite']} reports."
            changes.insert(0, {"on": on, "fields": implemented, "reason": reason, "how": how})
        for change in changes:
            if change["fields"].get("implementation_status") == ImplementationStatus.IMPLEMENTED:
                how = change.get("how", change["reason"])
                self.report_progress(recommendation, on=change["on"], note=how, reason=change["reason"])
                # The report that says it is done is its verification: it was written after the fact, by others.
                recorded = {
                    "closed_at": at(change["on"]),
                    "closure_note": f"Implemented, as {source_record['cite']} records.",
                }
                change = {**change, "fields": {**change["fields"], **recorded}}
                recommendation._closure = source_record["cite"]
            if created:
                self.apply_changes(recommendation, [change])
        actions = []
        for action in record.get("actions", ()):
            owner_key = action.get("owner") or source_record.get("action_owner")
            actions.append(
                self.load_action(
                    recommendation=recommendation,
                    record=action,
                    owner=self.people[owner_key] if owner_key else recommendation.owner,
                    on=action.get("on", on),
                    reason=reason,
                    earlier=actions,
                )
            )

    def report_progress(self, recommendation, *, on: date, note: str, reason: str) -> None:
        """A dated progress update on a recommendation, by its owner (or the programme manager, for no owner)."""
        self.ensure(
            ProgressUpdate,
            key={"recommendation": recommendation, "reported_on": on, "note": note},
            values={"author": recommendation.owner or self.people["programme_manager"]},
            on=on,
            reason=reason,
        )

    def load_action(self, *, recommendation, record: dict, owner, on: date, reason: str, earlier: list) -> Action:
        """An action, due when its recommendation is unless the data says otherwise, after the actions it waits on."""
        action, created = self.ensure(
            Action,
            key={"recommendation": recommendation, "description": record["description"]},
            values={
                "owner": owner,
                "due_date": record.get("due", recommendation.original_target_date),
                **pick(record, "status", "completed_on", "external_dependency"),
            },
            on=on,
            reason=reason,
        )
        if created:
            if record.get("depends_on"):
                self.set_m2m(
                    action, "depends_on", [earlier[index] for index in record["depends_on"]], on=on, reason=reason
                )
            self.apply_changes(action, record.get("changes", ()))
        return action

    # Meetings and decisions.

    def load_meetings(self) -> None:
        for key, record in data.MEETINGS.items():
            self.meetings[key], _ = self.ensure(
                Meeting,
                key={"body": self.bodies[record["body"]], "date": record["date"], "title": record["title"]},
                values={"minutes_reference": record["minutes_reference"]},
                on=record["date"],
                reason=loaded_from(record["cite"]),
            )

    def subject(self, kind: str, key):
        tables = {
            "programme": self.programmes,
            "review": self.reviews,
            "source": self.sources,
            "recommendation": self.numbered,
        }
        return tables[kind][key]

    def load_decisions(self) -> None:
        for record in data.DECISIONS:
            subject = self.subject(*record["subject"])
            self.ensure(
                Decision,
                key={
                    "body": self.bodies[record["body"]],
                    "decided_on": record["decided_on"],
                    "kind": record["kind"],
                    "subject_type": ContentType.objects.get_for_model(subject),
                    "subject_id": subject.pk,
                },
                values={
                    **self.refs(record, self.meetings, ("meeting",)),
                    **pick(record, "outcome", "minute_reference", "rationale"),
                    "recorded_by": self.actor,
                },
                on=record["decided_on"],
                reason=loaded_from(record["cite"]),
            )


def load_demo() -> dict[str, Counter]:
    """Load the demo register in one transaction; return, per model, how many objects were created and found."""
    loader = DemoLoader()
    with transaction.atomic():
        loader.load()
    return loader.counts
