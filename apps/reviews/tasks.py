"""Thin Celery wrappers: ids in, one service call."""

from celery import shared_task

from . import packs


@shared_task(name="reviews.build_pack", acks_late=True, ignore_result=True, soft_time_limit=240, time_limit=280)
def build_pack_task(pack_id):
    # A failure marks the pack failed (the page offers to try again); a lost worker leaves it claimed, and the
    # next request for it after PACK_BUILD_TIMEOUT prints it again.
    packs.pack_build(pack_id=pack_id)
