"""`manage.py audit_keygen`: make the Ed25519 key that signs the audit trail's checkpoints."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.signing import SigningKeyError, public_key_hex, write_signing_key


class Command(BaseCommand):
    help = (
        "Write a new Ed25519 private key (PEM, readable by its owner only) to FILE, or to AUDIT_SIGNING_KEY_FILE, "
        "and print its public key for the README, the inspectors and the integrity page to show."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="where to write the key (default: AUDIT_SIGNING_KEY_FILE)")
        parser.add_argument("--force", action="store_true", help="replace an existing key file")

    def handle(self, *args, **options):
        path = options["file"] or getattr(settings, "AUDIT_SIGNING_KEY_FILE", None)
        if not path:
            raise CommandError("Give the key file's path, or set AUDIT_SIGNING_KEY_FILE.")
        try:
            key = write_signing_key(path, overwrite=options["force"])
        except SigningKeyError as error:
            raise CommandError(str(error)) from error
        except OSError as error:
            raise CommandError(f"{path} cannot be written: {error.strerror}.") from error
        self.stdout.write(f"Signing key written to {path}.")
        self.stdout.write(f"Public key: {public_key_hex(key)}")
