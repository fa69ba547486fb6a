"""`seed_demo --leaders N --engagements M`: the benchmark organization's themes, actions, pilots and scores
(`apps.insights.demo.seed_insights_large`), built in bulk so the board's themes, loop and scores have work."""

from datetime import UTC, datetime, time
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from apps.engagements.models import Learning
from apps.engagements.rollups import next_month
from apps.insights.demo import THEMES
from apps.insights.models import (
    Action,
    ActionStatus,
    CustomerScore,
    LearningTheme,
    LoopMonth,
    Pilot,
    ScoreMetric,
    Theme,
    ThemeMonth,
    ThemeReview,
)
from apps.insights.selectors import loop_counts, loop_counts_live
from apps.organizations.models import Location, Organization, Region

BENCH_SLUG = "bench-l20-e500-s7"
NOW = datetime(2026, 6, 15, 11, 0, tzinfo=UTC)
# What seed 7 builds at NOW (the same on SQLite and PostgreSQL).
LEARNINGS = 638
LINKS = 556
REVIEWS = 499
ACTIONS = 12
ACTION_LEARNINGS = 18
PILOTS = 3
THEME_MONTHS = 420
LOOP_MONTHS = 29
STATUSES = {ActionStatus.DONE: 5, ActionStatus.DROPPED: 3, ActionStatus.IN_PROGRESS: 2, ActionStatus.PILOTING: 2}


@pytest.fixture
def pinned_clock(monkeypatch):
    """The seed spreads engagements over the 18 months before now: pin now, so every count is exact."""
    monkeypatch.setattr(timezone, "now", lambda: NOW)


def seed():
    out = StringIO()
    call_command("seed_demo", "--leaders", "20", "--engagements", "500", "--seed", "7", stdout=out)
    return out.getvalue(), Organization.objects.get(slug=BENCH_SLUG)


@pytest.mark.django_db
def test_large_seed_builds_themes_links_actions_pilots_scores_and_theme_months(pinned_clock):
    output, organization = seed()

    learnings = Learning.objects.filter(organization=organization)
    links = LearningTheme.objects.filter(organization=organization)
    actions = Action.objects.filter(organization=organization)
    pilots = Pilot.objects.filter(organization=organization)
    scores = CustomerScore.objects.filter(organization=organization)
    assert learnings.count() == LEARNINGS
    assert sorted(Theme.objects.filter(organization=organization).values_list("name", flat=True)) == sorted(
        name for name, _ in THEMES
    )
    assert links.count() == LINKS
    assert ThemeReview.objects.filter(organization=organization).count() == REVIEWS
    assert actions.count() == ACTIONS
    assert Action.learnings.through.objects.filter(action__organization=organization).count() == ACTION_LEARNINGS
    assert pilots.count() == PILOTS
    assert scores.count() == 40 * 18 * 3
    assert ThemeMonth.objects.filter(organization=organization).count() == THEME_MONTHS
    assert f"Added what came of it: 8 themes, {LINKS} theme links, {REVIEWS} theme reviews, " in output


@pytest.mark.django_db
def test_large_seed_theme_months_add_up_to_the_links(pinned_clock):
    _, organization = seed()

    links = LearningTheme.objects.filter(organization=organization)
    every_place = ThemeMonth.objects.filter(organization=organization, region__isnull=True)
    by_theme = dict(every_place.values("theme_id").annotate(n=Sum("learnings")).values_list("theme_id", "n"))
    assert every_place.aggregate(n=Sum("learnings"))["n"] == links.count()
    assert by_theme == dict(links.values("theme_id").annotate(n=Count("id")).values_list("theme_id", "n"))
    by_region = dict(
        ThemeMonth.objects.filter(organization=organization, region__isnull=False)
        .values("region_id")
        .annotate(n=Sum("learnings"))
        .values_list("region_id", "n")
    )
    assert by_region == dict(
        links.filter(learning__engagement__location__isnull=False)
        .values("learning__engagement__location__region_id")
        .annotate(n=Count("id"))
        .values_list("learning__engagement__location__region_id", "n")
    )


@pytest.mark.django_db
def test_large_seed_loop_months_are_the_live_loop(pinned_clock):
    output, organization = seed()

    zone = ZoneInfo(organization.time_zone)
    rows = LoopMonth.objects.filter(organization=organization)
    assert rows.count() == LOOP_MONTHS
    assert f"{THEME_MONTHS} theme months, {LOOP_MONTHS} loop months." in output
    for region in [None, *Region.objects.filter(organization=organization)]:
        for month in sorted(set(rows.values_list("month", flat=True))):
            start = datetime.combine(month, time.min, tzinfo=zone)
            end = datetime.combine(next_month(month), time.min, tzinfo=zone)
            assert loop_counts(
                organization=organization, first_month=month, last_month=month, region=region
            ) == loop_counts_live(organization=organization, start=start, end=end, region=region)
    answered = Action.learnings.through.objects.filter(action__organization=organization)
    assert rows.filter(region__isnull=True).aggregate(n=Sum("with_action"))["n"] == (
        answered.values("learning_id").distinct().count()
    )


@pytest.mark.django_db
def test_large_seed_links_follow_the_keywords_and_reviews(pinned_clock):
    _, organization = seed()

    queues = Theme.objects.get(organization=organization, name="Checkout queues")
    # Every reviewed learning about tills has the theme; none without a review has any theme.
    till_learnings = Learning.objects.filter(organization=organization, text__startswith="Queues at the tills")
    assert till_learnings.filter(theme_review__isnull=False).exclude(theme_links__theme=queues).count() == 0
    assert LearningTheme.objects.filter(organization=organization, learning__theme_review__isnull=True).count() == 0
    assert (
        LearningTheme.objects.filter(organization=organization).exclude(confirmed_by=F("learning__author")).count() == 0
    )


@pytest.mark.django_db
def test_large_seed_actions_are_consistent(pinned_clock):
    _, organization = seed()

    actions = Action.objects.filter(organization=organization)
    assert dict(actions.values("status").annotate(n=Count("id")).values_list("status", "n")) == STATUSES
    assert actions.annotate(n=Count("learnings")).filter(Q(n__lt=1) | Q(n__gt=3)).count() == 0
    assert actions.filter(status=ActionStatus.DROPPED, dropped_reason="").count() == 0
    assert actions.filter(status=ActionStatus.DONE, outcome="").count() == 0
    assert actions.filter(closed_at__lte=F("created_at")).count() == 0
    assert actions.filter(created_at__gt=NOW).count() == 0
    # Raised over the period, after what they answer, and recorded so by their first history record.
    assert actions.filter(created_at__lt=datetime(2025, 6, 1, tzinfo=UTC)).exists()
    assert actions.filter(learnings__engagement__started_at__gt=F("created_at")).count() == 0
    history = Action.history.filter(organization=organization, history_type="+")
    assert history.count() == ACTIONS
    assert history.exclude(created_at=F("history_date")).count() == 0
    assert (
        apps.get_model("insights", "HistoricalAction_learnings")
        .objects.filter(history__organization=organization)
        .count()
        == ACTION_LEARNINGS
    )
    # Every piloting action has a pilot; closed ones that were piloted have a verdict, open ones none.
    assert actions.filter(status=ActionStatus.PILOTING, pilot__isnull=True).count() == 0
    pilots = Pilot.objects.filter(organization=organization)
    assert pilots.filter(action__status=ActionStatus.PILOTING).exclude(verdict="").count() == 0
    assert pilots.filter(action__status__in=["done", "dropped"], verdict="").count() == 0
    assert pilots.filter(ends_on__lt=F("starts_on")).count() == 0
    assert Pilot.history.filter(organization=organization).count() == PILOTS


@pytest.mark.django_db
def test_large_seed_scores_are_monthly_per_active_location(pinned_clock):
    _, organization = seed()

    scores = CustomerScore.objects.filter(organization=organization)
    locations = Location.objects.filter(organization=organization, is_active=True).count()
    per_metric = dict(scores.values("metric").annotate(n=Count("id")).values_list("metric", "n"))
    assert per_metric == {
        ScoreMetric.NPS: locations * 18,
        ScoreMetric.CSAT: locations * 18,
        ScoreMetric.CES: locations * 18,
    }
    assert scores.values("period_start").distinct().count() == 18
    assert str(scores.order_by("period_start").first().period_start) == "2024-12-01"
    assert str(scores.order_by("-period_end").first().period_end) == "2026-05-31"


@pytest.mark.django_db
def test_large_seed_twice_adds_nothing(pinned_clock):
    seed()
    before = (
        LearningTheme.objects.count(),
        Action.objects.count(),
        Pilot.objects.count(),
        CustomerScore.objects.count(),
        ThemeMonth.objects.count(),
    )

    output, _ = seed()

    assert output == "Northwind Retail (20 leaders) already exists; nothing changed.\n"
    assert (
        LearningTheme.objects.count(),
        Action.objects.count(),
        Pilot.objects.count(),
        CustomerScore.objects.count(),
        ThemeMonth.objects.count(),
    ) == before
