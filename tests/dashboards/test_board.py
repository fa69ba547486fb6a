"""The board's dashboard: exact figures on hand-built data, who reads it, exports, constant queries."""

import csv
import io
import re
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from html import unescape
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from apps.dashboards import board
from apps.dashboards.board import BoardFilters
from apps.dashboards.tables import plain
from apps.engagements import services as engagement_services
from apps.engagements.models import Engagement, Learning, Participant
from apps.engagements.rollups import rollups_rebuild
from apps.insights import services as insight_services
from apps.insights.models import Action, LearningTheme
from apps.insights.rollups import theme_months_rebuild
from apps.organizations.models import Role
from apps.scheduling import services as schedule_services
from tests.organizations.factories import LocationFactory, MembershipFactory, OrganizationFactory, RegionFactory

pytestmark = pytest.mark.django_db

# Wednesday 20 May 2026, 12:00 UTC: 13:00 in London (the organization's clock, BST), 14:00 in Oslo, 08:00 in New York.
NOW = datetime(2026, 5, 20, 12, 0, tzinfo=UTC)
URL = "/dashboards/board/"
# The whole request: session, user and membership (middleware); the dashboard's 14 on PostgreSQL (the leaders; hours
# by month and kind; three for the targets' standing: who has a target since when, per leader, per month; two for
# coverage; themes; two for the examples: every theme's newest links in one UNION, then their learnings; the loop; two
# for the median; presence with scores) or 16 elsewhere (the examples take one query per theme shown, eight at most,
# and one for the learnings: three themes here); the unread count (base.html) and the form's two menus (regions,
# chiefs of staff).
BOARD_QUERIES = 20 if connection.vendor == "postgresql" else 22  # whatever the region or team


def at(*args):
    return datetime(*args, tzinfo=UTC)


def log(leader, when, minutes, kind="store_visit", location=None, others=(), learnings=()):
    engagement, _ = engagement_services.engagement_create(
        logged_by=leader,
        leader=leader,
        client_uuid=uuid.uuid4(),
        kind=kind,
        started_at=when,
        duration_minutes=minutes,
        location=location,
        other_participants=list(others),
        learnings=[{"kind": "pain_point", "text": text, "quote": quote} for text, quote in learnings],
    )
    return engagement


def theme(org_admin, name):
    return insight_services.theme_create(acting=org_admin, name=name)


def action(world, title, learnings, *, created, closed=None, status=None):
    """An action answering `learnings`, raised at `created` and done (or `status`) at `closed`: the services
    stamp "now", so the dates are set afterwards."""
    admin = world["admin"]
    done = insight_services.action_create(
        acting=admin, title=title, owner=world["leo"], due_on=date(2026, 6, 30), learnings=learnings
    )
    if closed is not None:
        insight_services.action_set_status(
            acting=admin, action=done, status=status or "done", outcome="Customers noticed.", reason="Not needed."
        )
    Action.objects.filter(pk=done.pk).update(created_at=created, closed_at=closed)
    return done


@pytest.fixture
def world(organization, admin_member, monkeypatch):
    """Three executives on three clocks, a chief of staff supporting two of them, two regions, customer time
    around the period edges, themed learnings, the actions and a pilot answering them, and customer scores."""
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    org = organization
    leo = MembershipFactory(organization=org, role=Role.EXECUTIVE, user__full_name="Leo London")
    olga = MembershipFactory(
        organization=org, role=Role.EXECUTIVE, user__full_name="Olga Oslo", user__time_zone="Europe/Oslo"
    )
    nia = MembershipFactory(
        organization=org, role=Role.EXECUTIVE, user__full_name="Nia New York", user__time_zone="America/New_York"
    )
    cleo = MembershipFactory(organization=org, role=Role.CHIEF_OF_STAFF, user__full_name="Cleo Chief")
    cleo.supports.add(leo, olga)
    north = RegionFactory(organization=org, name="North")
    south = RegionFactory(organization=org, name="South")
    leeds = LocationFactory(organization=org, region=north, name="Leeds High Street")
    york = LocationFactory(organization=org, region=north, name="York Minster")
    hull = LocationFactory(organization=org, region=north, name="Hull Docks")
    LocationFactory(organization=org, region=north, name="Old Mill", is_active=False)
    brighton = LocationFactory(organization=org, region=south, name="Brighton Marina")
    dover = LocationFactory(organization=org, region=south, name="Dover Port")
    popup = LocationFactory(organization=org, region=None, name="Pop-up Van")

    # 1 h a month from January; Nia 4.5 h a quarter (1.5 h a month); Olga 1 h a month, only from April.
    schedule_services.target_set(
        organization=org, acting=admin_member, hours=Decimal("1"), period="month", counts_from=date(2026, 1, 1)
    )
    schedule_services.target_set(
        organization=org,
        acting=admin_member,
        hours=Decimal("4.5"),
        period="quarter",
        counts_from=date(2026, 1, 1),
        leader=nia,
    )
    schedule_services.target_set(
        organization=org,
        acting=admin_member,
        hours=Decimal("1"),
        period="month",
        counts_from=date(2026, 4, 1),
        leader=olga,
    )

    # 31 March 22:30 UTC: 23:30 in London, so March for Leo and for Leeds; 00:30 on 1 April in Oslo, so April
    # for Olga, who is credited her own 60 of the 96 minutes.
    shared = log(
        leo,
        at(2026, 3, 31, 22, 30),
        96,
        location=leeds,
        others=[olga],
        learnings=[("Prices on shelves unclear", "Which price is right?")],
    )
    engagement_services.participant_set_minutes(
        participant=Participant.objects.get(engagement=shared, membership=olga), minutes=60, acting=olga
    )
    log(olga, at(2026, 4, 15, 10), 24, kind="customer_call")
    log(olga, at(2026, 5, 5, 9), 120, kind="other")  # not customer-facing
    # 1 May 02:00 UTC: 22:00 on 30 April in New York (April for Nia), 03:00 on 1 May in London.
    log(
        nia,
        at(2026, 5, 1, 2),
        90,
        location=york,
        learnings=[("Queue by the door at opening", "Doors opened late again")],
    )
    log(
        leo,
        at(2026, 5, 18, 9),
        180,
        kind="focus_group",
        location=york,
        learnings=[("Queues at the tills", "I waited twenty minutes"), ("No parking spaces left", "")],
    )
    log(leo, at(2026, 5, 20, 8), 36, kind="customer_call", learnings=[("Wants price matching", "")])
    log(nia, at(2026, 2, 20, 10), 60, location=brighton, learnings=[("Car park full", ""), ("Pricing confusing", "")])
    log(nia, at(2026, 2, 19, 10), 60, location=dover, learnings=[("Parking too far", ""), ("Staff were kind", "")])
    log(olga, at(2026, 4, 20, 10), 40, location=leeds)
    log(nia, at(2025, 11, 30, 23, 30), 30, location=dover, learnings=[("Staff too busy", "")])

    themes = {name: theme(admin_member, name) for name in ("Queues", "Parking", "Pricing", "Staff")}
    learnings = {lg.text: lg for lg in Learning.objects.filter(organization=org)}
    for text, names in {
        "Prices on shelves unclear": ["Pricing", "Queues"],
        "Queue by the door at opening": ["Queues"],
        "Queues at the tills": ["Queues"],
        "No parking spaces left": ["Parking"],
        "Wants price matching": ["Pricing"],
        "Car park full": ["Parking"],
        "Pricing confusing": ["Pricing"],
        "Parking too far": ["Parking"],
        "Staff were kind": ["Staff"],
        "Staff too busy": ["Staff"],
    }.items():
        learning = learnings[text]
        insight_services.learning_themes_set(
            acting=learning.author, learning=learning, themes=[themes[n] for n in names]
        )

    w = {
        "org": org,
        "admin": admin_member,
        "leo": leo,
        "olga": olga,
        "nia": nia,
        "cleo": cleo,
        "north": north,
        "south": south,
        "leeds": leeds,
        "york": york,
        "hull": hull,
        "brighton": brighton,
        "dover": dover,
        "popup": popup,
        "themes": themes,
        "learnings": learnings,
    }
    lg = learnings
    action(
        w,
        "Second till at York",
        [lg["Queues at the tills"], lg["Queue by the door at opening"]],
        created=at(2026, 4, 1, 12),
        closed=at(2026, 4, 11, 12),
    )  # 10 days
    piloted = action(w, "Clearer shelf labels", [lg["Prices on shelves unclear"]], created=at(2026, 4, 2))
    insight_services.pilot_create(
        acting=admin_member,
        action=piloted,
        change="Bigger labels",
        hypothesis="Fewer questions at the till.",
        starts_on=date(2026, 5, 1),
        ends_on=date(2026, 6, 1),
        metric="Questions a day",
    )
    action(
        w,
        "Price match promise",
        [lg["Queues at the tills"], lg["Wants price matching"]],
        created=at(2026, 5, 1),
        closed=at(2026, 5, 5, 14, 24),
    )  # 4.6 days
    action(w, "More parking bays", [lg["Car park full"]], created=at(2026, 2, 1), closed=at(2026, 3, 2))  # 29 days
    action(w, "Staff rota", [lg["Staff were kind"]], created=at(2026, 3, 5), closed=at(2026, 3, 6), status="dropped")
    action(w, "Car park signs", [], created=at(2026, 5, 10), closed=at(2026, 5, 12))  # 2 days
    action(w, "Old idea", [], created=at(2026, 1, 1), closed=at(2026, 2, 28, 12))  # closed before the period

    for location, metric, start, end, value in [
        (leeds, "nps", date(2026, 2, 1), date(2026, 2, 28), "10"),  # ends before the period
        (leeds, "nps", date(2026, 2, 2), date(2026, 3, 1), "60"),  # its last day is the period's first
        (leeds, "nps", date(2026, 3, 1), date(2026, 3, 31), "40"),
        (leeds, "nps", date(2026, 4, 1), date(2026, 4, 30), "50"),
        (york, "nps", date(2026, 4, 1), date(2026, 4, 30), "30"),
        (york, "csat", date(2026, 4, 1), date(2026, 4, 30), "4.2"),
        (brighton, "nps", date(2026, 5, 1), date(2026, 5, 31), "-10"),
        (popup, "nps", date(2026, 3, 1), date(2026, 3, 31), "20"),
        (dover, "nps", date(2025, 12, 1), date(2025, 12, 31), "70"),
    ]:
        insight_services.score_create(
            acting=admin_member,
            location=location,
            metric=metric,
            period_start=start,
            period_end=end,
            value=Decimal(value),
        )
    return w


def built(world, **filters):
    return board.build(organization=world["org"], filters=BoardFilters(**filters), now=NOW)


def table(d, name):
    return next(t for t in d.tables if t.name == name)


def rows(d, name):
    return [[plain(v) for v in row] for row in table(d, name).rows]


def tips(chart):
    return [unescape(tip) for tip in re.findall(r"<title[^>]*>([^<]*)</title>", str(chart))]


def hrefs(chart):
    return [unescape(href) for href in re.findall(r'href="([^"]*)"', str(chart))]


def labels(d, name):
    return [c.label for c in table(d, name).columns]


# --- Hours with customers -------------------------------------------------------------------------------------
def test_hours_per_month_by_kind_per_leader_and_for_all_leaders(world):
    d = built(world, months=3)

    assert d.months == [date(2026, 3, 1), date(2026, 4, 1), date(2026, 5, 1)]
    assert labels(d, "hours-per-month") == [
        "Month",
        "Store visit",
        "Focus group",
        "Customer call",
        "Per leader",
        "All leaders",
    ]
    # Three leaders. March: Leo's 96 min of the shared visit (23:30 in London). April: Olga's own 60 of it (00:30
    # in Oslo) + her 40 at Leeds + Nia's 90 at York (22:00 on 30 April in New York) = 190 store-visit minutes,
    # Olga's 24-minute call. May: Leo's focus group 180 and call 36; Olga's 120 minutes of "other" don't count.
    assert rows(d, "hours-per-month") == [
        ["Mar 2026", 0.5, 0.0, 0.0, 0.5, 1.6],
        ["Apr 2026", 1.1, 0.0, 0.1, 1.2, 3.6],
        ["May 2026", 0.0, 1.0, 0.2, 1.2, 3.6],
    ]


def test_the_charts_show_the_tables_numbers_and_click_through(world):
    d = built(world, months=3)

    assert {name: tips(chart) for name, chart in d.charts.items()} == {
        "hours": [
            "Hours with customers per leader per month",
            "Mar 26 · Store visit: 0.5 h",
            "Apr 26 · Store visit: 1.1 h",
            "Apr 26 · Customer call: 0.1 h",
            "May 26 · Focus group: 1 h",
            "May 26 · Customer call: 0.2 h",
        ],
        "blind_spots": [
            "Longest without a visit (4 not visited for 60 days)",
            "Hull Docks: –",
            "Pop-up Van: –",
            "Dover Port: 90 d",
            "Brighton Marina: 89 d",
        ],
        "themes": ["Most frequent themes", "Queues: 3", "Pricing: 2", "Parking: 1"],
        "loop": [
            "From what we learned to what we did",
            "Learnings: 5 (100% of Learnings)",
            "Answered by an action: 4 (80% of Learnings)",
            "Piloted: 1 (20% of Learnings)",
            "Done: 3 (60% of Learnings)",
        ],
        "presence": [
            "Leader presence and NPS (−100 to 100)",
            "Brighton Marina: Leader hours 0, NPS (−100 to 100) -10",
            "Leeds High Street: Leader hours 3.3, NPS (−100 to 100) 50",
            "Pop-up Van: Leader hours 0, NPS (−100 to 100) 20",
            "York Minster: Leader hours 4.5, NPS (−100 to 100) 30",
        ],
    }
    assert hrefs(d.charts["hours"]) == [
        "/feed/?period=custom&start=2026-03-01&end=2026-03-31&kind=store_visit",
        "/feed/?period=custom&start=2026-04-01&end=2026-04-30&kind=store_visit",
        "/feed/?period=custom&start=2026-04-01&end=2026-04-30&kind=customer_call",
        "/feed/?period=custom&start=2026-05-01&end=2026-05-20&kind=focus_group",
        "/feed/?period=custom&start=2026-05-01&end=2026-05-20&kind=customer_call",
    ]
    w = world
    assert hrefs(d.charts["blind_spots"]) == [
        f"/feed/?location={w[place].pk}" for place in ("hull", "popup", "dover", "brighton")
    ]
    assert hrefs(d.charts["themes"]) == [
        f"/learned/?theme={w['themes'][name].pk}&period=custom&start=2026-03-01&end=2026-05-20"
        for name in ("Queues", "Pricing", "Parking")
    ]
    assert hrefs(d.charts["loop"]) == [
        "/learned/?period=custom&start=2026-03-01",
        "/actions/?tab=all",
        "/pilots/",
        "/actions/?tab=closed",
    ]


def test_the_tables_numbers_click_through_to_the_entries_behind_them(world):
    d = built(world, months=3)
    w = world

    months = table(d, "hours-per-month").rows
    assert [row[-1].href for row in months] == [
        "/feed/?period=custom&start=2026-03-01&end=2026-03-31",
        "/feed/?period=custom&start=2026-04-01&end=2026-04-30",
        "/feed/?period=custom&start=2026-05-01&end=2026-05-20",
    ]
    leo = table(d, "hours-per-leader").rows[0]
    assert (leo[0].href, leo[1].href) == (
        f"/dashboards/me/?leader={w['leo'].pk}",
        f"/feed/?period=custom&start=2026-03-01&end=2026-05-20&leader={w['leo'].pk}",
    )
    assert [row[1].href for row in table(d, "coverage").rows] == ["/feed/?period=30d", "/feed/?period=90d"]
    assert [row[2].href for row in table(d, "rising-themes").rows] == [
        f"/learned/?theme={w['themes'][name].pk}&period=custom&start=2026-03-01&end=2026-05-20"
        for name in ("Queues", "Pricing")
    ]


def test_share_of_leaders_on_target_per_month(world):
    d = built(world, months=3)

    # Targets: Leo 60 min a month; Nia a third of 4.5 h (90 min) a month; Olga 60 min a month from April only.
    # March: Leo 96 (on), Nia 0; April: Leo 0, Olga 124 (on), Nia 90 (on: exactly her third); May: Leo 216 (on).
    assert labels(d, "on-target") == ["Month", "Leaders with a target", "On target", "Share"]
    assert rows(d, "on-target") == [
        ["Mar 2026", 2, 1, 50],
        ["Apr 2026", 3, 2, 67],
        ["May 2026", 3, 1, 33],
    ]
    assert d.summary["on_target_share"] == 33


def test_months_before_any_target_have_no_share(world):
    d = built(world, months=12)

    on_target = rows(d, "on-target")
    assert on_target[:7] == [
        [month, 0, 0, None]
        for month in ("Jun 2025", "Jul 2025", "Aug 2025", "Sep 2025", "Oct 2025", "Nov 2025", "Dec 2025")
    ]
    assert on_target[7:] == [
        ["Jan 2026", 2, 0, 0],
        ["Feb 2026", 2, 1, 50],  # Nia's 120 minutes in February
        ["Mar 2026", 2, 1, 50],
        ["Apr 2026", 3, 2, 67],
        ["May 2026", 3, 1, 33],
    ]


def test_hours_per_leader_over_the_period(world):
    d = built(world, months=3)

    assert labels(d, "hours-per-leader") == ["Leader", "Hours", "Per month", "Months on target"]
    # Leo 96 + 180 + 36 = 312 min; Olga 60 + 40 + 24 = 124; Nia 90. Most hours first.
    assert rows(d, "hours-per-leader") == [
        ["Leo London", 5.2, 1.7, 2],
        ["Olga Oslo", 2.1, 0.7, 1],
        ["Nia New York", 1.5, 0.5, 1],
    ]
    assert d.summary["hours"] == 8.8  # 526 minutes


def test_a_twelve_month_period(world):
    d = built(world, months=12)

    months = rows(d, "hours-per-month")
    assert [row[0] for row in months] == [
        "Jun 2025",
        "Jul 2025",
        "Aug 2025",
        "Sep 2025",
        "Oct 2025",
        "Nov 2025",
        "Dec 2025",
        "Jan 2026",
        "Feb 2026",
        "Mar 2026",
        "Apr 2026",
        "May 2026",
    ]
    assert months[5] == ["Nov 2025", 0.2, 0.0, 0.0, 0.2, 0.5]  # Nia's 30 minutes on 30 November
    assert months[8] == ["Feb 2026", 0.7, 0.0, 0.0, 0.7, 2.0]
    assert rows(d, "hours-per-leader") == [
        ["Leo London", 5.2, 0.4, 2],
        ["Nia New York", 4.0, 0.3, 2],
        ["Olga Oslo", 2.1, 0.2, 1],
    ]
    assert d.summary["hours"] == 11.3  # 676 minutes


# --- Coverage and blind spots ----------------------------------------------------------------------------------
def test_coverage_of_locations_and_regions_in_the_last_30_and_90_days(world):
    d = built(world, months=3)

    # Six active places (Old Mill is closed). Today, 20 May, is day 1: the last 30 days start on 21 April and
    # the last 90 on 20 February. York (1 and 18 May) in both; Leeds (20 April, day 31) and Brighton (20 February,
    # day 90) in the 90 only; Dover (19 February, day 91), Hull and the Pop-up Van (never) in neither.
    assert labels(d, "coverage") == ["In the last", "Locations visited", "Of", "Share", "Regions visited", "Of"]
    assert rows(d, "coverage") == [
        ["30 days", 1, 6, 17, 1, 2],
        ["90 days", 3, 6, 50, 2, 2],
    ]
    assert d.summary["coverage"] == {30: (1, 6, 17), 90: (3, 6, 50)}


@pytest.mark.parametrize(
    ("blind_days", "names"),
    [
        (30, ["Hull Docks", "Pop-up Van", "Dover Port", "Brighton Marina", "Leeds High Street"]),
        (31, ["Hull Docks", "Pop-up Van", "Dover Port", "Brighton Marina"]),
        (89, ["Hull Docks", "Pop-up Van", "Dover Port", "Brighton Marina"]),
        (90, ["Hull Docks", "Pop-up Van", "Dover Port"]),
        (91, ["Hull Docks", "Pop-up Van"]),
    ],
)
def test_blind_spots_are_places_not_visited_for_n_days(world, blind_days, names):
    d = built(world, months=3, blind_days=blind_days)

    assert [row[0] for row in rows(d, "blind-spots")] == names
    assert d.summary["blind_spots"] == len(names)
    assert table(d, "blind-spots").title == f"Blind spots: not visited for {blind_days} days"


def test_blind_spots_never_visited_first_then_longest_ago(world):
    d = built(world, months=3)

    assert labels(d, "blind-spots") == ["Location", "Region", "Last visit", "Days since"]
    assert rows(d, "blind-spots") == [
        ["Hull Docks", "North", None, None],
        ["Pop-up Van", "", None, None],
        ["Dover Port", "South", date(2026, 2, 19), 90],
        ["Brighton Marina", "South", date(2026, 2, 20), 89],
    ]
    assert table(d, "blind-spots").rows[0][0].href == f"/feed/?location={world['hull'].pk}"
    chart = str(d.charts["blind_spots"])
    assert "Longest without a visit (4 not visited for 60 days)" in chart
    assert f'href="/feed/?location={world["dover"].pk}"' in chart


# --- Themes --------------------------------------------------------------------------------------------------
def test_most_frequent_themes_with_the_previous_period_and_the_change(world):
    d = built(world, months=3)

    # March to May against December to February (30 November counts in neither).
    assert labels(d, "themes") == ["Theme", "Learnings", "Previous period", "Change"]
    assert rows(d, "themes") == [
        ["Queues", 3, 0, 3],
        ["Pricing", 2, 1, 1],
        ["Parking", 1, 2, -1],
    ]
    queues = world["themes"]["Queues"].pk
    assert (
        table(d, "themes").rows[0][1].href == f"/learned/?theme={queues}&period=custom&start=2026-03-01&end=2026-05-20"
    )


def test_fastest_rising_themes_and_their_examples(world):
    d = built(world, months=3)

    assert labels(d, "rising-themes") == ["Theme", "More learnings than the previous period", "Learnings"]
    assert rows(d, "rising-themes") == [["Queues", 3, 3], ["Pricing", 1, 2]]
    # The rising themes, then the top three; per theme the latest learnings in the customer's own words.
    assert [(name, [lg.text for lg in found]) for name, found in d.examples] == [
        ("Queues", ["Queues at the tills", "Queue by the door at opening"]),
        ("Pricing", ["Prices on shelves unclear"]),
        ("Parking", []),
    ]


def test_themes_over_six_months(world):
    d = built(world, months=6)

    # December to May against June to November.
    assert rows(d, "themes") == [
        ["Parking", 3, 0, 3],
        ["Pricing", 3, 0, 3],
        ["Queues", 3, 0, 3],
        ["Staff", 1, 1, 0],
    ]
    assert rows(d, "rising-themes") == [["Parking", 3, 3], ["Pricing", 3, 3], ["Queues", 3, 3]]


# --- The closed loop ---------------------------------------------------------------------------------------------
def test_the_closed_loop_and_the_median_days_to_close(world):
    d = built(world, months=3)

    # Five learnings from March to May; four are answered by an action, one of them piloted, three by an action
    # done ("Queues at the tills" counts once though two actions answer it). Done in the period: 2, 4.6, 10 and
    # 29 days (the 29-day one answers a February learning; the one closed on 28 February is out).
    assert labels(d, "loop") == ["Step", "Learnings", "Share"]
    assert rows(d, "loop") == [
        ["Learnings", 5, 100],
        ["Answered by an action", 4, 80],
        ["Piloted", 1, 20],
        ["Done", 3, 60],
        ["Median days from action to done", 7.3, None],
    ]
    assert d.summary["median_days_to_close"] == 7.3
    assert [row[1].href for row in table(d, "loop").rows[:4]] == [
        "/learned/?period=custom&start=2026-03-01",
        "/actions/?tab=all",
        "/pilots/",
        "/actions/?tab=closed",
    ]


# --- Presence and scores -----------------------------------------------------------------------------------------
def test_presence_against_scores_by_location(world):
    d = built(world, months=3)

    # Leeds: 96 + 60 (the shared visit) + 40 minutes; NPS 60 (ends 1 March), 40 and 50 (10 ended in February).
    assert labels(d, "presence-vs-scores") == ["Location", "Leader hours", "Average NPS (−100 to 100)"]
    assert rows(d, "presence-vs-scores") == [
        ["Brighton Marina", 0.0, -10.0],
        ["Leeds High Street", 3.3, 50.0],
        ["Pop-up Van", 0.0, 20.0],
        ["York Minster", 4.5, 30.0],
    ]
    leeds = world["leeds"].pk
    first = table(d, "presence-vs-scores").rows[1]
    assert (first[0].href, first[1].href) == (
        f"/scores/?metric=nps&location={leeds}",
        f"/feed/?period=custom&start=2026-03-01&location={leeds}",
    )


def test_presence_against_scores_by_region(world):
    d = built(world, months=3, by_region=True)

    # North: Leeds 196 + York 270 minutes; each location's average weighs the same: (50 + 30) / 2.
    assert labels(d, "presence-vs-scores") == ["Region", "Leader hours", "Average NPS (−100 to 100)"]
    assert rows(d, "presence-vs-scores") == [
        ["No region", 0.0, 20.0],
        ["North", 7.8, 40.0],
        ["South", 0.0, -10.0],
    ]


def test_presence_against_another_score(world):
    d = built(world, months=3, metric="csat")

    assert labels(d, "presence-vs-scores") == ["Location", "Leader hours", "Average CSAT (1 to 5)"]
    assert rows(d, "presence-vs-scores") == [
        ["Leeds High Street", 3.3, None],
        ["York Minster", 4.5, 4.2],
    ]


# --- Filters -------------------------------------------------------------------------------------------------------
def test_a_region_shows_only_time_and_places_there(world):
    north = world["north"]
    d = built(world, months=3, region=north)

    # Calls have no place: they count for every region together, never for one.
    assert labels(d, "hours-per-month") == ["Month", "Store visit", "Focus group", "Per leader", "All leaders"]
    assert rows(d, "hours-per-month") == [
        ["Mar 2026", 0.5, 0.0, 0.5, 1.6],
        ["Apr 2026", 1.1, 0.0, 1.1, 3.2],
        ["May 2026", 0.0, 1.0, 1.0, 3.0],
    ]
    assert rows(d, "on-target") == [["Mar 2026", 2, 1, 50], ["Apr 2026", 3, 2, 67], ["May 2026", 3, 1, 33]]
    assert rows(d, "hours-per-leader") == [
        ["Leo London", 4.6, 1.5, 2],
        ["Olga Oslo", 1.7, 0.6, 1],
        ["Nia New York", 1.5, 0.5, 1],
    ]
    assert rows(d, "coverage") == [["30 days", 1, 3, 33, 1, 1], ["90 days", 2, 3, 67, 1, 1]]
    assert rows(d, "blind-spots") == [["Hull Docks", "North", None, None]]
    assert rows(d, "themes") == [["Queues", 3, 0, 3], ["Parking", 1, 0, 1], ["Pricing", 1, 0, 1]]
    assert rows(d, "rising-themes") == [["Queues", 3, 3], ["Parking", 1, 1], ["Pricing", 1, 1]]
    assert rows(d, "loop") == [
        ["Learnings", 4, 100],
        ["Answered by an action", 3, 75],
        ["Piloted", 1, 25],
        ["Done", 2, 50],
        ["Median days from action to done", 7.3, None],
    ]
    assert rows(d, "presence-vs-scores") == [["Leeds High Street", 3.3, 50.0], ["York Minster", 4.5, 30.0]]
    assert table(d, "hours-per-month").rows[2][-1].href == (
        f"/feed/?period=custom&start=2026-05-01&end=2026-05-20&region={north.pk}"
    )


def test_a_team_shows_only_the_chief_of_staffs_executives(world):
    d = built(world, months=3, team=world["cleo"])

    assert [leader.display_name for leader in d.leaders] == ["Leo London", "Olga Oslo"]
    assert rows(d, "hours-per-month") == [
        ["Mar 2026", 0.8, 0.0, 0.0, 0.8, 1.6],
        ["Apr 2026", 0.8, 0.0, 0.2, 1.0, 2.1],
        ["May 2026", 0.0, 1.5, 0.3, 1.8, 3.6],
    ]
    assert rows(d, "on-target") == [["Mar 2026", 1, 1, 100], ["Apr 2026", 2, 1, 50], ["May 2026", 2, 1, 50]]
    assert rows(d, "hours-per-leader") == [["Leo London", 5.2, 1.7, 2], ["Olga Oslo", 2.1, 0.7, 1]]
    assert d.summary["hours"] == 7.3  # 436 minutes
    # Their learnings: Nia's "Queue by the door" is not theirs.
    assert rows(d, "loop") == [
        ["Learnings", 4, 100],
        ["Answered by an action", 3, 75],
        ["Piloted", 1, 25],
        ["Done", 2, 50],
        ["Median days from action to done", 7.3, None],
    ]


def test_time_that_is_not_customer_facing_is_not_a_visit(world):
    log(world["olga"], at(2026, 5, 19, 9), 60, kind="other", location=world["hull"])

    d = built(world, months=3)

    assert rows(d, "coverage")[0] == ["30 days", 1, 6, 17, 1, 2]
    assert rows(d, "blind-spots")[0][0] == "Hull Docks"


# --- The page ------------------------------------------------------------------------------------------------------
class TablesReader(HTMLParser):
    """Every table of the page by id: its caption, and its rows of (cell text, link or None)."""

    def __init__(self):
        super().__init__()
        self.tables, self.current, self.cell, self.href, self.caption = {}, None, None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self.current = self.tables.setdefault(attrs.get("id"), {"caption": "", "rows": []})
        elif self.current is not None and tag == "caption":
            self.caption = ""
        elif self.current is not None and tag == "tr":
            self.current["rows"].append([])
        elif self.current is not None and tag in ("th", "td"):
            self.cell, self.href = "", None
        elif self.cell is not None and tag == "a":
            self.href = attrs["href"]

    def handle_endtag(self, tag):
        if tag == "table":
            self.current = None
        elif tag == "caption" and self.caption is not None:
            self.current["caption"], self.caption = " ".join(self.caption.split()), None
        elif self.cell is not None and tag in ("th", "td"):
            self.current["rows"][-1].append((" ".join(self.cell.split()), self.href))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data
        elif self.caption is not None:
            self.caption += data


def page_tables(response):
    reader = TablesReader()
    reader.feed(response.content.decode())
    return reader.tables


@pytest.mark.parametrize("member", ["leo", "cleo", "board", "admin"])
def test_every_member_of_the_organization_reads_the_board(client_for, world, board_member, member):
    reader = board_member if member == "board" else world[member]

    response = client_for(reader).get(URL, {"period": "3m"})

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" class="chart"') == 5
    assert "style=" not in html
    tables = page_tables(response)
    assert [(name, t["caption"]) for name, t in tables.items()] == [
        ("hours-per-month", "Hours per leader per month, by kind"),
        ("on-target", "Share of leaders on target"),
        ("hours-per-leader", "Hours per leader over the period"),
        ("coverage", "Coverage: places visited"),
        ("blind-spots", "Blind spots: not visited for 60 days"),
        ("themes", "Themes: most frequent"),
        ("rising-themes", "Themes: fastest rising"),
        ("loop", "The closed loop"),
        ("presence-vs-scores", "Leader presence and NPS (−100 to 100) by location"),
    ]
    assert [text for text, _ in tables["loop"]["rows"][-1]] == ["Median days from action to done", "7.3", "—"]
    assert [text for text, _ in tables["on-target"]["rows"][1]] == ["Mar 2026", "2", "1", "50 %"]
    assert 'id="summary-hours">8.8 h<' in html
    assert 'id="summary-on-target">33 %<' in html
    assert 'id="summary-coverage">3 of 6<' in html
    assert 'id="summary-median">7.3<' in html
    assert "Queues at the tills" in html and "I waited twenty minutes" in html


def test_anonymous_visitors_log_in_first(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_form_sets_every_choice(client_for, world, board_member):
    query = {
        "period": "6m",
        "region": world["north"].pk,
        "team": world["cleo"].pk,
        "blind_days": "30",
        "metric": "csat",
        "by": "region",
    }

    response = client_for(board_member).get(URL, query)

    d = response.context["d"]
    assert d.filters == BoardFilters(
        months=6, region=world["north"], team=world["cleo"], blind_days=30, metric="csat", by_region=True
    )
    expected = built(world, **vars(d.filters))
    assert [(t.name, t.title, t.rows) for t in d.tables] == [(t.name, t.title, t.rows) for t in expected.tables]
    html = response.content.decode()
    assert "Cleo Chief&#x27;s executives" in html and " · North · " in html


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"period": "6m", "team": "cleo", "metric": "csat", "by": "region"},
        {"region": "nowhere", "team": "-1", "blind_days": "3", "period": "<script>"},
    ],
)
def test_the_filter_selects_render_exactly_as_django_renders_them(world, data):
    from django.test.html import parse_html

    from apps.dashboards.forms import BoardFilterForm
    from apps.dashboards.templatetags.dashboards import select_field
    from apps.organizations import selectors as org_selectors

    if data and data.get("team") == "cleo":
        data = {**data, "team": str(world["cleo"].pk)}
    organization = world["org"].pk
    form = BoardFilterForm(
        data,
        regions=org_selectors.region_list(organization=organization),
        chiefs=org_selectors.chiefs_of_staff(organization=organization),
    )
    if data:
        assert form.is_valid() == (data.get("region") != "nowhere")

    for field in form:
        assert parse_html(str(select_field(field))) == parse_html(str(field)), field.name
    # The light menus show the rows and labels the model fields would.
    for name in ("region", "team"):
        field = form.fields[name]
        assert list(field.choices) == [("", field.empty_label)] + [
            (obj.pk, field.label_from_instance(obj)) for obj in field.queryset
        ]
    if data and data["period"] == "6m":  # not vacuous: the choices made are the ones selected
        assert f'<option value="{world["cleo"].pk}" selected>' in str(select_field(form["team"]))
        assert '<option value="6m" selected>Last 6 months</option>' in str(select_field(form["period"]))


def test_no_choice_means_the_last_twelve_months_of_everyone(client_for, world, board_member):
    d = client_for(board_member).get(URL).context["d"]

    assert d.filters == BoardFilters()
    assert (d.months[0], d.months[-1], len(d.leaders)) == (date(2025, 6, 1), date(2026, 5, 1), 3)


@pytest.fixture
def elsewhere(world):
    """Another organization with its own region, place, executive, chief of staff, theme, time and scores."""
    other = OrganizationFactory(name="Elsewhere Ltd")
    admin = MembershipFactory(organization=other, role=Role.ADMIN)
    eve = MembershipFactory(organization=other, role=Role.EXECUTIVE, user__full_name="Eve Elsewhere")
    chief = MembershipFactory(organization=other, role=Role.CHIEF_OF_STAFF, user__full_name="Carl Elsewhere")
    chief.supports.add(eve)
    region = RegionFactory(organization=other, name="Elsewhere Region")
    store = LocationFactory(organization=other, region=region, name="Elsewhere Store")
    log(eve, at(2026, 5, 10, 9), 300, location=store, learnings=[("Elsewhere learning", "Elsewhere words")])
    learning = Learning.objects.get(organization=other)
    insight_services.learning_themes_set(
        acting=eve, learning=learning, themes=[theme(admin, "Elsewhere Theme"), theme(admin, "Queues")]
    )
    insight_services.score_create(
        acting=admin,
        location=store,
        metric="nps",
        period_start=date(2026, 4, 1),
        period_end=date(2026, 4, 30),
        value=Decimal("99"),
    )
    schedule_services.target_set(
        organization=other, acting=admin, hours=Decimal("2"), period="month", counts_from=date(2025, 1, 1)
    )
    return {
        "org": other,
        "eve": eve,
        "chief": chief,
        "region": region,
        "board": MembershipFactory(organization=other, role=Role.BOARD),
    }


def test_another_organizations_region_or_team_is_refused(client_for, world, elsewhere, board_member):
    client = client_for(board_member)

    response = client.get(URL, {"period": "3m", "region": elsewhere["region"].pk, "team": elsewhere["chief"].pk})

    assert response.status_code == 200
    form = response.context["form"]
    assert sorted(form.errors) == ["region", "team"]
    assert response.context["d"].filters == BoardFilters()
    html = response.content.decode()
    assert "Elsewhere" not in html
    csv_text = client.get(URL, {"region": elsewhere["region"].pk, "format": "csv"}).content.decode("utf-8-sig")
    assert "Elsewhere" not in csv_text


def test_no_other_organizations_data_appears(client_for, world, elsewhere, board_member):
    ours = client_for(board_member).get(URL, {"period": "3m"})

    assert "Elsewhere" not in ours.content.decode()
    d = ours.context["d"]
    assert rows(d, "hours-per-month")[-1] == ["May 2026", 0.0, 1.0, 0.2, 1.2, 3.6]
    assert rows(d, "themes")[0] == ["Queues", 3, 0, 3]
    assert rows(d, "coverage") == [["30 days", 1, 6, 17, 1, 2], ["90 days", 3, 6, 50, 2, 2]]

    theirs = client_for(elsewhere["board"]).get(URL, {"period": "3m"})
    html = theirs.content.decode()
    for name in ("Leo London", "Olga Oslo", "Nia New York", "Cleo Chief", "Leeds", "York", "North", "Pricing"):
        assert name not in html
    d = theirs.context["d"]
    assert rows(d, "hours-per-leader") == [["Eve Elsewhere", 5.0, 1.7, 1]]
    assert rows(d, "themes") == [["Elsewhere Theme", 1, 0, 1], ["Queues", 1, 0, 1]]
    assert rows(d, "loop")[0] == ["Learnings", 1, 100]
    assert rows(d, "presence-vs-scores") == [["Elsewhere Store", 5.0, 99.0]]


# --- Exports -----------------------------------------------------------------------------------------------------
def xlsx_value(text, kind):
    """What an XLSX cell holds for a page cell showing `text`."""
    if text == "—":
        return None
    if kind in ("int", "percent"):
        return int(text.removesuffix(" %"))
    if kind in ("hours", "number"):
        return float(text)
    if kind == "date":
        return datetime.fromisoformat(text)
    return text or None


def test_csv_and_xlsx_hold_exactly_the_pages_tables(client_for, world, board_member):
    client = client_for(board_member)
    query = {"period": "3m", "blind_days": "30"}
    page = client.get(URL, query)
    csv_response = client.get(URL, {**query, "format": "csv"})
    xlsx_response = client.get(URL, {**query, "format": "xlsx"})

    shown = page_tables(page)
    tables = page.context["d"].tables
    assert list(shown) == [t.name for t in tables]
    assert csv_response["Content-Disposition"] == 'attachment; filename="board-2026-05-20.csv"'
    assert xlsx_response["Content-Disposition"] == 'attachment; filename="board-2026-05-20.xlsx"'

    expected_csv = []
    for t in tables:
        header, *body = shown[t.name]["rows"]
        assert [text for text, _ in header] == [c.label for c in t.columns]
        assert len(body) == len(t.rows) > 0
        expected_csv += [
            [t.title],
            [text for text, _ in header],
            *[[text.removesuffix(" %").replace("—", "") for text, _ in row] for row in body],
            [],
        ]
    assert list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig")))) == expected_csv

    book = load_workbook(io.BytesIO(xlsx_response.content))
    # Each table names its own sheet: a title cut to 31 characters reads as a fragment.
    assert book.sheetnames == [
        "Hours by month",
        "On target",
        "Hours by leader",
        "Coverage",
        "Blind spots",
        "Top themes",
        "Rising themes",
        "Closed loop",
        "Presence and scores",
    ]
    assert len(book.worksheets) == len(tables)
    for sheet, t in zip(book.worksheets, tables, strict=True):
        header, *body = shown[t.name]["rows"]
        cells = list(sheet.iter_rows())
        assert [c.value for c in cells[0]] == [text for text, _ in header]
        assert [[c.value for c in row] for row in cells[1:]] == [
            [xlsx_value(text, column.kind) for (text, _), column in zip(row, t.columns, strict=True)] for row in body
        ]
        assert [[c.hyperlink.target if c.hyperlink else None for c in row] for row in cells[1:]] == [
            [f"http://testserver{href}" if href else None for _, href in row] for row in body
        ]
    assert book.worksheets[4]["A6"].value == "Leeds High Street"  # a 30-day blind spot: the filters apply


# --- Constant query count ------------------------------------------------------------------------------------------
def bulk_world(organization, admin, count):
    """Six executives on four clocks, four places, three themes, an action, scores; then `count` engagements
    inserted in bulk over the last year (every fifth one shared; the first three and every tenth with a themed
    learning) and the rollups rebuilt."""
    leaders = [
        MembershipFactory(organization=organization, role=Role.EXECUTIVE, user__time_zone=zone)
        for zone in ("Europe/Oslo", "America/New_York", "", "Asia/Tokyo", "UTC", "")
    ]
    chief = MembershipFactory(organization=organization, role=Role.CHIEF_OF_STAFF)
    chief.supports.add(*leaders[:3])
    north, south = RegionFactory(organization=organization), RegionFactory(organization=organization)
    places = [
        LocationFactory(organization=organization, region=north),
        LocationFactory(organization=organization, region=north),
        LocationFactory(organization=organization, region=south),
        LocationFactory(organization=organization, region=None),
        None,
    ]
    schedule_services.target_set(
        organization=organization, acting=admin, hours=Decimal("8"), period="month", counts_from=date(2025, 1, 1)
    )
    themes = [theme(admin, name) for name in ("Queues", "Parking", "Pricing")]
    for place in places[:4]:
        insight_services.score_create(
            acting=admin,
            location=place,
            metric="nps",
            period_start=date(2026, 4, 1),
            period_end=date(2026, 4, 30),
            value=Decimal("30"),
        )
    kinds = ("store_visit", "focus_group", "customer_call", "other")
    engagements = Engagement.objects.bulk_create(
        [
            Engagement(
                organization=organization,
                client_uuid=uuid.uuid4(),
                kind=kinds[i % 4],
                location=places[i % 5],
                started_at=NOW - timedelta(hours=4 * i + 1),
                duration_minutes=30,
                leader=leaders[i % 6],
                logged_by=leaders[i % 6],
            )
            for i in range(count)
        ],
        batch_size=1000,
    )
    Participant.objects.bulk_create(
        [
            Participant(
                organization=organization,
                engagement=e,
                membership=leaders[i % 6],
                minutes=30,
                started_at=e.started_at,
                kind=e.kind,
            )
            for i, e in enumerate(engagements)
        ]
        + [
            Participant(
                organization=organization,
                engagement=e,
                membership=leaders[(i + 1) % 6],
                minutes=20,
                started_at=e.started_at,
                kind=e.kind,
            )
            for i, e in enumerate(engagements)
            if i % 5 == 0
        ],
        batch_size=1000,
    )
    learnings = Learning.objects.bulk_create(
        [
            Learning(organization=organization, engagement=e, author=e.leader, text=f"Learning {i}", quote="Said so")
            for i, e in enumerate(engagements)
            if i % 10 == 0 or i < 3
        ],
        batch_size=1000,
    )
    LearningTheme.objects.bulk_create(
        [LearningTheme(organization=organization, learning=lg, theme=themes[i % 3]) for i, lg in enumerate(learnings)],
        batch_size=1000,
    )
    answered = insight_services.action_create(
        acting=admin, title="Answer", owner=leaders[0], due_on=date(2026, 6, 30), learnings=learnings[:3]
    )
    insight_services.action_set_status(acting=admin, action=answered, status="done", outcome="Done.")
    rollups_rebuild(organization=organization)
    theme_months_rebuild(organization=organization)


@pytest.mark.parametrize("engagements", [10, 2000])
def test_the_query_count_is_the_same_whatever_the_data(
    client_for, organization, admin_member, board_member, monkeypatch, engagements, django_assert_max_num_queries
):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    bulk_world(organization, admin_member, engagements)
    client = client_for(board_member)

    client.get(URL)

    with django_assert_max_num_queries(BOARD_QUERIES) as page:
        response = client.get(URL)
    with django_assert_max_num_queries(BOARD_QUERIES) as export:
        exported = client.get(URL, {"format": "xlsx"})

    assert (response.status_code, exported.status_code) == (200, 200)
    assert sorted(name for name, _ in response.context["d"].examples) == ["Parking", "Pricing", "Queues"]
    minutes = sum(30 + (20 if i % 5 == 0 else 0) for i in range(engagements) if i % 4 != 3)  # "other" is i % 4 == 3
    assert response.context["d"].summary["hours"] == round(minutes / 60, 1)
    assert (len(page), len(export)) == (BOARD_QUERIES, BOARD_QUERIES - 3)  # no unread count, no form menus
