"""Each dashboard on a phone and on a laptop: its charts and tables are there, nothing scrolls sideways, and a
number in a table clicks through to the entries behind it."""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from apps.engagements.services import engagement_create
from apps.insights import services as insight_services
from apps.organizations.models import Role
from apps.scheduling.services import target_set
from tests.e2e.conftest import PHONE
from tests.organizations.factories import LocationFactory, MembershipFactory, OrganizationFactory, RegionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAPTOP = {"width": 1280, "height": 800}


@pytest.fixture
def northwind(transactional_db):
    """Two executives, the chief of staff supporting them and a board member; a week of customer time at two
    places with a themed learning, the action answering it and a customer score."""
    organization = OrganizationFactory(name="Northwind", time_zone="Europe/London")
    admin = MembershipFactory(organization=organization, role=Role.ADMIN)
    eve = MembershipFactory(organization=organization, role=Role.EXECUTIVE, user__full_name="Eve Executive")
    sam = MembershipFactory(organization=organization, role=Role.EXECUTIVE, user__full_name="Sam Second")
    chief = MembershipFactory(organization=organization, role=Role.CHIEF_OF_STAFF, user__full_name="Cleo Chief")
    chief.supports.add(eve, sam)
    reader = MembershipFactory(organization=organization, role=Role.BOARD, user__full_name="Bea Board")
    north = RegionFactory(organization=organization, name="North")
    leeds = LocationFactory(organization=organization, region=north, name="Leeds High Street")
    york = LocationFactory(organization=organization, region=north, name="York Minster")
    target_set(
        organization=organization,
        acting=admin,
        hours=Decimal("4"),
        period="month",
        counts_from=timezone.localdate() - timedelta(days=90),
    )
    now = timezone.now()
    visit, _ = engagement_create(
        logged_by=eve,
        leader=eve,
        client_uuid=uuid.uuid4(),
        kind="store_visit",
        started_at=now - timedelta(hours=1),
        duration_minutes=90,
        location=leeds,
        other_participants=[sam],
        learnings=[{"kind": "pain_point", "text": "Queues at the tills at noon.", "quote": "I gave up waiting."}],
    )
    engagement_create(
        logged_by=chief,
        leader=sam,
        client_uuid=uuid.uuid4(),
        kind="customer_call",
        started_at=now - timedelta(days=3),
        duration_minutes=30,
    )
    engagement_create(
        logged_by=eve,
        leader=eve,
        client_uuid=uuid.uuid4(),
        kind="focus_group",
        started_at=now - timedelta(days=40),
        duration_minutes=120,
        location=york,
    )
    learning = visit.learnings.get()
    queues = insight_services.theme_create(acting=admin, name="Queues")
    insight_services.learning_themes_set(acting=eve, learning=learning, themes=[queues])
    insight_services.action_create(
        acting=eve,
        title="Open a second till at noon",
        owner=eve,
        due_on=timezone.localdate() + timedelta(days=14),
        learnings=[learning],
    )
    insight_services.score_create(
        acting=admin,
        location=leeds,
        metric="nps",
        period_start=timezone.localdate() - timedelta(days=30),
        period_end=timezone.localdate(),
        value=Decimal("35"),
    )
    month = timezone.localtime(visit.started_at).strftime("%b %Y")
    return {"eve": eve, "chief": chief, "board": reader, "month": month}


def open_as(browser, live_server, membership, viewport):
    """A page logged in as `membership` through a session cookie (no login form), sized to `viewport`."""
    client = Client()
    client.force_login(membership.user)
    phone = viewport == PHONE
    context = browser.new_context(viewport=viewport, has_touch=phone, is_mobile=phone)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    return context, page


# (who, the dashboard, how many charts, the table with a click-through, the row to click in)
DASHBOARDS = [
    ("eve", "/dashboards/me/", 2, "hours-per-month", "month"),
    ("chief", "/dashboards/team/", 1, "team-executives", "Eve Executive"),
    ("board", "/dashboards/board/", 5, "hours-per-month", "month"),
]


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["375px", "1280px"])
@pytest.mark.parametrize(("who", "path", "charts", "table_id", "row"), DASHBOARDS, ids=["me", "team", "board"])
def test_each_dashboard_shows_its_charts_and_tables_and_clicks_through(
    live_server, browser, northwind, viewport, who, path, charts, table_id, row
):
    context, page = open_as(browser, live_server, northwind[who], viewport)
    try:
        page.goto(f"{live_server.url}{path}")

        page.locator("svg.chart").first.wait_for()
        assert page.locator("svg.chart").count() == charts
        assert page.locator("svg.chart > title").count() == charts
        assert page.locator("svg.chart:visible").count() == charts
        tables = page.locator("table")
        assert tables.count() >= 1
        assert page.locator("table > caption").count() == tables.count()
        assert page.locator(f"table#{table_id}").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]

        text = northwind["month"] if row == "month" else row
        link = page.locator(f"table#{table_id} tr", has_text=text).locator("a[href^='/feed/']").last
        link.scroll_into_view_if_needed()
        link.click()
        page.wait_for_url(f"{live_server.url}/feed/?*")
        entry = page.locator("article.entry", has_text="Leeds High Street")
        entry.first.wait_for()
        assert "Queues at the tills at noon." in entry.first.inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    finally:
        context.close()


DESK = {"width": 1440, "height": 900}


@pytest.mark.parametrize(
    ("who", "path", "table_id"),
    [("eve", "/dashboards/me/", "hours-per-month"), ("chief", "/dashboards/team/", "team-executives")],
    ids=["me", "team"],
)
def test_at_a_desk_the_main_table_shows_every_column_without_scrolling(
    live_server, browser, northwind, who, path, table_id
):
    context, page = open_as(browser, live_server, northwind[who], DESK)
    try:
        page.goto(f"{live_server.url}{path}")

        box = page.locator(f"div.table-responsive:has(> table#{table_id})")
        client_width, scroll_width = box.evaluate("b => [b.clientWidth, b.scrollWidth]")
        assert scroll_width <= client_width
        # a date stays on one line
        assert (
            page.locator(f"table#{table_id} td.text-nowrap").count()
            + page.locator(f"table#{table_id} th.text-nowrap").count()
            > 0
        )
    finally:
        context.close()
