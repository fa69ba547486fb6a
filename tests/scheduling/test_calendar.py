"""The iCal feed: VTIMEZONE, stable UIDs, SEQUENCE on change, cancelled sessions marked, revocable."""

from datetime import UTC, date, datetime, time

import icalendar
import pytest

from apps.scheduling import services
from apps.scheduling.models import CalendarFeed
from tests.organizations.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def oslo_plan(leader, acting=None, **kwargs):
    return services.plan_create(
        created_by=acting or leader,
        leader=leader,
        kind="store_visit",
        cadence="weekly",
        start_date=date(2030, 3, 4),
        start_time=time(9, 0),
        time_zone="Europe/Oslo",
        duration_minutes=60,
        now=kwargs.pop("now", datetime(2030, 3, 1, tzinfo=UTC)),
        **kwargs,
    )


def events(body):
    calendar = icalendar.Calendar.from_ical(body)
    return {str(e["uid"]): e for e in calendar.walk("VEVENT")}, calendar


def feed_body(client, membership):
    feed = services.calendar_feed_rotate(membership=membership)
    response = client.get(f"/schedule/feed/{feed.token}.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return feed, response.content


def test_feed_carries_sessions_at_0900_oslo_with_a_vtimezone(client, executive):
    plan = oslo_plan(executive)

    _, body = feed_body(client, executive)

    by_uid, calendar = events(body)
    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Oslo"]
    assert len(by_uid) == plan.sessions.count() == 13
    first = by_uid[f"gemba-session-{plan.sessions.order_by('starts_at').first().pk}@127.0.0.1:8000"]
    assert first["dtstart"].params["TZID"] == "Europe/Oslo"
    assert (first["dtstart"].dt.hour, first["dtstart"].dt.minute) == (9, 0)
    assert str(first["status"]) == "CONFIRMED"
    assert int(first["sequence"]) == 0
    assert b"BEGIN:VTIMEZONE" in body and b"X-WR-CALNAME:Gemba" in body


def test_uids_are_stable_and_changes_bump_the_sequence(client, executive):
    plan = oslo_plan(executive)
    moved, skipped = plan.sessions.order_by("starts_at")[:2]
    feed, before = feed_body(client, executive)

    services.session_reschedule(session=moved, acting=executive, local_date=date(2030, 3, 5), local_time=time(14, 0))
    services.session_cancel(session=skipped, acting=executive)
    after = client.get(f"/schedule/feed/{feed.token}.ics").content

    old, new = events(before)[0], events(after)[0]
    assert set(old) == set(new)
    moved_event = new[f"gemba-session-{moved.pk}@127.0.0.1:8000"]
    skipped_event = new[f"gemba-session-{skipped.pk}@127.0.0.1:8000"]
    assert (int(moved_event["sequence"]), moved_event["dtstart"].dt.hour) == (1, 14)
    assert (int(skipped_event["sequence"]), str(skipped_event["status"])) == (1, "CANCELLED")


def test_a_replaced_or_revoked_link_stops_working(client, executive):
    oslo_plan(executive)
    old = services.calendar_feed_rotate(membership=executive)
    new = services.calendar_feed_rotate(membership=executive)

    assert client.get(f"/schedule/feed/{old.token}.ics").status_code == 404
    assert client.get(f"/schedule/feed/{new.token}.ics").status_code == 200
    services.calendar_feed_revoke(membership=executive)
    assert client.get(f"/schedule/feed/{new.token}.ics").status_code == 404
    assert CalendarFeed.objects.filter(revoked_at__isnull=True).count() == 0


def test_a_feed_shows_only_the_member_own_sessions_or_those_they_support(
    client, organization, executive, chief_of_staff
):
    other = MembershipFactory(organization=organization, role="executive")
    mine = oslo_plan(executive)
    oslo_plan(other)

    _, exec_body = feed_body(client, executive)
    _, cos_body = feed_body(client, chief_of_staff)

    expected = {f"gemba-session-{s.pk}@127.0.0.1:8000" for s in mine.sessions.all()}
    assert set(events(exec_body)[0]) == expected
    assert set(events(cos_body)[0]) == expected


def test_a_single_session_downloads_as_ics(client_for, executive):
    session = oslo_plan(executive).sessions.first()

    response = client_for(executive).get(f"/schedule/sessions/{session.pk}/session.ics")

    assert response["Content-Disposition"] == f'attachment; filename="gemba-session-{session.pk}.ics"'
    assert list(events(response.content)[0]) == [f"gemba-session-{session.pk}@127.0.0.1:8000"]


def test_calendar_page_creates_replaces_and_turns_off_the_link(client_for, executive):
    client = client_for(executive)

    client.post("/schedule/calendar/", {"action": "rotate"})
    first = CalendarFeed.objects.get(revoked_at__isnull=True)
    page = client.get("/schedule/calendar/").content.decode()
    client.post("/schedule/calendar/", {"action": "revoke"})

    assert f"/schedule/feed/{first.token}.ics" in page
    assert CalendarFeed.objects.filter(revoked_at__isnull=True).count() == 0
