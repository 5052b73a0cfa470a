from django.apps import AppConfig
from django.db import DEFAULT_DB_ALIAS
from django.db.models.signals import post_migrate


class ProgrammesConfig(AppConfig):
    name = "programmes"
    audited = True

    def ready(self):
        post_migrate.connect(_guard_new_tables, dispatch_uid="bvgov_append_only_guards")


def _guard_new_tables(sender, app_config, using=DEFAULT_DB_ALIAS, apps=None, **kwargs):
    """After each migrate, the append-only guards on the audit and history tables that migration 0007 (which first
    installed them) did not see: tables created since, and tables SQLite rebuilt."""
    from core.audit import guard_new_tables

    if app_config.label == "programmes":
        guard_new_tables(installed_by=("programmes", "0007_audit_append_only"), using=using, apps=apps)
