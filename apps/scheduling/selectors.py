"""Reads for plans and sessions; every read starts from an organization."""

from datetime import timedelta

from django.db.models import Count, Min, Q
from django.utils import timezone

from apps.organizations import selectors as org_selectors

from .models import CalendarFeed, Plan, Session, SessionStatus


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
    now = now or timezone.now()
    soon = now + timedelta(days=14)
    month_ago = now - timedelta(days=30)
    return (
        org_selectors.leaders_for(membership=membership)
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
