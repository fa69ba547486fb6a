"""Who may change an engagement and its learnings. Reading is open to every member of the organization."""

from apps.organizations.permissions import can_act_for


def can_edit_engagement(membership, engagement):
    """The author (leader), whoever logged it for them, or a chief of staff supporting the author."""
    if membership is None or membership.organization_id != engagement.organization_id:
        return False
    if not membership.is_active or membership.is_board:
        return False
    return membership.pk == engagement.logged_by_id or can_act_for(membership, engagement.leader)


def participants_acted_for(membership, engagement):
    """The participants of `engagement` that `membership` may add learnings or minutes for."""
    return [p for p in engagement.participants.all() if can_act_for(membership, p.membership)]


def can_set_participant_minutes(membership, participant):
    """The participant (or their chief of staff), or whoever may edit the whole engagement."""
    return can_act_for(membership, participant.membership) or can_edit_engagement(membership, participant.engagement)


def can_edit_learning(membership, learning):
    if membership is None or membership.organization_id != learning.organization_id:
        return False
    return can_act_for(membership, learning.author) or can_edit_engagement(membership, learning.engagement)
