"""Rollup rows the dashboards read instead of the log: LeaderMonth with its kind-less LeaderMonthTotal, and
LocationDay with its LocationMonth (see models.py).

They are derived, never edited: a write to the log names the keys it touched, before and after the change
(leader and month on the leader's clock, location and day on the organization's clock), and each key is
recomputed from the log inside the same transaction. Recomputing, rather than adding and subtracting, means
a rollup can't drift from the log; `rollups_rebuild` recomputes a whole organization (after bulk inserts, or
when a time zone or a location's region changes).
"""

from collections import defaultdict
from datetime import date, datetime, time

from django.db import transaction
from django.db.models import Count, DateField, Max, Q, Sum
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone

from apps.core.zones import zone_or_utc
from apps.organizations.models import Location, Membership

from .models import (
    CUSTOMER_FACING_KINDS,
    LeaderMonth,
    LeaderMonthTotal,
    Learning,
    LocationDay,
    LocationMonth,
    Participant,
)


def month_on(moment, zone):
    """The first day of the month `moment` falls in on the clock of `zone`."""
    return timezone.localtime(moment, zone).date().replace(day=1)


def next_month(month):
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def _midnight(day, zone):
    return datetime.combine(day, time.min, tzinfo=zone)


# --- Which keys a change touches ---------------------------------------------------------------------------
def keys_for(engagement):
    """(leader keys, location keys) of an engagement as it is in the database now: read it before a change
    and after it, and refresh both sets."""
    participants = Participant.objects.filter(engagement=engagement).select_related(
        "membership__user", "membership__organization"
    )
    leader_keys = {
        (p.membership_id, month_on(engagement.started_at, zone_or_utc(p.membership.time_zone_name)))
        for p in participants
    }
    location_keys = set()
    if engagement.location_id:
        zone = zone_or_utc(engagement.organization.time_zone)
        location_keys.add((engagement.location_id, timezone.localtime(engagement.started_at, zone).date()))
    return leader_keys, location_keys


def leader_key(membership, started_at):
    return membership.pk, month_on(started_at, zone_or_utc(membership.time_zone_name))


# --- Recomputing keys -------------------------------------------------------------------------------------
@transaction.atomic
def rollups_refresh(*, leader_keys=(), location_keys=()):
    """Recompute the given keys from the log. Locks the members and locations concerned (in id order, so two
    writers can't deadlock) so that two refreshes of one key don't both insert."""
    leader_keys, location_keys = set(leader_keys), set(location_keys)
    members = {
        m.pk: m
        for m in Membership.objects.select_for_update()
        .filter(pk__in={pk for pk, _ in leader_keys})
        .select_related("user", "organization")
        .order_by("pk")
    }
    for member_id, month in sorted(leader_keys):
        _refresh_leader_month(members[member_id], month)
    locations = {
        loc.pk: loc
        for loc in Location.objects.select_for_update()
        .filter(pk__in={pk for pk, _ in location_keys})
        .select_related("organization")
        .order_by("pk")
    }
    for location_id, day in sorted(location_keys):
        _refresh_location_day(locations[location_id], day)
    for location_id, month in sorted({(pk, day.replace(day=1)) for pk, day in location_keys}):
        _refresh_location_month(locations[location_id], month)


def _leader_rows(membership_id, organization_id, month, counts, learnings):
    """LeaderMonth rows from {(kind, region): (minutes, engagements, last start)} and {(kind, region): learnings}."""
    rows = []
    for kind, region in sorted(set(counts) | set(learnings), key=str):
        minutes, engagements, last = counts.get((kind, region), (0, 0, None))
        rows.append(
            LeaderMonth(
                organization_id=organization_id,
                membership_id=membership_id,
                month=month,
                kind=kind,
                region_id=region,
                minutes=minutes,
                engagements=engagements,
                learnings=learnings.get((kind, region), 0),
                last_started_at=last,
            )
        )
    return rows


def _total_rows(membership_id, organization_id, month, counts):
    """LeaderMonthTotal rows (one per region) from LeaderMonth's {(kind, region): (minutes, engagements, last)}:
    the customer-facing kinds only."""
    totals = {}
    for (kind, region), figures in counts.items():
        if kind in CUSTOMER_FACING_KINDS:
            _add(totals, region, figures)
    return [
        LeaderMonthTotal(
            organization_id=organization_id,
            membership_id=membership_id,
            month=month,
            region_id=region,
            minutes=minutes,
            engagements=engagements,
            last_started_at=last,
        )
        for region, (minutes, engagements, last) in totals.items()
    ]


def _refresh_leader_month(membership, month):
    zone = zone_or_utc(membership.time_zone_name)
    start, end = _midnight(month, zone), _midnight(next_month(month), zone)
    participations = Participant.objects.filter(
        membership=membership, engagement__started_at__gte=start, engagement__started_at__lt=end
    )
    learnings = Learning.objects.filter(
        author=membership, engagement__started_at__gte=start, engagement__started_at__lt=end
    )
    counts, learned = {}, {}
    for row in participations.values("engagement__kind", "engagement__location__region").annotate(
        minutes=Sum("minutes"), engagements=Count("id"), last=Max("engagement__started_at")
    ):
        kind, region = row["engagement__kind"], row["engagement__location__region"]
        _add(counts, (kind, None), (row["minutes"], row["engagements"], row["last"]))
        if region is not None:
            _add(counts, (kind, region), (row["minutes"], row["engagements"], row["last"]))
    for row in learnings.values("engagement__kind", "engagement__location__region").annotate(n=Count("id")):
        kind, region = row["engagement__kind"], row["engagement__location__region"]
        learned[(kind, None)] = learned.get((kind, None), 0) + row["n"]
        if region is not None:
            learned[(kind, region)] = learned.get((kind, region), 0) + row["n"]
    LeaderMonth.objects.filter(membership=membership, month=month).delete()
    LeaderMonth.objects.bulk_create(_leader_rows(membership.pk, membership.organization_id, month, counts, learned))
    LeaderMonthTotal.objects.filter(membership=membership, month=month).delete()
    LeaderMonthTotal.objects.bulk_create(_total_rows(membership.pk, membership.organization_id, month, counts))


def _add(counts, key, figures):
    """Add (minutes, engagements, last start) into counts[key]."""
    minutes, engagements, last = counts.get(key, (0, 0, None))
    counts[key] = (minutes + figures[0], engagements + figures[1], _later(last, figures[2]))


def _later(first, second):
    return second if first is None or (second is not None and second > first) else first


def _refresh_location_day(location, day):
    zone = zone_or_utc(location.organization.time_zone)
    start, end = _midnight(day, zone), _midnight(date.fromordinal(day.toordinal() + 1), zone)
    window = Q(
        engagement__location=location,
        engagement__started_at__gte=start,
        engagement__started_at__lt=end,
        engagement__kind__in=CUSTOMER_FACING_KINDS,  # a visit is time with customers
    )
    totals = Participant.objects.filter(window).aggregate(
        minutes=Sum("minutes"), engagements=Count("engagement", distinct=True)
    )
    LocationDay.objects.filter(location=location, day=day).delete()
    if totals["engagements"]:
        LocationDay.objects.create(
            organization_id=location.organization_id,
            location=location,
            day=day,
            engagements=totals["engagements"],
            minutes=totals["minutes"] or 0,
        )


def _refresh_location_month(location, month):
    totals = LocationDay.objects.filter(location=location, day__gte=month, day__lt=next_month(month)).aggregate(
        minutes=Sum("minutes"), engagements=Sum("engagements")
    )
    LocationMonth.objects.filter(location=location, month=month).delete()
    if totals["engagements"]:
        LocationMonth.objects.create(
            organization_id=location.organization_id,
            location=location,
            month=month,
            engagements=totals["engagements"],
            minutes=totals["minutes"] or 0,
        )


# --- Rebuilding an organization ---------------------------------------------------------------------------
@transaction.atomic
def rollups_rebuild(*, organization, batch_size=5000):
    """Recompute every rollup row of `organization` from its log: a few grouped queries per time zone in use."""
    for model in (LeaderMonth, LeaderMonthTotal, LocationDay, LocationMonth):
        model.objects.filter(organization=organization).delete()
    by_zone = defaultdict(list)
    for member in Membership.objects.filter(organization=organization).select_related("user", "organization"):
        by_zone[member.time_zone_name].append(member.pk)
    rows, totals = [], []
    for zone_name, member_ids in sorted(by_zone.items()):
        leader_rows, total_rows = _rebuild_leaders(organization.pk, member_ids, zone_or_utc(zone_name))
        rows.extend(leader_rows)
        totals.extend(total_rows)
    LeaderMonth.objects.bulk_create(rows, batch_size=batch_size)
    LeaderMonthTotal.objects.bulk_create(totals, batch_size=batch_size)
    zone = zone_or_utc(organization.time_zone)
    days = (
        Participant.objects.filter(
            organization=organization, engagement__location__isnull=False, engagement__kind__in=CUSTOMER_FACING_KINDS
        )
        .annotate(day=TruncDate("engagement__started_at", tzinfo=zone))
        .values("engagement__location", "day")
        .annotate(minutes=Sum("minutes"), engagements=Count("engagement", distinct=True))
    )
    LocationDay.objects.bulk_create(
        (
            LocationDay(
                organization=organization,
                location_id=row["engagement__location"],
                day=row["day"],
                engagements=row["engagements"],
                minutes=row["minutes"],
            )
            for row in days.iterator(chunk_size=batch_size)
        ),
        batch_size=batch_size,
    )
    months = (
        LocationDay.objects.filter(organization=organization)
        .annotate(month=TruncMonth("day", output_field=DateField()))
        .values("location_id", "month")
        .annotate(minutes=Sum("minutes"), engagements=Sum("engagements"))
    )
    LocationMonth.objects.bulk_create(
        (
            LocationMonth(
                organization=organization,
                location_id=row["location_id"],
                month=row["month"],
                engagements=row["engagements"],
                minutes=row["minutes"],
            )
            for row in months.iterator(chunk_size=batch_size)
        ),
        batch_size=batch_size,
    )
    return {
        "leader months": LeaderMonth.objects.filter(organization=organization).count(),
        "leader month totals": LeaderMonthTotal.objects.filter(organization=organization).count(),
        "location days": LocationDay.objects.filter(organization=organization).count(),
        "location months": LocationMonth.objects.filter(organization=organization).count(),
    }


def _rebuild_leaders(organization_id, member_ids, zone):
    month = TruncMonth("engagement__started_at", tzinfo=zone, output_field=DateField())
    counts, learned = {}, defaultdict(int)
    participations = (
        Participant.objects.filter(membership_id__in=member_ids)
        .annotate(month=month)
        .values("membership", "month", "engagement__kind", "engagement__location__region")
        .annotate(minutes=Sum("minutes"), engagements=Count("id"), last=Max("engagement__started_at"))
    )
    for row in participations.iterator(chunk_size=5000):
        key = (row["membership"], row["month"], row["engagement__kind"])
        for region in {None, row["engagement__location__region"]}:
            _add(counts, (*key, region), (row["minutes"], row["engagements"], row["last"]))
    learnings = (
        Learning.objects.filter(author_id__in=member_ids)
        .annotate(month=month)
        .values("author", "month", "engagement__kind", "engagement__location__region")
        .annotate(n=Count("id"))
    )
    for row in learnings.iterator(chunk_size=5000):
        key = (row["author"], row["month"], row["engagement__kind"])
        for region in {None, row["engagement__location__region"]}:
            learned[(*key, region)] += row["n"]
    # Per leader and month, {(kind, region): figures}: the shape the refresh of one key uses.
    by_leader_month = defaultdict(lambda: ({}, {}))
    for (member_id, month_start, kind, region), figures in counts.items():
        by_leader_month[(member_id, month_start)][0][(kind, region)] = figures
    for (member_id, month_start, kind, region), n in learned.items():
        by_leader_month[(member_id, month_start)][1][(kind, region)] = n
    rows, totals = [], []
    for (member_id, month_start), (leader_counts, leader_learned) in by_leader_month.items():
        rows.extend(_leader_rows(member_id, organization_id, month_start, leader_counts, leader_learned))
        totals.extend(_total_rows(member_id, organization_id, month_start, leader_counts))
    return rows, totals
