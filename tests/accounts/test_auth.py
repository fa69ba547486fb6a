"""allauth wiring: email login, mandatory verification, signup, password reset, MFA, admin login, cache."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import SESSION_KEY as AUTH_SESSION_KEY
from django.core.cache import cache

from apps.accounts.models import User
from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Sturdy-pass-4821"


def _logged_in_user_id(client):
    return client.session.get(AUTH_SESSION_KEY)


def _redirect_target(response):
    """(path, next) of a redirect, whichever way `next` was quoted."""
    parts = urlsplit(response["Location"])
    return parts.path, parse_qs(parts.query).get("next")


# --- login ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("typed", ["kim@example.com", "KIM@Example.com"])
def test_a_verified_user_logs_in_by_email(client, typed):
    # given
    user = UserFactory(email="kim@example.com")

    # when
    response = client.post("/accounts/login/", {"login": typed, "password": PASSWORD})

    # then
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert _logged_in_user_id(client) == str(user.pk)


def test_login_honours_a_safe_next_url(client):
    # given
    UserFactory(email="kim@example.com")

    # when
    response = client.post("/accounts/login/?next=/org/locations/", {"login": "kim@example.com", "password": PASSWORD})

    # then
    assert response.status_code == 302
    assert response["Location"] == "/org/locations/"


def test_a_wrong_password_is_refused(client):
    # given
    UserFactory(email="kim@example.com")

    # when
    response = client.post("/accounts/login/", {"login": "kim@example.com", "password": "not-it"})

    # then
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "The email address and/or password you specified are not correct."
    ]
    assert _logged_in_user_id(client) is None


def test_an_unverified_email_is_sent_to_verification_instead_of_logging_in(client, mailoutbox):
    # given
    UserFactory(email="kim@example.com", verified=False)
    EmailAddress.objects.create(user=User.objects.get(), email="kim@example.com", verified=False, primary=True)

    # when
    response = client.post("/accounts/login/", {"login": "kim@example.com", "password": PASSWORD})

    # then
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert _logged_in_user_id(client) is None
    assert [(m.subject, m.to) for m in mailoutbox] == [
        ("[Gemba] Please Confirm Your Email Address", ["kim@example.com"])
    ]


def test_an_inactive_user_cannot_log_in(client):
    # given
    UserFactory(email="kim@example.com", is_active=False)

    # when
    response = client.post("/accounts/login/", {"login": "kim@example.com", "password": PASSWORD})

    # then
    assert response.status_code == 302
    assert response["Location"] == "/accounts/inactive/"
    assert _logged_in_user_id(client) is None


def test_logging_in_without_an_invitation_goes_home(client):
    # given: the adapter only redirects when an invitation link was followed first
    UserFactory(email="kim@example.com")

    # when
    response = client.post("/accounts/login/", {"login": "kim@example.com", "password": PASSWORD})

    # then
    assert response["Location"] == "/"


def test_logout_needs_a_post_and_ends_the_session(client):
    # given
    client.force_login(UserFactory())

    # when
    response = client.post("/accounts/logout/")

    # then
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert _logged_in_user_id(client) is None


# --- signup -----------------------------------------------------------------------------------------
def test_signup_creates_an_unverified_user_and_sends_a_verification_email(client, mailoutbox):
    # when
    response = client.post(
        "/accounts/signup/",
        {
            "full_name": "New Person",
            "email": "New.Person@Example.com",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )

    # then
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    user = User.objects.get()
    assert user.email == "new.person@example.com"
    assert user.check_password(NEW_PASSWORD) is True
    assert list(EmailAddress.objects.values_list("email", "verified", "primary")) == [
        ("new.person@example.com", False, True)
    ]
    assert _logged_in_user_id(client) is None
    assert len(mailoutbox) == 1
    assert (mailoutbox[0].subject, mailoutbox[0].to) == (
        "[Gemba] Please Confirm Your Email Address",
        ["new.person@example.com"],
    )
    assert re.search(r"http://testserver/accounts/confirm-email/\S+/", mailoutbox[0].body) is not None


def test_confirming_the_email_lets_the_user_log_in(client, mailoutbox):
    # given
    client.post(
        "/accounts/signup/",
        {"full_name": "New Person", "email": "new@example.com", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    confirm_path = re.search(r"http://testserver(/accounts/confirm-email/\S+/)", mailoutbox[0].body).group(1)

    # when
    confirmed = client.post(confirm_path)
    login = client.post("/accounts/login/", {"login": "new@example.com", "password": NEW_PASSWORD})

    # then
    assert (confirmed.status_code, confirmed["Location"]) == (302, "/accounts/login/")
    assert EmailAddress.objects.get().verified is True
    assert (login.status_code, login["Location"]) == (302, "/")
    assert _logged_in_user_id(client) == str(User.objects.get().pk)


def test_signing_up_with_a_taken_email_creates_nothing_and_tells_the_owner(client, mailoutbox):
    # given
    UserFactory(email="kim@example.com")

    # when: the response looks like a success (no account enumeration)
    response = client.post(
        "/accounts/signup/",
        {"full_name": "New Person", "email": "KIM@example.com", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    # then
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert User.objects.count() == 1
    assert [(m.subject, m.to) for m in mailoutbox] == [("[Gemba] Account Already Exists", ["kim@example.com"])]


def test_signup_refuses_a_weak_password(client, mailoutbox):
    # when
    response = client.post(
        "/accounts/signup/",
        {"full_name": "New Person", "email": "new@example.com", "password1": "password", "password2": "password"},
    )

    # then
    assert response.status_code == 200
    assert response.context["form"].errors == {"password1": ["This password is too common."]}
    assert User.objects.count() == 0
    assert mailoutbox == []


# --- password reset ---------------------------------------------------------------------------------
def test_password_reset_sends_a_link_that_sets_a_new_password(client, mailoutbox):
    # given
    user = UserFactory(email="kim@example.com")

    # when
    requested = client.post("/accounts/password/reset/", {"email": "Kim@Example.com"})
    key_path = re.search(r"http://testserver(/accounts/password/reset/key/\S+/)", mailoutbox[0].body).group(1)
    form_page = client.get(key_path)  # allauth moves the key into the session and redirects
    changed = client.post(form_page["Location"], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    # then
    assert (requested.status_code, requested["Location"]) == (302, "/accounts/password/reset/done/")
    assert [(m.subject, m.to) for m in mailoutbox] == [("[Gemba] Password Reset Email", ["kim@example.com"])]
    assert (changed.status_code, changed["Location"]) == (302, "/accounts/password/reset/key/done/")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD) is True


def test_password_reset_for_an_unknown_address_reveals_nothing_and_changes_nothing(client, mailoutbox):
    # given
    user = UserFactory(email="kim@example.com")

    # when
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.com"})

    # then
    assert (response.status_code, response["Location"]) == (302, "/accounts/password/reset/done/")
    assert [(m.subject, m.to) for m in mailoutbox] == [("[Gemba] Unknown Account", ["nobody@example.com"])]
    user.refresh_from_db()
    assert user.check_password(PASSWORD) is True


# --- MFA --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("url", ["/accounts/2fa/", "/accounts/2fa/totp/activate/", "/accounts/2fa/recovery-codes/"])
def test_mfa_pages_require_login(client, url):
    # when
    response = client.get(url)

    # then
    assert response.status_code == 302
    assert _redirect_target(response) == ("/accounts/login/", [url])


def test_the_mfa_page_opens_for_a_logged_in_user(client):
    # given
    client.force_login(UserFactory())

    # when
    response = client.get("/accounts/2fa/")

    # then
    assert response.status_code == 200


# --- Django admin behind allauth --------------------------------------------------------------------
def test_the_admin_login_page_redirects_anonymous_visitors_to_the_allauth_login(client):
    # when
    response = client.get("/admin/login/")

    # then
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2Flogin%2F"


def test_the_admin_login_form_does_not_log_anyone_in(client):
    # given
    UserFactory(email="boss@example.com", is_staff=True, is_superuser=True)

    # when: not even a correct password posted to the admin's own form
    response = client.post("/admin/login/", {"username": "boss@example.com", "password": PASSWORD})

    # then
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2Flogin%2F"
    assert _logged_in_user_id(client) is None


def test_the_admin_login_page_is_forbidden_to_a_logged_in_non_staff_user(client):
    # given
    client.force_login(UserFactory())

    # when
    response = client.get("/admin/login/")

    # then
    assert response.status_code == 403


def test_staff_logged_in_through_allauth_reach_the_admin(client):
    # given
    UserFactory(email="boss@example.com", is_staff=True, is_superuser=True)
    client.post("/accounts/login/", {"login": "boss@example.com", "password": PASSWORD})

    # when
    login_page = client.get("/admin/login/")
    users_page = client.get("/admin/accounts/user/")

    # then
    assert (login_page.status_code, login_page["Location"]) == (302, "/admin/")
    assert users_page.status_code == 200


# --- settings that allauth relies on ----------------------------------------------------------------
def test_the_default_cache_is_shared_across_processes():
    # then: rate limits kept in a per-process LocMemCache would not limit anything
    backend = settings.CACHES["default"]["BACKEND"]
    assert backend != "django.core.cache.backends.locmem.LocMemCache"
    assert backend in {
        "django.core.cache.backends.db.DatabaseCache",
        "django.core.cache.backends.redis.RedisCache",
    }


def test_the_default_cache_works():
    # when
    cache.set("gemba-test-key", "value", 30)

    # then
    assert cache.get("gemba-test-key") == "value"
    cache.delete("gemba-test-key")


def test_email_is_the_only_login_and_verification_is_mandatory():
    # when
    configured = (
        settings.ACCOUNT_LOGIN_METHODS,
        settings.ACCOUNT_EMAIL_VERIFICATION,
        settings.ACCOUNT_UNIQUE_EMAIL,
        settings.ACCOUNT_USER_MODEL_USERNAME_FIELD,
        settings.ACCOUNT_ADAPTER,
    )

    # then
    assert configured == ({"email"}, "mandatory", True, None, "apps.accounts.adapters.AccountAdapter")


# --- profile --------------------------------------------------------------------------------------
def test_signup_keeps_the_name(client, mailoutbox):
    client.post(
        "/accounts/signup/",
        {"full_name": "  Ada Byron ", "email": "ada@example.com", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert User.objects.get(email="ada@example.com").full_name == "Ada Byron"


def test_signup_without_a_name_shows_the_error_and_creates_nothing(client):
    response = client.post(
        "/accounts/signup/", {"email": "ada@example.com", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert User.objects.filter(email="ada@example.com").exists() is False


def test_profile_saves_name_and_time_zone(client):
    user = UserFactory(full_name="Old Name")
    client.force_login(user)

    response = client.post("/accounts/profile/", {"full_name": "New Name", "time_zone": "Europe/Oslo"})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/profile/"
    user.refresh_from_db()
    assert (user.full_name, user.time_zone) == ("New Name", "Europe/Oslo")


def test_profile_rejects_an_unknown_time_zone_next_to_the_field(client):
    user = UserFactory(full_name="Kept", time_zone="")
    client.force_login(user)

    response = client.post("/accounts/profile/", {"full_name": "Changed", "time_zone": "Mars/Olympus"})

    assert response.status_code == 200
    assert "Select a valid choice. Mars/Olympus is not one of the available choices." in response.content.decode()
    user.refresh_from_db()
    assert (user.full_name, user.time_zone) == ("Kept", "")


def test_profile_requires_login(client):
    response = client.get("/accounts/profile/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/accounts/profile/"
