"""Right after `seed_demo`, the dispatcher and a real worker send only what is about now: no "Coming up" for a
session that has started, no "What did you learn?" or "Not logged yet" more than a day after a session, no
nudge about a session that is no longer waiting to be logged. The expected mail is worked out from the
seeded sessions and actions themselves, then compared message by message."""

import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from datetime import time as clock

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from apps.insights.models import CLOSED_STATUSES, Action
from apps.notifications import services
from apps.notifications.models import Reminder, zone_or_utc
from apps.organizations.models import Membership, Role
from apps.scheduling.models import Session, SessionStatus
from apps.scheduling.reminders import LOG_WINDOW, MISSING_ENTRY_AFTER

# A Wednesday at 17:00 in London (the demo's zone): the early shift (07:30-11:30) ended 5 h 30 min ago, so
# "What did you learn?" and the missing-entry nudges about it are due; Tuesday's call (16:00-16:30) ended
# more than a day ago, every earlier session too.
SEEDED_AT = datetime(2026, 12, 2, 17, 0, tzinfo=UTC)


def _wait_for(predicate, timeout=120.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


def _expected_subjects(now):
    """What the demo calls for at `now`, from its sessions and actions (not from the reminder rows)."""
    subjects = []
    recent = Session.objects.filter(
        status=SessionStatus.PLANNED, ends_at__lte=now, ends_at__gt=now - LOG_WINDOW
    ).select_related("plan", "leader__user")
    for session in recent:
        label = session.plan.label
        subjects.append(f"[Gemba] What did you learn? {label}")
        if session.ends_at + MISSING_ENTRY_AFTER <= now:
            chiefs = Membership.objects.filter(supports=session.leader, role=Role.CHIEF_OF_STAFF, is_active=True)
            for _ in range(1 + chiefs.count()):
                subjects.append(f"[Gemba] Not logged yet: {label} ({session.leader.display_name})")
    open_actions = Action.objects.exclude(status__in=CLOSED_STATUSES).select_related(
        "owner__user", "owner__organization"
    )
    for action in open_actions:
        zone = zone_or_utc(action.owner.time_zone_name)
        if datetime.combine(action.due_on + timedelta(days=1), clock(9, 0), tzinfo=zone) <= now:
            subjects.append(f"[Gemba] Overdue: {action.title}")
    return Counter(subjects)


@pytest.mark.redis
@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
@time_machine.travel(SEEDED_AT, tick=True)
def test_after_seeding_the_demo_the_first_dispatch_sends_nothing_about_the_past(purge_queue, celery_worker):
    # given: the demo, seeded by the real command (its plans started eight weeks ago, with their history)
    now = timezone.now()
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115 - closed with the process
    expected = _expected_subjects(now)

    # when: the dispatcher runs (as of just before the seeding) and the real worker delivers what it hands over
    handed = services.dispatch_due(now=now)
    assert _wait_for(lambda: not Reminder.objects.filter(status__in=("queued", "sending")).exists())
    time.sleep(1.5)  # the time a duplicate, if any, would take

    # then: exactly the mail the demo calls for, each email about something current
    subjects = Counter(message.subject for message in mail.outbox)
    assert len(mail.outbox) == handed == 4  # 321 on the starting commit
    assert subjects == {
        "[Gemba] What did you learn? Early shift with the store team": 1,
        # to the COO and to the chief of staff who supports her
        "[Gemba] Not logged yet: Early shift with the store team (Priya Shah)": 2,
        "[Gemba] Overdue: Show the collection slot and shelf in the app": 1,  # open, due last week
    }
    assert subjects == expected  # the same, worked out from the seeded sessions and actions
    sent = Reminder.objects.filter(status="sent")
    message_ids = sorted(message.extra_headers["Message-ID"] for message in mail.outbox)
    assert message_ids == sorted(sent.values_list("message_id", flat=True))
    for reminder in sent:
        assert reminder.expires_at > now, reminder
        if reminder.source_key.startswith("session:"):
            session = Session.objects.get(pk=int(reminder.source_key.split(":")[1]))
            assert session.status == SessionStatus.PLANNED
            assert now - LOG_WINDOW < session.ends_at <= now
    assert not sent.filter(kind="session_before").exists()
    # nothing about the past is left to go out later either
    assert services.dispatch_due(now=now) == 0
    assert not Reminder.objects.filter(status="pending", expires_at__lte=now).exists()
