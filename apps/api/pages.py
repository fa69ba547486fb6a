"""The page where a member makes and revokes their personal access tokens (linked from the profile)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core.forms import add_service_errors
from apps.organizations.decorators import membership_required
from apps.organizations.permissions import can_write

from . import selectors, services
from .forms import TokenForm


@membership_required()
def tokens(request):
    membership = request.membership
    may_write = can_write(membership)
    form = TokenForm(request.POST or None, may_write=may_write)
    made = None
    if request.method == "POST" and form.is_valid():
        try:
            row, plain = services.token_create(
                membership=membership,
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
                days=form.cleaned_data["days"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            # Shown on this response only: the token is not stored, and a reload does not make another.
            made = {"row": row, "token": plain}
            form = TokenForm(may_write=may_write)
    context = {"form": form, "made": made, "tokens": selectors.tokens_of(membership=membership)}
    response = render(request, "api/tokens.html", context, status=422 if form.errors else 200)
    response["Cache-Control"] = "no-store"  # the page may show a token in clear
    return response


@require_POST
@membership_required()
def token_revoke(request, pk):
    if services.token_revoke(membership=request.membership, token_id=pk):
        messages.success(request, _("Token revoked: it no longer works."))
    return redirect("api:tokens")
