"""Database helpers shared by the domain apps."""

import datetime
import decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone


def choices_constraint(field: str, choices: type[models.TextChoices], *, table: str, allow_blank: bool = False):
    """A check constraint that keeps a TextChoices column to its declared values, whatever path wrote it."""
    values = list(choices.values) + ([""] if allow_blank else [])
    return CheckConstraint(condition=models.Q(**{f"{field}__in": values}), name=f"{table}_{field}_valid")


def date_order_constraint(start: str, end: str, *, table: str, message: str):
    """A check constraint that refuses an end date before its start date, with the message a user reads."""
    return CheckConstraint(
        condition=models.Q(**{f"{start}__isnull": True})
        | models.Q(**{f"{end}__isnull": True})
        | models.Q(**{f"{end}__gte": models.F(start)}),
        name=f"{table}_{end}_after_{start}",
        violation_error_message=message,
    )


class CheckConstraint(models.CheckConstraint):
    """A check constraint that full_clean() checks in Python when it can, instead of asking the database.

    Django validates a CheckConstraint with a query of its own, wrapped in a savepoint inside a transaction: three
    round trips per constraint on every save. The register's constraints are plain comparisons of a row's own
    columns (equal, in, is null, ordered), which this evaluates with SQL's three-valued logic (a comparison with NULL
    is unknown, and an unknown result passes, as Django's Coalesce(condition, True) makes it). Anything it cannot
    answer exactly as the database would (a column compared with a column that is NULL, values of different kinds,
    text ordered by collation, any other lookup or expression) is left to the database, as before, unless the rest
    of the condition settles the answer without it. The database keeps enforcing the constraint itself; migrations
    see a plain CheckConstraint.
    """

    def deconstruct(self):
        path, args, kwargs = super().deconstruct()
        return "django.db.models.CheckConstraint", args, kwargs

    def validate(self, model, instance, exclude=None, using=None):
        fields = {field.name: field for field in model._meta.concrete_fields}
        try:
            outcome = _evaluate(self.condition, instance, fields, exclude or set())
        except _Unsupported:
            return super().validate(model, instance, exclude=exclude, **({"using": using} if using else {}))
        except _Excluded:
            return None
        if outcome is False:
            raise ValidationError(self.get_violation_error_message(), code=self.violation_error_code)
        return None


class _Unsupported(Exception):
    pass


class _Excluded(Exception):
    pass


def _value(instance, fields, exclude, name):
    if name in exclude:
        raise _Excluded
    field = fields.get(name) or next((f for f in fields.values() if f.attname == name), None)
    if field is None:
        raise _Unsupported
    return getattr(instance, field.attname)


COMPARISONS = {
    "exact": lambda a, b: a == b,
    "gte": lambda a, b: a >= b,
    "lte": lambda a, b: a <= b,
    "gt": lambda a, b: a > b,
    "lt": lambda a, b: a < b,
}


def _kind(value) -> str | None:
    """Which values Python compares as the database does: within one kind only."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float | decimal.Decimal):
        return "number"
    if isinstance(value, datetime.datetime):
        return "aware" if timezone.is_aware(value) else "naive"
    if isinstance(value, datetime.date):
        return "date"
    if isinstance(value, str):
        return "text"
    return None


def _compare(operator: str, actual, expected) -> bool:
    kind = _kind(actual)
    # Text is ordered by the database's collation, not by code point: only its equality is Python's.
    if kind is None or kind != _kind(expected) or (kind == "text" and operator != "exact"):
        raise _Unsupported
    return COMPARISONS[operator](actual, expected)


def _evaluate(node, instance, fields, exclude):
    """True, False or None (unknown) for a Q tree of simple lookups on the instance's own columns. A lookup it
    cannot answer as the database would raises _Unsupported, unless its siblings settle the answer without it (true
    OR anything is true, false AND anything is false, whatever that lookup's value)."""
    if isinstance(node, models.Q):
        results, unsupported = [], False
        for child in node.children:
            try:
                results.append(_evaluate(child, instance, fields, exclude))
            except _Unsupported:
                unsupported = True
        if node.connector == models.Q.AND:
            outcome = False if False in results else (None if None in results else True)
            settled = outcome is False
        else:
            outcome = True if True in results else (None if None in results else False)
            settled = outcome is True
        if unsupported and not settled:
            raise _Unsupported
        if node.negated:
            outcome = None if outcome is None else not outcome
        return outcome
    if not isinstance(node, tuple):
        raise _Unsupported
    lookup, expected = node
    name, _, operator = lookup.partition("__")
    operator = operator or "exact"
    if "__" in operator:
        raise _Unsupported
    actual = _value(instance, fields, exclude, name)
    if isinstance(expected, models.F):
        if operator not in COMPARISONS:
            raise _Unsupported
        expected = _value(instance, fields, exclude, expected.name)
        # Column against column with a NULL is left to the database (it is `a = b`, unknown, never the `IS NULL` a
        # literal None makes); the date-order constraints settle it by their own IS NULL tests first.
        if actual is None or expected is None:
            raise _Unsupported
        return _compare(operator, actual, expected)
    if hasattr(expected, "resolve_expression"):
        raise _Unsupported
    if operator == "isnull":
        return (actual is None) == bool(expected)
    if operator == "in":
        values = list(expected)
        if actual is None:
            return None
        if not values or None in values:
            raise _Unsupported
        return any(_compare("exact", actual, value) for value in values)
    if operator not in COMPARISONS:
        raise _Unsupported
    if expected is None and operator == "exact":
        return actual is None
    if actual is None or expected is None:
        return None
    return _compare(operator, actual, expected)
