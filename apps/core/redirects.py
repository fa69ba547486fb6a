"""Where a POST goes back to: the one rule for `next`, used by the project's views and by allauth's adapter."""

from django.utils.http import url_has_allowed_host_and_scheme


def is_safe_path(request, target: str) -> bool:
    """A path on this site. Anything else (another site, `javascript:`, or a bare word such as "not-a-date", which
    `redirect()` would try to reverse as a URL name and fail on) is not followed."""
    return (
        bool(target)
        and target.startswith("/")
        and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure())
    )


def safe_next(request, default: str) -> str:
    """`next` from the POST if it is a path on this site, else `default` (a path too)."""
    target = request.POST.get("next", "")
    return target if is_safe_path(request, target) else default
