"""Exactly once across the crash window: a worker process that dies right after the mail backend accepted the
email (before it could mark the row sent) leaves a row nothing sends again: not the sweep, not a redelivered
task on a real worker. Only SMTP is faked (a backend that writes the message to a file, then the process
dies)."""

import email
import os
import subprocess
import sys
import time
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.utils import timezone

from apps.notifications import services
from apps.notifications.models import SEND_TIMEOUT, Notification, Reminder
from apps.notifications.tasks import deliver_reminder_task
from tests.notifications.crashing_mail import KILLED
from tests.notifications.factories import ReminderFactory
from tests.organizations.factories import MembershipFactory

# The subprocess: the real delivery task, run to completion in a fresh interpreter on the test database.
DELIVER_AND_DIE = """
import sys
import django
django.setup()
from django.conf import settings
settings.EMAIL_BACKEND = "tests.notifications.crashing_mail.AcceptThenDieBackend"
from apps.notifications.tasks import deliver_reminder_task
deliver_reminder_task.apply(args=(int(sys.argv[1]),), throw=True)
sys.exit(0)  # not reached: the backend ends the process
"""


def _test_database_url():
    """This test's own database (its xdist suffix included), as another process reaches it."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        # Tests on SQLite use a file (config/settings/test.py), in WAL mode: another process can share it.
        return f"sqlite:///{os.path.abspath(db['NAME'])}"
    credentials = quote(db["USER"] or "", safe="") + (":" + quote(db["PASSWORD"], safe="") if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _deliver_in_a_process_that_dies_after_the_send(reminder_id, mailbox):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": _test_database_url(),
        "GEMBA_TEST_MAILBOX": str(mailbox),
    }
    return subprocess.run(
        [sys.executable, "-c", DELIVER_AND_DIE, str(reminder_id)],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _messages_in(mailbox):
    return [email.message_from_bytes(path.read_bytes()) for path in sorted(mailbox.glob("*.eml"))]


def _crash_after_the_send(tmp_path):
    """A reminder queued for delivery; a worker process delivers it and dies once the backend has the email."""
    member = MembershipFactory(user__email="liv@example.com")
    reminder = ReminderFactory(
        recipient=member,
        title="Visit at 09:00",
        status="queued",
        claimed_at=timezone.now(),
        expires_at=timezone.now() + timedelta(hours=2),
    )
    mailbox = tmp_path / "mailbox"
    mailbox.mkdir()
    done = _deliver_in_a_process_that_dies_after_the_send(reminder.pk, mailbox)
    assert done.returncode == KILLED, done.stderr[-3000:]
    row = Reminder.objects.get(pk=reminder.pk)
    accepted = _messages_in(mailbox)
    # The window itself: the backend has the email, the row was never marked sent.
    assert (row.status, row.attempts, row.sent_at) == ("sending", 1, None)
    assert [(m["Subject"], m["To"], m["Message-ID"]) for m in accepted] == [
        ("[Gemba] Visit at 09:00", "liv@example.com", row.message_id)
    ]
    assert Notification.objects.filter(reminder=row).count() == 1
    return row, mailbox


@pytest.mark.django_db(transaction=True)
def test_a_worker_that_dies_right_after_the_send_never_causes_a_second_email(tmp_path, mailoutbox):
    row, mailbox = _crash_after_the_send(tmp_path)

    # when: every dispatcher run from then on (the sweep, well past SEND_TIMEOUT) and a redelivered task
    for minutes in (1, 11, 30):
        services.dispatch_due(now=timezone.now() + timedelta(minutes=minutes))
    redelivered = services.reminder_deliver(reminder_id=row.pk)

    # then: exactly one email in total (the one the dead process handed over), one in-app notification
    assert redelivered is False
    assert len(_messages_in(mailbox)) + len(mailoutbox) == 1
    assert mailoutbox == []
    assert Reminder.objects.values_list("status", "attempts").get(pk=row.pk) == ("unconfirmed", 1)
    assert Notification.objects.count() == 1


@pytest.mark.redis
@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_that_dies_right_after_the_send_is_not_redelivered_by_a_real_worker(
    tmp_path, purge_queue, celery_worker
):
    row, mailbox = _crash_after_the_send(tmp_path)

    # when: the sweep runs past SEND_TIMEOUT while a real worker is up, and the broker redelivers the task
    # (acks_late: the dead process never acknowledged it)
    handed = services.dispatch_due(now=timezone.now() + SEND_TIMEOUT + timedelta(minutes=1))
    deliver_reminder_task.delay(row.pk)
    time.sleep(2)  # the time a duplicate, if any, would take to show up
    handed_later = services.dispatch_due()

    assert (handed, handed_later) == (0, 0)
    assert len(_messages_in(mailbox)) + len(mail.outbox) == 1
    assert mail.outbox == []
    assert Reminder.objects.values_list("status", "attempts").get(pk=row.pk) == ("unconfirmed", 1)
    assert Notification.objects.count() == 1
