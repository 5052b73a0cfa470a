"""Reviews, their aims, and the inspections made of them."""

from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from reviews.choices import Inspectorate, ReviewKind, ReviewStage, ServiceJudgement
from reviews.models import Aim, Inspection, Review
from tests.programmes.factories import ProgrammeFactory, days_from_today

REVIEW_TITLES = (
    "Managing Demand",
    "Consultation",
    "Call Handling",
    "Criminal Justice Processes",
    "Custody Provision",
    "Property Services",
)


class ReviewFactory(DjangoModelFactory):
    class Meta:
        model = Review

    programme = factory.SubFactory(ProgrammeFactory)
    reference = factory.Sequence(lambda n: f"bvr-{n + 1}")
    title = factory.Sequence(lambda n: REVIEW_TITLES[n % len(REVIEW_TITLES)])
    kind = ReviewKind.BEST_VALUE_REVIEW
    scope = "How the service receives, assesses and responds to calls from the public."
    stage = ReviewStage.PROPOSED
    planned_start = days_from_today(-90)
    planned_end = days_from_today(90)
    budget = Decimal("120000.00")


class AimFactory(DjangoModelFactory):
    """A SMART aim: it has a measure, a target and a deadline."""

    class Meta:
        model = Aim

    review = factory.SubFactory(ReviewFactory)
    number = factory.Sequence(lambda n: n + 1)
    text = "Answer emergency calls promptly."
    measure = "999 calls answered within 15 seconds"
    target = "90%"
    deadline = days_from_today(180)


class InspectionFactory(DjangoModelFactory):
    class Meta:
        model = Inspection

    inspectorate = Inspectorate.HMIC
    title = factory.Sequence(lambda n: f"HMIC inspection report {n + 1}")
    reference = factory.Sequence(lambda n: f"HMIC/{2004 + n}")
    review = factory.SubFactory(ReviewFactory)
    programme = None
    fieldwork_start = days_from_today(-120)
    fieldwork_end = days_from_today(-100)
    published_on = days_from_today(-60)
    service_judgement = ServiceJudgement.FAIR
    areas_for_development = "Implementation of recommendations has been extremely limited."
