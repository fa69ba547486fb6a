"""Participant keeps copies of its engagement's start and kind (the dashboards read a leader's time without the
join): the services keep them true, the migration fills them in, and the selectors that read them give the
figures the join gave."""

import importlib
import uuid
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.db.models import DateField, Q, Sum
from django.db.models.functions import TruncWeek
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.engagements import selectors, services
from apps.engagements.models import CUSTOMER_FACING_KINDS, Participant
from apps.organizations.models import Role
from tests.engagements.factories import EngagementFactory, ParticipantFactory
from tests.organizations.factories import MembershipFactory

pytestmark = pytest.mark.django_db

# Wednesday 20 May 2026, 12:00 UTC (14:00 in Oslo, UTC+2).
NOW = datetime(2026, 5, 20, 12, 0, tzinfo=UTC)
OSLO = ZoneInfo("Europe/Oslo")


def copies(engagement):
    """[(membership id, started_at, kind)] of its participants."""
    return sorted(engagement.participants.values_list("membership_id", "started_at", "kind"))


def create(leader, *, when, minutes=30, kind="customer_call", others=()):
    engagement, _ = services.engagement_create(
        logged_by=leader,
        leader=leader,
        client_uuid=uuid.uuid4(),
        kind=kind,
        started_at=when,
        duration_minutes=minutes,
        other_participants=list(others),
    )
    return engagement


# --- the services keep the copies ----------------------------------------------------------------


def test_create_copies_the_start_and_kind_to_every_participant(executive, peer):
    when = timezone.now() - timedelta(days=2)

    engagement = create(executive, when=when, kind="focus_group", others=[peer])

    assert copies(engagement) == sorted([(executive.pk, when, "focus_group"), (peer.pk, when, "focus_group")])


def test_moving_the_start_moves_every_participants_copy(executive, peer):
    engagement = create(executive, when=timezone.now() - timedelta(days=2), others=[peer])
    moved = timezone.now() - timedelta(days=40)

    services.engagement_update(engagement=engagement, acting=executive, started_at=moved)

    assert copies(engagement) == sorted([(executive.pk, moved, "customer_call"), (peer.pk, moved, "customer_call")])


def test_changing_the_kind_changes_every_participants_copy(executive, peer):
    when = timezone.now() - timedelta(days=2)
    engagement = create(executive, when=when, others=[peer])

    services.engagement_update(engagement=engagement, acting=executive, kind="other")

    assert copies(engagement) == sorted([(executive.pk, when, "other"), (peer.pk, when, "other")])


def test_replaced_participants_take_the_new_start_and_kind(executive, peer, stranger):
    engagement = create(executive, when=timezone.now() - timedelta(days=2), others=[peer])
    moved = timezone.now() - timedelta(days=3)

    services.engagement_update(
        engagement=engagement, acting=executive, participants=[stranger], started_at=moved, kind="focus_group"
    )

    assert copies(engagement) == sorted([(executive.pk, moved, "focus_group"), (stranger.pk, moved, "focus_group")])


def test_an_update_of_other_fields_leaves_the_copies_as_they_are(executive, peer):
    when = timezone.now() - timedelta(days=2)
    engagement = create(executive, when=when, others=[peer])

    services.engagement_update(engagement=engagement, acting=executive, notes="Busy tills.", duration_minutes=45)

    assert copies(engagement) == sorted([(executive.pk, when, "customer_call"), (peer.pk, when, "customer_call")])


def test_the_factories_take_the_copies_from_the_engagement(executive, peer):
    when = timezone.now() - timedelta(days=5)
    engagement = EngagementFactory(organization=executive.organization, leader=executive, started_at=when)

    ParticipantFactory(engagement=engagement, membership=peer)

    assert copies(engagement) == sorted([(executive.pk, when, "store_visit"), (peer.pk, when, "store_visit")])


# --- the migration's backfill ---------------------------------------------------------------------


def test_the_migration_backfill_copies_each_engagements_start_and_kind(executive, peer):
    first_start, second_start = timezone.now() - timedelta(days=1), timezone.now() - timedelta(days=9)
    first = create(executive, when=first_start, kind="focus_group", others=[peer])
    second = create(peer, when=second_start, kind="other")
    Participant.objects.update(started_at=datetime(2000, 1, 1, tzinfo=UTC), kind="store_visit")  # stale copies
    migration = importlib.import_module("apps.engagements.migrations.0007_participant_started_at_kind")

    migration.copy_from_engagement(django_apps, None)

    assert copies(first) == sorted([(executive.pk, first_start, "focus_group"), (peer.pk, first_start, "focus_group")])
    assert copies(second) == [(peer.pk, second_start, "other")]


# --- the selectors read the copies and give the join's figures -------------------------------------


def joined_minutes(membership, now):
    """customer_minutes as it was, through the engagement: the reference."""
    starts = {
        "week": datetime(2026, 5, 18, tzinfo=membership.zone),
        "month": datetime(2026, 5, 1, tzinfo=membership.zone),
        "quarter": datetime(2026, 4, 1, tzinfo=membership.zone),
    }
    totals = Participant.objects.filter(
        membership=membership,
        engagement__kind__in=CUSTOMER_FACING_KINDS,
        engagement__started_at__gte=starts["quarter"],
        engagement__started_at__lte=now,
    ).aggregate(**{name: Sum("minutes", filter=Q(engagement__started_at__gte=s)) for name, s in starts.items()})
    return {name: value or 0 for name, value in totals.items()}


def joined_weeks(membership, since, now):
    """customer_weeks as it was, through the engagement: the reference."""
    week = TruncWeek("engagement__started_at", tzinfo=membership.zone, output_field=DateField())
    return list(
        Participant.objects.filter(
            membership=membership,
            engagement__kind__in=CUSTOMER_FACING_KINDS,
            engagement__started_at__gte=datetime(since.year, since.month, since.day, tzinfo=membership.zone),
            engagement__started_at__lte=now,
        )
        .annotate(week=week)
        .values_list("week", flat=True)
        .distinct()
        .order_by("-week")
    )


@pytest.fixture
def oslo(organization):
    leader = MembershipFactory(
        organization=organization, role=Role.EXECUTIVE, user__full_name="Olga Oslo", user__time_zone="Europe/Oslo"
    )
    leader.zone = OSLO  # for the references
    return leader


@pytest.fixture
def edges(oslo, peer, monkeypatch):
    """Customer time around Olga's period edges (Oslo, UTC+2 in spring)."""
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    create(oslo, when=datetime(2026, 3, 31, 22, 30, tzinfo=UTC), minutes=120)  # 1 April 00:30 in Oslo: Q2
    create(oslo, when=datetime(2026, 3, 31, 21, 30, tzinfo=UTC), minutes=60)  # 31 March 23:30 in Oslo: Q1
    create(oslo, when=datetime(2026, 5, 17, 21, 59, tzinfo=UTC), minutes=45)  # Sunday 23:59 in Oslo: last week
    create(oslo, when=datetime(2026, 5, 17, 22, 0, tzinfo=UTC), minutes=30)  # Monday 00:00 in Oslo: this week
    create(oslo, when=datetime(2026, 5, 19, 9, 0, tzinfo=UTC), minutes=500, kind="other")  # not customer-facing
    create(peer, when=datetime(2026, 5, 19, 9, 0, tzinfo=UTC), minutes=90, kind="focus_group", others=[oslo])
    create(oslo, when=datetime(2026, 5, 10, 9, 0, tzinfo=UTC), minutes=20)  # week of 4 May
    create(oslo, when=datetime(2026, 5, 20, 12, 30, tzinfo=UTC), minutes=15)  # after `now`: not yet
    create(oslo, when=datetime(2024, 5, 1, 9, 0, tzinfo=UTC), minutes=25)  # before the weeks asked for
    # moved from last week into this one, and from customer-facing to "other": the copies follow
    moved = create(oslo, when=datetime(2026, 5, 12, 9, 0, tzinfo=UTC), minutes=10)
    services.engagement_update(engagement=moved, acting=oslo, started_at=datetime(2026, 5, 19, 7, 0, tzinfo=UTC))
    turned = create(oslo, when=datetime(2026, 4, 28, 9, 0, tzinfo=UTC), minutes=35)
    services.engagement_update(engagement=turned, acting=oslo, kind="other")
    return oslo


def test_customer_minutes_gives_the_joins_figures_without_the_join(edges):
    with CaptureQueriesContext(connection) as queries:
        totals = selectors.customer_minutes(membership=edges, now=NOW)

    # week from Monday 18 May: call 30 + shared focus group 90 + the moved 10; month adds 45 and 20;
    # quarter adds 1 April's 120 (31 March's 60 is Q1, the turned 35 is "other")
    assert totals == {"week": 130, "month": 195, "quarter": 315}
    assert totals == joined_minutes(edges, NOW)
    assert len(queries) == 1
    assert "engagements_engagement" not in queries[0]["sql"]


def test_customer_minutes_is_zero_without_customer_time(oslo):
    assert selectors.customer_minutes(membership=oslo, now=NOW) == {"week": 0, "month": 0, "quarter": 0}


def test_customer_weeks_gives_the_joins_weeks_without_the_join(edges):
    since = date(2024, 5, 20)

    with CaptureQueriesContext(connection) as queries:
        weeks = selectors.customer_weeks(membership=edges, since=since, now=NOW)

    assert weeks == [date(2026, 5, 18), date(2026, 5, 11), date(2026, 5, 4), date(2026, 3, 30)]
    assert weeks == joined_weeks(edges, since, NOW)
    assert len(queries) == 1
    assert "engagements_engagement" not in queries[0]["sql"]
