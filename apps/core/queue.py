"""Hand work to Celery only after the surrounding transaction commits, and never fail the caller.

If the broker is down the user's save still stands; the periodic sweeps find the work later.
"""

import logging
from functools import partial

from django.db import transaction

logger = logging.getLogger(__name__)


def _send(task, args):
    try:
        task.delay(*args)
    except Exception:
        logger.warning("could not enqueue %s%r; the sweep will pick it up", task.name, args, exc_info=True)


def enqueue_on_commit(task, *args):
    transaction.on_commit(partial(_send, task, args), robust=True)
