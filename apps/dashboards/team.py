"""The chief of staff's dashboard: one row per executive they support, with this period's customer-facing time
against the target, the running balance, the last customer contact, missed and unlogged sessions and open actions.

Five queries whatever the data size: the executives with their session counts, the targets, the monthly rollups,
the last contacts, the action counts (each an SQL aggregate in a selector). Only the handful of executive rows
are sorted and shaped here, into the table and the chart the page shows and the exports write.

Choices:
- Periods, the balance and the last contact's day are on each executive's own clock (their target's month or
  quarter), as on their own dashboard.
- "On target this month" is the one rule of every page (scheduling.selectors.on_target): this month's time
  against the month's target; the balance carried in is its own column and not counted.
- "% of target" is not capped: 150 % reads as ahead, where a capped 100 % would hide it.
- An executive without a target (and no organization default) shows "—" for the period's figures; such rows,
  like any missing value, sort last whichever the direction.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.formatting import when
from apps.engagements import selectors as engagement_selectors
from apps.insights import selectors as insight_selectors
from apps.scheduling import selectors as scheduling_selectors

from .charts import horizontal_bar_chart
from .periods import hours
from .tables import Column, Link, Table

# The sort keys the page accepts (`?sort=key`, `?sort=-key` for descending); anything else sorts by DEFAULT_SORT.
SORT_KEYS = ("name", "actual", "percent", "balance", "last_contact", "missed", "unlogged", "actions")
DEFAULT_SORT = "balance"  # ascending: the most behind first
# A header's first click: what to chase first (the fewest hours, the most missed sessions, ...).
FIRST_DESCENDING = frozenset({"missed", "unlogged", "actions"})


def period_label(start, period):
    if start is None:
        return None
    if period == "quarter":
        return _("Q%(quarter)s %(year)s") % {"quarter": (start.month - 1) // 3 + 1, "year": start.year}
    return when(start, "month")


@dataclass
class TeamRow:
    leader: object  # the executive's Membership
    period: str | None = None  # "month" or "quarter"; None without a target
    period_start: date | None = None
    period_end: date | None = None  # the last day of the period
    actual_minutes: int | None = None
    target_minutes: int | None = None
    balance_minutes: int | None = None
    on_target: bool | None = None  # this month, by scheduling.selectors.on_target (nothing carried in counted)
    last_contact: date | None = None  # the day, on the executive's clock
    missed: int = 0
    unlogged: int = 0
    upcoming: int = 0
    open_actions: int = 0
    overdue_actions: int = 0

    @property
    def name(self):
        return self.leader.display_name

    @property
    def percent(self):
        if self.target_minutes is None:
            return None
        return round(100 * self.actual_minutes / self.target_minutes) if self.target_minutes else 0

    def sort_value(self, key):
        if key == "name":
            return self.name.casefold()
        if key == "actions":
            return self.open_actions
        if key in ("actual", "balance"):
            return getattr(self, f"{key}_minutes")
        return getattr(self, key)


def team_rows(*, organization, leaders, now=None) -> list[TeamRow]:
    """One row per executive in `leaders` (a Membership queryset the view chose): five queries."""
    now = now or timezone.now()
    executives = list(scheduling_selectors.leaders_overview(leaders=leaders, now=now))
    if not executives:
        return []
    ids = [leader.pk for leader in executives]
    targets = scheduling_selectors.target_statuses(organization=organization, leaders=executives, now=now)
    contacts = engagement_selectors.last_customer_contact(members=ids)
    actions = insight_selectors.open_action_counts(organization=organization, owners=ids, today=timezone.localdate(now))
    rows = []
    for leader in executives:
        row = TeamRow(leader=leader, missed=leader.missed, unlogged=leader.unlogged, upcoming=leader.upcoming)
        status = targets.get(leader.pk)
        if status is not None:
            row.period = status["period"]
            row.period_start = status["period_start"]
            row.period_end = scheduling_selectors.next_period_start(row.period_start, row.period) - timedelta(days=1)
            row.actual_minutes = status["actual_minutes"]
            row.target_minutes = status["target_minutes"]
            row.balance_minutes = status["balance_minutes"]
            row.on_target = status["on_target"]
        last = contacts.get(leader.pk)
        if last is not None:
            row.last_contact = timezone.localtime(last, ZoneInfo(leader.time_zone_name)).date()
        counts = actions.get(leader.pk, {"open": 0, "overdue": 0})
        row.open_actions, row.overdue_actions = counts["open"], counts["overdue"]
        rows.append(row)
    return rows


def parse_sort(value):
    """(key, descending) from `?sort=`: a whitelisted key, `-` for descending; else the default."""
    value = value or ""
    descending = value.startswith("-")
    key = value[1:] if descending else value
    if key not in SORT_KEYS:
        return DEFAULT_SORT, False
    return key, descending


def sort_param(key, descending):
    return f"-{key}" if descending else key


def sort_rows(rows, *, key, descending=False):
    """The rows ordered by `key`, missing values last in both directions; ties by name, then id."""
    by_name = sorted(rows, key=lambda row: (row.name.casefold(), row.leader.pk))
    known = [row for row in by_name if row.sort_value(key) is not None]
    missing = [row for row in by_name if row.sort_value(key) is None]
    # sorted() is stable, so equal values keep the name order in either direction.
    return sorted(known, key=lambda row: row.sort_value(key), reverse=descending) + missing


# --- What the page shows (and the exports write) -----------------------------------------------------------------
TABLE_TITLE = gettext_lazy("Executives you support")
COLUMNS = [
    Column("name", gettext_lazy("Executive")),
    Column("period", gettext_lazy("Period")),
    Column("actual", gettext_lazy("This period (h)"), "hours"),
    Column("target", gettext_lazy("Target (h)"), "hours"),
    # A no-break space keeps "%" with its words (and out of gettext's idea of a placeholder: "% o" reads as one).
    Column("percent", gettext_lazy("%\u00a0of target"), "percent"),
    Column("balance", gettext_lazy("Balance (h)"), "hours"),
    Column("last_contact", gettext_lazy("Last customer contact"), "date"),
    Column("missed", gettext_lazy("Missed (30 days)"), "int"),
    Column("unlogged", gettext_lazy("Not logged (30 days)"), "int"),
    Column("upcoming", gettext_lazy("Coming (14 days)"), "int"),
    Column("actions", gettext_lazy("Open actions"), "int"),
    Column("overdue", gettext_lazy("Overdue actions"), "int"),
    Column("on_target", gettext_lazy("On target this month")),
]


def _url(name, **params):
    return f"{reverse(name)}?{urlencode(params)}"


def executive_url(row):
    return _url("dashboards:executive", leader=row.leader.pk)


def _cells(row):
    pk = row.leader.pk
    schedule = _url("scheduling:schedule", leader=pk)
    actual = hours(row.actual_minutes)
    if row.period_start is not None:
        period_feed = _url(
            "engagements:feed",
            leader=pk,
            period="custom",
            start=row.period_start.isoformat(),
            end=row.period_end.isoformat(),
        )
        actual = Link(actual, period_feed)
    return [
        Link(row.name, executive_url(row)),
        period_label(row.period_start, row.period),
        actual,
        hours(row.target_minutes),
        row.percent,
        hours(row.balance_minutes),
        Link(row.last_contact, _url("engagements:feed", leader=pk)) if row.last_contact else None,
        Link(row.missed, schedule),
        Link(row.unlogged, schedule),
        Link(row.upcoming, schedule),
        Link(row.open_actions, _url("insights:action_list", tab="open", owner=pk)),
        Link(row.overdue_actions, _url("insights:action_list", tab="overdue", owner=pk)),
        None if row.on_target is None else (_("yes") if row.on_target else _("no")),
    ]


def team_table(rows, *, title=TABLE_TITLE) -> Table:
    """The table in the active language (its title and headers read when it is built, for the page and exports)."""
    return Table(
        name="team-executives",
        sheet=_("Executives"),
        title=str(title),
        columns=[Column(column.key, str(column.label), column.kind) for column in COLUMNS],
        rows=[_cells(row) for row in rows],
    )


def team_chart(rows) -> SafeString:
    return horizontal_bar_chart(
        title=_("This period vs target"),
        description=_(
            "Customer-facing hours each executive logged in their current target period (a month or a quarter on "
            "their own clock), with their target marked. The same numbers are in the table below."
        ),
        labels=[row.name for row in rows],
        values=[hours(row.actual_minutes) for row in rows],
        unit="h",
        links={i: executive_url(row) for i, row in enumerate(rows)},
        secondary=(_("Target"), [hours(row.target_minutes) for row in rows]),
    )


@dataclass(frozen=True)
class Header:
    column: Column
    href: str | None  # the link that sorts by this column (toggles when it already does); None: not sortable
    aria_sort: str | None  # "ascending" / "descending" on the sorted column


def sort_headers(columns, *, key, descending):
    headers = []
    for column in columns:
        if column.key not in SORT_KEYS:
            headers.append(Header(column, None, None))
        elif column.key == key:
            headers.append(
                Header(column, "?sort=" + sort_param(key, not descending), "descending" if descending else "ascending")
            )
        else:
            headers.append(Header(column, "?sort=" + sort_param(column.key, column.key in FIRST_DESCENDING), None))
    return headers


@dataclass
class TeamDashboard:
    rows: list[TeamRow]
    sort: str  # the `?sort=` value in force
    table: Table
    chart: SafeString
    headers: list[Header]
    today: date  # on the viewer's clock: the export's file name

    @property
    def tables(self):
        """What the exports write: exactly the page's tables."""
        return [self.table]


def team_dashboard(*, organization, leaders, sort=None, now=None, title=TABLE_TITLE) -> TeamDashboard:
    """Everything the page shows, for `leaders` (the view decides whose), sorted by `sort` (a `?sort=` value)."""
    now = now or timezone.now()
    key, descending = parse_sort(sort)
    rows = sort_rows(team_rows(organization=organization, leaders=leaders, now=now), key=key, descending=descending)
    table = team_table(rows, title=title)
    return TeamDashboard(
        rows=rows,
        sort=sort_param(key, descending),
        table=table,
        chart=team_chart(rows),
        headers=sort_headers(table.columns, key=key, descending=descending),
        today=timezone.localdate(now),
    )
