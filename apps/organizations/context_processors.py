from . import permissions


def membership(request):
    current = getattr(request, "membership", None)
    return {
        "membership": current,
        "can_log": permissions.can_log_customer_time(current),
        "can_manage": permissions.can_manage_organization(current),
    }
