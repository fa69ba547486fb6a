"""The dashboards: read-only pages built from other apps' selectors; each exports CSV and XLSX of its tables.
Views orchestrate: who may see which leader (404 for other organizations), build the figures, render."""

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from apps.organizations import selectors as org_selectors
from apps.organizations.decorators import membership_required
from apps.organizations.models import Role

from . import board as board_dashboard
from . import executive as executive_dashboard
from . import team as team_dashboard
from .board import BoardFilters
from .exports import csv_response, xlsx_response
from .forms import BoardFilterForm

# === Executive ===========================================================================================


EXPORT_FORMATS = ("csv", "xlsx")


def export(request, *, filename, tables):
    """The page's tables as CSV or XLSX when `?format=` asks for one, else None."""
    fmt = request.GET.get("format")
    if fmt == "csv":
        return csv_response(filename=filename, tables=tables)
    if fmt == "xlsx":
        return xlsx_response(filename=filename, tables=tables, base_url=request.build_absolute_uri("/"))
    return None


def _file_name(name):
    """The start of an export's file name, in the person's language ("board-2026-12-06.csv", "styreoversikt-...")."""
    names = {
        "customer-time": pgettext("file name", "customer-time"),
        "team": pgettext("file name", "team"),
        "board": pgettext("file name", "board"),
    }
    return names[name]


def tables_by_key(tables):
    """{name with underscores: table}, so a template can pick each table by name."""
    return {table.name.replace("-", "_"): table for table in tables}


def _executive_for(request, membership):
    """The executive whose dashboard this is: themself; for a chief of staff one they support; for board
    members and admins any executive. Another organization's (or an unsupported) id answers 404."""
    wanted = request.GET.get("leader", "")
    if wanted and not wanted.isdecimal():
        raise Http404
    if membership.is_executive and not wanted:
        return membership
    candidates = org_selectors.executives_visible_to(membership=membership)
    if candidates is None:
        raise Http404
    if not wanted:
        return candidates.first()
    leader = candidates.filter(pk=int(wanted)).select_related("user", "organization").first()
    if leader is None:
        raise Http404
    return leader


@membership_required()
def executive(request):
    membership = request.membership
    leader = _executive_for(request, membership)
    if leader is None:
        # A chief of staff without executives yet, or board/admin without a choice: their own dashboard.
        return redirect("dashboards:team" if membership.is_chief_of_staff else "engagements:feed")
    dashboard = executive_dashboard.build(leader=leader)
    exported = export(
        request,
        filename=f"{_file_name('customer-time')}-{slugify(leader.display_name)}-{dashboard.today}",
        tables=dashboard.tables,
    )
    if exported is not None:
        return exported
    switch = None if membership.is_executive else org_selectors.executives_visible_to(membership=membership)
    context = {
        "d": dashboard,
        "t": tables_by_key(dashboard.tables),
        "own": leader.pk == membership.pk,
        "switch": switch,
        "query": f"leader={leader.pk}",
    }
    return render(request, "dashboards/executive.html", context)


# === end of Executive ====================================================================================


# === Chief of staff ======================================================================================


@membership_required()
def team(request):
    """One row per executive: a chief of staff sees those they support; an admin sees every active executive
    (admins set targets and who supports whom, so they get the whole team). Board members and executives have
    their own dashboards and are sent there."""
    membership = request.membership
    if membership.is_board:
        return redirect("dashboards:board")
    if membership.is_executive:
        return redirect("dashboards:executive")
    leaders = org_selectors.executives_visible_to(membership=membership)
    if leaders is None:
        raise Http404
    title = team_dashboard.TABLE_TITLE if membership.is_chief_of_staff else _("Executives")
    dashboard = team_dashboard.team_dashboard(
        organization=membership.organization_id, leaders=leaders, sort=request.GET.get("sort"), title=title
    )
    exported = export(request, filename=f"{_file_name('team')}-{dashboard.today}", tables=dashboard.tables)
    if exported is not None:
        return exported
    return render(request, "dashboards/team.html", {"d": dashboard, "is_admin": membership.role == Role.ADMIN})


# === end of Chief of staff ===============================================================================


# === Board ===============================================================================================
@membership_required()
def board(request):
    """Read by everyone in the organization (the board above all); changes nothing."""
    membership = request.membership
    organization = membership.organization
    form = BoardFilterForm(
        request.GET or None,
        regions=org_selectors.region_list(organization=organization.pk),
        chiefs=org_selectors.chiefs_of_staff(organization=organization.pk),
    )
    filters = form.filters() if form.is_bound and form.is_valid() else BoardFilters()
    dashboard = board_dashboard.build(organization=organization, filters=filters)
    exported = export(request, filename=f"{_file_name('board')}-{dashboard.today}", tables=dashboard.tables)
    if exported is not None:
        return exported
    query = request.GET.copy()
    query.pop("format", None)
    context = {
        "d": dashboard,
        "form": form,
        "t": tables_by_key(dashboard.tables),
        "query": query.urlencode(),
    }
    return render(request, "dashboards/board.html", context)


# === end of Board ========================================================================================
