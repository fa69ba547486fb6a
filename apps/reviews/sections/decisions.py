"""Decisions for the meeting: overdue actions, pilots awaiting a verdict, blind spots."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.core.formatting import when

from .. import links

DECISIONS_EACH = 10


def build(r):
    decisions = []
    for a in r.figures["overdue"][:DECISIONS_EACH]:
        days = (r.as_of - a.due_on).days
        decisions.append(
            (
                "overdue",
                ngettext(
                    "Overdue action: %(title)s (%(owner)s, %(days)s day late)",
                    "Overdue action: %(title)s (%(owner)s, %(days)s days late)",
                    days,
                )
                % {"title": a.title, "owner": a.owner, "days": days},
                links.action(a.pk),
            )
        )
    for p in r.figures["awaiting"][:DECISIONS_EACH]:
        decisions.append(
            (
                "verdict",
                _("Pilot awaiting a verdict: %(title)s (ended %(date)s)") % {"title": p.title, "date": when(p.ends_on)},
                links.pilot(p.pk),
            )
        )
    for place in r.figures["blind"][:DECISIONS_EACH]:
        text = (
            _("Blind spot: %(place)s, no visit for %(days)s days")
            % {"place": place.name, "days": (r.as_of - place.last_visit).days}
            if place.last_visit
            else _("Blind spot: %(place)s, never visited") % {"place": place.name}
        )
        decisions.append(("blind", text, links.feed(location=place.pk)))
    r.decisions = decisions
