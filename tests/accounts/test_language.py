"""A person's language: chosen on the profile, switched before login, and the language allauth writes to them in."""

import pytest
from django.conf import settings

from apps.accounts.models import User
from tests.accounts.factories import PASSWORD, UserFactory
from tests.organizations.factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def test_a_member_chooses_norwegian_on_the_profile_and_the_next_page_is_norwegian(client):
    # given: an English organization
    member = MembershipFactory(organization=OrganizationFactory(language="en"), user__full_name="Kari Nordmann")
    client.force_login(member.user)

    # when
    response = client.post("/accounts/profile/", {"full_name": "Kari Nordmann", "time_zone": "", "language": "nb"})

    # then
    assert response.status_code == 302
    assert User.objects.values_list("language", flat=True).get(pk=member.user.pk) == "nb"
    content = client.get(response["Location"]).content.decode()
    assert '<html lang="nb"' in content
    assert "Profilen er lagret." in content
    assert '<h1 class="h4">Profilen din</h1>' in content
    assert '<option value="nb" selected lang="nb">Norsk bokmål</option>' in content


def test_choosing_the_organization_default_follows_the_organization_again(client):
    member = MembershipFactory(organization=OrganizationFactory(language="nb"), user__language="en")
    client.force_login(member.user)

    client.post("/accounts/profile/", {"full_name": "Kari", "time_zone": "", "language": ""})

    member.user.refresh_from_db()
    assert member.user.language == ""
    content = client.get("/accounts/profile/").content.decode()
    assert '<html lang="nb"' in content
    assert '<option value="" selected>Organisasjonens standard</option>' in content


def test_an_unknown_language_is_refused(client):
    user = UserFactory(language="en")
    client.force_login(user)

    response = client.post("/accounts/profile/", {"full_name": "Kari", "time_zone": "", "language": "xx"})

    assert response.status_code == 200
    user.refresh_from_db()
    assert user.language == "en"


def test_the_login_page_follows_the_browser_and_the_switcher_switches_it(client):
    # when: a Norwegian browser
    content = client.get("/accounts/login/", headers={"accept-language": "nb"}).content.decode()

    # then: Norwegian, with a switcher naming each language in itself
    assert '<html lang="nb"' in content
    assert "Logg inn" in content
    assert '<form method="post" action="/i18n/setlang/"' in content
    assert '<input type="hidden" name="next" value="/accounts/login/">' in content
    assert '<option lang="nb" value="nb" selected>Norsk bokmål</option>' in content
    assert '<option lang="en" value="en">English</option>' in content

    # when: they switch to English
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})

    # then: back to the login page, in English from now on
    assert (response.status_code, response["Location"]) == (302, "/accounts/login/")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    content = client.get("/accounts/login/", headers={"accept-language": "nb"}).content.decode()
    assert '<html lang="en"' in content
    assert "Sign In" in content
    assert '<option lang="en" value="en" selected>English</option>' in content


def test_the_signup_page_is_norwegian_for_a_norwegian_browser(client):
    content = client.get("/accounts/signup/", headers={"accept-language": "nb"}).content.decode()

    assert "Registrer deg" in content
    assert "Navnet ditt" in content
    assert '<option lang="en" value="en">English</option>' in content


def test_a_password_reset_reaches_a_norwegian_user_in_norwegian_from_an_english_browser(client, mailoutbox):
    # given
    UserFactory(email="kari@nordvik.example", language="nb")

    # when
    client.post("/accounts/password/reset/", {"email": "kari@nordvik.example"}, headers={"accept-language": "en"})

    # then
    (message,) = mailoutbox
    assert message.subject == "[Gemba] E-post for gjenopprettelse av passord"


def test_a_password_reset_follows_the_organization_when_the_user_has_no_language(client, mailoutbox):
    member = MembershipFactory(organization=OrganizationFactory(language="nb"), user__language="")

    client.post("/accounts/password/reset/", {"email": member.user.email}, headers={"accept-language": "en"})

    assert [m.subject for m in mailoutbox] == ["[Gemba] E-post for gjenopprettelse av passord"]


def test_a_password_reset_for_an_english_user_stays_english_from_a_norwegian_browser(client, mailoutbox):
    UserFactory(email="emma@northwind.example", language="en")

    client.post("/accounts/password/reset/", {"email": "emma@northwind.example"}, headers={"accept-language": "nb"})

    assert [m.subject for m in mailoutbox] == ["[Gemba] Password Reset Email"]


def test_logging_in_uses_the_person_s_language_not_the_browser_s(client):
    UserFactory(email="kari@nordvik.example", language="nb")

    response = client.post(
        "/accounts/login/",
        {"login": "kari@nordvik.example", "password": PASSWORD},
        follow=True,
        headers={"accept-language": "en"},
    )

    assert '<html lang="nb"' in response.content.decode()
