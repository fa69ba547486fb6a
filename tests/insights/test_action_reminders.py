"""Overdue-action reminders: rows in the notifications app, on the owner's clock, weekly, sent once."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.conf import settings

from apps.insights import reminders, services
from apps.insights.tasks import overdue_actions_task
from apps.notifications import services as notification_services
from apps.notifications.models import Notification, Reminder
from apps.organizations.models import Role
from tests.insights.factories import ActionFactory
from tests.organizations.factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

TODAY = date(2030, 1, 10)
DUE = date(2030, 1, 14)  # a Monday
# 09:00 in New York the morning after (EST, UTC-5).
FIRST = datetime(2030, 1, 15, 14, 0, tzinfo=UTC)


@pytest.fixture
def owner(db):
    """An executive in New York (their own time zone), in an organization on London time."""
    organization = OrganizationFactory(time_zone="Europe/London")
    return MembershipFactory(
        organization=organization,
        role=Role.EXECUTIVE,
        user__time_zone="America/New_York",
        user__full_name="Nora Owner",
        user__email="nora@example.com",
    )


@pytest.fixture
def action(owner):
    return services.action_create(acting=owner, title="Fix the door", owner=owner, due_on=DUE, today=TODAY)


def rows():
    """(source key, status, due time) of every reminder, in due order."""
    return list(Reminder.objects.order_by("due_at", "id").values_list("source_key", "status", "due_at"))


def key(action, due, week):
    return f"action:{action.pk}:overdue:{due.isoformat()}:{week}"


# --- scheduling --------------------------------------------------------------------------------------
def test_the_owner_is_reminded_at_nine_the_morning_after_the_due_date_on_their_own_clock(action, owner):
    reminder = Reminder.objects.get()

    assert rows() == [(key(action, DUE, 0), "pending", FIRST)]
    assert (reminder.recipient, reminder.kind, reminder.organization_id) == (
        owner,
        "action_overdue",
        owner.organization_id,
    )
    assert reminder.title == "Overdue: Fix the door"
    assert reminder.body == (
        "This action was due on Mon 14 Jan 2030, 1 day ago. "
        "Update its status, add a progress note, or move the due date."
    )
    assert reminder.url == f"/actions/{action.pk}/"


def test_without_a_zone_of_their_own_the_owner_is_reminded_on_the_organizations_clock(db):
    # given: an owner in an organization on Tokyo time (UTC+9, no daylight saving)
    owner = MembershipFactory(organization=OrganizationFactory(time_zone="Asia/Tokyo"), role=Role.EXECUTIVE)

    # when
    action = services.action_create(acting=owner, title="Door", owner=owner, due_on=DUE, today=TODAY)

    # then: 09:00 in Tokyo on the 15th is midnight UTC
    assert rows() == [(key(action, DUE, 0), "pending", datetime(2030, 1, 15, 0, 0, tzinfo=UTC))]


def test_an_action_created_by_a_chief_of_staff_reminds_its_owner(organization, executive, chief_of_staff):
    services.action_create(acting=chief_of_staff, title="Door", owner=executive, due_on=DUE, today=TODAY)

    assert list(Reminder.objects.values_list("recipient_id", flat=True)) == [executive.pk]


# --- the weekly sweep ------------------------------------------------------------------------------------
def test_the_sweep_schedules_a_reminder_a_week_later_while_the_action_stays_open(action):
    # when: the sweep runs just after the first reminder's time
    count = reminders.overdue_actions_sweep(now=FIRST + timedelta(seconds=1))

    # then
    assert count == 1
    assert rows() == [
        (key(action, DUE, 0), "pending", FIRST),
        (key(action, DUE, 1), "pending", FIRST + timedelta(days=7)),
    ]
    assert Reminder.objects.get(source_key=key(action, DUE, 1)).body.startswith(
        "This action was due on Mon 14 Jan 2030, 8 days ago."
    )


def test_the_sweep_before_the_first_reminder_adds_nothing(action):
    assert reminders.overdue_actions_sweep(now=FIRST) == 1  # overdue (due the 14th), its reminder still ahead

    assert rows() == [(key(action, DUE, 0), "pending", FIRST)]


def test_sweeping_twice_schedules_nothing_new(action):
    now = FIRST + timedelta(days=8)
    reminders.overdue_actions_sweep(now=now)
    first = list(Reminder.objects.order_by("pk").values())

    reminders.overdue_actions_sweep(now=now)

    assert list(Reminder.objects.order_by("pk").values()) == first
    # The week-1 reminder no earlier sweep scheduled is caught up (sent at once), then week 2 is ahead.
    assert [row[0] for row in rows()] == [key(action, DUE, 0), key(action, DUE, 1), key(action, DUE, 2)]


def test_weekly_reminders_stay_at_nine_on_the_owners_clock_across_daylight_saving(owner):
    # given: due Monday 4 March 2030; New York moves to summer time on Sunday 10 March
    due = date(2030, 3, 4)
    action = services.action_create(acting=owner, title="Door", owner=owner, due_on=due, today=TODAY)

    # when
    reminders.overdue_actions_sweep(now=datetime(2030, 3, 5, 14, 0, 1, tzinfo=UTC))

    # then: 09:00 EST is 14:00 UTC, 09:00 EDT is 13:00 UTC
    assert rows() == [
        (key(action, due, 0), "pending", datetime(2030, 3, 5, 14, 0, tzinfo=UTC)),
        (key(action, due, 1), "pending", datetime(2030, 3, 12, 13, 0, tzinfo=UTC)),
    ]


def test_the_sweep_leaves_closed_and_not_yet_due_actions_alone(owner):
    ActionFactory(organization=owner.organization, owner=owner, due_on=DUE, status="done", closed_at=FIRST)
    ActionFactory(organization=owner.organization, owner=owner, due_on=date(2030, 2, 1))

    assert reminders.overdue_actions_sweep(now=FIRST + timedelta(days=1)) == 0
    assert rows() == []


def test_the_daily_task_runs_the_sweep_and_is_in_the_beat_schedule(owner):
    ActionFactory(organization=owner.organization, owner=owner, due_on=date(2020, 1, 6))

    assert overdue_actions_task() == 1
    assert Reminder.objects.count() == 2  # the latest weekly reminder (caught up) and the next one
    assert settings.CELERY_BEAT_SCHEDULE["insights-overdue-actions"]["task"] == "insights.overdue_actions"


# --- following the action ---------------------------------------------------------------------------------
@pytest.mark.parametrize(("status", "extra"), [("done", {"outcome": "Fixed."}), ("dropped", {"reason": "Moved."})])
def test_closing_the_action_cancels_its_reminders(action, owner, status, extra):
    reminders.overdue_actions_sweep(now=FIRST + timedelta(days=1))

    services.action_set_status(acting=owner, action=action, status=status, **extra)

    assert [status for _, status, _ in rows()] == ["cancelled", "cancelled"]


def test_reopening_the_action_revives_its_reminder(action, owner):
    services.action_set_status(acting=owner, action=action, status="done", outcome="Fixed.")
    [cancelled] = Reminder.objects.all()

    services.action_set_status(acting=owner, action=action, status="in_progress")

    assert rows() == [(key(action, DUE, 0), "pending", FIRST)]
    assert Reminder.objects.get().pk == cancelled.pk


def test_moving_the_due_date_moves_the_reminder(action, owner):
    services.action_update(
        acting=owner, action=action, title=action.title, owner=owner, due_on=date(2030, 1, 21), today=TODAY
    )

    assert rows() == [
        (key(action, DUE, 0), "cancelled", FIRST),
        (key(action, date(2030, 1, 21), 0), "pending", FIRST + timedelta(days=7)),
    ]


def test_a_new_owner_gets_the_reminder_and_the_old_one_does_not(action, owner):
    # given: the new owner has no zone of their own; the organization is on London time (GMT in January)
    new_owner = MembershipFactory(organization=owner.organization, role=Role.EXECUTIVE)

    services.action_update(acting=owner, action=action, title=action.title, owner=new_owner, due_on=DUE, today=TODAY)

    assert sorted(Reminder.objects.values_list("recipient_id", "status", "due_at")) == sorted(
        [(owner.pk, "cancelled", FIRST), (new_owner.pk, "pending", datetime(2030, 1, 15, 9, 0, tzinfo=UTC))]
    )


# --- delivery -----------------------------------------------------------------------------------------------
def test_the_reminder_is_delivered_once_in_the_app_and_by_email_with_the_actions_link(
    action, owner, mailoutbox, client
):
    # when: the every-minute dispatcher runs at its time, and a worker delivers it
    assert notification_services.dispatch_due(now=FIRST - timedelta(seconds=1)) == 0
    assert notification_services.dispatch_due(now=FIRST) == 1
    reminder = Reminder.objects.get()
    assert notification_services.reminder_deliver(reminder_id=reminder.pk) is True
    assert notification_services.reminder_deliver(reminder_id=reminder.pk) is False  # a duplicate task

    # then
    reminder.refresh_from_db()
    assert reminder.status == "sent"
    notification = Notification.objects.get()
    assert (notification.recipient, notification.kind, notification.title, notification.url) == (
        owner,
        "action_overdue",
        "Overdue: Fix the door",
        f"/actions/{action.pk}/",
    )
    [email] = mailoutbox
    assert (email.subject, email.to) == ("[Gemba] Overdue: Fix the door", ["nora@example.com"])
    assert f"Open it in Gemba: {settings.SITE_URL}/actions/{action.pk}/" in email.body
    assert "This action was due on Mon 14 Jan 2030, 1 day ago." in email.body
    # The link opens the action for its owner.
    client.force_login(owner.user)
    response = client.get(notification.url)
    assert response.status_code == 200
    assert '<h1 class="h4 mb-1">Fix the door</h1>' in response.content.decode()


def test_a_reminder_cancelled_before_its_time_is_never_sent(action, owner, mailoutbox):
    services.action_set_status(acting=owner, action=action, status="done", outcome="Fixed.")

    assert notification_services.dispatch_due(now=FIRST) == 0
    assert (Notification.objects.count(), mailoutbox) == (0, [])


def test_an_edit_after_a_reminder_fell_due_but_before_it_went_out_keeps_it(action, owner):
    # given: the first reminder is due, the dispatcher has not sent it yet
    now = FIRST + timedelta(seconds=30)

    # when: the owner renames the action in that minute
    action.title = "Fix the front door"
    reminders.action_reminders_sync(action, now=now)

    # then: that reminder is still to go (with the new title), and next week's is planned
    assert rows() == [
        (key(action, DUE, 0), "pending", FIRST),
        (key(action, DUE, 1), "pending", FIRST + timedelta(days=7)),
    ]
    assert Reminder.objects.get(source_key=key(action, DUE, 0)).title == "Overdue: Fix the front door"


def test_a_reminder_already_sent_is_not_sent_again_after_an_edit(action, owner):
    Reminder.objects.filter(source_key=key(action, DUE, 0)).update(status="sent")

    reminders.action_reminders_sync(action, now=FIRST + timedelta(days=2))

    assert rows() == [
        (key(action, DUE, 0), "sent", FIRST),
        (key(action, DUE, 1), "pending", FIRST + timedelta(days=7)),
    ]


def test_the_sweep_leaves_actions_of_deactivated_owners_alone(action, owner):
    owner.is_active = False
    owner.save()

    assert reminders.overdue_actions_sweep(now=FIRST + timedelta(days=8)) == 0
    assert rows() == [(key(action, DUE, 0), "pending", FIRST)]
