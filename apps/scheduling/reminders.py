"""The reminder rows a session needs, kept in step with it (writes through the notifications app).

Per planned session: one "before" reminder per lead time (the plan's, else the leader's preference), a
"log what you learned" reminder at its end, and a missing-entry nudge to the leader and their chiefs of
staff a few hours later. Rows are upserted by (recipient, kind, source key), so syncing again is harmless;
a change first cancels the session's pending rows, then schedules what still applies (reviving those).
Nothing here talks to the broker: the every-minute dispatcher sends what is due, even after an outage.
Nothing is planted about the past (a session already started, one that ended more than LOG_WINDOW ago),
and `reminders_moot` lets the dispatcher and the worker expire rows about sessions no longer planned.
"""

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from apps.core import formatting
from apps.notifications import selectors as notification_selectors
from apps.notifications import services as notification_services
from apps.notifications.models import ReminderKind
from apps.organizations.models import Membership, Role

from .models import Session, SessionStatus
from .selectors import ON_TARGET_MEANING, target_status

MISSING_ENTRY_AFTER = timedelta(hours=4)
# "Log what you learned" and the missing-entry nudge are worth sending until a day after the session ends
# (when the sweep marks an unlogged one missed): later they are about the past.
LOG_WINDOW = timedelta(days=1)


def source_prefix(session):
    return f"session:{session.pk}:"


def plan_audience(plan):
    """(lead minutes, chiefs of staff) for a plan's sessions: looked up once for all of them."""
    lead = plan.reminder_lead_minutes or notification_selectors.lead_minutes_for(user=plan.leader.user)
    return lead, list(_supporters(plan.leader))


def _supporters(leader):
    """The active chiefs of staff who support `leader`."""
    return Membership.objects.filter(supports=leader, role=Role.CHIEF_OF_STAFF, is_active=True).select_related(
        "user", "organization"
    )


def session_reminders_sync(session, *, now=None, audience=None):
    """Bring one session's reminder rows in line with it. Returns how many are scheduled."""
    now = now or timezone.now()
    prefix = source_prefix(session)
    notification_services.reminders_cancel(source_key_prefix=prefix)
    if session.status != SessionStatus.PLANNED:
        return 0
    # A caller replaying history (the demo's plans, created "eight weeks ago") plants nothing already past.
    cutoff = max(now, timezone.now())
    log_until = session.ends_at + LOG_WINDOW
    leader = session.leader
    zone_name = leader.time_zone_name
    log_url = reverse("scheduling:session_log", args=[session.pk])
    schedule_url = f"{reverse('scheduling:schedule')}?leader={session.leader_id}"
    scheduled = 0
    lead_minutes, supporters = audience or plan_audience(session.plan)
    # Each reminder is written in its recipient's language (its title and body are stored as they are sent).
    with translation.override(leader.language):
        label = session.plan.label
        with timezone.override(ZoneInfo(zone_name)):
            starts = formatting.when(session.starts_at, "weekday_day_time")
        context = {"plan": label, "when": starts, "zone": zone_name}
        if session.location_id:
            context["place"] = session.location.name
            before_body = gettext("%(plan)s starts %(when)s (%(zone)s) at %(place)s.") % context
        else:
            before_body = gettext("%(plan)s starts %(when)s (%(zone)s).") % context
        before_title = gettext("Coming up: %(plan)s") % context
    for lead in lead_minutes:
        due_at = session.starts_at - timedelta(minutes=lead)
        if due_at < cutoff:
            continue
        notification_services.reminder_schedule(
            recipient=leader,
            kind=ReminderKind.SESSION_BEFORE,
            source_key=f"{prefix}before:{lead}",
            due_at=due_at,
            title=before_title,
            body=before_body,
            url=schedule_url,
            expires_at=session.starts_at,
        )
        scheduled += 1
    if log_until <= cutoff:
        return scheduled
    with translation.override(leader.language):
        notification_services.reminder_schedule(
            recipient=leader,
            kind=ReminderKind.SESSION_AFTER,
            source_key=f"{prefix}after",
            due_at=max(session.ends_at, now),
            title=gettext("What did you learn? %(plan)s") % {"plan": session.plan.label},
            body=gettext("Log it in under a minute while it is fresh: one tap opens the form, already filled in."),
            url=log_url,
            expires_at=log_until,
        )
    scheduled += 1
    for recipient in [leader, *supporters]:
        with translation.override(recipient.language):
            notification_services.reminder_schedule(
                recipient=recipient,
                kind=ReminderKind.MISSING_ENTRY,
                source_key=f"{prefix}missing",
                due_at=max(session.ends_at + MISSING_ENTRY_AFTER, now),
                title=gettext("Not logged yet: %(plan)s (%(leader)s)")
                % {"plan": session.plan.label, "leader": leader.display_name},
                body=gettext("This session looks done but nothing was logged for it."),
                url=log_url,
                expires_at=log_until,
            )
        scheduled += 1
    return scheduled


def reminders_moot(*, source_keys, now):
    """The keys ("session:<id>:...") of reminders whose session no longer calls for them: it is no longer
    planned (logged, missed, cancelled), or, for a "before" reminder, it has started. A session that does not
    exist (deleted, or a key of another form) is left to the reminder's own expiry. One query."""
    by_session = {}
    for key in source_keys:
        parts = key.split(":")
        if len(parts) >= 3 and parts[1].isdigit():
            by_session.setdefault(int(parts[1]), []).append(key)
    moot = set()
    sessions = Session.objects.filter(pk__in=by_session).values_list("pk", "status", "starts_at")
    for pk, status, starts_at in sessions:
        for key in by_session[pk]:
            if status != SessionStatus.PLANNED or (key.split(":")[2] == "before" and starts_at <= now):
                moot.add(key)
    return moot


def session_reminders_cancel(session):
    return notification_services.reminders_cancel(source_key_prefix=source_prefix(session))


def reminders_resync_changed_preferences(*, since, now=None):
    """Sweep: re-sync coming sessions of leaders whose reminder preferences changed since `since`.

    The notifications app cannot call scheduling (the layers go the other way), so a change of lead
    times is picked up here, within the hour.
    """
    now = now or timezone.now()
    changed_users = notification_selectors.preferences_changed_since(since=since)
    sessions = Session.objects.filter(
        leader__user_id__in=changed_users, status=SessionStatus.PLANNED, starts_at__gte=now
    ).select_related("plan", "leader__user", "leader__organization", "location")
    count = 0
    for session in sessions:
        session_reminders_sync(session, now=now)
        count += 1
    return count


def under_target_nudges(*, now=None):
    """Weekly: each executive not on target this month (`selectors.on_target`: this month's time against the month's
    target, nothing carried in counted), and their chiefs of staff, get one nudge this week."""
    now = now or timezone.now()
    year, week, _ = now.isocalendar()
    sent = 0
    executives = Membership.objects.filter(role=Role.EXECUTIVE, is_active=True).select_related("user", "organization")
    for leader in executives:
        status = target_status(leader=leader, now=now)
        if status is None or status["on_target"] is not False:
            continue
        for recipient in [leader, *_supporters(leader)]:
            with translation.override(recipient.language):
                title = gettext("%(leader)s: %(to_go)s of customer time to go this month") % {
                    "leader": leader.display_name,
                    "to_go": formatting.minutes(status["month_to_go_minutes"]),
                }
                body = gettext("%(done)s so far this month against %(target)s.") % {
                    "done": formatting.hours(status["month_minutes"] // 60),
                    "target": formatting.hours(status["month_target_minutes"] // 60),
                }
                notification_services.reminder_schedule(
                    recipient=recipient,
                    kind=ReminderKind.UNDER_TARGET,
                    source_key=f"target:{leader.pk}:{year}-W{week:02d}",
                    due_at=now,
                    title=title,
                    body=f"{body} {ON_TARGET_MEANING}",
                    url=f"{reverse('scheduling:schedule')}?leader={leader.pk}",
                )
            sent += 1
    return sent
