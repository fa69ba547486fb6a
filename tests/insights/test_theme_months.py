"""ThemeMonth rollups: kept by the theme services, rebuilt by a sweep after changes in the log."""

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from django.conf import settings

from apps.engagements import services as engagement_services
from apps.insights import rollups, services
from apps.insights.models import ThemeMonth
from apps.insights.tasks import rollups_sweep_task
from tests.insights.factories import ThemeFactory
from tests.organizations.factories import LocationFactory, OrganizationFactory, RegionFactory

pytestmark = pytest.mark.django_db

# 23:30 UTC on 31 January: already February on the organization's clock (Oslo).
EDGE = datetime(2026, 1, 31, 23, 30, tzinfo=UTC)


@pytest.fixture
def org(organization):
    organization.time_zone = "Europe/Oslo"
    organization.save()
    return organization


def learning(leader, when=EDGE, location=None, text="Queues"):
    engagement, _ = engagement_services.engagement_create(
        logged_by=leader,
        leader=leader,
        client_uuid=uuid.uuid4(),
        kind="store_visit" if location else "customer_call",
        started_at=when,
        duration_minutes=30,
        location=location,
        learnings=[{"kind": "idea", "text": text}],
    )
    return engagement.learnings.get()


def rows():
    return sorted(ThemeMonth.objects.values_list("theme__name", "month", "region__name", "learnings"), key=str)


def test_confirming_themes_counts_the_learning_in_its_month_and_region(org, executive, admin_member):
    north = RegionFactory(organization=org, name="North")
    queues = ThemeFactory(organization=org, name="Queues")
    prices = ThemeFactory(organization=org, name="Prices")
    first = learning(executive, location=LocationFactory(organization=org, region=north))
    second = learning(executive, when=EDGE - timedelta(days=5))

    services.learning_themes_set(acting=executive, learning=first, themes=[queues, prices])
    services.learning_themes_set(acting=executive, learning=second, themes=[queues])

    assert rows() == sorted(
        [
            ("Prices", date(2026, 2, 1), None, 1),
            ("Prices", date(2026, 2, 1), "North", 1),
            ("Queues", date(2026, 1, 1), None, 1),
            ("Queues", date(2026, 2, 1), None, 1),
            ("Queues", date(2026, 2, 1), "North", 1),
        ],
        key=str,
    )

    services.learning_themes_set(acting=executive, learning=first, themes=[])
    assert rows() == [("Queues", date(2026, 1, 1), None, 1)]


def test_merging_moves_the_counts_to_the_theme_that_stays(org, executive, admin_member):
    queues, lines = ThemeFactory(organization=org, name="Queues"), ThemeFactory(organization=org, name="Lines")
    services.learning_themes_set(acting=executive, learning=learning(executive), themes=[queues])
    services.learning_themes_set(acting=executive, learning=learning(executive), themes=[lines])
    both = learning(executive)
    services.learning_themes_set(acting=executive, learning=both, themes=[queues, lines])

    services.theme_merge(acting=admin_member, source=lines, target=queues)

    assert rows() == [("Queues", date(2026, 2, 1), None, 3)]


def test_rebuild_equals_what_the_services_kept(org, executive):
    queues = ThemeFactory(organization=org, name="Queues")
    for days in (0, 3, 40):
        services.learning_themes_set(
            acting=executive, learning=learning(executive, when=EDGE - timedelta(days=days)), themes=[queues]
        )
    kept = rows()
    ThemeMonth.objects.filter(organization=org).delete()  # the rebuild must write them again, not keep them

    assert rollups.theme_months_rebuild(organization=org) == len(kept)
    assert rows() == kept
    assert len(kept) == 3  # not vacuous: February, January and December on the organization's clock


def test_the_sweep_catches_up_with_a_moved_engagement_and_a_deleted_learning(org, executive):
    queues = ThemeFactory(organization=org, name="Queues")
    moved, deleted = learning(executive), learning(executive)
    for item in (moved, deleted):
        services.learning_themes_set(acting=executive, learning=item, themes=[queues])
    since = datetime.now(UTC) - timedelta(seconds=1)
    engagement_services.engagement_update(
        engagement=moved.engagement, acting=executive, started_at=EDGE - timedelta(days=60)
    )
    engagement_services.learning_delete(learning=deleted, acting=executive)
    other = OrganizationFactory()
    stale = ThemeMonth.objects.create(organization=other, theme=ThemeFactory(organization=other), month=EDGE.date())

    assert rollups.rollups_sweep(since=since) == 1

    assert ThemeMonth.objects.filter(pk=stale.pk).exists()  # an organization whose log didn't change is left alone
    stale.delete()
    assert rows() == [("Queues", date(2025, 12, 1), None, 1)]


def test_the_sweep_is_a_periodic_task(org):
    assert rollups_sweep_task() == 0
    assert settings.CELERY_BEAT_SCHEDULE["insights-theme-months-sweep"]["task"] == "insights.theme_months_sweep"
