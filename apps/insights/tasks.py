from celery import shared_task

from . import reminders


@shared_task(name="insights.overdue_actions")
def overdue_actions_task():
    """Daily sweep: open actions past their due date get their next weekly reminder."""
    return reminders.overdue_actions_sweep()
