"""TOTP two-factor authentication with recovery codes, through allauth's own pages."""

import uuid

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    SECRET_SESSION_KEY,
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.contrib.auth import SESSION_KEY

from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _current_code(secret):
    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))


def _log_in(client, user):
    return client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})


def _activate_totp(client, user):
    _log_in(client, user)
    # allauth asks for the password again before security changes.
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    client.get("/accounts/2fa/totp/activate/")
    secret = client.session[SECRET_SESSION_KEY]
    return client.post("/accounts/2fa/totp/activate/", {"code": _current_code(secret)})


def test_activating_totp_also_creates_recovery_codes(client):
    user = UserFactory()

    response = _activate_totp(client, user)

    assert response.status_code == 302
    assert sorted(Authenticator.objects.filter(user=user).values_list("type", flat=True)) == [
        "recovery_codes",
        "totp",
    ]


def test_activation_with_a_wrong_code_is_refused_next_to_the_field(client):
    user = UserFactory()
    _log_in(client, user)
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    client.get("/accounts/2fa/totp/activate/")

    response = client.post("/accounts/2fa/totp/activate/", {"code": "000000"})

    assert response.status_code == 200
    assert "Incorrect code." in response.content.decode()
    assert Authenticator.objects.filter(user=user).count() == 0


def test_with_mfa_the_password_alone_does_not_log_in(client):
    user = UserFactory()
    _activate_totp(client, user)
    client.post("/accounts/logout/")

    response = _log_in(client, user)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert SESSION_KEY not in client.session


def test_a_recovery_code_completes_the_login_once(client):
    user = UserFactory()
    _activate_totp(client, user)
    code = Authenticator.objects.get(user=user, type="recovery_codes").wrap().get_unused_codes()[0]
    client.post("/accounts/logout/")
    _log_in(client, user)

    response = client.post("/accounts/2fa/authenticate/", {"code": code})

    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(user.pk)
    client.post("/accounts/logout/")
    _log_in(client, user)
    reused = client.post("/accounts/2fa/authenticate/", {"code": code})
    assert reused.status_code == 200
    assert SESSION_KEY not in client.session


def test_a_wrong_code_at_login_keeps_the_user_out(client):
    user = UserFactory()
    _activate_totp(client, user)
    client.post("/accounts/logout/")
    _log_in(client, user)

    response = client.post("/accounts/2fa/authenticate/", {"code": "123456"})

    assert response.status_code == 200
    assert "Incorrect code." in response.content.decode()
    assert SESSION_KEY not in client.session


def test_failed_logins_are_rate_limited_on_the_shared_cache(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "3/m/key"}
    # Counters live in the shared cache (Redis under CI) across runs: a fresh address every time.
    user = UserFactory(email=f"limited-{uuid.uuid4().hex}@example.com")
    for _ in range(3):
        client.post("/accounts/login/", {"login": user.email, "password": "wrong-password"})

    response = _log_in(client, user)

    assert response.status_code == 200
    assert "Too many failed login attempts. Try again later." in response.content.decode()
    assert SESSION_KEY not in client.session
    assert settings.CACHES["default"]["BACKEND"] != "django.core.cache.backends.locmem.LocMemCache"
