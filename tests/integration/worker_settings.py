"""Settings for worker processes started by tests: the test database, slow file-based email."""

import os

from config.settings.test import *  # noqa: F403

DATABASES["default"]["NAME"] = os.environ["WORKER_DATABASE_NAME"]  # noqa: F405
EMAIL_BACKEND = "tests.integration.slow_email.SlowFileEmailBackend"
EMAIL_FILE_PATH = os.environ["EMAIL_FILE_PATH"]
# Writing a review email can be slowed down too (SLOW_COMPOSE_SECONDS), to kill a worker while it writes.
CELERY_IMPORTS = ["tests.integration.slow_review_email"]
