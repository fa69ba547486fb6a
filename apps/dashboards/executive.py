"""An executive's own dashboard ("My customer time"): this week, month and quarter against their target, the
running balance, the streak of weeks with customer time, the split by kind, what is coming, their open
actions and recent learnings. Every number comes from another app's selectors; a fixed number of queries."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from apps.core.formatting import when
from apps.engagements import selectors as engagement_selectors
from apps.engagements.models import Kind
from apps.insights import selectors as insight_selectors
from apps.insights.models import ActionStatus
from apps.scheduling import selectors as schedule_selectors
from apps.scheduling.models import SessionStatus, TargetPeriod

from . import charts
from .periods import hours, month_add, month_end
from .tables import Column, Link, Table

MONTHS_SHOWN = 12
STREAK_LOOKBACK_WEEKS = 104
COMING_DAYS = 14
LIST_LENGTH = 5


# The lists are light rows (no model instances), each with its link built once.
class ComingSession(NamedTuple):
    starts_at: datetime
    label: str  # the plan's title, else its kind
    place: str  # the location's name, "" without one


class OpenAction(NamedTuple):
    pk: int
    title: str
    status: str  # the status's label
    due_on: date
    href: str


class RecentLearning(NamedTuple):
    pk: int
    text: str
    quote: str
    kind: str  # the kind's label
    day: date  # when its engagement started, on the leader's clock
    href: str


@dataclass
class ExecutiveDashboard:
    leader: object
    today: date
    totals: dict  # week/month/quarter minutes
    status: dict | None  # target figures (scheduling.target_statuses), None without a target
    streak_weeks: int
    coming: list[ComingSession]
    open_actions: list[OpenAction]
    open_action_count: int
    learnings: list[RecentLearning]
    targets: dict = field(default_factory=dict)  # week/month/quarter target minutes (see period_targets)
    tables: list[Table] = field(default_factory=list)
    charts: dict = field(default_factory=dict)


def streak(weeks, today):
    """Consecutive weeks with customer time up to this week (or up to last week, while this one is still
    empty). `weeks`: their Mondays, newest first."""
    monday = today - timedelta(days=today.weekday())
    have = set(weeks)
    current = monday if monday in have else monday - timedelta(weeks=1)
    count = 0
    while current in have:
        count += 1
        current -= timedelta(weeks=1)
    return count


@lru_cache(maxsize=1)
def _feed_path():
    return reverse("engagements:feed")


_PK_MARK = 987654321  # stands for the id in a detail path reversed once


@lru_cache(maxsize=8)
def _around_pk(name):
    """The parts of URL `name` (one int `pk` argument) before and after the id."""
    before, after = reverse(name, args=[_PK_MARK]).split(str(_PK_MARK))
    return before, after


def _detail_path(name, pk):
    """reverse(name, args=[pk]) without a reverse() per row."""
    before, after = _around_pk(name)
    return f"{before}{pk}{after}"


def _feed_link(leader, *, start, end, kind=""):
    # Built as a string: a page has a few hundred of these, and ids, ISO dates and kind slugs need no quoting.
    link = f"{_feed_path()}?leader={leader.pk}&period=custom&start={start.isoformat()}&end={end.isoformat()}"
    return f"{link}&kind={kind}" if kind else link


def build(*, leader, now=None):
    now = now or timezone.now()
    zone = ZoneInfo(leader.time_zone_name)
    today = timezone.localtime(now, zone).date()
    organization = leader.organization_id
    totals = engagement_selectors.customer_minutes(membership=leader, now=now)
    status = schedule_selectors.target_statuses(organization=organization, leaders=[leader], now=now).get(leader.pk)
    weeks = engagement_selectors.customer_weeks(
        membership=leader, since=today - timedelta(weeks=STREAK_LOOKBACK_WEEKS), now=now
    )
    last_month = today.replace(day=1)
    first_month = month_add(last_month, -(MONTHS_SHOWN - 1))
    rows = engagement_selectors.rollup_totals(
        organization=organization,
        first_month=first_month,
        last_month=last_month,
        group_by=("month", "kind"),
        members=[leader],
    )
    by_month_kind = {(row["month"], row["kind"]): row["minutes"] for row in rows}
    sessions = schedule_selectors.sessions_between(leader=leader, start=now, end=now + timedelta(days=COMING_DAYS))
    coming = [
        ComingSession(starts_at, title or str(Kind(kind).label), place or "")
        for starts_at, title, kind, place in sessions.filter(status=SessionStatus.PLANNED).values_list(
            "starts_at", "plan__title", "plan__kind", "location__name"
        )[:LIST_LENGTH]
    ]
    actions = insight_selectors.action_list(organization=organization, owner=leader, open_only=True)
    open_actions = [
        OpenAction(pk, title, str(ActionStatus(status).label), due_on, _detail_path("insights:action_detail", pk))
        for pk, title, status, due_on in actions.values_list("pk", "title", "status", "due_on")[: LIST_LENGTH + 1]
    ]
    learnings = [
        RecentLearning(
            lg.pk,
            lg.text,
            lg.quote,
            str(lg.get_kind_display()),
            timezone.localtime(lg.engagement.started_at, zone).date(),
            _detail_path("insights:learning_detail", lg.pk),
        )
        for lg in insight_selectors.recent_learnings(author=leader, limit=LIST_LENGTH)
    ]
    dashboard = ExecutiveDashboard(
        leader=leader,
        today=today,
        totals=totals,
        status=status,
        streak_weeks=streak(weeks, today),
        coming=coming,
        open_actions=open_actions[:LIST_LENGTH],
        open_action_count=len(open_actions),
        learnings=learnings,
        targets={name: round(minutes) for name, minutes in period_targets(status).items()},
    )
    months = [month_add(first_month, i) for i in range(MONTHS_SHOWN)]
    quarter_start = schedule_selectors.period_start(today, TargetPeriod.QUARTER)
    _add_tables_and_charts(dashboard, months, by_month_kind, quarter_start, zone)
    return dashboard


def period_targets(status):
    """{"week"|"month"|"quarter": target minutes}: the target for its own period, and its share for the others
    (a month is a third of a quarter, a week 12/52 of a month)."""
    if status is None:
        return {}
    per_month = status["target_minutes"] if status["period"] == "month" else status["target_minutes"] / 3
    return {"week": per_month * 12 / 52, "month": per_month, "quarter": per_month * 3}


def _yes_no(value):
    return None if value is None else (_("yes") if value else _("no"))


def _on_clock(moment, zone):
    """The moment as the leader's clock reads it, naive so that `when` shows it as is (not on the viewer's clock)."""
    return timezone.localtime(moment, zone).replace(tzinfo=None)


def _kinds_with_time(by_month_kind):
    used = {kind for (_, kind), minutes in by_month_kind.items() if minutes}
    return [kind for kind in Kind.values if kind in used]


def _add_tables_and_charts(dashboard, months, by_month_kind, quarter_start, zone):
    leader, today, status = dashboard.leader, dashboard.today, dashboard.status
    targets = period_targets(status)
    period_rows = []
    for name, label, start in (
        ("week", _("This week"), today - timedelta(days=today.weekday())),
        ("month", _("This month"), today.replace(day=1)),
        ("quarter", _("This quarter"), quarter_start),
    ):
        target = targets.get(name)
        # The running balance is kept in the target's own period; the others show their share of the target.
        balance = hours(status["balance_minutes"]) if status and status["period"] == name else None
        # "On target" is about this month only (scheduling.selectors.on_target), whatever the target's period.
        standing = _yes_no(status["on_target"]) if status and name == "month" else None
        href = _feed_link(leader, start=start, end=today)
        period_rows.append(
            [
                label,
                Link(hours(dashboard.totals[name]), href),
                hours(target) if target is not None else None,
                balance,
                standing,
            ]
        )
    dashboard.tables.append(
        Table(
            name="against-target",
            sheet=_("Against target"),
            title=_("Customer time against target"),
            columns=[
                Column("period", _("Period")),
                Column("hours", _("Hours"), "hours"),
                Column("target", _("Target (h)"), "hours"),
                Column("balance", _("Running balance (h)"), "hours"),
                Column("on_target", _("On target this month")),
            ],
            rows=period_rows,
        )
    )
    kinds = _kinds_with_time(by_month_kind)
    month_rows = []
    for month in months:
        end = month_end(month, today)
        cells = [
            Link(hours(by_month_kind.get((month, kind), 0)), _feed_link(leader, start=month, end=end, kind=kind))
            for kind in kinds
        ]
        total = sum(by_month_kind.get((month, kind), 0) for kind in kinds)
        month_rows.append([when(month, "month"), *cells, Link(hours(total), _feed_link(leader, start=month, end=end))])
    dashboard.tables.append(
        Table(
            name="hours-per-month",
            sheet=_("Hours by month"),
            title=ngettext(
                "Hours with customers per month, last %(count)s month",
                "Hours with customers per month, last %(count)s months",
                len(months),
            )
            % {"count": len(months)},
            columns=[
                Column("month", _("Month")),
                *[Column(kind, str(Kind(kind).label), "hours") for kind in kinds],
                Column("total", _("Total"), "hours"),
            ],
            rows=month_rows,
        )
    )
    dashboard.charts["months"] = charts.stacked_bar_chart(
        title=_("Hours with customers per month"),
        description=ngettext(
            "Customer-facing hours of %(name)s in each of the last %(count)s month, stacked by kind.",
            "Customer-facing hours of %(name)s in each of the last %(count)s months, stacked by kind.",
            len(months),
        )
        % {"name": leader.display_name, "count": len(months)},
        categories=[when(month, "short_month") for month in months],
        series=[(str(Kind(kind).label), [hours(by_month_kind.get((m, kind), 0)) for m in months]) for kind in kinds],
        links=lambda i, j: _feed_link(leader, start=months[i], end=month_end(months[i], today), kind=kinds[j]),
    )
    quarter_months = [m for m in months if m >= quarter_start]
    split = [(kind, sum(by_month_kind.get((m, kind), 0) for m in quarter_months)) for kind in Kind.values]
    split = [(kind, minutes) for kind, minutes in split if minutes]
    total = sum(minutes for _, minutes in split) or 1
    dashboard.tables.append(
        Table(
            name="split-by-kind",
            sheet=_("By kind"),
            title=_("This quarter by kind"),
            columns=[
                Column("kind", _("Kind")),
                Column("hours", _("Hours"), "hours"),
                Column("share", _("Share"), "percent"),
            ],
            rows=[
                [
                    str(Kind(kind).label),
                    Link(hours(minutes), _feed_link(leader, start=quarter_start, end=today, kind=kind)),
                    round(100 * minutes / total),
                ]
                for kind, minutes in split
            ],
        )
    )
    dashboard.charts["split"] = charts.horizontal_bar_chart(
        title=_("This quarter by kind"),
        description=_("Customer-facing hours this quarter, by kind of customer time."),
        labels=[str(Kind(kind).label) for kind, _ in split],
        values=[hours(minutes) for _, minutes in split],
        unit="h",
        links={i: _feed_link(leader, start=quarter_start, end=today, kind=kind) for i, (kind, _) in enumerate(split)},
    )
    dashboard.tables.append(
        Table(
            name="coming",
            sheet=_("Coming"),
            title=_("Coming customer time"),
            columns=[Column("when", _("When")), Column("what", _("What")), Column("where", _("Where"))],
            rows=[[when(_on_clock(s.starts_at, zone), "weekday_day_time"), s.label, s.place] for s in dashboard.coming],
        )
    )
    dashboard.tables.append(
        Table(
            name="open-actions",
            sheet=_("Open actions"),
            title=_("My open actions"),
            columns=[
                Column("title", pgettext("an action to take, as a column heading", "Action")),
                Column("status", _("Status")),
                Column("due", _("Due"), "date"),
            ],
            rows=[[Link(a.title, a.href), a.status, a.due_on] for a in dashboard.open_actions],
        )
    )
    dashboard.tables.append(
        Table(
            name="recent-learnings",
            sheet=_("Recent learnings"),
            title=_("My recent learnings"),
            columns=[Column("learning", _("Learning")), Column("kind", _("Kind")), Column("when", _("When"), "date")],
            rows=[[Link(lg.text[:120], lg.href), lg.kind, lg.day] for lg in dashboard.learnings],
        )
    )
