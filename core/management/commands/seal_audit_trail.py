"""`manage.py seal_audit_trail`: sign the audit chain's head as a checkpoint (from cron, at least hourly)."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core.checkpoints import checkpoint_file, make_checkpoint
from core.signing import SigningKeyError


class Command(BaseCommand):
    help = (
        "Sign the audit trail's newest entry with the key in AUDIT_SIGNING_KEY_FILE and keep the checkpoint in the "
        "database and in AUDIT_CHECKPOINT_FILE. Does nothing when the newest checkpoint already names the newest "
        "entry (unless --force)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="make a checkpoint even if the head has not moved")

    def handle(self, *args, **options):
        using = options.get("database") or "default"
        try:
            with transaction.atomic(using=using):
                checkpoint = make_checkpoint(using=using, force=options["force"])
        except SigningKeyError as error:
            raise CommandError(str(error)) from error
        except OSError as error:
            raise CommandError(f"The checkpoint file {checkpoint_file()} cannot be written: {error}") from error
        if checkpoint is None:
            self.stdout.write("Nothing to seal: the newest checkpoint already names the newest entry (or none yet).")
            return
        kept = f" and in {checkpoint_file()}" if checkpoint_file() else " (no AUDIT_CHECKPOINT_FILE: database only)"
        self.stdout.write(
            f"Checkpoint of entry {checkpoint.sequence} signed: {checkpoint.head_hash}, kept in the database{kept}."
        )
