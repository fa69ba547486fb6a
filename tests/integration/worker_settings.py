"""Settings for worker processes started by tests: the test database, slow file-based email."""

import os

from config.settings.test import *  # noqa: F403

DATABASES["default"]["NAME"] = os.environ["WORKER_DATABASE_NAME"]  # noqa: F405
EMAIL_BACKEND = "tests.integration.slow_email.SlowFileEmailBackend"
EMAIL_FILE_PATH = os.environ["EMAIL_FILE_PATH"]
