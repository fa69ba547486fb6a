"""Reliability with a real Celery worker on Redis: exactly once with two dispatchers, after a dead worker,
for duplicate tasks, and when Redis is down at scheduling/dispatch time. Only SMTP is faked (locmem)."""

import threading
import time
from collections import Counter
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.utils import timezone

from apps.notifications import services
from apps.notifications.models import Notification, Reminder
from apps.notifications.tasks import deliver_reminder_task
from tests.notifications.conftest import broker_unreachable
from tests.notifications.factories import NotificationFactory, ReminderFactory
from tests.organizations.factories import MembershipFactory, OrganizationFactory

ON_POSTGRESQL = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def _wait_for(predicate, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def _settle(seconds=1.5):
    """Give duplicates, if any, the time to show up."""
    time.sleep(seconds)


def _statuses():
    return Counter(Reminder.objects.values_list("status", flat=True))


@pytest.mark.redis
@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    not ON_POSTGRESQL, reason="needs PostgreSQL: SQLite has no row locks to race for (one writer at a time)"
)
def test_two_dispatchers_at_the_same_time_deliver_each_reminder_exactly_once(purge_queue, celery_worker):
    # given: 200 reminders due, for 20 members of one organization
    organization = OrganizationFactory()
    members = [MembershipFactory(organization=organization) for _ in range(20)]
    due = timezone.now() - timedelta(minutes=1)
    reminders = [
        ReminderFactory(recipient=members[n % 20], due_at=due, title=f"Reminder {n:03d}", source_key=f"session:{n}:60")
        for n in range(200)
    ]
    barrier = threading.Barrier(2)
    handed, errors = [], []

    def dispatcher():
        try:
            barrier.wait(timeout=10)
            handed.append(services.dispatch_due(batch_size=10))  # small batches: the two interleave
        except Exception as exc:  # noqa: BLE001 - handed to the main thread, which asserts there is none
            errors.append(exc)
        finally:
            connection.close()

    # when: two dispatchers run at once, and the real worker delivers what they hand over
    threads = [threading.Thread(target=dispatcher) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    # then
    assert errors == []
    assert sum(handed) == 200
    assert _wait_for(lambda: len(mail.outbox) >= 200 and Notification.objects.count() >= 200)
    _settle()
    assert len(mail.outbox) == 200
    assert Counter(message.subject for message in mail.outbox) == {f"[Gemba] Reminder {n:03d}": 1 for n in range(200)}
    assert Notification.objects.count() == 200
    assert set(Notification.objects.values_list("reminder_id", flat=True)) == {r.pk for r in reminders}
    assert _statuses() == {"sent": 200}
    assert set(Reminder.objects.values_list("attempts", flat=True)) == {1}
    assert services.dispatch_due() == 0


@pytest.mark.redis
@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_reminder_whose_worker_died_mid_send_is_never_sent_again(purge_queue, celery_worker):
    # given: a worker claimed it 11 minutes ago, wrote the in-app notification, and died (the email may be out)
    member = MembershipFactory()
    reminder = ReminderFactory(
        recipient=member,
        title="Visit at 09:00",
        status="sending",
        claimed_at=timezone.now() - timedelta(minutes=11),
        attempts=1,
    )
    NotificationFactory(recipient=member, reminder=reminder, kind=reminder.kind, title=reminder.title, url=reminder.url)

    # when: the next dispatch finds the stale claim, and its task is redelivered to the real worker
    handed = services.dispatch_due()
    deliver_reminder_task.delay(reminder.pk)

    # then
    assert handed == 0
    _settle()
    assert _statuses() == {"unconfirmed": 1}
    assert mail.outbox == []
    assert Notification.objects.count() == 1
    assert Reminder.objects.get(pk=reminder.pk).attempts == 1


@pytest.mark.redis
@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_the_same_delivery_task_run_three_times_delivers_once(purge_queue, celery_worker):
    reminder = ReminderFactory(recipient=MembershipFactory(), title="Once only", status="queued")
    Reminder.objects.filter(pk=reminder.pk).update(claimed_at=timezone.now())

    for _ in range(3):
        deliver_reminder_task.delay(reminder.pk)

    assert _wait_for(lambda: len(mail.outbox) >= 1)
    _settle()
    assert [message.subject for message in mail.outbox] == ["[Gemba] Once only"]
    assert Notification.objects.count() == 1
    assert _statuses() == {"sent": 1}


@pytest.mark.redis
@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_redis_down_at_scheduling_and_dispatch_loses_nothing_and_sends_once_when_it_returns(
    purge_queue, celery_worker, celery_app, settings
):
    member = MembershipFactory()

    # given: Redis refuses connections while the reminder is scheduled and the dispatcher runs
    with broker_unreachable(celery_app, settings):
        started = time.monotonic()
        reminder = services.reminder_schedule(
            recipient=member,
            kind="session_after",
            source_key="session:7:after",
            due_at=timezone.now() - timedelta(minutes=1),
            title="Log what you learned",
            body="",
            url="/log/",
        )
        handed_while_down = services.dispatch_due()
        elapsed = time.monotonic() - started

    # then: nothing raised, nothing was lost: the row is still pending and claimable
    row = Reminder.objects.get(pk=reminder.pk)
    assert (handed_while_down, row.status, row.claimed_at, row.attempts) == (0, "pending", None, 0)
    assert elapsed < 10
    assert mail.outbox == []

    # when: Redis is back and the next dispatch runs
    handed = services.dispatch_due()

    # then: the real worker delivers it once
    assert handed == 1
    assert _wait_for(lambda: _statuses() == {"sent": 1})
    _settle()
    assert [message.subject for message in mail.outbox] == ["[Gemba] Log what you learned"]
    assert Notification.objects.count() == 1


# --- the same guarantees without Redis (every run) -------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_a_broker_refusing_connections_leaves_due_reminders_pending(celery_app, settings):
    member = MembershipFactory()
    reminders = [ReminderFactory(recipient=member) for _ in range(3)]

    with broker_unreachable(celery_app, settings):
        handed = services.dispatch_due(batch_size=2)

    assert handed == 0
    assert _statuses() == {"pending": 3}
    assert set(Reminder.objects.values_list("claimed_at", flat=True)) == {None}
    assert [r.pk for r in reminders] == list(Reminder.objects.order_by("pk").values_list("pk", flat=True))


@pytest.mark.django_db(transaction=True)
def test_after_the_broker_returns_the_next_dispatch_delivers_once(celery_app, settings, celery_eager):
    member = MembershipFactory()
    ReminderFactory(recipient=member, title="Back online")
    with broker_unreachable(celery_app, settings):
        celery_app.conf.task_always_eager = False
        services.dispatch_due()
        celery_app.conf.task_always_eager = True

    handed = services.dispatch_due()

    assert handed == 1
    assert [message.subject for message in mail.outbox] == ["[Gemba] Back online"]
    assert (_statuses(), Notification.objects.count()) == ({"sent": 1}, 1)
