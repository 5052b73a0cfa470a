"""`manage.py db_roles`: the SQL that makes the owner and app roles of least privilege, printed or applied."""

import os

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction

from core.privileges import role_statements


class Command(BaseCommand):
    help = (
        "Print (or, with --apply, run as a superuser) the SQL that creates the owner role, which runs migrations "
        "and owns the tables, and the app role the web processes connect as: SELECT, INSERT, UPDATE on live tables "
        "(DELETE only on sessions and link tables), SELECT and INSERT only on the audit and history tables, no "
        "TRUNCATE and no ownership. PostgreSQL only. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--owner", default=os.environ.get("DATABASE_OWNER_ROLE", "bvgov_owner"))
        parser.add_argument("--app", default=os.environ.get("DATABASE_APP_ROLE") or "bvgov_app")
        parser.add_argument(
            "--owner-password",
            default=os.environ.get("DATABASE_OWNER_PASSWORD"),
            help="default: $DATABASE_OWNER_PASSWORD; without one the role's password is left as it is",
        )
        parser.add_argument(
            "--app-password",
            default=os.environ.get("DATABASE_APP_PASSWORD"),
            help="default: $DATABASE_APP_PASSWORD; without one the role's password is left as it is",
        )
        parser.add_argument("--apply", action="store_true", help="run the SQL instead of printing it")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, **options):
        connection = connections[options["database"]]
        if connection.vendor != "postgresql":
            raise CommandError("db_roles is for PostgreSQL: SQLite has no roles.")
        owner, app = options["owner"], options["app"]
        if owner == app:
            raise CommandError("The owner and the app role must be two different roles.")
        statements = role_statements(
            connection,
            owner=owner,
            app=app,
            owner_password=options["owner_password"],
            app_password=options["app_password"],
        )
        if not options["apply"]:
            self.stdout.write("BEGIN;\n" + "".join(f"{statement};\n" for statement in statements) + "COMMIT;")
            return
        try:
            with transaction.atomic(using=options["database"]), connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)
        except DatabaseError as error:
            raise CommandError(f"Nothing was changed: {error}".strip() + " (run --apply as a superuser)") from None
        self.stdout.write(f"Roles {owner} (owner) and {app} (app) created or updated, with their grants.")
