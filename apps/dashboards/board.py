"""The board's dashboard, for a chosen period and region or team: leaders' hours with customers per month by
kind and the share on target; coverage of locations and blind spots; the most frequent and fastest-rising
themes; the closed loop from learnings to done; and leader presence against customer scores. Every figure
comes from rollup rows or small tables through other apps' selectors: a fixed number of queries.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from apps.core.formatting import when
from apps.engagements import selectors as engagement_selectors
from apps.engagements.models import CUSTOMER_FACING_KINDS, Kind
from apps.insights import selectors as insight_selectors
from apps.insights.models import ScoreMetric
from apps.organizations import selectors as org_selectors
from apps.scheduling import selectors as schedule_selectors

from . import charts
from .periods import hours, month_add, month_end
from .tables import Column, Link, Table, plain

PERIODS = {"3m": 3, "6m": 6, "12m": 12}
TOP_THEMES = 8
RISING_THEMES = 5
BLIND_SPOTS_SHOWN = 15
LEADERS_EACH_END = 10  # the board's leader table: the ten most and the ten least with customers


@dataclass
class BoardFilters:
    months: int = 12
    region: object = None
    team: object = None  # a chief of staff: their executives
    blind_days: int = 60
    metric: str = ScoreMetric.NPS
    by_region: bool = False


@dataclass
class BoardDashboard:
    organization: object
    filters: BoardFilters
    today: date
    months: list
    leaders: list
    summary: dict = field(default_factory=dict)
    tables: list[Table] = field(default_factory=list)
    charts: dict = field(default_factory=dict)
    examples: dict = field(default_factory=dict)


@lru_cache(maxsize=64)
def _path(name):
    return reverse(name)


def _link(name, **query):
    """The page's URL with the query. The values are ids, ISO dates and slugs, which read the same quoted or not:
    a page builds several hundred links, and urlencode's quoting of each was a visible share of its time."""
    return f"{_path(name)}?" + "&".join(f"{key}={value}" for key, value in query.items() if value not in (None, ""))


def build(*, organization, filters, now=None):
    now = now or timezone.now()
    zone = ZoneInfo(organization.time_zone)
    today = timezone.localtime(now, zone).date()
    last_month = today.replace(day=1)
    first_month = month_add(last_month, -(filters.months - 1))
    months = [month_add(first_month, i) for i in range(filters.months)]
    leaders = org_selectors.executive_names(organization=organization.pk, supported_by=filters.team)
    d = BoardDashboard(organization=organization, filters=filters, today=today, months=months, leaders=leaders)
    start = datetime.combine(first_month, time.min, tzinfo=zone)
    end = datetime.combine(today + timedelta(days=1), time.min, tzinfo=zone)
    _hours_section(d)
    _coverage_section(d)
    _themes_section(d, start, end)
    _loop_section(d, start, end)
    _presence_section(d)
    return d


def _scope(d):
    return {
        "organization": d.organization.pk,
        "first_month": d.months[0],
        "last_month": d.months[-1],
        # Active executives (of the team, when one is chosen): the same people in every figure.
        "members": d.leaders if d.filters.team is not None else None,
        "active_only": True,
        "region": d.filters.region,
    }


def _feed(d, *, start, end, **query):
    region = d.filters.region.pk if d.filters.region is not None else None
    return _link(
        "engagements:feed", period="custom", start=start.isoformat(), end=end.isoformat(), region=region, **query
    )


# --- Hours per leader per month, by kind, and the share on target --------------------------------------
def _hours_section(d):
    scope = _scope(d)
    n = max(len(d.leaders), 1)
    every_kind = list(engagement_selectors.rollup_totals(**scope, group_by=("month", "kind"), kinds=Kind.values))
    # Learnings of every kind of engagement feed the closed loop; hours count customer-facing time only.
    d.summary["learnings"] = sum(row["learnings"] for row in every_kind)
    by_month_kind = {
        (row["month"], row["kind"]): row["minutes"] for row in every_kind if row["kind"] in CUSTOMER_FACING_KINDS
    }
    standing = schedule_selectors.target_standing(
        organization=scope["organization"],
        months=d.months,
        leaders=[leader.pk for leader in d.leaders],
        region=d.filters.region,
    )
    kinds = [k for k in Kind.values if any(by_month_kind.get((m, k)) for m in d.months)]
    today = d.today
    d.charts["hours"] = charts.stacked_bar_chart(
        title=_("Hours with customers per leader per month"),
        description=ngettext(
            "Average customer-facing hours per leader (%(count)s leader) in each month, by kind.",
            "Average customer-facing hours per leader (%(count)s leaders) in each month, by kind.",
            len(d.leaders),
        )
        % {"count": len(d.leaders)},
        categories=[when(m, "short_month") for m in d.months],
        series=[(str(Kind(k).label), [hours(by_month_kind.get((m, k), 0) / n) for m in d.months]) for k in kinds],
        links=lambda i, j: _feed(d, start=d.months[i], end=month_end(d.months[i], today), kind=kinds[j]),
    )
    month_rows = []
    for month in d.months:
        total = sum(by_month_kind.get((month, k), 0) for k in kinds)
        month_rows.append(
            [
                when(month, "month"),
                *[hours(by_month_kind.get((month, k), 0) / n) for k in kinds],
                hours(total / n),
                Link(hours(total), _feed(d, start=month, end=month_end(month, today))),
            ]
        )
    on_target_rows = [
        [when(month, "month"), with_target, on, round(100 * on / with_target) if with_target else None]
        for month, (with_target, on) in zip(d.months, standing.months, strict=True)
    ]
    d.tables.append(
        Table(
            name="hours-per-month",
            sheet=_("Hours by month"),
            title=_("Hours per leader per month, by kind"),
            columns=[
                Column("month", _("Month")),
                *[Column(k, str(Kind(k).label), "hours") for k in kinds],
                Column("per_leader", _("Per leader"), "hours"),
                Column("total", _("All leaders"), "hours"),
            ],
            rows=month_rows,
        )
    )
    d.tables.append(
        Table(
            name="on-target",
            sheet=_("On target"),
            title=_("Share of leaders on target"),
            columns=[
                Column("month", _("Month")),
                Column("with_target", _("Leaders with a target"), "int"),
                Column("on_target", _("On target"), "int"),
                Column("share", _("Share"), "percent"),
            ],
            rows=on_target_rows,
        )
    )
    shares = [row[3] for row in on_target_rows if row[3] is not None]
    d.summary["on_target_share"] = shares[-1] if shares else None
    nobody = (0, None)
    ranked = sorted(d.leaders, key=lambda leader: (-standing.leaders.get(leader.pk, nobody)[0], leader.display_name))
    shown = ranked if len(ranked) <= 2 * LEADERS_EACH_END else ranked[:LEADERS_EACH_END] + ranked[-LEADERS_EACH_END:]
    first = d.months[0]
    leader_rows = []
    for leader in shown:
        minutes, months_on_target = standing.leaders.get(leader.pk, nobody)
        leader_rows.append(
            [
                Link(leader.display_name, _link("dashboards:executive", leader=leader.pk)),
                Link(hours(minutes), _feed(d, start=first, end=today, leader=leader.pk)),
                hours(minutes / len(d.months)),
                months_on_target,
            ]
        )
    title = _("Hours per leader over the period")
    if len(shown) < len(ranked):
        title = _("Most and least hours with customers: %(each)s each of %(count)s leaders") % {
            "each": LEADERS_EACH_END,
            "count": len(ranked),
        }
    d.tables.append(
        Table(
            name="hours-per-leader",
            sheet=_("Hours by leader"),
            title=title,
            columns=[
                Column("leader", _("Leader")),
                Column("hours", _("Hours"), "hours"),
                Column("per_month", _("Per month"), "hours"),
                Column("months_on_target", _("Months on target"), "int"),
            ],
            rows=leader_rows,
        )
    )
    d.summary["hours"] = hours(sum(minutes for minutes, _ in standing.leaders.values()))


# --- Coverage ----------------------------------------------------------------------------------------------
def _coverage_section(d):
    locations = engagement_selectors.location_coverage(
        organization=d.organization.pk, today=d.today, region=d.filters.region
    )
    total = len(locations)
    visited = {days: [loc for loc in locations if loc.visits[days]] for days in (30, 90)}
    regions = {loc.region_id for loc in locations if loc.region_id}
    regions_visited = {days: {loc.region_id for loc in visited[days] if loc.region_id} for days in (30, 90)}
    d.summary["coverage"] = {
        days: (len(visited[days]), total, round(100 * len(visited[days]) / total) if total else None)
        for days in (30, 90)
    }
    d.tables.append(
        Table(
            name="coverage",
            sheet=_("Coverage"),
            title=_("Coverage: places visited"),
            columns=[
                Column("window", _("In the last")),
                Column("locations", _("Locations visited"), "int"),
                Column("of", _("Of"), "int"),
                Column("share", _("Share"), "percent"),
                Column("regions", _("Regions visited"), "int"),
                Column("regions_of", _("Of"), "int"),
            ],
            rows=[
                [
                    ngettext("%(count)s day", "%(count)s days", days) % {"count": days},
                    Link(len(visited[days]), _link("engagements:feed", period=f"{days}d")),
                    total,
                    d.summary["coverage"][days][2],
                    len(regions_visited[days]),
                    len(regions),
                ]
                for days in (30, 90)
            ],
        )
    )
    cutoff = d.today - timedelta(days=d.filters.blind_days)
    blind = [loc for loc in locations if loc.last_visit is None or loc.last_visit <= cutoff]
    blind.sort(key=lambda loc: (loc.last_visit or date.min, loc.name))
    d.summary["blind_spots"] = len(blind)
    rows = [
        [
            Link(loc.name, _link("engagements:feed", location=loc.pk)),
            loc.region_name,
            loc.last_visit,
            (d.today - loc.last_visit).days if loc.last_visit else None,
        ]
        for loc in blind
    ]
    d.tables.append(
        Table(
            name="blind-spots",
            sheet=_("Blind spots"),
            title=ngettext(
                "Blind spots: not visited for %(count)s day",
                "Blind spots: not visited for %(count)s days",
                d.filters.blind_days,
            )
            % {"count": d.filters.blind_days},
            columns=[
                Column("location", _("Location")),
                Column("region", _("Region")),
                Column("last_visit", _("Last visit"), "date"),
                Column("days", _("Days since"), "int"),
            ],
            rows=rows,
        )
    )
    shown = blind[:BLIND_SPOTS_SHOWN]
    d.charts["blind_spots"] = charts.horizontal_bar_chart(
        title=ngettext(
            "Longest without a visit (%(blind)s not visited for %(count)s day)",
            "Longest without a visit (%(blind)s not visited for %(count)s days)",
            d.filters.blind_days,
        )
        % {"blind": len(blind), "count": d.filters.blind_days},
        description=_("Days since each location's last leader visit; never visited shows no bar."),
        labels=[loc.name for loc in shown],
        values=[(d.today - loc.last_visit).days if loc.last_visit else None for loc in shown],
        unit="d",
        links={i: _link("engagements:feed", location=loc.pk) for i, loc in enumerate(shown)},
    )


# --- Themes ------------------------------------------------------------------------------------------------
def _themes_section(d, start, end):
    organization = d.organization.pk
    trends = insight_selectors.theme_trends(
        organization=organization,
        first_month=d.months[0],
        last_month=d.months[-1],
        previous_first_month=month_add(d.months[0], -len(d.months)),
        region=d.filters.region,
    )
    names = {pk: trend.name for pk, trend in trends.items()}
    now_counts = {pk: trend.now for pk, trend in trends.items() if trend.now}
    before_counts = {pk: trend.before for pk, trend in trends.items()}
    top = sorted(now_counts.items(), key=lambda item: (-item[1], names.get(item[0], "")))[:TOP_THEMES]
    rising = sorted(
        ((pk, count - before_counts.get(pk, 0)) for pk, count in now_counts.items()),
        key=lambda item: (-item[1], names.get(item[0], "")),
    )
    rising = [(pk, rise) for pk, rise in rising if rise > 0][:RISING_THEMES]
    period = {"period": "custom", "start": d.months[0].isoformat(), "end": d.today.isoformat()}

    def learned(pk):
        return _link("insights:learning_feed", theme=pk, **period)

    d.charts["themes"] = charts.horizontal_bar_chart(
        title=_("Most frequent themes"),
        description=_("Learnings confirmed under each theme in the period."),
        labels=[names.get(pk, "?") for pk, _ in top],
        values=[count for _, count in top],
        links={i: learned(pk) for i, (pk, _) in enumerate(top)},
    )
    d.tables.append(
        Table(
            name="themes",
            sheet=_("Top themes"),
            title=_("Themes: most frequent"),
            columns=[
                Column("theme", _("Theme")),
                Column("learnings", _("Learnings"), "int"),
                Column("before", _("Previous period"), "int"),
                Column("change", pgettext("the difference from the previous period", "Change"), "int"),
            ],
            rows=[
                [
                    names.get(pk, "?"),
                    Link(count, learned(pk)),
                    before_counts.get(pk, 0),
                    count - before_counts.get(pk, 0),
                ]
                for pk, count in top
            ],
        )
    )
    d.tables.append(
        Table(
            name="rising-themes",
            sheet=_("Rising themes"),
            title=_("Themes: fastest rising"),
            columns=[
                Column("theme", _("Theme")),
                Column("rise", _("More learnings than the previous period"), "int"),
                Column("learnings", _("Learnings"), "int"),
            ],
            rows=[[names.get(pk, "?"), rise, Link(now_counts[pk], learned(pk))] for pk, rise in rising],
        )
    )
    wanted = list(dict.fromkeys([pk for pk, _ in rising] + [pk for pk, _ in top[:3]]))
    examples = insight_selectors.theme_examples(organization=organization, theme_ids=wanted, start=start, end=end)
    d.examples = [(names.get(pk, "?"), examples.get(pk, [])) for pk in wanted]


# --- The closed loop -----------------------------------------------------------------------------------------
def _loop_section(d, start, end):
    learnings = d.summary["learnings"]
    loop = insight_selectors.loop_counts(
        organization=d.organization.pk,
        first_month=d.months[0],
        last_month=d.months[-1],
        region=d.filters.region,
        authors=[leader.pk for leader in d.leaders] if d.filters.team is not None else None,
    )
    median = insight_selectors.median_days_to_close(organization=d.organization.pk, start=start, end=end)
    steps = [
        (_("Learnings"), learnings, _link("insights:learning_feed", period="custom", start=d.months[0].isoformat())),
        (_("Answered by an action"), loop["with_action"], _link("insights:action_list", tab="all")),
        (_("Piloted"), loop["piloted"], reverse("insights:pilot_list")),
        (_("Done"), loop["done"], _link("insights:action_list", tab="closed")),
    ]
    d.summary["median_days_to_close"] = median
    d.charts["loop"] = charts.funnel_chart(
        title=_("From what we learned to what we did"),
        description=_("Learnings in the period, those an action answers, those piloted and those done."),
        steps=[(label, count) for label, count, _ in steps],
        links={i: href for i, (_, _, href) in enumerate(steps)},
    )
    d.tables.append(
        Table(
            name="loop",
            sheet=_("Closed loop"),
            title=_("The closed loop"),
            columns=[
                Column("step", _("Step")),
                Column("learnings", _("Learnings"), "number"),
                Column("share", _("Share"), "percent"),
            ],
            rows=[
                [label, Link(count, href), round(100 * count / learnings) if learnings else None]
                for label, count, href in steps
            ]
            + [[_("Median days from action to done"), median, None]],
        )
    )


# --- Leader presence against customer scores -----------------------------------------------------------------
def _presence_section(d):
    first_day = d.months[0]
    places = insight_selectors.presence_and_scores(
        organization=d.organization.pk,
        metric=d.filters.metric,
        first_month=first_day,
        last_month=d.months[-1],
        first_day=first_day,
        last_day=d.today,
        region=d.filters.region,
    )
    label = str(ScoreMetric(d.filters.metric).label)
    if d.filters.by_region:
        groups = {}
        for place in places:
            key = place.region_name or _("No region")
            minutes, score_sum, score_n = groups.get(key, (0, 0, 0))
            groups[key] = (
                minutes + place.minutes,
                score_sum + (place.score or 0),
                score_n + (1 if place.score is not None else 0),
            )
        rows = [
            [name, hours(minutes), round(float(total / n), 1) if n else None]
            for name, (minutes, total, n) in sorted(groups.items())
        ]
    else:
        scores_link = _link("insights:score_list", metric=d.filters.metric)
        feed_link = _link("engagements:feed", period="custom", start=first_day.isoformat())
        rows = [
            [
                Link(place.name, f"{scores_link}&location={place.pk}"),
                Link(hours(place.minutes), f"{feed_link}&location={place.pk}"),
                round(float(place.score), 1) if place.score is not None else None,
            ]
            for place in places
        ]
    d.tables.append(
        Table(
            name="presence-vs-scores",
            sheet=_("Presence and scores"),
            title=(
                _("Leader presence and %(score)s by region")
                if d.filters.by_region
                else _("Leader presence and %(score)s by location")
            )
            % {"score": label},
            columns=[
                Column("place", _("Region") if d.filters.by_region else _("Location")),
                Column("hours", _("Leader hours"), "hours"),
                Column("score", _("Average %(score)s") % {"score": label}, "number"),
            ],
            rows=rows,
        )
    )
    points = [
        (
            str(plain(row[0])),
            plain(row[1]),
            row[2],
        )
        for row in rows
        if row[2] is not None
    ]
    d.charts["presence"] = charts.scatter_chart(
        title=_("Leader presence and %(score)s") % {"score": label},
        description=(
            _("Each point is a region: leader hours there in the period against its average %(score)s.")
            if d.filters.by_region
            else _("Each point is a location: leader hours there in the period against its average %(score)s.")
        )
        % {"score": label},
        points=points,
        x_label=_("Leader hours"),
        y_label=label,
    )
