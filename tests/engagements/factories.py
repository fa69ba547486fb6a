import uuid
from datetime import timedelta

import factory
from django.utils import timezone

from apps.engagements.models import Engagement, Kind, Learning, LearningKind, Participant
from tests.organizations.factories import LocationFactory, MembershipFactory, OrganizationFactory


class EngagementFactory(factory.django.DjangoModelFactory):
    """An engagement with its leader credited as participant (as the service does)."""

    class Meta:
        model = Engagement
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory)
    client_uuid = factory.LazyFunction(uuid.uuid4)
    kind = Kind.STORE_VISIT
    location = factory.SubFactory(LocationFactory, organization=factory.SelfAttribute("..organization"))
    started_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=2))
    duration_minutes = 30
    leader = factory.SubFactory(MembershipFactory, organization=factory.SelfAttribute("..organization"))
    logged_by = factory.SelfAttribute("leader")

    @factory.post_generation
    def credit_leader(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            Participant.objects.create(
                organization=obj.organization,
                engagement=obj,
                membership=obj.leader,
                minutes=obj.duration_minutes,
                started_at=obj.started_at,
                kind=obj.kind,
            )


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    engagement = factory.SubFactory(EngagementFactory)
    organization = factory.SelfAttribute("engagement.organization")
    membership = factory.SubFactory(MembershipFactory, organization=factory.SelfAttribute("..organization"))
    minutes = factory.SelfAttribute("engagement.duration_minutes")
    started_at = factory.SelfAttribute("engagement.started_at")
    kind = factory.SelfAttribute("engagement.kind")


class LearningFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Learning

    engagement = factory.SubFactory(EngagementFactory)
    organization = factory.SelfAttribute("engagement.organization")
    author = factory.SelfAttribute("engagement.leader")
    kind = LearningKind.PAIN_POINT
    text = factory.Faker("sentence")
    quote = ""
