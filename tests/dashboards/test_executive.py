"""The executive's dashboard: exact figures on hand-built data, who may see whom, exports, constant queries."""

import csv
import io
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from apps.dashboards import executive
from apps.dashboards.exports import format_value
from apps.dashboards.tables import plain
from apps.engagements import services as engagement_services
from apps.engagements.models import Engagement, Participant
from apps.engagements.rollups import rollups_rebuild
from apps.organizations.models import Role
from apps.scheduling import services as schedule_services
from tests.insights.factories import ActionFactory
from tests.organizations.factories import LocationFactory, MembershipFactory, OrganizationFactory
from tests.scheduling.factories import PlanFactory, SessionFactory

pytestmark = pytest.mark.django_db

# Wednesday 20 May 2026, 12:00 UTC (14:00 in Oslo).
NOW = datetime(2026, 5, 20, 12, 0, tzinfo=UTC)
URL = reverse("dashboards:executive")


@pytest.fixture
def leader(organization):
    return MembershipFactory(
        organization=organization, role=Role.EXECUTIVE, user__full_name="Olga Oslo", user__time_zone="Europe/Oslo"
    )


@pytest.fixture
def peer(organization):
    return MembershipFactory(organization=organization, role=Role.EXECUTIVE, user__full_name="Pat Peer")


def log(leader, when, minutes, kind="store_visit", others=(), learnings=()):
    engagement, _ = engagement_services.engagement_create(
        logged_by=leader,
        leader=leader,
        client_uuid=uuid.uuid4(),
        kind=kind,
        started_at=when,
        duration_minutes=minutes,
        location=LocationFactory(organization=leader.organization) if kind == "store_visit" else None,
        other_participants=list(others),
        learnings=[{"kind": "idea", "text": t} for t in learnings],
    )
    return engagement


@pytest.fixture
def history(leader, peer, admin_member, organization, monkeypatch):
    """Hand-built customer time around the period edges on Olga's clock (Oslo, UTC+2 in May)."""
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    schedule_services.target_set(
        organization=organization,
        acting=admin_member,
        hours=Decimal("10"),
        period="month",
        counts_from=date(2026, 3, 1),
    )
    log(leader, datetime(2026, 3, 31, 22, 30, tzinfo=UTC), 120)  # 1 April 00:30 in Oslo: April, Q2
    log(leader, datetime(2026, 3, 31, 21, 30, tzinfo=UTC), 60)  # 31 March 23:30 in Oslo: March, Q1
    log(leader, datetime(2026, 5, 17, 21, 59, tzinfo=UTC), 45)  # Sunday 17 May 23:59 in Oslo: last week
    log(
        leader, datetime(2026, 5, 17, 22, 0, tzinfo=UTC), 30, kind="customer_call", learnings=["Tills slow"]
    )  # Mon 00:00
    log(leader, datetime(2026, 5, 19, 9, 0, tzinfo=UTC), 500, kind="other")  # not customer-facing
    log(peer, datetime(2026, 5, 19, 9, 0, tzinfo=UTC), 90, kind="focus_group", others=[leader], learnings=["Queues"])
    log(leader, datetime(2026, 5, 10, 9, 0, tzinfo=UTC), 20, kind="customer_call")  # week of 4 May
    return leader


def test_totals_are_cut_on_the_leaders_clock_and_count_customer_facing_time_only(history):
    d = executive.build(leader=history, now=NOW)

    # week from Monday 18 May: call 30 + shared focus group 90; month adds 45 (17 May) and 20 (10 May)
    assert d.totals == {"week": 120, "month": 185, "quarter": 305}


def test_target_balance_and_streak(history):
    d = executive.build(leader=history, now=NOW)

    # March 60 (-540), April 120 (-480), May so far 185 of 600
    assert (d.status["actual_minutes"], d.status["carried_minutes"], d.status["balance_minutes"]) == (185, -1020, -1435)
    # weeks of 18 May, 11 May (17th), 4 May (10th): three in a row; the week of 27 April has nothing
    assert d.streak_weeks == 3


@pytest.mark.parametrize(
    ("weeks", "today", "expected"),
    [
        ([], date(2026, 5, 20), 0),
        ([date(2026, 5, 18)], date(2026, 5, 20), 1),
        ([date(2026, 5, 11), date(2026, 5, 4)], date(2026, 5, 20), 2),  # this week still empty: counts to last
        ([date(2026, 5, 18), date(2026, 5, 4)], date(2026, 5, 20), 1),  # a gap ends it
        ([date(2026, 5, 4)], date(2026, 5, 20), 0),
    ],
)
def test_streak(weeks, today, expected):
    assert executive.streak(weeks, today) == expected


def table(d, name):
    return next(t for t in d.tables if t.name == name)


def test_tables_hold_the_monthly_hours_by_kind_and_the_quarter_split(history):
    d = executive.build(leader=history, now=NOW)

    months = table(d, "hours-per-month")
    assert [c.label for c in months.columns] == ["Month", "Store visit", "Focus group", "Customer call", "Total"]
    assert [[plain(v) for v in row] for row in months.rows[-3:]] == [
        ["Mar 2026", 1.0, 0.0, 0.0, 1.0],
        ["Apr 2026", 2.0, 0.0, 0.0, 2.0],
        ["May 2026", 0.8, 1.5, 0.8, 3.1],
    ]
    assert len(months.rows) == 12
    split = table(d, "split-by-kind")
    assert [[plain(v) for v in row] for row in split.rows] == [
        ["Store visit", 2.8, 54],
        ["Focus group", 1.5, 30],
        ["Customer call", 0.8, 16],
    ]
    target = table(d, "against-target")
    assert [[plain(v) for v in row] for row in target.rows] == [
        ["This week", 2.0, 2.3, None, None],  # a week's share of 10 h a month: 10 x 12 / 52
        ["This month", 3.1, 10.0, -23.9, "no"],
        ["This quarter", 5.1, 30.0, None, None],
    ]


def test_numbers_click_through_to_the_entries_behind_them(history):
    d = executive.build(leader=history, now=NOW)

    may = table(d, "hours-per-month").rows[-1]
    assert may[1].href == f"/feed/?leader={history.pk}&period=custom&start=2026-05-01&end=2026-05-20&kind=store_visit"
    assert may[-1].href == f"/feed/?leader={history.pk}&period=custom&start=2026-05-01&end=2026-05-20"


def test_page_shows_the_figures_the_charts_and_the_lists(client_for, history, organization):
    plan = PlanFactory(organization=organization, leader=history, title="Monday walk")
    SessionFactory(plan=plan, starts_at=NOW + timedelta(days=2), occurrence_date=date(2026, 5, 22))
    ActionFactory(organization=organization, owner=history, title="Second till")

    response = client_for(history).get(URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["own"] is True
    assert 'id="week-total">2 h<' in html
    assert "Streak: <strong>3 weeks</strong>" in html
    assert html.count('role="img"') == 2  # the two charts
    assert 'id="hours-per-month"' in html and 'id="split-by-kind"' in html
    assert ("Monday walk" in html, "Second till" in html, "Tills slow" in html) == (True, True, True)


def test_csv_and_xlsx_hold_exactly_the_pages_tables(client_for, history):
    client = client_for(history)
    page = client.get(URL).context["d"]

    rows = list(csv.reader(io.StringIO(client.get(URL, {"format": "csv"}).content.decode("utf-8-sig"))))
    book = load_workbook(io.BytesIO(client.get(URL, {"format": "xlsx"}).content))

    titles = [t.title for t in page.tables]
    assert [row[0] for row in rows if row and row[0] in titles] == titles
    may_csv = next(row for row in rows if row and row[0] == "May 2026")
    months = table(page, "hours-per-month")
    assert may_csv == [
        "May 2026",
        *[format_value(v, c.kind, for_csv=True) for v, c in zip(months.rows[-1][1:], months.columns[1:], strict=True)],
    ]
    sheet = book["Hours with customers per month"]  # cut after a whole word
    assert [cell.value for cell in sheet[sheet.max_row]] == ["May 2026", 0.8, 1.5, 0.8, 3.1]


# --- Who sees whose dashboard --------------------------------------------------------------------------
def test_an_executive_sees_only_their_own(client_for, leader, peer):
    client = client_for(leader)

    assert client.get(URL, {"leader": peer.pk}).status_code == 404
    assert client.get(URL, {"leader": "x"}).status_code == 404
    assert client.get(URL, {"leader": leader.pk}).context["d"].leader == leader


def test_a_chief_of_staff_sees_the_executives_they_support(client_for, organization, executive, peer):
    chief = MembershipFactory(organization=organization, role=Role.CHIEF_OF_STAFF)
    chief.supports.add(executive)
    client = client_for(chief)

    assert client.get(URL).context["d"].leader == executive  # the first they support
    assert client.get(URL, {"leader": executive.pk}).status_code == 200
    assert client.get(URL, {"leader": peer.pk}).status_code == 404


def test_a_chief_of_staff_supporting_nobody_goes_to_the_team_page(client_for, organization):
    chief = MembershipFactory(organization=organization, role=Role.CHIEF_OF_STAFF)

    response = client_for(chief).get(URL)

    assert response.status_code == 302
    assert response["Location"] == reverse("dashboards:team")


@pytest.mark.parametrize("role", [Role.BOARD, Role.ADMIN])
def test_board_and_admins_read_any_executive_of_their_organization(client_for, organization, leader, role):
    reader = MembershipFactory(organization=organization, role=role)
    client = client_for(reader)

    response = client.get(URL, {"leader": leader.pk})

    assert response.status_code == 200
    assert [e.pk for e in response.context["switch"]] == [leader.pk]


def test_another_organizations_executive_answers_404_to_everyone(client_for, leader):
    outsider_org = OrganizationFactory()
    for role in (Role.EXECUTIVE, Role.CHIEF_OF_STAFF, Role.BOARD, Role.ADMIN):
        member = MembershipFactory(organization=outsider_org, role=role)
        response = client_for(member).get(URL, {"leader": leader.pk})
        assert response.status_code == 404
        assert "Olga Oslo" not in response.content.decode()


# --- Constant queries -----------------------------------------------------------------------------------
def _bulk_history(leader, count):
    """`count` engagements spread over the last 18 months, inserted in bulk, then the rollups rebuilt."""
    engagements = [
        Engagement(
            organization=leader.organization,
            client_uuid=uuid.uuid4(),
            kind=("store_visit", "customer_call", "focus_group")[i % 3],
            started_at=NOW - timedelta(hours=7 * i + 1),
            duration_minutes=30,
            leader=leader,
            logged_by=leader,
        )
        for i in range(count)
    ]
    Engagement.objects.bulk_create(engagements, batch_size=1000)
    Participant.objects.bulk_create(
        [
            Participant(
                organization=leader.organization,
                engagement=e,
                membership=leader,
                minutes=30,
                started_at=e.started_at,
                kind=e.kind,
            )
            for e in engagements
        ],
        batch_size=1000,
    )
    rollups_rebuild(organization=leader.organization)


def with_target(leader, admin_member):
    """A default target, so the page reads the target's months too (as it does in a real organization)."""
    schedule_services.target_set(
        organization=leader.organization,
        acting=admin_member,
        hours=Decimal("10"),
        period="month",
        counts_from=date(2026, 1, 1),
    )


def test_the_page_takes_the_same_queries_at_10_and_2000_engagements(client_for, leader, admin_member, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    with_target(leader, admin_member)
    client = client_for(leader)
    counts = []
    for total in (10, 2000):
        Engagement.objects.filter(organization=leader.organization).delete()
        _bulk_history(leader, total)
        client.get(URL)  # warm the session
        with CaptureQueriesContext(connection) as queries:
            response = client.get(URL)
        assert response.status_code == 200
        counts.append(len(queries))

    assert counts == [EXECUTIVE_QUERIES, EXECUTIVE_QUERIES]


def test_the_query_count_is_pinned(client_for, leader, admin_member, monkeypatch, django_assert_max_num_queries):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    with_target(leader, admin_member)
    _bulk_history(leader, 10)
    client = client_for(leader)
    client.get(URL)

    with django_assert_max_num_queries(EXECUTIVE_QUERIES):
        response = client.get(URL)

    assert response.status_code == 200  # a page that failed early would run fewer queries


EXECUTIVE_QUERIES = 12  # the whole request: session, login, membership and bell included; the target and its months


@pytest.mark.parametrize(
    ("period", "minutes", "expected"),
    [
        ("month", 520, {"week": 120, "month": 520, "quarter": 1560}),
        ("quarter", 1560, {"week": 120, "month": 520, "quarter": 1560}),
    ],
)
def test_period_targets_share_the_target_between_week_month_and_quarter(period, minutes, expected):
    shares = executive.period_targets({"period": period, "target_minutes": minutes})

    assert {name: round(value) for name, value in shares.items()} == expected
    assert executive.period_targets(None) == {}
