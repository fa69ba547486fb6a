"""Which language a request is in: the person's own, else their organization's; before login the switcher's
cookie, else the browser's Accept-Language (a browser set to "Norwegian" or Nynorsk gets Norsk bokmål)."""

import re

import pytest
from django.conf import settings
from django.test import Client

from tests.organizations.factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def _lang(response):
    return re.search(r'<html lang="([^"]*)"', response.content.decode()).group(1)


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("nb", "nb"),
        ("nb-NO,nb;q=0.9,en;q=0.5", "nb"),
        ("no", "nb"),
        ("no-NO", "nb"),
        ("nn-NO,nn;q=0.9", "nb"),
        ("en-GB,en;q=0.9", "en"),
        ("de-DE,de;q=0.9", "en"),
        ("", "en"),
    ],
)
def test_before_login_the_browser_s_language_decides(accept, expected):
    response = Client(headers={"accept-language": accept}).get("/accounts/login/")

    assert (response.status_code, _lang(response)) == (200, expected)
    assert response["Content-Language"] == expected


def test_the_switcher_s_choice_outlasts_the_browser_s_language():
    client = Client(headers={"accept-language": "en"})

    response = client.post("/i18n/setlang/", {"language": "nb", "next": "/accounts/login/"})

    assert (response.status_code, response["Location"]) == (302, "/accounts/login/")
    assert _lang(client.get("/accounts/login/")) == "nb"


@pytest.mark.parametrize(
    ("own", "organization", "expected"),
    [("nb", "en", "nb"), ("en", "nb", "en"), ("", "nb", "nb"), ("", "en", "en")],
)
def test_a_member_reads_their_own_language_else_their_organization_s(own, organization, expected):
    member = MembershipFactory(organization=OrganizationFactory(language=organization), user__language=own)
    other = "en" if expected == "nb" else "nb"
    client = Client(headers={"accept-language": other})
    client.force_login(member.user)

    response = client.get("/notifications/")

    assert (response.status_code, _lang(response), response["Content-Language"]) == (200, expected, expected)
    # Logged out later (or on another tab), the pages stay in the person's language.
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == expected


def test_the_cookie_is_set_only_when_it_differs():
    member = MembershipFactory(user__language="nb")
    client = Client()
    client.force_login(member.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nb"

    response = client.get("/notifications/")

    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
