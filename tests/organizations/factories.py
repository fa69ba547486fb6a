import secrets
from datetime import timedelta

import factory
from django.utils import timezone

from apps.organizations.models import Invitation, Location, Membership, Organization, Region, Role
from tests.accounts.factories import UserFactory


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organization {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")
    time_zone = "Europe/London"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.EXECUTIVE
    title = ""


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Region {n}")


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    organization = factory.SubFactory(OrganizationFactory)
    region = factory.SubFactory(RegionFactory, organization=factory.SelfAttribute("..organization"))
    name = factory.Sequence(lambda n: f"Store {n}")
    # Unlike any code a test spells out ("S101", "A1"): codes are unique per organization.
    code = factory.Sequence(lambda n: f"LOC{n:05d}")


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    organization = factory.SubFactory(OrganizationFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.com")
    role = Role.EXECUTIVE
    token = factory.LazyFunction(lambda: secrets.token_urlsafe(32))
    invited_by = factory.SubFactory(
        MembershipFactory, organization=factory.SelfAttribute("..organization"), role=Role.ADMIN
    )
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
