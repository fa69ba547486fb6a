"""pytest: fast hashing, mail kept in memory, deprecation warnings are errors (see pyproject)."""

import os

from .base import *  # noqa: F403
from .base import REDIS_URL

# pytest-xdist runs the suite in several processes ("gw0", "gw1", ...). pytest-django gives each its own
# test database; each also gets its own Celery queue and cache keys, so one process's purge, worker or
# cache never sees another's. Worker processes started by tests inherit the variable, so they match.
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if XDIST_WORKER:
    CELERY_TASK_DEFAULT_QUEUE = f"gemba-test-{XDIST_WORKER}"
    CACHES["default"]["KEY_PREFIX"] = f"test-{XDIST_WORKER}"

SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ALLOWED_HOSTS = ["*"]
ACCOUNT_RATE_LIMITS = False

# Tests never share a queue with a `make run` worker: Redis when given (CI), else an in-process broker.
if not REDIS_URL:
    CELERY_BROKER_URL = "memory://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {}

# Each test process writes its files (board packs) into its own folder.
MEDIA_ROOT = VAR_DIR / f"test-media-{XDIST_WORKER or 'main'}"

# Serve static files from the finders (no collectstatic before tests).
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# SQLite: a test database in a file, not in shared-cache memory. Browser tests send requests to a live server
# in other threads; in shared-cache memory a second writer fails at once ("table is locked"), while a file in
# WAL mode makes it wait its turn (the `timeout` above), as on PostgreSQL.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-gemba.sqlite3")}
