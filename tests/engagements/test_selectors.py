"""Reads of the customer-time log: apps/engagements/selectors.py."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.engagements import selectors
from apps.organizations import selectors as org_selectors
from tests.engagements.factories import EngagementFactory, ParticipantFactory
from tests.organizations.factories import LocationFactory, RegionFactory

pytestmark = pytest.mark.django_db

NEW_YORK = ZoneInfo("America/New_York")
TOKYO = ZoneInfo("Asia/Tokyo")
UTC = ZoneInfo("UTC")

# Wednesday 18 March 2026, 12:00 in New York (EDT, UTC-4 since 8 March).
NOW = datetime(2026, 3, 18, 12, 0, tzinfo=NEW_YORK)


def at(year, month, day, hour=0, minute=0, zone=NEW_YORK):
    return datetime(year, month, day, hour, minute, tzinfo=zone)


def entry(leader, started_at, minutes=30, **kwargs):
    return EngagementFactory(
        organization=leader.organization, leader=leader, started_at=started_at, duration_minutes=minutes, **kwargs
    )


# --- minutes_totals ---------------------------------------------------------------------------


def test_minutes_totals_week_starts_monday_midnight_in_the_active_time_zone(executive):
    # given
    entry(executive, at(2026, 3, 15, 23, 59), minutes=10)  # Sunday 23:59 EDT = Monday 03:59 UTC
    entry(executive, at(2026, 3, 16, 0, 0), minutes=20)  # Monday 00:00 EDT: the first minute of the week
    entry(executive, at(2026, 3, 18, 11, 0), minutes=40)  # this morning

    # when
    with timezone.override(NEW_YORK):
        totals = selectors.minutes_totals(membership=executive, now=NOW)

    # then
    assert totals == {"week": 60, "month": 70, "week_count": 2, "month_count": 3}


def test_minutes_totals_same_data_in_another_time_zone_moves_the_boundary(executive):
    # given: in UTC, Sunday 23:59 New York time is already Monday
    entry(executive, at(2026, 3, 15, 23, 59), minutes=10)
    entry(executive, at(2026, 3, 15, 19, 59), minutes=5)  # Sunday 23:59 UTC

    # when
    with timezone.override(UTC):
        totals = selectors.minutes_totals(membership=executive, now=NOW)

    # then
    assert totals == {"week": 10, "month": 15, "week_count": 1, "month_count": 2}


def test_minutes_totals_month_starts_on_the_first_at_local_midnight(executive):
    # given
    entry(executive, at(2026, 2, 28, 23, 30), minutes=7)  # 1 March 04:30 UTC, but February in New York
    entry(executive, at(2026, 3, 1, 0, 0), minutes=11)

    # when
    with timezone.override(NEW_YORK):
        totals = selectors.minutes_totals(membership=executive, now=NOW)

    # then
    assert totals == {"week": 0, "month": 11, "week_count": 0, "month_count": 1}


def test_minutes_totals_count_up_to_now_not_after(executive):
    # given
    entry(executive, NOW, minutes=13)
    entry(executive, NOW + timedelta(minutes=1), minutes=17)

    # when
    with timezone.override(NEW_YORK):
        totals = selectors.minutes_totals(membership=executive, now=NOW)

    # then
    assert totals == {"week": 13, "month": 13, "week_count": 1, "month_count": 1}


def test_minutes_totals_credit_each_participant_their_own_minutes(executive, peer, stranger):
    # given: a shared safari (executive 60, peer adjusted to 45) and an entry of the peer's own
    shared = entry(executive, at(2026, 3, 17, 10), minutes=60)
    ParticipantFactory(engagement=shared, membership=peer, minutes=45)
    entry(peer, at(2026, 3, 2, 9), minutes=15)
    entry(stranger, at(2026, 3, 17, 9), minutes=600)

    # when
    with timezone.override(NEW_YORK):
        mine = selectors.minutes_totals(membership=executive, now=NOW)
        peers = selectors.minutes_totals(membership=peer, now=NOW)

    # then
    assert mine == {"week": 60, "month": 60, "week_count": 1, "month_count": 1}
    assert peers == {"week": 45, "month": 60, "week_count": 1, "month_count": 2}


def test_minutes_totals_zero_when_nothing_logged(executive):
    # when
    with timezone.override(TOKYO):
        totals = selectors.minutes_totals(membership=executive, now=NOW)

    # then
    assert totals == {"week": 0, "month": 0, "week_count": 0, "month_count": 0}


def test_minutes_totals_is_one_query(executive):
    # given
    entry(executive, at(2026, 3, 17, 10))

    # when
    with timezone.override(NEW_YORK), CaptureQueriesContext(connection) as queries:
        selectors.minutes_totals(membership=executive, now=NOW)

    # then
    assert len(queries) == 1


@pytest.mark.parametrize(
    ("zone", "week", "month"),
    [
        (NEW_YORK, at(2026, 3, 16), at(2026, 3, 1)),
        (TOKYO, at(2026, 3, 16, zone=TOKYO), at(2026, 3, 1, zone=TOKYO)),  # 19 March 01:00 in Tokyo
        (UTC, at(2026, 3, 16, zone=UTC), at(2026, 3, 1, zone=UTC)),
    ],
)
def test_period_starts_in_the_active_time_zone(zone, week, month):
    # when
    with timezone.override(zone):
        starts = selectors.period_starts(NOW)

    # then
    assert starts == {"week": week, "month": month}
    assert starts["week"].utcoffset() == week.utcoffset()


# --- period_range -----------------------------------------------------------------------------

# Thursday 14 May 2026, 08:00 in New York.
MAY = datetime(2026, 5, 14, 8, 0, tzinfo=NEW_YORK)


@pytest.mark.parametrize(
    ("period", "start_date", "end_date", "expected"),
    [
        ("week", None, None, (at(2026, 5, 11), None)),
        ("month", None, None, (at(2026, 5, 1), None)),
        ("quarter", None, None, (at(2026, 4, 1), None)),
        ("30d", None, None, (at(2026, 4, 15), None)),
        ("90d", None, None, (at(2026, 2, 14), None)),
        ("year", None, None, (at(2025, 5, 15), None)),
        ("custom", date(2026, 5, 1), date(2026, 5, 3), (at(2026, 5, 1), at(2026, 5, 4))),
        ("custom", date(2026, 5, 1), None, (at(2026, 5, 1), None)),
        ("custom", None, date(2026, 5, 3), (None, at(2026, 5, 4))),
        ("custom", None, None, (None, None)),
        ("", date(2026, 1, 5), date(2026, 1, 5), (at(2026, 1, 5), at(2026, 1, 6))),
        ("", None, None, (None, None)),
        (None, None, None, (None, None)),
        ("week", date(2020, 1, 1), None, (at(2026, 5, 11), None)),  # a named period wins over dates
    ],
)
def test_period_range(period, start_date, end_date, expected):
    # when
    with timezone.override(NEW_YORK):
        result = selectors.period_range(period, start_date, end_date, now=MAY)

    # then
    assert result == expected


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (at(2026, 1, 1, 0, 0), at(2026, 1, 1)),
        (at(2026, 3, 31, 23, 59), at(2026, 1, 1)),
        (at(2026, 7, 1, 0, 0), at(2026, 7, 1)),
        (at(2026, 12, 31, 12, 0), at(2026, 10, 1)),
    ],
)
def test_period_range_quarter_boundaries(now, expected):
    # when
    with timezone.override(NEW_YORK):
        start, end = selectors.period_range("quarter", now=now)

    # then
    assert (start, end) == (expected, None)


def test_period_range_uses_the_local_date_not_the_utc_date():
    # given: Monday 11 May 2026 01:00 in Tokyo is still Sunday 10 May in UTC
    now = datetime(2026, 5, 11, 1, 0, tzinfo=TOKYO)

    # when
    with timezone.override(TOKYO):
        start, _ = selectors.period_range("week", now=now)

    # then
    assert start == datetime(2026, 5, 11, 0, 0, tzinfo=TOKYO)


# --- engagement_feed --------------------------------------------------------------------------


@pytest.fixture
def feed_world(executive, peer, stranger, outsider):
    """Entries across two regions; returns a dict of names to objects."""
    org = executive.organization
    north, south = RegionFactory(organization=org, name="North"), RegionFactory(organization=org, name="South")
    leeds = LocationFactory(organization=org, region=north, name="Leeds")
    york = LocationFactory(organization=org, region=north, name="York")
    bath = LocationFactory(organization=org, region=south, name="Bath")
    base = timezone.now().replace(microsecond=0) - timedelta(days=10)
    world = {"north": north, "south": south, "leeds": leeds, "york": york, "bath": bath, "base": base}
    world["e1"] = entry(executive, base, kind="store_visit", location=leeds)
    world["e2"] = entry(executive, base + timedelta(days=1), kind="customer_call", location=None)
    world["e3"] = entry(stranger, base + timedelta(days=2), kind="store_visit", location=bath)
    ParticipantFactory(engagement=world["e3"], membership=peer)
    world["e4"] = entry(peer, base + timedelta(days=3), kind="retail_safari", location=york, customer_type="internal")
    world["e5"] = entry(stranger, base + timedelta(days=4), kind="store_visit", location=york)
    world["foreign"] = entry(outsider, base + timedelta(days=5), kind="store_visit")
    return world


def feed(executive, **filters):
    return list(selectors.engagement_feed(organization=executive.organization, **filters))


def test_feed_unfiltered_is_the_whole_organization_newest_first(executive, feed_world):
    # when
    result = feed(executive)

    # then
    assert result == [feed_world[k] for k in ("e5", "e4", "e3", "e2", "e1")]


def test_feed_leader_matches_any_participant(executive, peer, feed_world):
    # when
    result = feed(executive, leader=peer)

    # then: the peer led e4 and was a co-participant of e3
    assert result == [feed_world["e4"], feed_world["e3"]]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"kind": "store_visit"}, ["e5", "e3", "e1"]),
        ({"kind": "customer_call"}, ["e2"]),
        ({"kind": "focus_group"}, []),
        ({"location": "york"}, ["e5", "e4"]),
        ({"location": "leeds"}, ["e1"]),
        ({"region": "north"}, ["e5", "e4", "e1"]),
        ({"region": "south"}, ["e3"]),
        ({"customer_type": "internal"}, ["e4"]),
        ({"start": 2}, ["e5", "e4", "e3"]),  # start is inclusive
        ({"end": 2}, ["e2", "e1"]),  # end is exclusive
        ({"start": 1, "end": 3}, ["e3", "e2"]),
        ({"kind": "store_visit", "region": "north"}, ["e5", "e1"]),
        ({"kind": "store_visit", "region": "north", "start": 1}, ["e5"]),
        ({"leader": "stranger", "location": "york"}, ["e5"]),
        ({"leader": "executive", "region": "south"}, []),
        ({"leader": "peer", "kind": "store_visit", "end": 3}, ["e3"]),
    ],
)
def test_feed_filters(request, executive, feed_world, filters, expected):
    # given: names to objects (days are offsets from the first entry)
    resolved = {}
    for key, value in filters.items():
        if key in ("start", "end"):
            resolved[key] = feed_world["base"] + timedelta(days=value)
        elif key in ("location", "region"):
            resolved[key] = feed_world[value]
        elif key == "leader":
            resolved[key] = request.getfixturevalue(value)
        else:
            resolved[key] = value

    # when
    result = feed(executive, **resolved)

    # then
    assert result == [feed_world[name] for name in expected]


def test_feed_of_another_organization_never_shows_ours(outsider, feed_world):
    # when
    result = list(selectors.engagement_feed(organization=outsider.organization))

    # then
    assert result == [feed_world["foreign"]]


def test_feed_loads_details_in_a_fixed_number_of_queries(executive, feed_world):
    # when
    with CaptureQueriesContext(connection) as queries:
        for engagement in selectors.engagement_feed(organization=executive.organization):
            seen = [p.membership.display_name for p in engagement.participants.all()]
            seen += [learning.author.display_name for learning in engagement.learnings.all()]
            seen += [str(engagement.location.region if engagement.location else None), engagement.leader.display_name]

    # then: engagements, participants, learnings
    assert len(queries) == 3


# --- engagements_for_leader, engagement_get ----------------------------------------------------


def test_engagements_for_leader_lists_entries_credited_with_own_minutes(executive, peer, stranger):
    # given
    own = entry(peer, timezone.now() - timedelta(days=1), minutes=20)
    shared = entry(executive, timezone.now() - timedelta(days=2), minutes=60)
    ParticipantFactory(engagement=shared, membership=peer, minutes=45)
    entry(stranger, timezone.now() - timedelta(hours=1))

    # when
    result = list(selectors.engagements_for_leader(membership=peer))

    # then
    assert [(e.pk, e.my_minutes) for e in result] == [(own.pk, 20), (shared.pk, 45)]


def test_engagement_get_is_scoped_to_the_organization(engagement, outsider):
    # when / then
    assert selectors.engagement_get(organization=engagement.organization_id, pk=engagement.pk) == engagement
    with pytest.raises(type(engagement).DoesNotExist):
        selectors.engagement_get(organization=outsider.organization_id, pk=engagement.pk)


def test_learning_and_participant_get_are_scoped_to_the_organization(shared_engagement, outsider):
    # given
    learning = shared_engagement.learnings.first()
    participant = shared_engagement.participants.first()

    # when / then
    assert selectors.learning_get(organization=shared_engagement.organization_id, pk=learning.pk) == learning
    assert selectors.participant_get(organization=shared_engagement.organization_id, pk=participant.pk) == participant
    with pytest.raises(type(learning).DoesNotExist):
        selectors.learning_get(organization=outsider.organization_id, pk=learning.pk)
    with pytest.raises(type(participant).DoesNotExist):
        selectors.participant_get(organization=outsider.organization_id, pk=participant.pk)


# --- locations_recent_first, last_kind --------------------------------------------------------


def test_locations_recent_first_orders_by_own_last_use(executive, stranger, chief_of_staff, outsider):
    # given
    org = executive.organization
    north, south = RegionFactory(organization=org, name="North"), RegionFactory(organization=org, name="South")
    leeds = LocationFactory(organization=org, region=north, name="Leeds")
    york = LocationFactory(organization=org, region=north, name="York")
    bath = LocationFactory(organization=org, region=south, name="Bath")
    annex = LocationFactory(organization=org, region=None, name="Annex")
    LocationFactory(organization=org, region=south, name="Closed", is_active=False)
    LocationFactory(organization=outsider.organization, name="Foreign")
    now = timezone.now()
    entry(executive, now - timedelta(days=9), location=leeds)
    entry(executive, now - timedelta(days=1), location=leeds)  # latest use of Leeds
    entry(executive, now - timedelta(days=5), location=york)
    entry(stranger, now - timedelta(hours=1), location=bath)  # someone else's: not "recent" for me
    shared = entry(stranger, now - timedelta(days=3), location=annex)
    ParticipantFactory(engagement=shared, membership=executive)  # credited: counts as mine

    # when
    recent, everything = selectors.locations_recent_first(membership=executive)

    # then
    assert recent == [leeds, annex, york]
    assert everything == [leeds, york, bath, annex]  # by region name then name; no region last


def test_locations_recent_first_counts_what_a_chief_of_staff_logged(chief_of_staff, executive, location):
    # given
    entry(executive, timezone.now() - timedelta(days=1), location=location, logged_by=chief_of_staff)

    # when
    recent, _ = selectors.locations_recent_first(membership=chief_of_staff)

    # then
    assert recent == [location]


def test_locations_recent_first_limits_the_recent_list(executive):
    # given
    org = executive.organization
    stores = [LocationFactory(organization=org, name=f"Store {i}") for i in range(7)]
    for days_ago, store in enumerate(stores):
        entry(executive, timezone.now() - timedelta(days=days_ago + 1), location=store)

    # when
    recent, everything = selectors.locations_recent_first(membership=executive, recent_limit=3)

    # then
    assert recent == stores[:3]
    assert len(everything) == 7


def test_locations_recent_first_ties_break_by_name(executive):
    # given
    org = executive.organization
    same_time = timezone.now() - timedelta(days=1)
    zeta, alpha = LocationFactory(organization=org, name="Zeta"), LocationFactory(organization=org, name="Alpha")
    entry(executive, same_time, location=zeta)
    entry(executive, same_time, location=alpha)

    # when
    recent, _ = selectors.locations_recent_first(membership=executive)

    # then
    assert recent == [alpha, zeta]


def test_recent_locations_look_back_over_the_latest_entries_only(executive, chief_of_staff, monkeypatch):
    # given: three entries kept; York was used before the latest three (as credited and as logged)
    monkeypatch.setattr(selectors, "RECENT_ENTRIES", 3)
    org = executive.organization
    york, leeds, bath = (LocationFactory(organization=org, name=name) for name in ("York", "Leeds", "Bath"))
    now = timezone.now()
    entry(executive, now - timedelta(days=9), location=york, logged_by=chief_of_staff)
    for days_ago, place in ((3, leeds), (2, bath), (1, leeds)):
        entry(executive, now - timedelta(days=days_ago), location=place, logged_by=chief_of_staff)

    # when
    credited, _ = selectors.locations_recent_first(membership=executive)
    logged, _ = selectors.locations_recent_first(membership=chief_of_staff)

    # then
    assert credited == [leeds, bath]
    assert logged == [leeds, bath]


def test_quick_log_menus_are_the_three_reads_in_one_query(executive, peer, stranger, chief_of_staff, outsider):
    # given: places of two regions and none, a closed one, another organization's; entries of mine and others'
    org = executive.organization
    north, south = RegionFactory(organization=org, name="North"), RegionFactory(organization=org, name="South")
    leeds = LocationFactory(organization=org, region=north, name="Leeds", code="L1")
    york = LocationFactory(organization=org, region=north, name="York")
    bath = LocationFactory(organization=org, region=south, name="Bath")
    annex = LocationFactory(organization=org, region=None, name="Annex")
    closed = LocationFactory(organization=org, region=south, name="Closed", is_active=False)
    LocationFactory(organization=outsider.organization, name="Foreign")
    now = timezone.now()
    entry(executive, now - timedelta(days=1), location=leeds)
    entry(executive, now - timedelta(days=2), location=closed)  # closed: never offered
    entry(executive, now - timedelta(days=5), location=york, logged_by=chief_of_staff)
    entry(stranger, now - timedelta(hours=1), location=bath)
    ParticipantFactory(engagement=entry(stranger, now - timedelta(days=3), location=annex), membership=executive)

    # when
    with CaptureQueriesContext(connection) as queries:
        menus = selectors.quick_log_menus(membership=executive)

    # then: what location_list, executives and locations_recent give, from one query
    assert len(queries.captured_queries) == 1
    assert menus.locations == [
        (leeds.pk, "Leeds", "L1", "North"),
        (york.pk, "York", york.code, "North"),
        (bath.pk, "Bath", bath.code, "South"),
        (annex.pk, "Annex", annex.code, None),
    ]
    leaders = org_selectors.executives(organization=org.pk)
    assert menus.leaders == [(m.pk, m.user.full_name, m.user.email) for m in leaders]
    assert menus.recent == [(leeds.pk, "Leeds", "L1"), (annex.pk, "Annex", annex.code), (york.pk, "York", york.code)]
    assert [pk for pk, *_ in selectors.quick_log_menus(membership=chief_of_staff).recent] == [york.pk]


def test_quick_log_state_is_the_last_kind_and_the_totals_in_one_query(executive, chief_of_staff):
    # given
    entry(executive, timezone.now() - timedelta(minutes=90), minutes=25, kind="focus_group")
    entry(executive, timezone.now() - timedelta(minutes=30), minutes=15, kind="customer_call", logged_by=chief_of_staff)

    # when
    with CaptureQueriesContext(connection) as queries:
        state = selectors.quick_log_state(membership=executive, totals=True)
    for_chief = selectors.quick_log_state(membership=chief_of_staff, totals=False)

    # then
    assert len(queries.captured_queries) == 1
    totals = selectors.minutes_totals(membership=executive)
    assert state == {"last_kind": "customer_call", "week": totals["week"], "month": totals["month"]}
    assert for_chief == {"last_kind": "customer_call"}
    assert selectors.quick_log_state(membership=chief_of_staff, totals=True)["week"] == 0


def test_last_kind_is_the_most_recently_logged_by_me(executive, chief_of_staff, stranger):
    # given
    entry(executive, timezone.now() - timedelta(days=1), kind="focus_group")
    entry(executive, timezone.now() - timedelta(days=5), kind="customer_call")  # created later, started earlier
    entry(stranger, timezone.now(), kind="other")

    # when / then
    assert selectors.last_kind(membership=executive) == "customer_call"
    assert selectors.last_kind(membership=stranger) == "other"
    assert selectors.last_kind(membership=chief_of_staff) is None


def test_last_kind_of_a_chief_of_staff_is_what_they_logged(executive, chief_of_staff):
    # given
    entry(executive, timezone.now() - timedelta(days=1), kind="front_line_shift", logged_by=chief_of_staff)
    entry(executive, timezone.now() - timedelta(days=1), kind="complaint_follow_up")

    # when / then
    assert selectors.last_kind(membership=chief_of_staff) == "front_line_shift"
    assert selectors.last_kind(membership=executive) == "complaint_follow_up"


# --- Coverage (the board) -----------------------------------------------------------------------------------
def test_location_coverage_gives_each_active_place_its_last_visit_and_visits_in_two_queries(
    organization, executive, django_assert_num_queries
):
    from apps.engagements.rollups import rollups_rebuild
    from apps.engagements.selectors import CoveredPlace

    london = ZoneInfo("Europe/London")
    north = RegionFactory(organization=organization, name="North")
    oak = LocationFactory(organization=organization, name="Oak", region=north)
    elm = LocationFactory(organization=organization, name="Elm", region=None)
    LocationFactory(organization=organization, name="Shut", is_active=False)
    for day in (date(2026, 1, 2), date(2026, 3, 1), date(2026, 3, 18), date(2026, 3, 18)):
        entry(executive, datetime.combine(day, datetime.min.time(), tzinfo=london) + timedelta(hours=10), location=oak)
    entry(executive, datetime(2026, 3, 20, 10, tzinfo=london), location=oak)  # after today
    rollups_rebuild(organization=organization)

    with django_assert_num_queries(2):
        places = selectors.location_coverage(organization=organization.pk, today=date(2026, 3, 18))

    assert places == [
        CoveredPlace(elm.pk, "Elm", None, "", None, {30: 0, 90: 0}),
        CoveredPlace(oak.pk, "Oak", north.pk, "North", date(2026, 3, 18), {30: 3, 90: 4}),
    ]
    assert selectors.location_coverage(organization=organization.pk, today=date(2026, 3, 18), region=north) == [
        places[1]
    ]
