"""Least privilege on PostgreSQL: the app role the web processes connect as may read and append to the audit trail
and the history tables, and change live rows through the services, but cannot rewrite, delete, empty or unguard
the trail. PostgreSQL only: SQLite has no roles."""

import io
import uuid

import psycopg2
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from core.models import AuditEntry
from core.privileges import apply_grants
from recommendations.choices import ActionStatus
from recommendations.models import Action
from recommendations.services import action_update_status
from tests.recommendations.factories import ActionFactory

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="roles are PostgreSQL's")

HISTORY = "recommendations_historicalaction"
AUDIT = AuditEntry._meta.db_table


@pytest.fixture
def roles(transactional_db):
    """An owner and an app role made by `db_roles --apply`, with unique names (roles are cluster-wide), dropped
    afterwards with everything they own or were granted (the tables go back to the test's superuser)."""
    suffix = uuid.uuid4().hex[:8]
    owner, app, password = f"test_owner_{suffix}", f"test_app_{suffix}", f"pw-{suffix}"
    call_command("db_roles", owner=owner, app=app, app_password=password, owner_password=password, apply=True)
    yield owner, app, password
    with connection.cursor() as cursor:
        cursor.execute(f'REASSIGN OWNED BY "{owner}" TO CURRENT_USER')
        for role in (owner, app):
            cursor.execute(f'DROP OWNED BY "{role}"')
            cursor.execute(f'DROP ROLE "{role}"')


def connect_as(role: str, password: str):
    settings = connection.settings_dict
    return psycopg2.connect(
        dbname=settings["NAME"], user=role, password=password, host=settings["HOST"] or None, port=settings["PORT"]
    )


def refused(role, password, statement) -> str:
    """The error PostgreSQL gives `role` for the statement; nothing it did stays."""
    app = connect_as(role, password)
    try:
        with app.cursor() as cursor:
            cursor.execute(statement)
    except psycopg2.Error as error:
        return str(error)
    finally:
        app.rollback()
        app.close()
    pytest.fail(f"{role} was allowed: {statement}")


@pytest.fixture
def action(roles):
    action = ActionFactory(status=ActionStatus.NOT_STARTED)
    assert AuditEntry.objects.exists()
    return action


@pytest.mark.parametrize("table", [HISTORY, AUDIT], ids=["a history table", "the audit table"])
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE {table} SET history_change_reason = 'forged' WHERE false",
        "DELETE FROM {table} WHERE false",
        "TRUNCATE {table}",
        "ALTER TABLE {table} DISABLE TRIGGER ALL",
        "ALTER TABLE {table} DISABLE TRIGGER bvgov_append_only",
        "DROP TRIGGER bvgov_append_only ON {table}",
        "DROP TABLE {table}",
    ],
    ids=["update", "delete", "truncate", "disable triggers", "disable the guard", "drop the guard", "drop"],
)
def test_the_app_role_cannot_rewrite_empty_or_unguard_the_trail(roles, action, table, statement):
    _, app, password = roles
    if table == AUDIT:
        statement = statement.replace("history_change_reason", "reason")
    error = refused(app, password, statement.format(table=table))
    assert "permission denied" in error or "must be owner" in error
    assert AuditEntry.objects.count() > 0


def test_the_app_role_cannot_replace_the_guard_function(roles):
    _, app, password = roles
    error = refused(
        app,
        password,
        "CREATE OR REPLACE FUNCTION bvgov_append_only() RETURNS trigger LANGUAGE plpgsql "
        "AS $$ BEGIN RETURN OLD; END $$",
    )
    assert "must be owner" in error or "permission denied" in error


def test_a_status_update_through_the_service_works_as_the_app_role(roles, action, manager_user):
    _, app, password = roles
    history_before, entries_before = Action.history.count(), AuditEntry.objects.count()
    superuser = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update(USER=app, PASSWORD=password)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            assert cursor.fetchone() == (app,)
        action_update_status(action=action, actor=manager_user, status=ActionStatus.IN_PROGRESS, reason="Started.")
    finally:
        connection.close()
        connection.settings_dict.update(USER=superuser["USER"], PASSWORD=superuser["PASSWORD"])
    assert Action.objects.get(pk=action.pk).status == ActionStatus.IN_PROGRESS
    assert Action.history.count() == history_before + 1
    assert AuditEntry.objects.count() == entries_before + 1
    assert AuditEntry.objects.order_by("-sequence").first().reason == "Started."


def test_tables_of_later_migrations_get_the_right_grants(roles):
    owner, app, password = roles
    owner_connection = connect_as(owner, password)
    with owner_connection, owner_connection.cursor() as cursor:
        cursor.execute("CREATE TABLE zz_later (id int, note text)")
        cursor.execute("CREATE TABLE zz_historicallater (id int, note text)")
    owner_connection.close()
    # What migrate does next, as the owner.
    connection.close()
    superuser = dict(connection.settings_dict)
    connection.settings_dict.update(USER=owner, PASSWORD=password)
    try:
        apply_grants(app)
    finally:
        connection.close()
        connection.settings_dict.update(USER=superuser["USER"], PASSWORD=superuser["PASSWORD"])

    app_connection = connect_as(app, password)
    with app_connection, app_connection.cursor() as cursor:
        cursor.execute("INSERT INTO zz_later VALUES (1, 'a'), (2, 'b')")
        cursor.execute("UPDATE zz_later SET note = 'c' WHERE id = 1")
        cursor.execute("INSERT INTO zz_historicallater VALUES (1, 'a')")
        cursor.execute("SELECT count(*) FROM zz_historicallater")
        assert cursor.fetchone() == (1,)
    app_connection.close()
    assert "permission denied" in refused(app, password, "UPDATE zz_historicallater SET note = 'x'")
    assert "permission denied" in refused(app, password, "DELETE FROM zz_later")
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE zz_later, zz_historicallater")


def test_the_app_role_owns_nothing_and_deletes_only_sessions_and_links(roles):
    _, app, _ = roles
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_tables WHERE tableowner = %s", [app])
        assert cursor.fetchone() == (0,)
        cursor.execute(
            "SELECT table_name FROM information_schema.role_table_grants WHERE grantee = %s "
            "AND privilege_type IN ('DELETE', 'TRUNCATE')",
            [app],
        )
        deletable = {name for (name,) in cursor.fetchall()}
    assert "django_session" in deletable and "bvgov_user_groups" in deletable
    assert not any("_historical" in name for name in deletable) and AUDIT not in deletable
    assert "recommendations_action" not in deletable


def test_db_roles_prints_the_sql_without_applying_it(roles):
    out = io.StringIO()
    call_command("db_roles", owner="nobody_owner_x", app="nobody_app_x", stdout=out)
    sql = out.getvalue()
    assert 'CREATE ROLE "nobody_app_x" LOGIN NOSUPERUSER' in sql
    history_grant = next(line for line in sql.splitlines() if line.startswith("GRANT SELECT, INSERT ON "))
    assert f'"{AUDIT}"' in history_grant and f'"{HISTORY}"' in history_grant
    assert "UPDATE" not in history_grant and "DELETE" not in history_grant
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_roles WHERE rolname LIKE 'nobody_%%_x'")
        assert cursor.fetchone() == (0,)


def test_db_roles_refuses_one_role_for_both():
    with pytest.raises(CommandError, match="two different roles"):
        call_command("db_roles", owner="same", app="same")
