"""Leaders against their targets month by month (the board's "share on target" and "months on target"), from the
monthly rollups with the targets resolved in SQL."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from apps.engagements.rollups import rollups_rebuild
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

    standing = selectors.target_standing(organization=organization.pk, months=MONTHS)

    # March: Mona and Ida count (Quinn's own target starts in April); April and May: all three.
    assert standing.months == [(2, 1), (3, 0), (3, 1)]
    assert standing.leaders == {mona.pk: (959, 1), quinn.pk: (1500, 1), ida.pk: (0, 0)}


def test_a_region_narrows_the_minutes_not_being_on_target(organization, team, north):
    mona, quinn, ida = team

    standing = selectors.target_standing(organization=organization.pk, months=MONTHS, region=north.region)

    assert standing.months == [(2, 1), (3, 0), (3, 1)]
    assert standing.leaders == {mona.pk: (300, 1), quinn.pk: (600, 1), ida.pk: (0, 0)}


def test_members_only(organization, team):
    _, quinn, _ = team

    standing = selectors.target_standing(organization=organization.pk, months=MONTHS, members=[quinn])

    assert standing.months == [(0, 0), (1, 0), (1, 1)]
    assert standing.leaders == {quinn.pk: (1500, 1)}


def test_without_any_target_nobody_counts(organization, executive):
    log(executive, datetime(2026, 4, 10, 10, tzinfo=UTC), 600)
    MembershipFactory(organization=organization, role="executive")  # no time, no target: left out
    rollups_rebuild(organization=organization)

    standing = selectors.target_standing(organization=organization.pk, months=MONTHS)

    assert standing.months == [(0, 0), (0, 0), (0, 0)]
    assert standing.leaders == {executive.pk: (600, None)}


def test_only_active_executives_of_the_organization(organization, team):
    mona, quinn, ida = team
    ida.is_active = False
    ida.save()
    MembershipFactory(organization=organization, role="chief_of_staff")
    elsewhere = MembershipFactory(organization=OrganizationFactory(), role="executive")
    log(elsewhere, datetime(2026, 4, 10, 10, tzinfo=UTC), 600)
    rollups_rebuild(organization=elsewhere.organization)

    standing = selectors.target_standing(organization=organization.pk, months=MONTHS)

    assert standing.months == [(1, 1), (2, 0), (2, 1)]
    assert set(standing.leaders) == {mona.pk, quinn.pk}


@pytest.mark.parametrize("extra", [0, 12])
def test_three_queries_whatever_the_number_of_leaders(organization, team, extra, django_assert_num_queries):
    for _ in range(extra):
        log(MembershipFactory(organization=organization, role="executive"), datetime(2026, 4, 2, tzinfo=UTC), 500)
    rollups_rebuild(organization=organization)

    with django_assert_num_queries(3):
        standing = selectors.target_standing(organization=organization.pk, months=MONTHS)

    assert standing.months[1] == (3 + extra, extra)
