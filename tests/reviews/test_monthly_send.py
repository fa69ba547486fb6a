"""The monthly review email's settings: an admin chooses the day and the recipients (by role or person); who
gets it; refusals for other roles, bad input and another organization's members."""

import re
from html import unescape

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from apps.notifications.models import NotificationPreference
from apps.organizations.models import Role
from apps.reviews import selectors, services
from apps.reviews.models import MonthlySend
from tests.organizations.factories import MembershipFactory, OrganizationFactory
from tests.organizations.helpers import field_errors, flash_messages

pytestmark = pytest.mark.django_db

URL = "/review/settings/"
DAY_MESSAGE = "Choose a day from 1 to 28, so that every month has it."
PEOPLE_MESSAGE = "Choose people who are active members of this organization."


@pytest.fixture
def org():
    organization = OrganizationFactory(name="Northwind Retail")

    def member(name, role, **kwargs):
        return MembershipFactory(organization=organization, role=role, user__full_name=name, **kwargs)

    people = {
        "admin": member("Ada Admin", Role.ADMIN),
        "exec": member("Eve Executive", Role.EXECUTIVE),
        "exec2": member("Ed Executive", Role.EXECUTIVE),
        "chief": member("Carl Chief", Role.CHIEF_OF_STAFF),
        "board": member("Bo Board", Role.BOARD),
        "board2": member("Bea Board", Role.BOARD),
        "left": member("Lena Left", Role.BOARD, is_active=False),
        "locked": member("Lars Locked", Role.BOARD, user__is_active=False),
    }
    other = OrganizationFactory(name="Alpha Holdings")
    people["alien"] = MembershipFactory(organization=other, role=Role.BOARD, user__full_name="Alice Alphason")
    people["alien_admin"] = MembershipFactory(organization=other, role=Role.ADMIN, user__full_name="Alan Alphadmin")
    people["organization"], people["other"] = organization, other
    return people


def stored(organization):
    send = MonthlySend.objects.filter(organization=organization).first()
    if send is None:
        return None
    return send.enabled, send.day, send.roles, sorted(send.people.values_list("pk", flat=True))


def recipient_names(response):
    block = re.search(r'<ul class="list-unstyled mb-0" id="recipients">(.*?)</ul>', response.content.decode(), re.S)
    if block is None:
        return []
    return [unescape(name).strip() for name in re.findall(r'<li class="py-1 border-bottom">([^<]*)<', block.group(1))]


def choice_labels(response, name):
    """The labels of the checkboxes of field `name`, in order."""
    page = response.content.decode()
    ids = re.findall(rf'<input type="checkbox"[^>]* name="{name}" [^>]*id="(id_{name}_\d+)"', page)
    return [unescape(re.search(rf'for="{i}"[^>]*>\s*(.*?)\s*</label>', page, re.S).group(1)) for i in ids]


# --- The page ------------------------------------------------------------------------------------
def test_admin_sees_the_form_defaults_and_nobody_yet(client_for, org):
    response = client_for(org["admin"]).get(URL)

    assert response.status_code == 200
    text = unescape(response.content.decode())
    assert "Send the monthly review by email" in text
    assert "On the 3rd of each month at 07:00 in each recipient's time zone, the review of the month before." in text
    assert "The email is switched off: nobody gets it until you switch it on above and save." in text
    assert "0 people:" in text
    assert recipient_names(response) == []
    assert choice_labels(response, "roles") == ["Executive", "Chief of staff", "Board member", "Admin"]
    # Active members only, by name; nobody of another organization, nobody who left or is locked out.
    assert choice_labels(response, "people") == [
        "Ada Admin (Admin)",
        "Bea Board (Board member)",
        "Bo Board (Board member)",
        "Carl Chief (Chief of staff)",
        "Ed Executive (Executive)",
        "Eve Executive (Executive)",
    ]
    assert MonthlySend.objects.count() == 0


def test_admin_saves_and_the_page_lists_who_gets_it(client_for, org):
    client = client_for(org["admin"])

    response = client.post(
        URL, {"enabled": "on", "day": "21", "roles": ["board", "admin"], "people": [org["exec"].pk, org["board"].pk]}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("reviews:settings")
    assert flash_messages(response) == ["Monthly review email settings saved."]
    assert stored(org["organization"]) == (True, 21, ["board", "admin"], sorted([org["exec"].pk, org["board"].pk]))
    page = client.get(URL)
    text = unescape(page.content.decode())
    assert "On the 21st of each month at 07:00 in each recipient's time zone, the review of the month before." in text
    assert "switched off: nobody gets it" not in text
    assert "4 people:" in text
    assert recipient_names(page) == ["Ada Admin", "Bea Board", "Bo Board", "Eve Executive"]
    # The form shows what was saved.
    assert re.search(r'name="day" value="21"', page.content.decode())
    assert re.search(rf'name="people" value="{org["exec"].pk}"[^>]*checked', page.content.decode())


def test_saving_again_replaces_the_roles_and_people(client_for, org):
    client = client_for(org["admin"])
    client.post(URL, {"enabled": "on", "day": "3", "roles": ["board"], "people": [org["exec"].pk]})

    response = client.post(URL, {"day": "28", "roles": ["executive"], "people": [org["chief"].pk]})

    assert response.status_code == 302
    assert stored(org["organization"]) == (False, 28, ["executive"], [org["chief"].pk])
    assert MonthlySend.objects.count() == 1


def test_a_person_who_switched_it_off_is_marked(client_for, org):
    client = client_for(org["admin"])
    client.post(URL, {"enabled": "on", "day": "3", "roles": ["board"]})
    NotificationPreference.objects.create(user=org["board"].user, disabled_kinds=["monthly_review"])

    response = client.get(URL)

    assert recipient_names(response) == ["Bea Board", "Bo Board"]
    assert response.content.decode().count("has switched this email off") == 1
    assert re.search(r"Bo Board <span[^>]*>\(Board member\)</span> <span[^>]*>has switched", response.content.decode())


@pytest.mark.parametrize("role", ["exec", "chief", "board"])
def test_other_roles_get_403_and_change_nothing(client_for, org, role):
    client = client_for(org[role])

    get = client.get(URL)
    post = client.post(URL, {"enabled": "on", "day": "5", "roles": ["board"]})

    assert (get.status_code, post.status_code) == (403, 403)
    assert stored(org["organization"]) is None


def test_another_organizations_admin_sees_only_their_own(client_for, org):
    services.monthly_send_update(
        organization=org["organization"], enabled=True, day=3, roles=["board"], people=[org["exec"]], by=org["admin"]
    )

    response = client_for(org["alien_admin"]).get(URL)

    assert response.status_code == 200
    text = response.content.decode()
    for name in ("Ada Admin", "Eve Executive", "Bo Board", "Bea Board", "Carl Chief", "Northwind Retail"):
        assert name not in text
    assert choice_labels(response, "people") == ["Alan Alphadmin (Admin)", "Alice Alphason (Board member)"]
    assert recipient_names(response) == []
    assert "switched off: nobody gets it" in text


# --- Bad input -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("day", "message"),
    [
        ("0", DAY_MESSAGE),
        ("29", DAY_MESSAGE),
        ("-3", DAY_MESSAGE),
        ("abc", "Enter the day as a number from 1 to 28."),
        ("2.5", "Enter the day as a number from 1 to 28."),
        ("", DAY_MESSAGE),
    ],
)
def test_a_bad_day_is_refused_next_to_the_field(client_for, org, day, message):
    response = client_for(org["admin"]).post(URL, {"enabled": "on", "day": day, "roles": ["board"]})

    assert response.status_code == 200
    assert field_errors(response, "day") == [message]
    assert stored(org["organization"]) is None


def test_an_unknown_role_is_refused_next_to_the_field(client_for, org):
    response = client_for(org["admin"]).post(URL, {"enabled": "on", "day": "3", "roles": ["board", "owner"]})

    assert response.status_code == 200
    assert field_errors(response, "roles") == ["Choose roles from the list."]
    assert stored(org["organization"]) is None


@pytest.mark.parametrize("who", ["alien", "left", "locked", "missing", "text"])
def test_a_person_who_is_not_an_active_member_is_refused(client_for, org, who):
    client = client_for(org["admin"])
    client.post(URL, {"enabled": "on", "day": "3", "roles": ["board"]})
    before = stored(org["organization"])
    value = {"missing": 999999, "text": "abc"}.get(who) or org[who].pk

    response = client.post(URL, {"enabled": "on", "day": "9", "roles": ["admin"], "people": [org["exec"].pk, value]})

    assert response.status_code == 200
    assert field_errors(response, "people") == [PEOPLE_MESSAGE]
    assert stored(org["organization"]) == before
    assert "Alice Alphason" not in response.content.decode()


def test_switching_it_on_for_nobody_is_refused(client_for, org):
    response = client_for(org["admin"]).post(URL, {"enabled": "on", "day": "3"})

    assert response.status_code == 200
    assert field_errors(response, "roles") == [
        "Choose at least one role or person to send it to, or switch the email off."
    ]
    assert stored(org["organization"]) is None


def test_switched_off_it_may_name_nobody(client_for, org):
    response = client_for(org["admin"]).post(URL, {"day": "3"})

    assert response.status_code == 302
    assert stored(org["organization"]) == (False, 3, [], [])


# --- The service ---------------------------------------------------------------------------------
@pytest.mark.parametrize("by", ["exec", "chief", "board", "alien_admin"])
def test_service_refuses_anyone_but_an_admin_of_the_organization(org, by):
    with pytest.raises(PermissionDenied):
        services.monthly_send_update(
            organization=org["organization"], enabled=True, day=3, roles=["board"], people=[], by=org[by]
        )

    assert stored(org["organization"]) is None


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"day": 0}, "day"),
        ({"day": 29}, "day"),
        ({"roles": ["board", "owner"]}, "roles"),
        ({"people": ["alien"]}, "people"),
        ({"people": ["left"]}, "people"),
        ({"people": ["locked"]}, "people"),
        ({"roles": [], "people": []}, "roles"),
    ],
)
def test_service_refuses_bad_fields_and_saves_nothing(org, fields, field):
    values = {"enabled": True, "day": 3, "roles": ["board"], "people": [org["exec"]], **fields}
    values["people"] = [org[p] if isinstance(p, str) else p for p in values["people"]]

    with pytest.raises(ValidationError) as refused:
        services.monthly_send_update(organization=org["organization"], by=org["admin"], **values)

    assert set(refused.value.message_dict) == {field}
    assert stored(org["organization"]) is None


def test_service_saves_roles_once_in_the_roles_order(org):
    send = services.monthly_send_update(
        organization=org["organization"],
        enabled=True,
        day=28,
        roles=["admin", "executive", "admin"],
        people=[org["board"], org["board"].pk],
        by=org["admin"],
    )

    assert send.organization_id == org["organization"].pk
    assert stored(org["organization"]) == (True, 28, ["executive", "admin"], [org["board"].pk])


# --- The selectors -------------------------------------------------------------------------------
def test_monthly_send_for_is_an_unsaved_default_until_saved(org):
    send = selectors.monthly_send_for(org["organization"])

    assert (send.pk, send.enabled, send.day, send.roles) == (None, False, 3, [])
    assert send.organization_id == org["organization"].pk
    assert list(selectors.monthly_send_people(send=send)) == []
    assert list(selectors.monthly_recipients(organization=org["organization"])) == []


def test_recipients_are_the_roles_and_the_named_people_each_once_by_name(org):
    no_email = MembershipFactory(
        organization=org["organization"], role=Role.BOARD, user__full_name="Nils Nomail", user__email=""
    )
    services.monthly_send_update(
        organization=org["organization"],
        enabled=True,
        day=3,
        roles=["board"],
        # Bo Board is both of the role and named: listed once.
        people=[org["board"], org["exec"]],
        by=org["admin"],
    )

    recipients = list(selectors.monthly_recipients(organization=org["organization"]))

    # Not Lena Left (inactive membership), Lars Locked (inactive user), Nils Nomail (no email), Alice Alphason.
    assert recipients == [org["board2"], org["board"], org["exec"]]
    assert no_email not in recipients
    assert list(selectors.monthly_recipients(organization=org["organization"].pk)) == recipients


def test_a_named_person_who_leaves_no_longer_gets_it(org):
    services.monthly_send_update(
        organization=org["organization"], enabled=True, day=3, roles=[], people=[org["exec"]], by=org["admin"]
    )
    org["exec"].is_active = False
    org["exec"].save(update_fields=["is_active"])

    assert list(selectors.monthly_recipients(organization=org["organization"])) == []


def test_recipients_of_another_organization_are_its_own(org):
    services.monthly_send_update(
        organization=org["organization"], enabled=True, day=3, roles=["board", "admin"], people=[], by=org["admin"]
    )
    services.monthly_send_update(
        organization=org["other"], enabled=True, day=3, roles=["board"], people=[], by=org["alien_admin"]
    )

    assert list(selectors.monthly_recipients(organization=org["other"])) == [org["alien"]]
    assert org["alien"] not in selectors.monthly_recipients(organization=org["organization"])


# --- Links to it ---------------------------------------------------------------------------------
def test_organization_settings_link_to_it(client_for, org):
    response = client_for(org["admin"]).get(reverse("organizations:settings"))

    assert f'href="{URL}"' in response.content.decode()


@pytest.mark.parametrize(("role", "linked"), [("admin", True), ("board", False), ("exec", False)])
def test_the_review_toolbar_links_to_it_for_admins_only(client_for, org, role, linked):
    response = client_for(org[role]).get(reverse("reviews:review"), follow=True)

    assert response.status_code == 200
    assert (f'href="{URL}"' in response.content.decode()) is linked
    assert ("Email settings" in response.content.decode()) is linked


def test_the_page_in_norwegian(client_for, org):
    org["admin"].user.language = "nb"
    org["admin"].user.save(update_fields=["language"])
    client = client_for(org["admin"])
    client.post(URL, {"enabled": "on", "day": "21", "roles": ["board"]})

    response = client.get(URL)

    text = unescape(response.content.decode())
    assert "Den 21. hver måned kl. 07:00 i hver mottakers tidssone: gjennomgangen av måneden før." in text
    assert "2 personer:" in text
