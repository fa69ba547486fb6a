"""Rollup rows (LeaderMonth, LocationDay): recomputed from the log by every write, and rebuilt whole."""

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from apps.engagements import rollups, services
from apps.engagements.models import LeaderMonth, LeaderMonthTotal, LocationDay, LocationMonth
from apps.organizations.models import Role
from tests.organizations.factories import LocationFactory, MembershipFactory, OrganizationFactory, RegionFactory

pytestmark = pytest.mark.django_db

# 23:30 UTC on 31 January 2026: still January in London, already February in Oslo.
EDGE = datetime(2026, 1, 31, 23, 30, tzinfo=UTC)
JAN, FEB = date(2026, 1, 1), date(2026, 2, 1)


@pytest.fixture
def org(db):
    return OrganizationFactory(time_zone="Europe/London")


@pytest.fixture
def london(org):
    return MembershipFactory(organization=org, role=Role.EXECUTIVE, user__time_zone="Europe/London")


@pytest.fixture
def oslo(org):
    return MembershipFactory(organization=org, role=Role.EXECUTIVE, user__time_zone="Europe/Oslo")


@pytest.fixture
def north(org):
    return RegionFactory(organization=org, name="North")


@pytest.fixture
def store(org, north):
    return LocationFactory(organization=org, region=north, name="Leeds")


def log(leader, *, when=EDGE, kind="store_visit", minutes=60, location=None, others=(), learnings=()):
    engagement, _ = services.engagement_create(
        logged_by=leader,
        leader=leader,
        client_uuid=uuid.uuid4(),
        kind=kind,
        started_at=when,
        duration_minutes=minutes,
        location=location,
        other_participants=list(others),
        learnings=[{"kind": "idea", "text": t} for t in learnings],
    )
    return engagement


def leader_rows():
    return sorted(
        LeaderMonth.objects.values_list(
            "membership_id", "month", "kind", "region_id", "minutes", "engagements", "learnings"
        ),
        key=str,
    )


def location_rows():
    return sorted(LocationDay.objects.values_list("location_id", "day", "engagements", "minutes"))


def total_rows():
    return sorted(
        LeaderMonthTotal.objects.values_list(
            "membership_id", "month", "region_id", "minutes", "engagements", "last_started_at"
        ),
        key=str,
    )


def location_month_rows():
    return sorted(LocationMonth.objects.values_list("location_id", "month", "engagements", "minutes"))


def all_rollups():
    return leader_rows(), total_rows(), location_rows(), location_month_rows()


def test_a_shared_visit_is_credited_to_each_leader_in_their_own_month_and_region(london, oslo, store, north):
    log(london, location=store, others=[oslo], learnings=["Queues", "Prices"])

    assert leader_rows() == sorted(
        [
            (london.pk, JAN, "store_visit", None, 60, 1, 2),
            (london.pk, JAN, "store_visit", north.pk, 60, 1, 2),
            (oslo.pk, FEB, "store_visit", None, 60, 1, 0),
            (oslo.pk, FEB, "store_visit", north.pk, 60, 1, 0),
        ],
        key=str,
    )
    # The location's day is on the organization's clock (London): 31 January, both leaders' minutes.
    assert location_rows() == [(store.pk, date(2026, 1, 31), 1, 120)]
    assert total_rows() == sorted(
        [
            (london.pk, JAN, None, 60, 1, EDGE),
            (london.pk, JAN, north.pk, 60, 1, EDGE),
            (oslo.pk, FEB, None, 60, 1, EDGE),
            (oslo.pk, FEB, north.pk, 60, 1, EDGE),
        ],
        key=str,
    )
    assert location_month_rows() == [(store.pk, JAN, 1, 120)]


def test_totals_add_up_the_customer_facing_kinds_only(london, store, north):
    log(london, location=store, minutes=30)
    log(london, kind="customer_call", minutes=20, when=EDGE - timedelta(days=2))
    log(london, kind="other", minutes=45, location=store, when=EDGE - timedelta(days=1))

    assert total_rows() == sorted(
        [(london.pk, JAN, None, 50, 2, EDGE), (london.pk, JAN, north.pk, 30, 1, EDGE)], key=str
    )
    # "Other" is not time with customers: not a visit of the place either.
    assert location_month_rows() == [(store.pk, JAN, 1, 30)]


def test_a_location_month_sums_its_days(london, store):
    log(london, location=store, minutes=30, when=datetime(2026, 3, 2, 10, tzinfo=UTC))
    second = log(london, location=store, minutes=45, when=datetime(2026, 3, 20, 10, tzinfo=UTC))
    log(london, location=store, minutes=15, when=datetime(2026, 4, 1, 10, tzinfo=UTC))
    assert location_month_rows() == [(store.pk, date(2026, 3, 1), 2, 75), (store.pk, date(2026, 4, 1), 1, 15)]

    services.engagement_update(engagement=second, acting=london, started_at=datetime(2026, 4, 2, 10, tzinfo=UTC))
    assert location_month_rows() == [(store.pk, date(2026, 3, 1), 1, 30), (store.pk, date(2026, 4, 1), 2, 60)]

    services.engagement_delete(engagement=second, acting=london)
    assert location_month_rows() == [(store.pk, date(2026, 3, 1), 1, 30), (store.pk, date(2026, 4, 1), 1, 15)]


def test_a_call_without_a_place_counts_only_in_the_all_places_row(london):
    log(london, kind="customer_call", minutes=20)

    assert leader_rows() == [(london.pk, JAN, "customer_call", None, 20, 1, 0)]
    assert location_rows() == []


def test_moving_an_entry_to_another_month_and_place_moves_its_rollups(london, store, org):
    engagement = log(london, location=store)
    other = LocationFactory(organization=org, name="Bath", region=None)

    services.engagement_update(
        engagement=engagement, acting=london, started_at=EDGE + timedelta(days=3), location=other, kind="focus_group"
    )

    assert leader_rows() == [(london.pk, FEB, "focus_group", None, 60, 1, 0)]
    assert location_rows() == [(other.pk, date(2026, 2, 3), 1, 60)]
    assert total_rows() == [(london.pk, FEB, None, 60, 1, EDGE + timedelta(days=3))]
    assert location_month_rows() == [(other.pk, FEB, 1, 60)]


def test_changing_the_participants_and_their_minutes_follows(london, oslo, store):
    engagement = log(london, location=store, others=[oslo])
    participant = engagement.participants.get(membership=oslo)

    services.participant_set_minutes(participant=participant, minutes=15, acting=oslo)
    assert [r for r in leader_rows() if r[0] == oslo.pk and r[3] is None] == [
        (oslo.pk, FEB, "store_visit", None, 15, 1, 0)
    ]
    assert location_rows() == [(store.pk, date(2026, 1, 31), 1, 75)]

    assert location_month_rows() == [(store.pk, JAN, 1, 75)]
    assert (oslo.pk, FEB, None, 15, 1, EDGE) in total_rows()

    services.engagement_update(engagement=engagement, acting=london, participants=[])
    assert {r[0] for r in leader_rows()} == {london.pk}
    assert {r[0] for r in total_rows()} == {london.pk}
    assert location_rows() == [(store.pk, date(2026, 1, 31), 1, 60)]
    assert location_month_rows() == [(store.pk, JAN, 1, 60)]


def test_learnings_added_and_deleted_are_counted(london):
    engagement = log(london, kind="customer_call")

    learning = services.learning_create(engagement=engagement, author=london, acting=london, kind="idea", text="A")
    assert leader_rows() == [(london.pk, JAN, "customer_call", None, 60, 1, 1)]

    services.learning_delete(learning=learning, acting=london)
    assert leader_rows() == [(london.pk, JAN, "customer_call", None, 60, 1, 0)]


def test_deleting_an_entry_removes_its_rollups_and_keeps_the_others(london, store):
    kept = log(london, kind="customer_call", minutes=30)
    gone = log(london, location=store)

    services.engagement_delete(engagement=gone, acting=london)

    assert leader_rows() == [(london.pk, JAN, "customer_call", None, 30, 1, 0)]
    assert total_rows() == [(london.pk, JAN, None, 30, 1, EDGE)]
    assert location_rows() == []
    assert location_month_rows() == []
    assert kept.pk


def test_rebuild_gives_exactly_what_the_writes_kept(london, oslo, store, org):
    log(london, location=store, others=[oslo], learnings=["Queues"])
    log(oslo, when=EDGE - timedelta(days=40), kind="customer_call", minutes=25, learnings=["Prices", "Stock"])
    log(london, when=EDGE + timedelta(days=10), location=store, minutes=90)
    kept_leaders, kept_locations = leader_rows(), location_rows()
    kept = all_rollups()

    kept_last = sorted(
        LeaderMonth.objects.values_list("membership_id", "month", "kind", "region_id", "last_started_at"), key=str
    )

    counts = rollups.rollups_rebuild(organization=org)

    assert all_rollups() == kept
    assert (
        sorted(
            LeaderMonth.objects.values_list("membership_id", "month", "kind", "region_id", "last_started_at"), key=str
        )
        == kept_last
    )
    assert counts == {
        "leader months": len(kept_leaders),
        "leader month totals": len(kept[1]),
        "location days": len(kept_locations),
        "location months": len(kept[3]),
    }
    # Not vacuous: London January and February, Oslo February (each everywhere and North) and Oslo's December
    # call (everywhere only); the store in January and February.
    assert len(kept[1]) == 7 and len(kept[3]) == 2


def test_rebuild_touches_only_its_own_organization(london, store):
    log(london, location=store)
    other_org = OrganizationFactory()
    stranger = MembershipFactory(organization=other_org, role=Role.EXECUTIVE)
    log(stranger, kind="customer_call")
    before = all_rollups()

    rollups.rollups_rebuild(organization=other_org)

    assert all_rollups() == before


def test_rebuild_command_recomputes_one_organization_or_refuses_an_unknown_slug(london, org):
    from io import StringIO

    from django.core.management import CommandError, call_command

    log(london, kind="customer_call")
    LeaderMonth.objects.all().delete()
    out = StringIO()

    call_command("rebuild_rollups", "--organization", org.slug, stdout=out)

    assert leader_rows() == [(london.pk, JAN, "customer_call", None, 60, 1, 0)]
    assert out.getvalue() == (
        f"{org.slug}: 1 leader months, 1 leader month totals, 0 location days, 0 location months, 0 theme months, "
        "0 loop months\n"
    )
    with pytest.raises(CommandError):
        call_command("rebuild_rollups", "--organization", "nowhere")


def test_each_row_knows_when_its_latest_engagement_started(london):
    log(london, kind="customer_call", when=EDGE - timedelta(days=3))
    log(london, kind="customer_call", when=EDGE - timedelta(days=1))

    assert list(LeaderMonth.objects.values_list("last_started_at", flat=True)) == [EDGE - timedelta(days=1)]
