import zoneinfo

from django.utils import timezone

from . import selectors

SESSION_KEY = "organization_id"


class CurrentMembershipMiddleware:
    """Resolve, once per request, the membership the user acts through, and activate their time zone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.membership = None
        zone_name = "UTC"
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            request.membership = selectors.current_membership(user, request.session.get(SESSION_KEY))
            if request.membership is not None:
                zone_name = request.membership.time_zone_name
            elif user.time_zone:
                zone_name = user.time_zone
        timezone.activate(zoneinfo.ZoneInfo(zone_name))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
