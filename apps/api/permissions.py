from rest_framework import permissions

from apps.organizations.permissions import can_write


def membership_of(request):
    return getattr(request._request, "membership", None)


class IsMember(permissions.BasePermission):
    """A member of an organization: with a token, its member; with a session, the organization acted in."""

    def has_permission(self, request, view):
        return membership_of(request) is not None


class WritesNeedWriteAccess(permissions.BasePermission):
    """Reads for everyone; writes need a read-write token (or a session) and a role that may write."""

    message = "This token or role may only read."

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        token = request.auth
        if token is not None and hasattr(token, "can_write") and not token.can_write:
            return False
        return can_write(membership_of(request))
