"""Local development: debug on, a fixed development-only secret key, the SQLite default."""

from core.signing import ensure_signing_key

from .base import *  # noqa: F403
from .base import BASE_DIR, INSTALLED_APPS, env, env_bool, env_list

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env("SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# The large-register generator (manage.py generate_register), for development and benchmarks only.
INSTALLED_APPS = [*INSTALLED_APPS, "benchmarks"]
# The checkpoints' signing key and file, made on first use in the project's data/ folder (not committed).
AUDIT_SIGNING_KEY_FILE = env("AUDIT_SIGNING_KEY_FILE") or ensure_signing_key(
    BASE_DIR / "data" / "audit-signing-key.pem"
)
AUDIT_CHECKPOINT_FILE = env("AUDIT_CHECKPOINT_FILE") or str(BASE_DIR / "data" / "audit-checkpoints.jsonl")
