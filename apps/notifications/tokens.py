"""Signed one-click unsubscribe tokens: who, and which kind of reminder. No database row needed."""

from datetime import timedelta

from django.core import signing
from django.utils.translation import gettext_lazy as _

from .models import ReminderKind

UNSUBSCRIBE_SALT = "notifications.unsubscribe"
# Long enough for an email read weeks later; an older link says so and points to the preferences page.
UNSUBSCRIBE_MAX_AGE = timedelta(days=90)


class BadToken(Exception):
    """The link was altered, cut short, or is too old."""


def unsubscribe_token(*, user_id, kind):
    return signing.dumps({"u": user_id, "k": str(kind)}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_token_read(token):
    """(user_id, kind) from a token, or BadToken."""
    try:
        payload = signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=UNSUBSCRIBE_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise BadToken(_("This unsubscribe link has expired.")) from exc
    except signing.BadSignature as exc:
        raise BadToken(_("This unsubscribe link is not valid.")) from exc
    if not isinstance(payload, dict) or not isinstance(payload.get("u"), int):
        raise BadToken(_("This unsubscribe link is not valid."))
    if payload.get("k") not in ReminderKind.values:
        raise BadToken(_("This unsubscribe link is not valid."))
    return payload["u"], payload["k"]
