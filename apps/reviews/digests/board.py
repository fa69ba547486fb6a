"""The digest of a board member or an admin: the organization's week in numbers, and what changed (pilots
started, verdicts given, themes newly heard or rising)."""

from datetime import timedelta

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.core.formatting import hours as hours_text
from apps.core.formatting import number, when
from apps.dashboards.periods import hours
from apps.engagements import selectors as engagement_selectors
from apps.insights import selectors as insight_selectors
from apps.insights.models import Verdict
from apps.organizations import selectors as org_selectors
from apps.scheduling import selectors as schedule_selectors

from .. import links
from ..periods import period_of
from .content import GOOD, WARN, Line, section

THEME_WEEKS = 4  # a theme's week is compared with the four weeks before it
THEMES_SHOWN = 3  # of each: newly heard, rising
RISING_AT_LEAST = 2  # learnings in the week for a theme to be "rising" (one more than an average of 0.25 is noise)


def board(frame):
    return [_numbers(frame), _changes(frame)]


def _numbers(frame):
    organization, week = frame.organization_id, frame.week
    leaders = [person.pk for person in org_selectors.executive_names(organization=organization)]
    minutes = engagement_selectors.customer_minutes_between(
        organization=organization, start=frame.start, end=frame.end, members=leaders
    )
    learnings = engagement_selectors.learning_count_between(organization=organization, start=frame.start, end=frame.end)
    opened, closed, overdue = insight_selectors.review_actions(
        organization=organization, start=frame.start, end=frame.end, last_day=week.sunday
    )
    total = sum(minutes.values())
    if not (total or learnings or opened or closed):
        return None  # a week in which nothing happened: no figures to report (zeros are not news)
    month = period_of(week.sunday)
    standing = schedule_selectors.target_standing(
        organization=organization, months=[month.first_month], leaders=leaders
    )
    with_target, on_target = standing.months[-1]
    lines = [
        Line(
            ngettext(
                "Hours with customers: %(hours)s, from %(count)s of %(leaders)s leader.",
                "Hours with customers: %(hours)s, from %(count)s of %(leaders)s leaders.",
                len(leaders),
            )
            % {"hours": hours_text(hours(total)), "count": number(len(minutes)), "leaders": number(len(leaders))},
            links.feed(start=week.monday, end=week.sunday),
        ),
        Line(
            _("Learnings: %(count)s.") % {"count": number(learnings)},
            links.all_learnings(start=week.monday, end=week.sunday),
        ),
        Line(
            _("Actions: %(opened)s opened, %(closed)s closed.")
            % {"opened": number(len(opened)), "closed": number(len(closed))},
            reverse("insights:action_list"),
        ),
    ]
    if overdue:
        lines.append(
            Line(
                ngettext(
                    "%(count)s action overdue at the end of the week.",
                    "%(count)s actions overdue at the end of the week.",
                    len(overdue),
                )
                % {"count": number(len(overdue))},
                reverse("insights:action_list"),
                WARN,
            )
        )
    if with_target:
        lines.append(
            Line(
                _("Leaders on target in %(month)s: %(on)s of %(of)s.")
                % {"month": month.label, "on": number(on_target), "of": number(with_target)},
                reverse("dashboards:board"),
            )
        )
    return section(_("The week in numbers"), lines)


def _changes(frame):
    organization, week = frame.organization_id, frame.week
    started, decided, _awaiting, _origins = insight_selectors.review_pilots(
        organization=organization, first_day=week.monday, last_day=week.sunday, start=frame.start, end=frame.end
    )
    lines = [
        Line(
            _("New pilot: “%(title)s” (%(owner)s), %(starts)s to %(ends)s.")
            % {"title": p.title, "owner": p.owner, "starts": when(p.starts_on), "ends": when(p.ends_on)},
            links.pilot(p.pk),
        )
        for p in started
    ]
    lines += [
        Line(
            _("Pilot verdict on “%(title)s”: %(verdict)s.") % {"title": p.title, "verdict": Verdict(p.verdict).label},
            links.pilot(p.pk),
            GOOD if p.verdict == Verdict.ADOPT else "",
        )
        for p in decided
    ]
    lines += _themes(frame)
    return section(_("What changed"), lines)


def _themes(frame):
    """Themes newly heard (none in the four weeks before) and rising (more than their weekly average of the four
    weeks before), most learnings first."""
    week = frame.week
    trends = insight_selectors.theme_counts_between(
        organization=frame.organization_id,
        start=frame.start,
        end=frame.end,
        previous_start=week.start(frame.zone) - timedelta(weeks=THEME_WEEKS),
    )
    heard = sorted(((pk, t) for pk, t in trends.items() if t.now), key=lambda item: (-item[1].now, item[1].name))
    new = [(pk, t) for pk, t in heard if not t.before][:THEMES_SHOWN]
    rising = [(pk, t) for pk, t in heard if t.before and t.now >= RISING_AT_LEAST and t.now * THEME_WEEKS > t.before][
        :THEMES_SHOWN
    ]

    def learned(pk):
        return links.learnings(theme=pk, start=week.monday, end=week.sunday)

    lines = [
        Line(
            ngettext(
                "Newly heard: %(theme)s, %(count)s learning (none in the four weeks before).",
                "Newly heard: %(theme)s, %(count)s learnings (none in the four weeks before).",
                t.now,
            )
            % {"theme": t.name, "count": number(t.now)},
            learned(pk),
        )
        for pk, t in new
    ]
    lines += [
        Line(
            ngettext(
                "Rising: %(theme)s, %(count)s learning (%(before)s in the four weeks before).",
                "Rising: %(theme)s, %(count)s learnings (%(before)s in the four weeks before).",
                t.now,
            )
            % {"theme": t.name, "count": number(t.now), "before": number(t.before)},
            learned(pk),
        )
        for pk, t in rising
    ]
    return lines
