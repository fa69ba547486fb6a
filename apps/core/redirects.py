"""Where a POST goes back to: the one place that reads `next`."""

from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request, default: str) -> str:
    """`next` from the POST if it is a path on this site, else `default` (a path too).

    Only a path starting with "/" is followed: anything else (another site, `javascript:`, or a bare word such as
    "not-a-date", which `redirect()` would try to reverse as a URL name) falls back to the page's default.
    """
    target = request.POST.get("next", "")
    hosts = {request.get_host()}
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, hosts, require_https=request.is_secure()):
        return target
    return default
