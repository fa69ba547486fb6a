"""Thin Celery wrappers: ids in, one service call. Retries live here; idempotency lives in the services."""

from celery import shared_task

from . import services

RETRY_COUNTDOWN_SECONDS = 20
MAX_RETRY_COUNTDOWN_SECONDS = 60


@shared_task(name="notifications.dispatch_due", ignore_result=True)
def dispatch_due_task():
    """Every minute (beat): hand the due reminders to the workers. Two at once are safe."""
    return services.dispatch_due()


@shared_task(
    name="notifications.deliver_reminder",
    bind=True,
    acks_late=True,
    ignore_result=True,
    max_retries=5,
    # A send that hangs is cut well before the sweep gives up on its claim (SEND_TIMEOUT, ten minutes); the
    # longest retry countdown stays under QUEUE_TIMEOUT (90 s), after which a queued row is handed over again.
    soft_time_limit=120,
    time_limit=180,
)
def deliver_reminder_task(self, reminder_id):
    try:
        services.reminder_deliver(reminder_id=reminder_id)
    except Exception as exc:
        # Short countdowns only: Redis redelivers long-delayed messages. The row is back in "queued", and if
        # this retry is lost too, the dispatcher re-queues the stale claim.
        countdown = min(MAX_RETRY_COUNTDOWN_SECONDS, RETRY_COUNTDOWN_SECONDS * (self.request.retries + 1))
        raise self.retry(exc=exc, countdown=countdown) from exc
