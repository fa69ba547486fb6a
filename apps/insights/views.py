"""Pages for what leaders learned and what came of it. Views orchestrate: scoped lookup (404), role check
(403), form, service or selector, render."""

from datetime import timedelta
from decimal import Decimal
from typing import NamedTuple

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext, pgettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from apps.core import formatting
from apps.core.forms import add_service_errors
from apps.core.history import history_entries
from apps.core.redirects import safe_next
from apps.core.spreadsheets import csv_response, neutralize_formula
from apps.engagements.models import Learning
from apps.organizations import selectors as org_selectors
from apps.organizations.decorators import membership_required

from . import selectors, services
from .forms import (
    ActionFilterForm,
    ActionForm,
    ActionNoteForm,
    ActionStatusForm,
    LearningFeedFilterForm,
    LearningThemesForm,
    PilotEditForm,
    PilotForm,
    ScoreFilterForm,
    ScoreForm,
    ScoreImportForm,
    ThemeForm,
    ThemeMergeForm,
)
from .models import ACTION_TRANSITIONS, Action, ActionStatus, CustomerScore, Pilot, Theme
from .permissions import (
    can_create_actions,
    can_edit_action,
    can_manage_themes,
    can_own_actions,
    can_record_scores,
    can_review_themes,
)

# === Learnings and themes ================================================================================
FEED_PAGE_SIZE = 25
PICKER_TARGET = "learning-themes"  # the id of the theme picker on a learning's page (htmx swaps it)


class LearningRow(NamedTuple):
    """A learning as the feed shows it: may the viewer confirm its themes, and which ones are suggested."""

    learning: object
    reviewable: bool
    suggestions: list


def _learning_or_404(membership, pk):
    """The learning of this organization; another organization's id, or no id at all, is a 404."""
    if not str(pk).isdecimal():
        raise Http404
    try:
        return selectors.learning_get(organization=membership.organization_id, pk=int(pk))
    except Learning.DoesNotExist as exc:
        raise Http404 from exc


def _theme_or_404(membership, pk):
    """The theme with its `learning_count`; another organization's id is a 404."""
    try:
        return selectors.theme_list(organization=membership.organization_id).get(pk=pk)
    except Theme.DoesNotExist as exc:
        raise Http404 from exc


def _require_theme_admin(membership):
    """Checked after the lookup, so another organization's theme answers 404, not 403."""
    if not can_manage_themes(membership):
        raise PermissionDenied(_("Only admins manage themes."))


def _htmx_partial(request):
    # htmx swaps a fragment; a history restore (Back) needs the whole page.
    return bool(request.htmx) and not request.htmx.history_restore_request


def _learning_rows(membership, learnings):
    """Rows for a page of learnings. The suggestions are computed once for the whole page, and only for
    the learnings the viewer may confirm (the selector skips those already reviewed)."""
    supported = org_selectors.supported_executive_ids(membership=membership)  # one query for every row
    reviewable = {lg.pk for lg in learnings if can_review_themes(membership, lg, supported)}
    suggestions = selectors.theme_suggestions(
        organization=membership.organization_id, learnings=[lg for lg in learnings if lg.pk in reviewable]
    )
    return [LearningRow(lg, lg.pk in reviewable, suggestions.get(lg.pk, [])) for lg in learnings]


def _needs_themes_count(membership):
    """How many of an executive's own learnings wait for their themes (for the banner)."""
    if not membership.is_executive:
        return 0
    return selectors.learning_feed(organization=membership.organization_id, leader=membership, unthemed=True).count()


@vary_on_headers("HX-Request")
@membership_required()
def learning_feed(request):
    membership = request.membership
    organization = membership.organization_id
    form = LearningFeedFilterForm(
        request.GET or None,
        themes=selectors.theme_list(organization=organization),
        executives=org_selectors.executives(organization=organization),
        regions=org_selectors.region_list(organization=organization),
        locations=org_selectors.location_list(organization=organization, include_inactive=True),
    )
    valid = form.is_bound and form.is_valid()
    filters = form.filters() if valid else {}
    learnings = selectors.learning_feed(organization=organization, **filters)
    if form.is_bound and not valid:
        learnings = learnings.none()
    page = Paginator(learnings, FEED_PAGE_SIZE).get_page(request.GET.get("page"))
    partial = _htmx_partial(request)
    context = {
        "form": form,
        "page": page,
        "rows": _learning_rows(membership, list(page)),
        "partial": partial,
        "next_url": request.get_full_path(),
    }
    if partial:
        return render(request, "insights/_learning_results.html", context)
    context["needs_themes"] = _needs_themes_count(membership)
    return render(request, "insights/learning_feed.html", context)


def _picker_context(membership, learning, *, supported=None, form=None, next_url=""):
    """The theme picker of a learning's page: every theme as a checkbox chip. Before anyone reviewed the
    learning the suggested themes are ticked; after, the confirmed ones."""
    reviewable = can_review_themes(membership, learning, supported)
    suggestions = []
    if reviewable and not learning.themes_reviewed:
        suggestions = selectors.theme_suggestions(organization=membership.organization_id, learnings=[learning]).get(
            learning.pk, []
        )
    if reviewable and form is None:
        if learning.themes_reviewed:
            ticked = [link.theme_id for link in learning.theme_links.all()]
        else:
            ticked = [suggestion.theme.pk for suggestion in suggestions]
        form = LearningThemesForm(
            themes=selectors.theme_list(organization=membership.organization_id),
            initial={"themes": ticked, "next": next_url},
        )
    return {
        "learning": learning,
        "reviewable": reviewable,
        "form": form if reviewable else None,
        "suggested_ids": {suggestion.theme.pk for suggestion in suggestions},
        "picker_target": PICKER_TARGET,
    }


def _render_learning_detail(request, learning, *, form=None):
    membership = request.membership
    organization = membership.organization_id
    supported = org_selectors.supported_executive_ids(membership=membership)
    writer = can_create_actions(membership)
    linkable = []
    if writer:
        # Only actions this member may change (the service would refuse the others).
        linkable = [
            action
            for action in selectors.open_actions_for_linking(organization=organization, exclude_learning=learning)
            if can_edit_action(membership, action, supported)
        ]
    detail_url = reverse("insights:learning_detail", args=[learning.pk])
    context = {
        **_picker_context(membership, learning, supported=supported, form=form, next_url=detail_url),
        "engagement": learning.engagement,
        "actions": selectors.actions_for_learning(organization=organization, learning=learning),
        "can_create_actions": writer,
        "linkable_actions": linkable,
        "detail_url": detail_url,
        "history": history_entries(learning),
    }
    return render(request, "insights/learning_detail.html", context)


@membership_required()
def learning_detail(request, pk):
    return _render_learning_detail(request, _learning_or_404(request.membership, pk))


def _learning_themes_fragment(request, learning, *, form=None, saved=False, status=200):
    """What htmx swaps after a theme POST: the picker on the learning's page, else the feed item."""
    membership = request.membership
    next_url = safe_next(request, reverse("insights:learning_detail", args=[learning.pk]))
    if request.htmx.target == PICKER_TARGET:
        context = _picker_context(membership, learning, form=form, next_url=next_url)
        return render(request, "insights/_learning_theme_picker.html", {**context, "saved": saved}, status=status)
    [row] = _learning_rows(membership, [learning])
    context = {"row": row, "saved": saved, "errors": form.errors if form is not None else {}, "next_url": next_url}
    return render(request, "insights/_learning_item.html", context, status=status)


@require_POST
@membership_required()
def learning_themes(request, pk):
    membership = request.membership
    learning = _learning_or_404(membership, pk)
    if not can_review_themes(membership, learning):
        raise PermissionDenied(_("Only the author, their chief of staff or an admin can set this learning's themes."))
    form = LearningThemesForm(request.POST, themes=selectors.theme_list(organization=membership.organization_id))
    if form.is_valid():
        try:
            services.learning_themes_set(acting=membership, learning=learning, themes=form.cleaned_data["themes"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if request.htmx:
                return _learning_themes_fragment(request, _learning_or_404(membership, pk), saved=True)
            messages.success(request, _("Themes saved."))
            return redirect(safe_next(request, reverse("insights:learning_detail", args=[pk])))
    if request.htmx:
        return _learning_themes_fragment(request, learning, form=form, status=422)
    return _render_learning_detail(request, learning, form=form)


@membership_required()
def theme_list(request):
    membership = request.membership
    context = {
        "themes": selectors.theme_list(organization=membership.organization_id),
        "can_manage_themes": can_manage_themes(membership),
    }
    return render(request, "insights/theme_list.html", context)


@require_http_methods(["GET", "POST"])
@membership_required(can_manage_themes)
def theme_create(request):
    form = ThemeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            theme = services.theme_create(acting=request.membership, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Theme “%(name)s” created.") % {"name": theme.name})
            return redirect("insights:theme_list")
    return render(request, "insights/theme_form.html", {"form": form, "theme": None})


@require_http_methods(["GET", "POST"])
@membership_required()
def theme_edit(request, pk):
    membership = request.membership
    theme = _theme_or_404(membership, pk)
    _require_theme_admin(membership)
    name = theme.name  # the heading keeps the saved name while a refused one is corrected
    if request.method == "POST":
        form = ThemeForm(request.POST)
        if form.is_valid():
            try:
                services.theme_update(acting=membership, theme=theme, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Theme “%(name)s” saved.") % {"name": theme.name})
                return redirect("insights:theme_list")
    else:
        form = ThemeForm(initial={"name": theme.name, "keywords": theme.keywords})
    return render(request, "insights/theme_form.html", {"form": form, "theme": theme, "name": name})


@require_http_methods(["GET", "POST"])
@membership_required()
def theme_merge(request, pk):
    membership = request.membership
    source = _theme_or_404(membership, pk)
    _require_theme_admin(membership)
    targets = selectors.theme_list(organization=membership.organization_id).exclude(pk=source.pk)
    form = ThemeMergeForm(request.POST or None, targets=targets)
    if request.method == "POST" and form.is_valid():
        target = form.cleaned_data["target"]
        try:
            moved = services.theme_merge(acting=membership, source=source, target=target)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            text = ngettext(
                "“%(source)s” merged into “%(target)s”: %(count)s learning moved over, "
                "and “%(source)s” is now one of its keywords.",
                "“%(source)s” merged into “%(target)s”: %(count)s learnings moved over, "
                "and “%(source)s” is now one of its keywords.",
                moved,
            )
            messages.success(request, text % {"source": source.name, "target": target.name, "count": moved})
            return redirect("insights:theme_list")
    return render(request, "insights/theme_merge.html", {"form": form, "theme": source})


@require_http_methods(["GET", "POST"])
@membership_required()
def theme_delete(request, pk):
    membership = request.membership
    theme = _theme_or_404(membership, pk)
    _require_theme_admin(membership)
    if request.method == "POST":
        services.theme_delete(acting=membership, theme=theme)
        messages.success(request, _("Theme “%(name)s” deleted. Its learnings stay.") % {"name": theme.name})
        return redirect("insights:theme_list")
    return render(request, "insights/theme_delete.html", {"theme": theme})


# === end of Learnings and themes =========================================================================


# === Actions and pilots ==================================================================================

ACTIONS_PER_PAGE = 25
PILOTS_PER_PAGE = 25
ACTION_TABS = [
    ("mine", gettext_lazy("Mine")),
    ("open", pgettext_lazy("actions", "Open")),
    ("overdue", gettext_lazy("Overdue")),
    ("closed", gettext_lazy("Closed")),
    ("all", pgettext_lazy("actions", "All")),
]
PILOT_LENGTH = timedelta(days=28)  # the suggested end of a new pilot


def _get_action(membership, pk):
    try:
        return selectors.action_get(organization=membership.organization_id, pk=pk)
    except Action.DoesNotExist as exc:
        raise Http404 from exc


def _get_pilot(membership, pk):
    try:
        return selectors.pilot_get(organization=membership.organization_id, pk=pk)
    except Pilot.DoesNotExist as exc:
        raise Http404 from exc


def _require_action_editor(membership, action, message=None):
    """After the scoped lookup: its owner, its creator, an admin or the owner's chief of staff (else 403)."""
    if not can_edit_action(membership, action):
        raise PermissionDenied(message or _("You cannot change this action."))


def _pilot_of(action):
    try:
        return action.pilot
    except Pilot.DoesNotExist:
        return None


def _days_overdue(action, today):
    return (today - action.due_on).days if not action.is_closed and action.due_on < today else 0


def _action_url(action, anchor=""):
    return reverse("insights:action_detail", args=[action.pk]) + anchor


@membership_required()
def action_list(request):
    membership = request.membership
    organization = membership.organization_id
    can_own = can_own_actions(membership)
    tabs = [(key, label) for key, label in ACTION_TABS if key != "mine" or can_own]
    tab = request.GET.get("tab", "")
    if tab not in dict(tabs):
        tab = tabs[0][0]
    form = ActionFilterForm(request.GET or None, owners=selectors.action_owner_choices(organization=organization))
    filters = {"owner": None, "status": None}
    if form.is_bound and form.is_valid():
        filters = {"owner": form.cleaned_data.get("owner"), "status": form.cleaned_data.get("status") or None}
    today = timezone.localdate()
    if tab == "mine":
        actions = (
            selectors.action_list(organization=organization, owner=membership, status=filters["status"])
            if filters["status"]
            else selectors.my_actions(membership=membership)
        )
    elif tab == "open":
        actions = selectors.action_list(organization=organization, open_only=True, **filters)
    elif tab == "overdue":
        actions = selectors.action_list(organization=organization, overdue_on=today, **filters)
    elif tab == "closed":
        actions = selectors.action_list(organization=organization, closed_only=True, **filters)
    else:
        actions = selectors.action_list(organization=organization, **filters)
    if form.is_bound and not form.is_valid():
        actions = actions.none()
    page = Paginator(actions, ACTIONS_PER_PAGE).get_page(request.GET.get("page"))
    for action in page:
        action.days_overdue = _days_overdue(action, today)
    context = {
        "tabs": tabs,
        "tab": tab,
        "form": form,
        "page": page,
        "counts": selectors.action_counts(membership=membership, today=today) if can_own else None,
        "filtered": any(request.GET.get(name) for name in ("owner", "status")),
        "can_create": can_create_actions(membership),
    }
    return render(request, "insights/action_list.html", context)


def _learnings_from(membership, ids):
    """The learnings a new action answers, from `?learning=` or the form's hidden inputs (404 if not ours)."""
    if not all(str(pk).isdecimal() for pk in ids):
        raise Http404
    wanted = list(dict.fromkeys(int(pk) for pk in ids))  # in order, without repeats
    found = {lg.pk: lg for lg in selectors.learnings_by_ids(organization=membership.organization_id, ids=wanted)}
    if len(found) != len(wanted):
        raise Http404
    return [found[pk] for pk in wanted]


@require_http_methods(["GET", "POST"])
@membership_required()
def action_create(request):
    membership = request.membership
    organization = membership.organization_id
    source = request.POST if request.method == "POST" else request.GET
    learnings = _learnings_from(membership, source.getlist("learning"))
    if not can_create_actions(membership):
        raise PermissionDenied(_("Board members read; they don't create actions."))
    owners = selectors.action_owner_choices(organization=organization)
    if request.method == "POST":
        form = ActionForm(request.POST, owners=owners)
        if form.is_valid():
            try:
                action = services.action_create(acting=membership, learnings=learnings, **form.action_fields())
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Action created."))
                return redirect(_action_url(action))
    else:
        initial = {"owner": str(membership.pk) if can_own_actions(membership) else ""}
        form = ActionForm(owners=owners, initial=initial)
    form.fields["due_on"].widget.attrs["min"] = timezone.localdate().isoformat()  # the phone's date picker
    return render(request, "insights/action_form.html", {"form": form, "learnings": learnings})


MOVE_TO = {
    ActionStatus.OPEN: gettext_lazy("Move to open"),
    ActionStatus.IN_PROGRESS: gettext_lazy("Move to in progress"),
    ActionStatus.PILOTING: gettext_lazy("Move to piloting"),
}


def _status_choices(action, pilot):
    """The status controls: each status the action may move to, with its wording. Dropping asks for a reason
    and done for the outcome ("kind"); piloting without a pilot is the page's "Start a pilot"."""
    out = []
    for status in ACTION_TRANSITIONS[ActionStatus(action.status)]:
        if status == ActionStatus.PILOTING and pilot is None:
            continue
        if status == ActionStatus.DROPPED:
            out.append({"status": status, "label": _("Drop"), "kind": "reason"})
        elif status == ActionStatus.DONE:
            out.append({"status": status, "label": _("Mark done"), "kind": "outcome"})
        else:
            label = _("Reopen") if action.is_closed else MOVE_TO[status]
            out.append({"status": status, "label": label, "kind": "button"})
    return out


def _render_action(request, action, *, status_form=None, note_form=None, status=200):
    membership = request.membership
    can_edit = can_edit_action(membership, action)
    pilot = _pilot_of(action)
    today = timezone.localdate()
    context = {
        "action": action,
        "pilot": pilot,
        "can_edit": can_edit,
        "days_overdue": _days_overdue(action, today),
        "status_choices": _status_choices(action, pilot) if can_edit else [],
        "status_form": status_form or ActionStatusForm(initial={"outcome": action.outcome}),
        "note_form": note_form or ActionNoteForm(),
        "can_start_pilot": can_edit and pilot is None and not action.is_closed,
        "history": history_entries(action),
    }
    return render(request, "insights/action_detail.html", context, status=status)


@membership_required()
def action_detail(request, pk):
    return _render_action(request, _get_action(request.membership, pk))


@require_http_methods(["GET", "POST"])
@membership_required()
def action_edit(request, pk):
    membership = request.membership
    action = _get_action(membership, pk)
    _require_action_editor(membership, action)
    owners = selectors.action_owner_choices(organization=membership.organization_id, also_id=action.owner_id)
    if request.method == "POST":
        form = ActionForm(request.POST, owners=owners)
        if form.is_valid():
            try:
                services.action_update(acting=membership, action=action, **form.action_fields())
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Changes saved."))
                return redirect(_action_url(action))
    else:
        initial = {
            "title": action.title,
            "description": action.description,
            "owner": str(action.owner_id),
            "due_on": action.due_on,
        }
        form = ActionForm(owners=owners, initial=initial)
    return render(request, "insights/action_form.html", {"form": form, "action": action})


STATUS_MESSAGES = {
    ActionStatus.OPEN: gettext_lazy("The action is open again."),
    ActionStatus.IN_PROGRESS: gettext_lazy("The action is in progress."),
    ActionStatus.PILOTING: gettext_lazy("The action is piloting."),
    ActionStatus.DONE: gettext_lazy("The action is done. Thank you for closing the loop."),
    ActionStatus.DROPPED: gettext_lazy("The action is dropped."),
}


@require_POST
@membership_required()
def action_status(request, pk):
    membership = request.membership
    action = _get_action(membership, pk)
    _require_action_editor(membership, action)
    form = ActionStatusForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.action_set_status(
                acting=membership, action=action, status=data["status"], reason=data["reason"], outcome=data["outcome"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, STATUS_MESSAGES[ActionStatus(action.status)])
            return redirect(_action_url(action))
    action = _get_action(membership, pk)  # as it is in the database: nothing was saved
    return _render_action(request, action, status_form=form)


@require_POST
@membership_required()
def action_note(request, pk):
    membership = request.membership
    action = _get_action(membership, pk)
    _require_action_editor(membership, action, _("You cannot add notes to this action."))
    form = ActionNoteForm(request.POST)
    if form.is_valid():
        try:
            services.action_note_add(acting=membership, action=action, text=form.cleaned_data["text"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Note added."))
            return redirect(_action_url(action, "#notes"))
    return _render_action(request, action, note_form=form)


@require_POST
@membership_required()
def action_learning_add(request, pk):
    membership = request.membership
    action = _get_action(membership, pk)
    learning = _learning_or_404(membership, request.POST.get("learning", ""))
    _require_action_editor(membership, action)
    added = services.action_learnings_add(acting=membership, action=action, learnings=[learning])
    if added:
        messages.success(request, _("The learning now counts towards “%(action)s”.") % {"action": action.title})
    else:
        messages.info(request, _("The learning was already linked to “%(action)s”.") % {"action": action.title})
    return redirect(safe_next(request, _action_url(action, "#learnings")))


@require_POST
@membership_required()
def action_learning_remove(request, pk, learning_pk):
    membership = request.membership
    action = _get_action(membership, pk)
    learning = _learning_or_404(membership, learning_pk)
    _require_action_editor(membership, action)
    services.action_learning_remove(acting=membership, action=action, learning=learning)
    messages.success(request, _("The learning is no longer linked to this action."))
    return redirect(_action_url(action, "#learnings"))


def _pilot_url(pilot):
    return reverse("insights:pilot_detail", args=[pilot.pk])


@require_http_methods(["GET", "POST"])
@membership_required()
def pilot_create(request, pk):
    membership = request.membership
    action = _get_action(membership, pk)
    _require_action_editor(membership, action)
    pilot = _pilot_of(action)
    if pilot is not None:
        messages.info(request, _("This action already has a pilot."))
        return redirect(_pilot_url(pilot))
    locations = org_selectors.location_list(organization=membership.organization_id)
    if request.method == "POST":
        form = PilotForm(request.POST, locations=locations)
        if form.is_valid():
            try:
                pilot = services.pilot_create(acting=membership, action=action, **form.pilot_fields())
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Pilot started. The action is now piloting."))
                return redirect(_pilot_url(pilot))
    else:
        today = timezone.localdate()
        # Where customers said it is a good first guess at where to try it.
        heard_at = {lg.engagement.location_id for lg in action.learnings.all() if lg.engagement.location_id}
        initial = {
            "change": action.title,
            "starts_on": today,
            "ends_on": today + PILOT_LENGTH,
            "locations": [location.pk for location in locations if location.pk in heard_at],
        }
        form = PilotForm(locations=locations, initial=initial)
    return render(request, "insights/pilot_form.html", {"form": form, "action": action})


def _signed(value, suffix=""):
    """A signed number (+1.50, or 2 with a true minus sign) in the language's format; decimals only when there
    are any."""
    sign = "\u2212" if value < 0 else "+"
    return sign + formatting.number(abs(value), 2 if value % 1 else 0) + suffix


def _pilot_outcome(pilot):
    """Baseline to result: the difference, and in per cent of the baseline when there is one."""
    if pilot.baseline is None or pilot.result is None:
        return None
    difference = pilot.result - pilot.baseline
    percent = (difference / abs(pilot.baseline) * 100).quantize(Decimal(1)) if pilot.baseline else None
    return {
        "difference": _signed(difference),
        "percent": _signed(percent, " %") if percent is not None else "",
    }


def _pilot_phase(pilot, today):
    if today < pilot.starts_on:
        return "planned"
    return "running" if today <= pilot.ends_on else "ended"


@membership_required()
def pilot_list(request):
    organization = request.membership.organization_id
    page = Paginator(selectors.pilot_list(organization=organization), PILOTS_PER_PAGE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for pilot in page:
        pilot.phase = _pilot_phase(pilot, today)
    return render(request, "insights/pilot_list.html", {"page": page})


@membership_required()
def pilot_detail(request, pk):
    membership = request.membership
    pilot = _get_pilot(membership, pk)
    context = {
        "pilot": pilot,
        "action": pilot.action,
        "phase": _pilot_phase(pilot, timezone.localdate()),
        "outcome": _pilot_outcome(pilot),
        "can_edit": can_edit_action(membership, pilot.action),
        "history": history_entries(pilot),
    }
    return render(request, "insights/pilot_detail.html", context)


@require_http_methods(["GET", "POST"])
@membership_required()
def pilot_edit(request, pk):
    membership = request.membership
    pilot = _get_pilot(membership, pk)
    _require_action_editor(membership, pilot.action, _("You cannot change this pilot."))
    chosen = [location.pk for location in pilot.locations.all()]
    # The organization's open locations, and those the pilot already runs in (even if since closed).
    locations = org_selectors.location_list(organization=membership.organization_id, also_ids=chosen)
    if request.method == "POST":
        form = PilotEditForm(request.POST, locations=locations)
        if form.is_valid():
            try:
                services.pilot_update(acting=membership, pilot=pilot, **form.pilot_fields())
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Pilot saved."))
                return redirect(_pilot_url(pilot))
    else:
        initial = {
            "change": pilot.change,
            "hypothesis": pilot.hypothesis,
            "locations": chosen,
            "starts_on": pilot.starts_on,
            "ends_on": pilot.ends_on,
            "metric": pilot.metric,
            "baseline": pilot.baseline,
            "result": pilot.result,
            "verdict": pilot.verdict,
            "verdict_notes": pilot.verdict_notes,
        }
        form = PilotEditForm(locations=locations, initial=initial)
    return render(request, "insights/pilot_form.html", {"form": form, "pilot": pilot, "action": pilot.action})


# === end of Actions and pilots ===========================================================================


# === Customer scores =====================================================================================
SCORE_TEMPLATE_ROWS = 3


def _get_score(membership, pk):
    try:
        return selectors.score_get(organization=membership.organization_id, pk=pk)
    except CustomerScore.DoesNotExist as exc:
        raise Http404 from exc


def _require_score_recorder(membership):
    if not can_record_scores(membership):
        raise PermissionDenied(_("Admins and chiefs of staff record customer scores."))


@membership_required()
def score_list(request):
    membership = request.membership
    organization = membership.organization_id
    form = ScoreFilterForm(
        request.GET or None,
        regions=org_selectors.region_list(organization=organization),
        locations=org_selectors.location_list(organization=organization, include_inactive=True),
    )
    filters = {}
    if form.is_bound and form.is_valid():
        names = ("metric", "region", "location", "start", "end")
        filters = {name: form.cleaned_data.get(name) or None for name in names}
    scores = selectors.score_list(organization=organization, **filters)
    if form.is_bound and not form.is_valid():
        scores = scores.none()
    page = Paginator(scores, 50).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "can_record": can_record_scores(membership)}
    return render(request, "insights/score_list.html", context)


def _score_form(request, membership, *, score=None):
    locations = org_selectors.location_list(
        organization=membership.organization_id, also_id=score.location_id if score else None
    )
    if score is not None:
        initial = {name: getattr(score, name) for name in SCORE_FIELDS}
    else:
        last_month_end = timezone.localdate().replace(day=1) - timedelta(days=1)
        initial = {"period_start": last_month_end.replace(day=1), "period_end": last_month_end}
    return ScoreForm(request.POST or None, initial=initial, locations=locations)


SCORE_FIELDS = ("location", "metric", "period_start", "period_end", "value", "responses")


@require_http_methods(["GET", "POST"])
@membership_required(can_record_scores)
def score_create(request):
    membership = request.membership
    form = _score_form(request, membership)
    if request.method == "POST" and form.is_valid():
        try:
            score = services.score_create(acting=membership, **{n: form.cleaned_data[n] for n in SCORE_FIELDS})
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(metric)s for %(location)s saved.")
                % {"metric": score.get_metric_display(), "location": score.location.name},
            )
            return redirect("insights:score_list")
    return render(request, "insights/score_form.html", {"form": form, "score": None})


@require_http_methods(["GET", "POST"])
@membership_required()
def score_edit(request, pk):
    membership = request.membership
    score = _get_score(membership, pk)
    _require_score_recorder(membership)
    form = _score_form(request, membership, score=score)
    if request.method == "POST" and form.is_valid():
        try:
            services.score_update(acting=membership, score=score, **{n: form.cleaned_data[n] for n in SCORE_FIELDS})
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Score saved."))
            return redirect("insights:score_list")
    return render(request, "insights/score_form.html", {"form": form, "score": score})


@require_POST
@membership_required()
def score_delete(request, pk):
    membership = request.membership
    score = _get_score(membership, pk)
    _require_score_recorder(membership)
    services.score_delete(acting=membership, score=score)
    messages.success(request, _("Score deleted."))
    return redirect("insights:score_list")


@require_http_methods(["GET", "POST"])
@membership_required(can_record_scores)
def score_import(request):
    membership = request.membership
    form = ScoreImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        report = services.scores_import(acting=membership, text=form.cleaned_data["file"])
        if report.ok:
            text = ngettext(
                "Imported %(count)s row: %(created)s new, %(updated)s updated.",
                "Imported %(count)s rows: %(created)s new, %(updated)s updated.",
                report.rows,
            )
            messages.success(
                request, text % {"count": report.rows, "created": report.created, "updated": report.updated}
            )
            return redirect("insights:score_list")
    status = 422 if report is not None or form.errors else 200
    context = {"form": form, "report": report, "columns": services.SCORE_CSV_HEADINGS}
    return render(request, "insights/score_import.html", context, status=status)


@membership_required(can_record_scores)
def score_template(request):
    """A CSV to fill in: the headers and a few example rows with this organization's locations."""
    membership = request.membership
    rows = [services.score_csv_headings()]
    last_month_end = timezone.localdate().replace(day=1) - timedelta(days=1)
    first = last_month_end.replace(day=1)
    locations = org_selectors.location_list(organization=membership.organization_id)[:SCORE_TEMPLATE_ROWS]
    for location, (metric, value) in zip(locations, [("nps", "42"), ("csat", "4.3"), ("ces", "2.1")], strict=False):
        period = [first.isoformat(), last_month_end.isoformat()]
        # A code or name such as "=1+1" must reach the spreadsheet as text, as in the dashboards' exports.
        rows.append([neutralize_formula(location.code or location.name), metric, *period, value, "120"])
    return csv_response(rows, filename=pgettext("file name of the score import template", "customer-scores.csv"))


# === end of Customer scores ==============================================================================
