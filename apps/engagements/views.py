import zoneinfo

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from apps.core.forms import add_service_errors
from apps.core.history import history_entries
from apps.organizations import selectors as org_selectors
from apps.organizations.decorators import membership_required
from apps.organizations.permissions import can_log_customer_time, can_write

from . import selectors, services
from .forms import EngagementEditForm, FeedFilterForm, LearningEditForm, LearningForm, MinutesForm, QuickLogForm
from .models import Engagement, Learning, Participant
from .permissions import (
    can_edit_engagement,
    can_edit_learning,
    can_set_participant_minutes,
    participants_acted_for,
)


def _require_write(membership):
    """Board members read only. Checked after the object lookup, so another organization's id is a 404."""
    if not can_write(membership):
        raise PermissionDenied(gettext("Your role does not allow this."))


def _get_engagement(membership, pk):
    try:
        return selectors.engagement_get(organization=membership.organization_id, pk=pk)
    except Engagement.DoesNotExist as exc:
        raise Http404 from exc


def _quick_log_form(request, data=None, *, default_kind=None):
    membership = request.membership
    return QuickLogForm(
        data,
        leaders=org_selectors.leaders_for(membership=membership),
        executives=org_selectors.executives(organization=membership.organization_id),
        locations=org_selectors.location_list(organization=membership.organization_id),
        # The menus and the defaults only matter to a form that is shown: a saved POST redirects.
        menus=lambda: selectors.quick_log_menus(membership=membership),
        default_kind=default_kind,
        default_leader=membership if membership.is_executive else None,
    )


def _render_log(request, form=None, *, saved=None, status=200):
    """The log page (or its form alone, for htmx) with `form`, else a fresh one."""
    membership = request.membership
    state = selectors.quick_log_state(membership=membership, totals=membership.is_executive)
    if form is None:
        form = _quick_log_form(request, default_kind=state["last_kind"])
    context = {"form": form, "saved": saved, "totals": state if membership.is_executive else None}
    partial = bool(request.htmx) and not request.htmx.history_restore_request
    template = "engagements/_log_form.html" if partial else "engagements/log.html"
    return render(request, template, context, status=status)


@vary_on_headers("HX-Request")
@membership_required()
def home(request):
    if can_log_customer_time(request.membership):
        return _render_log(request)
    return redirect("engagements:feed")


@vary_on_headers("HX-Request")
@membership_required(can_log_customer_time)
def log(request):
    if request.method != "POST":
        return _render_log(request)
    form = _quick_log_form(request, request.POST)
    if form.is_valid():
        try:
            engagement, created = services.engagement_create(
                logged_by=request.membership, leader=form.cleaned_data["leader"], **form.engagement_fields()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if request.htmx:
                # Snappier: confirm in place and offer a fresh form for the next entry.
                return _render_log(request, saved=engagement)
            if created:
                messages.success(request, gettext("Saved. Thank you for spending time with customers."))
            return redirect(engagement_url(engagement))
    # 422 tells htmx and the offline outbox (static/js/gemba.js) that the entry was refused for good.
    return _render_log(request, form, status=422 if request.htmx else 200)


def engagement_url(engagement):
    return reverse("engagements:detail", args=[engagement.pk])


@membership_required()
def my_time(request):
    membership = request.membership
    leaders = org_selectors.leaders_for(membership=membership)
    leader = membership if membership.is_executive else None
    if membership.is_chief_of_staff:
        chosen = request.GET.get("leader")
        leader = leaders.filter(pk=chosen).first() if chosen and chosen.isdigit() else leaders.first()
    context = {"leader": leader, "leaders": leaders, "page": None, "totals": None}
    if leader is None:
        return render(request, "engagements/my_time.html", context)
    # Weeks, months and times on the leader's own clock, also when their chief of staff looks.
    with timezone.override(zoneinfo.ZoneInfo(leader.time_zone_name)):
        context["totals"] = selectors.minutes_totals(membership=leader)
        paginator = Paginator(selectors.engagements_for_leader(membership=leader), 25)
        context["page"] = paginator.get_page(request.GET.get("page"))
        context["leader_zone"] = leader.time_zone_name
        return render(request, "engagements/my_time.html", context)


@vary_on_headers("HX-Request")
@membership_required()
def feed(request):
    membership = request.membership
    organization = membership.organization_id
    form = FeedFilterForm(
        request.GET or None,
        executives=org_selectors.executives(organization=organization),
        regions=org_selectors.region_list(organization=organization),
        locations=org_selectors.location_list(organization=organization, include_inactive=True),
    )
    filters = {}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        start, end = selectors.period_range(data.get("period"), data.get("start"), data.get("end"))
        filters = {
            "leader": data.get("leader"),
            "kind": data.get("kind"),
            "location": data.get("location"),
            "region": data.get("region"),
            "start": start,
            "end": end,
        }
    engagements = selectors.engagement_feed(organization=organization, **filters)
    if form.is_bound and not form.is_valid():
        engagements = engagements.none()
    page = Paginator(engagements, 25).get_page(request.GET.get("page"))
    # htmx swaps only the results; a history restore (Back) needs the whole page.
    partial = bool(request.htmx) and not request.htmx.history_restore_request
    template = "engagements/_feed_results.html" if partial else "engagements/feed.html"
    return render(request, template, {"form": form, "page": page, "partial": partial})


def _render_detail(
    request, engagement, *, learning_form=None, minutes_error_pk=None, minutes_errors=(), minutes_value=None
):
    membership = request.membership
    writer = can_write(membership)
    supported = org_selectors.supported_executive_ids(membership=membership)  # one query for every row below
    acted_for = participants_acted_for(membership, engagement, supported) if writer else []
    if learning_form is None and acted_for:
        learning_form = LearningForm(authors=_authors(membership, acted_for))
    context = {
        "engagement": engagement,
        "can_edit": can_edit_engagement(membership, engagement, supported),
        "learning_form": learning_form,
        # The same rule as the service, so an error is always shown next to an input the member sees.
        "editable_participant_ids": {
            p.pk
            for p in engagement.participants.all()
            if writer and can_set_participant_minutes(membership, p, supported)
        },
        "editable_learning_ids": {
            learning.pk
            for learning in engagement.learnings.all()
            if writer and can_edit_learning(membership, learning, supported)
        },
        "minutes_error_pk": minutes_error_pk,
        "minutes_errors": list(minutes_errors),
        "minutes_value": minutes_value,
        "history": history_entries(engagement),
    }
    return render(request, "engagements/detail.html", context)


def _authors(membership, acted_for):
    return org_selectors.executives(organization=membership.organization_id).filter(
        pk__in=[p.membership_id for p in acted_for]
    )


@membership_required()
def detail(request, pk):
    return _render_detail(request, _get_engagement(request.membership, pk))


@membership_required()
def edit(request, pk):
    membership = request.membership
    engagement = _get_engagement(membership, pk)
    _require_write(membership)
    if not can_edit_engagement(membership, engagement):
        raise PermissionDenied(gettext("Only the author or their chief of staff can change this entry."))
    # The entry's own location and co-participants stay choosable even if since closed or gone.
    credited = [p.membership_id for p in engagement.participants.all()]
    form_kwargs = {
        "engagement": engagement,
        "participants": org_selectors.executives(organization=membership.organization_id, also_ids=credited),
        "locations": org_selectors.location_list(
            organization=membership.organization_id, also_id=engagement.location_id
        ),
    }
    if request.method == "POST":
        form = EngagementEditForm(request.POST, **form_kwargs)
        if form.is_valid():
            try:
                services.engagement_update(
                    engagement=engagement,
                    acting=membership,
                    participants=form.cleaned_data.get("participants") or [],
                    **form.update_fields(),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, gettext("Changes saved."))
                return redirect(engagement_url(engagement))
    else:
        form = EngagementEditForm(**form_kwargs)
    return render(request, "engagements/edit.html", {"form": form, "engagement": engagement})


@membership_required()
def delete(request, pk):
    membership = request.membership
    engagement = _get_engagement(membership, pk)
    _require_write(membership)
    if not can_edit_engagement(membership, engagement):
        raise PermissionDenied(gettext("Only the author or their chief of staff can delete this entry."))
    if request.method == "POST":
        services.engagement_delete(engagement=engagement, acting=membership)
        messages.success(request, gettext("Entry deleted."))
        return redirect("engagements:my_time")
    return render(request, "engagements/delete.html", {"engagement": engagement})


@require_POST
@membership_required()
def learning_add(request, pk):
    membership = request.membership
    engagement = _get_engagement(membership, pk)
    _require_write(membership)
    acted_for = participants_acted_for(membership, engagement)
    if not acted_for:
        raise PermissionDenied(gettext("Only participants (or their chief of staff) can add learnings."))
    form = LearningForm(request.POST, authors=_authors(membership, acted_for))
    if form.is_valid():
        try:
            services.learning_create(engagement=engagement, acting=membership, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, gettext("Learning added."))
            return redirect(engagement_url(engagement) + "#learnings")
    return _render_detail(request, engagement, learning_form=form)


def _get_learning(membership, pk):
    try:
        return selectors.learning_get(organization=membership.organization_id, pk=pk)
    except Learning.DoesNotExist as exc:
        raise Http404 from exc


@membership_required()
def learning_edit(request, pk):
    membership = request.membership
    learning = _get_learning(membership, pk)
    _require_write(membership)
    if not can_edit_learning(membership, learning):
        raise PermissionDenied(gettext("You cannot change this learning."))
    if request.method == "POST":
        form = LearningEditForm(request.POST)
        if form.is_valid():
            try:
                services.learning_update(learning=learning, acting=membership, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, gettext("Learning updated."))
                return redirect(engagement_url(learning.engagement) + "#learnings")
    else:
        form = LearningEditForm(initial={"kind": learning.kind, "text": learning.text, "quote": learning.quote})
    return render(
        request,
        "engagements/learning_edit.html",
        {"form": form, "learning": learning, "history": history_entries(learning)},
    )


@require_POST
@membership_required()
def learning_delete(request, pk):
    membership = request.membership
    learning = _get_learning(membership, pk)
    _require_write(membership)
    if not can_edit_learning(membership, learning):
        raise PermissionDenied(gettext("You cannot delete this learning."))
    services.learning_delete(learning=learning, acting=membership)
    messages.success(request, gettext("Learning deleted."))
    return redirect(engagement_url(learning.engagement) + "#learnings")


@require_POST
@membership_required()
def participant_minutes(request, pk):
    membership = request.membership
    try:
        participant = selectors.participant_get(organization=membership.organization_id, pk=pk)
    except Participant.DoesNotExist as exc:
        raise Http404 from exc
    _require_write(membership)
    if not can_set_participant_minutes(membership, participant):
        raise PermissionDenied(gettext("You cannot change these minutes."))
    form = MinutesForm(request.POST)
    if form.is_valid():
        try:
            services.participant_set_minutes(
                participant=participant, minutes=form.cleaned_data["minutes"], acting=membership
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, gettext("Minutes updated."))
            return redirect(engagement_url(participant.engagement))
    engagement = _get_engagement(membership, participant.engagement_id)
    return _render_detail(
        request,
        engagement,
        minutes_error_pk=participant.pk,
        minutes_errors=form.errors.get("minutes", []),
        minutes_value=request.POST.get("minutes", ""),  # what was typed stays in the box
    )
