"""Settings of the log write-path benchmark's gunicorn: the site's own (local, DEBUG off) with the bench URLconf,
which adds the baseline views in front of the site. Production never loads this module."""

from config.settings.local import *  # noqa: F403

DEBUG = False
ROOT_URLCONF = "bench.urls"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]  # testserver: the in-process half
LOGGING = {"version": 1, "disable_existing_loggers": True}
