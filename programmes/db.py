"""Database helpers shared by the domain apps."""

from django.db import models


def choices_constraint(field: str, choices: type[models.TextChoices], *, table: str, allow_blank: bool = False):
    """A check constraint that keeps a TextChoices column to its declared values, whatever path wrote it."""
    values = list(choices.values) + ([""] if allow_blank else [])
    return models.CheckConstraint(condition=models.Q(**{f"{field}__in": values}), name=f"{table}_{field}_valid")


def date_order_constraint(start: str, end: str, *, table: str, message: str):
    """A check constraint that refuses an end date before its start date, with the message a user reads."""
    return models.CheckConstraint(
        condition=models.Q(**{f"{start}__isnull": True})
        | models.Q(**{f"{end}__isnull": True})
        | models.Q(**{f"{end}__gte": models.F(start)}),
        name=f"{table}_{end}_after_{start}",
        violation_error_message=message,
    )
