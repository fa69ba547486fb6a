"""Django admin for reminders, notifications and preferences: pages answer, no query per row."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.notifications.models import Notification, NotificationPreference, Reminder
from tests.accounts.factories import UserFactory
from tests.notifications.factories import NotificationFactory, NotificationPreferenceFactory, ReminderFactory

pytestmark = pytest.mark.django_db

FACTORIES = {
    Reminder: ReminderFactory,
    Notification: NotificationFactory,
    NotificationPreference: NotificationPreferenceFactory,
}
MODELS = list(FACTORIES)
IDS = [model._meta.model_name for model in MODELS]


@pytest.fixture
def admin_client_(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def _url(model, view, *args):
    return reverse(f"admin:notifications_{model._meta.model_name}_{view}", args=args)


def _shapes(captured):
    return [re.sub(r"\b\d+\b", "N", query["sql"]) for query in captured.captured_queries]


@pytest.mark.parametrize("model", MODELS, ids=IDS)
def test_changelist_search_add_and_change_pages_answer(admin_client_, model):
    row = FACTORIES[model]()

    responses = [
        admin_client_.get(_url(model, "changelist")),
        admin_client_.get(_url(model, "changelist"), {"q": "x"}),
        admin_client_.get(_url(model, "add")),
        admin_client_.get(_url(model, "change", row.pk)),
    ]

    assert [response.status_code for response in responses] == [200, 200, 200, 200]


@pytest.mark.parametrize("model", MODELS, ids=IDS)
def test_changelist_queries_do_not_grow_with_rows(admin_client_, model):
    FACTORIES[model]()
    admin_client_.get(_url(model, "changelist"))
    with CaptureQueriesContext(connection) as one_row:
        admin_client_.get(_url(model, "changelist"))
    for _ in range(3):
        FACTORIES[model]()

    with CaptureQueriesContext(connection) as four_rows:
        response = admin_client_.get(_url(model, "changelist"))

    assert response.context["cl"].result_count == 4
    assert _shapes(four_rows) == _shapes(one_row)


def test_the_retry_action_gives_failed_reminders_another_go(admin_client_):
    failed = ReminderFactory(status="failed", attempts=5)
    sent = ReminderFactory(status="sent")

    response = admin_client_.post(
        _url(Reminder, "changelist"),
        {"action": "retry_now", "_selected_action": [failed.pk, sent.pk]},
        follow=True,
    )

    assert response.status_code == 200
    assert dict(Reminder.objects.values_list("pk", "status")) == {failed.pk: "pending", sent.pk: "sent"}
    assert Reminder.objects.get(pk=failed.pk).attempts == 0
