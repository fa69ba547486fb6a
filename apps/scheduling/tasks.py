from celery import shared_task

from . import services


@shared_task(name="scheduling.materialize_plans")
def materialize_plans_task():
    """Sweep: keep every running plan's sessions materialized up to the horizon."""
    return services.plans_materialize_all()


@shared_task(name="scheduling.mark_missed_sessions")
def mark_missed_sessions_task():
    """Sweep: sessions that ended a grace period ago with nothing logged become missed."""
    return services.sessions_mark_missed()
