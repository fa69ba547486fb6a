"""Scheduling pages: plan, see the coming weeks, move, skip, log; who may do what."""

import uuid
from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.utils import timezone

from apps.engagements.models import Engagement
from apps.scheduling import services
from apps.scheduling.models import Plan, Session
from apps.scheduling.selectors import ON_TARGET_MEANING
from tests.engagements.helpers import error_div
from tests.organizations.factories import MembershipFactory
from tests.organizations.helpers import flash_messages

pytestmark = pytest.mark.django_db


def plan_post(leader, **overrides):
    data = {
        "leader": str(leader.pk),
        "kind": "store_visit",
        "title": "Tuesday store walk",
        "cadence": "weekly",
        "interval": "",
        "custom_rule": "",
        "start_date": (timezone.localdate() + timedelta(days=1)).isoformat(),
        "start_time": "09:00",
        "duration_minutes": "60",
        "time_zone": "Europe/Oslo",
        "end_date": "",
        "location": "",
        "region": "",
        "reminder_lead_minutes": "",
        "notes": "",
    }
    data.update(overrides)
    return data


def make_plan(leader, start=None, **kwargs):
    # Materialized as if planned a week ago, so that some sessions are already past.
    kwargs.setdefault("now", timezone.now() - timedelta(days=8))
    return services.plan_create(
        created_by=leader,
        leader=leader,
        kind=kwargs.pop("kind", "customer_call"),
        cadence="weekly",
        start_date=start or timezone.localdate() - timedelta(days=7),
        start_time=time(9, 0),
        time_zone="Europe/London",
        duration_minutes=30,
        **kwargs,
    )


def test_a_chief_of_staff_plans_for_a_supported_executive(client_for, chief_of_staff, executive):
    response = client_for(chief_of_staff).post("/schedule/plans/new/", plan_post(executive))

    plan = Plan.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/schedule/plans/{plan.pk}/"
    weekday = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"][(timezone.localdate() + timedelta(days=1)).weekday()]
    assert (plan.leader, plan.created_by, plan.rrule) == (executive, chief_of_staff, f"FREQ=WEEKLY;BYDAY={weekday}")
    assert plan.sessions.count() == 13


@pytest.mark.parametrize(("end_days", "said"), [(1, "1 session"), (8, "2 sessions"), (None, "13 sessions")])
def test_a_new_plan_counts_its_sessions_in_words_that_agree(client_for, executive, end_days, said):
    end = "" if end_days is None else (timezone.localdate() + timedelta(days=end_days)).isoformat()

    response = client_for(executive).post("/schedule/plans/new/", plan_post(executive, end_date=end), follow=True)

    assert flash_messages(response) == [f"Planned: Tuesday store walk, {said} in the next 90 days."]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"duration_minutes": "0"}, "id_duration_minutes", "Enter between 1 and 1440 minutes."),
        ({"duration_minutes": "1441"}, "id_duration_minutes", "Enter between 1 and 1440 minutes (a day at most)."),
        ({"end_date": "2000-01-01"}, "id_end_date", "The end must be on or after the first session."),
        (
            {"cadence": "custom", "custom_rule": "FREQ=SOMETIMES"},
            "id_custom_rule",
            "This is not a valid RRULE (invalid &#x27;FREQ&#x27;: SOMETIMES).",
        ),
        ({"cadence": "custom"}, "id_custom_rule", "Enter a rule, e.g. FREQ=WEEKLY;BYDAY=TU."),
        ({"cadence": "every_n_weeks"}, "id_interval", "Enter every how many weeks (2 to 12)."),
        (
            {"reminder_lead_minutes": "soon"},
            "id_reminder_lead_minutes",
            "Enter whole minutes separated by commas, e.g. 1440, 60.",
        ),
        (
            {"time_zone": "Mars/Olympus"},
            "id_time_zone",
            "Select a valid choice. Mars/Olympus is not one of the available choices.",
        ),
    ],
)
def test_bad_plans_show_the_message_next_to_the_field_and_save_nothing(
    client_for, executive, overrides, field, message
):
    html = client_for(executive).post("/schedule/plans/new/", plan_post(executive, **overrides)).content.decode()

    assert error_div(field, message) in html
    assert (Plan.objects.count(), Session.objects.count()) == (0, 0)


def test_an_unsupported_executive_is_not_a_choice(client_for, organization, chief_of_staff):
    stranger = MembershipFactory(organization=organization, role="executive")

    html = client_for(chief_of_staff).post("/schedule/plans/new/", plan_post(stranger)).content.decode()

    assert error_div("id_leader", "Select a valid choice. That choice is not one of the available choices.") in html
    assert Plan.objects.count() == 0


def test_editing_from_one_of_the_plans_sessions_starts_from_it(client_for, executive):
    plan = make_plan(executive, start=timezone.localdate() + timedelta(days=1))
    session = plan.sessions.order_by("starts_at")[2]

    response = client_for(executive).get(f"/schedule/plans/{plan.pk}/edit/", {"session": str(session.pk)})

    assert (response.status_code, response.context["from_session"]) == (200, session)


@pytest.mark.parametrize("which", ["another plan's", "another organization's", "not a number", "empty", "huge"])
def test_editing_from_a_session_not_of_this_plan_answers_404_and_changes_nothing(client_for, executive, which):
    plan = make_plan(executive, start=timezone.localdate() + timedelta(days=1))
    other_plan = make_plan(executive, start=timezone.localdate() + timedelta(days=2))
    stranger = make_plan(MembershipFactory(), start=timezone.localdate() + timedelta(days=1))
    session = {
        "another plan's": str(other_plan.sessions.first().pk),
        "another organization's": str(stranger.sessions.first().pk),
        "not a number": "3a",
        "empty": "",
        "huge": "9" * 30,
    }[which]
    client = client_for(executive)
    before = list(Session.objects.order_by("pk").values())
    url = f"/schedule/plans/{plan.pk}/edit/?session={session}"

    statuses = [
        client.get(url).status_code,
        client.post(url, {**plan_post(executive, start_time="15:00"), "scope": "all"}).status_code,
    ]

    assert statuses == [404, 404]
    assert list(Session.objects.order_by("pk").values()) == before


def test_board_members_cannot_plan_move_skip_or_log(client_for, board_member, executive):
    plan = make_plan(executive)
    session = plan.sessions.order_by("starts_at").first()
    client = client_for(board_member)
    before = list(Session.objects.values())

    statuses = [
        client.post("/schedule/plans/new/", plan_post(executive)).status_code,
        client.post(f"/schedule/plans/{plan.pk}/edit/", {"scope": "all"}).status_code,
        client.post(f"/schedule/sessions/{session.pk}/move/", {}).status_code,
        client.post(f"/schedule/sessions/{session.pk}/skip/").status_code,
        client.post(f"/schedule/sessions/{session.pk}/log/", {}).status_code,
    ]

    assert statuses == [403, 403, 403, 403, 403]
    assert list(Session.objects.values()) == before
    assert Plan.objects.count() == 1


def test_schedule_shows_six_weeks_and_what_is_not_logged(client_for, executive):
    make_plan(executive)

    response = client_for(executive).get("/schedule/")

    html = response.content.decode()
    assert [week["monday"].weekday() for week in response.context["weeks"]] == [0] * 6
    assert "Not logged yet" in html
    assert "Log it</a>" in html


def test_the_plans_list_keeps_the_cadences_own_capitals(client_for, executive):
    make_plan(executive)
    services.plan_create(
        created_by=executive,
        leader=executive,
        kind="store_visit",
        cadence="custom",
        custom_rule="FREQ=WEEKLY;BYDAY=MO,TH",
        start_date=timezone.localdate() + timedelta(days=1),
        start_time=time(9, 0),
        time_zone="Europe/London",
        duration_minutes=30,
    )

    html = client_for(executive).get("/schedule/").content.decode()

    # "custom (rrule)" and "2nd tuesday" read as typos: the label is shown as the form offers it
    assert "· Every week at 09:00 (Europe/London)" in html
    assert "· Custom (RRULE) at 09:00 (Europe/London)" in html


def test_a_missed_session_under_not_logged_yet_can_still_be_logged(client_for, executive):
    # given: last week's session, swept to missed (the service still logs it, the reminder email links to it)
    plan = make_plan(executive)
    services.sessions_mark_missed(now=timezone.now())
    missed = plan.sessions.filter(status="missed").order_by("starts_at").first()
    assert missed is not None and missed.starts_at < timezone.now() - timedelta(days=6)

    html = client_for(executive).get("/schedule/").content.decode()

    # then: its row under "Not logged yet" offers the log form, not only a "Missed" badge
    assert f'<a class="btn btn-sm btn-primary" href="/schedule/sessions/{missed.pk}/log/">Log it</a>' in html
    assert f"/schedule/sessions/{missed.pk}/move/" not in html
    assert f"/schedule/sessions/{missed.pk}/skip/" not in html


def test_log_it_prefills_from_the_session_and_marks_it_done(client_for, executive):
    plan = make_plan(executive)
    session = plan.sessions.order_by("starts_at").first()
    page = client_for(executive).get(f"/schedule/sessions/{session.pk}/log/").content.decode()
    assert (
        '<input type="radio" name="kind" value="customer_call" class="btn-check" id="id_kind_4" required checked>'
        in page
    )
    assert '<input type="radio" name="duration" value="30" class="btn-check" id="id_duration_1" checked>' in page

    response = client_for(executive).post(
        f"/schedule/sessions/{session.pk}/log/",
        {
            "client_uuid": str(uuid.uuid4()),
            "leader": str(executive.pk),
            "kind": "customer_call",
            "location": "",
            "duration": "30",
            "started_at": timezone.localtime(session.starts_at).strftime("%Y-%m-%dT%H:%M"),
            "customer_type": "external",
            "learning_kind": "idea",
            "learning_text": "Wants a callback before 9.",
        },
    )

    engagement = Engagement.objects.get()
    session.refresh_from_db()
    assert response["Location"] == f"/engagements/{engagement.pk}/"
    assert (session.status, session.engagement) == ("done", engagement)


def test_move_and_skip_from_the_schedule(client_for, executive):
    plan = make_plan(executive, start=timezone.localdate() + timedelta(days=1))
    first, second = plan.sessions.order_by("starts_at")[:2]
    client = client_for(executive)

    moved = client.post(
        f"/schedule/sessions/{first.pk}/move/", {"date": "2030-01-08", "time": "15:45", "duration_minutes": "50"}
    )
    skipped = client.post(f"/schedule/sessions/{second.pk}/skip/")

    first.refresh_from_db()
    second.refresh_from_db()
    assert (moved.status_code, skipped.status_code) == (302, 302)
    assert first.starts_at == datetime(2030, 1, 8, 15, 45, tzinfo=UTC)
    assert (first.duration_minutes, first.is_exception) == (50, True)
    assert second.status == "cancelled"


def test_a_move_into_the_past_is_refused_next_to_the_date(client_for, executive):
    plan = make_plan(executive, start=timezone.localdate() + timedelta(days=1))
    first = plan.sessions.order_by("starts_at").first()
    before = first.starts_at

    response = client_for(executive).post(
        f"/schedule/sessions/{first.pk}/move/", {"date": "2020-01-01", "time": "09:00", "duration_minutes": "30"}
    )

    message = "Choose a moment still to come: past sessions are logged or missed, never moved there."
    assert response.status_code == 200
    assert error_div("id_date", message) in response.content.decode()
    assert "Session moved." not in response.content.decode()
    first.refresh_from_db()
    assert first.starts_at == before


def test_the_targets_page_states_the_on_target_rule_and_offers_the_schedule_only_to_those_who_have_one(
    client_for, admin_member, executive
):
    meaning = f'<p class="small text-body-secondary mb-0 on-target-meaning">{ON_TARGET_MEANING}</p>'
    back = '<a href="/schedule/">‹ Schedule</a>'

    pages = {who: client_for(m).get("/schedule/targets/") for who, m in (("admin", admin_member), ("exec", executive))}

    html = {who: response.content.decode() for who, response in pages.items()}
    assert [response.status_code for response in pages.values()] == [200, 200]
    assert (meaning in html["admin"], back in html["admin"]) == (True, False)
    assert (meaning in html["exec"], back in html["exec"]) == (True, True)


def test_team_overview_counts_per_supported_executive(client_for, chief_of_staff, executive):
    plan = make_plan(executive, start=timezone.localdate() - timedelta(days=35))
    services.sessions_mark_missed(now=timezone.now())

    response = client_for(chief_of_staff).get("/schedule/team/")

    [row] = list(response.context["rows"])
    assert row == executive
    assert row.upcoming == 2
    assert (
        row.missed == plan.sessions.filter(status="missed", starts_at__gte=timezone.now() - timedelta(days=30)).count()
    )
    assert row.unlogged == plan.sessions.filter(status="planned", ends_at__lt=timezone.now()).count()


def test_plan_page_explains_clock_changes(client_for, executive):
    plan = services.plan_create(
        created_by=executive,
        leader=executive,
        kind="store_visit",
        cadence="weekly",
        start_date=date(2030, 3, 3),
        start_time=time(2, 30),
        time_zone="Europe/Oslo",
        duration_minutes=30,
    )

    html = client_for(executive).get(f"/schedule/plans/{plan.pk}/").content.decode()

    assert (
        "02:30 does not exist on 31 March 2030 in Europe/Oslo (clocks go forward): that session starts at 03:30."
        in html
    )


def test_moving_one_session_can_change_its_place_only(client_for, executive):
    from tests.organizations.factories import LocationFactory

    plan = make_plan(executive, start=timezone.localdate() + timedelta(days=1))
    first, second = plan.sessions.order_by("starts_at")[:2]
    store = LocationFactory(organization=executive.organization, name="Harbour Store")

    client_for(executive).post(
        f"/schedule/sessions/{first.pk}/move/",
        {"date": "2030-01-08", "time": "15:45", "duration_minutes": "50", "location": str(store.pk)},
    )

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.location, second.location) == (store, None)
