"""Test runs: fast hashing, mail kept in memory, media in a temporary folder."""

import tempfile

from core.signing import ensure_signing_key

from .base import *  # noqa: F403
from .base import INSTALLED_APPS

DEBUG = False
# The large-register generator, so that its command is tested; never installed in production.
INSTALLED_APPS = [*INSTALLED_APPS, "benchmarks"]
SECRET_KEY = "test-only-key"
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
MEDIA_ROOT = tempfile.mkdtemp(prefix="bvgov-test-media-")
# A signing key of the run's own; tests/conftest.py gives each test a checkpoint file of its own.
_anchor = tempfile.mkdtemp(prefix="bvgov-test-anchor-")
AUDIT_SIGNING_KEY_FILE = ensure_signing_key(f"{_anchor}/audit-signing-key.pem")
AUDIT_CHECKPOINT_FILE = f"{_anchor}/audit-checkpoints.jsonl"
AUDIT_PUBLIC_KEY = None
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING = {"version": 1, "disable_existing_loggers": False}
# Tests serve static files through the finders; there is no collected STATIC_ROOT to look in.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# The same cache backends as production (bvgov.settings.base); tests/conftest.py clears every cache between tests.
