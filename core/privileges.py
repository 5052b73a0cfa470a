"""Least privilege on PostgreSQL: an owner role that runs migrations, and an app role the web processes connect as.

The app role reads and writes the live tables, deletes only where the app deletes (sessions, many-to-many links),
and may only read and append to the audit table and the history tables. It owns nothing, so it cannot alter,
disable or drop the append-only triggers, nor TRUNCATE (a privilege it is never granted).

Grants name tables, so tables created by a later migration need them too. Default privileges (given by the owner
to the app role) make any new table readable and appendable at once, which is exactly right for a history table;
`apply_grants`, run by the owner after every migrate (`DATABASE_APP_ROLE`, see `core.apps`), then gives each live
table its UPDATE and DELETE. Both steps are idempotent.
"""

from django.apps import apps as global_apps
from django.db import connections

from .audit import GUARD_NAME, guarded_tables

# Live tables the app deletes rows of: Django's sessions (sign-out, expiry), and what the admin may delete (a group;
# an account that never did anything, the PROTECT keys keeping every other, with its feed and admin log rows; a
# calendar feed; a reminder's record). Many-to-many link tables are added from the models. Everything else live is
# SELECT, INSERT, UPDATE: the register's records are never deleted.
DELETED_TABLES = {
    "django_session",
    "auth_group",
    "bvgov_user",
    "bvgov_calendarfeed",
    "bvgov_remindersent",
    "django_admin_log",
}
# Read by the app, written only by `migrate`.
READ_ONLY_TABLES = {"django_migrations"}


def quote_literal(value: str) -> str:
    """A SQL string literal (standard_conforming_strings is on by default since PostgreSQL 9.1)."""
    return "'" + value.replace("'", "''") + "'"


def history_tables(existing: set[str]) -> set[str]:
    """The audit table and every history table: those the guards cover, and any simple-history table."""
    return {table for table in existing if table in set(guarded_tables()) or "_historical" in table}


def link_tables() -> set[str]:
    """Many-to-many link tables: their rows are deleted when a link is removed (a user leaves a group...)."""
    return {
        model._meta.db_table
        for model in global_apps.get_models(include_auto_created=True)
        if model._meta.auto_created and not model.__name__.startswith("Historical")
    }


def _existing_tables(connection) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        return {name for (name,) in cursor.fetchall()}


def grant_statements(connection, app: str) -> list[str]:
    """GRANT statements giving `app` exactly its privileges on the tables that exist now."""
    quote = connection.ops.quote_name
    existing = _existing_tables(connection)
    history = history_tables(existing)
    read_only = existing & READ_ONLY_TABLES
    live = existing - history - read_only
    deleted = live & (DELETED_TABLES | link_tables())

    def tables(names):
        return ", ".join(quote(name) for name in sorted(names))

    role = quote(app)
    statements = [f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {role}"]
    if live:
        statements.append(f"GRANT SELECT, INSERT, UPDATE ON {tables(live)} TO {role}")
    if deleted:
        statements.append(f"GRANT DELETE ON {tables(deleted)} TO {role}")
    if history:
        statements.append(f"GRANT SELECT, INSERT ON {tables(history)} TO {role}")
    if read_only:
        statements.append(f"GRANT SELECT ON {tables(read_only)} TO {role}")
    statements.append(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}")
    return statements


def role_statements(
    connection, *, owner: str, app: str, owner_password: str | None = None, app_password: str | None = None
) -> list[str]:
    """Everything a superuser runs once: the two roles, the owner owning the schema's tables, the app's grants."""
    quote = connection.ops.quote_name
    database = quote(connection.settings_dict["NAME"])
    statements = []
    for role, password in ((owner, owner_password), (app, app_password)):
        # Attributes only when the role is created: an existing role (perhaps a superuser) is not demoted or changed.
        statements.append(
            f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = {quote_literal(role)}) THEN "
            f"CREATE ROLE {quote(role)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS; "
            "END IF; END $$"
        )
        if password:
            statements.append(f"ALTER ROLE {quote(role)} PASSWORD {quote_literal(password)}")
    statements += [
        f"GRANT CONNECT, TEMPORARY ON DATABASE {database} TO {quote(owner)}, {quote(app)}",
        # Only the owner creates tables; PostgreSQL before 15 let every role create them in public.
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
        f"GRANT USAGE, CREATE ON SCHEMA public TO {quote(owner)}",
        f"GRANT USAGE ON SCHEMA public TO {quote(app)}",
    ]
    # Tables made before the roles (by migrations run as another role) pass to the owner, with their sequences.
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tableowner <> %s", [owner])
        statements += [f"ALTER TABLE {quote(name)} OWNER TO {quote(owner)}" for (name,) in sorted(cursor.fetchall())]
        cursor.execute(
            "SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
            "WHERE n.nspname = 'public' AND p.proname = %s AND pg_get_userbyid(p.proowner) <> %s",
            [GUARD_NAME, owner],
        )
        statements += [f"ALTER FUNCTION {signature} OWNER TO {quote(owner)}" for (signature,) in cursor.fetchall()]
    statements += [
        # Tables a later migration creates: readable and appendable at once (all a history table may be), until
        # the grants that follow every migrate give a live table the rest.
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {quote(owner)} IN SCHEMA public GRANT SELECT, INSERT ON TABLES "
        f"TO {quote(app)}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {quote(owner)} IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES "
        f"TO {quote(app)}",
        *grant_statements(connection, app),
    ]
    return statements


def apply_grants(app: str, using: str = "default") -> None:
    """Give the app role its privileges on every table that exists now (run by the owner after migrate)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [app])
        if cursor.fetchone() is None:
            return
        for statement in grant_statements(connection, app):
            cursor.execute(statement)
