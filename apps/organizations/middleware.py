import zoneinfo

from django.conf import settings
from django.utils import timezone, translation

from . import selectors

SESSION_KEY = "organization_id"


def _language_of(user, membership):
    """The person's own language, else their organization's; None before login (Accept-Language decides)."""
    if membership is not None:
        return membership.language
    return user.language or None


class CurrentMembershipMiddleware:
    """Resolve, once per request, the membership the user acts through, and activate their time zone and
    language (their own, else their organization's; before login LocaleMiddleware's Accept-Language or cookie)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.membership = None
        zone_name = "UTC"
        language = None
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            request.membership = selectors.current_membership(user, request.session.get(SESSION_KEY))
            if request.membership is not None:
                zone_name = request.membership.time_zone_name
            elif user.time_zone:
                zone_name = user.time_zone
            language = _language_of(user, request.membership)
        timezone.activate(zoneinfo.ZoneInfo(zone_name))
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        try:
            response = self.get_response(request)
        finally:
            timezone.deactivate()
        if language and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != language:
            # After logging out (or on another tab before login) the pages stay in the person's language.
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response
