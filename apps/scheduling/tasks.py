from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from . import reminders, services


@shared_task(name="scheduling.materialize_plans")
def materialize_plans_task():
    """Sweep: keep every running plan's sessions materialized up to the horizon."""
    return services.plans_materialize_all()


@shared_task(name="scheduling.mark_missed_sessions")
def mark_missed_sessions_task():
    """Sweep: sessions that ended a grace period ago with nothing logged become missed."""
    return services.sessions_mark_missed()


@shared_task(name="scheduling.resync_reminders")
def resync_reminders_task():
    """Sweep: lead times changed in the last hour reach the coming sessions' reminders."""
    return reminders.reminders_resync_changed_preferences(since=timezone.now() - timedelta(minutes=65))


@shared_task(name="scheduling.under_target_nudges")
def under_target_nudges_task():
    """Weekly: leaders behind their customer-time target, and their chiefs of staff, get a nudge."""
    return reminders.under_target_nudges()
