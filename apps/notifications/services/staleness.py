"""Whether a reminder is about the past: its own expiry, and what the app owning its subject says."""

from django.conf import settings
from django.utils.module_loading import import_string


def moot_keys(rows, *, now):
    """Source keys of `rows` whose subject no longer calls for them (a session logged, missed or started, an
    action closed), asked of the app that owns each kind of subject (settings.REMINDER_RELEVANCE_CHECKS:
    "session" -> a function of scheduling; notifications imports none of them). One query per kind."""
    by_namespace = {}
    for row in rows:
        by_namespace.setdefault(row.source_key.split(":", 1)[0], set()).add(row.source_key)
    moot = set()
    for namespace, keys in by_namespace.items():
        check = settings.REMINDER_RELEVANCE_CHECKS.get(namespace)
        if check:
            moot |= import_string(check)(source_keys=keys, now=now)
    return moot


def stale_ids(rows, *, now):
    """Ids of `rows` that are about the past: their expiry has come, or their subject says so."""
    stale = {row.pk for row in rows if row.expires_at <= now}
    moot = moot_keys([row for row in rows if row.pk not in stale], now=now)
    return stale | {row.pk for row in rows if row.source_key in moot}
