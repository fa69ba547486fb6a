import zoneinfo
from datetime import datetime, time, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from apps.core.forms import add_service_errors
from apps.engagements import selectors as engagement_selectors
from apps.engagements.forms import DURATION_PRESETS, QuickLogForm
from apps.organizations import selectors as org_selectors
from apps.organizations.decorators import membership_required
from apps.organizations.permissions import can_act_for, can_log_customer_time, can_manage_organization

from . import selectors, services
from .forms import PlanEditForm, PlanForm, SessionMoveForm, TargetForm
from .ical import calendar_bytes
from .models import Plan, Session
from .recurrence import clock_change_notes

WEEKS_SHOWN = 6


def _chosen_leader(request):
    """Whose schedule: the executive themself, or the one a chief of staff picked (default the first)."""
    membership = request.membership
    leaders = org_selectors.leaders_for(membership=membership)
    chosen = request.GET.get("leader", "")
    leader = leaders.filter(pk=chosen).first() if chosen.isdigit() else leaders.first()
    return leader, leaders


def _get_plan(membership, pk):
    try:
        return selectors.plan_get(organization=membership.organization_id, pk=pk)
    except Plan.DoesNotExist as exc:
        raise Http404 from exc


def _get_session(membership, pk):
    try:
        return selectors.session_get(organization=membership.organization_id, pk=pk)
    except Session.DoesNotExist as exc:
        raise Http404 from exc


def _require_scheduler(membership, leader):
    if not can_act_for(membership, leader):
        raise PermissionDenied(gettext("Only the executive or a chief of staff who supports them can change this."))


@membership_required()
def schedule(request):
    """The leader's coming weeks at a glance, plus what still needs logging."""
    leader, leaders = _chosen_leader(request)
    context = {"leader": leader, "leaders": leaders, "weeks": [], "attention": [], "plans": []}
    if leader is None:
        return render(request, "scheduling/schedule.html", context)
    with timezone.override(zoneinfo.ZoneInfo(leader.time_zone_name)):
        today = timezone.localdate()
        monday = today - timedelta(days=today.weekday())
        start = datetime.combine(monday, time.min, tzinfo=timezone.get_current_timezone())
        sessions = list(
            selectors.sessions_between(leader=leader, start=start, end=start + timedelta(weeks=WEEKS_SHOWN))
        )
        weeks = []
        for week in range(WEEKS_SHOWN):
            first_day = monday + timedelta(weeks=week)
            in_week = [
                s for s in sessions if first_day <= timezone.localdate(s.starts_at) < first_day + timedelta(days=7)
            ]
            weeks.append({"monday": first_day, "sessions": in_week})
        context.update(
            target=selectors.target_status(leader=leader),
            weeks=weeks,
            attention=list(selectors.sessions_needing_attention(leader=leader)),
            plans=list(selectors.plans_for_leader(leader=leader)),
            leader_zone=leader.time_zone_name,
            now=timezone.now(),
        )
        return render(request, "scheduling/schedule.html", context)


@membership_required(can_log_customer_time)
def plan_create(request):
    membership = request.membership
    organization = membership.organization_id
    leaders = org_selectors.leaders_for(membership=membership)
    form = PlanForm(
        request.POST or None,
        leaders=leaders,
        locations=org_selectors.location_list(organization=organization),
        regions=org_selectors.region_list(organization=organization),
        default_zone=membership.organization.time_zone if membership.is_chief_of_staff else membership.time_zone_name,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan = services.plan_create(
                created_by=membership,
                leader=data["leader"],
                kind=data["kind"],
                cadence=data["cadence"],
                interval=data.get("interval") or 1,
                custom_rule=data.get("custom_rule", ""),
                start_date=data["start_date"],
                start_time=data["start_time"],
                time_zone=data["time_zone"],
                duration_minutes=data["duration_minutes"],
                end_date=data.get("end_date"),
                location=data.get("location"),
                region=data.get("region"),
                title=data.get("title", ""),
                notes=data.get("notes", ""),
                reminder_lead_minutes=data["reminder_lead_minutes"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            count = plan.sessions.count()
            messages.success(
                request,
                ngettext(
                    "Planned: %(plan)s, %(count)s session in the next 90 days.",
                    "Planned: %(plan)s, %(count)s sessions in the next 90 days.",
                    count,
                )
                % {"plan": plan.label, "count": count},
            )
            return redirect("scheduling:plan", pk=plan.pk)
    return render(request, "scheduling/plan_form.html", {"form": form})


@membership_required()
def plan_detail(request, pk):
    membership = request.membership
    plan = _get_plan(membership, pk)
    with timezone.override(zoneinfo.ZoneInfo(plan.time_zone)):
        context = {
            "plan": plan,
            "sessions": list(plan.sessions.select_related("location").order_by("starts_at")),
            "can_change": can_act_for(membership, plan.leader),
            "clock_notes": clock_change_notes(
                rule=plan.rrule,
                start_date=max(plan.start_date, timezone.localdate()),
                start_time=plan.start_time,
                time_zone=plan.time_zone,
            ),
            "now": timezone.now(),
        }
        return render(request, "scheduling/plan_detail.html", context)


@membership_required()
def plan_edit(request, pk):
    membership = request.membership
    plan = _get_plan(membership, pk)
    _require_scheduler(membership, plan.leader)
    from_session = None
    if "session" in request.GET:
        # Ignoring a session that is not this plan's would quietly turn "this and following" into all sessions.
        session_id = request.GET["session"]
        if not (session_id.isascii() and session_id.isdigit()):
            raise Http404
        from_session = _get_session(membership, session_id)
        if from_session.plan_id != plan.pk:
            raise Http404
    organization = membership.organization_id
    form = PlanEditForm(
        request.POST or None,
        plan=plan,
        from_session=from_session,
        locations=org_selectors.location_list(organization=organization, also_id=plan.location_id),
        regions=org_selectors.region_list(organization=organization),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        scope = data.pop("scope")
        try:
            changed = services.plan_update(plan=plan, acting=membership, scope=scope, session=from_session, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, gettext("Plan updated; past sessions are unchanged."))
            return redirect("scheduling:plan", pk=changed.pk)
    return render(request, "scheduling/plan_edit.html", {"form": form, "plan": plan, "from_session": from_session})


@membership_required()
def session_move(request, pk):
    membership = request.membership
    session = _get_session(membership, pk)
    _require_scheduler(membership, session.leader)
    zone = zoneinfo.ZoneInfo(session.plan.time_zone)
    local = session.starts_at.astimezone(zone)
    form = SessionMoveForm(
        request.POST or None,
        initial={
            "date": local.date(),
            "time": local.time(),
            "duration_minutes": session.duration_minutes,
            "location": session.location_id,
        },
        locations=org_selectors.location_list(organization=membership.organization_id, also_id=session.location_id),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.session_reschedule(
                session=session,
                acting=membership,
                local_date=form.cleaned_data["date"],
                local_time=form.cleaned_data["time"],
                duration_minutes=form.cleaned_data["duration_minutes"],
                location=form.cleaned_data.get("location"),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, gettext("Session moved."))
            return redirect(_schedule_url(session.leader))
    return render(request, "scheduling/session_move.html", {"form": form, "session": session, "zone": zone})


@require_POST
@membership_required()
def session_skip(request, pk):
    membership = request.membership
    session = _get_session(membership, pk)
    _require_scheduler(membership, session.leader)
    try:
        services.session_cancel(session=session, acting=membership)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, gettext("Session skipped."))
    return redirect(_schedule_url(session.leader))


def _schedule_url(leader):
    return f"{reverse('scheduling:schedule')}?leader={leader.pk}"


def _session_log_form(request, session, data=None):
    membership = request.membership
    recent, _ = engagement_selectors.locations_recent_first(membership=membership)
    form = QuickLogForm(
        data,
        leaders=org_selectors.leaders_for(membership=membership).filter(pk=session.leader_id),
        executives=org_selectors.executives(organization=membership.organization_id),
        locations=org_selectors.location_list(organization=membership.organization_id),
        recent_locations=recent,
        default_kind=session.plan.kind,
    )
    if data is None:
        in_presets = session.duration_minutes in DURATION_PRESETS
        form.initial.update(
            {
                "leader": session.leader_id,
                "kind": session.plan.kind,
                "location": session.location_id or form.initial.get("location"),
                "duration": str(session.duration_minutes) if in_presets else "",
                "duration_custom": None if in_presets else session.duration_minutes,
                "started_at": timezone.localtime(session.starts_at),
            }
        )
    return form


@membership_required()
def session_log(request, pk):
    """ "Log it": the quick-log form, filled in from the session; saving marks the session done."""
    membership = request.membership
    session = _get_session(membership, pk)
    _require_scheduler(membership, session.leader)
    if session.engagement_id:
        return redirect("engagements:detail", pk=session.engagement_id)
    form = _session_log_form(request, session, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            engagement, _ = services.session_log(session=session, acting=membership, **form.engagement_fields())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, gettext("Logged. The session is done."))
            return redirect("engagements:detail", pk=engagement.pk)
    context = {
        "form": form,
        "session": session,
        "log_action": reverse("scheduling:session_log", args=[session.pk]),
    }
    return render(request, "scheduling/session_log.html", context)


@membership_required()
def team(request):
    """For a chief of staff: each supported executive's coming, unlogged and missed sessions."""
    membership = request.membership
    if not membership.is_chief_of_staff:
        return redirect("scheduling:schedule")
    rows = list(selectors.team_overview(membership=membership))
    for row in rows:  # a handful of executives per chief of staff; two queries each
        row.target = selectors.target_status(leader=row)
    return render(request, "scheduling/team.html", {"rows": rows})


@membership_required()
def targets(request):
    """Customer-time targets: the organization's default and per-executive overrides (admins change them)."""
    membership = request.membership
    organization = membership.organization
    can_manage = can_manage_organization(membership)
    executives = org_selectors.executives(organization=organization.pk)
    form = TargetForm(request.POST or None, executives=executives) if can_manage else None
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied(gettext("Only admins set targets."))
        clear = request.POST.get("clear", "")
        if clear.isdigit():
            leader = executives.filter(pk=clear).first()
            if leader is None:
                raise Http404
            services.target_clear(organization=organization, acting=membership, leader=leader)
            messages.success(
                request, gettext("%(name)s now follows the organization's target.") % {"name": leader.display_name}
            )
            return redirect("scheduling:targets")
        if form.is_valid():
            try:
                services.target_set(organization=organization, acting=membership, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, gettext("Target saved."))
                return redirect("scheduling:targets")
    context = {"form": form, "targets": selectors.target_list(organization=organization.pk)}
    return render(request, "scheduling/targets.html", context)


@membership_required()
def calendar(request):
    """The member's private subscription URL: show, create, replace or revoke it."""
    membership = request.membership
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            services.calendar_feed_revoke(membership=membership)
            messages.success(request, gettext("The calendar link no longer works."))
        else:
            replaced = selectors.calendar_feed_active(membership=membership) is not None
            services.calendar_feed_rotate(membership=membership)
            if replaced:
                messages.success(request, gettext("New calendar link ready; the old one no longer works."))
            else:
                messages.success(request, gettext("Your calendar link is ready: add it to your calendar app."))
        return redirect("scheduling:calendar")
    feed = selectors.calendar_feed_active(membership=membership)
    url = None
    if feed is not None:
        url = request.build_absolute_uri(reverse("scheduling:calendar_feed", args=[feed.token]))
    return render(request, "scheduling/calendar.html", {"feed": feed, "feed_url": url})


@never_cache
def calendar_feed(request, token):
    """The subscription itself: no login (calendar apps cannot log in); the token is the key."""
    feed = selectors.calendar_feed_by_token(token=token)
    if feed is None:
        raise Http404
    membership = feed.membership
    body = calendar_bytes(
        selectors.calendar_sessions(membership=membership),
        name=f"Gemba · {membership.organization.name}",
        language=membership.language,
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="gemba.ics"'
    return response


@membership_required()
def session_ics(request, pk):
    """One session as an .ics file to add to any calendar."""
    session = _get_session(request.membership, pk)
    response = HttpResponse(calendar_bytes([session]), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="gemba-session-{session.pk}.ics"'
    return response
