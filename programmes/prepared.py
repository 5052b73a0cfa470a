"""Queries asked on (nearly) every request, with their SQL compiled once per process.

Turning a queryset into SQL costs more than running these small indexed queries: reading the signed-in user with
their person, their permissions and the audit chain's head took about 1.5 ms more through the ORM than the same SQL
run directly. A `Prepared` query is written as an ordinary queryset (so the SQL stays the ORM's, for each database),
compiled on first use with marker values, and afterwards run with the request's values in the markers' places.

On PostgreSQL, a read asked again on a connection outside a transaction (these and every other) is also prepared on
the server and run with EXECUTE (`auto_prepare`, below): planning the queries took the database longer than running
them. (Behind a pooler that hands one client several server connections in turn, such as PgBouncer in transaction
mode, named statements do not last: run bvgov on direct or session-pooled connections, or set
PREPARED_STATEMENTS=False.)
"""

import itertools
import re

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
        self._compiled: dict[str, tuple[str, list, list]] = {}

    def _compile(self, alias: str) -> tuple[str, list, list]:
        """The SQL, where each parameter comes from (an argument's index or a constant), and the database's
        converters for each column that has some (SQLite hands datetimes back as text), from one compiling."""
        markers = [marker(index, kind) for index, kind in enumerate(self._kinds)]
        compiler = self._build(*markers).query.get_compiler(alias)
        sql, params = compiler.as_sql()
        # Each parameter is either an argument's marker (its index) or a constant of the query.
        slots = [("arg", markers.index(param)) if param in markers else ("const", param) for param in params]
        missing = set(range(len(markers))) - {value for kind, value in slots if kind == "arg"}
        if missing:
            raise ValueError(f"Arguments {sorted(missing)} do not reach the query's parameters")
        converters = list(compiler.get_converters([column for column, _, _ in compiler.select]).items())
        return sql, slots, converters

    def rows(self, *values, using: str = "default") -> list[tuple]:
        compiled = self._compiled.get(using)
        if compiled is None:
            compiled = self._compiled[using] = self._compile(using)
        sql, slots, converters = compiled
        connection = connections[using]
        with connection.cursor() as cursor:
            cursor.execute(sql, [values[value] if kind == "arg" else value for kind, value in slots])
            rows = cursor.fetchall()
        if not converters:
            return rows
        return [_converted(row, converters, connection) for row in rows]


def _converted(row: tuple, converters: list, connection) -> tuple:
    """A row through the converters, as SQLCompiler.apply_converters does."""
    row = list(row)
    for position, (functions, expression) in converters:
        for function in functions:
            row[position] = function(row[position], expression, connection)
    return tuple(row)


_NUMBERS = itertools.count(1)


def _numbered(sql: str) -> str:
    """Django's SQL with "%s" placeholders (and "%%" for a percent sign) as PREPARE's $1, $2..."""
    numbers = itertools.count(1)
    return re.sub(r"%[s%]", lambda match: "%" if match.group() == "%%" else f"${next(numbers)}", sql)


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
