"""Services for organizations, memberships, regions and locations (invitations: test_invitations.py)."""

import threading
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction

from apps.organizations import selectors, services
from apps.organizations.forms import MembershipForm
from apps.organizations.models import Location, Membership, Organization, Region, Role
from tests.accounts.factories import UserFactory
from tests.organizations.factories import LocationFactory, MembershipFactory, OrganizationFactory, RegionFactory

pytestmark = pytest.mark.django_db


def _membership_row(membership):
    """What the database holds for a membership, to compare before and after a refused change."""
    stored = Membership.objects.get(pk=membership.pk)
    return (stored.role, stored.title, stored.is_active, sorted(stored.supports.values_list("pk", flat=True)))


# --- organization_create ----------------------------------------------------------------------------
def test_organization_create_makes_the_creator_its_first_admin():
    # given
    creator = UserFactory()

    # when
    organization, membership = services.organization_create(
        name="  Northwind Stores  ", time_zone="Europe/Oslo", creator=creator
    )

    # then
    organization.refresh_from_db()
    assert (organization.name, organization.slug, organization.time_zone) == (
        "Northwind Stores",
        "northwind-stores",
        "Europe/Oslo",
    )
    assert list(Membership.objects.filter(organization=organization).values_list("user", "role", "is_active")) == [
        (creator.pk, "admin", True)
    ]
    assert membership.user == creator
    assert membership.role == Role.ADMIN


def test_organization_create_makes_the_slug_unique():
    # given
    OrganizationFactory(name="Northwind", slug="northwind")
    OrganizationFactory(name="Northwind again", slug="northwind-2")

    # when
    organization, _ = services.organization_create(name="Northwind", time_zone="UTC", creator=UserFactory())

    # then
    assert organization.slug == "northwind-3"
    assert sorted(Organization.objects.values_list("slug", flat=True)) == ["northwind", "northwind-2", "northwind-3"]


def test_organization_create_with_a_name_that_slugifies_to_nothing_uses_org():
    # when
    organization, _ = services.organization_create(name="東京", time_zone="Asia/Tokyo", creator=UserFactory())

    # then
    assert organization.slug == "org"


def test_organization_create_keeps_a_given_slug():
    # when
    organization, _ = services.organization_create(name="Northwind", time_zone="UTC", creator=UserFactory(), slug="nw")

    # then
    assert organization.slug == "nw"


def test_organization_create_rejects_an_unknown_time_zone_and_creates_nothing():
    # given
    creator = UserFactory()

    # when
    with pytest.raises(ValidationError) as excinfo:
        services.organization_create(name="Northwind", time_zone="Mars/Olympus", creator=creator)

    # then
    assert excinfo.value.message_dict == {"time_zone": ["'Mars/Olympus' is not a known time zone (e.g. Europe/Oslo)."]}
    assert Organization.objects.count() == 0
    assert Membership.objects.count() == 0


# --- organization_update ----------------------------------------------------------------------------
def test_organization_update_saves_name_and_time_zone():
    # given
    organization = OrganizationFactory(name="Old name", slug="old", time_zone="UTC")

    # when
    services.organization_update(organization=organization, name=" New name ", time_zone="America/New_York")

    # then
    organization.refresh_from_db()
    assert (organization.name, organization.slug, organization.time_zone) == ("New name", "old", "America/New_York")


def test_organization_update_rejects_an_unknown_time_zone_and_changes_nothing():
    # given
    organization = OrganizationFactory(name="Old name", time_zone="UTC")

    # when
    with pytest.raises(ValidationError) as excinfo:
        services.organization_update(organization=organization, name="New name", time_zone="Nowhere/City")

    # then
    assert excinfo.value.message_dict == {"time_zone": ["'Nowhere/City' is not a known time zone (e.g. Europe/Oslo)."]}
    stored = Organization.objects.get(pk=organization.pk)
    assert (stored.name, stored.time_zone) == ("Old name", "UTC")


def test_organization_update_rejects_a_blank_name():
    # given
    organization = OrganizationFactory(name="Old name")

    # when
    with pytest.raises(ValidationError) as excinfo:
        services.organization_update(organization=organization, name="   ", time_zone="UTC")

    # then
    assert excinfo.value.message_dict == {"name": ["This field cannot be blank."]}
    assert Organization.objects.get(pk=organization.pk).name == "Old name"


# --- membership_update ------------------------------------------------------------------------------
def test_membership_update_sets_role_title_and_supported_executives(organization, admin_member):
    # given
    member = MembershipFactory(organization=organization, role=Role.BOARD)
    first, second = MembershipFactory.create_batch(2, organization=organization, role=Role.EXECUTIVE)

    # when
    services.membership_update(
        membership=member,
        role=Role.CHIEF_OF_STAFF,
        title="Chief of staff to the CEO",
        is_active=True,
        supports=[first, second],
        acting=admin_member,
    )

    # then
    assert _membership_row(member) == (
        "chief_of_staff",
        "Chief of staff to the CEO",
        True,
        sorted([first.pk, second.pk]),
    )


@pytest.mark.parametrize("bad_role", [Role.CHIEF_OF_STAFF, Role.BOARD, Role.ADMIN])
def test_membership_update_supports_only_executives(organization, admin_member, bad_role):
    # given
    chief = MembershipFactory(organization=organization, role=Role.CHIEF_OF_STAFF, title="CoS")
    executive = MembershipFactory(organization=organization, role=Role.EXECUTIVE)
    chief.supports.add(executive)
    not_an_executive = MembershipFactory(organization=organization, role=bad_role)
    before = _membership_row(chief)

    # when
    with pytest.raises(ValidationError) as excinfo:
        services.membership_update(
            membership=chief,
            role=Role.CHIEF_OF_STAFF,
            title="Changed",
            supports=[executive, not_an_executive],
            acting=admin_member,
        )

    # then
    assert excinfo.value.message_dict == {"supports": ["Only executives of this organization can be supported."]}
    assert _membership_row(chief) == before


def test_membership_update_refuses_an_executive_of_another_organization(organization, admin_member):
    # given
    chief = MembershipFactory(organization=organization, role=Role.CHIEF_OF_STAFF)
    outsider = MembershipFactory(role=Role.EXECUTIVE)
    before = _membership_row(chief)

    # when
    with pytest.raises(ValidationError) as excinfo:
        services.membership_update(membership=chief, role=Role.CHIEF_OF_STAFF, supports=[outsider], acting=admin_member)

    # then
    assert excinfo.value.message_dict == {"supports": ["Only executives of this organization can be supported."]}
    assert _membership_row(chief) == before
    assert outsider.supported_by.count() == 0


@pytest.mark.parametrize("new_role", [Role.EXECUTIVE, Role.BOARD, Role.ADMIN])
def test_membership_update_clears_supports_when_the_role_is_not_chief_of_staff(
    organization, admin_member, executive, chief_of_staff, new_role
):
    # given: the chief of staff supports `executive` (conftest)
    assert list(chief_of_staff.supports.all()) == [executive]

    # when
    services.membership_update(membership=chief_of_staff, role=new_role, supports=[executive], acting=admin_member)

    # then
    assert _membership_row(chief_of_staff) == (new_role.value, "", True, [])


@pytest.mark.parametrize("new_role", [Role.CHIEF_OF_STAFF, Role.BOARD, Role.ADMIN])
def test_an_executive_who_changes_role_is_no_longer_supported(
    organization, admin_member, executive, chief_of_staff, new_role
):
    # when
    services.membership_update(membership=executive, role=new_role, acting=admin_member)

    # then
    assert list(chief_of_staff.supports.all()) == []
    assert selectors.leaders_for(membership=chief_of_staff).count() == 0


def test_an_executive_who_stays_executive_keeps_their_chief_of_staff(
    organization, admin_member, executive, chief_of_staff
):
    # when
    services.membership_update(membership=executive, role=Role.EXECUTIVE, title="CEO", acting=admin_member)

    # then
    assert list(chief_of_staff.supports.all()) == [executive]


@pytest.mark.parametrize(
    ("role", "is_active", "error_field"),
    [
        (Role.EXECUTIVE, True, "role"),
        (Role.CHIEF_OF_STAFF, True, "role"),
        (Role.BOARD, True, "role"),
        (Role.BOARD, False, "role"),
        (Role.ADMIN, False, "is_active"),
    ],
)
def test_the_last_active_admin_cannot_be_demoted_or_deactivated(organization, role, is_active, error_field):
    # given: one active admin, and an inactive one who does not count
    admin = MembershipFactory(organization=organization, role=Role.ADMIN, title="Ops")
    MembershipFactory(organization=organization, role=Role.ADMIN, is_active=False)
    MembershipFactory(role=Role.ADMIN)  # an admin of another organization does not count either
    before = _membership_row(admin)

    # when
    with pytest.raises(ValidationError) as excinfo:
        services.membership_update(membership=admin, role=role, title="Changed", is_active=is_active, acting=admin)

    # then
    assert excinfo.value.message_dict == {error_field: ["The organization needs at least one active admin."]}
    assert _membership_row(admin) == before


def test_the_last_admin_is_protected_even_when_a_model_form_already_changed_the_instance(organization):
    # given: a bound ModelForm copies the posted values onto the instance during is_valid()
    admin = MembershipFactory(organization=organization, role=Role.ADMIN)
    form = MembershipForm(
        {"role": Role.BOARD, "title": "Demoted", "is_active": "on"},
        instance=admin,
        executives=selectors.executives(organization=organization),
    )
    assert form.is_valid(), form.errors
    assert admin.role == Role.BOARD  # mutated in memory, not in the database

    # when
    with pytest.raises(ValidationError) as excinfo:
        services.membership_update(
            membership=admin,
            role=form.cleaned_data["role"],
            title=form.cleaned_data["title"],
            is_active=form.cleaned_data["is_active"],
            supports=form.cleaned_data["supports"],
            acting=admin,
        )

    # then
    assert excinfo.value.message_dict == {"role": ["The organization needs at least one active admin."]}
    assert _membership_row(admin) == ("admin", "", True, [])


def test_an_admin_can_be_demoted_when_another_active_admin_remains(organization):
    # given
    admin = MembershipFactory(organization=organization, role=Role.ADMIN)
    other_admin = MembershipFactory(organization=organization, role=Role.ADMIN)

    # when
    services.membership_update(membership=admin, role=Role.BOARD, is_active=False, acting=other_admin)

    # then
    assert _membership_row(admin) == ("board", "", False, [])
    assert _membership_row(other_admin) == ("admin", "", True, [])


@pytest.mark.parametrize("kind", ["executive", "chief_of_staff", "board", "inactive admin", "admin elsewhere"])
def test_only_an_active_admin_of_the_organization_updates_members(organization, executive, kind):
    # given
    acting = {
        "executive": lambda: MembershipFactory(organization=organization, role=Role.EXECUTIVE),
        "chief_of_staff": lambda: MembershipFactory(organization=organization, role=Role.CHIEF_OF_STAFF),
        "board": lambda: MembershipFactory(organization=organization, role=Role.BOARD),
        "inactive admin": lambda: MembershipFactory(organization=organization, role=Role.ADMIN, is_active=False),
        "admin elsewhere": lambda: MembershipFactory(role=Role.ADMIN),
    }[kind]()
    before = _membership_row(executive)

    # when
    with pytest.raises(PermissionDenied) as excinfo:
        services.membership_update(membership=executive, role=Role.ADMIN, title="Promoted", acting=acting)

    # then
    assert str(excinfo.value) == "Only an admin of this organization manages its members."
    assert _membership_row(executive) == before


def test_membership_update_rejects_an_unknown_role(organization, admin_member, executive):
    # given
    before = _membership_row(executive)

    # when
    with pytest.raises(ValidationError) as excinfo:
        services.membership_update(membership=executive, role="owner", acting=admin_member)

    # then
    assert excinfo.value.message_dict == {"role": ["Value 'owner' is not a valid choice."]}
    assert _membership_row(executive) == before


# --- region_create ----------------------------------------------------------------------------------
def test_region_create_saves_a_stripped_name(organization):
    # when
    region = services.region_create(organization=organization, name="  North  ")

    # then
    assert list(Region.objects.values_list("pk", "organization", "name")) == [(region.pk, organization.pk, "North")]


def test_region_create_refuses_a_duplicate_name_in_the_same_organization(organization):
    # given
    RegionFactory(organization=organization, name="North")

    # when
    with pytest.raises(ValidationError) as excinfo:
        services.region_create(organization=organization, name=" North ")

    # then
    assert excinfo.value.message_dict == {"name": ["A region with this name already exists."]}
    assert list(Region.objects.values_list("name", flat=True)) == ["North"]


def test_region_create_allows_the_same_name_in_another_organization(organization):
    # given
    RegionFactory(name="North")

    # when
    services.region_create(organization=organization, name="North")

    # then
    assert Region.objects.filter(name="North").count() == 2


def test_region_create_refuses_a_blank_name(organization):
    # when
    with pytest.raises(ValidationError) as excinfo:
        services.region_create(organization=organization, name="   ")

    # then
    assert excinfo.value.message_dict == {"name": ["This field cannot be blank."]}
    assert Region.objects.count() == 0


# --- location_save ----------------------------------------------------------------------------------
def test_location_save_creates_a_location(organization):
    # given
    region = RegionFactory(organization=organization, name="North")

    # when
    location = services.location_save(
        organization=organization,
        name="Oslo Central",
        code="OSL1",
        region=region,
        address="Karl Johans gate 1",
        latitude=Decimal("59.91273"),
        longitude=Decimal("10.74609"),
        is_active=True,
    )

    # then
    stored = Location.objects.get(pk=location.pk)
    assert (
        stored.organization,
        stored.name,
        stored.code,
        stored.region,
        stored.address,
        stored.latitude,
        stored.longitude,
        stored.is_active,
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


def test_location_save_updates_an_existing_location(organization):
    # given
    location = LocationFactory(organization=organization, name="Old", latitude=None, longitude=None)
    other_region = RegionFactory(organization=organization, name="South")

    # when
    services.location_save(
        organization=organization, location=location, name="New", region=other_region, is_active=False
    )

    # then
    stored = Location.objects.get(pk=location.pk)
    assert (stored.name, stored.region, stored.is_active) == ("New", other_region, False)
    assert Location.objects.count() == 1


def test_location_save_keeps_its_own_name_on_update(organization):
    # given
    location = LocationFactory(organization=organization, name="Same", code="A")

    # when
    services.location_save(organization=organization, location=location, name="Same", code="B")

    # then
    assert list(Location.objects.values_list("name", "code")) == [("Same", "B")]


def test_location_save_rejects_a_region_of_another_organization(organization):
    # given
    foreign_region = RegionFactory(name="Their region")

    # when
    with pytest.raises(ValidationError) as excinfo:
        services.location_save(organization=organization, name="Oslo", region=foreign_region)

    # then
    assert excinfo.value.message_dict == {"region": ["Choose a region of this organization."]}
    assert Location.objects.count() == 0


def test_location_save_rejects_a_region_of_another_organization_on_update(organization):
    # given
    location = LocationFactory(organization=organization, name="Oslo")
    own_region = location.region
    foreign_region = RegionFactory(name="Their region")

    # when
    with pytest.raises(ValidationError):
        services.location_save(organization=organization, location=location, name="Oslo", region=foreign_region)

    # then
    assert Location.objects.get(pk=location.pk).region == own_region


@pytest.mark.parametrize(
    ("latitude", "longitude", "error_field"),
    [(Decimal("59.9"), None, "longitude"), (None, Decimal("10.7"), "latitude")],
)
def test_location_save_needs_both_coordinates_or_neither(organization, latitude, longitude, error_field):
    # when
    with pytest.raises(ValidationError) as excinfo:
        services.location_save(organization=organization, name="Oslo", latitude=latitude, longitude=longitude)

    # then
    assert excinfo.value.message_dict == {error_field: ["Give both latitude and longitude, or neither."]}
    assert Location.objects.count() == 0


def test_location_save_refuses_to_drop_one_coordinate_of_an_existing_location(organization):
    # given
    location = LocationFactory(organization=organization, latitude=Decimal("1.5"), longitude=Decimal("2.5"))

    # when
    with pytest.raises(ValidationError) as excinfo:
        services.location_save(organization=organization, location=location, longitude=None)

    # then
    assert excinfo.value.message_dict == {"longitude": ["Give both latitude and longitude, or neither."]}
    stored = Location.objects.get(pk=location.pk)
    assert (stored.latitude, stored.longitude) == (Decimal("1.50000"), Decimal("2.50000"))


@pytest.mark.parametrize(
    ("latitude", "longitude", "message_dict"),
    [
        (Decimal("90.5"), Decimal("0"), {"latitude": ["Ensure this value is less than or equal to 90."]}),
        (Decimal("0"), Decimal("-180.5"), {"longitude": ["Ensure this value is greater than or equal to -180."]}),
    ],
)
def test_location_save_rejects_coordinates_out_of_range(organization, latitude, longitude, message_dict):
    # when
    with pytest.raises(ValidationError) as excinfo:
        services.location_save(organization=organization, name="Oslo", latitude=latitude, longitude=longitude)

    # then
    assert excinfo.value.message_dict == message_dict
    assert Location.objects.count() == 0


def test_location_save_refuses_a_duplicate_name_in_the_same_organization(organization):
    # given
    LocationFactory(organization=organization, name="Oslo")

    # when
    with pytest.raises(ValidationError) as excinfo:
        services.location_save(organization=organization, name="Oslo", code="X")

    # then
    assert excinfo.value.message_dict == {"name": ["A location with this name already exists."]}
    assert list(Location.objects.values_list("name", flat=True)) == ["Oslo"]


def test_location_save_refuses_a_code_another_location_has_whatever_its_case(organization):
    # given
    LocationFactory(organization=organization, name="Oslo", code="OSL1")

    # when
    with pytest.raises(ValidationError) as excinfo:
        services.location_save(organization=organization, name="Oslo Airport", code="osl1")

    # then
    assert excinfo.value.message_dict == {"code": ["Oslo already has this code; each location needs its own."]}
    assert list(Location.objects.values_list("name", "code")) == [("Oslo", "OSL1")]


def test_location_codes_may_repeat_when_blank_or_in_another_organization(organization):
    LocationFactory(organization=OrganizationFactory(), name="Elsewhere", code="OSL1")
    LocationFactory(organization=organization, name="Uncoded", code="")

    services.location_save(organization=organization, name="Oslo", code="OSL1")
    services.location_save(organization=organization, name="Bergen", code="")
    kept = services.location_save(
        organization=organization, location=Location.objects.get(name="Oslo"), name="Oslo", code="osl1"
    )

    assert kept.code == "osl1"
    assert Location.objects.filter(organization=organization, code="").count() == 2


def test_the_database_refuses_two_locations_with_one_code_in_an_organization(organization):
    LocationFactory(organization=organization, name="Oslo", code="OSL1")

    with pytest.raises(IntegrityError), transaction.atomic():
        Location.objects.create(organization=organization, name="Oslo Airport", code="Osl1")

    assert Location.objects.filter(organization=organization).count() == 1


def test_location_save_refuses_renaming_onto_another_location(organization):
    # given
    LocationFactory(organization=organization, name="Oslo")
    bergen = LocationFactory(organization=organization, name="Bergen")

    # when
    with pytest.raises(ValidationError) as excinfo:
        services.location_save(organization=organization, location=bergen, name="Oslo")

    # then
    assert excinfo.value.message_dict == {"name": ["A location with this name already exists."]}
    assert Location.objects.get(pk=bergen.pk).name == "Bergen"


def test_location_save_allows_the_same_name_in_another_organization(organization):
    # given
    LocationFactory(name="Oslo")

    # when
    services.location_save(organization=organization, name="Oslo", region=None)

    # then
    assert Location.objects.filter(name="Oslo").count() == 2


def test_location_save_refuses_a_location_of_another_organization(organization):
    # given
    foreign = LocationFactory(name="Theirs")

    # when
    with pytest.raises(ValidationError) as excinfo:
        services.location_save(organization=organization, location=foreign, name="Mine now", region=None)

    # then
    assert excinfo.value.messages == ["This location belongs to another organization."]
    stored = Location.objects.get(pk=foreign.pk)
    assert (stored.organization_id, stored.name) == (foreign.organization_id, "Theirs")


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="needs row locks across connections (PostgreSQL)",
)
@pytest.mark.django_db(transaction=True)
def test_two_admins_demoting_each_other_at_once_leave_one_admin():
    # given
    organization = OrganizationFactory()
    first, second = MembershipFactory.create_batch(2, organization=organization, role=Role.ADMIN)
    start = threading.Barrier(2)
    outcomes = []

    def demote(target_pk, acting_pk):
        try:
            target, acting = Membership.objects.get(pk=target_pk), Membership.objects.get(pk=acting_pk)
            start.wait(timeout=10)
            services.membership_update(membership=target, role=Role.BOARD, acting=acting)
            outcomes.append("demoted")
        except (ValidationError, PermissionDenied) as exc:
            outcomes.append(str(exc.messages[0] if isinstance(exc, ValidationError) else exc))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=demote, args=(first.pk, second.pk)),
        threading.Thread(target=demote, args=(second.pk, first.pk)),
    ]

    # when
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    # then: the second one waited for the first, and by then was no longer an admin
    assert sorted(outcomes) == ["Only an admin of this organization manages its members.", "demoted"]
    assert Membership.objects.filter(organization=organization, role=Role.ADMIN, is_active=True).count() == 1
