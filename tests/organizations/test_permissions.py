"""permissions.py as a matrix: each predicate against every role, inactive members and no membership."""

import pytest

from apps.organizations.permissions import (
    can_act_for,
    can_log_customer_time,
    can_manage_organization,
    can_write,
)
from tests.organizations.factories import MembershipFactory

pytestmark = pytest.mark.django_db

ROLES = ["executive", "chief_of_staff", "board", "admin"]


def _member(kind, organization):
    """A membership for a matrix row: a role name, or "inactive" (an inactive admin)."""
    if kind == "inactive":
        return MembershipFactory(organization=organization, role="admin", is_active=False)
    return MembershipFactory(organization=organization, role=kind)


@pytest.mark.parametrize(
    ("kind", "manage", "log", "write"),
    [
        ("executive", False, True, True),
        ("chief_of_staff", False, True, True),
        ("board", False, False, False),
        ("admin", True, False, True),
        ("inactive", False, False, False),
    ],
)
def test_role_predicates(organization, kind, manage, log, write):
    # given
    membership = _member(kind, organization)

    # when
    answers = (can_manage_organization(membership), can_log_customer_time(membership), can_write(membership))

    # then
    assert answers == (manage, log, write)


@pytest.mark.parametrize("role", ROLES)
def test_an_inactive_member_may_do_nothing_whatever_the_role(organization, role):
    # given
    membership = MembershipFactory(organization=organization, role=role, is_active=False)

    # when
    answers = (can_manage_organization(membership), can_log_customer_time(membership), can_write(membership))

    # then
    assert answers == (False, False, False)


def test_no_membership_may_do_nothing():
    # when
    answers = (can_manage_organization(None), can_log_customer_time(None), can_write(None), can_act_for(None, None))

    # then
    assert answers == (False, False, False, False)


# --- can_act_for: who may log or edit customer time credited to an executive ---------------------------
@pytest.mark.parametrize(
    ("acting", "allowed"),
    [
        ("the executive themself", True),
        ("a chief of staff who supports them", True),
        ("a chief of staff who supports someone else", False),
        ("an inactive chief of staff who supports them", False),
        ("another executive", False),
        ("a board member", False),
        ("an admin", False),
        ("a chief of staff of another organization", False),
    ],
)
def test_can_act_for_an_executive(organization, executive, acting, allowed):
    # given
    other_executive = MembershipFactory(organization=organization, role="executive")
    if acting == "the executive themself":
        membership = executive
    elif acting == "a chief of staff who supports them":
        membership = MembershipFactory(organization=organization, role="chief_of_staff")
        membership.supports.add(executive)
    elif acting == "a chief of staff who supports someone else":
        membership = MembershipFactory(organization=organization, role="chief_of_staff")
        membership.supports.add(other_executive)
    elif acting == "an inactive chief of staff who supports them":
        membership = MembershipFactory(organization=organization, role="chief_of_staff", is_active=False)
        membership.supports.add(executive)
    elif acting == "another executive":
        membership = other_executive
    elif acting == "a board member":
        membership = MembershipFactory(organization=organization, role="board")
    elif acting == "an admin":
        membership = MembershipFactory(organization=organization, role="admin")
    else:
        membership = MembershipFactory(role="chief_of_staff")

    # when
    answer = can_act_for(membership, executive)

    # then
    assert answer is allowed


@pytest.mark.parametrize("role", ["chief_of_staff", "board", "admin"])
def test_nobody_acts_for_themself_unless_they_are_an_executive(organization, role):
    # given
    membership = MembershipFactory(organization=organization, role=role)

    # when
    answer = can_act_for(membership, membership)

    # then
    assert answer is False


def test_can_act_for_nobody(executive):
    # when
    answer = can_act_for(executive, None)

    # then
    assert answer is False
