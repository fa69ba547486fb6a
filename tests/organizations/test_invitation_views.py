"""The invitation link: anonymous visit, log in or sign up, come back, accept and join."""

import re
from datetime import UTC, datetime

import pytest

from apps.organizations.middleware import SESSION_KEY
from apps.organizations.models import Invitation, Membership, Role
from tests.accounts.factories import PASSWORD, UserFactory
from tests.organizations.factories import InvitationFactory, MembershipFactory, OrganizationFactory
from tests.organizations.helpers import flash_messages

pytestmark = pytest.mark.django_db


@pytest.fixture
def invitation():
    return InvitationFactory(
        organization=OrganizationFactory(name="Northwind"), email="kim@example.com", role=Role.CHIEF_OF_STAFF
    )


@pytest.fixture
def kim():
    return UserFactory(email="kim@example.com")


def _url(invitation):
    return f"/org/invitations/accept/{invitation.token}/"


def _invitation_row(invitation):
    stored = Invitation.objects.get(pk=invitation.pk)
    return (stored.accepted_at, stored.accepted_by_id, stored.revoked_at)


# --- anonymous ---------------------------------------------------------------------------------------
def test_an_anonymous_visitor_sees_the_invitation_and_the_token_is_remembered(client, invitation):
    # when
    response = client.get(_url(invitation))

    # then
    assert response.status_code == 200
    content = response.content.decode()
    assert '<h1 class="h4">Join Northwind</h1>' in content
    assert (
        "You are invited as chief of staff. "
        "Log in or create an account with <strong>kim@example.com</strong> to accept." in content
    )
    assert client.session["invitation_token"] == invitation.token


def test_an_anonymous_post_accepts_nothing(client, invitation):
    # when
    response = client.post(_url(invitation))

    # then
    assert response.status_code == 200
    assert _invitation_row(invitation) == (None, None, None)
    assert Membership.objects.filter(organization=invitation.organization, user__email="kim@example.com").count() == 0


def test_an_unknown_token_is_not_found(client):
    # when
    response = client.get("/org/invitations/accept/not-a-token/")

    # then
    assert response.status_code == 404
    assert "invitation_token" not in client.session


def test_logging_in_after_following_the_link_comes_back_to_the_invitation(client, invitation, kim):
    # given
    client.get(_url(invitation))

    # when
    response = client.post("/accounts/login/", {"login": "kim@example.com", "password": PASSWORD})

    # then
    assert response.status_code == 302
    assert response["Location"] == _url(invitation)
    assert "invitation_token" not in client.session  # used once


def test_signing_up_from_the_link_verifies_the_email_then_comes_back_to_the_invitation(client, invitation, mailoutbox):
    # given: the invitee has no account yet
    client.get(_url(invitation))

    # when: sign up, confirm the address from the email, log in
    signup = client.post(
        "/accounts/signup/",
        {
            "full_name": "Kim Lee",
            "email": "Kim@Example.com",
            "password1": "Sturdy-pass-4821",
            "password2": "Sturdy-pass-4821",
        },
    )
    confirm_path = re.search(r"http://testserver(/accounts/confirm-email/\S+/)", mailoutbox[0].body).group(1)
    confirm = client.post(confirm_path)
    login = client.post("/accounts/login/", {"login": "kim@example.com", "password": "Sturdy-pass-4821"})
    accept = client.post(_url(invitation))

    # then
    assert (signup.status_code, signup["Location"]) == (302, "/accounts/confirm-email/")
    assert mailoutbox[0].to == ["kim@example.com"]
    assert (confirm.status_code, confirm["Location"]) == (302, "/accounts/login/")
    assert (login.status_code, login["Location"]) == (302, _url(invitation))
    assert (accept.status_code, accept["Location"]) == (302, "/")
    assert list(Membership.objects.filter(user__email="kim@example.com").values_list("organization", "role")) == [
        (invitation.organization_id, "chief_of_staff")
    ]


# --- logged in --------------------------------------------------------------------------------------
def test_the_invitee_sees_an_accept_button(client, invitation, kim):
    # given
    client.force_login(kim)

    # when
    response = client.get(_url(invitation))

    # then
    assert response.status_code == 200
    content = response.content.decode()
    assert "You are invited as chief of staff." in content
    assert "Accept and join</button>" in content
    assert _invitation_row(invitation) == (None, None, None)


def test_accepting_joins_the_organization_and_makes_it_current(client, invitation, kim):
    # given: kim already belongs to another organization, which is current
    elsewhere = MembershipFactory(user=kim, organization=OrganizationFactory(name="Aardvark"), role=Role.EXECUTIVE)
    client.force_login(kim)
    assert client.get("/org/locations/").context["membership"] == elsewhere

    # when
    response = client.post(_url(invitation))

    # then
    assert response.status_code == 302
    assert response["Location"] == "/"
    joined = Membership.objects.get(user=kim, organization=invitation.organization)
    assert (joined.role, joined.is_active) == ("chief_of_staff", True)
    stored = Invitation.objects.get(pk=invitation.pk)
    assert stored.accepted_by == kim
    assert client.session[SESSION_KEY] == invitation.organization_id
    assert flash_messages(response) == ["Welcome to Northwind."]
    assert client.get("/org/locations/").context["membership"] == joined


def test_the_wrong_account_is_told_and_nothing_changes(client, invitation):
    # given
    other = UserFactory(email="other@example.com")
    client.force_login(other)

    # when
    shown = client.get(_url(invitation))
    posted = client.post(_url(invitation))

    # then
    assert shown.status_code == 200
    assert (
        "This invitation was sent to kim@example.com, but you are logged in as other@example.com."
        in shown.content.decode()
    )
    assert posted.status_code == 200
    assert '<div class="alert alert-danger">This invitation was sent to another email address.</div>' in (
        posted.content.decode()
    )
    assert Membership.objects.filter(user=other).count() == 0
    assert _invitation_row(invitation) == (None, None, None)


@pytest.mark.parametrize(
    ("state", "status"),
    [
        ({"expires_at": datetime(2020, 1, 1, tzinfo=UTC)}, "expired"),
        ({"revoked_at": datetime(2026, 1, 1, tzinfo=UTC)}, "revoked"),
    ],
)
def test_an_invitation_that_is_not_pending_cannot_be_accepted(client, kim, state, status):
    # given
    invitation = InvitationFactory(organization=OrganizationFactory(name="Northwind"), email="kim@example.com", **state)
    before = _invitation_row(invitation)
    client.force_login(kim)

    # when
    shown = client.get(_url(invitation))
    posted = client.post(_url(invitation))

    # then
    message = f"This invitation is {status}. Ask an admin of Northwind for a new one."
    assert (shown.status_code, posted.status_code) == (200, 200)
    assert message in shown.content.decode()
    assert message in posted.content.decode()
    assert "Accept and join" not in posted.content.decode()
    assert Membership.objects.filter(user=kim).count() == 0
    assert _invitation_row(invitation) == before


def test_an_accepted_invitation_cannot_be_used_by_someone_else(client, invitation, kim):
    # given
    client.force_login(kim)
    client.post(_url(invitation))
    client.logout()
    other = UserFactory(email="other@example.com")
    client.force_login(other)

    # when
    response = client.post(_url(invitation))

    # then
    assert response.status_code == 200
    assert "This invitation is accepted." in response.content.decode()
    assert Membership.objects.filter(user=other).count() == 0
    assert Invitation.objects.get(pk=invitation.pk).accepted_by == kim
