"""One reminder delivered by a worker: the in-app notification and the email, at most once (see the Reminder
docstring)."""

import logging
from email.utils import make_msgid
from urllib.parse import urlsplit

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Case, F, Value, When
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .. import selectors
from ..models import MAX_ATTEMPTS, Notification, Reminder, ReminderKind, ReminderStatus, zone_or_utc
from ..tokens import unsubscribe_token
from .staleness import stale_ids

logger = logging.getLogger(__name__)


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
        "kind_label": ReminderKind(reminder.kind).label,  # lazy: in the language the email is rendered in
        "link": _absolute(reminder.url or reverse("notifications:list")),
        "preferences_url": _absolute(reverse("notifications:preferences")),
        "unsubscribe_url": unsubscribe_url,
    }
    # In the recipient's language (their own, else their organization's), on their clock.
    with translation.override(member.language), timezone.override(zone_or_utc(member.time_zone_name)):
        text = render_to_string("email/reminder.txt", context)
        html = render_to_string("email/reminder.html", context)
        subject = _("[Gemba] %(title)s") % {"title": reminder.title}
    message = EmailMultiAlternatives(
        subject=subject,
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
        if stale_ids([reminder], now=now):
            _finish(reminder_id, ReminderStatus.EXPIRED)
            return None, False
        if not reminder.message_id:
            reminder.message_id = _new_message_id()
            Reminder.objects.filter(pk=reminder_id).update(message_id=reminder.message_id)
        # get_or_create on the one-to-one: a retry after a refused send finds the notification already there.
        # In the recipient's language, like the email (the texts are the reminder's, written by its app).
        with translation.override(member.language):
            Notification.objects.get_or_create(
                reminder=reminder,
                defaults={
                    "organization_id": reminder.organization_id,
                    "recipient": member,
                    "kind": reminder.kind,
                    "title": str(reminder.title),
                    "body": str(reminder.body),
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
