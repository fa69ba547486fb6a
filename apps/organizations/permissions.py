"""Who may do what inside an organization. Predicates only: views turn False into 403."""

from .models import Role

WRITER_ROLES = (Role.EXECUTIVE, Role.CHIEF_OF_STAFF, Role.ADMIN)


def can_manage_organization(membership):
    return membership is not None and membership.is_active and membership.role == Role.ADMIN


def can_log_customer_time(membership):
    """Executives log their own time; a chief of staff logs for the executives they support."""
    return (
        membership is not None
        and membership.is_active
        and membership.role
        in (
            Role.EXECUTIVE,
            Role.CHIEF_OF_STAFF,
        )
    )


def can_write(membership):
    """Board members read; everyone else may change what their role allows."""
    return membership is not None and membership.is_active and membership.role in WRITER_ROLES


def can_act_for(membership, leader, supported_ids=None):
    """True when `membership` may log or edit customer time credited to `leader`."""
    if membership is None or leader is None or not membership.is_active:
        return False
    if membership.organization_id != leader.organization_id:
        return False
    if leader.role != Role.EXECUTIVE or not leader.is_active:
        return False
    if membership.pk == leader.pk:
        return membership.role == Role.EXECUTIVE
    if membership.role == Role.CHIEF_OF_STAFF:
        # Pages that check many rows pass the supported ids they fetched once.
        if supported_ids is not None:
            return leader.pk in supported_ids
        return membership.supports.filter(pk=leader.pk).exists()
    return False
