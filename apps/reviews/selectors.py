"""Reads for the reviews app: the monthly review email's settings and who gets it."""

from django.db.models import Q

from apps.notifications import selectors as notification_selectors
from apps.notifications.models import ReminderKind
from apps.organizations.models import Membership

from .models import MonthlySend


def monthly_send_for(organization):
    """The organization's monthly review email settings, or an unsaved row with the defaults (switched off,
    the 3rd, nobody) when they were never saved."""
    send = MonthlySend.objects.for_organization(organization).first()
    if send is not None:
        return send
    if isinstance(organization, int):
        return MonthlySend(organization_id=organization)
    return MonthlySend(organization=organization)


def monthly_send_people(*, send):
    """The members named on `send` (none on an unsaved row)."""
    if send.pk is None:
        return Membership.objects.none()
    return send.people.select_related("user")


def monthly_recipients(*, organization):
    """Who gets the monthly review, whether or not it is switched on: the organization's active members whose role
    is chosen or who are named, each once, by name. A user who is inactive or has no email address gets nothing."""
    send = monthly_send_for(organization)
    wanted = Q(role__in=send.roles)
    if send.pk is not None:
        wanted |= Q(pk__in=send.people.values("pk"))
    return (
        Membership.objects.for_organization(organization)
        .filter(wanted, is_active=True, user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
        .order_by("user__full_name", "user__email", "pk")
    )


def switched_off_ids(*, recipients):
    """The ids of those among `recipients` who switched the monthly review email off for themselves."""
    recipients = list(recipients)
    preferences = notification_selectors.preferences_by_user(user_ids=[m.user_id for m in recipients])
    return {m.pk for m in recipients if not preferences[m.user_id].kind_enabled(ReminderKind.MONTHLY_REVIEW)}


def monthly_send_choices(*, organization):
    """The members an admin can name for the monthly review: the organization's active members (whose user may
    sign in), by name."""
    return (
        Membership.objects.for_organization(organization)
        .filter(is_active=True, user__is_active=True)
        .select_related("user")
        .order_by("user__full_name", "user__email", "pk")
    )


def email_recipients():
    """Every active member, of every organization, with an active user and an email address: who gets a digest.
    With their user and organization (their language and clock, without a query each)."""
    return (
        Membership.objects.filter(is_active=True, user__is_active=True)
        .exclude(user__email="")
        .select_related("user", "organization")
        .order_by("pk")
    )
