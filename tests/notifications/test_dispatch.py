"""dispatch_due claims due reminders (quiet hours, disabled kinds, lost claims); reminder_deliver sends once."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from apps.notifications import services
from apps.notifications.models import MAX_ATTEMPTS, Notification, NotificationPreference, Reminder
from tests.notifications.factories import NotificationPreferenceFactory, ReminderFactory
from tests.organizations.factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

OSLO = ZoneInfo("Europe/Oslo")
NEW_YORK = ZoneInfo("America/New_York")


def oslo(*args):
    return datetime(*args, tzinfo=OSLO)


def _status(reminder):
    return Reminder.objects.values_list("status", flat=True).get(pk=reminder.pk)


def _quiet(member, start, end):
    return NotificationPreferenceFactory(user=member.user, quiet_start=start, quiet_end=end)


def _states():
    return sorted(Reminder.objects.values_list("pk", "status", "due_at"))


# --- claiming ---------------------------------------------------------------------------------------------
def test_due_pending_reminders_are_queued_and_later_ones_wait(leader):
    now = timezone.now()
    due = ReminderFactory(recipient=leader, due_at=now - timedelta(minutes=5))
    exactly_now = ReminderFactory(recipient=leader, due_at=now)
    later = ReminderFactory(recipient=leader, due_at=now + timedelta(seconds=1))

    handed = services.dispatch_due(now=now)

    assert handed == 2
    assert (_status(due), _status(exactly_now), _status(later)) == ("queued", "queued", "pending")
    assert Reminder.objects.get(pk=due.pk).claimed_at is not None


@pytest.mark.parametrize("status", ["queued", "sending", "sent", "cancelled", "skipped", "failed"])
def test_only_pending_reminders_are_claimed(leader, status):
    ReminderFactory(recipient=leader, status=status, claimed_at=timezone.now())

    assert services.dispatch_due() == 0
    assert list(Reminder.objects.values_list("status", flat=True)) == [status]


def test_batches_continue_until_every_due_reminder_is_claimed(leader):
    for _ in range(7):
        ReminderFactory(recipient=leader)

    handed = services.dispatch_due(batch_size=3)

    assert handed == 7
    assert set(Reminder.objects.values_list("status", flat=True)) == {"queued"}


def test_a_second_dispatch_finds_nothing_to_claim(leader):
    ReminderFactory(recipient=leader)

    assert (services.dispatch_due(), services.dispatch_due()) == (1, 0)


# --- disabled kinds, inactive members ---------------------------------------------------------------------
def test_a_reminder_of_a_kind_the_recipient_turned_off_is_skipped(leader):
    NotificationPreferenceFactory(user=leader.user, disabled_kinds=["session_before", "under_target"])
    off = ReminderFactory(recipient=leader, kind="session_before")
    on = ReminderFactory(recipient=leader, kind="session_after")

    handed = services.dispatch_due()

    assert handed == 1
    assert (_status(off), _status(on)) == ("skipped", "queued")
    assert services.reminder_deliver(reminder_id=off.pk) is False


def test_a_kind_turned_off_after_dispatch_is_skipped_at_delivery(leader, mailoutbox):
    reminder = ReminderFactory(recipient=leader, kind="missing_entry")
    services.dispatch_due()
    services.kind_unsubscribe(user=leader.user, kind="missing_entry")

    assert services.reminder_deliver(reminder_id=reminder.pk) is False
    assert (_status(reminder), Notification.objects.count(), mailoutbox) == ("skipped", 0, [])


def test_reminders_for_a_deactivated_member_are_skipped(leader):
    reminder = ReminderFactory(recipient=leader)
    leader.is_active = False
    leader.save()

    assert services.dispatch_due() == 0
    assert _status(reminder) == "skipped"


# --- quiet hours -----------------------------------------------------------------------------------------
def test_a_reminder_due_in_quiet_hours_waits_for_their_end_across_midnight(leader):
    # given: quiet 22:00-07:00 in Oslo (the leader's own zone; their organization is on London time)
    _quiet(leader, time(22, 0), time(7, 0))
    reminder = ReminderFactory(recipient=leader, due_at=oslo(2026, 1, 15, 22, 30))

    # when: dispatched at its due time, then at the end of the quiet hours
    first = services.dispatch_due(now=oslo(2026, 1, 15, 22, 30))
    moved_to = Reminder.objects.get(pk=reminder.pk).due_at
    second = services.dispatch_due(now=oslo(2026, 1, 16, 6, 59))
    third = services.dispatch_due(now=oslo(2026, 1, 16, 7, 0))

    # then
    assert (first, second, third) == (0, 0, 1)
    assert moved_to == oslo(2026, 1, 16, 7, 0)
    assert moved_to == datetime(2026, 1, 16, 6, 0, tzinfo=UTC)
    assert _status(reminder) == "queued"


def test_a_reminder_due_in_the_morning_part_of_quiet_hours_waits_until_that_morning(leader):
    _quiet(leader, time(22, 0), time(7, 0))
    reminder = ReminderFactory(recipient=leader, due_at=oslo(2026, 1, 16, 5, 0))

    services.dispatch_due(now=oslo(2026, 1, 16, 5, 0))

    assert Reminder.objects.get(pk=reminder.pk).due_at == oslo(2026, 1, 16, 7, 0)


def test_a_reminder_just_outside_quiet_hours_goes_out(leader):
    _quiet(leader, time(22, 0), time(7, 0))
    evening = ReminderFactory(recipient=leader, due_at=oslo(2026, 1, 15, 21, 59))

    assert services.dispatch_due(now=oslo(2026, 1, 15, 21, 59)) == 1
    assert _status(evening) == "queued"


def test_quiet_hours_within_one_day(leader):
    _quiet(leader, time(12, 0), time(14, 0))
    lunch = ReminderFactory(recipient=leader, due_at=oslo(2026, 1, 15, 13, 0))
    before = ReminderFactory(recipient=leader, due_at=oslo(2026, 1, 15, 11, 59))

    services.dispatch_due(now=oslo(2026, 1, 15, 11, 59))
    services.dispatch_due(now=oslo(2026, 1, 15, 13, 0))

    assert Reminder.objects.get(pk=lunch.pk).due_at == oslo(2026, 1, 15, 14, 0)
    assert (_status(lunch), _status(before)) == ("pending", "queued")


def test_quiet_hours_use_the_organization_zone_when_the_member_has_none():
    # given: a member without a zone of their own, in a New York organization; quiet 22:00-07:00
    member = MembershipFactory(organization=OrganizationFactory(time_zone="America/New_York"), user__time_zone="")
    _quiet(member, time(22, 0), time(7, 0))
    # 23:00 UTC is 18:00 in New York (quiet in UTC, not in New York); 08:00 UTC is 03:00 in New York
    evening_utc = ReminderFactory(recipient=member, due_at=datetime(2026, 1, 15, 23, 0, tzinfo=UTC))
    night_ny = ReminderFactory(recipient=member, due_at=datetime(2026, 1, 16, 8, 0, tzinfo=UTC))

    services.dispatch_due(now=datetime(2026, 1, 15, 23, 0, tzinfo=UTC))
    services.dispatch_due(now=datetime(2026, 1, 16, 8, 0, tzinfo=UTC))

    assert _status(evening_utc) == "queued"
    assert Reminder.objects.get(pk=night_ny.pk).due_at == datetime(2026, 1, 16, 7, 0, tzinfo=NEW_YORK)
    assert _status(night_ny) == "pending"


def test_quiet_hours_ending_after_the_spring_forward_end_on_the_new_clock(leader):
    # Oslo moves from 02:00 to 03:00 on 29 March 2026: the night is an hour shorter.
    _quiet(leader, time(22, 0), time(7, 0))
    reminder = ReminderFactory(recipient=leader, due_at=oslo(2026, 3, 28, 23, 0))

    services.dispatch_due(now=oslo(2026, 3, 28, 23, 0))

    assert Reminder.objects.get(pk=reminder.pk).due_at == datetime(2026, 3, 29, 5, 0, tzinfo=UTC)  # 07:00 CEST


def test_quiet_hours_ending_inside_the_spring_forward_gap_end_at_the_first_valid_time_after_it(leader):
    # Oslo's clock jumps from 02:00 to 03:00 on the last Sunday of March: 02:30 never happens that night.
    _quiet(leader, time(22, 0), time(2, 30))
    reminder = ReminderFactory(recipient=leader, due_at=oslo(2026, 3, 28, 23, 0))

    services.dispatch_due(now=oslo(2026, 3, 28, 23, 0))
    held_until = Reminder.objects.get(pk=reminder.pk).due_at
    at_the_change = services.dispatch_due(now=datetime(2026, 3, 29, 1, 0, tzinfo=UTC))

    assert held_until == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)  # 03:00 CEST, not 03:30
    assert (at_the_change, _status(reminder)) == (1, "queued")


@pytest.mark.parametrize(
    ("end", "local", "expected_utc"),
    [
        (time(2, 30), (2026, 3, 29, 1, 0), (2026, 3, 29, 1, 0)),  # in the gap: the change itself
        (time(2, 0), (2026, 3, 29, 1, 0), (2026, 3, 29, 1, 0)),  # the gap's first minute
        (time(2, 59), (2026, 3, 29, 1, 0), (2026, 3, 29, 1, 0)),
        (time(3, 0), (2026, 3, 29, 1, 0), (2026, 3, 29, 1, 0)),  # the first valid time itself
        (time(1, 59), (2026, 3, 29, 1, 0), (2026, 3, 29, 0, 59)),  # before the gap: as written
        (time(2, 30), (2026, 10, 25, 1, 0), (2026, 10, 25, 0, 30)),  # autumn: 02:30 twice, the first one
    ],
)
def test_quiet_until_across_the_clock_changes(end, local, expected_utc):
    preference = NotificationPreference(quiet_start=time(0, 30), quiet_end=end)

    result = preference.quiet_until(oslo(*local), "Europe/Oslo")

    assert result == datetime(*expected_utc, tzinfo=UTC)


def test_a_late_dispatch_does_not_send_into_quiet_hours(leader):
    # due 21:50 (before quiet hours), but the dispatcher only runs at 22:10 (beat was down)
    _quiet(leader, time(22, 0), time(7, 0))
    reminder = ReminderFactory(recipient=leader, due_at=oslo(2026, 1, 15, 21, 50))

    assert services.dispatch_due(now=oslo(2026, 1, 15, 22, 10)) == 0
    assert Reminder.objects.get(pk=reminder.pk).due_at == oslo(2026, 1, 16, 7, 0)


@pytest.mark.parametrize(
    ("start", "end", "local", "expected"),
    [
        (time(22, 0), time(7, 0), (2026, 1, 15, 22, 0), (2026, 1, 16, 7, 0)),  # start is inclusive
        (time(22, 0), time(7, 0), (2026, 1, 16, 6, 59), (2026, 1, 16, 7, 0)),
        (time(22, 0), time(7, 0), (2026, 1, 16, 7, 0), None),  # end is exclusive
        (time(22, 0), time(7, 0), (2026, 1, 15, 12, 0), None),
        (time(0, 0), time(6, 0), (2026, 1, 15, 0, 0), (2026, 1, 15, 6, 0)),
        (time(13, 0), time(13, 30), (2026, 1, 15, 13, 15), (2026, 1, 15, 13, 30)),
        (None, None, (2026, 1, 15, 23, 0), None),
    ],
)
def test_quiet_until(start, end, local, expected):
    preference = NotificationPreference(quiet_start=start, quiet_end=end)

    result = preference.quiet_until(oslo(*local), "Europe/Oslo")

    assert result == (oslo(*expected) if expected else None)


# --- claims left behind ----------------------------------------------------------------------------------
def test_a_reminder_left_sending_by_a_dead_worker_is_unconfirmed_after_ten_minutes_never_sent_again(leader, mailoutbox):
    # given: two rows a worker took for sending; the backend may have accepted the first one's email
    now = timezone.now()
    dead = ReminderFactory(recipient=leader, status="sending", claimed_at=now - timedelta(minutes=11), attempts=1)
    busy = ReminderFactory(recipient=leader, status="sending", claimed_at=now - timedelta(minutes=9), attempts=1)

    # when: the sweep runs, and a redelivered task for the dead one arrives
    handed = services.dispatch_due(now=now)
    delivered = services.reminder_deliver(reminder_id=dead.pk)

    # then: nothing is handed over or sent again
    assert handed == 0
    assert (_status(dead), _status(busy)) == ("unconfirmed", "sending")
    assert delivered is False
    assert Reminder.objects.get(pk=dead.pk).attempts == 1
    assert mailoutbox == []


def test_a_queued_reminder_whose_task_was_lost_is_handed_over_again_within_two_minutes(leader):
    now = timezone.now()
    lost = ReminderFactory(recipient=leader, status="queued", claimed_at=now - timedelta(seconds=91))
    waiting = ReminderFactory(recipient=leader, status="queued", claimed_at=now - timedelta(seconds=89))

    assert services.dispatch_due(now=now) == 1
    row = Reminder.objects.get(pk=lost.pk)
    assert (row.status, row.claimed_at >= now) == ("queued", True)
    assert Reminder.objects.get(pk=waiting.pk).claimed_at == now - timedelta(seconds=89)


def test_an_unconfirmed_reminder_is_sent_again_only_by_the_admins_retry(leader, mailoutbox):
    reminder = ReminderFactory(recipient=leader, status="unconfirmed", message_id="<reminder.1@gemba.example>")

    assert services.dispatch_due() == 0
    assert services.reminders_retry(ids=[reminder.pk]) == 1
    assert _status(reminder) == "pending"
    assert Reminder.objects.get(pk=reminder.pk).message_id == "<reminder.1@gemba.example>"


# --- delivering --------------------------------------------------------------------------------------------
def test_dispatch_then_deliver_sends_one_email_and_one_in_app_notification(
    leader, mailoutbox, settings, celery_eager, django_capture_on_commit_callbacks
):
    reminder = ReminderFactory(
        recipient=leader,
        kind="session_after",
        title="Log what you learned at Oslo flagship",
        body="Your store visit ended at 11:00.",
        url="/log/?session=42",
    )

    # when: the dispatcher hands it over after commit and the (eager) worker delivers it
    with django_capture_on_commit_callbacks(execute=True):
        handed = services.dispatch_due()

    # then
    assert handed == 1
    assert _status(reminder) == "sent"
    notification = Notification.objects.get()
    assert (
        notification.reminder_id,
        notification.recipient_id,
        notification.organization_id,
        notification.kind,
        notification.title,
        notification.body,
        notification.url,
        notification.read_at,
    ) == (
        reminder.pk,
        leader.pk,
        leader.organization_id,
        "session_after",
        "Log what you learned at Oslo flagship",
        "Your store visit ended at 11:00.",
        "/log/?session=42",
        None,
    )
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert (message.subject, message.to) == ("[Gemba] Log what you learned at Oslo flagship", [leader.user.email])
    assert "Your store visit ended at 11:00." in message.body
    assert "Open it in Gemba: http://testserver/log/?session=42" in message.body or ("/log/?session=42" in message.body)
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "Log what you learned at Oslo flagship" in html
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["List-Unsubscribe"].startswith("<")
    assert "/notifications/unsubscribe/" in message.extra_headers["List-Unsubscribe"]
    # and: running everything again changes nothing
    with django_capture_on_commit_callbacks(execute=True):
        assert services.dispatch_due() == 0
    assert services.reminder_deliver(reminder_id=reminder.pk) is False
    assert (len(mailoutbox), Notification.objects.count()) == (1, 1)


def test_email_links_are_absolute_on_the_site_url(leader, mailoutbox, settings):
    settings.SITE_URL = "https://gemba.example"
    reminder = ReminderFactory(recipient=leader, status="queued", url="/log/?session=42")

    services.reminder_deliver(reminder_id=reminder.pk)

    body = mailoutbox[0].body
    assert "Open it in Gemba: https://gemba.example/log/?session=42" in body
    assert "Choose which reminders you get: https://gemba.example/notifications/preferences/" in body
    assert (
        mailoutbox[0].extra_headers["List-Unsubscribe"].startswith("<https://gemba.example/notifications/unsubscribe/")
    )


def test_with_email_off_the_reminder_is_only_in_the_app(leader, mailoutbox):
    NotificationPreferenceFactory(user=leader.user, email_enabled=False)
    reminder = ReminderFactory(recipient=leader, status="queued")

    assert services.reminder_deliver(reminder_id=reminder.pk) is True
    assert (mailoutbox, Notification.objects.count(), _status(reminder)) == ([], 1, "sent")


def test_a_pending_reminder_is_not_delivered_without_being_dispatched(leader, mailoutbox):
    reminder = ReminderFactory(recipient=leader)

    assert services.reminder_deliver(reminder_id=reminder.pk) is False
    assert (mailoutbox, _status(reminder)) == ([], "pending")


def test_a_failed_send_releases_the_reminder_for_a_retry(leader, mail_server_down):
    reminder = ReminderFactory(recipient=leader, status="queued")

    with pytest.raises(ConnectionRefusedError):
        services.reminder_deliver(reminder_id=reminder.pk)

    row = Reminder.objects.get(pk=reminder.pk)
    assert (row.status, row.attempts, row.sent_at) == ("queued", 1, None)
    # The in-app notification is there already; a retry does not add another.
    assert Notification.objects.count() == 1


def test_a_send_cut_off_by_the_time_limit_is_unconfirmed_not_retried(leader, settings, mailoutbox):
    from celery.exceptions import SoftTimeLimitExceeded

    reminder = ReminderFactory(recipient=leader, status="queued")
    settings.EMAIL_BACKEND = "tests.notifications.conftest.CutOffEmailBackend"

    with pytest.raises(SoftTimeLimitExceeded):
        services.reminder_deliver(reminder_id=reminder.pk)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    assert _status(reminder) == "unconfirmed"
    assert services.reminder_deliver(reminder_id=reminder.pk) is False
    assert services.dispatch_due(now=timezone.now() + timedelta(hours=1)) == 0
    assert mailoutbox == []


def test_after_the_last_attempt_the_reminder_fails(leader, mail_server_down):
    reminder = ReminderFactory(recipient=leader, status="queued", attempts=MAX_ATTEMPTS - 1)

    with pytest.raises(ConnectionRefusedError):
        services.reminder_deliver(reminder_id=reminder.pk)

    assert (_status(reminder), Reminder.objects.get(pk=reminder.pk).attempts) == ("failed", MAX_ATTEMPTS)
    assert services.reminder_deliver(reminder_id=reminder.pk) is False


def test_a_retry_after_a_failed_send_delivers_once(leader, settings, mailoutbox):
    reminder = ReminderFactory(recipient=leader, status="queued")
    settings.EMAIL_BACKEND = "tests.notifications.conftest.RefusingEmailBackend"
    with pytest.raises(ConnectionRefusedError):
        services.reminder_deliver(reminder_id=reminder.pk)
    message_id = Reminder.objects.get(pk=reminder.pk).message_id
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    assert services.reminder_deliver(reminder_id=reminder.pk) is True
    assert (len(mailoutbox), Notification.objects.count(), _status(reminder)) == (1, 1, "sent")
    # The retry keeps the claim's Message-ID: a copy from a backend that raised after accepting is recognisable.
    assert message_id.startswith("<") and message_id.endswith(">")
    assert mailoutbox[0].extra_headers["Message-ID"] == message_id
    assert mailoutbox[0].message()["Message-ID"] == message_id


def test_the_email_is_written_on_the_recipients_clock(leader, mailoutbox):
    reminder = ReminderFactory(recipient=leader, status="queued", title="Visit", body="Plan ahead")

    services.reminder_deliver(reminder_id=reminder.pk)

    assert mailoutbox[0].body.startswith(f"Hello {leader.user.get_short_name()},")
    assert f"reminder from Gemba for {leader.organization.name}." in mailoutbox[0].body


def test_a_member_with_an_unknown_time_zone_does_not_stop_the_dispatcher(leader):
    # given: a zone name that is no longer known (stored before a tzdata update); quiet 22:00-07:00
    type(leader.user).objects.filter(pk=leader.user.pk).update(time_zone="Mars/Olympus_Mons")
    _quiet(leader, time(22, 0), time(7, 0))
    other = ReminderFactory(recipient=MembershipFactory(), due_at=datetime(2026, 1, 15, 12, 0, tzinfo=UTC))
    reminder = ReminderFactory(recipient=leader, due_at=datetime(2026, 1, 15, 23, 0, tzinfo=UTC))

    services.dispatch_due(now=datetime(2026, 1, 15, 23, 0, tzinfo=UTC))

    # then: its quiet hours are read on UTC, and everyone else's reminders still go out
    assert Reminder.objects.get(pk=reminder.pk).due_at == datetime(2026, 1, 16, 7, 0, tzinfo=UTC)
    assert _status(other) == "queued"
