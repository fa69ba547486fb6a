"""Writes of the api app: personal access tokens made and revoked."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.organizations.permissions import can_write

from . import tokens
from .models import ApiToken, TokenScope

MAX_DAYS = 366
MAX_ACTIVE = 20


@transaction.atomic
def token_create(*, membership, name, scope, days):
    """A new token for `membership`. Returns (row, the token in clear: shown once, never stored)."""
    errors = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = _("Give the token a name, e.g. the system that will use it.")
    elif len(name) > 80:
        errors["name"] = _("Use at most 80 characters (this name has %(count)s).") % {"count": len(name)}
    if scope not in TokenScope.values:
        errors["scope"] = _("Choose read, or read and write.")
    elif scope == TokenScope.READ_WRITE and not can_write(membership):
        errors["scope"] = _("Board members read only: their tokens can only read.")
    if not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        errors["days"] = _("A token lasts from 1 to %(max)s days.") % {"max": MAX_DAYS}
    active = ApiToken.objects.filter(membership=membership, revoked_at__isnull=True, expires_at__gt=timezone.now())
    if active.count() >= MAX_ACTIVE:
        errors["name"] = _("You have %(max)s tokens in use: revoke one first.") % {"max": MAX_ACTIVE}
    if errors:
        raise ValidationError(errors)
    plain, prefix, secret_hash = tokens.new_token()
    row = ApiToken.objects.create(
        organization_id=membership.organization_id,
        membership=membership,
        name=name,
        prefix=prefix,
        secret_hash=secret_hash,
        scope=scope,
        expires_at=timezone.now() + timedelta(days=days),
        created_by=membership.user,
    )
    return row, plain


def token_revoke(*, membership, token_id):
    """Revoke one of `membership`'s own tokens (at once: its next request gets 401)."""
    updated = ApiToken.objects.filter(pk=token_id, membership=membership, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), updated_at=timezone.now()
    )
    if not updated and not ApiToken.objects.filter(pk=token_id, membership=membership).exists():
        raise Http404  # another member's or organization's token, or none: the same answer
    return bool(updated)


def token_used(*, token):
    """Note when a token was last used: at most once a minute per token, so that reads stay reads."""
    now = timezone.now()
    if token.last_used_at is None or token.last_used_at < now - timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
