"""Loaded by test workers (worker_settings' CELERY_IMPORTS): with SLOW_COMPOSE_SECONDS set, writing a review
email takes that long, so that a test can kill the worker while it writes (the long part of a real send: the
review's figures and its pack). Nothing else is changed; the email goes to the file backend as usual."""

import os
import time

from apps.reviews import mailing

_compose = mailing.compose


def _slow_compose(email, *, now):
    time.sleep(float(os.environ.get("SLOW_COMPOSE_SECONDS", "0")))
    return _compose(email, now=now)


mailing.compose = _slow_compose
