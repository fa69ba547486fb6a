from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext as _


def membership_required(predicate=None):
    """Login, a current membership (else: create or join an organization), and optionally a role check.

    A failing predicate answers 403 (a board member trying to write), before anything is read or changed.
    Use a predicate only on views without an object id: views that load an object must look it up in the
    organization first (404 for another organization's ids) and check the role after.
    """

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.membership is None:
                return redirect("organizations:create")
            if predicate is not None and not predicate(request.membership):
                raise PermissionDenied(_("Your role does not allow this."))
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
