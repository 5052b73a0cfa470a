from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The platform under the register's apps: history and the audit chain, archiving, lists, edit forms, exports.

    It imports no domain app. An app whose history tables are part of the register says so with `audited = True`
    on its AppConfig; its models give an entry's review with an `audit_review_id` attribute.
    """

    name = "core"
    label = "core"
    verbose_name = "Audit trail"

    def ready(self):
        from simple_history.signals import post_create_historical_record

        from . import checks  # noqa: F401 (registers the deployment checks)
        from .audit import record_history

        def write_audit_entry(sender, instance, history_instance, **kwargs):
            record_history(history_instance=history_instance, instance=instance)

        post_create_historical_record.connect(write_audit_entry, weak=False, dispatch_uid="bvgov_audit_entry")
