"""reminder_schedule is an idempotent upsert; reminders_cancel stops what no worker is sending yet."""

from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.notifications import selectors, services
from apps.notifications.models import Reminder, ReminderKind, ReminderStatus
from tests.notifications.factories import ReminderFactory
from tests.organizations.factories import MembershipFactory

pytestmark = pytest.mark.django_db

DUE = datetime(2036, 3, 2, 8, 0, tzinfo=UTC)
LATER = datetime(2036, 3, 2, 9, 30, tzinfo=UTC)


def _schedule(recipient, **overrides):
    values = {
        "recipient": recipient,
        "kind": ReminderKind.SESSION_BEFORE,
        "source_key": "session:42:60",
        "due_at": DUE,
        "title": "Store visit at 09:00",
        "body": "Oslo flagship",
        "url": "/schedule/sessions/42/",
    }
    values.update(overrides)
    return services.reminder_schedule(**values)


def _row(reminder):
    return Reminder.objects.filter(pk=reminder.pk).values(
        "status", "due_at", "title", "body", "url", "attempts", "claimed_at", "sent_at"
    )[0]


def test_schedule_creates_a_pending_row_in_the_recipients_organization(executive):
    reminder = _schedule(executive)

    assert Reminder.objects.count() == 1
    assert (reminder.organization_id, reminder.recipient_id, reminder.kind, reminder.source_key) == (
        executive.organization_id,
        executive.pk,
        "session_before",
        "session:42:60",
    )
    assert _row(reminder) == {
        "status": "pending",
        "due_at": DUE,
        "title": "Store visit at 09:00",
        "body": "Oslo flagship",
        "url": "/schedule/sessions/42/",
        "attempts": 0,
        "claimed_at": None,
        "sent_at": None,
    }


def test_scheduling_the_same_reminder_twice_keeps_one_row(executive):
    first = _schedule(executive)
    before = Reminder.objects.filter(pk=first.pk).values("updated_at")[0]

    second = _schedule(executive)

    assert second.pk == first.pk
    assert Reminder.objects.count() == 1
    # Nothing changed, so nothing was written.
    assert Reminder.objects.filter(pk=first.pk).values("updated_at")[0] == before


def test_same_source_for_another_kind_or_recipient_is_another_reminder(executive, chief_of_staff):
    _schedule(executive)
    _schedule(executive, kind=ReminderKind.SESSION_AFTER)
    _schedule(chief_of_staff)

    assert Reminder.objects.count() == 3


def test_a_pending_reminder_takes_the_new_time_and_text(executive):
    reminder = _schedule(executive)

    _schedule(executive, due_at=LATER, title="Store visit at 10:30", body="Moved", url="/schedule/")

    assert _row(reminder) | {"claimed_at": None} == {
        "status": "pending",
        "due_at": LATER,
        "title": "Store visit at 10:30",
        "body": "Moved",
        "url": "/schedule/",
        "attempts": 0,
        "claimed_at": None,
        "sent_at": None,
    }


def test_a_sent_reminder_is_left_alone(executive):
    sent_at = timezone.now()
    reminder = ReminderFactory(
        recipient=executive, source_key="session:42:60", due_at=DUE, status=ReminderStatus.SENT, sent_at=sent_at
    )
    before = _row(reminder)

    again = _schedule(executive, due_at=LATER, title="Changed")

    assert again.pk == reminder.pk
    assert _row(reminder) == before


def test_a_reminder_being_sent_is_left_alone(executive):
    reminder = ReminderFactory(
        recipient=executive,
        source_key="session:42:60",
        due_at=DUE,
        status=ReminderStatus.SENDING,
        claimed_at=timezone.now(),
    )
    before = _row(reminder)

    _schedule(executive, due_at=LATER, title="Changed")

    assert _row(reminder) == before


def test_a_cancelled_reminder_is_revived_to_pending(executive):
    reminder = ReminderFactory(
        recipient=executive, source_key="session:42:60", due_at=DUE, status=ReminderStatus.CANCELLED, attempts=2
    )

    again = _schedule(executive, due_at=LATER, title="Back on")

    assert again.pk == reminder.pk
    assert _row(reminder) == {
        "status": "pending",
        "due_at": LATER,
        "title": "Back on",
        "body": "Oslo flagship",
        "url": "/schedule/sessions/42/",
        "attempts": 0,
        "claimed_at": None,
        "sent_at": None,
    }


def test_a_cancelled_reminder_is_revived_even_at_the_same_time(executive):
    reminder = ReminderFactory(
        recipient=executive, source_key="session:42:60", due_at=DUE, status=ReminderStatus.CANCELLED
    )

    _schedule(executive)

    assert _row(reminder)["status"] == "pending"


def test_a_queued_reminder_moved_in_time_goes_back_to_pending(executive):
    reminder = ReminderFactory(
        recipient=executive,
        source_key="session:42:60",
        due_at=DUE,
        status=ReminderStatus.QUEUED,
        claimed_at=timezone.now(),
    )

    _schedule(executive, due_at=LATER)

    row = _row(reminder)
    assert (row["status"], row["due_at"], row["claimed_at"]) == ("pending", LATER, None)
    # The worker's task, when it comes, finds nothing to claim.
    assert services.reminder_deliver(reminder_id=reminder.pk) is False


def test_a_queued_reminder_with_new_text_only_stays_queued_and_goes_out_with_it(executive, mailoutbox):
    reminder = ReminderFactory(
        recipient=executive,
        source_key="session:42:60",
        due_at=DUE,
        status=ReminderStatus.QUEUED,
        claimed_at=timezone.now(),
    )

    _schedule(executive, title="Store visit at 09:00 (new room)")
    delivered = services.reminder_deliver(reminder_id=reminder.pk)

    assert delivered is True
    assert [message.subject for message in mailoutbox] == ["[Gemba] Store visit at 09:00 (new room)"]


@pytest.mark.parametrize("status", [ReminderStatus.SKIPPED, ReminderStatus.FAILED])
def test_a_skipped_or_failed_reminder_stays_so_unless_its_time_changes(executive, status):
    reminder = ReminderFactory(recipient=executive, source_key="session:42:60", due_at=DUE, status=status, attempts=5)

    _schedule(executive)
    unchanged = _row(reminder)["status"]
    _schedule(executive, due_at=LATER)

    assert unchanged == status
    assert (_row(reminder)["status"], _row(reminder)["attempts"]) == ("pending", 0)


def test_the_title_becomes_one_line_of_at_most_200_characters(executive):
    reminder = _schedule(executive, title="Store visit\n  at 09:00\r\n" + "x" * 300)

    assert "\n" not in reminder.title
    assert len(reminder.title) == 200
    assert reminder.title.startswith("Store visit at 09:00 xxx")
    assert reminder.title.endswith("…")


@pytest.mark.parametrize(
    ("overrides", "errors"),
    [
        ({"kind": "birthday"}, {"kind": ["'birthday' is not a kind of reminder."]}),
        ({"source_key": ""}, {"source_key": ["Give a source key of 1 to 120 characters."]}),
        ({"due_at": datetime(2036, 3, 2, 8, 0)}, {"due_at": ["Give the due time as an aware datetime."]}),
        ({"url": "https://evil.example/"}, {"url": ["Give a path on this site, starting with a single /."]}),
        ({"url": "//evil.example/"}, {"url": ["Give a path on this site, starting with a single /."]}),
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(executive, overrides, errors):
    with pytest.raises(ValidationError) as exc_info:
        _schedule(executive, **overrides)

    assert exc_info.value.message_dict == errors
    assert Reminder.objects.count() == 0


# --- cancelling by prefix -----------------------------------------------------------------------------
def test_cancel_by_prefix_stops_pending_and_queued_reminders_of_that_source_only(executive, chief_of_staff):
    day_before = ReminderFactory(recipient=executive, source_key="session:42:1440")
    hour_before = ReminderFactory(recipient=executive, source_key="session:42:60", status=ReminderStatus.QUEUED)
    for_chief = ReminderFactory(recipient=chief_of_staff, source_key="session:42:60")
    sending = ReminderFactory(recipient=executive, source_key="session:42:5", status=ReminderStatus.SENDING)
    sent = ReminderFactory(recipient=executive, source_key="session:42:30", status=ReminderStatus.SENT)
    other_session = ReminderFactory(recipient=executive, source_key="session:420:60")
    other_source = ReminderFactory(recipient=executive, source_key="plan:42:60")

    cancelled = services.reminders_cancel(source_key_prefix="session:42:")

    assert cancelled == 3
    statuses = dict(Reminder.objects.values_list("pk", "status"))
    assert statuses == {
        day_before.pk: "cancelled",
        hour_before.pk: "cancelled",
        for_chief.pk: "cancelled",
        sending.pk: "sending",
        sent.pk: "sent",
        other_session.pk: "pending",
        other_source.pk: "pending",
    }
    assert services.reminder_deliver(reminder_id=hour_before.pk) is False


def test_cancel_then_schedule_again_revives_the_same_row(executive):
    reminder = _schedule(executive)
    services.reminders_cancel(source_key_prefix="session:42:")

    again = _schedule(executive)

    assert again.pk == reminder.pk
    assert list(selectors.reminders_for_source(source_key_prefix="session:42:").values_list("status", flat=True)) == [
        "pending"
    ]


def test_cancel_with_an_empty_prefix_is_refused(executive):
    ReminderFactory(recipient=executive)

    with pytest.raises(ValidationError):
        services.reminders_cancel(source_key_prefix="")

    assert list(Reminder.objects.values_list("status", flat=True)) == ["pending"]


def test_cancel_prefix_is_taken_literally(executive):
    literal = ReminderFactory(recipient=executive, source_key="session:4_:60")
    other = ReminderFactory(recipient=executive, source_key="session:45:60")

    assert services.reminders_cancel(source_key_prefix="session:4_:") == 1
    assert dict(Reminder.objects.values_list("pk", "status")) == {literal.pk: "cancelled", other.pk: "pending"}


# --- lead times and kinds (what scheduling reads) ---------------------------------------------------------
def test_lead_minutes_and_kinds_default_without_a_stored_preference(executive):
    assert selectors.lead_minutes_for(user=executive.user) == [1440, 60]
    assert [selectors.kind_enabled(user=executive.user, kind=kind) for kind in ReminderKind.values] == [True] * 7


def test_lead_minutes_and_kinds_follow_the_stored_preference(executive):
    services.preference_update(
        user=executive.user,
        email_enabled=True,
        disabled_kinds=[ReminderKind.UNDER_TARGET],
        session_lead_minutes=[30, 2880, 30],
    )

    assert selectors.lead_minutes_for(user=executive.user) == [2880, 30]
    assert selectors.kind_enabled(user=executive.user, kind=ReminderKind.UNDER_TARGET) is False
    assert selectors.kind_enabled(user=executive.user, kind=ReminderKind.SESSION_BEFORE) is True


def test_two_memberships_of_one_user_share_the_preference(executive):
    other = MembershipFactory(user=executive.user)
    services.preference_update(user=executive.user, email_enabled=False, disabled_kinds=[], session_lead_minutes=[15])

    assert selectors.lead_minutes_for(user=other.user) == [15]


@pytest.mark.parametrize("url", ["javascript:alert(1)", "https://evil.example/", "//evil.example/", "\\\\evil"])
def test_a_notification_link_must_stay_on_this_site(url):
    from apps.notifications.models import Notification

    notification = Notification(kind="session_after", title="Log it", url=url)

    with pytest.raises(ValidationError) as exc_info:
        notification.full_clean(exclude=["organization", "recipient"])

    assert exc_info.value.message_dict == {"url": ["Give a path on this site, starting with a single /."]}


def test_preferences_for_many_users_in_one_query(executive, chief_of_staff, django_assert_num_queries):
    services.preference_update(
        user=executive.user, email_enabled=True, disabled_kinds=["under_target"], session_lead_minutes=[30]
    )

    with django_assert_num_queries(1):
        preferences = selectors.preferences_by_user(user_ids=[executive.user_id, chief_of_staff.user_id])

    assert {user_id: (p.session_lead_minutes, p.disabled_kinds) for user_id, p in preferences.items()} == {
        executive.user_id: ([30], ["under_target"]),
        chief_of_staff.user_id: ([1440, 60], []),
    }
