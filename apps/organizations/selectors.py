"""Reads for organizations, members, locations and invitations. Every read is scoped."""

from datetime import timedelta
from typing import NamedTuple

from django.db.models import Count, F, Prefetch, Q
from django.utils import timezone

from .models import MAX_SEND_ATTEMPTS, SEND_CLAIM_TIMEOUT, Invitation, Location, Membership, Region, Role


def memberships_for_user(user):
    return (
        Membership.objects.filter(user=user, is_active=True)
        .select_related("organization", "user")
        .order_by("organization__name")
    )


def current_membership(user, organization_id=None):
    """The membership the request acts through: the chosen organization, else the first."""
    memberships = memberships_for_user(user)
    if organization_id:
        chosen = memberships.filter(organization_id=organization_id).first()
        if chosen:
            return chosen
    return memberships.first()


def member_list(*, organization):
    return (
        Membership.objects.for_organization(organization)
        .select_related("user")
        .prefetch_related(Prefetch("supports", queryset=Membership.objects.select_related("user")))
        .order_by("role", "user__full_name", "user__email")
    )


def member_get(*, organization, pk):
    return Membership.objects.for_organization(organization).select_related("user").get(pk=pk)


def executives(*, organization, also_ids=()):
    """Active executives, plus `also_ids` (members already credited on an entry, even if they left)."""
    wanted = Q(role=Role.EXECUTIVE, is_active=True)
    if also_ids:
        wanted |= Q(pk__in=also_ids)
    return (
        Membership.objects.for_organization(organization)
        .filter(wanted)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )


def leaders_for(*, membership):
    """The executives `membership` may credit customer time to: themself, or those they support."""
    if membership.role == Role.EXECUTIVE:
        return executives(organization=membership.organization_id).filter(pk=membership.pk)
    if membership.role == Role.CHIEF_OF_STAFF:
        return executives(organization=membership.organization_id).filter(supported_by=membership)
    return Membership.objects.none()


def executives_visible_to(*, membership):
    """The executives whose customer time `membership` may look at: an executive themself, a chief of staff those
    they support, board members and admins every active executive; None for anyone else."""
    if membership.role in (Role.EXECUTIVE, Role.CHIEF_OF_STAFF):
        return leaders_for(membership=membership)
    if membership.role in (Role.BOARD, Role.ADMIN):
        return executives(organization=membership.organization_id)
    return None


def supported_executive_ids(*, membership):
    if membership.role != Role.CHIEF_OF_STAFF:
        return set()
    return set(membership.supports.values_list("pk", flat=True))


def region_list(*, organization):
    return Region.objects.for_organization(organization).annotate(
        location_count=Count("locations", filter=Q(locations__is_active=True))
    )


def location_list(*, organization, include_inactive=False, also_id=None, also_ids=()):
    """Active locations (all with `include_inactive`), plus `also_id`/`also_ids` (an entry's own, even if
    closed)."""
    qs = Location.objects.for_organization(organization).select_related("region")
    also = {pk for pk in (also_id, *also_ids) if pk}
    if not include_inactive:
        qs = qs.filter(Q(is_active=True) | Q(pk__in=also)) if also else qs.filter(is_active=True)
    # Locations without a region sort last on every database.
    return qs.order_by(F("region__name").asc(nulls_last=True), "name")


def location_get(*, organization, pk):
    return Location.objects.for_organization(organization).select_related("region").get(pk=pk)


def invitation_list(*, organization):
    return Invitation.objects.for_organization(organization).select_related("invited_by__user", "accepted_by")


def invitation_get(*, organization, pk):
    return Invitation.objects.for_organization(organization).get(pk=pk)


def invitation_by_token(*, token):
    return Invitation.objects.select_related("organization").get(token=token)


def invitations_unsent(*, limit=100, min_age_seconds=120):
    """Invitations still unsent a while after creation: their send task never ran, failed, or its worker
    died mid-send (a stale claim)."""
    now = timezone.now()
    return (
        Invitation.objects.filter(
            sent_at__isnull=True,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=now,
            created_at__lte=now - timedelta(seconds=min_age_seconds),
            send_attempts__lt=MAX_SEND_ATTEMPTS,
        )
        .filter(Q(send_claimed_at__isnull=True) | Q(send_claimed_at__lt=now - SEND_CLAIM_TIMEOUT))
        .order_by("created_at")[:limit]
    )


def chiefs_of_staff(*, organization):
    """Active chiefs of staff (a board picks one to see "their" team)."""
    return (
        Membership.objects.for_organization(organization)
        .filter(role=Role.CHIEF_OF_STAFF, is_active=True)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )


class Person(NamedTuple):
    pk: int
    display_name: str


def executive_names(*, organization, supported_by=None):
    """Active executives (of one chief of staff's team when `supported_by` is given) as light (pk, name) rows,
    by name: for pages that list hundreds of leaders and need nothing else of them. One query."""
    qs = Membership.objects.for_organization(organization).filter(role=Role.EXECUTIVE, is_active=True)
    if supported_by is not None:
        qs = qs.filter(supported_by=supported_by)
    rows = qs.order_by("user__full_name", "user__email").values_list("pk", "user__full_name", "user__email")
    return [Person(pk, name or email) for pk, name, email in rows]
