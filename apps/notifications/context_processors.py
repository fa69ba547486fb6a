from django.utils.functional import SimpleLazyObject

from . import selectors


def notifications(request):
    """`unread_notifications`: the current membership's unread count, counted only if a template uses it."""
    membership = getattr(request, "membership", None)
    if membership is None:
        return {"unread_notifications": 0}
    return {"unread_notifications": SimpleLazyObject(lambda: selectors.unread_count(membership=membership))}
