"""Rollup rows the dashboards read instead of the log: LeaderMonth with its kind-less LeaderMonthTotal, and
LocationDay with its LocationMonth (see models.py).

They are derived, never edited by hand, and kept in the transaction of the write to the log:
- A new engagement or learning adds its figures to its keys with one upsert per table (INSERT ... ON CONFLICT
  DO UPDATE adding to the row): no re-reading of the leader's month, whatever its size.
- LocationDay and LocationMonth hold sums only, so every change (an edit, a move, a deletion) is a delta too:
  the engagement's footprint before the change is taken away and the one after is added.
- A LeaderMonth's latest start can't be taken away by a delta, so an edit or a deletion recomputes the leader
  keys it touches from the log (a few keys). Both ways lock the leaders' membership rows first (in id order,
  so two writers can't deadlock): a recomputation never misses a concurrent addition.
`rollups_rebuild` recomputes a whole organization (after bulk inserts, or when a time zone or a location's
region changes), and `manage.py rebuild_rollups` runs it.
"""

from collections import defaultdict
from datetime import date, datetime, time
from typing import NamedTuple

from django.db import connection, transaction
from django.db.models import Count, DateField, F, Max, Q, Sum
from django.db.models.functions import Greatest, TruncDate, TruncMonth
from django.utils import timezone

from apps.core.zones import zone_or_utc
from apps.organizations.models import Membership

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


def leader_key(membership, started_at):
    return membership.pk, month_on(started_at, zone_or_utc(membership.time_zone_name))


def _locked_members(member_ids):
    """{id: membership} for the given ids, their rows locked (only theirs: not the users' or the organization's)."""
    return {
        m.pk: m
        for m in Membership.objects.select_for_update(of=("self",))
        .filter(pk__in=set(member_ids))
        .select_related("user", "organization")
        .order_by("pk")
    }


# --- Upserts ---------------------------------------------------------------------------------------------
# The unique index each table's upsert lands on (models.py): a NULL region is one key, hence the COALESCE.
_CONFLICT = {
    LeaderMonth: '"membership_id", "month", "kind", COALESCE("region_id", 0)',
    LeaderMonthTotal: '"membership_id", "month", COALESCE("region_id", 0)',
    LocationDay: '"location_id", "day"',
    LocationMonth: '"location_id", "month"',
}


def _upsert(model, rows, *, add, latest=None):
    """The statement that inserts `rows` (dicts of field name -> value, one per key), or adds their `add` fields
    to the rows already there; `latest` keeps the later of the two datetimes. (sql, params), or None without
    rows. The same SQL on PostgreSQL and SQLite (Django's bulk_create(update_conflicts=True) can only overwrite,
    not add)."""
    if not rows:
        return None
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = list(rows[0])
    fields = [model._meta.get_field(name) for name in names]
    columns = {name: quote(field.column) for name, field in zip(names, fields, strict=True)}
    sets = [f"{columns[name]} = {table}.{columns[name]} + excluded.{columns[name]}" for name in add]
    if latest:
        column = columns[latest]
        mine, theirs = f"{table}.{column}", f"excluded.{column}"
        sets.append(
            f"{column} = CASE WHEN {theirs} IS NULL THEN {mine} WHEN {mine} IS NULL OR {theirs} > {mine}"
            f" THEN {theirs} ELSE {mine} END"
        )
    one_row = "(" + ", ".join(["%s"] * len(names)) + ")"
    # Only names from the models' meta are formatted in; every value is a parameter.
    sql = (
        f"INSERT INTO {table} ({', '.join(columns.values())}) VALUES {', '.join([one_row] * len(rows))}"  # noqa: S608
        f" ON CONFLICT ({_CONFLICT[model]}) DO UPDATE SET {', '.join(sets)}"
    )
    params = [
        field.get_db_prep_save(row[name], connection) for row in rows for name, field in zip(names, fields, strict=True)
    ]
    return sql, params


def _run(statements):
    """Run upserts (of different tables). On PostgreSQL in one round trip: all but the last as data-modifying
    WITH queries of the last; SQLite has no such queries, so there one by one."""
    statements = [statement for statement in statements if statement]
    if not statements:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            *first, (last, _) = statements
            heads = [f"upsert{number} AS ({sql})" for number, (sql, _) in enumerate(first)]
            cursor.execute(
                (f"WITH {', '.join(heads)} " if heads else "") + last,
                [param for _, params in statements for param in params],
            )
        else:
            for sql, params in statements:
                cursor.execute(sql, params)


# --- Adding a new engagement or learning -----------------------------------------------------------------
def engagement_added(engagement, participants, learnings=()):
    """Add a just-saved engagement (with its participants and the learnings saved with it) to every rollup:
    one lock and four upserts (one statement on PostgreSQL), whatever the size of the log."""
    members = _locked_members(p.membership_id for p in participants)
    learned = defaultdict(int)
    for learning in learnings:
        learned[learning.author_id] += 1
    region = engagement.location.region_id if engagement.location_id else None
    months, totals = {}, {}
    for participant in participants:
        member = members[participant.membership_id]
        month = month_on(engagement.started_at, zone_or_utc(member.time_zone_name))
        for place in {None, region}:
            months[(member.pk, month, engagement.kind, place)] = {
                "organization": engagement.organization_id,
                "membership": member.pk,
                "month": month,
                "kind": engagement.kind,
                "region": place,
                "minutes": participant.minutes,
                "engagements": 1,
                "learnings": learned[member.pk],
                "last_started_at": engagement.started_at,
            }
            if engagement.kind in CUSTOMER_FACING_KINDS:
                totals[(member.pk, month, place)] = {
                    "organization": engagement.organization_id,
                    "membership": member.pk,
                    "month": month,
                    "region": place,
                    "minutes": participant.minutes,
                    "engagements": 1,
                    "last_started_at": engagement.started_at,
                }
    places = location_footprint(engagement, participants)
    _run(
        [
            _upsert(
                LeaderMonth,
                list(months.values()),
                add=("minutes", "engagements", "learnings"),
                latest="last_started_at",
            ),
            _upsert(LeaderMonthTotal, list(totals.values()), add=("minutes", "engagements"), latest="last_started_at"),
            *_place_upserts(engagement.organization_id, {key: [1, minutes] for key, minutes in places.items()}),
        ]
    )


def learning_added(learning):
    """Count a new learning in its author's month (the author is a participant, so the rows usually exist)."""
    engagement = learning.engagement
    member = _locked_members([learning.author_id])[learning.author_id]
    month = month_on(engagement.started_at, zone_or_utc(member.time_zone_name))
    region = engagement.location.region_id if engagement.location_id else None
    rows = [
        {
            "organization": learning.organization_id,
            "membership": member.pk,
            "month": month,
            "kind": engagement.kind,
            "region": place,
            "minutes": 0,
            "engagements": 0,
            "learnings": 1,
            "last_started_at": None,
        }
        for place in sorted({None, region}, key=str)
    ]
    _run([_upsert(LeaderMonth, rows, add=("learnings",), latest="last_started_at")])


# --- Changing or deleting an engagement ------------------------------------------------------------------
class Footprint(NamedTuple):
    """What an engagement adds to the rollups: the leader keys it counts in, and {(location, day): minutes} of
    its one location-day (empty unless customer-facing at a location)."""

    organization_id: int
    leader_keys: frozenset
    places: dict


def location_footprint(engagement, participants):
    if not engagement.location_id or engagement.kind not in CUSTOMER_FACING_KINDS:
        return {}
    day = timezone.localtime(engagement.started_at, zone_or_utc(engagement.organization.time_zone)).date()
    return {(engagement.location_id, day): sum(p.minutes for p in participants)}


def footprint(engagement):
    """The engagement's footprint as it is in the database now: take it before a change and after it, and
    hand both to `rollups_change`. One query."""
    participants = list(
        Participant.objects.filter(engagement=engagement).select_related("membership__user", "membership__organization")
    )
    leader_keys = frozenset(
        (p.membership_id, month_on(engagement.started_at, zone_or_utc(p.membership.time_zone_name)))
        for p in participants
    )
    return Footprint(engagement.organization_id, leader_keys, location_footprint(engagement, participants))


def rollups_change(*, before, after=None):
    """Move the rollups from one footprint of an engagement to the next (`after` None: it was deleted)."""
    after = after or Footprint(before.organization_id, frozenset(), {})
    rollups_refresh(leader_keys=before.leader_keys | after.leader_keys)
    days = defaultdict(lambda: [0, 0])  # {(location, day): [engagements, minutes]}: after minus before
    for sign, places in ((-1, before.places), (1, after.places)):
        for key, minutes in places.items():
            days[key][0] += sign
            days[key][1] += sign * minutes
    _run(_place_upserts(before.organization_id, days))
    _move(LocationDay, "day", days)
    _move(LocationMonth, "month", _months(days))


def _months(days):
    """{(location, day): [engagements, minutes]} summed by month."""
    months = defaultdict(lambda: [0, 0])
    for (location, day), (n, minutes) in days.items():
        months[(location, day.replace(day=1))][0] += n
        months[(location, day.replace(day=1))][1] += minutes
    return months


def _gained(model, period, organization_id, deltas):
    """The upsert of the keys of `deltas` ({(location, day or month): [engagements, minutes]}) gaining one."""
    return _upsert(
        model,
        [
            {"organization": organization_id, "location": location, period: when, "engagements": n, "minutes": minutes}
            for (location, when), (n, minutes) in sorted(deltas.items())
            if n > 0
        ],
        add=("engagements", "minutes"),
    )


def _place_upserts(organization_id, days):
    return [
        _gained(LocationDay, "day", organization_id, days),
        _gained(LocationMonth, "month", organization_id, _months(days)),
    ]


def _move(model, period, deltas):
    """The keys of `deltas` that gain no engagement exist already: update them in place (never below zero: a row
    that drifted from the log waits for `rebuild_rollups` rather than failing the write), and delete those left
    with no engagement."""
    changed = [(key, n, minutes) for key, (n, minutes) in sorted(deltas.items()) if n <= 0 and (n or minutes)]
    for (location, when), n, minutes in changed:
        model.objects.filter(location_id=location, **{period: when}).update(
            engagements=Greatest(F("engagements") + n, 0), minutes=Greatest(F("minutes") + minutes, 0)
        )
    lost = Q()
    for (location, when), n, _ in changed:
        if n < 0:
            lost |= Q(location_id=location, **{period: when})
    if lost:
        model.objects.filter(lost, engagements=0).delete()


# --- Recomputing leader keys ------------------------------------------------------------------------------
def rollups_refresh(*, leader_keys=()):
    """Recompute the given (membership id, month) keys of LeaderMonth and LeaderMonthTotal from the log, their
    memberships locked first. Call inside the write's transaction."""
    if not leader_keys:
        return
    members = _locked_members(pk for pk, _ in leader_keys)
    for member_id, month in sorted(leader_keys):
        _refresh_leader_month(members[member_id], month)


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
