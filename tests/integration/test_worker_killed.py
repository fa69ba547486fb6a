"""A worker killed in the middle of sending duplicates nothing.

Real parts only: PostgreSQL, Redis and two real `celery worker` processes. The first one is killed with
SIGKILL while it sends: nobody can tell whether the mail server took the email, so the dispatcher's sweep
marks the reminder unconfirmed instead of handing it to the second worker (the email goes out at most once;
the in-app notification was written with the claim). A late redelivery of the first worker's message
changes nothing.
"""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from apps.notifications import services
from apps.notifications.models import Notification, Reminder
from tests.notifications.factories import ReminderFactory

ROOT = Path(__file__).resolve().parent.parent.parent

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def _wait_for(predicate, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


def _start_worker(tmp_path, name, slow_seconds):
    database = settings.DATABASES["default"]
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="tests.integration.worker_settings",
        WORKER_DATABASE_NAME=database["NAME"],
        EMAIL_FILE_PATH=str(tmp_path / "mail"),
        SLOW_EMAIL_SECONDS=str(slow_seconds),
        PYTHONPATH=str(ROOT),
    )
    log = open(tmp_path / f"{name}.log", "w")  # noqa: SIM115 - closed when the process ends
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "-P",
            "solo",
            "-c",
            "1",
            "-n",
            f"{name}@%h",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-l",
            "INFO",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _sent_files(tmp_path):
    folder = tmp_path / "mail"
    return sorted(folder.iterdir()) if folder.exists() else []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="workers in other processes need a shared database")
def test_a_worker_killed_mid_send_is_never_sent_again(tmp_path, purge_queue):
    reminder = ReminderFactory(due_at=timezone.now() - timedelta(seconds=5), title="Kill-test reminder")
    first = _start_worker(tmp_path, "first", slow_seconds=60)
    try:
        # when: the first worker takes the reminder and is killed while the email is "on the wire"
        assert services.dispatch_due() == 1
        assert _wait_for(lambda: Reminder.objects.get(pk=reminder.pk).status == "sending")
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
        assert _sent_files(tmp_path) == []
        stuck = Reminder.objects.get(pk=reminder.pk)
        assert (stuck.status, stuck.attempts) == ("sending", 1)

        # then: the next dispatcher run after the send timeout marks it unconfirmed; a healthy worker gets nothing
        second = _start_worker(tmp_path, "second", slow_seconds=0)
        try:
            assert services.dispatch_due(now=timezone.now() + timedelta(minutes=11)) == 0
            assert Reminder.objects.get(pk=reminder.pk).status == "unconfirmed"
            time.sleep(2)  # what a second worker would need to send it
        finally:
            os.killpg(second.pid, signal.SIGTERM)
            second.wait(timeout=20)
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)

    # no email sent twice (none here: the first worker died before the server took it), one in-app
    # notification; a late redelivery of the first message does nothing
    assert _sent_files(tmp_path) == []
    assert services.reminder_deliver(reminder_id=reminder.pk) is False
    assert _sent_files(tmp_path) == []
    assert Notification.objects.filter(reminder=reminder).count() == 1
    assert Reminder.objects.values_list("status", "attempts").get(pk=reminder.pk) == ("unconfirmed", 1)
