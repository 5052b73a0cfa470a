from django.apps import AppConfig
from django.db import DEFAULT_DB_ALIAS
from django.db.models.signals import post_migrate


class ProgrammesConfig(AppConfig):
    name = "programmes"
    audited = True

    def ready(self):
        from django.db.backends.signals import connection_created

        connection_created.connect(_prepare_reads, weak=False, dispatch_uid="bvgov_prepare_reads")
        post_migrate.connect(_guard_new_tables, dispatch_uid="bvgov_append_only_guards")


def _guard_new_tables(sender, app_config, using=DEFAULT_DB_ALIAS, apps=None, **kwargs):
    """After each migrate, the append-only guards on the audit and history tables that migration 0007 (which first
    installed them) did not see: tables created since, and tables SQLite rebuilt."""
    from core.audit import guard_new_tables

    if app_config.label == "programmes":
        guard_new_tables(installed_by=("programmes", "0007_audit_append_only"), using=using, apps=apps)


def _prepare_reads(sender, connection, **kwargs):
    """Repeated reads run as prepared statements on PostgreSQL (programmes.prepared.auto_prepare), unless
    PREPARED_STATEMENTS is off (behind a pooler in transaction mode)."""
    from django.conf import settings

    from .prepared import auto_prepare

    # First in the list, so outermost: the connection may be opened inside a request's own execute_wrapper, whose
    # exit removes the last wrapper.
    wanted = connection.vendor == "postgresql" and settings.PREPARED_STATEMENTS
    if wanted and auto_prepare not in connection.execute_wrappers:
        connection.execute_wrappers.insert(0, auto_prepare)
