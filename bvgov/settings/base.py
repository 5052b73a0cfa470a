"""Settings shared by every environment. Anything that differs between machines comes from the environment."""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def required_env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise ImproperlyConfigured(f"The environment variable {name} must be set.")
    return value


DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "simple_history",
    "core",
    "bvgov",
    "programmes",
    "reviews",
    "recommendations",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before any view or the CSRF check reads the body; after authentication, as signed-in requests may send more.
    "bvgov.uploads.RequestSizeLimitMiddleware",
    "bvgov.middleware.NoStoreMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the messages middleware: it leaves a message on the sign-in page saying why the person was signed out.
    "bvgov.middleware.IdleTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "bvgov.urls"
WSGI_APPLICATION = "bvgov.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Without DATABASE_URL the app runs on an embedded SQLite file so that `make run` works on a fresh machine.
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(env("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# The role the web processes connect as (`manage.py db_roles`): `migrate`, run as the owner role, grants it its
# privileges on every table after migrating. Empty: no grants are made (one role, or SQLite).
DATABASE_APP_ROLE = env("DATABASE_APP_ROLE", "")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "bvgov.User"
AUTHENTICATION_BACKENDS = ["bvgov.backends.RegisterModelBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

# A session lasts at most 8 hours from sign-in (the expiry is fixed when the person signs in, so activity never
# extends it), and ends sooner after 30 minutes without a request (bvgov.middleware.IdleTimeoutMiddleware).
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_IDLE_TIMEOUT = 30 * 60
SESSION_COOKIE_HTTPONLY = True
# Pages hand the CSRF token to htmx in a <meta> tag, so no script needs to read the cookie.
CSRF_COOKIE_HTTPONLY = True

# After this many failed sign-ins for one username, or from one address, within the window, sign-in is refused.
SIGN_IN_MAX_FAILURES = 5
SIGN_IN_FAILURE_WINDOW = 15 * 60
# How many reverse proxies in front of the app append to X-Forwarded-For; 0 trusts only REMOTE_ADDR.
TRUSTED_PROXY_COUNT = int(env("TRUSTED_PROXY_COUNT", "0"))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# The project's own assets (static/build/ is compiled by `make assets`), then the scripts and images of the front-end
# packages that `make assets` copies out of node_modules into build/vendor/ (never the GOV.UK fonts); nothing
# third-party is committed or fetched from a CDN.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("govuk", BASE_DIR / "build/vendor/govuk"),
    ("moj", BASE_DIR / "build/vendor/moj"),
    ("htmx", BASE_DIR / "build/vendor/htmx"),
]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT") or BASE_DIR / "media")

# Every script and stylesheet is a static file: no inline <script>, style="" or eval, so none is allowed.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True

# A request's form fields may come to 10 MB before it is refused; an uploaded file over 10 MB is written to a
# temporary file instead of being held in memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# No file over UPLOAD_MAX_SIZE is read, and no request body over it and a form's allowance; an anonymous request
# (the sign-in form) may send 64 KB. Refused with 413 while the body streams in, before it reaches memory or disk
# (bvgov.uploads).
UPLOAD_MAX_SIZE = int(float(env("UPLOAD_MAX_MB", "10")) * 1024 * 1024)
UPLOAD_FORM_ALLOWANCE = 1024 * 1024
ANONYMOUS_REQUEST_MAX_SIZE = 64 * 1024
FILE_UPLOAD_HANDLERS = [
    "bvgov.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# Change reasons are free text written by people, not a 100-character label.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
SIMPLE_HISTORY_REVERT_DISABLED = True

# The audit trail's anchor (core.checkpoints): the Ed25519 private key that signs checkpoints, kept outside the
# database, and the file outside it that every checkpoint is appended to. AUDIT_PUBLIC_KEY (64 hex characters), if
# set, is the key checkpoints are checked with instead of the signing key's (a verifier that holds no private key).
AUDIT_SIGNING_KEY_FILE = env("AUDIT_SIGNING_KEY_FILE")
AUDIT_CHECKPOINT_FILE = env("AUDIT_CHECKPOINT_FILE")
AUDIT_PUBLIC_KEY = env("AUDIT_PUBLIC_KEY")

MAILERS = {"default": {"BACKEND": env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")}}
# The address people reach bvgov at, for links in reminder emails and calendar feeds.
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000")

# The escalation ladder: an action this many days overdue goes to its owner's line manager, then to the chair of the
# board accountable for it, which the committee dashboard shows as escalated (recommendations.escalation).
ESCALATION_LADDER = {
    "line_manager": int(env("ESCALATE_TO_LINE_MANAGER_DAYS", "14")),
    "board_chair": int(env("ESCALATE_TO_BOARD_DAYS", "28")),
}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "bvgov@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
}

# "pages": fragments of the dashboards, keyed on the register's version (programmes.versions: the audit chain's head
# and today's date) and on nothing else. Each web process keeps its own; the version is read from the database on
# every request, so no process serves a page the register has moved past. PAGES_CACHE=False keeps nothing.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache"
        if env_bool("PAGES_CACHE", True)
        else "django.core.cache.backends.dummy.DummyCache",
        "LOCATION": "bvgov-pages",
        "OPTIONS": {"MAX_ENTRIES": 300},
    },
}

# Benchmark runs only (benchmarks/run.py): query counts and server time on every response. Never in production use.
BENCHMARK_HEADERS = env_bool("BENCHMARK_HEADERS", False)
if BENCHMARK_HEADERS:
    MIDDLEWARE = ["bvgov.middleware.QueryCountMiddleware", *MIDDLEWARE]
