"""Who may change what: apps/engagements/permissions.py, on `shared_engagement`.

The entry: led by `executive`, logged by `chief_of_staff` (who supports the executive), `peer` credited too;
one learning by the executive, one by the peer.
"""

import pytest

from apps.engagements.permissions import (
    can_edit_engagement,
    can_edit_learning,
    can_set_participant_minutes,
    participants_acted_for,
)

pytestmark = pytest.mark.django_db

EVERYONE = [
    "executive",
    "chief_of_staff",
    "supporting_cos",
    "peer",
    "peer_cos",
    "stranger",
    "unsupported_cos",
    "board_member",
    "admin_member",
    "outsider",
    "inactive_executive",
]


@pytest.mark.parametrize(
    ("member", "allowed"),
    [(name, name in {"executive", "chief_of_staff", "supporting_cos"}) for name in EVERYONE],
    indirect=["member"],
)
def test_can_edit_engagement(member, allowed, shared_engagement):
    assert can_edit_engagement(member, shared_engagement) is allowed


def test_can_edit_engagement_nobody(shared_engagement):
    assert can_edit_engagement(None, shared_engagement) is False


def test_a_deactivated_author_can_no_longer_edit(shared_engagement, executive):
    # given
    executive.is_active = False
    executive.save()

    # when / then
    assert can_edit_engagement(executive, shared_engagement) is False


def test_the_logger_stops_editing_when_support_ends(shared_engagement, chief_of_staff, executive):
    # given
    chief_of_staff.supports.remove(executive)

    # when / then
    assert can_edit_engagement(chief_of_staff, shared_engagement) is False


@pytest.mark.parametrize(
    ("member", "allowed_for"),
    [
        ("executive", {"executive"}),
        ("chief_of_staff", {"executive"}),
        ("supporting_cos", {"executive"}),
        ("peer", {"peer"}),
        ("peer_cos", {"peer"}),
        ("stranger", set()),
        ("unsupported_cos", set()),
        ("board_member", set()),
        ("admin_member", set()),
        ("outsider", set()),
    ],
    indirect=["member"],
)
def test_participants_acted_for(request, member, allowed_for, shared_engagement):
    # when
    acted_for = participants_acted_for(member, shared_engagement)

    # then
    expected = {request.getfixturevalue(name).pk for name in allowed_for}
    assert {p.membership_id for p in acted_for} == expected


@pytest.mark.parametrize(
    ("member", "leaders", "peers"),
    [
        ("executive", True, True),  # the author may correct every credit on their entry
        ("chief_of_staff", True, True),
        ("supporting_cos", True, True),
        ("peer", False, True),
        ("peer_cos", False, True),
        ("stranger", False, False),
        ("unsupported_cos", False, False),
        ("board_member", False, False),
        ("admin_member", False, False),
        ("outsider", False, False),
    ],
    indirect=["member"],
)
def test_can_set_participant_minutes(member, leaders, peers, shared_engagement, executive, peer):
    # given
    leader_credit = shared_engagement.participants.get(membership=executive)
    peer_credit = shared_engagement.participants.get(membership=peer)

    # when / then
    assert can_set_participant_minutes(member, leader_credit) is leaders
    assert can_set_participant_minutes(member, peer_credit) is peers


@pytest.mark.parametrize(
    ("member", "leaders", "peers"),
    [
        ("executive", True, True),
        ("chief_of_staff", True, True),
        ("supporting_cos", True, True),
        ("peer", False, True),
        ("peer_cos", False, True),
        ("stranger", False, False),
        ("unsupported_cos", False, False),
        ("board_member", False, False),
        ("admin_member", False, False),
        ("outsider", False, False),
        ("inactive_executive", False, False),
    ],
    indirect=["member"],
)
def test_can_edit_learning(member, leaders, peers, shared_engagement, executive, peer):
    # given
    leaders_learning = shared_engagement.learnings.get(author=executive)
    peers_learning = shared_engagement.learnings.get(author=peer)

    # when / then
    assert can_edit_learning(member, leaders_learning) is leaders
    assert can_edit_learning(member, peers_learning) is peers
    assert can_edit_learning(None, peers_learning) is False
