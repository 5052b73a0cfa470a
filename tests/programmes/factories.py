"""Governance: people, bodies, seats, meetings, decisions, and the programme with its outcomes, indicators and risks."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from programmes.choices import (
    BodyKind,
    DecisionKind,
    DecisionOutcome,
    IndicatorDirection,
    MembershipRole,
    Organisation,
    RiskStatus,
)
from programmes.models import (
    Body,
    Decision,
    Indicator,
    IndicatorValue,
    Meeting,
    Membership,
    Person,
    Priority,
    Programme,
    Risk,
    StrategicOutcome,
)

FIRST_NAMES = ("Alan", "Catherine", "Deepak", "Eleanor", "Frank", "Grace", "Harold", "Imran", "Joan", "Kwame")
LAST_NAMES = ("Brown", "Fielding", "Gupta", "Mason", "Oduya", "Pearce", "Quinn", "Reid", "Stanton", "Turner")
JOB_TITLES = (
    "Assistant Commissioner",
    "Director of Resources",
    "Commander, Territorial Policing",
    "Head of Best Value",
    "Chief Superintendent",
    "Treasurer",
)


def days_from_today(days: int):
    return factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=days))


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"{FIRST_NAMES[n % 10]} {LAST_NAMES[(n // 10) % 10]}")
    job_title = factory.Sequence(lambda n: JOB_TITLES[n % len(JOB_TITLES)])
    organisation = Organisation.POLICE_SERVICE
    email = factory.LazyAttribute(lambda person: f"{person.name.lower().replace(' ', '.')}@met.example.police.uk")
    user = None


class BodyFactory(DjangoModelFactory):
    class Meta:
        model = Body

    name = factory.Sequence(lambda n: f"Best Value Project Board {n}")
    short_name = factory.Sequence(lambda n: f"BVPB{n}")
    kind = BodyKind.PROJECT_BOARD
    reports_to = None
    terms_of_reference = "To direct the review, approve its project plan and agree its final report."
    established_on = days_from_today(-730)
    dissolved_on = None


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    person = factory.SubFactory(PersonFactory)
    body = factory.SubFactory(BodyFactory)
    role = MembershipRole.MEMBER
    start_date = days_from_today(-365)
    end_date = None


class MeetingFactory(DjangoModelFactory):
    class Meta:
        model = Meeting

    body = factory.SubFactory(BodyFactory, kind=BodyKind.COMMITTEE)
    date = days_from_today(-14)
    title = factory.Sequence(lambda n: f"Meeting {n}")
    minutes_reference = factory.Sequence(lambda n: f"Minutes {n}/03")


class DecisionFactory(DjangoModelFactory):
    """A management board approving a review's final report; pass meeting= to date it at that meeting."""

    class Meta:
        model = Decision

    meeting = None
    body = factory.Maybe(
        "meeting",
        yes_declaration=factory.LazyAttribute(lambda decision: decision.meeting.body),
        no_declaration=factory.SubFactory(BodyFactory, kind=BodyKind.MANAGEMENT_BOARD),
    )
    decided_on = factory.LazyAttribute(
        lambda decision: decision.meeting.date if decision.meeting else timezone.localdate()
    )
    subject = factory.SubFactory("tests.reviews.factories.ReviewFactory")
    kind = DecisionKind.APPROVE_FINAL_REPORT
    outcome = DecisionOutcome.APPROVED
    minute_reference = factory.Sequence(lambda n: f"Minute {n}")
    rationale = ""


class ProgrammeFactory(DjangoModelFactory):
    class Meta:
        model = Programme

    name = factory.Sequence(lambda n: f"Best Value Programme {2003 + n}/{(2004 + n) % 100:02d}")
    reference = factory.Sequence(lambda n: f"bvp-{2003 + n}")
    description = "The authority's programme of best value reviews."
    start_date = days_from_today(-180)
    end_date = days_from_today(185)
    budget = Decimal("250000.00")


class StrategicOutcomeFactory(DjangoModelFactory):
    class Meta:
        model = StrategicOutcome

    programme = factory.SubFactory(ProgrammeFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Iterator(
        [
            "More offenders are brought to justice",
            "Londoners feel safer in their neighbourhoods",
            "Fewer people are victims of crime",
            "Public confidence in the police rises",
        ]
    )


class PriorityFactory(DjangoModelFactory):
    class Meta:
        model = Priority

    programme = factory.SubFactory(ProgrammeFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Iterator(["Safer Neighbourhoods", "Counter-terrorism", "Criminal justice", "Call handling"])


class IndicatorFactory(DjangoModelFactory):
    class Meta:
        model = Indicator

    programme = factory.SubFactory(ProgrammeFactory)
    code = factory.Sequence(lambda n: f"BVPI {100 + n}")
    name = "999 calls answered within 15 seconds"
    unit = "%"
    direction = IndicatorDirection.HIGHER_IS_BETTER


class IndicatorValueFactory(DjangoModelFactory):
    class Meta:
        model = IndicatorValue

    indicator = factory.SubFactory(IndicatorFactory)
    period = factory.Sequence(lambda n: f"{2003 + n}/{(2004 + n) % 100:02d}")
    period_end = days_from_today(-30)
    target = Decimal("90.00")
    actual = Decimal("86.50")


class RiskFactory(DjangoModelFactory):
    class Meta:
        model = Risk

    programme = factory.SubFactory(ProgrammeFactory)
    reference = factory.Sequence(lambda n: f"R{n + 1}")
    title = "Savings are not released in time to fund the proposals"
    likelihood = 3
    impact = 4
    owner = factory.SubFactory(PersonFactory)
    mitigation = "Monthly review of the savings plan at the Management Board."
    status = RiskStatus.OPEN
    raised_on = days_from_today(-60)
