"""Security headers and CSP on every kind of response; production settings pass `check --deploy`."""

import importlib
import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from tests.accounts.factories import PASSWORD
from tests.organizations.factories import MembershipFactory

BASE_DIR = Path(settings.BASE_DIR)


def csp_directives(response):
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.fixture
def logged_in(client, db):
    member = MembershipFactory(role="executive")
    client.force_login(member.user)
    return client


# (url, logged in?) — anonymous pages, app pages, JSON, redirects and errors all carry the headers.
PAGES = {
    "login": (lambda: reverse("account_login"), False),
    "signup": (lambda: reverse("account_signup"), False),
    "healthz": (lambda: reverse("healthz"), False),
    "anonymous-home-redirect": (lambda: reverse("home"), False),
    "home": (lambda: reverse("home"), True),
    "feed": (lambda: reverse("engagements:feed"), True),
    "my-time": (lambda: reverse("engagements:my_time"), True),
    "locations": (lambda: reverse("organizations:locations"), True),
    "forbidden": (lambda: reverse("organizations:settings"), True),
    "not-found": (lambda: reverse("engagements:detail", args=[987654]), True),
}
EXPECTED_STATUS = {
    "login": 200,
    "signup": 200,
    "healthz": 200,
    "anonymous-home-redirect": 302,
    "home": 200,
    "feed": 200,
    "my-time": 200,
    "locations": 200,
    "forbidden": 403,
    "not-found": 404,
}


def _get(client, db, page):
    url, needs_login = PAGES[page]
    if needs_login:
        client.force_login(MembershipFactory(role="executive").user)
    return client.get(url())


@pytest.mark.parametrize("page", sorted(PAGES))
def test_response_carries_security_headers(client, db, page):
    response = _get(client, db, page)

    assert response.status_code == EXPECTED_STATUS[page]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.parametrize("page", sorted(PAGES))
def test_response_carries_a_strict_csp(client, db, page):
    response = _get(client, db, page)

    directives = csp_directives(response)
    assert directives["script-src"] == ["'self'"]
    assert directives["default-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]


HTML_PAGES = [page for page, status in EXPECTED_STATUS.items() if page != "healthz" and status != 302]


@pytest.mark.parametrize("page", sorted(HTML_PAGES))
def test_html_has_nothing_the_csp_would_block(client, db, page):
    """Inline scripts, inline event handlers and javascript: links would be refused by the browser."""
    response = _get(client, db, page)
    html = response.content.decode()

    inline_scripts = [tag for tag in re.findall(r"<script\b[^>]*>", html, flags=re.I) if " src=" not in tag]
    handlers = re.findall(r"<[^>]+\son[a-z]+\s*=", html, flags=re.I)
    assert (inline_scripts, handlers, "javascript:" in html.lower()) == ([], [], False)


def test_htmx_is_configured_without_eval_inline_scripts_or_inline_styles(logged_in):
    """With script-src/style-src 'self', htmx must not eval, run swapped-in scripts or inject a <style>."""
    html = logged_in.get(reverse("engagements:feed")).content.decode()

    config = json.loads(re.search(r"<meta name=\"htmx-config\" content='([^']*)'>", html).group(1))
    assert {key: config[key] for key in ("includeIndicatorStyles", "allowEval", "allowScriptTags")} == {
        "includeIndicatorStyles": False,
        "allowEval": False,
        "allowScriptTags": False,
    }


def test_login_sets_an_http_only_same_site_session_cookie(client, db):
    member = MembershipFactory(role="executive", user__email="cookie@example.com")

    response = client.post(reverse("account_login"), {"login": "cookie@example.com", "password": PASSWORD})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(member.user.pk)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert (cookie["httponly"], cookie["samesite"]) == (True, "Lax")


# --- Production settings -------------------------------------------------------------------------
def _production_env(tmp_path, **overrides):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "GEMBA_")) and key != "CI"
    }
    env.update(
        {
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
            "DJANGO_ALLOWED_HOSTS": "gemba.example",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'check.sqlite3'}",
            "REDIS_URL": "redis://127.0.0.1:6379/9",
            "GEMBA_VAR_DIR": str(tmp_path),
        }
    )
    env.update(overrides)
    return env


def _manage(tmp_path, *args, **env_overrides):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=_production_env(tmp_path, **env_overrides),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_secret_key_used_for_the_check_is_long_and_random(tmp_path):
    first = _production_env(tmp_path)["DJANGO_SECRET_KEY"]
    second = _production_env(tmp_path)["DJANGO_SECRET_KEY"]

    assert len(first) >= 50
    assert len(set(first)) >= 5
    assert first != second


def test_production_settings_pass_check_deploy(tmp_path):
    result = _manage(tmp_path, "check", "--deploy", "--settings=config.settings.production")

    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == "System check identified no issues (0 silenced).\n"


def test_production_settings_turn_debug_off_and_force_https(tmp_path):
    code = (
        "from django.conf import settings as s; "
        "print(s.DEBUG, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_HSTS_SECONDS >= 31536000, s.ALLOWED_HOSTS, s.GEMBA_ENV)"
    )

    result = _manage(tmp_path, "shell", "--settings=config.settings.production", "--verbosity=0", "-c", code)

    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == "False True True True True ['gemba.example'] production\n"


def test_production_sends_real_email_by_default(tmp_path):
    code = "from django.conf import settings as s; print(s.EMAIL_BACKEND)"

    result = _manage(tmp_path, "shell", "--settings=config.settings.production", "--verbosity=0", "-c", code)

    assert result.stdout == "django.core.mail.backends.smtp.EmailBackend\n"


@pytest.mark.parametrize("module", ["config.wsgi", "config.asgi", "config.celery"])
def test_servers_default_to_production_settings(module):
    source = (BASE_DIR / (module.replace(".", "/") + ".py")).read_text()

    assert 'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")' in source


@pytest.mark.parametrize(
    ("missing", "value"),
    [
        ("DJANGO_SECRET_KEY", None),
        ("DJANGO_SECRET_KEY", ""),
        ("DJANGO_ALLOWED_HOSTS", None),
        ("DATABASE_URL", None),
        ("REDIS_URL", None),
    ],
    ids=["secret-key-unset", "secret-key-empty", "allowed-hosts-unset", "database-unset", "redis-unset"],
)
def test_production_settings_refuse_to_load_without_required_environment(monkeypatch, missing, value):
    monkeypatch.setenv("DJANGO_SECRET_KEY", secrets.token_urlsafe(64))
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", "gemba.example")
    monkeypatch.setenv("DATABASE_URL", "postgres://gemba@db.example/gemba")
    monkeypatch.setenv("REDIS_URL", "redis://cache.example:6379/0")
    if value is None:
        monkeypatch.delenv(missing)
    else:
        monkeypatch.setenv(missing, value)
    monkeypatch.delitem(sys.modules, "config.settings.production", raising=False)

    with pytest.raises(ImproperlyConfigured, match=f"^{missing} must be set in production$"):
        importlib.import_module("config.settings.production")

    assert "config.settings.production" not in sys.modules


def test_manage_py_under_production_without_secret_key_fails_loudly(tmp_path):
    result = _manage(tmp_path, "check", "--settings=config.settings.production", DJANGO_SECRET_KEY="")

    assert result.returncode == 1
    assert "django.core.exceptions.ImproperlyConfigured: DJANGO_SECRET_KEY must be set in production" in result.stderr
