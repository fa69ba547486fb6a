"""Thin Celery wrappers: ids in, one service call."""

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from . import mailing, packs


@shared_task(name="reviews.build_pack", acks_late=True, ignore_result=True, soft_time_limit=240, time_limit=280)
def build_pack_task(pack_id):
    # A failure marks the pack failed (the page offers to try again); a lost worker leaves it claimed, and the
    # next request for it after PACK_BUILD_TIMEOUT prints it again.
    packs.pack_build(pack_id=pack_id)


@shared_task(name="reviews.sweep_review_emails", ignore_result=True)
def sweep_review_emails_task():
    """Every five minutes (beat): plan the digests and monthly reviews that have come due, hand them over."""
    return mailing.sweep()


@shared_task(
    name="reviews.deliver_review_email",
    bind=True,
    acks_late=True,
    ignore_result=True,
    max_retries=4,
    # Cut off well before the sweep takes a claim over (EMAIL_BUILD_TIMEOUT, four minutes): a pack takes seconds.
    soft_time_limit=150,
    time_limit=180,
)
def deliver_review_email_task(self, email_id):
    try:
        mailing.deliver(email_id=email_id)
    except SoftTimeLimitExceeded:
        raise  # the claim stays; the sweep decides (building: again; handing: unconfirmed)
    except Exception as exc:
        # Short countdowns only (Redis redelivers long-delayed messages); the row is queued again meanwhile.
        raise self.retry(exc=exc, countdown=min(60, 20 * (self.request.retries + 1))) from exc
