"""Many leaders' target figures at once, from the monthly rollups: the same numbers as `target_status`."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from apps.engagements.rollups import rollups_rebuild
from apps.scheduling import selectors, services
from tests.engagements.factories import EngagementFactory
from tests.organizations.factories import MembershipFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 5, 20, 12, 0, tzinfo=UTC)


def log(leader, when, minutes, kind="store_visit"):
    return EngagementFactory(
        organization=leader.organization, leader=leader, started_at=when, duration_minutes=minutes, kind=kind
    )


@pytest.fixture
def team(organization, admin_member):
    """Three executives: one on the default monthly target, one with their own quarterly target in Oslo, and
    one with nothing logged."""
    monthly = MembershipFactory(organization=organization, role="executive", user__full_name="Mona Monthly")
    quarterly = MembershipFactory(
        organization=organization, role="executive", user__full_name="Quinn Quarter", user__time_zone="Europe/Oslo"
    )
    idle = MembershipFactory(organization=organization, role="executive", user__full_name="Ida Idle")
    services.target_set(
        organization=organization, acting=admin_member, hours=Decimal("8"), period="month", counts_from=date(2026, 3, 1)
    )
    services.target_set(
        organization=organization,
        acting=admin_member,
        hours=Decimal("20"),
        period="quarter",
        counts_from=date(2026, 1, 1),
        leader=quarterly,
    )
    log(monthly, datetime(2026, 2, 27, 10, tzinfo=UTC), 600)  # before counting starts
    log(monthly, datetime(2026, 3, 10, 10, tzinfo=UTC), 600)
    log(monthly, datetime(2026, 4, 10, 10, tzinfo=UTC), 300)
    log(monthly, datetime(2026, 5, 2, 10, tzinfo=UTC), 240)
    log(monthly, datetime(2026, 5, 3, 10, tzinfo=UTC), 500, kind="other")  # not customer-facing
    log(quarterly, datetime(2026, 3, 31, 22, 30, tzinfo=UTC), 90)  # already 1 April in Oslo: Q2
    log(quarterly, datetime(2026, 2, 1, 9, tzinfo=UTC), 900)
    log(quarterly, datetime(2026, 2, 2, 9, tzinfo=UTC), 600)
    rollups_rebuild(organization=organization)
    return [monthly, quarterly, idle]


def test_each_leader_gets_the_same_figures_as_target_status(organization, team):
    statuses = selectors.target_statuses(organization=organization, leaders=team, now=NOW)

    assert statuses == {leader.pk: selectors.target_status(leader=leader, now=NOW) for leader in team}
    monthly, quarterly, idle = team
    assert (statuses[monthly.pk]["actual_minutes"], statuses[monthly.pk]["balance_minutes"]) == (240, -300)
    assert (statuses[quarterly.pk]["period_start"], statuses[quarterly.pk]["actual_minutes"]) == (date(2026, 4, 1), 90)
    assert statuses[quarterly.pk]["carried_minutes"] == 1500 - 1200
    assert (statuses[idle.pk]["actual_minutes"], statuses[idle.pk]["carried_minutes"]) == (0, -960)


def test_no_target_anywhere_means_no_figures(organization, executive):
    assert selectors.target_statuses(organization=organization, leaders=[executive], now=NOW) == {}


@pytest.mark.parametrize("extra", [0, 12])
def test_two_queries_whatever_the_number_of_leaders(organization, team, extra, django_assert_num_queries):
    leaders = team + [MembershipFactory(organization=organization, role="executive") for _ in range(extra)]

    with django_assert_num_queries(2):
        statuses = selectors.target_statuses(organization=organization, leaders=leaders, now=NOW)

    assert len(statuses) == 3 + extra
