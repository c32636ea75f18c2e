"""The one settings module. Everything that differs between machines comes from typed
environment variables; the defaults give a working local app on the embedded SQLite database.

- DATABASE_URL: PostgreSQL in production (postgres://user@host:port/name); SQLite when unset.
- OPENEPA_ENV: "development" (default) or "production". Production refuses to start without
  SECRET_KEY and turns on the secure cookie and HSTS settings.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"{name} must be true or false, not {raw!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    return default if raw is None else [p.strip() for p in raw.split(",") if p.strip()]


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, not {raw!r}") from None
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, not {value}")
    return value


ENVIRONMENT = env_str("OPENEPA_ENV", "development")
if ENVIRONMENT not in {"development", "production"}:
    raise ValueError(f"OPENEPA_ENV must be development or production, not {ENVIRONMENT!r}")
PRODUCTION = ENVIRONMENT == "production"

if PRODUCTION and "SECRET_KEY" not in os.environ:
    raise RuntimeError("SECRET_KEY must be set when OPENEPA_ENV=production")
# The development key is public on purpose: it signs nothing that leaves a developer's machine.
SECRET_KEY = env_str("SECRET_KEY", "openepa-development-only-not-secret")
DEBUG = env_bool("DEBUG", not PRODUCTION)
ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # The form templates and the GOV.UK component tags every page uses (no models).
    "openepa.core",
    "openepa.reference",
    "openepa.organisations",
    "openepa.accounts",
    "openepa.enrolments",
    "openepa.gateway",
    "openepa.bookings",
    "openepa.assessments",
    "openepa.results",
    "openepa.evidence",
    "openepa.certificates",
    "openepa.notifications",
    "openepa.documents",
    "openepa.quality",
    "openepa.assessors",
    "openepa.cases",
    "openepa.bulk",
    "openepa.planner",
    "openepa.web",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "openepa.accounts.middleware.RequireTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the session and the user: notes when the user last changed something, for the
    # home page's kept lists (openepa.web.changes).
    "openepa.web.changes.RememberChangesMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Last, as django-axes asks: it answers a throttled sign-in before the view runs.
    "axes.middleware.AxesMiddleware",
]

# Django 6's built-in Content-Security-Policy: scripts and styles only from our own origin,
# never inline (issue 6 security baseline); forms post only to ourselves.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}

ROOT_URLCONF = "openepa.urls"
WSGI_APPLICATION = "openepa.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "openepa.web.navigation.main_navigation",
            ],
            # The GOV.UK component tags ({% summary_row %}, {% tag %}, …) on every template.
            "builtins": ["openepa.core.templatetags.govuk"],
        },
    },
]

if "DATABASE_URL" not in os.environ:
    # The embedded default lives in var/ (git-ignored); make it on first use.
    (BASE_DIR / "var").mkdir(exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'openepa.sqlite3'}"),
        conn_max_age=60,
        # A kept connection the database has dropped (restart, failover, an idle timeout,
        # pg_terminate_backend) is checked before a request or a worker task reuses it and
        # replaced, instead of failing that request with a 500 (issue 11 §4).
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL compiles a query to machine code (JIT) once its estimated cost passes
    # jit_above_cost: for a page's aggregate over about 100,000 rows that compiling took 70 to
    # 150 ms of the request and saved less than it cost. Pages read a page of rows or one
    # count at a time, so JIT is off for the app's connections (analysts' own sessions keep it).
    # Parallel query is off for them too: a search's count or sort over a couple of thousand
    # matches was planned with a worker process, and starting it (and merging its rows) took
    # 20 to 50 ms of a request whose work was 10 ms; the web workers already keep every core
    # busy, so a page gains nothing from a second process. Without that worker, the planner
    # priced the search's two thousand index lookups (one enrolment per matching apprentice)
    # above reading all 100,000 enrolments, at the spinning-disk price of a random page
    # (random_page_cost 4); on SSDs, or a database its server holds in memory, a random read
    # costs about what a sequential one does, hence 1.1 (the usual setting for SSDs).
    _settings = "-c jit=off -c max_parallel_workers_per_gather=0 -c random_page_cost=1.1"
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    # The URL's own options (`?options=-c%20random_page_cost%3D4`) come last, so they win.
    _options["options"] = f"{_settings} {_options.get('options', '')}".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The covering indexes' INCLUDE columns (index-only counts) are PostgreSQL's, the production
# database; SQLite builds the same indexes on their key columns alone, which is still correct,
# so its warning about them says nothing to act on.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Throttle failed sign-ins per (email, IP address) pair only: someone failing with another
# person's email from their own address cannot lock that person out (issue 6 baseline).
# TOTP two-factor authentication is required of EPAO admins, assessors and IQAs (issue 6).
# On by default in production; off by default on a developer's machine so the demo sign-ins
# work at once (set OPENEPA_REQUIRE_2FA=true to try it locally).
OPENEPA_REQUIRE_2FA = env_bool("OPENEPA_REQUIRE_2FA", PRODUCTION)
OTP_TOTP_ISSUER = "OpenEPA"
# First-time two-factor set-up is unlocked by a one-time link emailed to the account's
# address, not by the password alone (issue 11 §4); the link works for this many minutes.
OPENEPA_2FA_SETUP_LINK_MINUTES = env_int("OPENEPA_2FA_SETUP_LINK_MINUTES", 60, minimum=1)

AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
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

# Uploaded evidence lives outside the web root and the static files; only the
# access-checked download view reads it (issue 6 §4).
OPENEPA_UPLOAD_ROOT = Path(env_str("OPENEPA_UPLOAD_ROOT", str(BASE_DIR / "var" / "uploads")))
OPENEPA_UPLOAD_MAX_BYTES = int(env_str("OPENEPA_UPLOAD_MAX_BYTES", str(10 * 1_000_000)))

# Where files are kept (issue 15 §6): uploaded evidence and the stored PDFs of results'
# documents go through Django's default storage. By default a folder on this machine
# (OPENEPA_UPLOAD_ROOT); with OPENEPA_S3_BUCKET set, an S3-compatible bucket (AWS S3, MinIO,
# Ceph, ...), so that web servers and workers on several hosts share the same files. The
# credentials are boto3's own: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY in the environment,
# or the host's role (docs/DEPLOY.md). Objects are private: only the access-checked views
# read them, never a public URL.
OPENEPA_S3_BUCKET = env_str("OPENEPA_S3_BUCKET", "")


def s3_storage(
    bucket: str,
    *,
    endpoint_url: str = "",
    region: str = "",
    prefix: str = "",
    addressing_style: str = "",
) -> dict[str, object]:
    """The default storage in an S3-compatible bucket (django-storages' S3 backend)."""
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            # Another S3-compatible server than AWS (https://minio.example.internal:9000).
            "endpoint_url": endpoint_url or None,
            "region_name": region or None,
            # A folder inside the bucket, so that one bucket can hold several installations.
            "location": prefix,
            # "path" for servers without virtual-host buckets (MinIO's default set-up).
            "addressing_style": addressing_style or None,
            "signature_version": "s3v4",
            "default_acl": None,  # the bucket's own policy: private
            "querystring_auth": True,  # were a URL ever made, it would be signed
            "file_overwrite": False,  # a name in use gets another, never overwritten
        },
    }


_files: dict[str, object] = {"BACKEND": "openepa.core.files.UploadFolder"}
if OPENEPA_S3_BUCKET:
    _files = s3_storage(
        OPENEPA_S3_BUCKET,
        endpoint_url=env_str("OPENEPA_S3_ENDPOINT_URL", ""),
        region=env_str("OPENEPA_S3_REGION", ""),
        prefix=env_str("OPENEPA_S3_PREFIX", ""),
        addressing_style=env_str("OPENEPA_S3_ADDRESSING_STYLE", ""),
    )
STORAGES: dict[str, dict[str, object]] = {
    "default": _files,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"

# Django 6.1's MAILERS (EMAIL_BACKEND is deprecated). Locally the worker prints one line per
# email (recipient and subject); SMTP etc. by setting.
_default_mail_backend = (
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "openepa.notifications.console.OneLineBackend"
)
_mail_backend = env_str("EMAIL_BACKEND", _default_mail_backend)
MAILERS: dict[str, dict[str, object]] = {"default": {"BACKEND": _mail_backend}}
if _mail_backend.endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {
        "host": env_str("EMAIL_HOST", "localhost"),
        "port": int(env_str("EMAIL_PORT", "587")),
        "username": env_str("EMAIL_HOST_USER", ""),
        "password": env_str("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS", True),
        # A mail server that stops answering fails the send (retried later) instead of
        # holding the worker; well under OPENEPA_TASK_TIMEOUT_SECONDS.
        "timeout": env_int("EMAIL_TIMEOUT", 60, minimum=1),
    }
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "OpenEPA <no-reply@openepa.localhost>")

# The address links in emails point at (the app's public origin, no trailing slash).
OPENEPA_BASE_URL = env_str("OPENEPA_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

# Background work (issue 4): Django's tasks framework with django-tasks-db's database
# backend, so tasks are rows in the app's own database (SQLite or PostgreSQL) and no broker
# is needed. `manage.py db_worker` runs them; `make run` starts one beside the web server.
TASKS = {"default": {"BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}
# A failed email send is retried by the worker after 1, 5, 25, ... minutes (each wait five
# times the last) until this many attempts; then it stays failed on the admins' outbox page.
OPENEPA_EMAIL_MAX_ATTEMPTS = env_int("OPENEPA_EMAIL_MAX_ATTEMPTS", 5, minimum=1)
OPENEPA_EMAIL_RETRY_MINUTES = env_int("OPENEPA_EMAIL_RETRY_MINUTES", 1, minimum=1)
# A task still "running", or an email still "sending", after this many seconds is taken to
# have lost its worker (killed, out of memory): the worker's recovery, at its start and every
# minute, queues the task again or marks the email "failed, outcome unknown" for an admin.
# Longer than any task takes (the slowest is an email with PDFs to a slow mail server).
OPENEPA_TASK_TIMEOUT_SECONDS = env_int("OPENEPA_TASK_TIMEOUT_SECONDS", 600, minimum=1)
# Reminders before a resit or retake deadline, in working days before it (one each).
OPENEPA_RESIT_REMINDER_WORKING_DAYS = [
    int(n) for n in env_list("OPENEPA_RESIT_REMINDER_WORKING_DAYS", ["10", "3"])
]
# The EPAO admin's part of the home page, its figures, charts and lists (openepa.web.dashboards),
# and the consistency report's EPAO totals and number of assessors, are counted at most once
# per this many seconds in each process, and again for a user who has changed something
# since (openepa.core.kept); the pages say when; 0 counts them on every request. Each process
# keeps its own copy (CACHES below: hosts share only the database), so keep it short.
OPENEPA_HOME_FIGURES_SECONDS = env_int("OPENEPA_HOME_FIGURES_SECONDS", 60)
# The process's own memory: nothing is kept that must be the same on every host.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# A staff list's download holding more rows than this is not streamed by the web worker:
# the page offers to prepare it in the background, and the worker writes the file to the
# default storage (STORAGES above), keeps it this many days and sends a notice when it is
# ready (openepa.core.downloads, openepa.notifications.prepared; docs/DEPLOY.md).
# 250 so that a streamed download holds a web process no longer than a page does (about
# 30 ms: at 16 connections on 2 workers a request waits behind some 8 others, and the goal
# is a p95 of 300 ms). At 100,000 apprentices, on a busy 2-core machine, building, counting
# and writing a list of N rows took (benchmarks/download_rows.py) 7-22 ms at 250 rows, 12-33
# ms at 500 and 18-60 ms at 1,000 (pipeline, results, IQA queue, open cases; CSV and XLSX);
# the IQA queue's 400 rows took 23-40 ms, and streamed at 16 connections their p95 was
# 201-305 ms. A longer list waits a few seconds for the worker instead.
OPENEPA_DOWNLOAD_NOW_ROWS = env_int("OPENEPA_DOWNLOAD_NOW_ROWS", 250, minimum=1)
OPENEPA_DOWNLOAD_KEEP_DAYS = env_int("OPENEPA_DOWNLOAD_KEEP_DAYS", 7, minimum=1)
# The hour (local time) at which the worker runs the daily reminder scan.
OPENEPA_REMINDER_HOUR = env_int("OPENEPA_REMINDER_HOUR", 7)
# The typeface of the PDF documents: DejaVu Sans from Debian's fonts-dejavu-core covers
# names beyond Latin-1 (Łukasz, Żaneta); without it the documents use Helvetica.
OPENEPA_PDF_FONT_DIR = env_str("OPENEPA_PDF_FONT_DIR", "/usr/share/fonts/truetype/dejavu")
# The Apprenticeship Assessment Service API for EPAOs (issue 13): where the worker sends
# EPA records and certificate requests, and the subscription key of the EPAO's account
# (sent as Ocp-Apim-Subscription-Key). No URL: nothing is sent (the file export still works).
OPENEPA_ASSESSMENT_SERVICE_URL = env_str("OPENEPA_ASSESSMENT_SERVICE_URL", "").rstrip("/")
OPENEPA_ASSESSMENT_SERVICE_KEY = env_str("OPENEPA_ASSESSMENT_SERVICE_KEY", "")
# Seconds to wait for one answer; a timeout is retried like a 5xx answer.
OPENEPA_ASSESSMENT_SERVICE_TIMEOUT = env_int("OPENEPA_ASSESSMENT_SERVICE_TIMEOUT", 30, minimum=1)
# Tries of a call that gets no answer or a 5xx; waits of 1, 5, 25 ... minutes between.
OPENEPA_ASSESSMENT_SERVICE_MAX_ATTEMPTS = env_int(
    "OPENEPA_ASSESSMENT_SERVICE_MAX_ATTEMPTS", 5, minimum=1
)
OPENEPA_ASSESSMENT_SERVICE_RETRY_MINUTES = env_int(
    "OPENEPA_ASSESSMENT_SERVICE_RETRY_MINUTES", 1, minimum=1
)
# CSV bulk registration (issue 4 item 5): the largest file and the most rows one upload takes.
OPENEPA_BULK_MAX_BYTES = int(env_str("OPENEPA_BULK_MAX_BYTES", str(10 * 1024 * 1024)))
OPENEPA_BULK_MAX_ROWS = int(env_str("OPENEPA_BULK_MAX_ROWS", "50000"))

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # Behind a TLS-terminating proxy that sets X-Forwarded-Proto (docs/DEPLOY.md §5); only
    # safe when the proxy strips that header from clients' requests, hence opt-in.
    if env_bool("OPENEPA_BEHIND_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
