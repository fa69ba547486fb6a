"""Reads for the customer-time log. Everything starts from an organization; totals are SQL aggregates."""

import zoneinfo
from datetime import datetime, time, timedelta
from typing import NamedTuple

from django.db.models import (
    CharField,
    Count,
    DateField,
    DateTimeField,
    F,
    Max,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce, TruncWeek
from django.utils import timezone

from apps.organizations import selectors as org_selectors
from apps.organizations.models import Location, Membership, Role

from .models import (
    CUSTOMER_FACING_KINDS,
    Engagement,
    Kind,
    LeaderMonth,
    LeaderMonthTotal,
    Learning,
    LocationDay,
    Participant,
)


def _with_details(qs):
    return qs.select_related("location__region", "leader__user", "logged_by__user").prefetch_related(
        Prefetch("participants", queryset=Participant.objects.select_related("membership__user")),
        Prefetch("learnings", queryset=Learning.objects.select_related("author__user")),
    )


def engagement_get(*, organization, pk):
    return _with_details(Engagement.objects.for_organization(organization)).get(pk=pk)


def learning_get(*, organization, pk):
    return Learning.objects.for_organization(organization).select_related("engagement__leader", "author").get(pk=pk)


def participant_get(*, organization, pk):
    return (
        Participant.objects.for_organization(organization).select_related("membership", "engagement__leader").get(pk=pk)
    )


def engagement_feed(
    *,
    organization,
    leader=None,
    kind=None,
    location=None,
    region=None,
    start=None,
    end=None,
    customer_type=None,
):
    """The organization's customer time, newest first, filtered. `leader` matches any participant."""
    qs = Engagement.objects.for_organization(organization)
    if leader is not None:
        qs = qs.filter(participants__membership=leader)
    if kind:
        qs = qs.filter(kind=kind)
    if location is not None:
        qs = qs.filter(location=location)
    if region is not None:
        qs = qs.filter(location__region=region)
    if customer_type:
        qs = qs.filter(customer_type=customer_type)
    if start is not None:
        qs = qs.filter(started_at__gte=start)
    if end is not None:
        qs = qs.filter(started_at__lt=end)
    return _with_details(qs.order_by("-started_at", "-id"))


def engagements_for_leader(*, membership):
    """Entries `membership` is credited in, with their own minutes annotated as `my_minutes`."""
    mine = Participant.objects.filter(engagement=OuterRef("pk"), membership=membership).values("minutes")[:1]
    return _with_details(
        Engagement.objects.for_organization(membership.organization_id)
        .filter(participants__membership=membership)
        .annotate(my_minutes=Subquery(mine))
        .order_by("-started_at", "-id")
    )


def period_starts(now=None):
    """Start of the current week (Monday) and month in the active time zone, as aware datetimes."""
    return {"week": period_range("week", now=now)[0], "month": period_range("month", now=now)[0]}


def minutes_totals(*, membership, now=None):
    """This week's and this month's minutes credited to `membership`, in one query."""
    starts = period_starts(now)
    end = timezone.now() if now is None else now
    # The participant's own copy of the start: a range of the member's index answers, without joining the log.
    week = Q(started_at__gte=starts["week"], started_at__lte=end)
    month = Q(started_at__gte=starts["month"], started_at__lte=end)
    since = min(starts["week"], starts["month"])  # a week may start in the month before
    totals = Participant.objects.filter(membership=membership, started_at__gte=since, started_at__lte=end).aggregate(
        week=Sum("minutes", filter=week),
        month=Sum("minutes", filter=month),
        week_count=Count("id", filter=week),
        month_count=Count("id", filter=month),
    )
    return {key: value or 0 for key, value in totals.items()}


def _used_by(membership):
    return Q(engagements__logged_by=membership) | Q(engagements__participants__membership=membership)


# How far back "recently used" looks: the member's latest entries, as credited and as logged.
RECENT_ENTRIES = 100


def _latest_entries(membership):
    """The pks of the member's latest RECENT_ENTRIES entries as credited and as logged (two subqueries), each side
    cut on its own index, newest first: what "recently used" looks at, so it costs the same whatever their
    history."""
    credited = Participant.objects.filter(membership=membership).order_by("-started_at").values("engagement_id")
    logged = Engagement.objects.filter(logged_by=membership).order_by("-started_at").values("pk")
    return credited[:RECENT_ENTRIES], logged[:RECENT_ENTRIES]


def _used_lately(membership):
    credited, logged = _latest_entries(membership)
    return (
        Engagement.objects.filter(pk__in=credited)
        .values("pk")
        .order_by()
        .union(Engagement.objects.filter(pk__in=logged).values("pk").order_by())
    )


def locations_recent(*, membership, limit=5):
    """The active locations `membership` used most recently (logged there, or was credited there) among their
    latest RECENT_ENTRIES entries of each kind, latest first."""
    # Grouping the member's whole history read a share of the log that grows with every entry (10 ms at 3,600).
    return list(
        Location.objects.for_organization(membership.organization_id)
        .filter(engagements__in=_used_lately(membership), is_active=True)
        .annotate(last_used=Max("engagements__started_at"))
        .order_by("-last_used", "name")[:limit]
    )


class QuickLogMenus(NamedTuple):
    locations: list  # (pk, name, code, region name) of the active locations, in the menu's order
    leaders: list  # (pk, full name, email) of the active executives, by name
    recent: list  # (pk, name, code) of the active locations used lately, latest first


_NO_TEXT = Cast(Value(None), CharField())
_NO_MOMENT = Cast(Value(None), DateTimeField())
_MENU_COLUMNS = ("part", "ident", "a", "b", "c", "moment")


def quick_log_menus(*, membership, recent_limit=5):
    """The quick log's three menus in one round trip (a UNION ALL of three reads, told apart by `part`): the
    organization's active locations, its active executives and the locations `membership` used lately."""
    organization = membership.organization_id
    locations = (
        org_selectors.location_list(organization=organization)
        .order_by()
        .annotate(part=Value(0), ident=F("pk"), a=F("name"), b=F("code"), c=F("region__name"), moment=_NO_MOMENT)
        .values_list(*_MENU_COLUMNS)
    )
    leaders = (
        org_selectors.executives(organization=organization)
        .order_by()
        .annotate(
            part=Value(1), ident=F("pk"), a=F("user__full_name"), b=F("user__email"), c=_NO_TEXT, moment=_NO_MOMENT
        )
        .values_list(*_MENU_COLUMNS)
    )
    # Each side of the latest entries on its own (a pk lookup each): under one IN of their union, PostgreSQL
    # chose to scan the whole log.
    used = [
        Engagement.objects.filter(pk__in=latest, location__isnull=False)
        .order_by()
        .values("location_id")
        .annotate(moment=Max("started_at"), part=Value(2), ident=F("location_id"), a=_NO_TEXT, b=_NO_TEXT, c=_NO_TEXT)
        .values_list(*_MENU_COLUMNS)
        for latest in _latest_entries(membership)
    ]
    # The menus' orders as location_list and executives give them: by region (none last) and name; by name.
    rows = locations.union(leaders, *used, all=True).order_by("part", F("c").asc(nulls_last=True), "a", "b")
    menus = QuickLogMenus([], [], [])
    last_used = {}
    for part, ident, a, b, c, moment in rows:
        if part == 0:
            menus.locations.append((ident, a, b, c))
        elif part == 1:
            menus.leaders.append((ident, a, b))
        else:
            last_used[ident] = max(moment, last_used.get(ident, moment))
    # Only active locations of the organization are offered; latest first, a tie by name.
    lately = [(last_used[pk], pk, name, code) for pk, name, code, _ in menus.locations if pk in last_used]
    lately.sort(key=lambda row: (-row[0].timestamp(), row[2]))
    menus.recent.extend((pk, name, code) for _, pk, name, code in lately[:recent_limit])
    return menus


def quick_log_state(*, membership, totals):
    """What the quick log shows of `membership`, in one query: the kind they logged last (`last_kind`, None
    before their first entry) and, with `totals`, this week's and this month's minutes (`week`, `month`), as
    minutes_totals counts them."""
    last = (
        Engagement.objects.for_organization(membership.organization_id)
        .filter(Q(logged_by=OuterRef("pk")) | Q(leader=OuterRef("pk")))
        .order_by("-created_at", "-id")
        .values("kind")[:1]
    )
    fields = {"last_kind": Subquery(last)}
    if totals:
        starts, end = period_starts(), timezone.now()
        for name in ("week", "month"):
            credited = (
                Participant.objects.filter(membership=OuterRef("pk"), started_at__gte=starts[name], started_at__lte=end)
                .order_by()
                .values("membership")
                .annotate(total=Sum("minutes"))
                .values("total")
            )
            fields[name] = Coalesce(Subquery(credited), 0)
    return Membership.objects.filter(pk=membership.pk).values(**fields).get()


def locations_recent_first(*, membership, recent_limit=5):
    """(recent, all): the locations `membership` used most recently, then every active location."""
    locations = Location.objects.for_organization(membership.organization_id).filter(is_active=True)
    recent = locations_recent(membership=membership, limit=recent_limit)
    # Locations without a region last, on every database (PostgreSQL and SQLite sort NULL differently).
    everything = list(locations.select_related("region").order_by(F("region__name").asc(nulls_last=True), "name"))
    return recent, everything


def last_kind(*, membership):
    """The kind `membership` logged last (None before their first entry), as the quick log reads it."""
    return quick_log_state(membership=membership, totals=False)["last_kind"]


def period_range(period, start_date=None, end_date=None, now=None):
    """(start, end) aware datetimes for a named period in the active time zone; None means open."""
    local_now = timezone.localtime(now)
    zone = local_now.tzinfo
    today = local_now.date()

    def midnight(day):
        return datetime.combine(day, time.min, tzinfo=zone)

    if period == "week":
        return midnight(today - timedelta(days=today.weekday())), None
    if period == "month":
        return midnight(today.replace(day=1)), None
    if period == "quarter":
        return midnight(today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1)), None
    if period in {"30d", "90d"}:
        return midnight(today - timedelta(days=int(period[:-1]) - 1)), None
    if period == "year":
        return midnight(today - timedelta(days=364)), None
    if period == "custom" or start_date or end_date:
        return (
            midnight(start_date) if start_date else None,
            midnight(end_date + timedelta(days=1)) if end_date else None,
        )
    return None, None


# --- Dashboards: customer-facing time, mostly from the rollups ------------------------------------------
def _leader_zone(membership):
    return zoneinfo.ZoneInfo(membership.time_zone_name)


def customer_minutes(*, membership, now=None):
    """This week's, month's and quarter's customer-facing minutes credited to `membership`, each period cut on
    their own clock, up to `now`: one query, on the participant's own copies of the start and kind (no join;
    on PostgreSQL an index-only scan of participant_member_start_idx)."""
    now = now or timezone.now()
    zone = _leader_zone(membership)
    today = timezone.localtime(now, zone).date()
    starts = {
        "week": today - timedelta(days=today.weekday()),
        "month": today.replace(day=1),
        "quarter": today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1),
    }
    starts = {name: datetime.combine(day, time.min, tzinfo=zone) for name, day in starts.items()}
    totals = Participant.objects.filter(
        membership=membership,
        kind__in=CUSTOMER_FACING_KINDS,
        started_at__gte=min(starts.values()),
        started_at__lte=now,
    ).aggregate(**{name: Sum("minutes", filter=Q(started_at__gte=start)) for name, start in starts.items()})
    return {name: value or 0 for name, value in totals.items()}


def customer_weeks(*, membership, since, now=None):
    """The Mondays (on the leader's clock) of the weeks since `since` in which they had customer-facing time,
    newest first: one query, on the participant's own copies of the start and kind (no join)."""
    zone = _leader_zone(membership)
    week = TruncWeek("started_at", tzinfo=zone, output_field=DateField())
    return list(
        Participant.objects.filter(
            membership=membership,
            kind__in=CUSTOMER_FACING_KINDS,
            started_at__gte=datetime.combine(since, time.min, tzinfo=zone),
            started_at__lte=now or timezone.now(),
        )
        .annotate(week=week)
        .values_list("week", flat=True)
        .distinct()
        .order_by("-week")
    )


def last_customer_contact(*, members):
    """{member id: when they last had customer-facing time}: one query on the monthly rollups."""
    rows = (
        LeaderMonthTotal.objects.filter(membership__in=members, region__isnull=True)
        .values("membership_id")
        .annotate(last=Max("last_started_at"))
    )
    return {row["membership_id"]: row["last"] for row in rows}


class CoveredPlace(NamedTuple):
    pk: int
    name: str
    region_id: int | None
    region_name: str
    last_visit: object  # a date, or None when never visited
    visits: dict  # {days: visits in the last `days` days}


def location_coverage(*, organization, today, region=None, windows=(30, 90)):
    """Active locations (as light CoveredPlace rows) with the day of their last visit and their visits in the
    last 30 and 90 days (on the organization's clock, today included), from LocationDay: two queries (the visits
    in one grouped read of the last 90 days, which at scale is far cheaper than a count per place)."""
    longest = max(windows)
    counts = (
        LocationDay.objects.for_organization(organization)
        .filter(day__gt=today - timedelta(days=longest), day__lte=today)
        .values("location_id")
        .annotate(
            **{f"visits_{days}": Sum("engagements", filter=Q(day__gt=today - timedelta(days=days))) for days in windows}
        )
    )
    visits = {row["location_id"]: row for row in counts}
    last = LocationDay.objects.filter(location=OuterRef("pk"), day__lte=today).order_by("-day").values("day")[:1]
    locations = Location.objects.for_organization(organization).filter(is_active=True)
    if region is not None:
        locations = locations.filter(region=region)
    rows = locations.annotate(last_visit=Subquery(last)).order_by("name", "id")
    return [
        CoveredPlace(
            pk,
            name,
            region_id,
            region_name or "",
            last_visit,
            {days: visits.get(pk, {}).get(f"visits_{days}") or 0 for days in windows},
        )
        for pk, name, region_id, region_name, last_visit in rows.values_list(
            "pk", "name", "region_id", "region__name", "last_visit"
        )
    ]


def rollup_totals(
    *, organization, first_month, last_month, group_by, members=None, region=None, kinds=None, active_only=False
):
    """LeaderMonth sums (minutes, engagements, learnings) over [first_month, last_month] grouped by the given
    fields (e.g. ("month", "kind") or ("membership_id",)), all in SQL: one query. `members`: only those;
    `active_only`: only members still active executives (a join, cheaper than listing hundreds of ids)."""
    qs = LeaderMonth.objects.for_organization(organization).filter(month__gte=first_month, month__lte=last_month)
    qs = qs.filter(region=region) if region is not None else qs.filter(region__isnull=True)
    if members is not None:
        qs = qs.filter(membership_id__in=[getattr(m, "pk", m) for m in members])
    if active_only:
        qs = qs.filter(membership__role=Role.EXECUTIVE, membership__is_active=True)
    kinds = CUSTOMER_FACING_KINDS if kinds is None else set(kinds)
    if not kinds >= set(Kind.values):  # every kind: no filter to test row by row
        qs = qs.filter(kind__in=kinds)
    return (
        qs.values(*group_by)
        .annotate(minutes=Sum("minutes"), engagements=Sum("engagements"), learnings=Sum("learnings"))
        .order_by(*group_by)
    )


def first_activity(*, organization):
    """When the organization's log starts: its earliest engagement's start, or None. One indexed query."""
    return (
        Engagement.objects.for_organization(organization)
        .order_by("started_at")
        .values_list("started_at", flat=True)
        .first()
    )


# --- The weekly digest: any span of time, straight from the log ----------------------------------------
def customer_minutes_between(*, organization, start, end, members):
    """{member id: customer-facing minutes credited in [start, end)} for any two moments (a week on someone's
    clock, which the monthly rollups cannot cut) and the given `members` (ids or members): one grouped query on
    the participants' own copies of the start and kind, a range of participant_member_start_idx per member (an
    organization-wide filter instead reads every participant of the organization)."""
    return dict(
        Participant.objects.for_organization(organization)
        .filter(
            membership_id__in=[getattr(m, "pk", m) for m in members],
            kind__in=CUSTOMER_FACING_KINDS,
            started_at__gte=start,
            started_at__lt=end,
        )
        .order_by()
        .values("membership_id")
        .annotate(minutes=Sum("minutes"))
        .values_list("membership_id", "minutes")
    )


def learning_count_between(*, organization, start, end):
    """How many learnings came from engagements that started in [start, end): one query."""
    # The engagement's organization too: it lets the (organization, started_at) index find the span's engagements.
    return (
        Learning.objects.for_organization(organization)
        .filter(
            engagement__organization=organization, engagement__started_at__gte=start, engagement__started_at__lt=end
        )
        .count()
    )
