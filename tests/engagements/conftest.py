"""Fixtures for the engagement tests.

The cast (all in `organization` unless said otherwise):
- executive        the leader whose log we look at (from tests/conftest.py)
- chief_of_staff   supports `executive` (from tests/conftest.py)
- board_member, admin_member (from tests/conftest.py)
- peer             another executive, a co-participant of `shared_engagement`
- stranger         an executive with nothing to do with the entries
- peer_cos         a chief of staff supporting `peer` only
- supporting_cos   a second chief of staff supporting `executive`
- unsupported_cos  a chief of staff supporting `stranger` only
- outsider         an executive of `other_organization`
- outsider_board   a board member of `other_organization`
"""

import pytest

from apps.organizations.models import Role
from tests.engagements.factories import EngagementFactory, LearningFactory, ParticipantFactory
from tests.organizations.factories import LocationFactory, MembershipFactory, OrganizationFactory


@pytest.fixture
def peer(organization):
    return MembershipFactory(organization=organization, role=Role.EXECUTIVE, user__full_name="Pat Peer")


@pytest.fixture
def stranger(organization):
    return MembershipFactory(organization=organization, role=Role.EXECUTIVE, user__full_name="Sam Stranger")


@pytest.fixture
def peer_cos(organization, peer):
    chief = MembershipFactory(organization=organization, role=Role.CHIEF_OF_STAFF)
    chief.supports.add(peer)
    return chief


@pytest.fixture
def supporting_cos(organization, executive):
    """A second chief of staff who supports `executive` (and logged nothing)."""
    chief = MembershipFactory(organization=organization, role=Role.CHIEF_OF_STAFF)
    chief.supports.add(executive)
    return chief


@pytest.fixture
def unsupported_cos(organization, stranger):
    chief = MembershipFactory(organization=organization, role=Role.CHIEF_OF_STAFF)
    chief.supports.add(stranger)
    return chief


@pytest.fixture
def inactive_executive(organization):
    return MembershipFactory(organization=organization, role=Role.EXECUTIVE, is_active=False)


@pytest.fixture
def other_organization(db):
    return OrganizationFactory()


@pytest.fixture
def outsider(other_organization):
    return MembershipFactory(organization=other_organization, role=Role.EXECUTIVE)


@pytest.fixture
def outsider_board(other_organization):
    return MembershipFactory(organization=other_organization, role=Role.BOARD)


@pytest.fixture
def location(organization):
    return LocationFactory(organization=organization, name="High Street", code="HS1")


@pytest.fixture
def outside_location(other_organization):
    return LocationFactory(organization=other_organization, name="Elsewhere Mall", code="EM9")


@pytest.fixture
def engagement(executive, location):
    """A 30-minute store visit the executive logged for themself, with one learning."""
    entry = EngagementFactory(organization=executive.organization, leader=executive, location=location)
    LearningFactory(engagement=entry, text="Self-checkout keeps failing.")
    return entry


@pytest.fixture
def shared_engagement(executive, chief_of_staff, peer, location):
    """A 60-minute retail safari logged by the chief of staff for the executive, `peer` credited 45 minutes.

    Learnings: one by the executive, one by the peer.
    """
    entry = EngagementFactory(
        organization=executive.organization,
        leader=executive,
        logged_by=chief_of_staff,
        kind="retail_safari",
        location=location,
        duration_minutes=60,
    )
    ParticipantFactory(engagement=entry, membership=peer, minutes=45)
    LearningFactory(engagement=entry, author=executive, kind="idea", text="Open the café earlier.")
    LearningFactory(engagement=entry, author=peer, kind="praise", text="Staff knew every product.")
    return entry


@pytest.fixture
def member(request):
    """Indirect parametrization by fixture name: `member` is that fixture's membership."""
    return request.getfixturevalue(request.param)
