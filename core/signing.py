"""The audit trail's signing key: Ed25519, kept in a file outside the database.

This module imports nothing from Django's app registry, so that the dev and test settings can make their own key
with it before the apps load.
"""

import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey


class SigningKeyError(Exception):
    """The signing key file is missing, unreadable or not an Ed25519 private key."""


def write_signing_key(path: str | os.PathLike, *, overwrite: bool = False) -> Ed25519PrivateKey:
    """Make a new private key and write it to `path` as PEM, readable by its owner only."""
    path = Path(path)
    if path.exists() and not overwrite:
        raise SigningKeyError(f"{path} already exists; a new key would orphan every checkpoint signed by it.")
    path.parent.mkdir(parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    # Created with owner-only permissions, never world-readable even for a moment.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(pem)
    return key


def ensure_signing_key(path: str | os.PathLike) -> str:
    """The path of a key file, made first if there is none (development and tests only)."""
    if not Path(path).exists():
        write_signing_key(path)
    return str(path)


def load_signing_key(path: str | os.PathLike | None) -> Ed25519PrivateKey:
    if not path:
        raise SigningKeyError("AUDIT_SIGNING_KEY_FILE is not set: no checkpoint can be signed or checked.")
    try:
        key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    except OSError as error:
        raise SigningKeyError(f"The signing key file {path} cannot be read: {error.strerror}.") from error
    except ValueError as error:
        raise SigningKeyError(f"The signing key file {path} is not a PEM private key.") from error
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyError(f"The signing key in {path} is not an Ed25519 key.")
    return key


def public_key_hex(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw).hex()


def parse_public_key(text: str) -> Ed25519PublicKey:
    try:
        raw = bytes.fromhex(text.strip())
        return Ed25519PublicKey.from_public_bytes(raw)
    except ValueError as error:
        raise SigningKeyError("A public key is 64 hexadecimal characters (32 bytes, Ed25519).") from error


def sign(key: Ed25519PrivateKey, message: bytes) -> str:
    return key.sign(message).hex()


def signature_valid(public_key: Ed25519PublicKey, message: bytes, signature: str) -> bool:
    try:
        public_key.verify(bytes.fromhex(signature), message)
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True
