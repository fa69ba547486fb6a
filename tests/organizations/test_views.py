"""Views: organization create/switch/settings, members and invitations (admin), locations and regions."""

from decimal import Decimal

import pytest
from django.utils import timezone

from apps.organizations.middleware import SESSION_KEY
from apps.organizations.models import Invitation, Location, Membership, Organization, Region, Role
from tests.accounts.factories import UserFactory
from tests.organizations.factories import (
    InvitationFactory,
    LocationFactory,
    MembershipFactory,
    OrganizationFactory,
    RegionFactory,
)
from tests.organizations.helpers import field_errors, flash_messages, non_field_errors

pytestmark = pytest.mark.django_db

NOT_ADMINS = ["executive", "chief_of_staff", "board"]
FORBIDDEN = "Your role does not allow this. Nothing was changed."


def _members_state(organization):
    return sorted(
        (m.pk, m.role, m.title, m.is_active, tuple(sorted(m.supports.values_list("pk", flat=True))))
        for m in Membership.objects.filter(organization=organization)
    )


def _invitations_state():
    return sorted(Invitation.objects.values_list("pk", "email", "role", "revoked_at", "accepted_at"))


def _locations_state():
    return sorted(
        Location.objects.values_list(
            "pk", "organization", "name", "code", "region", "address", "latitude", "longitude", "is_active"
        )
    )


# --- access: anonymous, no membership, roles --------------------------------------------------------
@pytest.mark.parametrize(
    "url",
    ["/org/members/", "/org/settings/", "/org/locations/", "/org/locations/new/", "/org/new/", "/org/members/1/"],
)
def test_anonymous_visitors_are_sent_to_log_in(client, url):
    # when
    response = client.get(url)

    # then
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


def test_the_home_page_sends_a_user_without_membership_to_create_an_organization(client):
    # given
    client.force_login(UserFactory())

    # when
    response = client.get("/")

    # then
    assert response.status_code == 302
    assert response["Location"] == "/org/new/"


@pytest.mark.parametrize("url", ["/org/members/", "/org/settings/", "/org/locations/", "/org/locations/new/"])
def test_a_deactivated_member_is_treated_as_having_no_organization(client, member_of_kind, url):
    # given
    client.force_login(member_of_kind("inactive").user)

    # when
    response = client.get(url)

    # then
    assert response.status_code == 302
    assert response["Location"] == "/org/new/"


@pytest.mark.parametrize(
    ("kind", "status"), [("executive", 403), ("chief_of_staff", 403), ("board", 403), ("admin", 200)]
)
@pytest.mark.parametrize("url", ["/org/members/", "/org/settings/", "/org/locations/new/"])
def test_admin_pages_by_role(client, member_of_kind, url, kind, status):
    # given
    client.force_login(member_of_kind(kind).user)

    # when
    response = client.get(url)

    # then
    assert response.status_code == status
    if status == 403:
        assert FORBIDDEN in response.content.decode()


# --- organization create ----------------------------------------------------------------------------
def test_the_create_page_welcomes_a_user_without_membership(client):
    # given
    client.force_login(UserFactory())

    # when
    response = client.get("/org/new/")

    # then
    assert response.status_code == 200
    content = response.content.decode()
    assert '<h1 class="h4">Welcome to Gemba</h1>' in content
    assert "You are not a member of any organization yet." in content


def test_creating_an_organization_makes_the_user_its_admin_and_current_organization(client):
    # given
    user = UserFactory()
    client.force_login(user)

    # when
    response = client.post("/org/new/", {"name": "Northwind", "time_zone": "Europe/Oslo"})

    # then
    organization = Organization.objects.get()
    assert response.status_code == 302
    assert response["Location"] == "/org/members/"
    assert (organization.name, organization.slug, organization.time_zone) == ("Northwind", "northwind", "Europe/Oslo")
    assert list(Membership.objects.values_list("organization", "user", "role")) == [(organization.pk, user.pk, "admin")]
    assert client.session[SESSION_KEY] == organization.pk
    assert flash_messages(response) == ["Northwind is ready. Invite your team next."]


def test_a_member_can_create_another_organization_and_switches_to_it(client, admin_member):
    # given
    client.force_login(admin_member.user)

    # when
    client.post("/org/new/", {"name": "Second", "time_zone": "UTC"})
    response = client.get("/org/members/")

    # then
    assert response.context["membership"].organization.name == "Second"


@pytest.mark.parametrize(
    ("data", "field", "errors"),
    [
        ({"name": "", "time_zone": "UTC"}, "name", ["This field is required."]),
        (
            {"name": "Northwind", "time_zone": "Mars/Olympus"},
            "time_zone",
            ["Select a valid choice. Mars/Olympus is not one of the available choices."],
        ),
    ],
)
def test_creating_an_organization_shows_errors_next_to_the_field_and_creates_nothing(client, data, field, errors):
    # given
    client.force_login(UserFactory())

    # when
    response = client.post("/org/new/", data)

    # then
    assert response.status_code == 200
    assert field_errors(response, field) == errors
    assert Organization.objects.count() == 0
    assert Membership.objects.count() == 0


# --- organization switch ----------------------------------------------------------------------------
def test_switching_to_an_own_organization(client):
    # given
    user = UserFactory()
    MembershipFactory(user=user, organization=OrganizationFactory(name="A"), role=Role.ADMIN)
    second = MembershipFactory(user=user, organization=OrganizationFactory(name="B"), role=Role.BOARD)
    client.force_login(user)

    # when
    response = client.post("/org/switch/", {"organization": second.organization_id})

    # then
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session[SESSION_KEY] == second.organization_id
    assert client.get("/org/locations/").context["membership"] == second


@pytest.mark.parametrize("target", ["another organization", "a deactivated membership", "not a number", "nothing"])
def test_switching_is_only_possible_to_own_active_organizations(client, target):
    # given
    user = UserFactory()
    own = MembershipFactory(user=user, role=Role.ADMIN)
    inactive = MembershipFactory(user=user, role=Role.ADMIN, is_active=False)
    foreign = OrganizationFactory()
    client.force_login(user)
    session = client.session
    session[SESSION_KEY] = own.organization_id
    session.save()
    data = {
        "another organization": {"organization": foreign.pk},
        "a deactivated membership": {"organization": inactive.organization_id},
        "not a number": {"organization": "abc"},
        "nothing": {},
    }[target]

    # when
    response = client.post("/org/switch/", data)

    # then
    assert response.status_code == 404
    assert client.session[SESSION_KEY] == own.organization_id


def test_switching_needs_a_post(client, admin_member):
    # given
    client.force_login(admin_member.user)

    # when
    response = client.get("/org/switch/", {"organization": admin_member.organization_id})

    # then
    assert response.status_code == 405


def test_a_stale_session_organization_falls_back_to_an_own_one(client, admin_member):
    # given: the session points at an organization the user has left
    client.force_login(admin_member.user)
    session = client.session
    session[SESSION_KEY] = OrganizationFactory().pk
    session.save()

    # when
    response = client.get("/org/members/")

    # then
    assert response.status_code == 200
    assert response.context["membership"] == admin_member


# --- organization settings --------------------------------------------------------------------------
def test_settings_show_the_current_values(client, admin_member):
    # given
    client.force_login(admin_member.user)

    # when
    response = client.get("/org/settings/")

    # then
    assert response.status_code == 200
    form = response.context["form"]
    assert (form["name"].value(), form["time_zone"].value()) == (admin_member.organization.name, "Europe/London")


def test_an_admin_saves_the_settings(client, admin_member, organization):
    # given
    client.force_login(admin_member.user)

    # when
    response = client.post("/org/settings/", {"name": "Renamed", "time_zone": "Asia/Tokyo"})

    # then
    assert response.status_code == 302
    assert response["Location"] == "/org/settings/"
    organization.refresh_from_db()
    assert (organization.name, organization.time_zone) == ("Renamed", "Asia/Tokyo")
    assert flash_messages(response) == ["Organization settings saved."]


def test_invalid_settings_show_errors_next_to_the_field(client, admin_member, organization):
    # given
    client.force_login(admin_member.user)

    # when
    response = client.post("/org/settings/", {"name": "Renamed", "time_zone": "Nowhere"})

    # then
    assert response.status_code == 200
    assert field_errors(response, "time_zone") == [
        "Select a valid choice. Nowhere is not one of the available choices."
    ]
    assert Organization.objects.get(pk=organization.pk).name == organization.name


@pytest.mark.parametrize("kind", NOT_ADMINS)
def test_only_admins_change_settings(client, member_of_kind, organization, kind):
    # given
    client.force_login(member_of_kind(kind).user)

    # when
    response = client.post("/org/settings/", {"name": "Hijacked", "time_zone": "UTC"})

    # then
    assert response.status_code == 403
    stored = Organization.objects.get(pk=organization.pk)
    assert (stored.name, stored.time_zone) == (organization.name, "Europe/London")


# --- members and invitations ------------------------------------------------------------------------
def test_the_members_page_lists_members_and_invitations_of_the_organization_only(client, admin_member, executive):
    # given
    invitation = InvitationFactory(
        organization=admin_member.organization, email="kim@example.com", invited_by=admin_member
    )
    MembershipFactory()  # another organization's member
    InvitationFactory(email="elsewhere@example.com")
    client.force_login(admin_member.user)

    # when
    response = client.get("/org/members/")

    # then
    assert response.status_code == 200
    assert sorted(m.pk for m in response.context["members"]) == sorted([admin_member.pk, executive.pk])
    assert list(response.context["invitations"]) == [invitation]
    content = response.content.decode()
    assert "kim@example.com" in content
    assert "elsewhere@example.com" not in content
    assert "Pending (sending…)" in content


def test_an_admin_invites_someone(
    client, admin_member, celery_eager, mailoutbox, django_capture_on_commit_callbacks, settings
):
    # given
    settings.SITE_URL = "https://gemba.example"
    client.force_login(admin_member.user)

    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/org/members/", {"email": "Kim@Example.com", "role": "board"})

    # then
    assert response.status_code == 302
    assert response["Location"] == "/org/members/"
    invitation = Invitation.objects.get()
    assert (invitation.organization, invitation.email, invitation.role, invitation.invited_by) == (
        admin_member.organization,
        "kim@example.com",
        "board",
        admin_member,
    )
    assert flash_messages(response) == ["Invitation sent to kim@example.com."]
    assert [m.to for m in mailoutbox] == [["kim@example.com"]]
    assert f"https://gemba.example/org/invitations/accept/{invitation.token}/" in mailoutbox[0].body


@pytest.mark.parametrize(
    ("data", "field", "errors"),
    [
        ({"email": "not-an-email", "role": "executive"}, "email", ["Enter a valid email address."]),
        ({"email": "", "role": "executive"}, "email", ["This field is required."]),
        (
            {"email": "kim@example.com", "role": "owner"},
            "role",
            ["Select a valid choice. owner is not one of the available choices."],
        ),
    ],
)
def test_an_invalid_invitation_shows_the_error_next_to_the_field_and_creates_nothing(
    client, admin_member, mailoutbox, data, field, errors
):
    # given
    client.force_login(admin_member.user)

    # when
    response = client.post("/org/members/", data)

    # then
    assert response.status_code == 200
    assert field_errors(response, field) == errors
    assert Invitation.objects.count() == 0
    assert mailoutbox == []


def test_inviting_an_existing_member_shows_the_error_next_to_the_email(client, admin_member, executive):
    # given
    client.force_login(admin_member.user)

    # when
    response = client.post("/org/members/", {"email": executive.user.email.upper(), "role": "board"})

    # then
    assert response.status_code == 200
    assert field_errors(response, "email") == ["This person is already a member."]
    assert non_field_errors(response) == []
    assert Invitation.objects.count() == 0


@pytest.mark.parametrize("kind", NOT_ADMINS)
def test_only_admins_invite(client, member_of_kind, kind):
    # given
    client.force_login(member_of_kind(kind).user)

    # when
    response = client.post("/org/members/", {"email": "kim@example.com", "role": "admin"})

    # then
    assert response.status_code == 403
    assert Invitation.objects.count() == 0


# --- member edit ------------------------------------------------------------------------------------
def test_the_member_page_offers_active_executives_to_support(client, admin_member, executive, organization):
    # given
    chief = MembershipFactory(organization=organization, role=Role.CHIEF_OF_STAFF)
    MembershipFactory(organization=organization, role=Role.EXECUTIVE, is_active=False)
    MembershipFactory(role=Role.EXECUTIVE)  # another organization's
    client.force_login(admin_member.user)

    # when
    response = client.get(f"/org/members/{chief.pk}/")

    # then
    assert response.status_code == 200
    assert list(response.context["form"].fields["supports"].queryset) == [executive]


def test_an_admin_makes_someone_chief_of_staff_for_an_executive(client, admin_member, executive, organization):
    # given
    member = MembershipFactory(organization=organization, role=Role.BOARD, user=UserFactory(full_name="Kim Lee"))
    client.force_login(admin_member.user)

    # when
    response = client.post(
        f"/org/members/{member.pk}/",
        {"role": "chief_of_staff", "title": "Chief of staff", "is_active": "on", "supports": [executive.pk]},
    )

    # then
    assert response.status_code == 302
    assert response["Location"] == "/org/members/"
    member.refresh_from_db()
    assert (member.role, member.title, member.is_active) == ("chief_of_staff", "Chief of staff", True)
    assert list(member.supports.all()) == [executive]
    assert flash_messages(response) == ["Kim Lee updated."]


def test_an_admin_deactivates_a_member(client, admin_member, executive):
    # given
    client.force_login(admin_member.user)

    # when: an unchecked checkbox is not posted
    response = client.post(f"/org/members/{executive.pk}/", {"role": "executive", "title": ""})

    # then
    assert response.status_code == 302
    assert Membership.objects.get(pk=executive.pk).is_active is False


def test_supports_for_a_role_other_than_chief_of_staff_is_an_error_next_to_supports(
    client, admin_member, executive, organization
):
    # given
    member = MembershipFactory(organization=organization, role=Role.BOARD)
    before = _members_state(organization)
    client.force_login(admin_member.user)

    # when
    response = client.post(
        f"/org/members/{member.pk}/", {"role": "board", "is_active": "on", "supports": [executive.pk]}
    )

    # then
    assert response.status_code == 200
    assert field_errors(response, "supports") == ["Only a chief of staff supports executives."]
    assert _members_state(organization) == before


def test_supporting_a_non_executive_is_an_error_next_to_supports(client, admin_member, executive, organization):
    # given
    chief = MembershipFactory(organization=organization, role=Role.CHIEF_OF_STAFF)
    board = MembershipFactory(organization=organization, role=Role.BOARD)
    before = _members_state(organization)
    client.force_login(admin_member.user)

    # when
    response = client.post(
        f"/org/members/{chief.pk}/", {"role": "chief_of_staff", "is_active": "on", "supports": [board.pk]}
    )

    # then
    assert response.status_code == 200
    assert field_errors(response, "supports") == [
        f"Select a valid choice. {board.pk} is not one of the available choices."
    ]
    assert _members_state(organization) == before


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"role": "board", "title": "", "is_active": "on"}, "role"),
        ({"role": "admin", "title": ""}, "is_active"),
    ],
    ids=["demote", "deactivate"],
)
def test_the_last_admin_cannot_demote_or_deactivate_themself(client, admin_member, organization, data, field):
    # given
    before = _members_state(organization)
    client.force_login(admin_member.user)

    # when
    response = client.post(f"/org/members/{admin_member.pk}/", data)

    # then
    assert response.status_code == 200
    assert field_errors(response, field) == ["The organization needs at least one active admin."]
    assert _members_state(organization) == before
    assert client.get("/org/members/").status_code == 200


def test_an_admin_hands_over_to_another_admin(client, admin_member, organization):
    # given
    other = MembershipFactory(organization=organization, role=Role.ADMIN)
    client.force_login(admin_member.user)

    # when
    response = client.post(f"/org/members/{admin_member.pk}/", {"role": "board", "title": "", "is_active": "on"})

    # then
    assert response.status_code == 302
    assert Membership.objects.get(pk=admin_member.pk).role == "board"
    assert Membership.objects.get(pk=other.pk).role == "admin"
    assert client.get("/org/members/").status_code == 403


@pytest.mark.parametrize("kind", NOT_ADMINS)
def test_only_admins_edit_members(client, member_of_kind, executive, organization, kind):
    # given
    acting = member_of_kind(kind)
    before = _members_state(organization)
    client.force_login(acting.user)

    # when
    response = client.post(f"/org/members/{executive.pk}/", {"role": "admin", "title": "", "is_active": "on"})

    # then
    assert response.status_code == 403
    assert _members_state(organization) == before


def test_a_member_of_another_organization_is_not_found(client, admin_member):
    # given
    outsider = MembershipFactory(role=Role.EXECUTIVE)
    client.force_login(admin_member.user)

    # when
    get_response = client.get(f"/org/members/{outsider.pk}/")
    post_response = client.post(f"/org/members/{outsider.pk}/", {"role": "admin", "title": "", "is_active": "on"})

    # then
    assert (get_response.status_code, post_response.status_code) == (404, 404)
    assert Membership.objects.get(pk=outsider.pk).role == "executive"


# --- invitation revoke ------------------------------------------------------------------------------
def test_an_admin_revokes_an_invitation(client, admin_member):
    # given
    invitation = InvitationFactory(organization=admin_member.organization, email="kim@example.com")
    client.force_login(admin_member.user)

    # when
    response = client.post(f"/org/invitations/{invitation.pk}/revoke/")

    # then
    assert response.status_code == 302
    assert response["Location"] == "/org/members/"
    assert Invitation.objects.get(pk=invitation.pk).status(timezone.now()) == "revoked"
    assert flash_messages(response) == ["Invitation to kim@example.com revoked."]


def test_revoking_needs_a_post(client, admin_member):
    # given
    invitation = InvitationFactory(organization=admin_member.organization)
    client.force_login(admin_member.user)

    # when
    response = client.get(f"/org/invitations/{invitation.pk}/revoke/")

    # then
    assert response.status_code == 405
    assert Invitation.objects.get(pk=invitation.pk).revoked_at is None


@pytest.mark.parametrize("kind", NOT_ADMINS)
def test_only_admins_revoke_invitations(client, member_of_kind, organization, kind):
    # given
    invitation = InvitationFactory(organization=organization)
    client.force_login(member_of_kind(kind).user)

    # when
    response = client.post(f"/org/invitations/{invitation.pk}/revoke/")

    # then
    assert response.status_code == 403
    assert Invitation.objects.get(pk=invitation.pk).revoked_at is None


def test_an_invitation_of_another_organization_is_not_found(client, admin_member):
    # given
    foreign = InvitationFactory()
    client.force_login(admin_member.user)

    # when
    response = client.post(f"/org/invitations/{foreign.pk}/revoke/")

    # then
    assert response.status_code == 404
    assert Invitation.objects.get(pk=foreign.pk).revoked_at is None


# --- locations and regions --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kind", "sees_inactive"),
    [("executive", False), ("chief_of_staff", False), ("board", False), ("admin", True)],
)
def test_every_member_reads_the_locations_admins_also_see_inactive_ones(
    client, member_of_kind, organization, kind, sees_inactive
):
    # given
    region = RegionFactory(organization=organization, name="North")
    active = LocationFactory(organization=organization, region=region, name="Oslo")
    inactive = LocationFactory(organization=organization, region=region, name="Closed store", is_active=False)
    LocationFactory(name="Someone else's store")
    client.force_login(member_of_kind(kind).user)

    # when
    response = client.get("/org/locations/")

    # then
    assert response.status_code == 200
    assert list(response.context["locations"]) == ([inactive, active] if sees_inactive else [active])
    assert "Someone else&#x27;s store" not in response.content.decode()
    assert (response.context["region_form"] is not None) is sees_inactive


def test_an_admin_adds_a_region(client, admin_member, organization):
    # given
    client.force_login(admin_member.user)

    # when
    response = client.post("/org/locations/", {"name": " North "})

    # then
    assert response.status_code == 302
    assert response["Location"] == "/org/locations/"
    assert list(Region.objects.values_list("organization", "name")) == [(organization.pk, "North")]
    assert flash_messages(response) == ["Region added."]


def test_a_duplicate_region_shows_the_error_next_to_the_name(client, admin_member, organization):
    # given
    RegionFactory(organization=organization, name="North")
    client.force_login(admin_member.user)

    # when
    response = client.post("/org/locations/", {"name": "North"})

    # then
    assert response.status_code == 200
    assert field_errors(response, "name") == ["A region with this name already exists."]
    assert Region.objects.count() == 1


@pytest.mark.parametrize("kind", NOT_ADMINS)
def test_only_admins_add_regions(client, member_of_kind, kind):
    # given
    client.force_login(member_of_kind(kind).user)

    # when
    response = client.post("/org/locations/", {"name": "North"})

    # then
    assert response.status_code == 403
    assert "Only admins manage locations. Nothing was changed." in response.content.decode()
    assert Region.objects.count() == 0


def test_an_admin_creates_a_location(client, admin_member, organization):
    # given
    region = RegionFactory(organization=organization, name="North")
    client.force_login(admin_member.user)

    # when
    response = client.post(
        "/org/locations/new/",
        {
            "name": "Oslo Central",
            "code": "OSL1",
            "region": region.pk,
            "address": "Karl Johans gate 1",
            "latitude": "59.91273",
            "longitude": "10.74609",
            "is_active": "on",
        },
    )

    # then
    assert response.status_code == 302
    assert response["Location"] == "/org/locations/"
    location = Location.objects.get()
    assert (
        location.organization,
        location.name,
        location.code,
        location.region,
        location.address,
        location.latitude,
        location.longitude,
        location.is_active,
    ) == (
        organization,
        "Oslo Central",
        "OSL1",
        region,
        "Karl Johans gate 1",
        Decimal("59.91273"),
        Decimal("10.74609"),
        True,
    )
    assert flash_messages(response) == ["Oslo Central saved."]


def test_an_admin_edits_a_location(client, admin_member, organization):
    # given
    location = LocationFactory(organization=organization, name="Old", code="A1")
    client.force_login(admin_member.user)

    # when
    response = client.post(f"/org/locations/{location.pk}/", {"name": "New", "code": "B2", "region": ""})

    # then
    assert response.status_code == 302
    stored = Location.objects.get(pk=location.pk)
    assert (stored.name, stored.code, stored.region, stored.is_active) == ("New", "B2", None, False)


@pytest.mark.parametrize(
    ("data", "field", "errors"),
    [
        ({"name": "Oslo", "latitude": "59.9"}, "longitude", ["Give both latitude and longitude, or neither."]),
        ({"name": "Oslo", "longitude": "10.7"}, "latitude", ["Give both latitude and longitude, or neither."]),
        (
            {"name": "Oslo", "latitude": "91", "longitude": "10"},
            "latitude",
            ["Ensure this value is less than or equal to 90."],
        ),
        ({"name": ""}, "name", ["This field is required."]),
        ({"name": "Taken"}, "name", ["A location with this name already exists."]),
    ],
    ids=["latitude-only", "longitude-only", "latitude-range", "no-name", "duplicate-name"],
)
def test_an_invalid_location_shows_errors_next_to_the_field_and_saves_nothing(
    client, admin_member, organization, data, field, errors
):
    # given
    LocationFactory(organization=organization, name="Taken")
    before = _locations_state()
    client.force_login(admin_member.user)

    # when
    response = client.post("/org/locations/new/", data)

    # then
    assert response.status_code == 200
    assert field_errors(response, field) == errors
    assert non_field_errors(response) == []
    assert _locations_state() == before


def test_renaming_a_location_onto_another_shows_the_error_next_to_the_name(client, admin_member, organization):
    # given
    LocationFactory(organization=organization, name="Taken")
    location = LocationFactory(organization=organization, name="Mine")
    before = _locations_state()
    client.force_login(admin_member.user)

    # when
    response = client.post(f"/org/locations/{location.pk}/", {"name": "Taken"})

    # then
    assert response.status_code == 200
    assert field_errors(response, "name") == ["A location with this name already exists."]
    assert _locations_state() == before


@pytest.mark.parametrize("code", ["LB01", "lb01", " LB01 "], ids=["same", "other-case", "spaces"])
def test_a_code_another_location_has_shows_the_error_next_to_the_code(client, admin_member, organization, code):
    # given
    LocationFactory(organization=organization, name="Leeds Briggate", code="LB01")
    mine = LocationFactory(organization=organization, name="Mine", code="M1")
    before = _locations_state()
    client.force_login(admin_member.user)

    # when: a new location, then an existing one, with the code already taken
    created = client.post("/org/locations/new/", {"name": "Leeds Trinity", "code": code})
    edited = client.post(f"/org/locations/{mine.pk}/", {"name": "Mine", "code": code})

    # then
    for response in (created, edited):
        assert response.status_code == 200
        assert field_errors(response, "code") == ["Leeds Briggate already has this code; each location needs its own."]
        assert non_field_errors(response) == []
    assert _locations_state() == before


def test_a_region_of_another_organization_cannot_be_chosen(client, admin_member):
    # given
    foreign_region = RegionFactory(name="Their region")
    client.force_login(admin_member.user)

    # when
    response = client.post("/org/locations/new/", {"name": "Oslo", "region": foreign_region.pk})

    # then
    assert response.status_code == 200
    assert field_errors(response, "region") == [
        "Select a valid choice. That choice is not one of the available choices."
    ]
    assert Location.objects.count() == 0


@pytest.mark.parametrize("kind", NOT_ADMINS)
def test_only_admins_create_or_edit_locations(client, member_of_kind, organization, kind):
    # given
    location = LocationFactory(organization=organization, name="Oslo")
    before = _locations_state()
    client.force_login(member_of_kind(kind).user)

    # when
    created = client.post("/org/locations/new/", {"name": "New store"})
    edited = client.post(f"/org/locations/{location.pk}/", {"name": "Renamed"})

    # then
    assert (created.status_code, edited.status_code) == (403, 403)
    assert _locations_state() == before


def test_a_location_of_another_organization_is_not_found(client, admin_member):
    # given
    foreign = LocationFactory(name="Theirs")
    before = _locations_state()
    client.force_login(admin_member.user)

    # when
    get_response = client.get(f"/org/locations/{foreign.pk}/")
    post_response = client.post(f"/org/locations/{foreign.pk}/", {"name": "Mine"})

    # then
    assert (get_response.status_code, post_response.status_code) == (404, 404)
    assert _locations_state() == before


# --- tenancy: every id-taking URL, as any member of another organization ------------------------------
@pytest.mark.parametrize("kind", ["executive", "chief_of_staff", "board", "admin"])
@pytest.mark.parametrize(
    ("method", "url_for"),
    [
        ("get", lambda objs: f"/org/members/{objs['membership'].pk}/"),
        ("post", lambda objs: f"/org/members/{objs['membership'].pk}/"),
        ("post", lambda objs: f"/org/invitations/{objs['invitation'].pk}/revoke/"),
        ("get", lambda objs: f"/org/locations/{objs['location'].pk}/"),
        ("post", lambda objs: f"/org/locations/{objs['location'].pk}/"),
    ],
    ids=["member-get", "member-post", "invitation-revoke", "location-get", "location-post"],
)
def test_another_organizations_ids_answer_404_whatever_the_role(client, member_of_kind, method, url_for, kind):
    # given
    other = OrganizationFactory()
    objs = {
        "membership": MembershipFactory(organization=other, role=Role.ADMIN),
        "invitation": InvitationFactory(organization=other),
        "location": LocationFactory(organization=other),
    }
    before = (_members_state(other), _invitations_state(), _locations_state())
    client.force_login(member_of_kind(kind).user)

    # when
    response = getattr(client, method)(url_for(objs), {"role": "board", "name": "x"} if method == "post" else None)

    # then: the same answer as for an id that exists nowhere
    assert response.status_code == 404
    assert (_members_state(other), _invitations_state(), _locations_state()) == before


def test_an_admin_who_steps_down_lands_on_home_not_on_a_forbidden_page(client, admin_member, organization):
    # given: another admin remains
    MembershipFactory(organization=organization, role=Role.ADMIN)
    client.force_login(admin_member.user)

    # when
    response = client.post(f"/org/members/{admin_member.pk}/", {"role": Role.BOARD, "title": "", "is_active": "on"})

    # then
    assert response.status_code == 302
    assert response["Location"] == "/"
    admin_member.refresh_from_db()
    assert admin_member.role == Role.BOARD
