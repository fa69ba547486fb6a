from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from . import reminders, rollups


@shared_task(name="insights.overdue_actions")
def overdue_actions_task():
    """Daily sweep: open actions past their due date get their next weekly reminder."""
    return reminders.overdue_actions_sweep()


# The beat schedule knows it by its first name ("insights-theme-months-sweep"); it now keeps the loop months too.
@shared_task(name="insights.theme_months_sweep")
def rollups_sweep_task():
    """Every 10 minutes: organizations whose log changed in the last 11 get their theme and loop months rebuilt
    (and their loop months after an action or pilot was deleted outside the services)."""
    return rollups.rollups_sweep(since=timezone.now() - rollups.SWEEP_EVERY - timedelta(minutes=1))
