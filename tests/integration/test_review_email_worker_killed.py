"""A review email (here a weekly digest) goes out exactly once when its worker is killed while writing it, and
at most once when killed while the mail backend has it.

Real parts only: PostgreSQL, Redis and real `celery worker` processes, killed with SIGKILL. Writing is the long
part of a real send (the review's figures, the pack): a worker killed then has handed nothing to the mail
server, so the sweep gives the email to the next worker, under the same Message-ID. Killed during the hand-over
itself, nobody can tell whether the server took it: the email is marked unconfirmed and never sent again.
"""

import email
import email.policy
import os
import signal
import time
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from apps.reviews import mailing
from apps.reviews.digests import last_week
from apps.reviews.models import EMAIL_BUILD_TIMEOUT, ReviewEmail
from apps.scheduling import services as schedule_services
from tests.integration.test_worker_killed import _sent_files, _start_worker
from tests.organizations.factories import MembershipFactory
from tests.waiting import wait_for

pytestmark = [
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="workers in other processes need a shared database"),
]


def _digest_due_now():
    """An executive with a weekly target (so that their digest has something to say), their digest due now."""
    admin = MembershipFactory(role="admin")
    leader = MembershipFactory(organization=admin.organization, role="executive", user__full_name="Kim Killtest")
    schedule_services.target_set(
        organization=admin.organization, acting=admin, hours=Decimal("2"), period="month", counts_from=date(2026, 1, 1)
    )
    now = timezone.now()
    week = last_week(timezone.localdate(now, timezone=timezone.get_default_timezone()))
    return ReviewEmail.objects.create(
        organization=admin.organization,
        recipient=leader,
        kind="weekly_digest",
        period=week.slug,
        due_at=now - timedelta(seconds=5),
        expires_at=now + timedelta(days=1),
    )


def _start(tmp_path, name, *, compose=0, send=0):
    os.environ["SLOW_COMPOSE_SECONDS"] = str(compose)
    try:
        return _start_worker(tmp_path, name, slow_seconds=send)
    finally:
        os.environ.pop("SLOW_COMPOSE_SECONDS")


def _stop(worker, sig=signal.SIGTERM):
    if worker.poll() is None:
        os.killpg(worker.pid, sig)
        worker.wait(timeout=20)


def test_a_worker_killed_while_writing_is_replaced_and_the_email_sent_exactly_once(tmp_path, purge_queue):
    row = _digest_due_now()
    first = _start(tmp_path, "first", compose=60)
    try:
        assert mailing.dispatch() == 1
        assert wait_for(lambda: ReviewEmail.objects.get(pk=row.pk).status == "building", timeout=30)
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
        stuck = ReviewEmail.objects.get(pk=row.pk)
        assert (stuck.status, stuck.attempts, _sent_files(tmp_path)) == ("building", 1, [])

        second = _start(tmp_path, "second")
        try:
            # The next sweep after the build timeout: nothing reached the mail server, so it goes again.
            assert mailing.dispatch(now=timezone.now() + EMAIL_BUILD_TIMEOUT + timedelta(seconds=1)) == 1
            assert wait_for(lambda: ReviewEmail.objects.get(pk=row.pk).status == "sent", timeout=60)
            time.sleep(2)  # what a duplicate would need to land
        finally:
            _stop(second)
    finally:
        _stop(first, signal.SIGKILL)

    (sent,) = _sent_files(tmp_path)
    message = email.message_from_string(sent.read_text(), policy=email.policy.default)
    row.refresh_from_db()
    assert message["Message-ID"] == row.message_id
    assert message["To"] == row.recipient.user.email
    assert message["Subject"].strip().startswith("[Gemba] Your week with customers, ")
    assert (row.status, row.attempts) == ("sent", 2)
    assert mailing.deliver(email_id=row.pk) is False  # a late redelivery of the first task does nothing


def test_a_worker_killed_while_handing_over_is_never_sent_again(tmp_path, purge_queue):
    row = _digest_due_now()
    first = _start(tmp_path, "first", send=60)
    try:
        assert mailing.dispatch() == 1
        assert wait_for(lambda: ReviewEmail.objects.get(pk=row.pk).status == "handing", timeout=30)
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(timeout=10)

        second = _start(tmp_path, "second")
        try:
            assert mailing.dispatch(now=timezone.now() + EMAIL_BUILD_TIMEOUT + timedelta(seconds=1)) == 0
            assert ReviewEmail.objects.get(pk=row.pk).status == "unconfirmed"
            time.sleep(2)
        finally:
            _stop(second)
    finally:
        _stop(first, signal.SIGKILL)

    assert _sent_files(tmp_path) == []
    assert mailing.deliver(email_id=row.pk) is False
    assert ReviewEmail.objects.values_list("status", "attempts").get(pk=row.pk) == ("unconfirmed", 1)
