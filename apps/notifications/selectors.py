"""Reads for reminders, in-app notifications and preferences.

Pages read through the current membership (another member's or organization's ids answer 404). The
dispatcher's reads (`reminders_due`, `reminders_stuck`) are system sweeps across organizations.
"""

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import (
    CANCELLABLE,
    QUEUE_TIMEOUT,
    SEND_TIMEOUT,
    Notification,
    NotificationPreference,
    Reminder,
    ReminderStatus,
)
from .tokens import BadToken, unsubscribe_token_read


# --- Preferences -------------------------------------------------------------------------------------
def preference_for(*, user):
    """The user's stored preferences, or an unsaved row with the defaults (created on first change)."""
    if user is None or user.pk is None:
        return NotificationPreference()
    preference = NotificationPreference.objects.filter(user=user).first()
    return preference if preference is not None else NotificationPreference(user=user)


def preferences_by_user(*, user_ids):
    """{user_id: preference} for many users in one query (defaults for those who never changed theirs)."""
    stored = {p.user_id: p for p in NotificationPreference.objects.filter(user_id__in=set(user_ids))}
    return {user_id: stored.get(user_id) or NotificationPreference(user_id=user_id) for user_id in user_ids}


def lead_minutes_for(*, user):
    """Minutes before a session to remind this user (default [1440, 60]), largest first."""
    return sorted(preference_for(user=user).session_lead_minutes, reverse=True)


def kind_enabled(*, user, kind):
    return preference_for(user=user).kind_enabled(kind)


def unsubscribe_subject(*, token):
    """(user, kind) named by a one-click unsubscribe token, or BadToken."""
    user_id, kind = unsubscribe_token_read(token)
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise BadToken(_("This unsubscribe link is not valid."))
    return user, kind


# --- In-app notifications ----------------------------------------------------------------------------
def notification_list(*, membership):
    """The member's notifications, newest first."""
    return Notification.objects.for_organization(membership.organization_id).filter(recipient=membership)


def notification_get(*, membership, pk):
    return notification_list(membership=membership).get(pk=pk)


def unread_count(*, membership):
    if membership is None:
        return 0
    return Notification.objects.unread().filter(recipient=membership).count()


# --- Reminders (the dispatcher's sweeps) ---------------------------------------------------------------
def reminders_due(*, now):
    """Pending reminders due by `now`, oldest first: served by the partial index on due_at."""
    return Reminder.objects.filter(status=ReminderStatus.PENDING, due_at__lte=now).order_by("due_at")


def reminders_stuck(*, now):
    """Claims presumed lost: queued longer than QUEUE_TIMEOUT (no worker started the task) or sending longer
    than SEND_TIMEOUT (the worker died, perhaps after the email left). Served by the partial index."""
    return Reminder.objects.filter(
        Q(status=ReminderStatus.QUEUED, claimed_at__lt=now - QUEUE_TIMEOUT)
        | Q(status=ReminderStatus.SENDING, claimed_at__lt=now - SEND_TIMEOUT)
    ).order_by("claimed_at")


def reminders_for_source(*, source_key_prefix):
    """Every reminder about one thing (e.g. "session:42:"), whatever its status."""
    return Reminder.objects.filter(source_key__startswith=source_key_prefix).order_by("due_at", "pk")


def reminders_open_for_source(*, source_key_prefix):
    """The reminders about one thing that a worker may still pick up (what cancelling stops)."""
    return Reminder.objects.filter(status__in=CANCELLABLE, source_key__startswith=source_key_prefix)


def preferences_changed_since(*, since):
    """Ids of users who changed their reminder preferences since `since`."""
    return list(NotificationPreference.objects.filter(updated_at__gte=since).values_list("user_id", flat=True))
