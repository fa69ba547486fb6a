"""Overdue-action reminders, kept as notifications reminder rows (the every-minute dispatcher sends them).

The owner hears about an open action the morning after its due date (09:00 on their clock), then once a
week while it stays open. Each reminder is keyed by the action and the week it is about, so syncing again
or sweeping twice schedules nothing new; closing the action cancels what is still pending.
"""

from datetime import datetime, time, timedelta

from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.core import formatting
from apps.notifications import services as notification_services
from apps.notifications.models import ReminderKind, zone_or_utc

from .models import CLOSED_STATUSES, Action

REMIND_AT = time(9, 0)
REPEAT_EVERY = timedelta(days=7)


def source_prefix(action):
    return f"action:{action.pk}:"


def _reminder_time(action, week):
    """09:00 on the owner's clock, the day after the due date plus `week` weeks."""
    zone = zone_or_utc(action.owner.time_zone_name)
    day = action.due_on + timedelta(days=1) + week * REPEAT_EVERY
    return datetime.combine(day, REMIND_AT, tzinfo=zone)


def _texts(action, days_late):
    """The reminder's title and body, in the active language."""
    title = _("Overdue: %(action)s") % {"action": action.title}
    body = ngettext(
        "This action was due on %(date)s, %(count)s day ago. "
        "Update its status, add a progress note, or move the due date.",
        "This action was due on %(date)s, %(count)s days ago. "
        "Update its status, add a progress note, or move the due date.",
        days_late,
    ) % {"date": formatting.when(action.due_on, "weekday_date"), "count": days_late}
    return title, body


def _schedule(action, week):
    days_late = 1 + week * REPEAT_EVERY.days
    # Written in the owner's language: the row keeps the text the dispatcher sends.
    with translation.override(action.owner.language):
        title, body = _texts(action, days_late)
    # Each weekly reminder is replaced by the next: it is not sent once that one is due.
    return notification_services.reminder_schedule(
        recipient=action.owner,
        kind=ReminderKind.ACTION_OVERDUE,
        source_key=f"{source_prefix(action)}overdue:{action.due_on.isoformat()}:{week}",
        due_at=_reminder_time(action, week),
        title=title,
        body=body,
        url=reverse("insights:action_detail", args=[action.pk]),
        expires_at=_reminder_time(action, week + 1),
    )


def reminders_moot(*, source_keys, now):
    """The keys ("action:<id>:overdue:<due date>:<week>") of reminders whose action no longer calls for them:
    closed, or its due date moved. An action that does not exist is left to the reminder's expiry. One query."""
    by_action = {}
    for key in source_keys:
        parts = key.split(":")
        if len(parts) >= 4 and parts[1].isdigit() and parts[2] == "overdue":
            by_action.setdefault(int(parts[1]), []).append(key)
    moot = set()
    for pk, status, due_on in Action.objects.filter(pk__in=by_action).values_list("pk", "status", "due_on"):
        for key in by_action[pk]:
            if status in CLOSED_STATUSES or key.split(":")[3] != due_on.isoformat():
                moot.add(key)
    return moot


def action_reminders_sync(action, *, now=None):
    """Bring one action's reminders in line with it: cancel what no longer applies, schedule what does."""
    now = now or timezone.now()
    notification_services.reminders_cancel(source_key_prefix=source_prefix(action))
    if action.status in CLOSED_STATUSES:
        return 0
    weeks = _weeks_due(action, now)
    for week in weeks:
        _schedule(action, week)
    return len(weeks)


def _weeks_due(action, now):
    """The weekly reminders to keep: the next one, and the latest one already due (it may not have gone out
    yet; one that was sent stays sent). Counted in days on the owner's clock, so a clock change moves none."""
    first_day = action.due_on + timedelta(days=1)
    today = timezone.localdate(now, zone_or_utc(action.owner.time_zone_name))
    if now <= _reminder_time(action, 0):
        return [0]
    latest = (today - first_day).days // REPEAT_EVERY.days
    if now < _reminder_time(action, latest):  # today's reminder is later today
        latest -= 1
    return [latest, latest + 1]


def overdue_actions_sweep(*, now=None):
    """Every few hours: each open action past its due date has its next weekly reminder scheduled (and the
    latest one, if an edit cancelled it before it went out). Idempotent."""
    now = now or timezone.now()
    actions = (
        Action.objects.exclude(status__in=CLOSED_STATUSES)
        .filter(due_on__lt=now.date(), owner__is_active=True)
        .select_related("owner__user", "owner__organization")
    )
    count = 0
    for action in actions.iterator(chunk_size=500):
        for week in _weeks_due(action, now):
            _schedule(action, week)
        count += 1
    return count
