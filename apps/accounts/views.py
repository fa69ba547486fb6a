from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from apps.core.forms import add_service_errors

from .forms import ProfileForm
from .services import user_update_profile


def _language_after_save(request, user):
    """The language the next page is in: their own, else their organization's, else this page's."""
    membership = getattr(request, "membership", None)
    return user.language or (membership.organization.language if membership else translation.get_language())


@login_required
def profile(request):
    user = request.user
    form = ProfileForm(
        request.POST or None,
        initial={"full_name": user.full_name, "time_zone": user.time_zone, "language": user.language},
    )
    if request.method == "POST" and form.is_valid():
        try:
            user_update_profile(user=user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            # The message is read on the next page, already in the language just chosen.
            with translation.override(_language_after_save(request, user)):
                messages.success(request, _("Profile saved."))
            return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})
