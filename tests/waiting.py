"""Waiting for what another process or thread does (a worker's send, a live server's write)."""

import time


def wait_for(predicate, timeout=120.0, interval=0.05):
    """True as soon as `predicate()` holds; its last answer after `timeout` seconds. A passing wait ends at once, so
    the generous default only lengthens a failure, which on a loaded machine is better than a flaky pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()
