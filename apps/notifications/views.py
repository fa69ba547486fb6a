from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from apps.accounts.selectors import language_for
from apps.core.forms import add_service_errors
from apps.core.redirects import safe_next
from apps.organizations.decorators import membership_required

from . import selectors, services
from .forms import PreferencesForm
from .models import Notification, ReminderKind
from .tokens import BadToken

PAGE_SIZE = 20


def _back_to_list(request):
    """Back where the member was (the same page of the list), never to another site."""
    return redirect(safe_next(request, reverse("notifications:list")))


@membership_required()
def notification_list(request):
    page = Paginator(selectors.notification_list(membership=request.membership), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "notifications/list.html", {"page": page})


@require_POST
@membership_required()
def notification_mark_read(request, pk):
    try:
        notification = selectors.notification_get(membership=request.membership, pk=pk)
    except Notification.DoesNotExist as exc:
        raise Http404 from exc
    services.notification_mark_read(notification=notification)
    return _back_to_list(request)


@require_POST
@membership_required()
def notification_mark_all_read(request):
    count = services.notifications_mark_all_read(membership=request.membership)
    if count:
        messages.success(
            request,
            ngettext("%(count)s notification marked as read.", "%(count)s notifications marked as read.", count)
            % {"count": count},
        )
    else:
        messages.success(request, _("Nothing was unread."))
    return _back_to_list(request)


@login_required
def preferences(request):
    preference = selectors.preference_for(user=request.user)
    membership = getattr(request, "membership", None)
    zone = membership.time_zone_name if membership else (request.user.time_zone or "UTC")
    form = PreferencesForm(request.POST or None, initial=PreferencesForm.initial_for(preference), time_zone_name=zone)
    if request.method == "POST" and form.is_valid():
        try:
            services.preference_update(user=request.user, **form.service_kwargs())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Notification preferences saved."))
            return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form, "time_zone_name": zone})


@never_cache
@csrf_exempt  # mail clients POST here without a session (RFC 8058); the signed token is the credential
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """One-click unsubscribe from one kind of reminder, without logging in. GET asks, POST does it."""
    try:
        user, kind = selectors.unsubscribe_subject(token=token)
    except BadToken as exc:
        context = {"error": str(exc), "preferences_url": reverse("notifications:preferences")}
        return render(request, "notifications/unsubscribe.html", context, status=400)
    preference = selectors.preference_for(user=user)
    context = {
        "token": token,
        "email": user.email,
        "kind_label": ReminderKind(kind).label,  # lazy: rendered in the page's language
        "already": not preference.kind_enabled(kind),
        "done": False,
    }
    if request.method == "POST":
        changed = services.kind_unsubscribe(user=user, kind=kind)
        context.update(done=True, already=not changed)
    # Usually opened from the email without a session: in the language the email was written in.
    with translation.override(language_for(user) or translation.get_language()):
        return render(request, "notifications/unsubscribe.html", context)
