"""ThemeMonth rows (how many learnings each theme was confirmed on, per month and region), recomputed from the
confirmed links: per learning when its themes change, whole when themes merge, and by a sweep for changes
made in the customer-time log (an engagement moved to another month or place, a learning deleted), which the
engagements app can't report here (it may not import insights).
"""

from collections import defaultdict
from datetime import datetime, time, timedelta

from django.db import transaction
from django.db.models import Count, DateField, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from apps.core.zones import zone_or_utc
from apps.engagements.models import Engagement, Learning
from apps.engagements.rollups import next_month
from apps.organizations.models import Organization

from .models import LearningTheme, ThemeMonth


def month_of(learning):
    """The month (on the organization's clock) a learning counts in: its engagement's."""
    zone = zone_or_utc(learning.organization.time_zone)
    return timezone.localtime(learning.engagement.started_at, zone).date().replace(day=1)


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


def theme_months_sweep(*, since, now=None):
    """Organizations whose log changed since `since` (an engagement edited or deleted, a learning deleted:
    their history says so) get their theme months rebuilt. Returns how many organizations."""
    changed = set(
        Engagement.history.filter(history_date__gte=since, history_type__in=["~", "-"]).values_list(
            "organization_id", flat=True
        )
    ) | set(
        Learning.history.filter(history_date__gte=since, history_type="-").values_list("organization_id", flat=True)
    )
    for organization in Organization.objects.filter(pk__in=changed):
        theme_months_rebuild(organization=organization)
    return len(changed)


SWEEP_EVERY = timedelta(minutes=10)
