from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core.forms import add_service_errors

from . import selectors, services
from .decorators import membership_required
from .forms import InvitationForm, LocationForm, MembershipForm, OrganizationForm, RegionForm
from .middleware import SESSION_KEY
from .models import CLOSED_INVITATION_MESSAGES, Invitation, InvitationStatus, Location, Membership
from .permissions import can_manage_organization


def _require_manager(membership):
    """403 for a role that may not manage. Views taking an id call it after the scoped lookup, so another
    organization's id answers 404 whatever the role (the same answer as for an id that exists nowhere)."""
    if not can_manage_organization(membership):
        raise PermissionDenied(_("Your role does not allow this."))


@login_required
def organization_create(request):
    form = OrganizationForm(
        request.POST or None, submit_label=_("Create organization"), initial={"language": translation.get_language()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            organization, _membership = services.organization_create(creator=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            request.session[SESSION_KEY] = organization.pk
            messages.success(
                request, _("%(organization)s is ready. Invite your team next.") % {"organization": organization.name}
            )
            return redirect("organizations:members")
    memberships = selectors.memberships_for_user(request.user)
    return render(request, "organizations/create.html", {"form": form, "memberships": memberships})


@require_POST
@login_required
def organization_switch(request):
    try:
        organization_id = int(request.POST.get("organization", ""))
    except ValueError as exc:
        raise Http404 from exc
    chosen = selectors.memberships_for_user(request.user).filter(organization_id=organization_id).first()
    if chosen is None:
        raise Http404
    request.session[SESSION_KEY] = chosen.organization_id
    return redirect("home")


@membership_required(can_manage_organization)
def organization_settings(request):
    organization = request.membership.organization
    form = OrganizationForm(
        request.POST or None,
        initial={"name": organization.name, "time_zone": organization.time_zone, "language": organization.language},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_update(organization=organization, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            # A new default language applies to the next page already (the admin's own choice aside).
            with translation.override(request.user.language or organization.language):
                messages.success(request, _("Organization settings saved."))
            return redirect("organizations:settings")
    return render(request, "organizations/settings.html", {"form": form, "organization": organization})


@membership_required(can_manage_organization)
def member_list(request):
    organization = request.membership.organization
    form = InvitationForm(request.POST or None, language=organization.language)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_create(
                organization=organization, invited_by=request.membership, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
            return redirect("organizations:members")
    context = {
        "members": selectors.member_list(organization=organization),
        "invitations": selectors.invitation_list(organization=organization)[:50],
        "form": form,
        "now": timezone.now(),
    }
    return render(request, "organizations/members.html", context)


@membership_required()
def member_edit(request, pk):
    organization = request.membership.organization
    try:
        member = selectors.member_get(organization=organization, pk=pk)
    except Membership.DoesNotExist as exc:
        raise Http404 from exc
    _require_manager(request.membership)
    form = MembershipForm(
        request.POST or None, instance=member, executives=selectors.executives(organization=organization)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_update(
                membership=member,
                role=form.cleaned_data["role"],
                title=form.cleaned_data["title"],
                is_active=form.cleaned_data["is_active"],
                supports=form.cleaned_data["supports"],
                acting=request.membership,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("%(name)s updated.") % {"name": member.display_name})
            if member.pk == request.membership.pk and not can_manage_organization(member):
                # They just gave up admin rights: the members page is no longer theirs to see.
                return redirect("home")
            return redirect("organizations:members")
    return render(request, "organizations/member_edit.html", {"form": form, "member": member})


@require_POST
@membership_required()
def invitation_revoke(request, pk):
    try:
        invitation = selectors.invitation_get(organization=request.membership.organization_id, pk=pk)
    except Invitation.DoesNotExist as exc:
        raise Http404 from exc
    _require_manager(request.membership)
    services.invitation_revoke(invitation=invitation)
    messages.success(request, _("Invitation to %(email)s revoked.") % {"email": invitation.email})
    return redirect("organizations:members")


def invitation_accept(request, token):
    try:
        invitation = selectors.invitation_by_token(token=token)
    except Invitation.DoesNotExist as exc:
        raise Http404 from exc
    status = invitation.status(timezone.now())
    context = {
        "invitation": invitation,
        "status": status,
        "closed_message": CLOSED_INVITATION_MESSAGES.get(status),
    }
    if not request.user.is_authenticated:
        # Remembered so that logging in or signing up comes back here.
        request.session["invitation_token"] = token
        return render(request, "organizations/invitation.html", context)
    context["email_matches"] = request.user.email.lower() == invitation.email.lower()
    if request.method == "POST" and status == InvitationStatus.PENDING:
        try:
            membership = services.invitation_accept(invitation=invitation, user=request.user)
        except PermissionDenied as exc:
            context["error"] = str(exc)
        except ValidationError as exc:
            context["error"] = " ".join(exc.messages)
        else:
            request.session[SESSION_KEY] = membership.organization_id
            # The newcomer may just have been given the invitation's language: the next page is in it.
            with translation.override(membership.language):
                messages.success(
                    request, _("Welcome to %(organization)s.") % {"organization": membership.organization.name}
                )
            return redirect("home")
    return render(request, "organizations/invitation.html", context)


@membership_required()
def location_list(request):
    organization = request.membership.organization
    can_manage = can_manage_organization(request.membership)
    region_form = RegionForm(request.POST or None) if can_manage else None
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied(_("Only admins manage locations."))
        if region_form.is_valid():
            try:
                services.region_create(organization=organization, name=region_form.cleaned_data["name"])
            except ValidationError as exc:
                add_service_errors(region_form, exc)
            else:
                messages.success(request, _("Region added."))
                return redirect("organizations:locations")
    context = {
        "locations": selectors.location_list(organization=organization, include_inactive=can_manage),
        "regions": selectors.region_list(organization=organization),
        "region_form": region_form,
    }
    return render(request, "organizations/locations.html", context)


@membership_required()
def location_edit(request, pk=None):
    organization = request.membership.organization
    location = None
    if pk is not None:
        try:
            location = selectors.location_get(organization=organization, pk=pk)
        except Location.DoesNotExist as exc:
            raise Http404 from exc
    _require_manager(request.membership)
    form = LocationForm(
        request.POST or None,
        instance=location or Location(organization=organization),
        regions=selectors.region_list(organization=organization),
    )
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            saved = services.location_save(organization=organization, location=location, **fields)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("%(name)s saved.") % {"name": saved.name})
            return redirect("organizations:locations")
    return render(request, "organizations/location_edit.html", {"form": form, "location": location})
