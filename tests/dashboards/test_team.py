"""The chief-of-staff dashboard: one row per supported executive, sortable, exported exactly as shown."""

import csv
import io
import re
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from apps.dashboards.team import team_dashboard
from apps.engagements.models import Engagement, Participant
from apps.engagements.rollups import rollups_rebuild
from apps.engagements.services import engagement_create
from apps.insights.models import ActionStatus
from apps.organizations import selectors as org_selectors
from apps.scheduling.models import SessionStatus
from apps.scheduling.services import target_set
from tests.insights.factories import ActionFactory
from tests.organizations.factories import LocationFactory, MembershipFactory, OrganizationFactory
from tests.scheduling.factories import PlanFactory, SessionFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
URL = "/dashboards/team/"
# The whole page: session, user and membership (middleware), the unread count (base.html), then the dashboard's
# five: executives with session counts, targets, monthly rollups, last contacts, action counts.
PAGE_QUERIES = 9


def log(logged_by, leader, when, minutes, kind="store_visit", others=(), location=None):
    if location is None and kind == "store_visit":
        location = LocationFactory(organization=leader.organization)
    engagement, _ = engagement_create(
        logged_by=logged_by,
        leader=leader,
        client_uuid=uuid.uuid4(),
        kind=kind,
        started_at=when,
        duration_minutes=minutes,
        location=location,
        other_participants=others,
    )
    return engagement


def session(leader, starts_at, status=SessionStatus.PLANNED):
    plan = PlanFactory(organization=leader.organization, leader=leader)
    return SessionFactory(plan=plan, starts_at=starts_at, status=status)


@pytest.fixture
def team(organization, admin_member):
    """A chief of staff supporting three executives (one on Oslo's clock, one on their own quarterly target),
    and a fourth executive of the organization they don't support."""
    leo = MembershipFactory(organization=organization, role="executive", user__full_name="Leo London")
    olga = MembershipFactory(
        organization=organization, role="executive", user__full_name="Olga Oslo", user__time_zone="Europe/Oslo"
    )
    quinn = MembershipFactory(organization=organization, role="executive", user__full_name="Quinn Quarter")
    una = MembershipFactory(organization=organization, role="executive", user__full_name="Una Unsupported")
    chief = MembershipFactory(organization=organization, role="chief_of_staff", user__full_name="Cleo Chief")
    chief.supports.add(leo, olga, quinn)
    target_set(
        organization=organization,
        acting=admin_member,
        hours=Decimal("10"),
        period="month",
        counts_from=date(2026, 10, 1),
    )
    target_set(
        organization=organization,
        acting=admin_member,
        hours=Decimal("30"),
        period="quarter",
        counts_from=date(2026, 7, 1),
        leader=quinn,
    )
    # 23:30 on 31 October in London is already 00:30 on 1 November in Oslo: October for Leo, November for Olga,
    # and both are credited their 60 minutes.
    log(chief, leo, datetime(2026, 10, 31, 23, 30, tzinfo=UTC), 60, others=[olga])
    log(olga, olga, datetime(2026, 10, 15, 10, tzinfo=UTC), 30)
    log(olga, olga, datetime(2026, 11, 10, 10, tzinfo=UTC), 120, kind="other")  # not customer-facing
    log(leo, leo, datetime(2026, 11, 12, 10, tzinfo=UTC), 90, kind="customer_call")
    log(quinn, quinn, datetime(2026, 8, 10, 9, tzinfo=UTC), 600)
    log(quinn, quinn, datetime(2026, 11, 3, 9, tzinfo=UTC), 120)
    log(una, una, datetime(2026, 11, 4, 9, tzinfo=UTC), 45)

    session(leo, NOW - timedelta(days=5), SessionStatus.MISSED)
    session(leo, NOW - timedelta(days=3))  # ended, still planned: not logged
    session(leo, NOW - timedelta(days=2))
    session(quinn, NOW - timedelta(days=10), SessionStatus.MISSED)
    session(quinn, NOW - timedelta(days=20), SessionStatus.MISSED)
    session(olga, NOW - timedelta(days=40), SessionStatus.MISSED)  # too long ago to count
    session(olga, NOW + timedelta(days=3))
    session(olga, NOW + timedelta(days=20))  # beyond the next 14 days

    today = NOW.date()
    ActionFactory(organization=organization, owner=olga, due_on=today - timedelta(days=1))
    ActionFactory(organization=organization, owner=olga, due_on=today + timedelta(days=5))
    ActionFactory(organization=organization, owner=olga, status=ActionStatus.DONE, closed_at=NOW)
    ActionFactory(organization=organization, owner=quinn, due_on=today + timedelta(days=1))
    ActionFactory(organization=organization, owner=una, due_on=today - timedelta(days=3))
    return {"chief": chief, "leo": leo, "olga": olga, "quinn": quinn, "una": una}


def built(team, sort=None, now=NOW):
    chief = team["chief"]
    return team_dashboard(
        organization=chief.organization_id,
        leaders=org_selectors.leaders_for(membership=chief),
        sort=sort,
        now=now,
    )


def plain_rows(table):
    return [[getattr(value, "value", value) for value in row] for row in table.rows]


# --- The numbers ---------------------------------------------------------------------------------------------
def test_rows_carry_each_executives_figures_on_their_own_clock(team):
    dashboard = built(team)

    leo, olga, quinn = team["leo"].pk, team["olga"].pk, team["quinn"].pk
    assert [column.label for column in dashboard.table.columns] == [
        "Executive",
        "Period",
        "This period (h)",
        "Target (h)",
        "%\u00a0of target",
        "Balance (h)",
        "Last customer contact",
        "Missed (30 days)",
        "Not logged (30 days)",
        "Coming (14 days)",
        "Open actions",
        "Overdue actions",
        "On target this month",
    ]
    # Most behind first. Quinn: Q3 600 of 1800 min, Q4 120. Olga: October 30, November 60 (the shared visit; the
    # "other" entry does not count). Leo: October 60 (the shared visit, on his clock), November 90.
    assert plain_rows(dashboard.table) == [
        ["Quinn Quarter", "Q4 2026", 2.0, 30.0, 7, -48.0, date(2026, 11, 3), 2, 0, 0, 1, 0, "no"],
        ["Olga Oslo", "Nov 2026", 1.0, 10.0, 10, -18.5, date(2026, 11, 1), 0, 0, 1, 2, 1, "no"],
        ["Leo London", "Nov 2026", 1.5, 10.0, 15, -17.5, date(2026, 11, 12), 1, 2, 0, 0, 0, "no"],
    ]
    links = [[getattr(value, "href", None) for value in row] for row in dashboard.table.rows]
    assert links[1] == [
        f"/dashboards/me/?leader={olga}",
        None,
        f"/feed/?leader={olga}&period=custom&start=2026-11-01&end=2026-11-30",
        None,
        None,
        None,
        f"/feed/?leader={olga}",
        f"/schedule/?leader={olga}",
        f"/schedule/?leader={olga}",
        f"/schedule/?leader={olga}",
        f"/actions/?tab=open&owner={olga}",
        f"/actions/?tab=overdue&owner={olga}",
        None,
    ]
    assert links[0][2] == f"/feed/?leader={quinn}&period=custom&start=2026-10-01&end=2026-12-31"
    assert links[2][0] == f"/dashboards/me/?leader={leo}"


def test_the_month_edge_follows_the_executives_clock(team):
    # At 23:45 UTC on 31 October it is already November in Oslo but still October in London.
    dashboard = built(team, sort="name", now=datetime(2026, 10, 31, 23, 45, tzinfo=UTC))

    rows = {row[0]: row[1:6] for row in plain_rows(dashboard.table)}
    assert rows["Olga Oslo"] == ["Nov 2026", 1.0, 10.0, 10, -18.5]  # 30 - 600 carried from October, + 60 - 600
    assert rows["Leo London"] == ["Oct 2026", 1.0, 10.0, 10, -9.0]  # nothing carried: October is his first month


def test_the_chart_shows_the_same_numbers_in_the_same_order(team):
    chart = str(built(team).chart)

    assert "<title" in chart and "This period vs target" in chart
    tips = re.findall(r"<title>([^<]*\(Target[^<]*)</title>", chart)
    assert tips == [
        "Quinn Quarter: 2 h (Target: 30 h)",
        "Olga Oslo: 1 h (Target: 10 h)",
        "Leo London: 1.5 h (Target: 10 h)",
    ]
    assert f'href="/dashboards/me/?leader={team["olga"].pk}"' in chart


def test_no_target_leaves_the_period_figures_empty_and_last(organization):
    chief = MembershipFactory(organization=organization, role="chief_of_staff")
    admin = MembershipFactory(organization=organization, role="admin")
    aimed = MembershipFactory(organization=organization, role="executive", user__full_name="Ann Aimed")
    free = MembershipFactory(organization=organization, role="executive", user__full_name="Bob Free")
    chief.supports.add(aimed, free)
    target_set(
        organization=organization,
        acting=admin,
        hours=Decimal("5"),
        period="month",
        counts_from=date(2026, 11, 1),
        leader=aimed,
    )
    log(free, free, datetime(2026, 11, 2, 9, tzinfo=UTC), 60)

    for sort in ("balance", "-balance", "actual", "-actual", "percent", "-percent"):
        dashboard = team_dashboard(
            organization=organization.pk, leaders=org_selectors.leaders_for(membership=chief), sort=sort, now=NOW
        )
        assert plain_rows(dashboard.table) == [
            ["Ann Aimed", "Nov 2026", 0.0, 5.0, 0, -5.0, None, 0, 0, 0, 0, 0, "no"],
            ["Bob Free", None, None, None, None, None, date(2026, 11, 2), 0, 0, 0, 0, 0, None],
        ], sort


# --- Sorting -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("sort", "order", "in_force"),
    [
        (None, ["Quinn", "Olga", "Leo"], "balance"),
        ("bogus", ["Quinn", "Olga", "Leo"], "balance"),
        ("-", ["Quinn", "Olga", "Leo"], "balance"),
        ("balance", ["Quinn", "Olga", "Leo"], "balance"),
        ("-balance", ["Leo", "Olga", "Quinn"], "-balance"),
        ("name", ["Leo", "Olga", "Quinn"], "name"),
        ("-name", ["Quinn", "Olga", "Leo"], "-name"),
        ("actual", ["Olga", "Leo", "Quinn"], "actual"),
        ("-actual", ["Quinn", "Leo", "Olga"], "-actual"),
        ("percent", ["Quinn", "Olga", "Leo"], "percent"),
        ("-percent", ["Leo", "Olga", "Quinn"], "-percent"),
        ("last_contact", ["Olga", "Quinn", "Leo"], "last_contact"),
        ("-last_contact", ["Leo", "Quinn", "Olga"], "-last_contact"),
        ("missed", ["Olga", "Leo", "Quinn"], "missed"),
        ("-missed", ["Quinn", "Leo", "Olga"], "-missed"),
        ("unlogged", ["Olga", "Quinn", "Leo"], "unlogged"),  # ties keep the name order
        ("-unlogged", ["Leo", "Olga", "Quinn"], "-unlogged"),
        ("actions", ["Leo", "Quinn", "Olga"], "actions"),
        ("-actions", ["Olga", "Quinn", "Leo"], "-actions"),
    ],
)
def test_sort_orders(team, sort, order, in_force):
    dashboard = built(team, sort=sort)

    assert [row.name.split()[0] for row in dashboard.rows] == order
    assert [row[0].value.split()[0] for row in dashboard.table.rows] == order
    assert dashboard.sort == in_force


def test_headers_link_to_their_sort_and_mark_the_sorted_one(team):
    headers = built(team, sort="-missed").headers

    assert [(h.column.key, h.href, h.aria_sort) for h in headers] == [
        ("name", "?sort=name", None),
        ("period", None, None),
        ("actual", "?sort=actual", None),
        ("target", None, None),
        ("percent", "?sort=percent", None),
        ("balance", "?sort=balance", None),
        ("last_contact", "?sort=last_contact", None),
        ("missed", "?sort=missed", "descending"),
        ("unlogged", "?sort=-unlogged", None),
        ("upcoming", None, None),
        ("actions", "?sort=-actions", None),
        ("overdue", None, None),
        ("on_target", None, None),
    ]
    assert built(team).headers[5].href == "?sort=-balance"


# --- The page ------------------------------------------------------------------------------------------------
class TableReader(HTMLParser):
    """The cells' text of the table with id `team-executives`, its headers' aria-sort, and every href."""

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.rows, self.aria_sort, self.hrefs = [], {}, []
        self.cell = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and attrs.get("id") == "team-executives":
            self.depth = 1
        elif self.depth and tag == "tr":
            self.rows.append([])
        elif self.depth and tag in ("th", "td"):
            self.cell = ""
            if attrs.get("aria-sort"):
                self.aria_sort[len(self.rows[-1])] = attrs["aria-sort"]
        elif self.depth and tag == "a":
            self.hrefs.append(attrs["href"])

    def handle_endtag(self, tag):
        if self.depth and tag in ("th", "td"):
            # Markup's own whitespace collapses; a no-break space is text ("%\u00a0of target", "1\u00a0234,5").
            text = re.sub(r"[ \t\r\n]+", " ", self.cell.replace("▲", "").replace("▼", "")).strip()
            self.rows[-1].append(text)
            self.cell = None
        elif tag == "table":
            self.depth = 0

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


def read_table(response):
    reader = TableReader()
    reader.feed(response.content.decode())
    return reader


@pytest.fixture
def today_team(organization, admin_member, chief_of_staff, executive):
    """Figures that hold whenever the test runs: this month's target counts from this month, one visit now."""
    executive.user.full_name = "Ada Today"
    executive.user.save()
    second = MembershipFactory(organization=organization, role="executive", user__full_name="Ben Idle")
    chief_of_staff.supports.add(second)
    target_set(
        organization=organization,
        acting=admin_member,
        hours=Decimal("10"),
        period="month",
        counts_from=timezone.localdate(),
    )
    started = timezone.now() - timedelta(minutes=5)
    log(chief_of_staff, executive, started, 90)
    ActionFactory(organization=organization, owner=executive, due_on=timezone.localdate() - timedelta(days=1))
    return {"ada": executive, "ben": second, "started": started}


def test_page_shows_the_chart_and_the_sortable_table(client_for, chief_of_staff, today_team):
    response = client_for(chief_of_staff).get(URL, {"sort": "-name"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "This period vs target" in html and '<svg xmlns="http://www.w3.org/2000/svg" class="chart"' in html
    assert "style=" not in html
    reader = read_table(response)
    assert reader.rows[0][0] == "Executive"
    assert [row[0] for row in reader.rows[1:]] == ["Ben Idle", "Ada Today"]
    assert reader.aria_sort == {0: "descending"}
    assert '<a href="?sort=name" class="link-body-emphasis">Executive <span aria-hidden="true">▼</span></a>' in html
    assert '<a href="?sort=balance" class="link-body-emphasis">Balance (h)</a>' in html
    assert 'href="?sort=-name&amp;format=csv"' in html and 'href="?sort=-name&amp;format=xlsx"' in html
    ada = today_team["ada"].pk
    assert f"/dashboards/me/?leader={ada}" in reader.hrefs
    assert f"/actions/?tab=open&owner={ada}" in reader.hrefs
    assert f"/schedule/?leader={ada}" in reader.hrefs
    assert f"/feed/?leader={ada}" in reader.hrefs


def test_exports_equal_the_page_table(client_for, chief_of_staff, today_team):
    client = client_for(chief_of_staff)
    page = read_table(client.get(URL, {"sort": "name"}))
    csv_response = client.get(URL, {"sort": "name", "format": "csv"})
    xlsx_response = client.get(URL, {"sort": "name", "format": "xlsx"})

    last_day = timezone.localtime(today_team["started"], timezone.get_current_timezone()).date().isoformat()
    month = f"{timezone.localdate():%b %Y}"
    assert page.rows[1:] == [
        ["Ada Today", month, "1.5", "10.0", "15 %", "-8.5", last_day, "0", "0", "0", "1", "1", "no"],
        ["Ben Idle", month, "0.0", "10.0", "0 %", "-10.0", "—", "0", "0", "0", "0", "0", "no"],
    ]
    today = timezone.localdate().isoformat()
    assert csv_response["Content-Disposition"] == f'attachment; filename="team-{today}.csv"'
    lines = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig"))))
    as_page = [[cell.replace(" %", "").replace("—", "") for cell in row] for row in page.rows]
    assert lines == [["Executives you support"], *as_page, []]

    assert xlsx_response["Content-Disposition"] == f'attachment; filename="team-{today}.xlsx"'
    book = load_workbook(io.BytesIO(xlsx_response.content))
    assert book.sheetnames == ["Executives"]
    sheet = book["Executives"]
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0] == page.rows[0]
    assert [row[:6] + row[7:] for row in values[1:]] == [
        ["Ada Today", month, 1.5, 10, 15, -8.5, 0, 0, 0, 1, 1, "no"],
        ["Ben Idle", month, 0, 10, 0, -10, 0, 0, 0, 0, 0, "no"],
    ]
    assert values[1][6].date().isoformat() == last_day
    assert values[2][6] is None
    ada = today_team["ada"].pk
    assert sheet["A2"].hyperlink.target == f"http://testserver/dashboards/me/?leader={ada}"


# --- Who sees what ---------------------------------------------------------------------------------------------
def test_chief_of_staff_sees_only_the_executives_they_support(client_for, team):
    response = client_for(team["chief"]).get(URL)

    names = [row[0] for row in read_table(response).rows[1:]]
    assert names == ["Quinn Quarter", "Olga Oslo", "Leo London"]
    assert "Una Unsupported" not in response.content.decode()


def test_admin_sees_every_active_executive(client_for, organization, admin_member, team):
    MembershipFactory(organization=organization, role="executive", user__full_name="Ivo Inactive", is_active=False)

    response = client_for(admin_member).get(URL, {"sort": "name"})

    assert [row[0] for row in read_table(response).rows[1:]] == [
        "Leo London",
        "Olga Oslo",
        "Quinn Quarter",
        "Una Unsupported",
    ]


def test_another_organizations_chief_of_staff_sees_nothing_of_this_one(client_for, team):
    other = OrganizationFactory()
    chief = MembershipFactory(organization=other, role="chief_of_staff")
    own = MembershipFactory(organization=other, role="executive", user__full_name="Bea Elsewhere")
    chief.supports.add(own, team["leo"])  # even a stray cross-organization link shows nothing

    response = client_for(chief).get(URL)
    csv_text = client_for(chief).get(URL, {"format": "csv"}).content.decode("utf-8-sig")

    assert [row[0] for row in read_table(response).rows[1:]] == ["Bea Elsewhere"]
    for name in ("Leo London", "Olga Oslo", "Quinn Quarter", "Una Unsupported"):
        assert name not in response.content.decode()
        assert name not in csv_text


def test_chief_of_staff_without_executives_gets_the_empty_state(client_for, organization):
    chief = MembershipFactory(organization=organization, role="chief_of_staff")

    response = client_for(chief).get(URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert "You don't support any executives yet." in html
    assert 'id="team-executives"' not in html and "format=csv" not in html


@pytest.mark.parametrize(("role", "target"), [("executive", "/dashboards/me/"), ("board", "/dashboards/board/")])
def test_executives_and_board_members_are_sent_to_their_own_dashboard(client_for, organization, role, target):
    member = MembershipFactory(organization=organization, role=role)

    response = client_for(member).get(URL, {"format": "csv"})

    assert (response.status_code, response["Location"]) == (302, target)


def test_anonymous_visitors_log_in_first(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


# --- Constant query count ------------------------------------------------------------------------------------------
def bulk_log(leaders, count):
    """`count` customer-facing engagements spread over the leaders and the last year, then the rollups."""
    organization = leaders[0].organization
    location = LocationFactory(organization=organization)
    start = timezone.now() - timedelta(days=365)
    engagements = Engagement.objects.bulk_create(
        Engagement(
            organization=organization,
            client_uuid=uuid.uuid4(),
            kind="store_visit",
            location=location,
            started_at=start + timedelta(hours=4 * i),
            duration_minutes=30,
            leader=leaders[i % len(leaders)],
            logged_by=leaders[i % len(leaders)],
        )
        for i in range(count)
    )
    Participant.objects.bulk_create(
        Participant(
            organization=organization,
            engagement=e,
            membership_id=e.leader_id,
            minutes=30,
            started_at=e.started_at,
            kind=e.kind,
        )
        for e in engagements
    )
    rollups_rebuild(organization=organization)


@pytest.mark.parametrize(("engagements", "executives"), [(10, 2), (2000, 6)])
def test_query_count_is_constant(
    client_for, organization, admin_member, engagements, executives, django_assert_max_num_queries
):
    chief = MembershipFactory(organization=organization, role="chief_of_staff")
    leaders = [
        MembershipFactory(organization=organization, role="executive", user__time_zone=zone)
        for zone in ["Europe/Oslo", "America/New_York", "", "Asia/Tokyo", "UTC", ""][:executives]
    ]
    chief.supports.add(*leaders)
    target_set(
        organization=organization, acting=admin_member, hours=Decimal("8"), period="month", counts_from=date(2025, 1, 1)
    )
    for leader in leaders:
        ActionFactory(organization=organization, owner=leader)
        session(leader, timezone.now() - timedelta(days=2), SessionStatus.MISSED)
    bulk_log(leaders, engagements)
    client = client_for(chief)

    with django_assert_max_num_queries(PAGE_QUERIES) as page:
        response = client.get(URL)
    with django_assert_max_num_queries(PAGE_QUERIES) as export:
        exported = client.get(URL, {"format": "xlsx"})

    assert (response.status_code, exported.status_code) == (200, 200)
    assert len(read_table(response).rows) == 1 + executives
    assert (len(page), len(export)) == (PAGE_QUERIES, PAGE_QUERIES - 1)  # no unread count in an export
