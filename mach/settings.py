"""Settings for the MACH front-door service, read from the environment.

`DATABASE_URL` and `REDIS_URL` name the PostgreSQL database and the Redis server. When they are
unset, `python -m mach.launch` starts embedded ones before Django is configured, so by the time
this module is imported they are always set; a missing value here is a configuration error.
"""

from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from mach.dbroles import APP_ROLE
from mach.workflows import EnumNames

BASE_DIR = Path(__file__).resolve().parent.parent


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = _env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "development-only-key-never-used-in-production-5f0c2d9a7b4e4c1f8a3d6e9b2c7f1a0d"

ALLOWED_HOSTS = _env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = _env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "mach",
    "triage",
    "assessments",
    "strategy_meetings",
    "safety_plans",
    "assessments.homeless",
]

MIDDLEWARE = [
    # Outermost, so that it also sees database errors raised by the session and auth middleware.
    "mach.unavailable.DatabaseUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "mach.web.session.SessionLimitsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "mach.web.security.ContentSecurityPolicyMiddleware",
    "mach.api.input.ApiRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "mach.urls"
WSGI_APPLICATION = "mach.wsgi.application"
AUTH_USER_MODEL = "mach.User"

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
                "mach.web.pages.navigation",
            ],
        },
    },
]

if not os.environ.get("DATABASE_URL"):
    raise ImproperlyConfigured(
        "DATABASE_URL is not set. Start the service with `python -m mach.launch`, which starts "
        "an embedded PostgreSQL when no database is named."
    )
# Django's PostgreSQL backend with a health check that costs no round trip (mach/database).
DATABASE_ENGINE = "mach.database"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ["DATABASE_URL"], conn_max_age=60, engine=DATABASE_ENGINE
    )
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# The hot path's statements built once (mach/rows.py `prepared_cursor`) are prepared: PostgreSQL
# parses and plans each once per connection. psycopg prepares only the statements asked for, as
# this threshold is never reached (Django's cursors put values into the text, never prepared).
# Set DATABASE_PREPARED_STATEMENTS=0 behind a pooler in transaction mode that cannot keep
# prepared statements (PgBouncer before 1.21, or without max_prepared_statements).
DATABASE_PREPARED_STATEMENTS = os.environ.get("DATABASE_PREPARED_STATEMENTS", "1") != "0"
DATABASE_OPTIONS = {"prepare_threshold": 1 << 30}
DATABASES["default"]["OPTIONS"] = dict(DATABASE_OPTIONS)
# The role the service connects as (mach/dbroles.py): migrate, run as the owner, grants it rows
# to read and write and nothing more. It is DATABASE_APP_URL's user when that is set.
DATABASE_APP_ROLE = os.environ.get("DATABASE_APP_ROLE") or (
    dj_database_url.parse(os.environ["DATABASE_APP_URL"])["USER"]
    if os.environ.get("DATABASE_APP_URL")
    else APP_ROLE
)
# After a database restart, a kept connection is dead: check it before reusing it, so that the
# first request on each web worker does not fail on it. The check asks the connection's socket
# and sends a statement only when something has arrived on it (mach/database).
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# How long a client should wait before retrying when the database is unreachable (503).
DATABASE_UNAVAILABLE_RETRY_AFTER = 30
# A read replica for reports and the dashboard (mach/replica.py). In tests it mirrors the test
# database, as a replica would.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = {
        **dj_database_url.parse(
            os.environ["DATABASE_REPLICA_URL"], conn_max_age=60, engine=DATABASE_ENGINE
        ),
        "ATOMIC_REQUESTS": False,
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": dict(DATABASE_OPTIONS),
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["mach.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")

# API request rates (DRF's "N/second|minute|hour|day"), counted in Redis under their own key
# prefix. Short socket timeouts: when Redis is down the API lets requests through unthrottled
# (mach/api/throttling.py) and asks Redis again only after THROTTLE_RETRY_AFTER_FAILURE seconds.
API_THROTTLE_RATES = {
    "address": os.environ.get("THROTTLE_RATE_ADDRESS", "1200/minute"),
    "user": os.environ.get("THROTTLE_RATE_USER", "600/minute"),
    "partner_agency": os.environ.get("THROTTLE_RATE_PARTNER", "120/minute"),
}
THROTTLE_RETRY_AFTER_FAILURE = float(os.environ.get("THROTTLE_RETRY_AFTER_FAILURE", "10"))
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "throttle": {
        "BACKEND": "mach.api.throttling.ThrottleCache",
        "LOCATION": os.environ.get("THROTTLE_REDIS_URL", REDIS_URL),
        "KEY_PREFIX": "throttle",
        "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
    },
}

# Sign-in and /admin/ lock a username, and a source address, out after AXES_FAILURE_LIMIT
# failures for AXES_COOLOFF_MINUTES (django-axes); attempts and lock-outs are listed in the
# admin. Behind NAT a whole office is one address: AXES_LOCK_OUT_ADDRESSES=0 locks usernames
# only (and `check --deploy` then warns).
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = [
    "username",
    *(["ip_address"] if _env_bool("AXES_LOCK_OUT_ADDRESSES", True) else []),
]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_CALLABLE = "mach.web.accounts.locked_out"
# The client's address is REMOTE_ADDR unless PROXY_COUNT proxies in front of the service add
# X-Forwarded-For; a client could write that header itself otherwise.
PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if PROXY_COUNT else ["REMOTE_ADDR"]
)
AXES_IPWARE_PROXY_COUNT = PROXY_COUNT or None

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
# GOV.UK Frontend's scripts, fonts and images, installed from the npm registry by the set-up
# command; its styles are compiled with this service's settings into mach/static/mach/.
STATICFILES_DIRS = [("govuk", BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk")]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Refuse oversized bodies before any parsing: a contact is a few kilobytes.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024

LOGIN_URL = "web:sign-in"
LOGIN_REDIRECT_URL = "web:home"
# Web sessions end after this long without a request, and this long after signing in whatever
# the activity (local defaults, in seconds). A deactivated user's sessions end at once.
SESSION_IDLE_TIMEOUT = int(os.environ.get("SESSION_IDLE_TIMEOUT", str(30 * 60)))
SESSION_ABSOLUTE_TIMEOUT = int(os.environ.get("SESSION_ABSOLUTE_TIMEOUT", str(10 * 60 * 60)))
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = _env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "mach.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["mach.permissions.DenyAll"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["mach.api.input.JSONParser"],
    # Per source address: mach.api.input.ApiRequestMiddleware, before authentication.
    "DEFAULT_THROTTLE_CLASSES": ["mach.api.throttling.TokenRateThrottle"],
    "NUM_PROXIES": PROXY_COUNT or None,
    "DEFAULT_SCHEMA_CLASS": "mach.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "EXCEPTION_HANDLER": "mach.api.errors.exception_handler",
    "DATETIME_FORMAT": "iso-8601",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "MACH front-door API",
    "DESCRIPTION": (
        "Contacts, screening and timeliness for a children's services front door. "
        "Partner agencies authenticate with `Authorization: Token <key>`."
    ),
    "VERSION": "1.0.0",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "mach.openapi.document_errors",
    ],
    # Each app registers the names of its enums through mach.workflows.
    "ENUM_NAME_OVERRIDES": EnumNames(),
}

CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_RESULT_EXPIRES = 3600
# A web request must never hang on a broker that is down: the database is the source of truth
# and the next sweep catches up, so publishing fails fast, without retrying, and after a failure
# a process skips publishing for BROKER_SKIP_AFTER_FAILURE seconds (mach.services.enqueue).
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_CONNECTION_TIMEOUT = 1
BROKER_SKIP_AFTER_FAILURE = float(os.environ.get("BROKER_SKIP_AFTER_FAILURE", "15"))
# Workers and beat ride out a Redis outage: they retry the connection for ever (the default
# gives up after 100 tries and the worker exits), the health checks notice a half-open
# connection, and keepalive lets the kernel notice a vanished peer.
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_BROKER_CHANNEL_ERROR_RETRY = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # Publishing tries to connect once; kombu's default retries for 2 seconds (the worker's own
    # reconnection follows the CELERY_BROKER_CONNECTION_* settings above, not these).
    "max_retries": 1,
    "interval_start": 0,
    "socket_connect_timeout": 1,
    "socket_timeout": 5,
    "socket_keepalive": True,
    "health_check_interval": 10,
    # A task a worker took but never acknowledged (killed mid-task) goes back to the queue after
    # this long; longer than the longest task (the alert delivery budget is far shorter).
    "visibility_timeout": 900,
}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 1,
    "socket_keepalive": True,
    "health_check_interval": 10,
    "retry_policy": {"max_retries": 1, "interval_start": 0, "interval_step": 0.5},
}
CELERY_REDIS_SOCKET_KEEPALIVE = True
# Tasks are fire-and-forget; only the sweep keeps its result (for operators and tests).
CELERY_TASK_IGNORE_RESULT = True
# Seconds between the beat's sweeps (every catch-up after an outage waits at most this long).
SWEEP_INTERVAL = float(os.environ.get("SWEEP_INTERVAL", "60"))
# The management-information summary (mach/figures.py): yesterday and today recounted every
# FIGURES_REFRESH_SECONDS, and each earlier day of the last FIGURES_SUMMARY_DAYS again once its
# figures are FIGURES_MAX_AGE_HOURS old, FIGURES_DAYS_PER_RUN days at most per run.
FIGURES_REFRESH_SECONDS = float(os.environ.get("FIGURES_REFRESH_SECONDS", "60"))
FIGURES_SUMMARY_DAYS = int(os.environ.get("FIGURES_SUMMARY_DAYS", "800"))
FIGURES_MAX_AGE_HOURS = float(os.environ.get("FIGURES_MAX_AGE_HOURS", "24"))
FIGURES_DAYS_PER_RUN = int(os.environ.get("FIGURES_DAYS_PER_RUN", "62"))
CELERY_BEAT_SCHEDULE = {
    "sweep-deadlines": {"task": "mach.tasks.sweep_deadlines", "schedule": SWEEP_INTERVAL},
    "refresh-figures": {"task": "mach.tasks.refresh_figures", "schedule": FIGURES_REFRESH_SECONDS},
}

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "mach-front-door@localhost")
if os.environ.get("EMAIL_FILE_PATH"):
    EMAIL_FILE_PATH = os.environ["EMAIL_FILE_PATH"]
EMAIL_TIMEOUT = 30
# Alert emails go out in batches until none is left or the run's time budget is spent; an alert
# claimed by a worker that then died is claimed again after ALERT_DELIVERY_CLAIM_TIMEOUT
# seconds (so it may go out twice, never more).
ALERT_DELIVERY_BATCH_SIZE = int(os.environ.get("ALERT_DELIVERY_BATCH_SIZE", "100"))
ALERT_DELIVERY_TIME_BUDGET = float(os.environ.get("ALERT_DELIVERY_TIME_BUDGET", "50"))
ALERT_DELIVERY_CLAIM_TIMEOUT = float(os.environ.get("ALERT_DELIVERY_CLAIM_TIMEOUT", "300"))

# Local defaults of the front door (spec section 2): settings an authority changes in its
# environment, without a release. Days are Monday=0 .. Sunday=6; a day not listed is closed.
FRONT_DOOR_HOURS: dict[int, tuple[str, str]] = {
    int(day): (opening, closing)
    for day, (opening, closing) in json.loads(
        os.environ.get(
            "FRONT_DOOR_HOURS",
            '{"0": ["08:30", "17:00"], "1": ["08:30", "17:00"], "2": ["08:30", "17:00"],'
            ' "3": ["08:30", "17:00"], "4": ["08:30", "16:30"]}',
        )
    ).items()
}
BANK_HOLIDAY_COUNTRY = os.environ.get("BANK_HOLIDAY_COUNTRY", "GB")
BANK_HOLIDAY_SUBDIVISION = os.environ.get("BANK_HOLIDAY_SUBDIVISION", "ENG")
# Operation Encompass (spec section 6): schools are told before this time on the next school day.
SCHOOL_DAY_START = os.environ.get("SCHOOL_DAY_START", "08:30")
# The daily domestic-abuse triage meeting takes the notifications received before this time.
DA_TRIAGE_MEETING_TIME = os.environ.get("DA_TRIAGE_MEETING_TIME", "09:30")
INTAKE_TEAM_SLUG = os.environ.get("INTAKE_TEAM_SLUG", "mach")
# The local clock time by which the MACH oversees an EDT handover on the next working day.
EDT_OVERSIGHT_AT = os.environ.get("EDT_OVERSIGHT_AT", "10:00")
# The authority's three-digit DfE local authority code, in the CIN census header (local default:
# 806, Middlesbrough).
CIN_LA_CODE = os.environ.get("CIN_LA_CODE", "806")
# Local rules of the workflows (README, "Local rules"), as JSON; each app keeps its own default
# for a rule not set here and reads the setting at call time.
for _rule in (
    "THRESHOLD_LEVEL_NAMES",
    "THRESHOLD_OUTCOMES_BY_LEVEL",
    "OVERSIGHT_WORKING_DAYS",
    "PARTNER_RED_RESPONSE_HOURS",
    "SAFETY_PLAN_BLOCKING_CHECKS",
    "SAFETY_PLAN_JARGON",
    # The share of submitted case audits a second auditor moderates, chosen at random (0.2).
    "AUDIT_MODERATION_SHARE",
):
    if os.environ.get(_rule):
        globals()[_rule] = json.loads(os.environ[_rule])
# The dotted path of the class that carries a decision back to the referrer; empty: the
# app's own default (email).
REFERRER_FEEDBACK_CHANNEL = os.environ.get("REFERRER_FEEDBACK_CHANNEL", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"client_errors_as_info": {"()": "mach.log_levels.ClientErrorsAsInfo"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"filters": ["client_errors_as_info"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
