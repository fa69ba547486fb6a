"""Reads for plans and sessions; every read starts from an organization."""

from collections import Counter
from datetime import date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.db.models import Case, Count, DateField, DecimalField, F, Min, Q, Sum, Value, When
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy

from apps.engagements.models import CUSTOMER_FACING_KINDS, LeaderMonthTotal, Participant
from apps.organizations import selectors as org_selectors

from .models import CalendarFeed, Plan, Session, SessionStatus, Target, TargetPeriod


def plan_get(*, organization, pk):
    return Plan.objects.for_organization(organization).select_related("leader__user", "location", "region").get(pk=pk)


def plans_for_leader(*, leader):
    today = timezone.localdate()
    return (
        Plan.objects.for_organization(leader.organization_id)
        .filter(leader=leader)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .select_related("location")
        .order_by("start_time", "id")
    )


def session_get(*, organization, pk):
    return (
        Session.objects.for_organization(organization)
        .select_related("plan", "leader__user", "leader__organization", "location", "engagement")
        .get(pk=pk)
    )


def sessions_between(*, leader, start, end):
    """The leader's sessions starting in [start, end), cancelled ones included (shown struck through)."""
    return (
        Session.objects.for_organization(leader.organization_id)
        .filter(leader=leader, starts_at__gte=start, starts_at__lt=end)
        .select_related("plan", "location")
        .order_by("starts_at", "id")
    )


def sessions_needing_attention(*, leader, now=None):
    """Ended sessions still planned (not logged yet) and recent missed ones, newest first."""
    now = now or timezone.now()
    return (
        Session.objects.for_organization(leader.organization_id)
        .filter(leader=leader, ends_at__lt=now, ends_at__gte=now - timedelta(days=30))
        .filter(status__in=[SessionStatus.PLANNED, SessionStatus.MISSED])
        .select_related("plan", "location")
        .order_by("-starts_at")
    )


def team_overview(*, membership, now=None):
    """One row per executive the chief of staff supports, with counts computed in SQL."""
    return leaders_overview(leaders=org_selectors.leaders_for(membership=membership), now=now)


# Added for the chief-of-staff dashboard (issue 5): team_overview's counts for any executives queryset, so an
# admin's dashboard can show every executive. The organization is joined: each row's clock is read per row.
def leaders_overview(*, leaders, now=None):
    """`leaders` (a Membership queryset) annotated with `upcoming` (planned, next 14 days), `unlogged` (ended,
    still planned, last 30 days), `missed` (last 30 days) and `next_session`: one query."""
    now = now or timezone.now()
    soon = now + timedelta(days=14)
    month_ago = now - timedelta(days=30)
    return (
        leaders.select_related("user", "organization")
        .annotate(
            upcoming=Count(
                "sessions",
                filter=Q(
                    sessions__status=SessionStatus.PLANNED, sessions__starts_at__gte=now, sessions__starts_at__lt=soon
                ),
            ),
            unlogged=Count(
                "sessions",
                filter=Q(
                    sessions__status=SessionStatus.PLANNED,
                    sessions__ends_at__lt=now,
                    sessions__ends_at__gte=month_ago,
                ),
            ),
            missed=Count(
                "sessions", filter=Q(sessions__status=SessionStatus.MISSED, sessions__starts_at__gte=month_ago)
            ),
            next_session=Min(
                "sessions__starts_at",
                filter=Q(sessions__status=SessionStatus.PLANNED, sessions__starts_at__gte=now),
            ),
        )
        .order_by("-missed", "-unlogged", "user__full_name")
    )


def calendar_feed_active(*, membership):
    return CalendarFeed.objects.filter(membership=membership, revoked_at__isnull=True).first()


def calendar_feed_by_token(*, token):
    return (
        CalendarFeed.objects.filter(
            token=token, revoked_at__isnull=True, membership__is_active=True, membership__user__is_active=True
        )
        .select_related("membership__organization", "membership__user")
        .first()
    )


def calendar_sessions(*, membership, now=None, past_days=60):
    """What a member's calendar carries: their own sessions, or those of the executives they support."""
    now = now or timezone.now()
    leaders = org_selectors.leaders_for(membership=membership)
    return (
        Session.objects.for_organization(membership.organization_id)
        .filter(leader__in=leaders, starts_at__gte=now - timedelta(days=past_days))
        .select_related("plan", "location", "leader__user")
        .order_by("starts_at", "id")
    )


# --- Targets and the running balance ------------------------------------------------------------
def target_for(*, leader):
    """The leader's own target, else the organization's default, else None."""
    targets = {
        t.leader_id: t
        for t in Target.objects.for_organization(leader.organization_id).filter(
            Q(leader=leader) | Q(leader__isnull=True)
        )
    }
    return target_of(targets, leader.pk)


def target_of(targets, leader_id):
    """From {leader id (None: the default): Target}, the one that applies to `leader_id`, or None."""
    return targets.get(leader_id) or targets.get(None)


def period_start(day, period):
    first_month = day.month if period == TargetPeriod.MONTH else (day.month - 1) // 3 * 3 + 1
    return date(day.year, first_month, 1)


def next_period_start(start, period):
    months = 1 if period == TargetPeriod.MONTH else 3
    month = start.month - 1 + months
    return date(start.year + month // 12, month % 12 + 1, 1)


def target_status(*, leader, now=None):
    """This period's customer-facing minutes against the target, the balance carried in, and whether the leader is
    on target this month (`on_target`), from the log.

    Per-month sums come from one SQL query (grouped by month on the leader's clock); only the handful of month
    totals are then walked, by the same code as `target_statuses`, to carry the balance forward.
    """
    target = target_for(leader=leader)
    if target is None:
        return None
    zone = ZoneInfo(leader.time_zone_name)
    today = timezone.localtime(now, zone).date()
    period = target.period
    current = period_start(today, period)
    first = period_start(target.counts_from, period)
    rows = (
        Participant.objects.filter(
            membership=leader,
            engagement__kind__in=CUSTOMER_FACING_KINDS,
            engagement__started_at__gte=datetime.combine(first, time.min, tzinfo=zone),
            engagement__started_at__lt=datetime.combine(next_period_start(current, period), time.min, tzinfo=zone),
        )
        .annotate(bucket=TruncMonth("engagement__started_at", tzinfo=zone))
        .values("bucket")
        .annotate(minutes=Sum("minutes"))
    )
    minutes = {(leader.pk, timezone.localtime(row["bucket"], zone).date()): row["minutes"] for row in rows}
    return _status_from_months(leader, target, minutes, now)


# --- "On target": one rule for every page, export and email ----------------------------------------------------
# On target this month: the leader's customer-facing minutes of this calendar month (on their clock) reach the
# month's target (all of a monthly target, a third of a quarterly one), from the month the target counts from.
# What was carried in from earlier months is shown beside it but not counted: a target is a habit of regular time
# with customers, so 118 h banked in spring must not make a month without a single customer read "on target", nor
# an old deficit keep a leader off target for ever; and the board compares leaders month by month, which a
# balance depending on when each one's counting started would blur. The board applies the same rule in SQL
# (`target_standing`, `_target_expressions`); tests/scheduling/test_on_target.py checks the two agree.
ON_TARGET_LABEL = gettext_lazy("on target this month")
ON_TARGET_MEANING = gettext_lazy(
    "On target this month: this month's customer time reaches the month's target (a third of a quarterly one). "
    "Time carried in from earlier months is not counted."
)


def month_target_minutes(target):
    """The month's share of `target` in minutes: all of a monthly target, a third of a quarterly one (whole
    minutes: hours have one decimal)."""
    minutes = target.hours * 60
    return int(minutes / 3 if target.period == TargetPeriod.QUARTER else minutes)


def on_target(*, target, month, minutes):
    """Whether `minutes` of customer-facing time in `month` (its first day) put a leader on `target` that month;
    None for a month before the target counts."""
    if month < target.counts_from.replace(day=1):
        return None
    return minutes >= month_target_minutes(target)


def _status(target, current, carried, actual, month, month_minutes):
    """The figures of a target's period starting `current`, from the minutes carried in and those so far, and of
    the `month` (this one) with its `month_minutes`."""
    target_minutes = int(target.hours * 60)
    month_target = month_target_minutes(target)
    return {
        "target": target,
        "period": target.period,
        "period_start": current,
        "target_minutes": target_minutes,
        "actual_minutes": actual,
        "carried_minutes": carried,
        "balance_minutes": carried + actual - target_minutes,
        "percent": min(100, round(100 * actual / target_minutes)) if target_minutes else 0,
        "month_start": month,
        "month_minutes": month_minutes,
        "month_target_minutes": month_target,
        "month_to_go_minutes": max(0, month_target - month_minutes),
        "on_target": on_target(target=target, month=month, minutes=month_minutes),
    }


def target_list(*, organization):
    return Target.objects.for_organization(organization).select_related("leader__user")


def target_statuses(*, organization, leaders, now=None):
    """{leader id: the same figures as `target_status`} for many leaders in two queries, from the monthly
    rollups (LeaderMonthTotal) rather than the log: the targets, and every leader's monthly customer-facing minutes
    since their target counts. A quarter is its three months on the leader's clock."""
    leaders = list(leaders)
    targets = targets_by_leader(organization=organization)
    chosen = {leader.pk: target_of(targets, leader.pk) for leader in leaders}
    chosen = {pk: target for pk, target in chosen.items() if target is not None}
    if not chosen:
        return {}
    earliest = min(period_start(target.counts_from, target.period) for target in chosen.values())
    minutes = {}
    rows = LeaderMonthTotal.objects.filter(
        membership_id__in=list(chosen), region__isnull=True, month__gte=earliest
    ).values_list("membership_id", "month", "minutes")
    for membership_id, month, total in rows:
        minutes[(membership_id, month)] = total
    statuses = {}
    for leader in leaders:
        target = chosen.get(leader.pk)
        if target is not None:
            statuses[leader.pk] = _status_from_months(leader, target, minutes, now)
    return statuses


def _status_from_months(leader, target, minutes, now):
    """`_status` from {(leader id, month): customer-facing minutes}: the one walk both `target_status` (from the
    log) and `target_statuses` (from the rollups) take."""
    period = target.period
    today = timezone.localtime(now, ZoneInfo(leader.time_zone_name)).date()
    current = period_start(today, period)
    first = period_start(target.counts_from, period)
    target_minutes = int(target.hours * 60)

    def period_total(start):
        total, month = 0, start
        while month < next_period_start(start, period):
            total += minutes.get((leader.pk, month), 0)
            month = next_period_start(month, TargetPeriod.MONTH)
        return total

    carried, start = 0, first
    while start < current:
        carried += period_total(start) - target_minutes
        start = next_period_start(start, period)
    counting = current >= first  # a target that counts from a later period has nothing to count yet
    this_month = today.replace(day=1)
    actual = period_total(current) if counting else 0
    month_minutes = minutes.get((leader.pk, this_month), 0) if counting else 0
    return _status(target, current, carried, actual, this_month, month_minutes)


def targets_by_leader(*, organization):
    """{leader id (None: the organization's default): Target}: one query."""
    return {target.leader_id: target for target in Target.objects.for_organization(organization)}


# --- Leaders against their targets, month by month (the board) -----------------------------------------
class TargetStanding(NamedTuple):
    # {leader id: (customer-facing minutes in the months (and region), months on target; None without a target)}
    leaders: dict
    # One (leaders with a target that counts by then, leaders on target) per month, in order.
    months: list


def _target_expressions(default):
    """(monthly share in minutes, first month it counts) of the target that applies to the leader of a rollup row:
    their own (joined), else `default` (the organization's, or None), as SQL expressions: `month_target_minutes`
    and `on_target`'s first month, in SQL (hours have one decimal, so `hours * 20` is whole minutes)."""
    hours = F("membership__targets__hours")
    own_share = Case(When(membership__targets__period=TargetPeriod.QUARTER, then=hours * 20), default=hours * 60)
    own_since = TruncMonth("membership__targets__counts_from", output_field=DateField())
    if default is None:
        return own_share, own_since
    default_share, default_since = month_target_minutes(default), default.counts_from.replace(day=1)
    no_own = Q(membership__targets__isnull=True)
    return (
        Case(When(no_own, then=Value(default_share)), default=own_share, output_field=DecimalField()),
        Case(When(no_own, then=Value(default_since)), default=own_since, output_field=DateField()),
    )


def target_standing(*, organization, months, leaders, region=None):
    """How `leaders` (executives' ids) stand against their targets over consecutive `months` (first days, on each
    leader's clock), from LeaderMonthTotal with each leader's target (their own, else the organization's default)
    resolved in SQL: three queries (the targets; per leader; per month), none reading more than the period's
    rollup rows. On target in a month: `on_target`'s rule, in SQL (that month's minutes anywhere reach the month's
    target, from the month its counting starts; nothing carried in counts); `region` narrows the minutes only
    (being on target is about a leader's time anywhere). Leaders with neither time in the period nor a target are
    left out of `leaders`."""
    leaders = list(leaders)
    targets = targets_by_leader(organization=organization)
    counting_since = {}
    for pk in leaders:
        target = target_of(targets, pk)
        if target is not None:
            counting_since[pk] = target.counts_from.replace(day=1)
    rollup = LeaderMonthTotal.objects.for_organization(organization).filter(
        month__gte=min(months), month__lte=max(months), membership_id__in=leaders
    )
    share, since = _target_expressions(targets.get(None))
    on_target_q = Q(region__isnull=True, minutes__gte=share, month__gte=since)
    shown = Q(region=region) if region is not None else Q(region__isnull=True)
    per_leader = (
        rollup.filter(shown | Q(region__isnull=True))
        .values("membership_id")
        .annotate(shown_minutes=Sum("minutes", filter=shown, default=0), months_on=Count("id", filter=on_target_q))
        .values_list("membership_id", "shown_minutes", "months_on")
    )
    standing = dict.fromkeys(counting_since, (0, 0))
    standing.update({pk: (minutes, months_on) for pk, minutes, months_on in per_leader})
    standing = {pk: (minutes, on if pk in counting_since else None) for pk, (minutes, on) in standing.items()}
    # A conditional count, as above: a plain filter would inner-join the leader's own target and lose the default.
    per_month = dict(
        rollup.filter(region__isnull=True)
        .values("month")
        .annotate(n=Count("id", filter=on_target_q))
        .values_list("month", "n")
    )
    counts = Counter(counting_since.values())
    by_month = [
        (sum(n for since_month, n in counts.items() if since_month <= month), per_month.get(month, 0))
        for month in months
    ]
    return TargetStanding(standing, by_month)


def on_target_by_month(*, organization, months, leaders):
    """{leader id: [on target in each of `months` (first days, in order): True, False, or None before their
    target counts or without one]} by `on_target`'s rule, from LeaderMonthTotal: two queries (the targets, the
    months' rollup rows). Leaders without a target are left out."""
    leaders = list(leaders)
    targets = targets_by_leader(organization=organization)
    chosen = {pk: target_of(targets, pk) for pk in leaders}
    chosen = {pk: target for pk, target in chosen.items() if target is not None}
    if not chosen:
        return {}
    minutes = dict.fromkeys(((pk, month) for pk in chosen for month in months), 0)
    rows = LeaderMonthTotal.objects.for_organization(organization).filter(
        membership_id__in=list(chosen), region__isnull=True, month__gte=min(months), month__lte=max(months)
    )
    for pk, month, total in rows.values_list("membership_id", "month", "minutes"):
        minutes[(pk, month)] = total
    return {
        pk: [on_target(target=target, month=month, minutes=minutes[(pk, month)]) for month in months]
        for pk, target in chosen.items()
    }


# --- The weekly digest ---------------------------------------------------------------------------------
def session_counts_between(*, leaders, start, end, now):
    """`leaders` (a Membership queryset) annotated with their sessions that started in [start, end): `done`,
    `missed`, and `unlogged` (ended before `now`, still planned): one query, by name."""
    in_span = Q(sessions__starts_at__gte=start, sessions__starts_at__lt=end)
    return (
        leaders.select_related("user")
        .annotate(
            done=Count("sessions", filter=in_span & Q(sessions__status=SessionStatus.DONE)),
            missed=Count("sessions", filter=in_span & Q(sessions__status=SessionStatus.MISSED)),
            unlogged=Count(
                "sessions", filter=in_span & Q(sessions__status=SessionStatus.PLANNED, sessions__ends_at__lt=now)
            ),
        )
        .order_by("user__full_name", "user__email", "pk")
    )
