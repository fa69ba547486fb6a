"""Writes for reminders, their delivery (in-app + email), and notification preferences.

A reminder is a row; nothing is scheduled in the broker. `dispatch_due` (every minute, from beat) claims
due rows and hands their ids to workers after commit; `reminder_deliver` claims one row again
(queued -> sending, committed with its Message-ID before the email goes to the backend) so that a duplicate
task does nothing. A task lost before a worker started it is re-queued after QUEUE_TIMEOUT; a row left in
"sending" by a dead worker is never sent again (it becomes "unconfirmed"): see the Reminder docstring.
"""

import logging
from email.utils import make_msgid
from urllib.parse import urlsplit

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, connection, transaction
from django.db.models import Case, F, Value, When
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.text import Truncator

from apps.organizations.models import Membership

from . import selectors
from .models import (
    DEFAULT_STALE_AFTER,
    MAX_ATTEMPTS,
    Notification,
    NotificationPreference,
    Reminder,
    ReminderKind,
    ReminderStatus,
    validate_site_path,
    zone_or_utc,
)
from .tokens import unsubscribe_token

logger = logging.getLogger(__name__)

# An unconfirmed row may have reached its recipient: sending it again is a person's decision (the admin's).
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


# --- Dispatching -----------------------------------------------------------------------------------------
class _Handoff:
    """The ids one dispatch transaction claimed, published to the broker once that transaction commits.

    One producer connection for the whole batch. If the broker refuses, the ids not yet published go back
    to pending (not left as claims that would wait QUEUE_TIMEOUT): the next dispatch tries again.
    """

    def __init__(self, ids):
        self.ids = ids
        self.published = 0
        self.ran = False
        self.broker_down = False

    @property
    def count(self):
        # Inside an outer transaction the hook runs at its commit: count what will be handed over.
        return self.published if self.ran else len(self.ids)

    def __call__(self):
        from .tasks import deliver_reminder_task  # tasks import services

        self.ran = True
        if not self.ids:
            return
        try:
            with deliver_reminder_task.app.producer_or_acquire() as producer:
                for pk in self.ids:
                    deliver_reminder_task.apply_async((pk,), producer=producer)
                    self.published += 1
        except Exception:
            self.broker_down = True
            unsent = self.ids[self.published :]
            logger.warning(
                "could not hand %d reminder(s) to the broker; they stay pending for the next dispatch",
                len(unsent),
                exc_info=True,
            )
            Reminder.objects.filter(pk__in=unsent, status=ReminderStatus.QUEUED).update(
                status=ReminderStatus.PENDING, claimed_at=None, updated_at=timezone.now()
            )


def _locked(queryset):
    """Lock the selected rows; rows another dispatcher holds are skipped, not waited for (PostgreSQL).
    SQLite takes the database's write lock when the transaction begins (IMMEDIATE), so one claims at a time."""
    if connection.features.has_select_for_update_skip_locked:
        return queryset.select_for_update(skip_locked=True)
    return queryset


def _preference_of(user):
    try:
        return user.notification_preference
    except NotificationPreference.DoesNotExist:
        return NotificationPreference(user=user)


def _moot_keys(rows, *, now):
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


def _stale_ids(rows, *, now):
    """Ids of `rows` that are about the past: their expiry has come, or their subject says so."""
    stale = {row.pk for row in rows if row.expires_at <= now}
    moot = _moot_keys([row for row in rows if row.pk not in stale], now=now)
    return stale | {row.pk for row in rows if row.source_key in moot}


def _claim_due(*, now, batch_size):
    with transaction.atomic():
        rows = list(
            _locked(selectors.reminders_due(now=now)).only(
                "pk", "recipient", "kind", "source_key", "due_at", "expires_at"
            )[:batch_size]
        )
        if not rows:
            return None, 0
        recipients = Membership.objects.filter(pk__in={row.recipient_id for row in rows}).select_related(
            "organization", "user__notification_preference"
        )
        recipients = {member.pk: member for member in recipients}
        stale = _stale_ids(rows, now=now)
        expired, skipped, moved, queued = list(stale), [], [], []
        for row in rows:
            if row.pk in stale:
                continue
            member = recipients.get(row.recipient_id)
            if member is None or not (member.is_active and member.user.is_active):
                skipped.append(row.pk)
                continue
            preference = _preference_of(member.user)
            if not preference.kind_enabled(row.kind):
                skipped.append(row.pk)
                continue
            # Quiet hours are judged when it would go out: its due time, or now if it is late.
            until = preference.quiet_until(max(row.due_at, now), member.time_zone_name)
            if until is not None:
                if until >= row.expires_at:  # held that long it would be about the past
                    expired.append(row.pk)
                    continue
                row.due_at = until
                moved.append(row)
                continue
            queued.append(row.pk)
        stamp = timezone.now()
        pending = Reminder.objects.filter(status=ReminderStatus.PENDING)
        if expired:
            pending.filter(pk__in=expired).update(status=ReminderStatus.EXPIRED, updated_at=stamp)
        if skipped:
            pending.filter(pk__in=skipped).update(status=ReminderStatus.SKIPPED, updated_at=stamp)
        if moved:
            for row in moved:
                row.updated_at = stamp
            Reminder.objects.bulk_update(moved, ["due_at", "updated_at"])
        if queued:
            pending.filter(pk__in=queued).update(status=ReminderStatus.QUEUED, claimed_at=stamp, updated_at=stamp)
        handoff = _Handoff(queued)
        transaction.on_commit(handoff, robust=True)
    return handoff, len(rows)


def _claim_stuck(*, now, batch_size):
    """Queued rows whose task was lost go out again; rows a dead worker left in "sending" never do (the
    backend may have accepted the email): they become unconfirmed."""
    with transaction.atomic():
        rows = list(_locked(selectors.reminders_stuck(now=now)).only("pk", "status")[:batch_size])
        if not rows:
            return None, 0
        lost = [r.pk for r in rows if r.status == ReminderStatus.QUEUED]
        unconfirmed = [r.pk for r in rows if r.status == ReminderStatus.SENDING]
        stamp = timezone.now()
        if unconfirmed:
            Reminder.objects.filter(pk__in=unconfirmed, status=ReminderStatus.SENDING).update(
                status=ReminderStatus.UNCONFIRMED, updated_at=stamp
            )
            logger.warning(
                "%d reminder(s) left in sending by a worker that stopped: marked unconfirmed, not sent again",
                len(unconfirmed),
            )
        if lost:
            Reminder.objects.filter(pk__in=lost, status=ReminderStatus.QUEUED).update(
                claimed_at=stamp, updated_at=stamp
            )
            logger.warning("re-queued %d reminder(s) whose task was lost", len(lost))
        handoff = _Handoff(lost)
        transaction.on_commit(handoff, robust=True)
    return handoff, len(rows)


def dispatch_due(*, now=None, batch_size=500):
    """Hand every due reminder to the workers, batch by batch; returns how many were handed over.

    Each batch is one short transaction: lock due pending rows (others' locked rows are skipped, so two
    dispatchers never take the same row), skip kinds the recipient turned off, move rows in the recipient's
    quiet hours to their end (still pending), expire those about the past, mark the rest queued, and publish
    their ids after commit. First, queued rows whose task was lost (QUEUE_TIMEOUT) are published again and
    rows a dead worker left in "sending" (SEND_TIMEOUT) become unconfirmed. A broker that is down
    raises nothing: the rows stay pending and the next run (a minute later) hands them over.
    """
    now = now or timezone.now()
    handed = 0
    for claim in (_claim_stuck, _claim_due):
        while True:
            handoff, size = claim(now=now, batch_size=batch_size)
            if handoff is None:
                break
            handed += handoff.count
            if handoff.broker_down:
                return handed
            if size < batch_size:
                break
    return handed


# --- Delivering -------------------------------------------------------------------------------------------
def _finish(reminder_id, status, **extra):
    # "unconfirmed" too: the sweep may have given up on a slow send that then went through.
    now = timezone.now()
    return Reminder.objects.filter(
        pk=reminder_id, status__in=(ReminderStatus.SENDING, ReminderStatus.UNCONFIRMED)
    ).update(status=status, updated_at=now, **extra)


def _release(reminder_id):
    """After a send that raised (the backend did not take it): queued again for the task's retry, or failed
    once MAX_ATTEMPTS are spent."""
    now = timezone.now()
    Reminder.objects.filter(pk=reminder_id, status=ReminderStatus.SENDING).update(
        status=Case(
            When(attempts__gte=MAX_ATTEMPTS, then=Value(ReminderStatus.FAILED)),
            default=Value(ReminderStatus.QUEUED),
        ),
        claimed_at=now,
        updated_at=now,
    )


def _absolute(path):
    return settings.SITE_URL + path


def _new_message_id():
    return make_msgid(idstring="reminder", domain=urlsplit(settings.SITE_URL).hostname or "gemba.invalid")


def _send_email(reminder, member):
    user = member.user
    unsubscribe_url = _absolute(
        reverse("notifications:unsubscribe", args=[unsubscribe_token(user_id=user.pk, kind=reminder.kind)])
    )
    context = {
        "reminder": reminder,
        "recipient": member,
        "organization": member.organization,
        "kind_label": reminder.get_kind_display(),
        "link": _absolute(reminder.url or reverse("notifications:list")),
        "preferences_url": _absolute(reverse("notifications:preferences")),
        "unsubscribe_url": unsubscribe_url,
    }
    with timezone.override(zone_or_utc(member.time_zone_name)):
        text = render_to_string("email/reminder.txt", context)
        html = render_to_string("email/reminder.html", context)
    message = EmailMultiAlternatives(
        subject=f"[Gemba] {reminder.title}",
        body=text,
        to=[user.email],
        headers={
            # The claim's id: a copy sent after a failed attempt carries the same one.
            "Message-ID": reminder.message_id,
            # RFC 8058 one-click: the mail client POSTs "List-Unsubscribe=One-Click" to this URL.
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(html, "text/html")
    message.send()


def _claim_for_sending(reminder_id):
    """One transaction: queued -> sending (with its Message-ID), the in-app notification, or the reason not
    to send (skipped, expired). Returns (reminder, member) when an email is to go out, else (None, sent?)."""
    now = timezone.now()
    with transaction.atomic():
        claimed = Reminder.objects.filter(pk=reminder_id, status=ReminderStatus.QUEUED).update(
            status=ReminderStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1, updated_at=now
        )
        if not claimed:
            return None, False
        reminder = (
            Reminder.objects.select_related("recipient__user", "recipient__organization").filter(pk=reminder_id).first()
        )
        if reminder is None:  # deleted in between (its member left)
            return None, False
        member = reminder.recipient
        preference = selectors.preference_for(user=member.user)
        if not (member.is_active and member.user.is_active) or not preference.kind_enabled(reminder.kind):
            _finish(reminder_id, ReminderStatus.SKIPPED)
            return None, False
        # Again at delivery: a task may wait in the queue through an outage of the workers.
        if _stale_ids([reminder], now=now):
            _finish(reminder_id, ReminderStatus.EXPIRED)
            return None, False
        if not reminder.message_id:
            reminder.message_id = _new_message_id()
            Reminder.objects.filter(pk=reminder_id).update(message_id=reminder.message_id)
        # get_or_create on the one-to-one: a retry after a refused send finds the notification already there.
        Notification.objects.get_or_create(
            reminder=reminder,
            defaults={
                "organization_id": reminder.organization_id,
                "recipient": member,
                "kind": reminder.kind,
                "title": reminder.title,
                "body": reminder.body,
                "url": reminder.url,
            },
        )
        if not (preference.email_enabled and member.user.email):
            _finish(reminder_id, ReminderStatus.SENT, sent_at=now)
            return None, True
    return (reminder, member), True


def reminder_deliver(*, reminder_id):
    """Deliver one queued reminder: the in-app notification, then the email if the recipient wants it.

    The claim is committed before the email is handed to the backend, so a worker killed after the send
    leaves the row in "sending", which nothing sends again (see the Reminder docstring). Returns False when
    there is nothing to do (another worker has it; it was sent, cancelled, moved, skipped or expired). A
    send that raised releases the row for the task's retry and re-raises; one cut off by the task's time
    limit leaves it unconfirmed.
    """
    claim, delivered = _claim_for_sending(reminder_id)
    if claim is None:
        return delivered
    reminder, member = claim
    try:
        _send_email(reminder, member)
    except SoftTimeLimitExceeded:
        # Cut off by the task's time limit mid-conversation: the backend may have taken it. Not sent again.
        _finish(reminder_id, ReminderStatus.UNCONFIRMED)
        raise
    except Exception:
        _release(reminder_id)
        raise
    _finish(reminder_id, ReminderStatus.SENT, sent_at=timezone.now())
    return True


# --- In-app notifications --------------------------------------------------------------------------------
def notification_mark_read(*, notification):
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at, updated_at=notification.read_at
        )
    return notification


def notifications_mark_all_read(*, membership):
    now = timezone.now()
    return selectors.notification_list(membership=membership).unread().update(read_at=now, updated_at=now)


# --- Preferences ------------------------------------------------------------------------------------------
def _ordered_kinds(kinds):
    wanted = set(kinds)
    return [kind for kind in ReminderKind.values if kind in wanted]


def _locked_preference(user):
    preference, _ = NotificationPreference.objects.get_or_create(user=user)
    return NotificationPreference.objects.select_for_update().get(pk=preference.pk)


@transaction.atomic
def preference_update(*, user, email_enabled, disabled_kinds, session_lead_minutes, quiet_start=None, quiet_end=None):
    if (quiet_start is None) != (quiet_end is None):
        missing = "quiet_end" if quiet_end is None else "quiet_start"
        raise ValidationError({missing: "Give both a start and an end for quiet hours, or neither."})
    if quiet_start is not None and quiet_start == quiet_end:
        raise ValidationError({"quiet_end": "Quiet hours must end at a different time than they start."})
    unknown = [kind for kind in disabled_kinds if kind not in ReminderKind.values]
    if unknown:
        raise ValidationError({"disabled_kinds": f"Unknown kinds of reminder: {', '.join(map(str, unknown))}."})
    preference = _locked_preference(user)
    preference.email_enabled = bool(email_enabled)
    preference.disabled_kinds = _ordered_kinds(disabled_kinds)
    preference.session_lead_minutes = sorted(set(session_lead_minutes), reverse=True)
    preference.quiet_start = quiet_start
    preference.quiet_end = quiet_end
    preference.full_clean(exclude=["user"], validate_unique=False, validate_constraints=False)
    preference.save()
    return preference


@transaction.atomic
def kind_unsubscribe(*, user, kind):
    """Turn one kind of reminder off (the one-click link in its emails). False when it already was."""
    if kind not in ReminderKind.values:
        raise ValidationError({"kind": f"{kind!r} is not a kind of reminder."})
    preference = _locked_preference(user)
    if kind in preference.disabled_kinds:
        return False
    preference.disabled_kinds = _ordered_kinds([*preference.disabled_kinds, kind])
    preference.save(update_fields=["disabled_kinds", "updated_at"])
    return True
