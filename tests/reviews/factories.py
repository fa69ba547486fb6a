import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from apps.reviews.models import Pack, PackStatus
from tests.organizations.factories import OrganizationFactory


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
