"""Reads of the api app."""

from django.utils import timezone

from .models import ApiToken


def tokens_of(*, membership):
    """A member's tokens, newest first, those still usable first."""
    return ApiToken.objects.filter(membership=membership).order_by("revoked_at", "-created_at", "-id")


def token_by_prefix(*, prefix):
    return ApiToken.objects.select_related("membership__user", "membership__organization").filter(prefix=prefix).first()


def is_expired(token):
    return token.expires_at <= timezone.now()
