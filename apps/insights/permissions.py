"""Who may change themes, actions, pilots and scores. Every member of the organization reads them.

Predicates only; views turn False into 403 after the scoped lookup has answered 404 for other organizations.
"""

from apps.engagements.permissions import can_edit_learning
from apps.organizations.models import Role
from apps.organizations.permissions import can_act_for, can_manage_organization, can_write


def can_manage_themes(membership):
    return can_manage_organization(membership)


def can_review_themes(membership, learning, supported_ids=None):
    """The learning's author or their chief of staff (who may edit it), or an admin tidying up."""
    if membership is None or membership.organization_id != learning.organization_id:
        return False
    return can_edit_learning(membership, learning, supported_ids) or can_manage_organization(membership)


def can_create_actions(membership):
    """Executives, chiefs of staff and admins; board members read."""
    return can_write(membership)


OWNER_ROLES = (Role.EXECUTIVE, Role.CHIEF_OF_STAFF, Role.ADMIN)


def can_own_actions(membership):
    return membership is not None and membership.is_active and membership.role in OWNER_ROLES


def can_edit_action(membership, action, supported_ids=None):
    """Its owner, whoever created it, an admin, or a chief of staff who supports the owner."""
    if not can_write(membership) or membership.organization_id != action.organization_id:
        return False
    if membership.pk in (action.owner_id, action.created_by_id) or membership.role == Role.ADMIN:
        return True
    return can_act_for(membership, action.owner, supported_ids)


def can_record_scores(membership):
    """Admins and chiefs of staff keep the customer scores."""
    return (
        membership is not None
        and membership.is_active
        and membership.role
        in (
            Role.ADMIN,
            Role.CHIEF_OF_STAFF,
        )
    )
