from datetime import timedelta

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from apps.reviews.models import MonthlySend, Pack, PackStatus, ReviewEmail
from tests.organizations.factories import MembershipFactory, OrganizationFactory


class PackFactory(factory.django.DjangoModelFactory):
    """A printed pack (its file a stand-in: what a test reads of it is its row and its bytes)."""

    class Meta:
        model = Pack

    organization = factory.SubFactory(OrganizationFactory)
    scope_key = "all"
    period = "2026-11"
    language = "en"
    data_version = factory.Sequence(lambda n: f"{n:064x}")
    status = PackStatus.READY
    progress = 100
    generated_at = factory.LazyFunction(timezone.now)
    file = factory.LazyAttribute(lambda pack: ContentFile(b"%PDF-1.7 " + pack.organization.name.encode(), "pack.pdf"))
    size = 20
    pages = 1


class MonthlySendFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MonthlySend

    organization = factory.SubFactory(OrganizationFactory)
    enabled = True
    day = 3
    roles = factory.LazyFunction(lambda: ["board"])


class ReviewEmailFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewEmail

    recipient = factory.SubFactory(MembershipFactory)
    organization = factory.SelfAttribute("recipient.organization")
    kind = "weekly_digest"
    period = "2026-W49"
    due_at = factory.LazyFunction(timezone.now)
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=1))
