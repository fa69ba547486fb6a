"""Writes for organizations, members, locations and invitations."""

import secrets
import zoneinfo
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from apps.core.queue import enqueue_on_commit

from .models import (
    CLOSED_INVITATION_MESSAGES,
    MAX_SEND_ATTEMPTS,
    SEND_CLAIM_TIMEOUT,
    Invitation,
    InvitationStatus,
    Location,
    Membership,
    Organization,
    Region,
    Role,
)
from .permissions import can_manage_organization


def _active_language():
    """The language of this request, if it is one of the site's; else the default."""
    active = translation.get_language() or settings.LANGUAGE_CODE
    return active if active in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _unique_slug(name):
    base = slugify(name)[:50] or "org"
    slug, n = base, 2
    while Organization.objects.filter(slug=slug).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


@transaction.atomic
def organization_create(*, name, time_zone, creator, slug=None, language=""):
    """A new organization with its creator as the first admin; its language (blank: the one active now) is
    its members' and invitations' default."""
    organization = Organization(
        name=name.strip(),
        slug=slug or _unique_slug(name),
        time_zone=time_zone,
        language=language or _active_language(),
    )
    organization.full_clean()
    organization.save()
    membership = Membership(organization=organization, user=creator, role=Role.ADMIN)
    membership.full_clean()
    membership.save()
    return organization, membership


@transaction.atomic
def organization_update(*, organization, name, time_zone, language=""):
    """Name, time zone and default language (blank keeps it)."""
    organization.name = name.strip()
    organization.time_zone = time_zone
    if language:
        organization.language = language
    organization.full_clean()
    organization.save(update_fields=["name", "time_zone", "language", "updated_at"])
    return organization


@transaction.atomic
def membership_update(*, membership, role, title="", is_active=True, supports=(), acting):
    """Change a member's role and whom they support. An organization always keeps an active admin."""
    # Lock the organization: two admins demoting each other at once must not leave it without one.
    organization = Organization.objects.select_for_update().get(pk=membership.organization_id)
    # The stored row again: `acting` may be the very instance a bound ModelForm has just changed.
    acting = Membership.objects.filter(pk=acting.pk, organization=organization).first()
    if not can_manage_organization(acting):
        raise PermissionDenied(_("Only an admin of this organization manages its members."))
    supports = list(supports)
    for executive in supports:
        if executive.organization_id != organization.pk or executive.role != Role.EXECUTIVE:
            raise ValidationError({"supports": _("Only executives of this organization can be supported.")})
    # Compare with the stored row: a bound ModelForm may already have changed the instance.
    stored = Membership.objects.get(pk=membership.pk)
    losing_admin = stored.role == Role.ADMIN and stored.is_active and (role != Role.ADMIN or not is_active)
    if losing_admin:
        other_admins = Membership.objects.filter(organization=organization, role=Role.ADMIN, is_active=True).exclude(
            pk=membership.pk
        )
        if not other_admins.exists():
            field = "role" if role != Role.ADMIN else "is_active"
            raise ValidationError({field: _("The organization needs at least one active admin.")})
    membership.role = role
    membership.title = title
    membership.is_active = is_active
    membership.full_clean()
    membership.save(update_fields=["role", "title", "is_active", "updated_at"])
    membership.supports.set(supports if role == Role.CHIEF_OF_STAFF else [])
    if role != Role.EXECUTIVE:
        # Only executives can be supported: a former executive leaves their chiefs of staff's lists.
        membership.supported_by.clear()
    return membership


@transaction.atomic
def region_create(*, organization, name):
    region = Region(organization=organization, name=name.strip())
    if Region.objects.for_organization(organization).filter(name=region.name).exists():
        raise ValidationError({"name": _("A region with this name already exists.")})
    region.full_clean()
    region.save()
    return region


@transaction.atomic
def location_save(*, organization, location=None, **fields):
    """Create (location=None) or update a location; its region must belong to the same organization."""
    region = fields.get("region")
    if region is not None and region.organization_id != organization.pk:
        raise ValidationError({"region": _("Choose a region of this organization.")})
    location = location or Location(organization=organization)
    if location.organization_id != organization.pk:
        raise ValidationError(_("This location belongs to another organization."))
    for name, value in fields.items():
        setattr(location, name, value)
    if (location.latitude is None) != (location.longitude is None):
        missing = "longitude" if location.latitude is not None else "latitude"
        raise ValidationError({missing: _("Give both latitude and longitude, or neither.")})
    others = Location.objects.for_organization(organization).exclude(pk=location.pk)
    if others.filter(name=location.name).exists():
        raise ValidationError({"name": _("A location with this name already exists.")})
    location.code = (location.code or "").strip()
    if location.code:
        taken = others.filter(code__iexact=location.code).values_list("name", flat=True).first()
        if taken is not None:
            raise ValidationError(
                {"code": _("%(location)s already has this code; each location needs its own.") % {"location": taken}}
            )
    location.full_clean()
    location.save()
    return location


@transaction.atomic
def invitation_create(*, organization, email, role, invited_by, language=""):
    """A pending invitation, emailed once committed, in `language` (blank: the organization's)."""
    email = email.strip().lower()
    existing = Membership.objects.filter(organization=organization, user__email__iexact=email).first()
    if existing is not None and existing.is_active:
        raise ValidationError({"email": _("This person is already a member.")})
    if existing is not None:
        # Reactivation keeps their history and is one tick on their member page; no email needed.
        raise ValidationError({"email": _("This person is a deactivated member: reactivate them on their page.")})
    # A fresh invitation replaces any pending one for the same address.
    now = timezone.now()
    Invitation.objects.filter(
        organization=organization,
        email__iexact=email,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=now,
    ).update(revoked_at=now, updated_at=now)
    invitation = Invitation(
        organization=organization,
        email=email,
        role=role,
        language=language or organization.language,
        invited_by=invited_by,
        token=secrets.token_urlsafe(32),
        expires_at=now + timedelta(days=settings.INVITATION_TTL_DAYS),
    )
    invitation.full_clean()
    invitation.save()
    from .tasks import invitation_send_task  # tasks import services; import here to avoid a cycle

    enqueue_on_commit(invitation_send_task, invitation.pk)
    return invitation


def invitation_send(*, invitation_id):
    """Email the invitation once.

    A worker first claims the row (a duplicate task then finds it claimed and does nothing), sends, and
    only then marks it sent. A worker killed in between leaves a claim that goes stale, and the sweep
    sends it again: nothing is lost. After MAX_SEND_ATTEMPTS failures it stops and the admin sees it.
    """
    now = timezone.now()
    claimed = (
        Invitation.objects.filter(
            pk=invitation_id,
            sent_at__isnull=True,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=now,
            send_attempts__lt=MAX_SEND_ATTEMPTS,
        )
        .filter(Q(send_claimed_at__isnull=True) | Q(send_claimed_at__lt=now - SEND_CLAIM_TIMEOUT))
        .update(send_claimed_at=now, send_attempts=F("send_attempts") + 1)
    )
    if not claimed:
        return False
    invitation = Invitation.objects.select_related("organization", "invited_by__user").get(pk=invitation_id)
    context = {
        "invitation": invitation,
        "accept_url": settings.SITE_URL + reverse("organizations:invitation_accept", args=[invitation.token]),
        "inviter": invitation.invited_by.display_name if invitation.invited_by else invitation.organization.name,
    }
    # In the invitation's language; the expiry on the organization's clock, not the worker's UTC.
    with (
        translation.override(invitation.language),
        timezone.override(zoneinfo.ZoneInfo(invitation.organization.time_zone)),
    ):
        text = render_to_string("email/invitation.txt", context)
        html = render_to_string("email/invitation.html", context)
        subject = _("[Gemba] You're invited to %(organization)s") % {"organization": invitation.organization.name}
    message = EmailMultiAlternatives(subject=subject, body=text, to=[invitation.email])
    message.attach_alternative(html, "text/html")
    try:
        message.send()
    except Exception:
        # Release the claim so a retry or the sweep sends it later.
        Invitation.objects.filter(pk=invitation_id).update(send_claimed_at=None)
        raise
    Invitation.objects.filter(pk=invitation_id).update(sent_at=timezone.now(), send_claimed_at=None)
    return True


@transaction.atomic
def invitation_accept(*, invitation, user):
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    now = timezone.now()
    status = invitation.status(now)
    if status != InvitationStatus.PENDING:
        raise ValidationError(str(CLOSED_INVITATION_MESSAGES[status]))
    if user.email.lower() != invitation.email.lower():
        raise PermissionDenied(_("This invitation was sent to another email address."))
    membership, created = Membership.objects.get_or_create(
        organization=invitation.organization, user=user, defaults={"role": invitation.role}
    )
    if not created and not membership.is_active:
        # Invited before being deactivated: accepting the invitation brings them back in its role.
        membership.is_active = True
        membership.role = invitation.role
        membership.save(update_fields=["is_active", "role", "updated_at"])
    if not user.language:
        # A newcomer reads Gemba in the language they were invited in until they choose their own.
        user.language = invitation.language
        user.save(update_fields=["language"])
    invitation.accepted_at = now
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by", "updated_at"])
    return membership


@transaction.atomic
def invitation_revoke(*, invitation):
    if invitation.accepted_at is None and invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at", "updated_at"])
    return invitation
