"""Targets count customer-facing minutes per month or quarter, on the leader's clock; the balance carries."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from apps.scheduling import selectors, services
from apps.scheduling.models import Target
from tests.engagements.factories import EngagementFactory, ParticipantFactory
from tests.organizations.factories import MembershipFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 5, 20, 12, 0, tzinfo=UTC)


def log(leader, when, minutes, kind="store_visit"):
    return EngagementFactory(
        organization=leader.organization, leader=leader, started_at=when, duration_minutes=minutes, kind=kind
    )


def test_no_target_means_no_status(executive):
    assert selectors.target_status(leader=executive, now=NOW) is None


def test_monthly_target_with_the_balance_carried_from_earlier_months(executive, admin_member, organization):
    # given: 8 h a month from March; March 10 h (+2 h), April 5 h (-3 h), May so far 4 h
    services.target_set(
        organization=organization, acting=admin_member, hours=Decimal("8"), period="month", counts_from=date(2026, 3, 1)
    )
    log(executive, datetime(2026, 2, 27, 10, tzinfo=UTC), 600)  # before counting starts: ignored
    log(executive, datetime(2026, 3, 10, 10, tzinfo=UTC), 600)
    log(executive, datetime(2026, 4, 10, 10, tzinfo=UTC), 300)
    log(executive, datetime(2026, 5, 2, 10, tzinfo=UTC), 240)
    log(executive, datetime(2026, 5, 3, 10, tzinfo=UTC), 500, kind="other")  # not customer-facing

    status = selectors.target_status(leader=executive, now=NOW)

    assert {key: status[key] for key in status if key != "target"} == {
        "period": "month",
        "period_start": date(2026, 5, 1),
        "target_minutes": 480,
        "actual_minutes": 240,
        "carried_minutes": -60,
        "balance_minutes": -300,
        "percent": 50,
        "month_start": date(2026, 5, 1),
        "month_minutes": 240,
        "month_target_minutes": 480,
        "month_to_go_minutes": 240,  # this month's 8 h, the hour carried in not counted
        "on_target": False,
    }


def test_month_edges_are_on_the_leader_clock(executive, admin_member, organization):
    # 30 April 23:30 UTC is already 1 May in Oslo
    executive.user.time_zone = "Europe/Oslo"
    executive.user.save()
    services.target_set(
        organization=organization, acting=admin_member, hours=Decimal("1"), period="month", counts_from=date(2026, 4, 1)
    )
    log(executive, datetime(2026, 4, 30, 23, 30, tzinfo=UTC), 45)

    status = selectors.target_status(leader=executive, now=NOW)

    assert (status["actual_minutes"], status["carried_minutes"]) == (45, -60)


def test_quarterly_target_and_shared_engagements_credit_each_participant(executive, admin_member, organization):
    peer = MembershipFactory(organization=organization, role="executive")
    services.target_set(
        organization=organization,
        acting=admin_member,
        hours=Decimal("20"),
        period="quarter",
        counts_from=date(2026, 1, 1),
    )
    safari = log(peer, datetime(2026, 4, 15, 9, tzinfo=UTC), 300, kind="retail_safari")
    ParticipantFactory(engagement=safari, membership=executive, minutes=240)

    status = selectors.target_status(leader=executive, now=NOW)

    assert (status["period_start"], status["actual_minutes"], status["carried_minutes"]) == (
        date(2026, 4, 1),
        240,
        -1200,
    )


def test_a_leader_override_beats_the_default(executive, admin_member, organization):
    services.target_set(
        organization=organization, acting=admin_member, hours=Decimal("8"), period="month", counts_from=date(2026, 5, 1)
    )
    services.target_set(
        organization=organization,
        acting=admin_member,
        hours=Decimal("12.5"),
        period="month",
        counts_from=date(2026, 5, 1),
        leader=executive,
    )

    assert selectors.target_status(leader=executive, now=NOW)["target_minutes"] == 750
    services.target_clear(organization=organization, acting=admin_member, leader=executive)
    assert selectors.target_status(leader=executive, now=NOW)["target_minutes"] == 480


@pytest.mark.parametrize("who", ["executive", "chief_of_staff", "board_member"])
def test_only_admins_set_targets(request, organization, who):
    acting = request.getfixturevalue(who)

    with pytest.raises(PermissionDenied):
        services.target_set(
            organization=organization, acting=acting, hours=Decimal("8"), period="month", counts_from=date(2026, 5, 1)
        )

    assert Target.objects.count() == 0


def test_target_hours_must_be_sensible(organization, admin_member):
    with pytest.raises(ValidationError) as exc_info:
        services.target_set(
            organization=organization,
            acting=admin_member,
            hours=Decimal("0"),
            period="month",
            counts_from=date(2026, 5, 1),
        )

    assert exc_info.value.message_dict == {"hours": ["Ensure this value is greater than or equal to 0.5."]}


@pytest.mark.parametrize(
    ("period", "given", "stored"),
    [("month", date(2026, 5, 17), date(2026, 5, 1)), ("quarter", date(2026, 5, 17), date(2026, 4, 1))],
)
def test_the_balance_counts_from_the_start_of_the_period_of_the_date_given(
    organization, admin_member, period, given, stored
):
    target = services.target_set(
        organization=organization, acting=admin_member, hours=Decimal("8"), period=period, counts_from=given
    )

    assert target.counts_from == stored
