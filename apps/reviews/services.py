"""Writes for the reviews app: the organization's monthly review email settings (who gets it, on which day).

The sending itself (the emails, their pack, the beat sweep) reads these settings; nothing here enqueues work.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.organizations.models import Membership, Organization, Role
from apps.organizations.permissions import can_manage_organization

from . import selectors
from .models import MonthlySend


@transaction.atomic
def monthly_send_update(*, organization, enabled, day, roles, people, by):
    """Save `organization`'s monthly review email: switched on or off, its day (1-28), the roles that get it and
    the people named besides them (active members of this organization: `selectors.monthly_send_choices`).
    `by` must be one of its admins.

    Returns the saved MonthlySend. Raises PermissionDenied for anyone else, ValidationError (by field) for a bad
    day, an unknown role, or a person who is not an active member of this organization."""
    # Lock the organization: two admins saving at once must not both create its one row.
    organization = Organization.objects.select_for_update().get(pk=getattr(organization, "pk", organization))
    acting = Membership.objects.filter(pk=getattr(by, "pk", None), organization=organization).first()
    if not can_manage_organization(acting):
        raise PermissionDenied(_("Only an admin of this organization chooses who gets the monthly review."))

    roles = list(roles)
    unknown = [role for role in roles if role not in Role.values]
    if unknown:
        raise ValidationError({"roles": _("Choose roles from the list.")}, code="invalid_role")
    people = list(people)
    wanted = {getattr(person, "pk", person) for person in people}
    members = selectors.monthly_send_choices(organization=organization).filter(pk__in=wanted)
    if len(wanted) != members.count():
        raise ValidationError(
            {"people": _("Choose people who are active members of this organization.")}, code="invalid_person"
        )
    if enabled and not roles and not wanted:
        raise ValidationError(
            {"roles": _("Choose at least one role or person to send it to, or switch the email off.")},
            code="no_recipients",
        )

    send = MonthlySend.objects.filter(organization=organization).first() or MonthlySend(organization=organization)
    send.enabled = bool(enabled)
    send.day = day
    # In the order of the roles' list, each once: the same choice is stored the same way.
    send.roles = [role for role in Role.values if role in roles]
    send.full_clean()
    send.save()
    send.people.set(members)
    return send
