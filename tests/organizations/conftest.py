"""Fixtures for the organizations tests: Celery runs tasks inline, and an SMTP server that is down."""

import pytest
from django.core.mail.backends.base import BaseEmailBackend


class RefusingEmailBackend(BaseEmailBackend):
    """The mail server refuses the connection (what leaves the machine is the only thing faked)."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("mail server down")


@pytest.fixture
def celery_eager(celery_app):
    """`.delay()` runs the task inline (no worker, no broker), errors propagate to the test."""
    previous = (celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates)
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield celery_app
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = previous


@pytest.fixture
def mail_server_down(settings):
    settings.EMAIL_BACKEND = "tests.organizations.conftest.RefusingEmailBackend"


@pytest.fixture
def member_of_kind(organization):
    """member_of_kind("board") -> a membership in `organization`; "inactive" is a deactivated admin."""
    from tests.organizations.factories import MembershipFactory

    def make(kind):
        if kind == "inactive":
            return MembershipFactory(organization=organization, role="admin", is_active=False)
        return MembershipFactory(organization=organization, role=kind)

    return make


@pytest.fixture(autouse=True)
def _english_after_each_test():
    """A request activates its person's language for the thread and nothing deactivates it: a test that asked
    for a Norwegian page would leave the next test's messages in Norwegian."""
    from django.utils import translation

    yield
    translation.activate("en")
