"""Check constraints validated in Python give the database's answer, SQL's NULL rule included, without a query."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db.models import F, Q

from recommendations.choices import ActionStatus
from recommendations.models import Action
from reviews.models import Review

pytestmark = pytest.mark.django_db

START = datetime.date(2003, 4, 1)


@pytest.mark.parametrize(
    ("start", "end", "valid"),
    [
        (START, START + datetime.timedelta(days=1), True),
        (START, START, True),
        (START, START - datetime.timedelta(days=1), False),
        (None, START, True),  # unknown passes, as the database's CHECK lets NULL through
        (START, None, True),
    ],
)
def test_date_order_is_checked_in_python(django_assert_num_queries, start, end, valid):
    review = Review(planned_start=start, planned_end=end)
    with django_assert_num_queries(0):
        if valid:
            review.validate_constraints(exclude={"reference"})
        else:
            with pytest.raises(ValidationError, match="The planned end cannot be before the planned start."):
                review.validate_constraints(exclude={"reference"})


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"rag_override": "red", "rag_override_reason": ""}, "An overridden RAG needs a reason."),
        ({"status": ActionStatus.IN_PROGRESS, "completed_on": START}, "Only a complete action has a completion date."),
        ({"status": "finished"}, "action_status_valid"),
    ],
)
def test_action_constraints_refuse_what_the_database_refuses(django_assert_num_queries, values, message):
    action = Action(description="Publish the strategy", **values)
    with django_assert_num_queries(0), pytest.raises(ValidationError, match=message):
        action.validate_constraints()


def test_a_constraint_on_an_excluded_field_is_left_alone(django_assert_num_queries):
    action = Action(description="Publish the strategy", rag_override="red", rag_override_reason="")
    with django_assert_num_queries(0):
        action.validate_constraints(exclude={"rag_override_reason"})


@pytest.mark.parametrize(
    ("condition", "settled_without_a_start"),
    [
        (Q(planned_end=F("planned_start")), False),
        (~Q(planned_end=F("planned_start")), False),
        (Q(planned_end__gte=F("planned_start")), False),
        # false AND anything is false: no start settles it whatever the comparison's answer.
        (~Q(planned_end__lt=F("planned_start")) & Q(planned_start__isnull=False), True),
    ],
    ids=["equal", "not-equal", "ordered", "not-before-and-started"],
)
@pytest.mark.parametrize(
    ("start", "end"),
    [(None, None), (None, START), (START, None), (START, START), (START, START + datetime.timedelta(days=1))],
)
def test_a_column_compared_with_a_null_column_is_left_to_the_database(condition, settled_without_a_start, start, end):
    """SQL's `end = start` is unknown, and passes, when either is NULL; the evaluator once read it as `end IS NULL`.
    Now it leaves that to the database, and compares two non-NULL dates itself."""
    from django.db import connection, models
    from django.test.utils import CaptureQueriesContext

    from programmes.db import CheckConstraint

    review = Review(planned_start=start, planned_end=end)
    ours = CheckConstraint(condition=condition, name="review_constraint_like")
    theirs = models.CheckConstraint(condition=condition, name="review_constraint_like")
    with CaptureQueriesContext(connection) as asked:
        python_answer = _passes(ours.validate, Review, review)
    assert python_answer == _passes(models.CheckConstraint.validate, Review, review, constraint=theirs)
    settled_without_database = (start is not None and end is not None) or (settled_without_a_start and start is None)
    assert (len(asked) == 0) == settled_without_database, [query["sql"] for query in asked]


def _constraints():
    """Every check constraint in the project that full_clean() may evaluate in Python, with its model."""
    from django.apps import apps

    from programmes.db import CheckConstraint

    found = []
    for model in apps.get_models():
        for constraint in model._meta.constraints:
            if isinstance(constraint, CheckConstraint):
                found.append((model, constraint))
    return found


def _condition_fields(model, node) -> set:
    from django.db.models import F, Q

    names = set()
    for child in node.children if isinstance(node, Q) else []:
        if isinstance(child, Q):
            names |= _condition_fields(model, child)
        else:
            lookup, value = child
            names.add(lookup.split("__")[0])
            if isinstance(value, F):
                names.add(value.name)
    return names


def _candidates(field, rng) -> list:
    """Values a field may be given, the edges a constraint compares against among them."""
    from django.db import models

    if field.choices:
        values = [value for value, _ in field.flatchoices] + ["not-a-choice"]
    elif isinstance(field, models.DateField):
        values = [START + datetime.timedelta(days=rng.randint(-3, 3)) for _ in range(3)] + [START]
    elif isinstance(field, models.DecimalField | models.IntegerField | models.FloatField):
        values = [0, 1, -1, rng.randint(-1000, 1000)]
    elif isinstance(field, models.BooleanField):
        values = [True, False]
    elif isinstance(field, models.ForeignKey):
        values = []
    else:
        values = ["", "x", "Reason given"]
    return values + ([None] if field.null else [])


def _passes(validate, model, instance, **bound) -> bool:
    try:
        if bound:
            validate(bound["constraint"], model, instance)
        else:
            validate(model, instance)
    except ValidationError:
        return False
    return True


def test_the_python_check_gives_the_databases_answer_for_every_constraint_over_generated_values():
    """The evaluator (programmes.db.CheckConstraint) against the database's own answer (Django's CheckConstraint
    validate, which asks the database), for every check constraint of every model, over 60 generated rows each."""
    import random

    from django.db import models

    rng = random.Random(20261206)
    compared = 0
    for model, constraint in _constraints():
        fields = {field.name: field for field in model._meta.concrete_fields}
        names = sorted(name for name in _condition_fields(model, constraint.condition) if name in fields)
        for _ in range(60):
            instance = model()
            for name in names:
                options = _candidates(fields[name], rng)
                if options:
                    setattr(instance, fields[name].attname, rng.choice(options))
            answers = [
                _passes(constraint.validate, model, instance),
                _passes(models.CheckConstraint.validate, model, instance, constraint=constraint),
            ]
            values = {name: getattr(instance, fields[name].attname) for name in names}
            assert answers[0] == answers[1], f"{model.__name__} {constraint.name} {values}: python {answers[0]}"
            compared += 1
    assert compared >= 60 * 10
