"""Signed checkpoints: the chain's head, signed with a key kept outside the database, kept in the database and in a
file outside it.

A checkpoint says "entry N of the audit trail had hash H at time T", signed with Ed25519. Whoever rewrites the
trail before entry N, cuts it off before N or empties it cannot make the chain agree with the checkpoint again
without the private key; and a copy of the checkpoint file kept by an inspector still shows it after the database
and the server's own file have been rewritten. Entries written after the newest checkpoint are only as trustworthy
as the database until the next one: `seal_audit_trail` runs from cron for that.
"""

import datetime
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, transaction
from django.utils import timezone

from .models import AuditCheckpoint, AuditEntry
from .signing import SigningKeyError, load_signing_key, parse_public_key, public_key_hex, sign, signature_valid

MESSAGE_PREFIX = "bvgov audit checkpoint v1"


def message(sequence: int, head_hash: str, made_at: str) -> bytes:
    """The bytes a checkpoint's signature covers."""
    return f"{MESSAGE_PREFIX}\n{sequence}\n{head_hash}\n{made_at}".encode()


def made_at_text(when: datetime.datetime) -> str:
    return when.astimezone(datetime.UTC).isoformat(timespec="microseconds")


@dataclass(frozen=True)
class Signed:
    """A checkpoint as read from the database or from a checkpoint file, with where it was found."""

    sequence: int
    head_hash: str
    made_at: str
    signature: str
    source: str
    checkpoint_id: int | None = None

    def __str__(self):
        return f"the checkpoint of entry {self.sequence} made {self.made_at} ({self.source})"

    def valid_under(self, public_key) -> bool:
        return signature_valid(public_key, message(self.sequence, self.head_hash, self.made_at), self.signature)


def signing_key():
    return load_signing_key(getattr(settings, "AUDIT_SIGNING_KEY_FILE", None))


def configured_public_key():
    """The public key that checkpoints are checked with: AUDIT_PUBLIC_KEY if set (a verifier holding no private
    key), else the signing key's."""
    text = getattr(settings, "AUDIT_PUBLIC_KEY", None)
    return parse_public_key(text) if text else signing_key().public_key()


def configured_public_key_or_none():
    try:
        return configured_public_key()
    except SigningKeyError:
        return None


def key_problem() -> str:
    try:
        configured_public_key()
    except SigningKeyError as error:
        return str(error)
    return ""


def configured_public_key_hex() -> str:
    return public_key_hex(configured_public_key())


def checkpoint_file() -> Path | None:
    name = getattr(settings, "AUDIT_CHECKPOINT_FILE", None)
    return Path(name) if name else None


def make_checkpoint(*, using: str = DEFAULT_DB_ALIAS, force: bool = False) -> AuditCheckpoint | None:
    """Sign the chain's head and keep the checkpoint in the database and, once committed, in the checkpoint file.

    None when the trail is empty, or when the newest checkpoint already names the head (unless `force`): checkpoints
    are needed while there are writes, not every hour regardless. Raises SigningKeyError without a usable key.
    """
    key = signing_key()
    head = AuditEntry.objects.using(using).order_by("-sequence").values_list("sequence", "entry_hash").first()
    if head is None:
        return None
    sequence, head_hash = head
    latest = AuditCheckpoint.objects.using(using).order_by("-sequence", "-id").first()
    if latest is not None and latest.sequence == sequence and latest.head_hash == head_hash and not force:
        return None
    made_at = timezone.now()
    text = made_at_text(made_at)
    checkpoint = AuditCheckpoint.objects.using(using).create(
        sequence=sequence,
        head_hash=head_hash,
        made_at=made_at,
        public_key=public_key_hex(key),
        signature=sign(key, message(sequence, head_hash, text)),
    )
    # Written after the commit: a rolled-back checkpoint must not be left in the file, naming an entry that might
    # never have been committed.
    transaction.on_commit(lambda: append_to_file(checkpoint), using=using)
    return checkpoint


def file_line(checkpoint: AuditCheckpoint) -> str:
    return json.dumps(
        {
            "sequence": checkpoint.sequence,
            "head_hash": checkpoint.head_hash,
            "made_at": made_at_text(checkpoint.made_at),
            "public_key": checkpoint.public_key,
            "signature": checkpoint.signature,
        },
        sort_keys=True,
    )


def append_to_file(checkpoint: AuditCheckpoint, path: Path | None = None) -> None:
    path = path or checkpoint_file()
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as file:
        file.write(file_line(checkpoint) + "\n")
        file.flush()
        os.fsync(file.fileno())


def from_database(queryset) -> Iterator[Signed]:
    rows = queryset.order_by("sequence", "id").values_list("id", "sequence", "head_hash", "made_at", "signature")
    for pk, sequence, head_hash, made_at, signature in rows.iterator(chunk_size=5000):
        yield Signed(sequence, head_hash, made_at_text(made_at), signature, "in the database", pk)


class CheckpointFileError(Exception):
    """A checkpoint file that cannot be read, or a line of it that is not a checkpoint."""


def _signed(line: str, source: str) -> Signed:
    try:
        data = json.loads(line)
        return Signed(
            int(data["sequence"]),
            str(data["head_hash"]),
            str(data["made_at"]),
            str(data["signature"]),
            source,
        )
    except (ValueError, KeyError, TypeError) as error:
        raise CheckpointFileError(f"{source.capitalize()} is not a checkpoint — the file was altered.") from error


def from_file(path: Path) -> Iterator[Signed]:
    """Every checkpoint in a checkpoint file, in order."""
    try:
        with open(path, encoding="utf-8") as file:
            for number, line in enumerate(file, start=1):
                if line.strip():
                    yield _signed(line, f"line {number} of {path}")
    except FileNotFoundError as error:
        raise CheckpointFileError(f"The checkpoint file {path} is missing.") from error
    except (OSError, UnicodeDecodeError) as error:
        raise CheckpointFileError(f"The checkpoint file {path} cannot be read: {error}.") from error


def newest_in_file(path: Path, *, after: int) -> list[Signed]:
    """The file's checkpoints of entries after `after`, read from its end (the file only grows), for the page."""
    try:
        lines = list(_lines_from_end(path, stop=lambda line: _sequence_of(line) <= after))
    except FileNotFoundError as error:
        raise CheckpointFileError(f"The checkpoint file {path} is missing.") from error
    except OSError as error:
        raise CheckpointFileError(f"The checkpoint file {path} cannot be read: {error}.") from error
    return [_signed(line, f"in {path}") for line in reversed(lines)]


def _sequence_of(line: str) -> int:
    try:
        return int(json.loads(line)["sequence"])
    except (ValueError, KeyError, TypeError):
        return -1  # an unreadable line stops the backwards read, and is reported as altered


def _lines_from_end(path: Path, *, stop, block: int = 65536) -> Iterator[str]:
    """The file's lines, newest first, up to and including the first for which `stop` is true."""
    with open(path, "rb") as file:
        file.seek(0, os.SEEK_END)
        position, rest = file.tell(), b""
        while position > 0:
            step = min(block, position)
            position -= step
            file.seek(position)
            data = file.read(step) + rest
            lines = data.split(b"\n")
            rest = lines.pop(0)
            for raw in reversed(lines):
                if raw.strip():
                    line = raw.decode("utf-8", errors="replace")
                    yield line
                    if stop(line):
                        return
        if rest.strip():
            yield rest.decode("utf-8", errors="replace")


def checkpoint_for_paper(as_at: datetime.date) -> tuple[AuditCheckpoint | None, str]:
    """The checkpoint a committee paper carries, and why none was made if one could not be: for today's paper, one
    made now if the chain has moved since the newest (so the paper witnesses the trail as it stood when it was
    issued); for a past day's, the newest made by the end of that day. A paper is still shown without a key."""
    if as_at >= timezone.localdate():
        try:
            with transaction.atomic():
                made = make_checkpoint()
        except SigningKeyError as error:
            made, problem = None, str(error)
        else:
            problem = ""
        return made or AuditCheckpoint.objects.order_by("-sequence", "-id").first(), problem
    end_of_day = timezone.make_aware(datetime.datetime.combine(as_at + datetime.timedelta(days=1), datetime.time()))
    return AuditCheckpoint.objects.filter(made_at__lt=end_of_day).order_by("-sequence", "-id").first(), ""
