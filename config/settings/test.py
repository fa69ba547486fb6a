"""pytest: fast hashing, mail kept in memory, deprecation warnings are errors (see pyproject)."""

from .base import *  # noqa: F403

SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ALLOWED_HOSTS = ["*"]
# Each test run talks to an empty broker folder of its own.
CELERY_TASK_ALWAYS_EAGER = False
ACCOUNT_RATE_LIMITS = False
# Serve static files from the finders (no collectstatic before tests).
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
