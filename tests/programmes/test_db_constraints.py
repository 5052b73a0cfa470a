"""Check constraints validated in Python give the database's answer, SQL's NULL rule included, without a query."""

import datetime

import pytest
from django.core.exceptions import ValidationError

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
