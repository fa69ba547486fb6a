"""Shared fixtures. Under CI=true the real services are required: a missing one fails the run."""

import os
import shutil
import socket
from urllib.parse import urlparse

import pytest
from django.conf import settings

CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def _redis_reachable():
    url = settings.REDIS_URL
    if not url:
        return False
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 6379), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


REDIS_OK = _redis_reachable()
CHROMIUM_OK = shutil.which(CHROMIUM) is not None or os.path.exists(CHROMIUM)


def pytest_sessionstart(session):
    if not CI:
        return
    problems = []
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        problems.append("CI=true but the database is not PostgreSQL (set DATABASE_URL)")
    if not REDIS_OK:
        problems.append(f"CI=true but Redis does not answer at {settings.REDIS_URL or '(REDIS_URL unset)'}")
    if not CHROMIUM_OK:
        problems.append(f"CI=true but Chromium is missing at {CHROMIUM}")
    if problems:
        pytest.exit("; ".join(problems), returncode=3)


def pytest_report_header(config):
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    return [
        f"gemba: database={engine} redis={'yes' if REDIS_OK else 'no'} chromium={'yes' if CHROMIUM_OK else 'no'}"
        f" CI={CI}"
    ]


def pytest_collection_modifyitems(config, items):
    if CI:
        return
    skip_redis = pytest.mark.skip(reason="needs Redis (set REDIS_URL to a running server; required under CI)")
    skip_browser = pytest.mark.skip(
        reason=f"needs Chromium at {CHROMIUM} (apt-get install chromium; required under CI)"
    )
    for item in items:
        if "redis" in item.keywords and not REDIS_OK:
            item.add_marker(skip_redis)
        if "browser" in item.keywords and not CHROMIUM_OK:
            item.add_marker(skip_browser)


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's default language and leaves it so: a request that activated a person's
    own language (the middleware does) must not leak into the next test of this process."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


def pytest_terminal_summary(terminalreporter):
    """axe-core's findings per role, as recorded by tests/e2e/test_every_page.py. Here, not in tests/e2e/: under
    pytest-xdist only this conftest is loaded by the controller; the recorded properties travel with each report."""
    lines = _recorded(terminalreporter, "axe")
    if lines:
        terminalreporter.section("axe-core: violations by impact")
        for line in sorted(lines):
            terminalreporter.write_line(line)
    walked = _recorded(terminalreporter, "language_walk")
    if walked:
        terminalreporter.section("pages walked in each language (tests/test_every_page_in_language.py)")
        for line in sorted(walked):
            terminalreporter.write_line(line)


def _recorded(terminalreporter, property_name):
    return [
        value
        for reports in terminalreporter.stats.values()
        for report in reports
        if getattr(report, "when", None) == "call"
        for name, value in getattr(report, "user_properties", ())
        if name == property_name
    ]


# --- Browser: one Playwright + Chromium for the whole run (two sync Playwrights cannot coexist) -----
# Playwright's sync API runs an event loop in this thread; the ORM calls in tests are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session", autouse=True)
def empty_media_root():
    """Each test process's files (board packs) start from an empty folder and are gone afterwards."""
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)
    yield
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)


# --- Celery: the project's own app with a real worker thread (celery.contrib.pytest) -------------
@pytest.fixture(scope="session")
def celery_app():
    from config.celery import app

    return app


@pytest.fixture(scope="session")
def celery_worker_pool():
    return "solo"


@pytest.fixture(scope="session")
def celery_worker_parameters():
    # No result backend here, so the fixture's ping round-trip cannot run.
    return {"perform_ping_check": False, "shutdown_timeout": 20}


@pytest.fixture
def purge_queue(celery_app):
    """Start a worker test from an empty queue."""
    with celery_app.connection_for_write() as conn:
        conn.default_channel.queue_purge(celery_app.conf.task_default_queue)
    yield


# --- Domain fixtures ----------------------------------------------------------------------------
@pytest.fixture
def organization(db):
    from tests.organizations.factories import OrganizationFactory

    return OrganizationFactory()


@pytest.fixture
def executive(organization):
    from tests.organizations.factories import MembershipFactory

    return MembershipFactory(organization=organization, role="executive")


@pytest.fixture
def chief_of_staff(organization, executive):
    from tests.organizations.factories import MembershipFactory

    chief = MembershipFactory(organization=organization, role="chief_of_staff")
    chief.supports.add(executive)
    return chief


@pytest.fixture
def board_member(organization):
    from tests.organizations.factories import MembershipFactory

    return MembershipFactory(organization=organization, role="board")


@pytest.fixture
def admin_member(organization):
    from tests.organizations.factories import MembershipFactory

    return MembershipFactory(organization=organization, role="admin")


@pytest.fixture
def client_for(client):
    """client_for(membership) -> the test client logged in as that member."""

    def login(membership):
        client.force_login(membership.user)
        return client

    return login
