"""Fixtures for the notifications tests: members on a known clock, mail servers that are down."""

import socket
from contextlib import contextmanager

import pytest
from django.core.mail.backends.base import BaseEmailBackend

from tests.organizations.factories import MembershipFactory, OrganizationFactory


class RefusingEmailBackend(BaseEmailBackend):
    """The mail server refuses the connection (what leaves the machine is the only thing faked)."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("mail server down")


class CutOffEmailBackend(BaseEmailBackend):
    """The task's soft time limit fires while the mail server is still talking: it may have the email."""

    def send_messages(self, email_messages):
        from celery.exceptions import SoftTimeLimitExceeded

        raise SoftTimeLimitExceeded()


@pytest.fixture
def mail_server_down(settings):
    settings.EMAIL_BACKEND = "tests.notifications.conftest.RefusingEmailBackend"


@pytest.fixture
def leader(db):
    """An executive in Oslo (their own time zone), in an organization on London time."""
    organization = OrganizationFactory(time_zone="Europe/London")
    return MembershipFactory(
        organization=organization, role="executive", user__time_zone="Europe/Oslo", user__full_name="Liv Leader"
    )


@pytest.fixture
def celery_eager(celery_app):
    """`.delay()` runs the task inline (no worker, no broker); errors propagate to the test."""
    previous = (celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates)
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield celery_app
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = previous


def closed_port():
    """A local TCP port nobody listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def broker_unreachable(celery_app, settings):
    """Point the project's Celery app (and the setting) at a Redis port that refuses connections."""
    url = f"redis://127.0.0.1:{closed_port()}/7"
    previous = (celery_app.conf.broker_url, settings.CELERY_BROKER_URL)
    celery_app.conf.broker_url = url
    settings.CELERY_BROKER_URL = url
    # The connection and producer pools are keyed by URL: drop the cached ones so the next publish uses it.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    try:
        yield url
    finally:
        celery_app.conf.broker_url, settings.CELERY_BROKER_URL = previous
        celery_app._pool = None
        celery_app.amqp._producer_pool = None


@pytest.fixture
def broker_down(celery_app, settings):
    """Redis is down for the length of the test."""
    with broker_unreachable(celery_app, settings) as url:
        yield url


@pytest.fixture(autouse=True)
def _english_after_each_test():
    """A request activates its person's language for the thread and nothing deactivates it: a test that asked
    for a Norwegian page would leave the next test's messages in Norwegian."""
    from django.utils import translation

    yield
    translation.activate("en")
