"""What came of it: actions and pilots, traced back to the customers' words."""

from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _

from apps.dashboards.tables import Column, Link
from apps.insights import selectors as insight_selectors
from apps.insights.models import Verdict

from .. import links
from .common import ROWS_SHOWN, table


def _authors(r):
    return [leader.pk for leader in r.leaders] if r.scope.team is not None else None


def _action_rows(r, actions, *, overdue=False):
    rows = []
    for a in actions:
        row = [Link(a.title, links.action(a.pk)), a.owner, Link(a.learnings, links.action(a.pk)), a.due_on]
        if overdue:
            row.append((r.as_of - a.due_on).days)
        rows.append(row)
    return rows


def build(r, start, end):
    opened, closed, overdue = insight_selectors.review_actions(
        organization=r.organization.pk,
        start=start,
        end=end,
        last_day=r.as_of,
        region=r.scope.region,
        authors=_authors(r),
    )
    columns = [
        Column("action", _("Action")),
        Column("owner", _("Owner")),
        Column("learnings", _("Learnings behind it"), "int"),
        Column("due", _("Due"), "date"),
    ]
    r.tables += [
        table(
            "actions-opened",
            _("Actions opened"),
            _("Actions opened"),
            columns,
            _action_rows(r, opened),
            empty=_("No action was opened in the period."),
        ),
        table(
            "actions-closed",
            _("Actions closed"),
            _("Actions closed"),
            columns,
            _action_rows(r, closed),
            empty=_("No action was closed in the period."),
        ),
        table(
            "actions-overdue",
            _("Actions overdue"),
            _("Actions overdue at the end of the period"),
            [*columns, Column("days", _("Days overdue"), "int")],
            _action_rows(r, overdue, overdue=True),
            empty=_("No action was overdue."),
        ),
    ]
    zone = ZoneInfo(r.organization.time_zone)
    started, decided, awaiting, origins = insight_selectors.review_pilots(
        organization=r.organization.pk,
        first_day=r.period.first_day,
        last_day=r.as_of,
        start=start,
        end=end,
        region=r.scope.region,
        authors=_authors(r),
    )
    verdict_rows = [
        [
            Link(p.title, links.pilot(p.pk)),
            p.owner,
            str(Verdict(p.verdict).label),
            timezone.localtime(p.decided_at, zone).date(),
        ]
        for p in decided
    ]
    r.tables.append(
        table(
            "pilots-started",
            _("Pilots started"),
            _("Pilots started"),
            [
                Column("pilot", _("Pilot")),
                Column("owner", _("Owner")),
                Column("starts", _("Start"), "date"),
                Column("ends", _("End"), "date"),
            ],
            [[Link(p.title, links.pilot(p.pk)), p.owner, p.starts_on, p.ends_on] for p in started],
            empty=_("No pilot started in the period."),
        )
    )
    r.tables.append(
        table(
            "pilot-verdicts",
            _("Pilot verdicts"),
            _("Pilot verdicts"),
            [
                Column("pilot", _("Pilot")),
                Column("owner", _("Owner")),
                Column("verdict", _("Verdict")),
                Column("decided", _("Decided"), "date"),
            ],
            verdict_rows,
            empty=_("No pilot got its verdict in the period."),
        )
    )
    seen = {}
    for p in decided + started:
        label = str(Verdict(p.verdict).label) if p.verdict else ""
        seen.setdefault(p.pk, (Link(p.title, links.pilot(p.pk)), label, origins.get(p.pk, [])))
    r.pilots = list(seen.values())[:ROWS_SHOWN]
    previous = r.period.previous
    zone_start, zone_end = previous.start(zone), previous.end(zone)
    before_opened, before_closed, _overdue = insight_selectors.review_actions(
        organization=r.organization.pk,
        start=zone_start,
        end=zone_end,
        last_day=previous.last_day,
        region=r.scope.region,
        authors=_authors(r),
    )
    before_verdicts = insight_selectors.review_verdict_count(
        organization=r.organization.pk, start=zone_start, end=zone_end, region=r.scope.region, authors=_authors(r)
    )
    for name, now_count, before_count in (
        ("actions_opened", len(opened), len(before_opened)),
        ("actions_closed", len(closed), len(before_closed)),
        ("actions_overdue", len(overdue), len(_overdue)),
        ("verdicts", len(decided), before_verdicts),
    ):
        r.figures[f"{name}_before"] = before_count
        r.figures[f"{name}_change"] = now_count - before_count
    r.figures.update(
        actions_opened=len(opened),
        actions_closed=len(closed),
        actions_overdue=len(overdue),
        overdue=overdue,
        pilots_started=len(started),
        verdicts=len(decided),
        awaiting=awaiting,
    )
