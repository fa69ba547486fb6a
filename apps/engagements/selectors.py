"""Reads for the customer-time log. Everything starts from an organization; totals are SQL aggregates."""

from datetime import datetime, time, timedelta

from django.db.models import Count, F, Max, OuterRef, Prefetch, Q, Subquery, Sum
from django.utils import timezone

from apps.organizations.models import Location

from .models import Engagement, Learning, Participant


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
    totals = Participant.objects.filter(membership=membership).aggregate(
        week=Sum("minutes", filter=Q(engagement__started_at__gte=starts["week"], engagement__started_at__lte=end)),
        month=Sum("minutes", filter=Q(engagement__started_at__gte=starts["month"], engagement__started_at__lte=end)),
        week_count=Count("id", filter=Q(engagement__started_at__gte=starts["week"], engagement__started_at__lte=end)),
        month_count=Count("id", filter=Q(engagement__started_at__gte=starts["month"], engagement__started_at__lte=end)),
    )
    return {key: value or 0 for key, value in totals.items()}


def _used_by(membership):
    return Q(engagements__logged_by=membership) | Q(engagements__participants__membership=membership)


def locations_recent_first(*, membership, recent_limit=5):
    """(recent, all): the locations `membership` used most recently, then every active location."""
    locations = Location.objects.for_organization(membership.organization_id).filter(is_active=True)
    recent = list(
        locations.filter(_used_by(membership))
        .annotate(last_used=Max("engagements__started_at"))
        .order_by("-last_used", "name")[:recent_limit]
    )
    # Locations without a region last, on every database (PostgreSQL and SQLite sort NULL differently).
    everything = list(locations.select_related("region").order_by(F("region__name").asc(nulls_last=True), "name"))
    return recent, everything


def last_kind(*, membership):
    return (
        Engagement.objects.for_organization(membership.organization_id)
        .filter(Q(logged_by=membership) | Q(leader=membership))
        .order_by("-created_at", "-id")
        .values_list("kind", flat=True)
        .first()
    )


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
