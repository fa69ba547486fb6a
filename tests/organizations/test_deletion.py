"""Deleting: a whole organization goes with everything in it; a used location or member alone does not."""

import pytest
from django.db.models import RestrictedError

from apps.engagements.models import Engagement, Learning, Participant
from apps.organizations.models import Location, Membership, Organization, Region
from tests.engagements.factories import EngagementFactory, LearningFactory

pytestmark = pytest.mark.django_db


def test_deleting_an_organization_removes_everything_it_owns():
    engagement = EngagementFactory()
    LearningFactory(engagement=engagement)
    other = EngagementFactory()

    engagement.organization.delete()

    assert Organization.objects.count() == 1
    assert list(Engagement.objects.values_list("pk", flat=True)) == [other.pk]
    assert Participant.objects.count() == 1
    assert Learning.objects.count() == 0
    assert Membership.objects.count() == 1
    assert Location.objects.count() == 1
    assert Region.objects.count() == 1


def test_a_location_with_customer_time_cannot_be_deleted_alone():
    engagement = EngagementFactory()

    with pytest.raises(RestrictedError):
        engagement.location.delete()

    assert Location.objects.filter(pk=engagement.location_id).exists()


def test_a_member_with_customer_time_cannot_be_deleted_alone():
    engagement = EngagementFactory()

    with pytest.raises(RestrictedError):
        engagement.leader.delete()

    assert Membership.objects.filter(pk=engagement.leader_id).exists()
