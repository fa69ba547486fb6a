"""Settings shared by every environment; everything that varies comes from the environment."""

import os
from pathlib import Path

import bootstrap  # the bootstrap-wrapper wheel: official dist css/ and js/
import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("GEMBA_VAR_DIR", BASE_DIR / "var"))


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "insecure-local-key-change-me")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
GEMBA_ENV = os.environ.get("GEMBA_ENV", "development")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "csp",
    "simple_history",
    "apps.core",
    "apps.accounts",
    "apps.organizations",
    "apps.engagements",
    "apps.notifications",
    "apps.scheduling",
    "apps.insights",
    "apps.dashboards",
    "apps.reviews",
    "apps.api",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Compresses HTML on the phone's slow link; Django's GZip adds BREACH mitigation (random padding).
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Accept-Language (or the switcher's cookie) before login; CurrentMembershipMiddleware applies the person's own.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "apps.organizations.middleware.CurrentMembershipMiddleware",
    # Records who made a change for history rows written outside a service that names the user.
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "apps.organizations.context_processors.membership",
                "apps.notifications.context_processors.notifications",
            ],
        },
    },
]

# Text limits render as data-max, never maxlength (which silently cuts a paste): apps/core/renderers.py.
FORM_RENDERER = "apps.core.renderers.FormRenderer"

# --- Database: DATABASE_URL, default an SQLite file under var/ -------------------------------
DEFAULT_SQLITE = f"sqlite:///{VAR_DIR / 'gemba.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL", DEFAULT_SQLITE), conn_max_age=0)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat share the file: WAL lets readers and one writer work side by side.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # Five indexes (participants' and the rollups') are covering indexes, `include=[...]`, for PostgreSQL's
    # index-only scans. SQLite has no such indexes: it builds them on the key columns alone, which is all it
    # needs, and Django warns once per model at every migrate (models.W040). That is the only check silenced,
    # and only on SQLite; PostgreSQL builds the indexes in full and never raises it.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis (optional) -------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")

# allauth's rate limits need a cache every process sees: Redis, else the database.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "gemba_cache"}}

# --- Celery: Redis when REDIS_URL is set, else kombu's filesystem transport under var/ ---------
CELERY_BROKER_DIR = VAR_DIR / "broker"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "socket_connect_timeout": 1,
        "socket_timeout": 2,
        "visibility_timeout": 3600,
    }
else:
    # A host, though the filesystem transport has none: without it kombu warns "No hostname was supplied" at every
    # connection of the worker and beat.
    CELERY_BROKER_URL = "filesystem://localhost//"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR),
        "data_folder_out": str(CELERY_BROKER_DIR),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        "store_processed": False,
        # The exchange tables; kombu's default is `control/` in the working directory (the repository root).
        "control_folder": str(CELERY_BROKER_DIR / "control"),
    }
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_ENABLE_UTC = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Periodic jobs are idempotent sweeps, declared by name.
CELERY_BEAT_SCHEDULE = {
    "organizations-send-pending-invitations": {
        "task": "organizations.send_pending_invitations",
        "schedule": 60.0,
    },
    # Reminders: claim due rows and hand them to the workers. A run the worker never picked up is dropped
    # (the next one, a minute later, does the same work).
    "scheduling-materialize-plans": {"task": "scheduling.materialize_plans", "schedule": 3600.0},
    "scheduling-mark-missed-sessions": {"task": "scheduling.mark_missed_sessions", "schedule": 600.0},
    "scheduling-resync-reminders": {"task": "scheduling.resync_reminders", "schedule": 3600.0},
    "scheduling-under-target-nudges": {
        "task": "scheduling.under_target_nudges",
        "schedule": crontab(minute=0, hour=7, day_of_week="mon"),
    },
    "insights-overdue-actions": {"task": "insights.overdue_actions", "schedule": crontab(minute=15, hour="*/6")},
    "insights-theme-months-sweep": {"task": "insights.theme_months_sweep", "schedule": 600.0},
    # Weekly digests and monthly reviews: plan what came due on each person's clock, hand it to the workers.
    "reviews-sweep-review-emails": {
        "task": "reviews.sweep_review_emails",
        "schedule": 300.0,
        "options": {"expires": 280},
    },
    "notifications-dispatch-due": {
        "task": "notifications.dispatch_due",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
}
# Whether a reminder's subject still calls for it, asked by the dispatcher and the worker of the app that owns
# the subject (the prefix of its source key): notifications sits below those apps and imports none of them.
REMINDER_RELEVANCE_CHECKS = {
    "session": "apps.scheduling.reminders.reminders_moot",
    "action": "apps.insights.reminders.reminders_moot",
}

# --- Auth: email login with allauth, TOTP MFA --------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_ADAPTER = "apps.accounts.adapters.AccountAdapter"
ACCOUNT_FORMS = {"signup": "apps.accounts.forms.SignupForm"}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Gemba] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https") else "http"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Gemba"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
INVITATION_TTL_DAYS = int(os.environ.get("INVITATION_TTL_DAYS", "7"))

# --- Email ---------------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# A hung SMTP server must not hold a worker: the send fails and the reminder is retried.
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "20"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Gemba <gemba@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- i18n / time --------------------------------------------------------------------------------
# English is the source language; Norwegian (bokmål) comes from the apps' catalogs (apps/<app>/locale, kept with
# `manage.py catalogs`). A person's own choice (User.language) wins, then their organization's default, then the
# browser's Accept-Language (django's LocaleMiddleware), then English.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("nb", "Norsk bokmål")]
# Gemba's own catalogs before every installed app's: where a text is also Django's or allauth's ("Edit",
# "Action"), the product's word (docs/glossary.md) is the one shown, not the admin's.
LOCALE_PATHS = [
    BASE_DIR / "apps" / name / "locale"
    for name in (
        "core",
        "accounts",
        "organizations",
        "notifications",
        "engagements",
        "insights",
        "scheduling",
        "dashboards",
        "reviews",
        "api",
    )
]
TIME_ZONE = "UTC"
USE_I18N = True
# Each language's date and number formats, including the project's own named formats (apps.core.dates.when).
FORMAT_MODULE_PATH = ["config.formats"]
LANGUAGE_COOKIE_SAMESITE = "Lax"

USE_TZ = True

# --- Static files: Bootstrap from the bootstrap-wrapper wheel, htmx from django-htmx -------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("bootstrap", Path(next(iter(bootstrap.__path__)))),
]
# Uploaded and generated files (board packs), served only by views that check who asks: never by a URL.
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- The REST API (/api/v1/): personal access tokens (Bearer) or the browser's session, problem+json errors
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "apps.api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "apps.api.problems.handler",
    "DEFAULT_THROTTLE_CLASSES": ["apps.api.throttles.PerToken"],
    "DEFAULT_THROTTLE_RATES": {"token": os.environ.get("API_RATE", "600/min")},
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Gemba API",
    "DESCRIPTION": "Customer time, learnings and what came of them. Authenticate with a personal access token: "
    "`Authorization: Bearer gmb_…` (made on /api/tokens/).",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "EngagementKindEnum": "apps.engagements.models.Kind",
        "LearningKindEnum": "apps.engagements.models.LearningKind",
    },
}

# --- Security headers and CSP --------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint tells each step and page at INFO (the pack's progress listens to it; the log need not).
        "weasyprint.progress": {"level": "WARNING", "propagate": False},
    },
}

# Publishing must not hang a request when the broker is down: one quick try, then the sweep.
CELERY_TASK_PUBLISH_RETRY = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
