"""The monthly customer review of an organization, a region or a chief of staff's team: who spent how much time
with customers against target, where they went and where nobody went, what customers said, what came of it, the
customer scores against leader presence, and the decisions for the meeting. One structure read by the page, the
board pack PDF and the monthly email, so that all three show the same figures. Every figure comes from other
apps' selectors (rollup rows and small tables): a fixed number of queries whatever the organization's size.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.core.formatting import hours as hours_text
from apps.core.formatting import number
from apps.dashboards.tables import Table
from apps.organizations import selectors as org_selectors

from .periods import Period, period_of
from .sections import decisions, leaders, outcomes, places, scores, themes


@dataclass(frozen=True)
class Scope:
    region: object = None  # a Region
    team: object = None  # a chief of staff's Membership: the executives they support

    @property
    def label(self):
        if self.region is not None:
            return self.region.name
        if self.team is not None:
            return _("%(name)s's executives") % {"name": self.team.display_name}
        return _("Whole organization")

    @property
    def key(self):
        """What the scope is, as a short stable text (a pack's cache key)."""
        if self.region is not None:
            return f"region-{self.region.pk}"
        if self.team is not None:
            return f"team-{self.team.pk}"
        return "all"


@dataclass
class Review:
    organization: object
    period: Period
    scope: Scope
    today: date
    as_of: date  # the period's last day, or today while it is under way
    generated_at: datetime
    leaders: list  # Person rows
    figures: dict = field(default_factory=dict)  # the headline numbers, with the previous period's beside them
    tables: list[Table] = field(default_factory=list)
    charts: dict = field(default_factory=dict)
    quotes: list = field(default_factory=list)  # [(theme name, count, [Example])]
    pilots: list = field(default_factory=list)  # [(ReviewPilot, what it is, [PilotOrigin])]
    decisions: list = field(default_factory=list)  # [(kind, text, href)]

    @property
    def under_way(self):
        return self.as_of < self.period.last_day

    @property
    def is_empty(self):
        f = self.figures
        return not (f["minutes"] or f["learnings"] or f["actions_opened"] or f["actions_closed"] or f["verdicts"])

    def table(self, name):
        return next(table for table in self.tables if table.name == name)

    @property
    def score_tables(self):
        return [table for table in self.tables if table.name.startswith("scores-")]

    @property
    def t(self):
        """{name with underscores: table}, for templates."""
        return {table.name.replace("-", "_"): table for table in self.tables}


def build(*, organization, period, scope=None, now=None):
    scope = scope or Scope()
    now = now or timezone.now()
    zone = ZoneInfo(organization.time_zone)
    today = timezone.localtime(now, zone).date()
    people = org_selectors.executive_names(organization=organization.pk, supported_by=scope.team)
    r = Review(
        organization=organization,
        period=period,
        scope=scope,
        today=today,
        as_of=min(period.last_day, today),
        generated_at=now,
        leaders=people,
    )
    start, end = period.start(zone), min(period.end(zone), now)
    leaders.build(r)
    places.build(r)
    themes.build(r, start, period.end(zone))
    outcomes.build(r, start, end)
    scores.build(r)
    decisions.build(r)
    r.figures["summary"] = summary_line(r)
    return r


def summary_line(r):
    """The review in a sentence, as the page, the pack and the email open with it."""
    f = r.figures
    parts = [
        ngettext(
            "%(leaders)s leader spent %(hours)s with customers",
            "%(leaders)s leaders spent %(hours)s with customers",
            f["leaders"],
        )
        % {"leaders": number(f["leaders"]), "hours": hours_text(f["hours"])},
    ]
    if f["with_target"]:
        parts.append(_("%(on)s of %(of)s on target") % {"on": number(f["on_target"]), "of": number(f["with_target"])})
    parts.append(
        ngettext("%(count)s learning", "%(count)s learnings", f["learnings"]) % {"count": number(f["learnings"])}
    )
    parts.append(
        _("actions: %(opened)s opened, %(closed)s closed, %(overdue)s overdue")
        % {
            "opened": number(f["actions_opened"]),
            "closed": number(f["actions_closed"]),
            "overdue": number(f["actions_overdue"]),
        }
    )
    parts.append(
        ngettext("%(count)s pilot verdict", "%(count)s pilot verdicts", f["verdicts"])
        % {"count": number(f["verdicts"])}
    )
    parts.append(
        ngettext("%(count)s blind spot", "%(count)s blind spots", f["blind_spots"])
        % {"count": number(f["blind_spots"])}
    )
    # A sentence starts with a capital, also where a month's name has none ("november 2026" in Norwegian).
    return capfirst(_("%(period)s: %(facts)s.") % {"period": r.period.label, "facts": "; ".join(str(p) for p in parts)})


def current_period(organization, now=None):
    zone = ZoneInfo(organization.time_zone)
    return period_of(timezone.localtime(now or timezone.now(), zone).date())
