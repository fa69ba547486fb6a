"""Who may change an engagement and its learnings. Reading is open to every member of the organization.

Each predicate takes an optional `supported_ids` (the executives a chief of staff supports, fetched once)
so that a page checking many rows does not query per row.
"""

from apps.organizations.permissions import can_act_for


def can_edit_engagement(membership, engagement, supported_ids=None):
    """The author (leader), or a chief of staff who supports the author now.

    Having logged the entry once is not enough: a chief of staff who stops supporting an executive stops
    acting for them.
    """
    if membership is None or membership.organization_id != engagement.organization_id:
        return False
    return can_act_for(membership, engagement.leader, supported_ids)


def participants_acted_for(membership, engagement, supported_ids=None):
    """The participants of `engagement` that `membership` may add learnings or minutes for."""
    return [p for p in engagement.participants.all() if can_act_for(membership, p.membership, supported_ids)]


def can_set_participant_minutes(membership, participant, supported_ids=None):
    """The participant (or their chief of staff), or whoever may edit the whole engagement."""
    return can_act_for(membership, participant.membership, supported_ids) or can_edit_engagement(
        membership, participant.engagement, supported_ids
    )


def can_edit_learning(membership, learning, supported_ids=None):
    if membership is None or membership.organization_id != learning.organization_id:
        return False
    return can_act_for(membership, learning.author, supported_ids) or can_edit_engagement(
        membership, learning.engagement, supported_ids
    )
