"""Leaders: customer time against target, the balance, who fell behind."""

from datetime import UTC, datetime, time, timedelta

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.dashboards import charts
from apps.dashboards.periods import hours
from apps.dashboards.tables import Column, Link, Table
from apps.engagements import selectors as engagement_selectors
from apps.engagements.models import CUSTOMER_FACING_KINDS, Kind
from apps.organizations import selectors as org_selectors
from apps.scheduling import selectors as schedule_selectors

from .. import links
from .common import change, feed

BEHIND_RUN = 3  # months off target in a row that make a leader "behind"


def build(r):
    organization = r.organization
    leader_ids = [leader.pk for leader in r.leaders]
    region = r.scope.region
    months, previous = r.period.months, r.period.previous.months
    # Each leader's time against their target counts all their customer time, wherever it was spent (a target is
    # the person's, not a region's); a region narrows only the total of hours spent in it.
    standing = schedule_selectors.target_standing(organization=organization.pk, months=months, leaders=leader_ids)
    before = schedule_selectors.target_standing(organization=organization.pk, months=previous, leaders=leader_ids)
    in_region, in_region_before = standing, before
    if region is not None:
        in_region = schedule_selectors.target_standing(
            organization=organization.pk, months=months, leaders=leader_ids, region=region
        )
        in_region_before = schedule_selectors.target_standing(
            organization=organization.pk, months=previous, leaders=leader_ids, region=region
        )
    run = [r.period.last_month.replace(day=1)]
    while len(run) < BEHIND_RUN:
        run.insert(0, (run[0] - timedelta(days=1)).replace(day=1))
    streaks = schedule_selectors.on_target_by_month(
        organization=organization.pk, months=sorted(set(run) | set(months)), leaders=leader_ids
    )
    order = sorted(set(run) | set(months))
    targets = schedule_selectors.targets_by_leader(organization=organization.pk)
    members = {m.pk: m for m in org_selectors.executives(organization=organization.pk).filter(pk__in=leader_ids)}
    for member in members.values():
        member.organization = organization  # their clock falls back to the organization's: no query per leader
    # The balance as it stood on the period's last day, on each leader's clock: noon UTC is that day from UTC-11
    # to UTC+11 (a leader's month totals count whole months, so the hour itself does not matter).
    last_day_noon = datetime.combine(r.period.last_day, time(12), tzinfo=UTC)
    statuses = schedule_selectors.target_statuses(
        organization=organization.pk, leaders=members.values(), now=min(last_day_noon, r.generated_at)
    )
    rows, behind = [], []
    for leader in r.leaders:
        minutes, months_on = standing.leaders.get(leader.pk, (0, None))
        target = schedule_selectors.target_of(targets, leader.pk)
        counted = [m for m in months if target is not None and m >= target.counts_from.replace(day=1)]
        target_minutes = schedule_selectors.month_target_minutes(target) * len(counted) if counted else None
        status = statuses.get(leader.pk)
        flags = streaks.get(leader.pk)
        is_behind = bool(flags) and all(flags[order.index(m)] is False for m in run)
        if is_behind:
            behind.append(Link(leader.display_name, links.executive(leader.pk)))
        rows.append(
            [
                Link(leader.display_name, links.executive(leader.pk)),
                Link(hours(minutes), feed(r, leader=leader.pk)),
                hours(target_minutes),
                round(100 * minutes / target_minutes) if target_minutes else None,
                hours(status["balance_minutes"]) if status else None,
                months_on,
                _("Yes") if is_behind else "",
            ]
        )
    r.tables.append(
        Table(
            name="leaders",
            sheet=_("Leaders"),
            title=_("Each leader's customer time against target"),
            columns=[
                Column("leader", _("Leader")),
                Column("hours", _("Hours"), "hours"),
                Column("target", _("Target"), "hours"),
                Column("share", _("Of target"), "percent"),
                Column("balance", _("Balance"), "hours"),
                Column("months_on_target", _("Months on target"), "int"),
                Column(
                    "behind",
                    ngettext("Behind %(count)s month running", "Behind %(count)s months running", BEHIND_RUN)
                    % {"count": BEHIND_RUN},
                ),
            ],
            rows=rows,
        )
    )
    total = sum(minutes for minutes, _ in in_region.leaders.values())
    total_before = sum(minutes for minutes, _ in in_region_before.leaders.values())
    with_target, on = standing.months[-1] if standing.months else (0, 0)
    r.figures.update(
        minutes=total,
        minutes_before=total_before,
        hours=hours(total),
        hours_before=hours(total_before),
        hours_change=change(hours(total), hours(total_before)),
        leaders=len(r.leaders),
        with_target=with_target,
        on_target=on,
        on_target_before=before.months[-1][1] if before.months else 0,
        hours_href=feed(r),
        behind=behind,
    )
    by_kind = engagement_selectors.rollup_totals(
        organization=organization.pk,
        first_month=months[0],
        last_month=months[-1],
        group_by=("kind",),
        members=r.leaders if r.scope.team is not None else None,
        active_only=True,
        region=region,
        kinds=Kind.values,
    )
    by_kind = {row["kind"]: row for row in by_kind}
    learnings_before = engagement_selectors.rollup_totals(
        organization=organization.pk,
        first_month=previous[0],
        last_month=previous[-1],
        group_by=("month",),
        members=r.leaders if r.scope.team is not None else None,
        active_only=True,
        region=region,
        kinds=Kind.values,
    )
    r.figures["learnings_before"] = sum(row["learnings"] for row in learnings_before)
    r.figures["learnings"] = sum(row["learnings"] for row in by_kind.values())
    r.figures["learnings_change"] = r.figures["learnings"] - r.figures["learnings_before"]
    r.figures["on_target_change"] = r.figures["on_target"] - r.figures["on_target_before"]
    r.figures["learnings_href"] = links.all_learnings(start=r.period.first_day, end=r.as_of)
    r.figures["engagements"] = sum(row["engagements"] for k, row in by_kind.items() if k in CUSTOMER_FACING_KINDS)
    kinds = [k for k in Kind.values if k in CUSTOMER_FACING_KINDS and by_kind.get(k, {}).get("minutes")]
    r.charts["kinds"] = charts.horizontal_bar_chart(
        title=_("Hours with customers by kind"),
        description=_("Customer-facing hours of every leader in the period, by kind of engagement."),
        labels=[str(Kind(k).label) for k in kinds],
        values=[hours(by_kind[k]["minutes"]) for k in kinds],
        unit="h",
        links={i: feed(r, kind=k) for i, k in enumerate(kinds)},
    )
