"""`manage.py verify_audit_trail`: verify the whole audit trail and name the first broken link."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.audit import verify_chain
from core.models import ChainVerification
from core.signing import SigningKeyError, parse_public_key


class Command(BaseCommand):
    help = (
        "Verify the audit trail: every entry against its history row and the entry before it, the chain against "
        "every signed checkpoint (in the database, in AUDIT_CHECKPOINT_FILE and in each --checkpoints file), every "
        "history row against its entry, and every live row of the register against its latest history row. Exits "
        "non-zero naming the first broken link. When everything is intact, records the newest checkpoint reached, "
        "from which the integrity page verifies what came after."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--checkpoints",
            action="append",
            default=[],
            metavar="FILE",
            help="a checkpoint file kept elsewhere (an inspector's copy); may be given more than once",
        )
        parser.add_argument(
            "--public-key",
            metavar="HEX",
            help="check signatures with this Ed25519 public key (64 hex characters) instead of the configured one",
        )
        parser.add_argument(
            "--no-record", action="store_true", help="write nothing, not even the record of a successful run"
        )

    def handle(self, *args, **options):
        using = options.get("database") or "default"
        public_key = None
        if options["public_key"]:
            try:
                public_key = parse_public_key(options["public_key"])
            except SigningKeyError as error:
                raise CommandError(str(error)) from error
        report = verify_chain(using=using, checkpoint_files=options["checkpoints"], public_key=public_key)
        if not report.intact:
            raise CommandError(str(report))
        self.stdout.write(str(report))
        if report.last_checkpoint is not None and not options["no_record"]:
            ChainVerification.objects.using(using).create(
                checkpoint_id=report.last_checkpoint.checkpoint_id, verified_at=timezone.now(), entries=report.entries
            )
