from datetime import timedelta

import factory
from django.utils import timezone

from apps.api import tokens
from apps.api.models import ApiToken
from tests.organizations.factories import MembershipFactory


class ApiTokenFactory(factory.django.DjangoModelFactory):
    """A token row. `ApiTokenFactory.with_plain(...)` gives (row, the token to send): only its hash is stored."""

    class Meta:
        model = ApiToken

    membership = factory.SubFactory(MembershipFactory, role="executive")
    organization = factory.SelfAttribute("membership.organization")
    name = factory.Sequence(lambda n: f"Token {n}")
    scope = "read_write"
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))
    prefix = factory.LazyFunction(lambda: tokens.new_token()[1])
    secret_hash = factory.LazyFunction(lambda: tokens.new_token()[2])

    @classmethod
    def with_plain(cls, **kwargs):
        plain, prefix, secret_hash = tokens.new_token()
        return cls(prefix=prefix, secret_hash=secret_hash, **kwargs), plain
