"""Local development: debug on, a fixed development-only secret key, the SQLite default."""

from .base import *  # noqa: F403
from .base import INSTALLED_APPS, env, env_bool, env_list

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env("SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# The large-register generator (manage.py generate_register), for development and benchmarks only.
INSTALLED_APPS = [*INSTALLED_APPS, "benchmarks"]
