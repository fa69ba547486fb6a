"""Leaders against their targets month by month (the board's "share on target" and "months on target"), from the
monthly rollups with each leader's target resolved in SQL."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from apps.engagements.rollups import rollups_rebuild
from apps.organizations.models import Membership
from apps.scheduling import selectors, services
from tests.engagements.factories import EngagementFactory
from tests.organizations.factories import LocationFactory, MembershipFactory, OrganizationFactory, RegionFactory

pytestmark = pytest.mark.django_db

MONTHS = [date(2026, 3, 1), date(2026, 4, 1), date(2026, 5, 1)]


def log(leader, when, minutes, *, kind="store_visit", location=None):
    extra = {"location": location} if location is not None else {}
    return EngagementFactory(
        organization=leader.organization, leader=leader, started_at=when, duration_minutes=minutes, kind=kind, **extra
    )


def ids(leaders):
    return [leader.pk for leader in leaders]


@pytest.fixture
def north(organization):
    return LocationFactory(organization=organization, region=RegionFactory(organization=organization, name="North"))


@pytest.fixture
def team(organization, admin_member, north):
    """Default 8 h a month from March; Quinn on 30 h a quarter (10 h a month) from April, in Oslo; Ida has
    logged nothing."""
    mona = MembershipFactory(organization=organization, role="executive", user__full_name="Mona Monthly")
    quinn = MembershipFactory(
        organization=organization, role="executive", user__full_name="Quinn Quarter", user__time_zone="Europe/Oslo"
    )
    ida = MembershipFactory(organization=organization, role="executive", user__full_name="Ida Idle")
    services.target_set(
        organization=organization, acting=admin_member, hours=Decimal("8"), period="month", counts_from=date(2026, 3, 1)
    )
    services.target_set(
        organization=organization,
        acting=admin_member,
        hours=Decimal("30"),
        period="quarter",
        counts_from=date(2026, 4, 1),
        leader=quinn,
    )
    log(mona, datetime(2026, 3, 10, 10, tzinfo=UTC), 480)  # exactly 8 h: on target
    log(mona, datetime(2026, 4, 10, 10, tzinfo=UTC), 300, location=north)
    log(mona, datetime(2026, 4, 11, 10, tzinfo=UTC), 179)  # 479 min in April: one short
    log(mona, datetime(2026, 5, 3, 10, tzinfo=UTC), 900, kind="other")  # not customer-facing
    log(quinn, datetime(2026, 3, 20, 10, tzinfo=UTC), 900)  # before Quinn's target counts
    log(quinn, datetime(2026, 4, 30, 22, 30, tzinfo=UTC), 600, location=north)  # 1 May in Oslo: 10 h in May
    rollups_rebuild(organization=organization)
    return mona, quinn, ida


def test_each_month_and_each_leader(organization, team):
    mona, quinn, ida = team

    standing = selectors.target_standing(organization=organization.pk, months=MONTHS, leaders=ids(team))

    # March: Mona and Ida count (Quinn's own target starts in April); April and May: all three.
    assert standing.months == [(2, 1), (3, 0), (3, 1)]
    assert standing.leaders == {mona.pk: (959, 1), quinn.pk: (1500, 1), ida.pk: (0, 0)}


def test_a_region_narrows_the_minutes_not_being_on_target(organization, team, north):
    mona, quinn, ida = team

    standing = selectors.target_standing(
        organization=organization.pk, months=MONTHS, leaders=ids(team), region=north.region
    )

    assert standing.months == [(2, 1), (3, 0), (3, 1)]
    assert standing.leaders == {mona.pk: (300, 1), quinn.pk: (600, 1), ida.pk: (0, 0)}


def test_only_the_leaders_asked_for(organization, team):
    _, quinn, _ = team

    standing = selectors.target_standing(organization=organization.pk, months=MONTHS, leaders=[quinn.pk])

    assert standing.months == [(0, 0), (1, 0), (1, 1)]
    assert standing.leaders == {quinn.pk: (1500, 1)}


def test_without_any_target_nobody_counts(organization, executive):
    log(executive, datetime(2026, 4, 10, 10, tzinfo=UTC), 600)
    idle = MembershipFactory(organization=organization, role="executive")  # no time, no target: left out
    rollups_rebuild(organization=organization)

    standing = selectors.target_standing(organization=organization.pk, months=MONTHS, leaders=[executive.pk, idle.pk])

    assert standing.months == [(0, 0), (0, 0), (0, 0)]
    assert standing.leaders == {executive.pk: (600, None)}


def test_another_organizations_targets_and_rows_do_not_count(organization, team):
    elsewhere = MembershipFactory(organization=OrganizationFactory(), role="executive")
    other_admin = MembershipFactory(organization=elsewhere.organization, role="admin")
    services.target_set(
        organization=elsewhere.organization,
        acting=other_admin,
        hours=Decimal("1"),
        period="month",
        counts_from=date(2026, 1, 1),
    )
    log(elsewhere, datetime(2026, 4, 10, 10, tzinfo=UTC), 600)
    rollups_rebuild(organization=elsewhere.organization)

    standing = selectors.target_standing(organization=organization.pk, months=MONTHS, leaders=ids(team))

    assert standing.months == [(2, 1), (3, 0), (3, 1)]
    assert standing.leaders == {team[0].pk: (959, 1), team[1].pk: (1500, 1), team[2].pk: (0, 0)}


@pytest.mark.parametrize("extra", [0, 12])
def test_three_queries_whatever_the_number_of_leaders(organization, team, extra, django_assert_num_queries):
    for _ in range(extra):
        log(MembershipFactory(organization=organization, role="executive"), datetime(2026, 4, 2, tzinfo=UTC), 500)
    rollups_rebuild(organization=organization)

    leaders = ids(Membership.objects.filter(organization=organization, role="executive"))

    with django_assert_num_queries(3):
        standing = selectors.target_standing(organization=organization.pk, months=MONTHS, leaders=leaders)

    assert standing.months[1] == (3 + extra, extra)
