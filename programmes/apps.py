from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "programmes"

    def ready(self):
        from simple_history.signals import post_create_historical_record

        from .audit import record_history

        def write_audit_entry(sender, instance, history_instance, **kwargs):
            record_history(history_instance=history_instance, instance=instance)

        post_create_historical_record.connect(write_audit_entry, weak=False, dispatch_uid="bvgov_audit_entry")

        from django.db.backends.signals import connection_created

        connection_created.connect(_prepare_reads, weak=False, dispatch_uid="bvgov_prepare_reads")


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
