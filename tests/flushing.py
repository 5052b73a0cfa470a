"""The flush after a transactional test, where the history and audit tables refuse DELETE."""

from django.db import DEFAULT_DB_ALIAS, connections

from core.audit import guarded_tables, install_append_only_guards, remove_append_only_guards


def empty_append_only_tables() -> None:
    """Empty the history and audit tables, which refuse DELETE, so that the flush after a live server's test can run.

    PostgreSQL's flush truncates, which the append-only guards allow. SQLite's deletes row by row, which they refuse;
    so there the guards are lifted for the moment of emptying those tables, and put back before the flush.
    """
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "sqlite":
        return
    tables = [table for table in guarded_tables() if table in connection.introspection.table_names()]
    with connection.schema_editor() as schema_editor:
        remove_append_only_guards(schema_editor, tables)
        for table in tables:
            schema_editor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")
        install_append_only_guards(schema_editor, tables)
