"""`manage.py verify_audit_trail`: recompute the audit trail's hash chain and name the first broken link."""

from django.core.management.base import BaseCommand, CommandError

from core.audit import verify_chain


class Command(BaseCommand):
    help = (
        "Recompute the audit trail's hash chain from the first entry, re-reading every history row, and report "
        "either that the chain is intact or the first entry whose content, order or history row was changed. "
        "Exits non-zero when the chain is broken or a history table accepts changes."
    )

    def handle(self, *args, **options):
        report = verify_chain(using=options.get("database") or "default")
        if not report.intact:
            raise CommandError(str(report))
        self.stdout.write(str(report))
