"""`Authorization: Bearer gmb_…`: a personal access token acts as its member. A malformed, unknown, expired or
revoked token, or one whose member has left, is a 401 (never a fall-through to anonymous)."""

from django.utils import translation
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from . import selectors, services, tokens


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        keyword, _space, token = header.partition(" ")
        if keyword != self.keyword:
            return None
        try:
            prefix, secret = tokens.parse(token.strip())
        except tokens.MalformedToken as exc:
            raise exceptions.AuthenticationFailed(_("The token is malformed.")) from exc
        row = selectors.token_by_prefix(prefix=prefix)
        if row is None or not tokens.matches(secret, row.secret_hash):
            raise exceptions.AuthenticationFailed(_("The token is not valid."))
        if row.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("The token has been revoked."))
        if selectors.is_expired(row):
            raise exceptions.AuthenticationFailed(_("The token has expired."))
        member = row.membership
        if not (member.is_active and member.user.is_active):
            raise exceptions.AuthenticationFailed(_("The token's member is no longer active."))
        services.token_used(token=row)
        # What the middleware does for a session: the member's organization, language and clock.
        request._request.membership = member
        translation.activate(member.language)
        return member.user, row

    def authenticate_header(self, request):
        return self.keyword
