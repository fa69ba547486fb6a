"""Scheduling, cancelling and retrying reminder rows (the other apps keep them in step with their subjects)."""

import logging

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import Truncator

from .. import selectors
from ..models import DEFAULT_STALE_AFTER, Reminder, ReminderKind, ReminderStatus, validate_site_path

logger = logging.getLogger(__name__)


RETRYABLE = (ReminderStatus.FAILED, ReminderStatus.SKIPPED, ReminderStatus.CANCELLED, ReminderStatus.UNCONFIRMED)

TITLE_MAX = Reminder._meta.get_field("title").max_length
URL_MAX = Reminder._meta.get_field("url").max_length
SOURCE_KEY_MAX = Reminder._meta.get_field("source_key").max_length
# Fields validated in Python; the foreign keys and constraints are the database's job (no extra queries).
_NOT_CLEANED = ["organization", "recipient"]


# --- Scheduling and cancelling -------------------------------------------------------------------------
def _validate_schedule(*, kind, source_key, due_at, expires_at, url):
    errors = {}
    if kind not in ReminderKind.values:
        errors["kind"] = f"{kind!r} is not a kind of reminder."
    if not source_key or len(source_key) > SOURCE_KEY_MAX:
        errors["source_key"] = f"Give a source key of 1 to {SOURCE_KEY_MAX} characters."
    if due_at is None or timezone.is_naive(due_at):
        errors["due_at"] = "Give the due time as an aware datetime."
    if expires_at is not None and timezone.is_naive(expires_at):
        errors["expires_at"] = "Give the expiry as an aware datetime."
    try:
        validate_site_path(url)
    except ValidationError as exc:
        errors["url"] = exc.messages
    else:
        if len(url) > URL_MAX:
            errors["url"] = f"Give a path of at most {URL_MAX} characters."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def reminder_schedule(*, recipient, kind, source_key, due_at, title, body="", url="", expires_at=None):
    """Create or update the reminder (recipient, kind, source_key); safe to call again with the same values.

    `expires_at`: from then on it is about the past (default: DEFAULT_STALE_AFTER of its kind after
    `due_at`). A reminder already stale is not planted: None, and an open row for it is expired.
    pending: takes the new due time and text. queued (handed to a worker, not yet sending): the new text
    goes out with it; a new due time takes it back to pending (the worker's claim then finds nothing).
    cancelled/expired: revived to pending. skipped/failed: revived only when the due time changes (it is then
    a new occasion). sending/sent/unconfirmed: left alone.
    """
    _validate_schedule(kind=kind, source_key=source_key, due_at=due_at, expires_at=expires_at, url=url)
    if expires_at is None:
        expires_at = due_at + DEFAULT_STALE_AFTER[kind]
    key = {"recipient": recipient, "kind": kind, "source_key": source_key}
    if expires_at <= timezone.now():
        Reminder.objects.filter(**key, status__in=(ReminderStatus.PENDING, ReminderStatus.QUEUED)).update(
            status=ReminderStatus.EXPIRED, claimed_at=None, updated_at=timezone.now()
        )
        return None
    fields = {
        "due_at": due_at,
        "expires_at": expires_at,
        # One line: it becomes the email's subject.
        "title": Truncator(" ".join(str(title).split())).chars(TITLE_MAX),
        "body": str(body).strip(),
        "url": url,
    }
    reminder = Reminder.objects.select_for_update().filter(**key).first()
    if reminder is None:
        reminder = Reminder(organization_id=recipient.organization_id, **key, **fields)
        reminder.full_clean(exclude=_NOT_CLEANED, validate_unique=False, validate_constraints=False)
        try:
            with transaction.atomic():
                reminder.save()
        except IntegrityError:
            # Someone created it at the same moment: update theirs.
            reminder = Reminder.objects.select_for_update().get(**key)
        else:
            return reminder
    return _reminder_update(reminder, fields)


def _reminder_update(reminder, fields):
    status = reminder.status
    moved = reminder.due_at != fields["due_at"]
    changed = any(getattr(reminder, name) != value for name, value in fields.items())
    if status in (ReminderStatus.SENDING, ReminderStatus.SENT, ReminderStatus.UNCONFIRMED):
        return reminder
    if status in (ReminderStatus.PENDING, ReminderStatus.QUEUED) and not changed:
        return reminder
    if status in (ReminderStatus.SKIPPED, ReminderStatus.FAILED) and not moved:
        return reminder
    for name, value in fields.items():
        setattr(reminder, name, value)
    update_fields = [*fields, "updated_at"]
    if status != ReminderStatus.QUEUED or moved:
        if status not in (ReminderStatus.PENDING, ReminderStatus.QUEUED):
            reminder.attempts = 0
            reminder.sent_at = None
            update_fields += ["attempts", "sent_at"]
        reminder.status = ReminderStatus.PENDING
        reminder.claimed_at = None
        update_fields += ["status", "claimed_at"]
    reminder.full_clean(exclude=_NOT_CLEANED, validate_unique=False, validate_constraints=False)
    reminder.save(update_fields=update_fields)
    return reminder


def reminders_cancel(*, source_key_prefix):
    """Cancel the reminders about one thing (e.g. "session:42:") that no worker is sending yet."""
    if not source_key_prefix:
        raise ValidationError({"source_key_prefix": "Give a prefix: an empty one would cancel everything."})
    now = timezone.now()
    return selectors.reminders_open_for_source(source_key_prefix=source_key_prefix).update(
        status=ReminderStatus.CANCELLED, claimed_at=None, updated_at=now
    )


def reminders_retry(*, ids):
    """Give failed, skipped or cancelled reminders another go (the admin's action): pending, due now."""
    now = timezone.now()
    return Reminder.objects.filter(pk__in=ids, status__in=RETRYABLE).update(
        status=ReminderStatus.PENDING, due_at=now, attempts=0, claimed_at=None, sent_at=None, updated_at=now
    )
