"""The insights reads behind the board: themes now against the period before, and each place's leader presence
with its average customer score. Each is one query."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from apps.engagements.rollups import rollups_rebuild
from apps.insights import selectors
from apps.insights.models import ThemeMonth
from apps.insights.selectors import PlacePresence, ThemeTrend
from tests.engagements.factories import EngagementFactory
from tests.insights.factories import CustomerScoreFactory, ThemeFactory
from tests.organizations.factories import LocationFactory, OrganizationFactory, RegionFactory

pytestmark = pytest.mark.django_db

MAR, APR, MAY, JUN = date(2026, 3, 1), date(2026, 4, 1), date(2026, 5, 1), date(2026, 6, 1)


def theme_month(theme, month, learnings, region=None):
    ThemeMonth.objects.create(
        organization=theme.organization, theme=theme, month=month, region=region, learnings=learnings
    )


def test_theme_trends_counts_the_period_and_the_one_before(organization):
    north = RegionFactory(organization=organization, name="North")
    queues = ThemeFactory(organization=organization, name="Queues")
    prices = ThemeFactory(organization=organization, name="Prices")
    parking = ThemeFactory(organization=organization, name="Parking")
    theme_month(queues, MAR, 2)
    theme_month(queues, APR, 3)  # before the period
    theme_month(queues, MAY, 4)
    theme_month(queues, JUN, 1)
    theme_month(queues, MAY, 4, region=north)  # the region's share, not counted again
    theme_month(prices, JUN, 5)
    theme_month(parking, date(2026, 2, 1), 7)  # before the period before
    elsewhere = ThemeFactory(organization=OrganizationFactory(), name="Queues")
    theme_month(elsewhere, MAY, 9)

    trends = selectors.theme_trends(
        organization=organization.pk, first_month=MAY, last_month=JUN, previous_first_month=MAR
    )

    assert trends == {queues.pk: ThemeTrend("Queues", 5, 5), prices.pk: ThemeTrend("Prices", 5, 0)}
    assert selectors.theme_trends(
        organization=organization.pk, first_month=MAY, last_month=JUN, previous_first_month=MAR, region=north
    ) == {queues.pk: ThemeTrend("Queues", 4, 0)}


def test_theme_trends_is_one_query(organization, django_assert_num_queries):
    theme_month(ThemeFactory(organization=organization), MAY, 1)

    with django_assert_num_queries(1):
        selectors.theme_trends(organization=organization.pk, first_month=MAY, last_month=JUN, previous_first_month=MAR)


@pytest.fixture
def places(organization, executive):
    """Oak (North) with 90 leader minutes in April and an NPS; Elm (South) with a score only; Ash with presence
    only; Fir with neither."""
    north = RegionFactory(organization=organization, name="North")
    south = RegionFactory(organization=organization, name="South")
    oak = LocationFactory(organization=organization, name="Oak", region=north)
    elm = LocationFactory(organization=organization, name="Elm", region=south)
    ash = LocationFactory(organization=organization, name="Ash", region=north)
    LocationFactory(organization=organization, name="Fir", region=south)
    for when, minutes in ((datetime(2026, 4, 2, 10, tzinfo=UTC), 60), (datetime(2026, 4, 20, 10, tzinfo=UTC), 30)):
        EngagementFactory(
            organization=organization, leader=executive, location=oak, started_at=when, duration_minutes=minutes
        )
    EngagementFactory(
        organization=organization,
        leader=executive,
        location=ash,
        started_at=datetime(2026, 2, 10, 10, tzinfo=UTC),  # before the months asked for
        duration_minutes=45,
    )
    EngagementFactory(
        organization=organization,
        leader=executive,
        location=ash,
        started_at=datetime(2026, 5, 3, 10, tzinfo=UTC),
        duration_minutes=25,
    )
    rollups_rebuild(organization=organization)

    def score(location, start, end, value, metric="nps"):
        CustomerScoreFactory(
            organization=organization,
            location=location,
            metric=metric,
            period_start=start,
            period_end=end,
            value=Decimal(value),
        )

    score(oak, date(2026, 3, 1), date(2026, 3, 31), "40")  # ends before the first day
    score(oak, date(2026, 3, 1), date(2026, 4, 1), "30")  # overlaps by a day
    score(oak, date(2026, 5, 1), date(2026, 5, 31), "51")
    score(oak, date(2026, 5, 1), date(2026, 5, 31), "4.5", metric="csat")
    score(elm, date(2026, 5, 25), date(2026, 6, 30), "-20")  # starts on the last day
    score(elm, date(2026, 5, 26), date(2026, 6, 30), "90")  # starts after it
    return north, oak, elm, ash


def test_presence_and_scores_for_each_place_by_name(organization, places):
    _, oak, elm, ash = places

    rows = selectors.presence_and_scores(
        organization=organization.pk,
        metric="nps",
        first_month=APR,
        last_month=MAY,
        first_day=date(2026, 4, 1),
        last_day=date(2026, 5, 25),
    )

    assert rows == [
        PlacePresence(ash.pk, "Ash", "North", 25, None, ash.region_id),  # May's engagement only
        PlacePresence(elm.pk, "Elm", "South", 0, Decimal("-20"), elm.region_id),
        PlacePresence(oak.pk, "Oak", "North", 90, Decimal("40.5"), oak.region_id),
    ]


def test_presence_and_scores_in_a_region(organization, places):
    north, oak, _, _ = places

    rows = selectors.presence_and_scores(
        organization=organization.pk,
        metric="csat",
        first_month=APR,
        last_month=APR,
        first_day=date(2026, 4, 1),
        last_day=date(2026, 5, 25),
        region=north,
    )

    assert rows == [PlacePresence(oak.pk, "Oak", "North", 90, Decimal("4.5"), oak.region_id)]


def test_presence_and_scores_is_one_query_and_keeps_to_its_organization(
    organization, places, django_assert_num_queries
):
    other = OrganizationFactory()
    CustomerScoreFactory(organization=other, period_start=APR, period_end=date(2026, 4, 30))

    with django_assert_num_queries(1):
        rows = selectors.presence_and_scores(
            organization=organization.pk,
            metric="nps",
            first_month=APR,
            last_month=APR,
            first_day=APR,
            last_day=date(2026, 4, 30),
        )

    assert [row.name for row in rows] == ["Oak"]
