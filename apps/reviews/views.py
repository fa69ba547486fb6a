"""The monthly customer review: a document for the top team's meeting. Views orchestrate: who may read which
scope (404 for another organization's region or team), which period, build the review, render or export it."""

from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from apps.core.forms import add_service_errors
from apps.dashboards.views import export
from apps.engagements import selectors as engagement_selectors
from apps.organizations import selectors as org_selectors
from apps.organizations.decorators import membership_required
from apps.organizations.permissions import can_manage_organization

from . import packs, periods, selectors, services
from . import review as reviews
from .forms import MonthlySendForm
from .models import PackStatus
from .periods import BadPeriod


def organization_since(organization):
    """The day the organization's record starts: its creation, or its earliest logged engagement if earlier."""
    zone = ZoneInfo(organization.time_zone)
    first = engagement_selectors.first_activity(organization=organization.pk)
    created = organization.created_at
    earliest = min(created, first) if first else created
    return timezone.localtime(earliest, zone).date()


def scope_for(request, membership):
    """The scope asked for and allowed: a chief of staff always reads their own team; others the whole
    organization, a region or a chief of staff's team. Another organization's id answers 404."""
    organization = membership.organization_id
    if membership.is_chief_of_staff:
        return reviews.Scope(team=membership)
    region, team = request.GET.get("region", ""), request.GET.get("team", "")
    if region:
        found = (
            org_selectors.region_list(organization=organization).filter(pk=int(region)) if region.isdecimal() else None
        )
        if not found:
            raise Http404
        return reviews.Scope(region=found.first())
    if team:
        found = (
            org_selectors.chiefs_of_staff(organization=organization).filter(pk=int(team)) if team.isdecimal() else None
        )
        if not found:
            raise Http404
        return reviews.Scope(team=found.first())
    return reviews.Scope()


def _file_name(r):
    return "-".join(
        part for part in (pgettext("file name", "customer-review"), r.period.slug, slugify(r.scope.label)) if part
    )


def _period(request, slug, now):
    """(period, None), or (None, the 400 page) for a future, too early or malformed one."""
    organization = request.membership.organization
    today = timezone.localtime(now, ZoneInfo(organization.time_zone)).date()
    since = organization_since(organization)
    try:
        period = periods.parse(slug)
        periods.check(period, today=today, since=since)
    except BadPeriod as exc:
        fallback = periods.default_period(today=today, since=since)
        context = {"error": str(exc), "fallback": fallback}
        return None, render(request, "reviews/refused.html", context, status=400)
    return period, None


@membership_required()
def review(request, slug=None):
    membership = request.membership
    organization = membership.organization
    scope = scope_for(request, membership)
    now = timezone.now()
    today = timezone.localtime(now, ZoneInfo(organization.time_zone)).date()
    since = organization_since(organization)
    if slug is None:
        period = periods.default_period(today=today, since=since)
        query = request.GET.urlencode()
        return redirect(reverse("reviews:period", args=[period.slug]) + (f"?{query}" if query else ""))
    period, refused = _period(request, slug, now)
    if refused:
        return refused
    r = reviews.build(organization=organization, period=period, scope=scope, now=now)
    exported = export(request, filename=_file_name(r), tables=r.tables)
    if exported is not None:
        return exported
    query = request.GET.copy()
    query.pop("format", None)
    context = {
        "r": r,
        "query": query.urlencode(),
        "previous": r.period.previous if r.period.previous.last_day >= since else None,
        "next": r.period.next if r.period.next.first_day <= today else None,
        "other_kind": periods.period_of(
            r.period.first_day, periods.MONTH if r.period.kind == periods.QUARTER else periods.QUARTER
        ),
        "regions": None if membership.is_chief_of_staff else org_selectors.region_list(organization=organization.pk),
        "chiefs": None if membership.is_chief_of_staff else org_selectors.chiefs_of_staff(organization=organization.pk),
    }
    return render(request, "reviews/review.html", context)


@require_POST
@membership_required()
def pack_request(request, slug):
    """The board pack of the review on the page (same period, scope and language): the file when it is printed
    already or small enough to print at once, else the page that shows a worker printing it."""
    membership = request.membership
    scope = scope_for(request, membership)
    period, refused = _period(request, slug, timezone.now())
    if refused:
        return refused
    pack = packs.pack_request(membership=membership, period=period, scope=scope)
    if pack.status == PackStatus.READY:
        return redirect("reviews:pack_download", pack.pk)
    return redirect("reviews:pack", pack.pk)


def _reader_pack(request, pk):
    pack = packs.pack_for_reader(membership=request.membership, pack_id=pk)
    if pack is None:
        raise Http404
    return pack


@membership_required()
def pack_status(request, pk):
    """A pack being printed: its progress, polled by htmx (or the page reloading itself without JavaScript)."""
    pack = packs.pack_given_up_if_lost(_reader_pack(request, pk))
    context = {
        "pack": pack,
        "period": periods.parse(pack.period),
        "ready": pack.status == PackStatus.READY,
        "review_url": packs.review_url(pack),
    }
    template = "reviews/_pack_progress.html" if request.htmx else "reviews/pack_status.html"
    return render(request, template, context)


@membership_required()
def pack_download(request, pk):
    pack = _reader_pack(request, pk)
    if pack.status != PackStatus.READY:
        return redirect("reviews:pack", pack.pk)
    with translation.override(pack.language):
        scope = slugify(packs.scope_of(pack).label)
        name = "-".join(part for part in (pgettext("file name", "customer-review"), pack.period, scope) if part)
    response = FileResponse(default_storage.open(pack.file.name), as_attachment=True, filename=f"{name}.pdf")
    response["Content-Type"] = "application/pdf"
    # A member's own copy: never kept by a shared cache between them and Gemba.
    response["Cache-Control"] = "private, no-cache"
    return response


@membership_required(can_manage_organization)
def monthly_send_settings(request):
    """The monthly review email: an admin chooses the day and who gets it; the page lists who would."""
    organization = request.membership.organization
    send = selectors.monthly_send_for(organization)
    initial = {
        "enabled": send.enabled,
        "day": send.day,
        "roles": send.roles,
        "people": [m.pk for m in selectors.monthly_send_people(send=send)],
    }
    form = MonthlySendForm(
        request.POST or None, initial=initial, members=selectors.monthly_send_choices(organization=organization)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.monthly_send_update(organization=organization, by=request.membership, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Monthly review email settings saved."))
            return redirect("reviews:settings")
    recipients = list(selectors.monthly_recipients(organization=organization))
    context = {
        "form": form,
        "send": send,
        "recipients": recipients,
        "switched_off": selectors.switched_off_ids(recipients=recipients),
    }
    return render(request, "reviews/settings.html", context)
