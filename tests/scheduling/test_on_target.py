"""One "on target" for every page, export and email: this month's customer time against the month's target,
with nothing carried in counted. The board's SQL (`target_standing`) and the Python of the executive's and the
team's pages and the weekly nudge (`target_status`, `target_statuses`) give the same answer on the same data."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.template.loader import render_to_string

from apps.dashboards import board, executive
from apps.dashboards.board import BoardFilters
from apps.dashboards.tables import plain
from apps.engagements.rollups import rollups_rebuild
from apps.notifications.models import Reminder
from apps.scheduling import selectors, services
from apps.scheduling.reminders import under_target_nudges
from tests.engagements.factories import EngagementFactory
from tests.organizations.factories import MembershipFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 5, 20, 12, 0, tzinfo=UTC)
MAY = date(2026, 5, 1)


def log(leader, month, minutes):
    """`minutes` of store visits in `month`, in entries of at most 1,000 minutes on successive days."""
    day = 10
    while minutes:
        chunk = min(minutes, 1000)
        EngagementFactory(
            organization=leader.organization,
            leader=leader,
            started_at=datetime(2026, month, day, 10, tzinfo=UTC),
            duration_minutes=chunk,
            kind="store_visit",
        )
        minutes -= chunk
        day += 1


@pytest.fixture
def leaders(organization, admin_member):
    """The default is 8 h a month from January; two leaders have 30 h a quarter (10 h a month) from April; one
    has one that counts from July."""

    def leader(name):
        return MembershipFactory(organization=organization, role="executive", user__full_name=name)

    people = {name: leader(name) for name in ("banked", "steady", "short", "quarterly", "quarter_met", "later")}
    services.target_set(
        organization=organization, acting=admin_member, hours=Decimal("8"), period="month", counts_from=date(2026, 1, 1)
    )
    for name, since in (
        ("quarterly", date(2026, 4, 1)),
        ("quarter_met", date(2026, 4, 1)),
        ("later", date(2026, 7, 1)),
    ):
        services.target_set(
            organization=organization,
            acting=admin_member,
            hours=Decimal("30"),
            period="quarter",
            counts_from=since,
            leader=people[name],
        )
    for month in (1, 2, 3, 4):  # 37.5 h a month against 8 h: +118 h carried into May
        log(people["banked"], month, 2250)
    log(people["steady"], 5, 480)  # exactly this month's 8 h, nothing before: carried -32 h
    log(people["short"], 5, 479)
    log(people["quarterly"], 5, 600)  # a third of 30 h
    log(people["quarter_met"], 4, 3000)  # the whole quarter's 30 h already in April...
    log(people["quarter_met"], 5, 599)  # ...but not this month's 10 h
    log(people["later"], 5, 900)  # before the target counts
    rollups_rebuild(organization=organization)
    return people


EXPECTED = {
    "banked": False,
    "steady": True,
    "short": False,
    "quarterly": True,
    "quarter_met": False,
    "later": None,
}


def test_the_boards_sql_and_the_pages_python_agree_leader_by_leader(organization, leaders):
    people = list(leaders.values())

    standing = selectors.target_standing(organization=organization.pk, months=[MAY], leaders=[p.pk for p in people])
    statuses = selectors.target_statuses(organization=organization.pk, leaders=people, now=NOW)

    # The board counts months on target (0 for a target that does not count yet); the pages say None for those.
    by_sql = {name: standing.leaders[p.pk][1] == 1 for name, p in leaders.items()}
    from_rollups = {name: statuses[p.pk]["on_target"] for name, p in leaders.items()}
    from_log = {name: selectors.target_status(leader=p, now=NOW)["on_target"] for name, p in leaders.items()}
    assert from_rollups == from_log == EXPECTED
    assert by_sql == {name: expected is True for name, expected in EXPECTED.items()}
    # five leaders' targets count in May (not the one from July), two of them on target
    assert standing.months == [(5, 2)]


def test_a_carried_balance_shows_but_does_not_make_an_empty_month_on_target(organization, leaders):
    status = selectors.target_status(leader=leaders["banked"], now=NOW)

    html = " ".join(render_to_string("scheduling/_target_status.html", {"t": status}).split())

    assert (status["carried_minutes"], status["month_minutes"], status["month_to_go_minutes"]) == (7080, 0, 480)
    assert "8 h to go to be on target this month" in html
    assert "Carried in from earlier months: +118 h (not counted for this month)" in html
    assert "On target this month" not in html


# Reminders are planted only for moments still to come: the clock is where the test's NOW is.
@time_machine.travel(NOW)
def test_every_page_export_and_email_uses_the_one_rule(organization, leaders):
    # the board: the share of leaders on target this month, and each leader's months on target
    d = board.build(organization=organization, filters=BoardFilters(months=3), now=NOW)
    on_target = next(t for t in d.tables if t.name == "on-target")
    assert [plain(v) for v in on_target.rows[-1]] == ["May 2026", 5, 2, 40]
    assert d.summary["on_target_share"] == 40

    # the executive's dashboard (and its exports): this month's row says the same
    for name, expected in EXPECTED.items():
        page = executive.build(leader=leaders[name], now=NOW)
        against = next(t for t in page.tables if t.name == "against-target")
        month_row = next(row for row in against.rows if row[0] == "This month")
        assert month_row[-1] == {True: "yes", False: "no", None: None}[expected], name

    # the weekly nudge: exactly the executives not on target this month
    assert under_target_nudges(now=NOW) == 3
    titles = sorted(Reminder.objects.filter(kind="under_target").values_list("title", flat=True))
    assert titles == [
        "banked: 8 h of customer time to go this month",
        "quarter_met: 1 min of customer time to go this month",
        "short: 1 min of customer time to go this month",
    ]
