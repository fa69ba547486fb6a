"""What every section of the review uses: capped lists, links into the log, changes."""

from django.utils.translation import gettext as _

from apps.core.formatting import number
from apps.dashboards.tables import Table

from .. import links

ROWS_SHOWN = 25  # a list in the document (blind spots, actions): the first this many, its title says of how many


def capped(title, rows):
    """A long list's first ROWS_SHOWN rows, its title saying so: nothing is cut without a word."""
    if len(rows) <= ROWS_SHOWN:
        return title, rows
    return _("%(title)s (the first %(shown)s of %(count)s)") % {
        "title": title,
        "shown": ROWS_SHOWN,
        "count": number(len(rows)),
    }, rows[:ROWS_SHOWN]


def table(name, sheet, title, columns, rows, empty=""):
    title, rows = capped(title, rows)
    return Table(name=name, sheet=sheet, title=title, columns=columns, rows=rows, empty=empty)


def feed(r, **query):
    region = r.scope.region.pk if r.scope.region is not None else None
    return links.feed(start=r.period.first_day, end=r.as_of, region=region, **query)


def change(now, before):
    """The change from the previous period (None when either is unknown)."""
    if now is None or before is None:
        return None
    return now - before
