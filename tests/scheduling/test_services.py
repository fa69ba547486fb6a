"""Plans and sessions: materializing, the three edit scopes, moving, skipping, logging, missing."""

import uuid
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from apps.engagements.models import Engagement
from apps.notifications.models import Reminder
from apps.scheduling import services
from apps.scheduling.models import Plan, Session, SessionStatus
from apps.scheduling.services import Scope
from tests.engagements.factories import EngagementFactory
from tests.organizations.factories import LocationFactory, MembershipFactory

pytestmark = pytest.mark.django_db

OSLO = ZoneInfo("Europe/Oslo")
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)  # a Sunday


def create_plan(acting, leader=None, **overrides):
    kwargs = {
        "created_by": acting,
        "leader": leader or acting,
        "kind": "store_visit",
        "cadence": "weekly",
        "start_date": date(2026, 3, 2),
        "start_time": time(9, 0),
        "time_zone": "Europe/Oslo",
        "duration_minutes": 60,
        "now": NOW,
    }
    kwargs.update(overrides)
    return services.plan_create(**kwargs)


def local_starts(plan):
    return [
        (s.occurrence_date, s.starts_at.astimezone(OSLO).strftime("%H:%M"), s.status)
        for s in plan.sessions.order_by("occurrence_date")
    ]


def test_a_plan_materializes_90_days_of_sessions_at_0900_local(executive):
    plan = create_plan(executive)

    sessions = list(plan.sessions.order_by("starts_at"))
    assert len(sessions) == 13  # Mondays from 2 March to 25 May 2026
    assert sessions[0].starts_at == datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    assert sessions[-1].starts_at == datetime(2026, 5, 25, 7, 0, tzinfo=UTC)  # summer time
    assert {s.starts_at.astimezone(OSLO).time() for s in sessions} == {time(9, 0)}
    assert {(s.status, s.ends_at - s.starts_at, s.leader_id) for s in sessions} == {
        ("planned", timedelta(hours=1), executive.pk)
    }


def test_materializing_again_creates_nothing(executive):
    plan = create_plan(executive)

    assert services.sessions_materialize(plan=plan, now=NOW) == (0, 0, 0)
    assert plan.sessions.count() == 13


def test_the_horizon_moves_with_time(executive):
    plan = create_plan(executive)

    created, _, _ = services.sessions_materialize(plan=plan, now=NOW + timedelta(days=14))

    assert created == 2
    assert plan.sessions.count() == 15


def test_a_chief_of_staff_plans_for_a_supported_executive(chief_of_staff, executive):
    plan = create_plan(chief_of_staff, leader=executive)

    assert (plan.leader, plan.created_by) == (executive, chief_of_staff)


@pytest.mark.parametrize("who", ["unsupported_cos", "other_executive", "board_member", "admin_member"])
def test_others_cannot_plan_for_an_executive(request, executive, organization, who):
    if who == "unsupported_cos":
        acting = MembershipFactory(organization=organization, role="chief_of_staff")
    elif who == "other_executive":
        acting = MembershipFactory(organization=organization, role="executive")
    else:
        acting = request.getfixturevalue(who)

    with pytest.raises(PermissionDenied):
        create_plan(acting, leader=executive)

    assert Plan.objects.count() == 0
    assert Session.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "errors"),
    [
        ({"end_date": date(2026, 3, 1)}, {"__all__": ["Constraint “plan_end_not_before_start” is violated."]}),
        ({"duration_minutes": 0}, {"duration_minutes": ["Ensure this value is greater than or equal to 1."]}),
        ({"duration_minutes": 1441}, {"duration_minutes": ["Ensure this value is less than or equal to 1440."]}),
        (
            {"cadence": "custom", "custom_rule": "FREQ=NEVER"},
            {"rrule": ["This is not a valid RRULE (invalid 'FREQ': NEVER)."]},
        ),
        ({"time_zone": "Mars/Olympus"}, {"time_zone": ["'Mars/Olympus' is not a known time zone (e.g. Europe/Oslo)."]}),
    ],
)
def test_bad_plans_are_refused_and_nothing_is_saved(executive, overrides, errors):
    with pytest.raises(ValidationError) as exc_info:
        create_plan(executive, **overrides)

    assert exc_info.value.message_dict == errors
    assert (Plan.objects.count(), Session.objects.count()) == (0, 0)


def test_a_location_of_another_organization_is_refused(executive):
    foreign = LocationFactory()

    with pytest.raises(ValidationError) as exc_info:
        create_plan(executive, location=foreign)

    assert exc_info.value.message_dict == {"location": ["Choose a location of your organization."]}
    assert Plan.objects.count() == 0


def test_edit_all_moves_future_planned_sessions_and_bumps_their_sequence(executive):
    plan = create_plan(executive)
    later = NOW + timedelta(days=20)

    services.plan_update(plan=plan, acting=executive, scope=Scope.ALL, now=later, start_time=time(14, 30))

    past = [s for s in plan.sessions.all() if s.starts_at < later]
    future = [s for s in plan.sessions.all() if s.starts_at >= later]
    assert {s.starts_at.astimezone(OSLO).time() for s in past} == {time(9, 0)}
    assert {s.starts_at.astimezone(OSLO).time() for s in future} == {time(14, 30)}
    assert {s.sequence for s in past} == {0}
    assert {s.sequence for s in future if s.occurrence_date <= date(2026, 5, 25)} == {1}


def test_edit_this_and_following_leaves_past_sessions_and_their_logs_untouched(executive):
    # given: three weeks in, the first two sessions were logged
    plan = create_plan(executive)
    first, second, third = plan.sessions.order_by("starts_at")[:3]
    for session in (first, second):
        services.session_log(
            session=session,
            acting=executive,
            client_uuid=uuid.uuid4(),
            kind="store_visit",
            started_at=session.starts_at,
            duration_minutes=60,
            location=LocationFactory(organization=executive.organization),
        )
    before = list(Session.objects.filter(pk__in=[first.pk, second.pk]).values())
    engagements_before = list(Engagement.objects.values())

    # when: from the third session on, it moves to 15:00 for 90 minutes
    successor = services.plan_update(
        plan=plan,
        acting=executive,
        scope=Scope.FOLLOWING,
        session=third,
        now=NOW + timedelta(days=14),
        start_time=time(15, 0),
        duration_minutes=90,
    )

    # then
    assert list(Session.objects.filter(pk__in=[first.pk, second.pk]).values()) == before
    assert list(Engagement.objects.values()) == engagements_before
    plan.refresh_from_db()
    assert plan.end_date == date(2026, 3, 15)
    assert successor.continued_from == plan
    assert successor.start_date == date(2026, 3, 16)
    assert local_starts(plan) == [(date(2026, 3, 2), "09:00", "done"), (date(2026, 3, 9), "09:00", "done")]
    assert local_starts(successor)[0] == (date(2026, 3, 16), "15:00", "planned")
    assert {s.duration_minutes for s in successor.sessions.all()} == {90}


def test_this_session_only_is_kept_when_the_plan_changes_later(executive):
    plan = create_plan(executive)
    session = plan.sessions.order_by("starts_at")[4]

    services.session_reschedule(session=session, acting=executive, local_date=date(2026, 4, 1), local_time=time(11, 0))
    services.plan_update(plan=plan, acting=executive, scope=Scope.ALL, now=NOW, start_time=time(8, 0))

    session.refresh_from_db()
    assert session.starts_at.astimezone(OSLO).strftime("%Y-%m-%d %H:%M") == "2026-04-01 11:00"
    assert (session.is_exception, session.sequence) == (True, 1)


def test_skipping_a_session_cancels_it_and_only_it(executive):
    plan = create_plan(executive)
    session = plan.sessions.order_by("starts_at")[1]

    services.session_cancel(session=session, acting=executive)

    assert list(plan.sessions.values_list("status", flat=True).order_by("starts_at")[:3]) == [
        "planned",
        "cancelled",
        "planned",
    ]
    session.refresh_from_db()
    assert session.sequence == 1


def test_a_cancelled_session_cannot_be_moved(executive):
    session = create_plan(executive).sessions.first()
    services.session_cancel(session=session, acting=executive)

    with pytest.raises(ValidationError) as exc_info:
        services.session_reschedule(session=session, acting=executive, local_date=date(2026, 3, 3), local_time=time(9))

    assert exc_info.value.messages == ["This session is cancelled; it can no longer change."]


def test_logging_a_session_links_the_engagement_once(executive):
    session = create_plan(executive, kind="customer_call").sessions.first()
    key = uuid.uuid4()
    fields = {
        "client_uuid": key,
        "kind": "customer_call",
        "started_at": session.starts_at,
        "duration_minutes": 45,
    }

    engagement, created = services.session_log(session=session, acting=executive, **fields)
    again, created_again = services.session_log(session=session, acting=executive, **fields)

    session.refresh_from_db()
    assert (created, created_again, again) == (True, False, engagement)
    assert (session.status, session.engagement) == (SessionStatus.DONE, engagement)
    assert Engagement.objects.count() == 1


def test_unlogged_sessions_become_missed_after_the_grace_period(executive):
    plan = create_plan(executive)
    first, second = plan.sessions.order_by("starts_at")[:2]
    EngagementFactory(organization=executive.organization, leader=executive)

    # 2 March 10:00 Oslo + 24 h grace has passed by 4 March; 9 March has not ended yet
    missed = services.sessions_mark_missed(now=datetime(2026, 3, 4, 12, 0, tzinfo=UTC))

    first.refresh_from_db()
    second.refresh_from_db()
    assert missed == 1
    assert (first.status, first.sequence, second.status) == ("missed", 1, "planned")


def test_missed_sweep_is_idempotent(executive):
    create_plan(executive)
    at = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)

    assert [services.sessions_mark_missed(now=at), services.sessions_mark_missed(now=at)] == [1, 0]


def test_this_and_following_from_a_past_session_is_refused(executive):
    plan = create_plan(executive)
    first = plan.sessions.order_by("starts_at").first()

    with pytest.raises(ValidationError) as exc_info:
        services.plan_update(
            plan=plan,
            acting=executive,
            scope=Scope.FOLLOWING,
            session=first,
            now=NOW + timedelta(days=3),
            start_time=time(10, 0),
        )

    assert exc_info.value.messages == ["This session is in the past; change the plan from a coming session."]
    assert Plan.objects.count() == 1


def test_the_materialize_sweep_extends_every_running_plan(executive, organization):
    other = MembershipFactory(organization=organization, role="executive")
    create_plan(executive)
    create_plan(other)
    ended = create_plan(executive, end_date=date(2026, 3, 9))

    created = services.plans_materialize_all(now=NOW + timedelta(days=7))

    assert created == 2
    assert ended.sessions.count() == 2


def test_this_and_following_keeps_a_skipped_session_skipped_and_its_reminders_in_step(executive):
    plan = create_plan(executive)
    sessions = list(plan.sessions.order_by("starts_at"))
    services.session_cancel(session=sessions[6], acting=executive)

    successor = services.plan_update(
        plan=plan,
        acting=executive,
        scope=Scope.FOLLOWING,
        session=sessions[4],
        now=NOW + timedelta(days=14),
        title="Store walk",
    )

    assert list(successor.sessions.filter(occurrence_date=sessions[6].occurrence_date).values_list("pk", "status")) == [
        (sessions[6].pk, "cancelled")
    ]
    assert Session.objects.filter(occurrence_date=sessions[6].occurrence_date).count() == 1
    titles = set(Reminder.objects.filter(source_key=f"session:{sessions[5].pk}:after").values_list("title", "status"))
    assert titles == {("What did you learn? Store walk", "pending")}
