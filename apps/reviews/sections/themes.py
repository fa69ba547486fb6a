"""Themes: what customers said, in their own words."""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from apps.dashboards import charts
from apps.dashboards.tables import Column, Link, Table
from apps.insights import selectors as insight_selectors

from .. import links

TOP_THEMES = 8
RISING_THEMES = 5
QUOTES_PER_THEME = 3


@dataclass(frozen=True)
class Quote:
    quote: str
    heard_by: str
    place: str
    href: str


def build(r, start, end):
    period = r.period
    trends = insight_selectors.theme_trends(
        organization=r.organization.pk,
        first_month=period.first_month,
        last_month=period.last_month,
        previous_first_month=period.previous.first_month,
        region=r.scope.region,
    )
    names = {pk: trend.name for pk, trend in trends.items()}
    now = {pk: trend.now for pk, trend in trends.items() if trend.now}
    before = {pk: trend.before for pk, trend in trends.items()}
    top = sorted(now.items(), key=lambda item: (-item[1], names[item[0]]))[:TOP_THEMES]
    rising = sorted(((pk, n - before.get(pk, 0)) for pk, n in now.items()), key=lambda i: (-i[1], names[i[0]]))
    rising = [(pk, rise) for pk, rise in rising if rise > 0][:RISING_THEMES]

    def learned(pk):
        return links.learnings(theme=pk, start=period.first_day, end=r.as_of)

    r.tables.append(
        Table(
            name="themes",
            sheet=_("Top themes"),
            title=_("What customers talked about most"),
            columns=[
                Column("theme", _("Theme")),
                Column("learnings", _("Learnings"), "int"),
                Column("before", _("Previous period"), "int"),
                Column("change", pgettext("the difference from the previous period", "Change"), "change"),
            ],
            rows=[
                [Link(names[pk], learned(pk)), Link(n, learned(pk)), before.get(pk, 0), n - before.get(pk, 0)]
                for pk, n in top
            ],
        )
    )
    r.tables.append(
        Table(
            name="rising-themes",
            sheet=_("Rising themes"),
            title=_("Fastest rising"),
            columns=[
                Column("theme", _("Theme")),
                Column("rise", _("More learnings than the previous period"), "int"),
                Column("learnings", _("Learnings"), "int"),
            ],
            rows=[[Link(names[pk], learned(pk)), rise, Link(now[pk], learned(pk))] for pk, rise in rising],
        )
    )
    r.charts["themes"] = charts.horizontal_bar_chart(
        title=_("Most frequent themes"),
        description=_("Learnings confirmed under each theme in the period."),
        labels=[names[pk] for pk, _ in top],
        values=[n for _, n in top],
        links={i: learned(pk) for i, (pk, _) in enumerate(top)},
    )
    wanted = list(dict.fromkeys([pk for pk, _ in top[:3]] + [pk for pk, _ in rising]))
    # Twice as many as shown: the same words heard by several leaders are quoted once.
    examples = insight_selectors.theme_examples(
        organization=r.organization.pk, theme_ids=wanted, start=start, end=end, per_theme=2 * QUOTES_PER_THEME
    )
    examples = {pk: _distinct(found)[:QUOTES_PER_THEME] for pk, found in examples.items()}
    r.quotes = [
        (
            names[pk],
            now.get(pk, 0),
            learned(pk),
            [Quote(e.quote, e.heard_by, e.place, links.learning(e.pk)) for e in examples.get(pk, [])],
        )
        for pk in wanted
    ]
    r.figures["themes"] = len(now)


def _distinct(examples):
    seen, kept = set(), []
    for e in examples:
        key = " ".join(e.quote.casefold().split())
        if key not in seen:
            seen.add(key)
            kept.append(e)
    return kept
