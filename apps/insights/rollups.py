"""ThemeMonth rows (how many learnings each theme was confirmed on, per month and region), recomputed from the
confirmed links: per learning when its themes change, whole when themes merge, and by a sweep for changes
made in the customer-time log (an engagement moved to another month or place, a learning deleted), which the
engagements app can't report here (it may not import insights).

LoopMonth rows (how many learnings an action answers, and of those how many were piloted or done, per month,
region and author) likewise: the action and pilot services recompute the keys (month, author) of the learnings
they touch, and the same sweep rebuilds an organization whose log changed, or whose actions or pilots were
deleted outside the services (the admin).
"""

from collections import defaultdict
from datetime import datetime, time, timedelta

from django.db import transaction
from django.db.models import Count, DateField, Q
from django.db.models.functions import TruncMonth

from apps.core.zones import zone_or_utc
from apps.engagements.models import Engagement, Learning
from apps.engagements.rollups import month_on, next_month
from apps.organizations.models import Organization

from .models import Action, ActionStatus, LearningTheme, LoopMonth, Pilot, ThemeMonth


def month_of(learning):
    """The month (on the organization's clock) a learning counts in: its engagement's."""
    return month_on(learning.engagement.started_at, zone_or_utc(learning.organization.time_zone))


@transaction.atomic
def theme_months_refresh(*, organization, theme_ids, months=None):
    """Recompute the rows of the given themes: for the given months (on the organization's clock), or for
    every month when `months` is None (after a merge)."""
    zone = zone_or_utc(organization.time_zone)
    Organization.objects.select_for_update().filter(pk=organization.pk).first()  # one refresh at a time
    links = LearningTheme.objects.filter(organization=organization, theme_id__in=theme_ids)
    stale = ThemeMonth.objects.filter(organization=organization, theme_id__in=theme_ids)
    if months is not None:
        months = sorted(set(months))
        window = None
        for month in months:
            start = datetime.combine(month, time.min, tzinfo=zone)
            end = datetime.combine(next_month(month), time.min, tzinfo=zone)
            one = Q(learning__engagement__started_at__gte=start, learning__engagement__started_at__lt=end)
            window = one if window is None else window | one
        links = links.filter(window)
        stale = stale.filter(month__in=months)
    counts = _count(links, zone)
    stale.delete()
    ThemeMonth.objects.bulk_create(
        ThemeMonth(organization=organization, theme_id=theme, month=month_start, region_id=region, learnings=n)
        for (theme, month_start, region), n in counts.items()
    )


def _count(links, zone):
    """{(theme, month, region or None): learnings} from a queryset of links, grouped in SQL."""
    month = TruncMonth("learning__engagement__started_at", tzinfo=zone, output_field=DateField())
    counts = defaultdict(int)
    rows = (
        links.annotate(month=month)
        .values("theme_id", "month", "learning__engagement__location__region")
        .annotate(n=Count("id"))
    )
    for row in rows.iterator(chunk_size=5000):
        counts[(row["theme_id"], row["month"], None)] += row["n"]
        if row["learning__engagement__location__region"] is not None:
            counts[(row["theme_id"], row["month"], row["learning__engagement__location__region"])] += row["n"]
    return counts


@transaction.atomic
def theme_months_rebuild(*, organization):
    """Recompute all of `organization`'s rows: one grouped query."""
    counts = _count(LearningTheme.objects.filter(organization=organization), zone_or_utc(organization.time_zone))
    ThemeMonth.objects.filter(organization=organization).delete()
    ThemeMonth.objects.bulk_create(
        (
            ThemeMonth(organization=organization, theme_id=theme, month=month_start, region_id=region, learnings=n)
            for (theme, month_start, region), n in counts.items()
        ),
        batch_size=5000,
    )
    return len(counts)


# --- The closed loop ---------------------------------------------------------------------------------------
def loop_figures():
    """The loop's three counts over a queryset of action-learning links (shared with the live selector)."""
    return {
        "with_action": Count("learning_id", distinct=True),
        "piloted": Count("learning_id", filter=Q(action__pilot__isnull=False), distinct=True),
        "done": Count("learning_id", filter=Q(action__status=ActionStatus.DONE), distinct=True),
    }


def _locked(organization):
    """The organization's row, locked: one LoopMonth writer at a time per organization, so two refreshes of one
    key can't both insert (the services lock their action first, then this: always in that order)."""
    pk = getattr(organization, "pk", organization)
    return Organization.objects.select_for_update().only("pk", "time_zone").get(pk=pk)


def _links(organization):
    return Action.learnings.through.objects.filter(action__organization=organization)


def _loop_rows(organization, links, zone):
    """LoopMonth rows from a queryset of links, grouped in SQL by month, author and region. A learning has one
    engagement (one month, one place) and one author, so the groups' distinct counts add up to the NULL-region
    (every place) row exactly."""
    month = TruncMonth("learning__engagement__started_at", tzinfo=zone, output_field=DateField())
    counts = defaultdict(lambda: [0, 0, 0])
    rows = (
        links.annotate(month=month)
        .values("month", "learning__author_id", "learning__engagement__location__region")
        .annotate(**loop_figures())
    )
    for row in rows.iterator(chunk_size=5000):
        month_start, author = row["month"], row["learning__author_id"]
        for region in {None, row["learning__engagement__location__region"]}:
            total = counts[(month_start, author, region)]
            total[0] += row["with_action"]
            total[1] += row["piloted"]
            total[2] += row["done"]
    return [
        LoopMonth(
            organization_id=organization.pk,
            month=month_start,
            author_id=author,
            region_id=region,
            with_action=with_action,
            piloted=piloted,
            done=done,
        )
        for (month_start, author, region), (with_action, piloted, done) in counts.items()
    ]


@transaction.atomic
def loop_months_refresh(*, organization, learning_ids):
    """Recompute the LoopMonth keys (month on the organization's clock, author) of the given learnings (ids, or
    a queryset of ids): after an action or a pilot changed what answers them. Every month x author pair of the
    learnings is recomputed (a few keys), from the organization's links in those months by those authors.
    `organization` an Organization or its id. Returns how many rows the keys now have."""
    organization = _locked(organization)
    zone = zone_or_utc(organization.time_zone)
    month = TruncMonth("engagement__started_at", tzinfo=zone, output_field=DateField())
    keys = set(
        Learning.objects.filter(organization=organization, pk__in=learning_ids)
        .annotate(month=month)
        .values_list("month", "author_id")
        .distinct()
    )
    if not keys:
        return 0
    months = sorted({month_start for month_start, _ in keys})
    authors = sorted({author for _, author in keys})
    window = Q()
    for month_start in months:
        window |= Q(
            learning__engagement__started_at__gte=datetime.combine(month_start, time.min, tzinfo=zone),
            learning__engagement__started_at__lt=datetime.combine(next_month(month_start), time.min, tzinfo=zone),
        )
    rows = _loop_rows(organization, _links(organization).filter(window, learning__author_id__in=authors), zone)
    LoopMonth.objects.filter(organization=organization, month__in=months, author_id__in=authors).delete()
    LoopMonth.objects.bulk_create(rows)
    return len(rows)


@transaction.atomic
def loop_months_rebuild(*, organization):
    """Recompute all of `organization`'s LoopMonth rows: one grouped query over its action-learning links."""
    organization = _locked(organization)
    rows = _loop_rows(organization, _links(organization), zone_or_utc(organization.time_zone))
    LoopMonth.objects.filter(organization=organization).delete()
    LoopMonth.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


# --- Rebuilding and sweeping --------------------------------------------------------------------------------
def rollups_rebuild(*, organization):
    """Every insights rollup of `organization` recomputed (`manage.py rebuild_rollups` calls this)."""
    return {
        "theme months": theme_months_rebuild(organization=organization),
        "loop months": loop_months_rebuild(organization=organization),
    }


def rollups_sweep(*, since):
    """Organizations whose log changed since `since` (an engagement edited or deleted, a learning deleted: their
    history says so) get their theme and loop months rebuilt; those where an action or a pilot was deleted
    outside the services (the admin) get their loop months rebuilt. Returns how many organizations."""
    changed = set(
        Engagement.history.filter(history_date__gte=since, history_type__in=["~", "-"]).values_list(
            "organization_id", flat=True
        )
    ) | set(
        Learning.history.filter(history_date__gte=since, history_type="-").values_list("organization_id", flat=True)
    )
    loop_only = (
        set(Action.history.filter(history_date__gte=since, history_type="-").values_list("organization_id", flat=True))
        | set(Pilot.history.filter(history_date__gte=since, history_type="-").values_list("organization_id", flat=True))
    ) - changed
    for organization in Organization.objects.filter(pk__in=changed):
        rollups_rebuild(organization=organization)
    for organization in Organization.objects.filter(pk__in=loop_only):
        loop_months_rebuild(organization=organization)
    return len(changed | loop_only)


SWEEP_EVERY = timedelta(minutes=10)
