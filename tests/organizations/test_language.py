"""The organization's default language, the invitation's language, and what a newcomer gets from them."""

from datetime import UTC, datetime

import pytest

from apps.organizations import services
from apps.organizations.models import Invitation, Organization, Role
from tests.accounts.factories import UserFactory
from tests.organizations.factories import InvitationFactory, MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

FAR_FUTURE = datetime(2099, 3, 4, 15, 30, tzinfo=UTC)


@pytest.fixture
def admin(client):
    membership = MembershipFactory(organization=OrganizationFactory(name="Nordvik", language="en"), role=Role.ADMIN)
    client.force_login(membership.user)
    return membership


def test_an_admin_sets_the_organization_s_default_language(client, admin):
    # when
    response = client.post("/org/settings/", {"name": "Nordvik", "time_zone": "Europe/Oslo", "language": "nb"})

    # then: saved; the admin follows the organization, so the next page is Norwegian
    assert response.status_code == 302
    assert Organization.objects.values_list("language", flat=True).get(pk=admin.organization_id) == "nb"
    content = client.get("/org/settings/").content.decode()
    assert "Organisasjonsinnstillingene er lagret." in content
    assert '<option value="nb" selected lang="nb">Norsk bokmål</option>' in content


def test_the_settings_form_posted_without_a_language_keeps_it(client, admin):
    Organization.objects.filter(pk=admin.organization_id).update(language="nb")

    client.post("/org/settings/", {"name": "Nordvik", "time_zone": "Europe/Oslo"})

    assert Organization.objects.values_list("language", flat=True).get(pk=admin.organization_id) == "nb"


def test_the_invite_form_offers_the_organization_s_language_first(client, admin):
    Organization.objects.filter(pk=admin.organization_id).update(language="nb")
    admin.user.language = "en"
    admin.user.save(update_fields=["language"])

    content = client.get("/org/members/").content.decode()

    assert '<option value="nb" selected lang="nb">Norsk bokmål</option>' in content
    assert '<option value="en" lang="en">English</option>' in content


def test_an_invitation_is_stored_in_the_language_picked(client, admin, mailoutbox):
    client.post("/org/members/", {"email": "kari@nordvik.example", "role": Role.EXECUTIVE, "language": "nb"})

    assert Invitation.objects.values_list("email", "language").get() == ("kari@nordvik.example", "nb")


def test_an_invitation_without_a_language_takes_the_organization_s():
    organization = OrganizationFactory(language="nb")

    invitation = services.invitation_create(
        organization=organization, email="kari@nordvik.example", role=Role.BOARD, invited_by=None
    )

    assert invitation.language == "nb"


def test_a_norwegian_invitation_email_is_in_norwegian(settings, mailoutbox):
    # given
    settings.SITE_URL = "https://gemba.example"
    organization = OrganizationFactory(name="Nordvik", language="en", time_zone="Europe/Oslo")
    inviter = MembershipFactory(organization=organization, role=Role.ADMIN, user__full_name="Ada Admin")
    invitation = InvitationFactory(
        organization=organization, role=Role.BOARD, language="nb", invited_by=inviter, expires_at=FAR_FUTURE
    )

    # when
    services.invitation_send(invitation_id=invitation.pk)

    # then
    (message,) = mailoutbox
    assert message.subject == "[Gemba] Du er invitert til Nordvik"
    accept_url = f"https://gemba.example/org/invitations/accept/{invitation.token}/"
    assert message.body == (
        "Hei,\n\n"
        "Ada Admin inviterer deg til å bli med i Nordvik på Gemba som styremedlem.\n\n"
        "Gemba gjør tiden ledere bruker med kunder synlig, planlagt og nyttig.\n\n"
        f"Godta invitasjonen: {accept_url}\n\n"
        "Lenken virker til 4. mars 2099 kl. 16:30 CET. Hvis du ikke ventet den, kan du se bort fra denne e-posten.\n\n"
    )
    assert '<html lang="nb">' in message.alternatives[0][0]


def test_a_newcomer_without_a_language_gets_the_invitation_s(client):
    # given
    invitation = InvitationFactory(organization=OrganizationFactory(language="en"), language="nb")
    user = UserFactory(email=invitation.email, language="")
    client.force_login(user)

    # when
    response = client.post(f"/org/invitations/accept/{invitation.token}/")

    # then: their own language now, and the welcome on the next page is in it
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.language == "nb"
    assert f"Velkommen til {invitation.organization.name}." in client.get("/org/locations/").content.decode()


def test_a_newcomer_who_chose_a_language_keeps_it():
    invitation = InvitationFactory(language="nb")
    user = UserFactory(email=invitation.email, language="en")

    services.invitation_accept(invitation=invitation, user=user)

    user.refresh_from_db()
    assert user.language == "en"


def test_the_invitation_page_before_login_follows_the_browser_and_offers_the_switcher(client):
    invitation = InvitationFactory(organization=OrganizationFactory(name="Nordvik"), role=Role.EXECUTIVE)

    content = client.get(
        f"/org/invitations/accept/{invitation.token}/", headers={"accept-language": "nb"}
    ).content.decode()

    assert "Bli med i Nordvik" in content
    assert "Du er invitert som leder." in content
    assert '<option lang="en" value="en">English</option>' in content
