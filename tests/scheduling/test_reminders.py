"""Sessions keep their reminder rows in step: scheduled on planning, moved, cancelled when skipped or logged."""

import uuid
from datetime import UTC, date, datetime, time, timedelta

import pytest

from apps.notifications.models import Reminder
from apps.scheduling import services

pytestmark = pytest.mark.django_db

NOW = datetime(2030, 3, 1, 12, 0, tzinfo=UTC)


def plan(leader, acting=None, **kwargs):
    return services.plan_create(
        created_by=acting or leader,
        leader=leader,
        kind="store_visit",
        cadence="weekly",
        start_date=date(2030, 3, 4),
        start_time=time(9, 0),
        time_zone="Europe/Oslo",
        duration_minutes=60,
        now=NOW,
        **kwargs,
    )


def rows(session, status="pending"):
    return sorted(
        Reminder.objects.filter(source_key__startswith=f"session:{session.pk}:", status=status).values_list(
            "recipient_id", "kind", "due_at"
        )
    )


def test_a_planned_session_gets_before_after_and_missing_entry_reminders(executive, chief_of_staff):
    first = plan(executive).sessions.order_by("starts_at").first()
    starts = datetime(2030, 3, 4, 8, 0, tzinfo=UTC)

    assert rows(first) == sorted(
        [
            (executive.pk, "session_before", starts - timedelta(minutes=1440)),
            (executive.pk, "session_before", starts - timedelta(minutes=60)),
            (executive.pk, "session_after", starts + timedelta(minutes=60)),
            (executive.pk, "missing_entry", starts + timedelta(hours=5)),
            (chief_of_staff.pk, "missing_entry", starts + timedelta(hours=5)),
        ]
    )
    reminder = Reminder.objects.get(source_key=f"session:{first.pk}:after")
    assert reminder.url == f"/schedule/sessions/{first.pk}/log/"
    # Told on the leader's own clock (London), not the plan's (Oslo).
    assert Reminder.objects.get(source_key=f"session:{first.pk}:before:60").body == (
        "Store visit starts Mon 4 Mar, 08:00 (Europe/London)."
    )


def test_a_plan_lead_time_overrides_the_leader_preference(executive):
    first = plan(executive, reminder_lead_minutes=[30]).sessions.order_by("starts_at").first()

    assert [kind for _, kind, _ in rows(first)].count("session_before") == 1
    assert Reminder.objects.filter(source_key=f"session:{first.pk}:before:30").exists()


def test_skipping_cancels_and_moving_reschedules(executive):
    skipped, moved = plan(executive).sessions.order_by("starts_at")[:2]

    services.session_cancel(session=skipped, acting=executive)
    services.session_reschedule(session=moved, acting=executive, local_date=date(2030, 3, 12), local_time=time(14, 0))

    assert rows(skipped) == []
    assert len(rows(skipped, status="cancelled")) == 4  # two before, after, missing entry
    after = Reminder.objects.get(source_key=f"session:{moved.pk}:after")
    assert after.due_at == datetime(2030, 3, 12, 14, 0, tzinfo=UTC)  # 14:00 Oslo + 1 h = 14:00 UTC
    assert after.status == "pending"


def test_logging_a_session_cancels_what_is_left(executive):
    session = plan(executive).sessions.order_by("starts_at").first()

    services.session_log(
        session=session,
        acting=executive,
        client_uuid=uuid.uuid4(),
        kind="customer_call",
        started_at=datetime.now(UTC) - timedelta(hours=1),  # logged early, from the road
        duration_minutes=60,
    )

    assert rows(session) == []


def test_syncing_twice_creates_no_duplicates(executive):
    p = plan(executive)
    count = Reminder.objects.count()

    services.sessions_materialize(plan=p, now=NOW)
    services.plan_update(plan=p, acting=executive, now=NOW, notes="same times")

    assert Reminder.objects.count() == count


@pytest.mark.django_db(transaction=True)
def test_saving_a_plan_while_redis_is_down_succeeds_and_leaves_the_reminders_for_the_dispatcher(
    client_for, executive, celery_app, settings
):
    # given: the broker refuses connections
    previous = celery_app.conf.broker_url
    celery_app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        response = client_for(executive).post(
            "/schedule/plans/new/",
            {
                "leader": str(executive.pk),
                "kind": "customer_call",
                "cadence": "weekly",
                "start_date": (datetime.now(UTC).date() + timedelta(days=2)).isoformat(),
                "start_time": "10:00",
                "duration_minutes": "30",
                "time_zone": "Europe/London",
            },
        )
    finally:
        celery_app.conf.broker_url = previous

    assert response.status_code == 302
    assert Reminder.objects.filter(status="pending").count() >= 13 * 4


def test_changed_lead_times_reach_the_coming_sessions(executive):
    from apps.notifications import services as notification_services
    from apps.scheduling.reminders import reminders_resync_changed_preferences

    session = plan(executive).sessions.order_by("starts_at").first()
    notification_services.preference_update(
        user=executive.user, email_enabled=True, disabled_kinds=[], session_lead_minutes=[120]
    )

    # the preference row was saved just now (real time); the sessions are in 2030
    resynced = reminders_resync_changed_preferences(since=datetime.now(UTC) - timedelta(hours=1), now=NOW)

    assert resynced == 13
    before = sorted(k for _, k, _ in rows(session) if k == "session_before")
    assert before == ["session_before"]
    assert Reminder.objects.get(source_key=f"session:{session.pk}:before:120").status == "pending"
    assert Reminder.objects.get(source_key=f"session:{session.pk}:before:60").status == "cancelled"


def test_under_target_nudges_go_to_the_leader_and_their_chief_of_staff_once_a_week(
    executive, chief_of_staff, admin_member, organization
):
    from decimal import Decimal

    from apps.scheduling.reminders import under_target_nudges

    services.target_set(
        organization=organization, acting=admin_member, hours=Decimal("8"), period="month", counts_from=date(2030, 3, 1)
    )

    first = under_target_nudges(now=NOW)
    again = under_target_nudges(now=NOW + timedelta(hours=1))

    assert (first, again) == (2, 2)
    nudges = Reminder.objects.filter(kind="under_target")
    assert sorted(nudges.values_list("recipient_id", flat=True)) == sorted([executive.pk, chief_of_staff.pk])
    assert set(nudges.values_list("title", flat=True)) == {
        f"{executive.display_name}: 8 h of customer time to go this month"
    }


def test_each_reminder_is_written_in_its_recipients_language(organization):
    from tests.organizations.factories import MembershipFactory

    english = MembershipFactory(organization=organization, role="executive", user__language="en")
    norwegian = MembershipFactory(organization=organization, role="executive", user__language="nb")
    chief = MembershipFactory(organization=organization, role="chief_of_staff", user__language="nb")
    chief.supports.add(english)
    sessions = {
        language: plan(leader).sessions.order_by("starts_at").first()
        for language, leader in {"en": english, "nb": norwegian}.items()
    }

    def stored(language, key, recipient=None):
        reminders = Reminder.objects.filter(source_key=f"session:{sessions[language].pk}:{key}")
        reminder = reminders.get(recipient=recipient) if recipient else reminders.get()
        return reminder.title, reminder.body

    assert stored("en", "before:60") == (
        "Coming up: Store visit",
        "Store visit starts Mon 4 Mar, 08:00 (Europe/London).",
    )
    assert stored("nb", "before:60") == (
        "Snart: Butikkbesøk",
        "Butikkbesøk starter man 4. mar. kl. 08:00 (Europe/London).",
    )
    assert stored("en", "after")[0] == "What did you learn? Store visit"
    assert stored("nb", "after")[0] == "Hva lærte du? Butikkbesøk"
    # The same session's missing-entry nudge: to the English leader in English, to their chief of staff in Norwegian.
    assert stored("en", "missing", english) == (
        f"Not logged yet: Store visit ({english.display_name})",
        "This session looks done but nothing was logged for it.",
    )
    assert stored("en", "missing", chief) == (
        f"Ikke logget ennå: Butikkbesøk ({english.display_name})",
        "Denne økta ser ut til å være over, men ingenting er logget for den.",
    )


def test_under_target_nudges_are_written_in_each_recipients_language(
    executive, chief_of_staff, admin_member, organization
):
    from decimal import Decimal

    from apps.scheduling.reminders import under_target_nudges

    chief_of_staff.user.language = "nb"
    chief_of_staff.user.save(update_fields=["language"])
    services.target_set(
        organization=organization, acting=admin_member, hours=Decimal("8"), period="month", counts_from=date(2030, 3, 1)
    )

    under_target_nudges(now=NOW)

    titles = dict(Reminder.objects.filter(kind="under_target").values_list("recipient_id", "title"))
    assert titles == {
        executive.pk: f"{executive.display_name}: 8 h of customer time to go this month",
        chief_of_staff.pk: f"{executive.display_name}: 8 t kundetid igjen denne måneden",
    }
