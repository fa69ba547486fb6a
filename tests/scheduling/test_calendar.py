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


def uid(session):
    return f"gemba-session-{session.pk}@127.0.0.1:8000"


def summary_of(event):
    return (int(event["sequence"]), str(event["status"]), event["dtstart"].dt.strftime("%Y-%m-%d %H:%M"))


def test_this_and_following_keeps_each_event_uid_bumps_sequence_and_cancels_what_ends(client, client_for, executive):
    # given: a weekly 09:00 plan, subscribed; on 20 March 2030 it moves to 15:00 from 1 April and ends on 29 April
    plan = oslo_plan(executive)
    sessions = list(plan.sessions.order_by("starts_at"))
    split = sessions[4]
    assert split.occurrence_date == date(2030, 4, 1)
    feed, before_body = feed_body(client, executive)
    before = events(before_body)[0]

    # when
    successor = services.plan_update(
        plan=plan,
        acting=executive,
        scope=services.Scope.FOLLOWING,
        session=split,
        now=datetime(2030, 3, 20, tzinfo=UTC),
        start_time=time(15, 0),
        end_date=date(2030, 4, 29),
    )
    after = events(client.get(f"/schedule/feed/{feed.token}.ics").content)[0]

    # then: the same events, none new; the four before the split exactly as they were
    assert set(after) == set(before) == {uid(s) for s in sessions}
    assert [summary_of(after[uid(s)]) for s in sessions[:4]] == [
        (0, "CONFIRMED", "2030-03-04 09:00"),
        (0, "CONFIRMED", "2030-03-11 09:00"),
        (0, "CONFIRMED", "2030-03-18 09:00"),
        (0, "CONFIRMED", "2030-03-25 09:00"),
    ]
    for s in sessions[:4]:
        assert after[uid(s)]["last-modified"].dt == before[uid(s)]["last-modified"].dt
    # those that continue: their old UID, a higher SEQUENCE, the new time
    assert [summary_of(after[uid(s)]) for s in sessions[4:9]] == [
        (1, "CONFIRMED", "2030-04-01 15:00"),
        (1, "CONFIRMED", "2030-04-08 15:00"),
        (1, "CONFIRMED", "2030-04-15 15:00"),
        (1, "CONFIRMED", "2030-04-22 15:00"),
        (1, "CONFIRMED", "2030-04-29 15:00"),
    ]
    # those after the new end: cancelled under their old UID
    assert [summary_of(after[uid(s)]) for s in sessions[9:]] == [
        (1, "CANCELLED", "2030-05-06 09:00"),
        (1, "CANCELLED", "2030-05-13 09:00"),
        (1, "CANCELLED", "2030-05-20 09:00"),
        (1, "CANCELLED", "2030-05-27 09:00"),
    ]
    assert set(successor.sessions.values_list("pk", flat=True)) == {s.pk for s in sessions[4:]}
    # and the per-session .ics a calendar imported says the same under the same UID
    single = client_for(executive).get(f"/schedule/sessions/{sessions[9].pk}/session.ics")
    (only,) = events(single.content)[0].values()
    assert (str(only["uid"]), summary_of(only)) == (uid(sessions[9]), (1, "CANCELLED", "2030-05-06 09:00"))
    moved = events(client_for(executive).get(f"/schedule/sessions/{split.pk}/session.ics").content)[0]
    assert summary_of(moved[uid(split)]) == (1, "CONFIRMED", "2030-04-01 15:00")


def test_renaming_a_plan_bumps_the_sequence_of_every_coming_session(client, executive):
    plan = oslo_plan(executive)
    moved = plan.sessions.order_by("starts_at")[2]
    services.session_reschedule(session=moved, acting=executive, local_date=date(2030, 3, 19), local_time=time(11, 0))
    feed, _ = feed_body(client, executive)

    services.plan_update(
        plan=plan, acting=executive, scope=services.Scope.ALL, now=datetime(2030, 3, 1, tzinfo=UTC), title="Store walk"
    )
    after = events(client.get(f"/schedule/feed/{feed.token}.ics").content)[0]

    title = f"Customer time: Store walk · {executive.display_name}"
    assert {(int(e["sequence"]), str(e["summary"])) for key, e in after.items() if key != uid(moved)} == {(1, title)}
    assert (int(after[uid(moved)]["sequence"]), str(after[uid(moved)]["summary"])) == (2, title)


def test_the_first_link_says_it_is_ready_and_only_a_replacement_mentions_an_old_one(client_for, executive):
    client = client_for(executive)

    first = client.post("/schedule/calendar/", {"action": "rotate"}, follow=True).content.decode()
    second = client.post("/schedule/calendar/", {"action": "rotate"}, follow=True).content.decode()

    assert "Your calendar link is ready: add it to your calendar app." in first
    assert "no longer works" not in first
    assert "New calendar link ready; the old one no longer works." in second


def test_a_feed_is_written_in_its_owners_language_whatever_the_calendar_app_asks_for(organization):
    from django.test import Client
    from django.utils import translation

    for language, asked in (("nb", "en"), ("en", "nb")):
        owner = MembershipFactory(organization=organization, role="executive", user__language=language)
        first = oslo_plan(owner).sessions.order_by("starts_at").first()
        with translation.override("en"):  # the request activates the language asked for: not past this test
            _, body = feed_body(Client(headers={"accept-language": asked}), owner)
        event = events(body)[0][uid(first)]
        link = f"http://127.0.0.1:8000/schedule/sessions/{first.pk}/log/"
        name = owner.display_name

        assert (str(event["summary"]), str(event["description"])) == {
            "nb": (f"Kundetid: Butikkbesøk · {name}", f"Butikkbesøk. Logg hva du lærte: {link}"),
            "en": (f"Customer time: Store visit · {name}", f"Store visit. Log what you learned: {link}"),
        }[language]
