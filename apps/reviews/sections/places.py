"""Places: where the leaders went, and where nobody went."""

from datetime import date, timedelta

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.dashboards.tables import Column, Link, Table
from apps.engagements import selectors as engagement_selectors

from .. import links
from .common import feed, table

BLIND_DAYS = 60  # a place nobody visited for this long is a blind spot (the board's default too)
PLACES_SHOWN = 15


def build(r):
    places = engagement_selectors.location_coverage(
        organization=r.organization.pk,
        today=r.as_of,
        region=r.scope.region,
        windows=(r.period.days, BLIND_DAYS),
    )
    days = r.period.days
    visited = sorted((p for p in places if p.visits[days]), key=lambda p: (-p.visits[days], p.name))
    cutoff = r.as_of - timedelta(days=BLIND_DAYS)
    blind = [p for p in places if p.last_visit is None or p.last_visit <= cutoff]
    blind.sort(key=lambda p: (p.last_visit or date.min, p.name))
    regions = {p.region_id for p in places if p.region_id}
    r.figures.update(
        places=len(places),
        places_visited=len(visited),
        regions=len(regions),
        regions_visited=len({p.region_id for p in visited if p.region_id}),
        blind_spots=len(blind),
        blind=blind,
    )
    r.tables.append(
        Table(
            name="places-visited",
            sheet=_("Places visited"),
            title=ngettext(
                "Most visited: %(shown)s of %(count)s place visited",
                "Most visited: %(shown)s of %(count)s places visited",
                len(visited),
            )
            % {"shown": min(len(visited), PLACES_SHOWN), "count": len(visited)},
            columns=[
                Column("location", _("Location")),
                Column("region", _("Region")),
                Column("visits", _("Visits"), "int"),
                Column("last_visit", _("Last visit"), "date"),
            ],
            rows=[
                [Link(p.name, feed(r, location=p.pk)), p.region_name, p.visits[days], p.last_visit]
                for p in visited[:PLACES_SHOWN]
            ],
        )
    )
    r.tables.append(
        table(
            "blind-spots",
            _("Blind spots"),
            ngettext(
                "Blind spots: not visited for %(count)s day",
                "Blind spots: not visited for %(count)s days",
                BLIND_DAYS,
            )
            % {"count": BLIND_DAYS},
            [
                Column("location", _("Location")),
                Column("region", _("Region")),
                Column("last_visit", _("Last visit"), "date"),
                Column("days", _("Days since"), "int"),
            ],
            [
                [
                    Link(p.name, links.feed(location=p.pk)),
                    p.region_name,
                    p.last_visit,
                    (r.as_of - p.last_visit).days if p.last_visit else None,
                ]
                for p in blind
            ],
            empty=ngettext(
                "No blind spots: every place had a visit in the last %(count)s day.",
                "No blind spots: every place had a visit in the last %(count)s days.",
                BLIND_DAYS,
            )
            % {"count": BLIND_DAYS},
        )
    )
