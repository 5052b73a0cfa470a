"""Queries asked on (nearly) every request, with their SQL compiled once per process.

Turning a queryset into SQL costs more than running these small indexed queries: reading the signed-in user with
their person, their permissions and the audit chain's head took about 1.5 ms more through the ORM than the same SQL
run directly. A `Prepared` query is written as an ordinary queryset (so the SQL stays the ORM's, for each database),
compiled on first use with marker values, and afterwards run with the request's values in the markers' places.

On PostgreSQL the statement is also prepared on the server, once per connection (PREPARE, outside the request's
queries, as the settings Django sends on connecting are), and run with EXECUTE: planning these short queries took
the database longer than running them. (Behind a pooler that hands one client several server connections in turn,
such as PgBouncer in transaction mode, named statements do not last: run bvgov on direct or session-pooled
connections, and set PREPARED_STATEMENTS=False.)
"""

import itertools
import re

from django.conf import settings
from django.db import connections

# Inside every integer field's range (Django answers a lookup outside it with no query at all), and no constant a
# query of ours has.
_MARKER_NUMBER = 2_087_654_321


def marker(index: int, kind: type = int):
    """The value standing for the `index`th argument while the queryset is compiled: numbers and text only, which
    reach the database as they are (a date or time would be adapted first, differently on each database)."""
    if kind is int:
        return _MARKER_NUMBER - index
    if kind is str:
        return f"prepared-marker-{index}-{_MARKER_NUMBER}"
    raise TypeError(f"No marker for {kind}: a prepared query takes numbers and text")


class Prepared:
    """`build(*markers)` gives the queryset (a values_list); `rows(*values)` runs its SQL with `values`.

    Each argument must reach the SQL as it is given, as an exact match or a comparison: a lookup that makes
    something else of it (startswith's "value%") is refused when the query is compiled."""

    def __init__(self, build, *kinds: type):
        self._build = build
        self._kinds = kinds
        self._compiled: dict[str, tuple[str, list]] = {}
        self._name = f"bvgov_prepared_{next(_NUMBERS)}"

    def _compile(self, alias: str) -> tuple[str, list]:
        markers = [marker(index, kind) for index, kind in enumerate(self._kinds)]
        queryset = self._build(*markers).using(alias)
        sql, params = queryset.query.sql_with_params()
        slots = []
        for param in params:
            # Each parameter is either an argument's marker (its index) or a constant of the query.
            slots.append(("arg", markers.index(param)) if param in markers else ("const", param))
        missing = set(range(len(markers))) - {value for kind, value in slots if kind == "arg"}
        if missing:
            raise ValueError(f"Arguments {sorted(missing)} do not reach the query's parameters")
        return sql, slots

    def rows(self, *values, using: str = "default") -> list[tuple]:
        compiled = self._compiled.get(using)
        if compiled is None:
            compiled = self._compiled[using] = self._compile(using)
        sql, slots = compiled
        params = [values[value] if kind == "arg" else value for kind, value in slots]
        connection = connections[using]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql" and settings.PREPARED_STATEMENTS:
                self._prepare_on(connection, sql)
                cursor.execute(
                    f"EXECUTE {self._name}" + (f"({', '.join(['%s'] * len(params))})" if params else ""), params
                )
            else:
                cursor.execute(sql, params)
            rows = cursor.fetchall()
        converters = self._converters(using)
        if not converters:
            return rows
        return [tuple(convert(value) for convert, value in zip(converters, row, strict=True)) for row in rows]

    def _prepare_on(self, connection, sql: str) -> None:
        """PREPARE the statement on this server connection unless it has been (a new connection has none)."""
        raw = connection.connection
        state = getattr(connection, "_bvgov_prepared", None)
        if state is None or state[0] is not raw:
            state = connection._bvgov_prepared = (raw, set())
        if self._name not in state[1]:
            with raw.cursor() as cursor:
                cursor.execute(f"PREPARE {self._name} AS {_numbered(sql)}")
            state[1].add(self._name)

    def _converters(self, using: str):
        """The database's converters for each column (SQLite hands datetimes back as text), or None."""
        key = f"{using}:converters"
        if key not in self._compiled:
            connection = connections[using]
            queryset = self._build(*[marker(index, kind) for index, kind in enumerate(self._kinds)]).using(using)
            compiler = queryset.query.get_compiler(using)
            compiler.setup_query()
            columns = [col for col, _, _ in compiler.select]
            found = compiler.get_converters(columns)
            if not found:
                self._compiled[key] = None
            else:
                per_column = []
                for position, column in enumerate(columns):
                    funcs = found.get(position, ((), None))[0]
                    per_column.append(_chain(funcs, column, connection))
                self._compiled[key] = per_column
        return self._compiled[key]


_NUMBERS = itertools.count(1)


def _numbered(sql: str) -> str:
    """Django's SQL with "%s" placeholders (and "%%" for a percent sign) as PREPARE's $1, $2..."""
    numbers = itertools.count(1)
    return re.sub(r"%[s%]", lambda match: "%" if match.group() == "%%" else f"${next(numbers)}", sql)


def _chain(funcs, expression, connection):
    if not funcs:
        return lambda value: value

    def convert(value):
        for func in funcs:
            value = func(value, expression, connection)
        return value

    return convert


# Any other SELECT asked again on a connection outside a transaction (the reads of a page, in autocommit) is prepared
# too, as psycopg 3 does by itself with its prepare_threshold: the page's queries are the same text each time, with
# other values, and planning a query of five joined tables took the database longer than running it. Inside a
# transaction (a write) nothing is prepared: a statement the server refuses to prepare (one whose parameter types it
# cannot tell) would end the transaction; outside one it is only noted and run as it is.
AUTO_PREPARE_AFTER = 2
AUTO_PREPARED_LIMIT = 300


class _Seen:
    """What one server connection has been asked and has prepared."""

    def __init__(self, raw):
        self.raw = raw
        self.counts: dict[str, int] = {}
        self.names: dict[str, str] = {}
        self.refused: set[str] = set()


def auto_prepare(execute, sql, params, many, context):
    """An execute wrapper (installed on each PostgreSQL connection by programmes.apps) that runs a SELECT asked
    AUTO_PREPARE_AFTER times on the connection as a prepared statement."""
    connection = context["connection"]
    if many or not sql.startswith("SELECT") or connection.in_atomic_block or not connection.autocommit:
        return execute(sql, params, many, context)
    if getattr(context["cursor"].cursor, "name", None):  # a server-side cursor (iterator()): DECLARE takes no EXECUTE
        return execute(sql, params, many, context)
    raw = connection.connection
    seen = getattr(connection, "_bvgov_seen", None)
    if seen is None or seen.raw is not raw:
        seen = connection._bvgov_seen = _Seen(raw)
    name = seen.names.get(sql)
    if name is None:
        if sql in seen.refused:
            return execute(sql, params, many, context)
        count = seen.counts[sql] = seen.counts.get(sql, 0) + 1
        if count < AUTO_PREPARE_AFTER:
            if len(seen.counts) > 20 * AUTO_PREPARED_LIMIT:
                seen.counts.clear()
            return execute(sql, params, many, context)
        name = _auto_prepared(seen, sql)
        if name is None:
            return execute(sql, params, many, context)
    arguments = f"({', '.join(['%s'] * len(params))})" if params else ""
    return execute(f"EXECUTE {name}{arguments}", params or None, many, context)


def _auto_prepared(seen: _Seen, sql: str) -> str | None:
    from psycopg2 import Error

    if len(seen.names) >= AUTO_PREPARED_LIMIT:
        oldest = next(iter(seen.names))
        with seen.raw.cursor() as cursor:
            cursor.execute(f"DEALLOCATE {seen.names.pop(oldest)}")
    name = f"bvgov_auto_{next(_NUMBERS)}"
    try:
        with seen.raw.cursor() as cursor:
            cursor.execute(f"PREPARE {name} AS {_numbered(sql)}")
    except Error:
        seen.refused.add(sql)
        return None
    seen.names[sql] = name
    return name
