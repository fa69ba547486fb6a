"""The digests of an executive (their own week) and of a chief of staff (one line per executive they support).

A leader's week is read against "the week's share of the target": 12/52 of the month's target, the share the
executive dashboard shows for "this week" (`dashboards.executive.period_targets`). Being on target itself stays the
monthly rule of every page (`scheduling.selectors.on_target`): the executive's digest shows it with the running
balance, for the target period that last week ended in, as the monthly rollups have it when the digest is written
(whole months: a Monday-morning entry of the same month is in it).
"""

from datetime import timedelta

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from apps.core.formatting import minutes as minutes_text
from apps.core.formatting import when
from apps.core.templatetags.gemba import signed_minutes
from apps.dashboards.executive import period_targets
from apps.engagements import selectors as engagement_selectors
from apps.insights import selectors as insight_selectors
from apps.insights.models import Verdict
from apps.organizations import selectors as org_selectors
from apps.scheduling import selectors as schedule_selectors
from apps.scheduling.models import SessionStatus

from .. import links
from ..periods import MONTH, QUARTER, period_of
from .content import GOOD, WARN, Line, section

ACTIONS_SHOWN = 10  # an executive's actions due: the first this many, then a line saying how many more
SESSIONS_SHOWN = 10


def _week_share(status):
    """The week's share of a leader's target in whole minutes (None without a target)."""
    share = period_targets(status).get("week")
    return None if share is None else round(share)


def _leader_rows(frame, leaders):
    """[(leader, minutes last week, target status or None)] for `leaders` (a Membership queryset), with their
    sessions of last week counted (`done`, `missed`, `unlogged`): four queries, none when there is nobody."""
    rows = list(
        schedule_selectors.session_counts_between(leaders=leaders, start=frame.start, end=frame.end, now=frame.now)
    )
    if not rows:
        return []
    organization = frame.membership.organization
    for leader in rows:
        leader.organization = organization  # their clock falls back to the organization's: no query per leader
    minutes = engagement_selectors.customer_minutes_between(
        organization=frame.organization_id, start=frame.start, end=frame.end, members=rows
    )
    statuses = schedule_selectors.target_statuses(organization=frame.organization_id, leaders=rows, now=frame.week_over)
    return [(leader, minutes.get(leader.pk, 0), statuses.get(leader.pk)) for leader in rows]


def _feed(frame, leader):
    return links.feed(start=frame.week.monday, end=frame.week.sunday, leader=leader.pk)


def _sessions_missed(leader):
    parts = []
    if leader.missed:
        parts.append(
            ngettext("%(count)s session missed", "%(count)s sessions missed", leader.missed) % {"count": leader.missed}
        )
    if leader.unlogged:
        parts.append(
            ngettext("%(count)s session not logged", "%(count)s sessions not logged", leader.unlogged)
            % {"count": leader.unlogged}
        )
    return parts


# --- An executive -----------------------------------------------------------------------------------------
def executive(frame):
    leader = frame.membership
    rows = _leader_rows(frame, org_selectors.leaders_for(membership=leader))
    sections = []
    if rows:
        row, minutes, status = rows[0]
        sections.append(section(_("Your customer time last week"), _own_time(frame, row, minutes, status)))
    sections.append(section(_("Your sessions this week"), _sessions(frame, rows[0][0] if rows else None)))
    sections.append(section(_("Your actions due"), _actions(frame)))
    sections.append(section(_("What came of your learnings"), _outcomes(frame)))
    return sections


def _own_time(frame, leader, minutes, status):
    lines = []
    share = _week_share(status)
    if share is not None:
        lines.append(
            Line(
                _("%(time)s with customers, against the week's share of your target: %(target)s.")
                % {"time": minutes_text(minutes), "target": minutes_text(share)},
                _feed(frame, leader),
                GOOD if minutes >= share else WARN,
            )
        )
    elif minutes:
        lines.append(Line(_("%(time)s with customers.") % {"time": minutes_text(minutes)}, _feed(frame, leader)))
    if status is not None:
        period = period_of(status["period_start"], QUARTER if status["period"] == QUARTER else MONTH)
        lines.append(
            Line(
                _("%(period)s: %(actual)s of your target of %(target)s; running balance %(balance)s.")
                % {
                    "period": period.label,
                    "actual": minutes_text(status["actual_minutes"]),
                    "target": minutes_text(status["target_minutes"]),
                    "balance": signed_minutes(status["balance_minutes"]),
                },
                reverse("dashboards:executive"),
                GOOD if status["on_target"] else "",
            )
        )
    missed = _sessions_missed(leader)
    if missed:
        lines.append(
            Line(_("Last week: %(sessions)s.") % {"sessions": ", ".join(missed)}, reverse("scheduling:schedule"), WARN)
        )
    return lines


def _sessions(frame, leader):
    """Planned sessions from now to the end of this week (a late digest leaves out those already gone)."""
    if leader is None:
        return []
    this_week = frame.week.next
    coming = [
        s
        for s in schedule_selectors.sessions_between(
            leader=leader, start=max(frame.now, this_week.start(frame.zone)), end=this_week.end(frame.zone)
        )
        if s.status == SessionStatus.PLANNED
    ]
    schedule = reverse("scheduling:schedule")
    lines = []
    for s in coming[:SESSIONS_SHOWN]:
        what = {"when": when(s.starts_at, "weekday_day_time"), "what": s.plan.label}
        if s.location_id:
            text = pgettext("a session in the digest", "%(when)s: %(what)s at %(place)s") % {
                **what,
                "place": s.location.name,
            }
        else:
            text = pgettext("a session in the digest", "%(when)s: %(what)s") % what
        lines.append(Line(text, schedule))
    if len(coming) > SESSIONS_SHOWN:
        lines.append(Line(_("…and %(count)s more.") % {"count": len(coming) - SESSIONS_SHOWN}, schedule))
    return lines


def _actions(frame):
    """Open actions the person owns that are due by the end of this week, overdue ones first (soonest due)."""
    due_by = frame.week.next.sunday + timedelta(days=1)
    actions = list(
        insight_selectors.action_list(organization=frame.organization_id, owner=frame.membership, overdue_on=due_by)
    )
    today = frame.today
    lines = []
    for action in actions[:ACTIONS_SHOWN]:
        if action.due_on < today:
            text = _("“%(title)s”, overdue since %(due)s.")
            tone = WARN
        else:
            text = _("“%(title)s”, due %(due)s.")
            tone = ""
        lines.append(Line(text % {"title": action.title, "due": when(action.due_on)}, links.action(action.pk), tone))
    if len(actions) > ACTIONS_SHOWN:
        lines.append(
            Line(_("…and %(count)s more.") % {"count": len(actions) - ACTIONS_SHOWN}, reverse("insights:action_list"))
        )
    return lines


def _outcomes(frame):
    found = insight_selectors.learning_outcomes(
        organization=frame.organization_id, authors=[frame.membership.pk], start=frame.start, end=frame.end
    )
    lines = [
        Line(
            _("An action was raised on what you heard: “%(title)s” (owner: %(owner)s).")
            % {"title": a.title, "owner": a.owner},
            links.action(a.pk),
        )
        for a in found.opened
    ]
    lines += [Line(_("Done: “%(title)s”.") % {"title": a.title}, links.action(a.pk), GOOD) for a in found.done]
    lines += [
        Line(
            _("Pilot verdict on “%(title)s”: %(verdict)s.") % {"title": p.title, "verdict": Verdict(p.verdict).label},
            links.pilot(p.pk),
            GOOD if p.verdict == Verdict.ADOPT else "",
        )
        for p in found.verdicts
    ]
    return lines


# --- A chief of staff -------------------------------------------------------------------------------------
def chief_of_staff(frame):
    lines = []
    for leader, minutes, status in _leader_rows(frame, org_selectors.leaders_for(membership=frame.membership)):
        share = _week_share(status)
        if share is None:
            parts = [_("%(time)s with customers (no target)") % {"time": minutes_text(minutes)}]
        else:
            parts = [
                _("%(time)s with customers (the week's share of the target: %(target)s)")
                % {"time": minutes_text(minutes), "target": minutes_text(share)}
            ]
        behind = share is not None and minutes < share
        if behind:
            parts.append(_("behind target"))
        missed = _sessions_missed(leader)
        parts += missed
        tone = WARN if behind or missed else (GOOD if share is not None else "")
        text = _("%(name)s: %(facts)s.") % {"name": leader.display_name, "facts": "; ".join(str(p) for p in parts)}
        lines.append(Line(text, links.executive(leader.pk), tone))
    return [section(_("Your executives last week"), lines)]
