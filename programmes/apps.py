from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "programmes"

    def ready(self):
        from simple_history.signals import post_create_historical_record

        from .audit import record_history

        def write_audit_entry(sender, instance, history_instance, **kwargs):
            record_history(history_instance=history_instance, instance=instance)

        post_create_historical_record.connect(write_audit_entry, weak=False, dispatch_uid="bvgov_audit_entry")
