from rest_framework.throttling import SimpleRateThrottle


class PerToken(SimpleRateThrottle):
    """A rate per token (per user for the browser's session), counted in the shared cache."""

    scope = "token"

    def get_cache_key(self, request, view):
        if request.auth is not None and hasattr(request.auth, "prefix"):
            ident = f"token-{request.auth.prefix}"
        elif request.user is not None and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}
