"""Customer scores against leader presence, and their change."""

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from apps.dashboards import charts
from apps.dashboards.periods import hours
from apps.dashboards.tables import Column, Link, Table
from apps.insights import selectors as insight_selectors
from apps.insights.models import ScoreMetric

from .. import links
from .common import change


def build(r):
    by_region = r.scope.region is None and r.figures["regions"] > 0
    for metric in ScoreMetric.values:
        kwargs = {"organization": r.organization.pk, "metric": metric, "region": r.scope.region}
        now = insight_selectors.presence_and_scores(
            first_month=r.period.first_month,
            last_month=r.period.last_month,
            first_day=r.period.first_day,
            last_day=r.as_of,
            **kwargs,
        )
        previous = r.period.previous
        before = insight_selectors.presence_and_scores(
            first_month=previous.first_month,
            last_month=previous.last_month,
            first_day=previous.first_day,
            last_day=previous.last_day,
            **kwargs,
        )
        if not any(p.score is not None for p in now + before):
            continue
        now_rows, before_rows = _group(now, by_region), _group(before, by_region)
        label = str(ScoreMetric(metric).label)
        rows = []
        for key, (name, pk, minutes, score) in now_rows.items():
            earlier = before_rows.get(key, (None, None, None, None))[3]
            href = links.scores(metric=metric, location=pk, region=key if by_region else None)
            where = {"location": pk} if pk else {"region": key}
            rows.append(
                [
                    Link(name, href),
                    Link(hours(minutes), links.feed(start=r.period.first_day, end=r.as_of, **where)),
                    score,
                    earlier,
                    change(score, earlier),
                ]
            )
        r.tables.append(
            Table(
                name=f"scores-{metric}",
                sheet=label[:31],
                title=(
                    _("%(score)s by region, against leader presence")
                    if by_region
                    else _("%(score)s by location, against leader presence")
                )
                % {"score": label},
                columns=[
                    Column("place", _("Region") if by_region else _("Location")),
                    Column("hours", _("Leader hours"), "hours"),
                    Column("score", label, "number"),
                    Column("before", _("Previous period"), "number"),
                    Column("change", pgettext("the difference from the previous period", "Change"), "change"),
                ],
                rows=rows,
            )
        )
        if metric == ScoreMetric.NPS:
            r.charts["presence"] = charts.scatter_chart(
                title=_("Leader presence and %(score)s") % {"score": label},
                description=(
                    _("Each point is a region: leader hours there in the period against its %(score)s.")
                    if by_region
                    else _("Each point is a location: leader hours there in the period against its %(score)s.")
                )
                % {"score": label},
                points=[(str(row[0].value), row[1].value, row[2]) for row in rows if row[2] is not None],
                x_label=_("Leader hours"),
                y_label=label,
            )


def _group(places, by_region):
    """{key: (name, location id or None, leader minutes, average score)}: per location, or per region (the
    average of its locations' averages)."""
    if not by_region:
        return {
            p.pk: (p.name, p.pk, p.minutes, round(float(p.score), 1) if p.score is not None else None) for p in places
        }
    groups = {}
    for p in places:
        key = (p.region_name or _("No region"), p.region_id)
        minutes, total, n = groups.get(key, (0, 0, 0))
        groups[key] = (minutes + p.minutes, total + (p.score or 0), n + (p.score is not None))
    return {
        region_id: (name, None, minutes, round(float(total / n), 1) if n else None)
        for (name, region_id), (minutes, total, n) in sorted(groups.items(), key=lambda item: item[0][0])
    }
