"""No reminder about the past: rows whose moment is gone are expired (at claim and again at delivery), never
sent, and the scheduling code plants none for a moment already gone."""

from datetime import time, timedelta

import pytest
from django.utils import timezone

from apps.insights import reminders as action_reminders
from apps.notifications import services
from apps.notifications.models import Notification, Reminder
from apps.scheduling import reminders as session_reminders
from apps.scheduling import services as scheduling_services
from apps.scheduling.models import SessionStatus
from tests.insights.factories import ActionFactory
from tests.notifications.factories import NotificationPreferenceFactory, ReminderFactory
from tests.scheduling.factories import SessionFactory

pytestmark = pytest.mark.django_db


def _statuses(session):
    return dict(
        Reminder.objects.filter(source_key__startswith=f"session:{session.pk}:").values_list("source_key", "status")
    )


def _session(executive, *, starts_in, minutes=60):
    starts_at = (timezone.now() + starts_in).replace(microsecond=0)
    return SessionFactory(
        plan__leader=executive,
        plan__organization=executive.organization,
        occurrence_date=starts_at.date(),
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=minutes),
        duration_minutes=minutes,
    )


# --- claim time -------------------------------------------------------------------------------------------
def test_after_an_outage_before_reminders_of_a_started_session_are_expired_not_sent(executive, mailoutbox):
    # given: a session in two days, with its reminders
    session = _session(executive, starts_in=timedelta(days=2))
    session_reminders.session_reminders_sync(session)

    # when: the dispatcher first runs again five minutes after the session started (the workers were down)
    handed = services.dispatch_due(now=session.starts_at + timedelta(minutes=5))

    # then: both "before" reminders (24 h and 1 h) are expired; "after" and the nudge are not due yet
    assert handed == 0
    assert _statuses(session) == {
        f"session:{session.pk}:before:1440": "expired",
        f"session:{session.pk}:before:60": "expired",
        f"session:{session.pk}:after": "pending",
        f"session:{session.pk}:missing": "pending",
    }
    assert mailoutbox == []
    assert Notification.objects.count() == 0


def test_log_what_you_learned_and_the_nudge_are_expired_a_day_after_the_session(executive, chief_of_staff):
    session = _session(executive, starts_in=timedelta(days=2))
    session_reminders.session_reminders_sync(session)

    assert services.dispatch_due(now=session.ends_at + timedelta(days=1)) == 0

    assert set(Reminder.objects.values_list("status", flat=True)) == {"expired"}
    assert Reminder.objects.count() == 5  # 2 before, after, the nudge to the leader and to the chief of staff


def test_a_nudge_about_a_session_marked_missed_is_expired_at_claim(executive, chief_of_staff, mailoutbox):
    # given: a session that ended 5 hours ago, unlogged: its nudges are due (4 hours after the end)
    session = _session(executive, starts_in=timedelta(hours=-6))
    session_reminders.session_reminders_sync(session)
    assert set(_statuses(session).values()) == {"pending"}

    # when: the sweep marks it missed (a bulk update that cancels nothing), then the dispatcher runs
    scheduling_services.sessions_mark_missed(now=timezone.now() + timedelta(days=1))
    handed = services.dispatch_due()

    assert handed == 0
    assert set(Reminder.objects.values_list("status", flat=True)) == {"expired"}
    assert mailoutbox == []


def test_quiet_hours_that_would_hold_a_reminder_past_its_moment_expire_it(leader):
    NotificationPreferenceFactory(user=leader.user, quiet_start=time(0, 0), quiet_end=time(23, 59))
    now = timezone.now()
    reminder = ReminderFactory(recipient=leader, due_at=now, expires_at=now + timedelta(minutes=30))

    assert services.dispatch_due(now=now) == 0
    assert Reminder.objects.get(pk=reminder.pk).status == "expired"


def test_an_overdue_action_reminder_is_expired_once_the_action_is_closed_or_its_date_moved(mailoutbox):
    today = timezone.localdate()
    closed = ActionFactory(due_on=today - timedelta(days=3))
    moved = ActionFactory(due_on=today - timedelta(days=3))
    still_open = ActionFactory(due_on=today - timedelta(days=3))
    for action in (closed, moved, still_open):
        assert action_reminders.action_reminders_sync(action) == 2
    # bulk changes that reach no service (what an import or the admin's list edit does)
    type(closed).objects.filter(pk=closed.pk).update(status="done", closed_at=timezone.now())
    type(moved).objects.filter(pk=moved.pk).update(due_on=today + timedelta(days=30))

    handed = services.dispatch_due()

    assert handed == 1
    due = Reminder.objects.filter(due_at__lte=timezone.now())
    assert sorted(due.values_list("source_key", "status")) == sorted(
        [
            (f"action:{closed.pk}:overdue:{closed.due_on.isoformat()}:0", "expired"),
            (f"action:{moved.pk}:overdue:{moved.due_on.isoformat()}:0", "expired"),
            (f"action:{still_open.pk}:overdue:{still_open.due_on.isoformat()}:0", "queued"),
        ]
    )


# --- delivery time ----------------------------------------------------------------------------------------
def test_a_queued_reminder_whose_session_was_logged_meanwhile_is_expired_at_delivery(executive, mailoutbox):
    # given: the nudge was handed to a worker, but the workers were down; meanwhile the session was logged
    session = _session(executive, starts_in=timedelta(hours=-6))
    session_reminders.session_reminders_sync(session)
    assert services.dispatch_due() == 2  # "log what you learned" and the nudge
    type(session).objects.filter(pk=session.pk).update(status=SessionStatus.DONE)

    # when: the queued tasks finally reach a worker
    delivered = [
        services.reminder_deliver(reminder_id=pk)
        for pk in Reminder.objects.filter(status="queued").values_list("pk", flat=True)
    ]

    assert delivered == [False, False]
    assert set(_statuses(session).values()) == {"expired"}
    assert mailoutbox == []
    assert Notification.objects.count() == 0


def test_a_queued_reminder_past_its_expiry_is_expired_at_delivery(leader, mailoutbox):
    now = timezone.now()
    reminder = ReminderFactory(
        recipient=leader, status="queued", claimed_at=now, due_at=now - timedelta(hours=2), expires_at=now
    )

    assert services.reminder_deliver(reminder_id=reminder.pk) is False
    assert Reminder.objects.get(pk=reminder.pk).status == "expired"
    assert mailoutbox == []


# --- planting ---------------------------------------------------------------------------------------------
def test_a_plan_created_with_its_history_plants_no_reminder_about_the_past(executive):
    # given: the demo's way: a weekly plan started eight weeks ago, created "as of" eight weeks ago
    now = timezone.now()
    first_day = timezone.localdate(now) - timedelta(weeks=8)
    plan = scheduling_services.plan_create(
        created_by=executive,
        leader=executive,
        kind="store_visit",
        cadence="weekly",
        start_date=first_day,
        start_time=time(9, 0),
        time_zone="Europe/Oslo",
        duration_minutes=60,
        now=now - timedelta(weeks=8),
    )

    # then: every reminder row is about something still to come, or ended less than a day ago
    rows = list(Reminder.objects.all())
    assert plan.sessions.filter(ends_at__lt=now - timedelta(days=1)).count() >= 7
    assert rows
    assert all(row.expires_at > now for row in rows)
    past = plan.sessions.filter(ends_at__lt=now - timedelta(days=1)).values_list("pk", flat=True)
    assert not any(row.source_key.split(":")[1] in {str(pk) for pk in past} for row in rows)


def test_scheduling_a_reminder_already_stale_plants_nothing_and_expires_an_open_row(leader):
    now = timezone.now()
    open_row = ReminderFactory(recipient=leader, kind="under_target", source_key="target:1:2026-W40")

    result = services.reminder_schedule(
        recipient=leader, kind="under_target", source_key="target:1:2026-W40", due_at=now - timedelta(days=2), title="x"
    )
    nothing = services.reminder_schedule(
        recipient=leader, kind="session_after", source_key="session:9:after", due_at=now, title="y", expires_at=now
    )

    assert (result, nothing) == (None, None)
    assert list(Reminder.objects.values_list("pk", "status")) == [(open_row.pk, "expired")]


def test_an_expired_reminder_moved_to_the_future_is_revived(leader):
    now = timezone.now()
    row = ReminderFactory(recipient=leader, status="expired", source_key="session:5:before:60")

    services.reminder_schedule(
        recipient=leader,
        kind="session_before",
        source_key="session:5:before:60",
        due_at=now + timedelta(hours=1),
        expires_at=now + timedelta(hours=2),
        title="Coming up",
    )

    assert Reminder.objects.get(pk=row.pk).status == "pending"
