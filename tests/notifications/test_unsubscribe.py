"""One-click unsubscribe: a signed link per kind, no login; it turns off that kind only."""

import time

import pytest
from django.core import signing
from django.test import Client

from apps.notifications import selectors, services
from apps.notifications.models import NotificationPreference
from apps.notifications.tokens import UNSUBSCRIBE_MAX_AGE, UNSUBSCRIBE_SALT, unsubscribe_token
from tests.notifications.factories import NotificationPreferenceFactory, ReminderFactory

pytestmark = pytest.mark.django_db


def _url(token):
    return f"/notifications/unsubscribe/{token}/"


def _disabled(user):
    return selectors.preference_for(user=user).disabled_kinds


def _link_from_email(message):
    header = message.extra_headers["List-Unsubscribe"]
    assert header.startswith("<http://") and header.endswith(">")
    return header[1:-1].split("://", 1)[1].split("/", 1)[1]


@pytest.fixture
def csrf_client():
    """A mail provider's POST: no session, no CSRF cookie."""
    return Client(enforce_csrf_checks=True)


def test_the_email_link_unsubscribes_that_kind_in_one_click(leader, mailoutbox, csrf_client):
    # given: a delivered "missing entry" reminder email
    reminder = ReminderFactory(recipient=leader, kind="missing_entry", status="queued")
    services.reminder_deliver(reminder_id=reminder.pk)
    path = "/" + _link_from_email(mailoutbox[0])

    # when: the mail client posts RFC 8058's body
    response = csrf_client.post(path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")

    # then
    assert response.status_code == 200
    assert "Done: you will no longer get “Missing entry” reminders." in response.content.decode()
    assert _disabled(leader.user) == ["missing_entry"]
    for kind in ("session_before", "session_after", "under_target", "action_overdue"):
        assert selectors.kind_enabled(user=leader.user, kind=kind) is True


def test_get_only_asks_and_changes_nothing(client, leader):
    response = client.get(_url(unsubscribe_token(user_id=leader.user.pk, kind="session_before")))

    assert response.status_code == 200
    html = response.content.decode()
    assert f'Stop “Before a session” reminders for <strong class="text-break">{leader.user.email}</strong>?' in html
    assert '<button class="btn btn-primary" type="submit">Unsubscribe</button>' in html
    assert NotificationPreference.objects.count() == 0


def test_the_link_works_once_and_a_second_use_changes_nothing(client, leader):
    NotificationPreferenceFactory(user=leader.user, disabled_kinds=["under_target"])
    url = _url(unsubscribe_token(user_id=leader.user.pk, kind="session_after"))

    first = client.post(url)
    after_first = NotificationPreference.objects.values("disabled_kinds", "updated_at").get(user=leader.user)
    second = client.post(url)

    assert "Done: you will no longer get “Log what you learned” reminders." in first.content.decode()
    assert after_first["disabled_kinds"] == ["session_after", "under_target"]
    assert second.status_code == 200
    assert "You were already unsubscribed from “Log what you learned” reminders." in second.content.decode()
    assert NotificationPreference.objects.values("disabled_kinds", "updated_at").get(user=leader.user) == after_first


def test_a_link_for_one_kind_never_turns_off_another(client, leader):
    client.post(_url(unsubscribe_token(user_id=leader.user.pk, kind="under_target")))

    assert _disabled(leader.user) == ["under_target"]


def test_a_link_only_affects_its_own_user(client, leader, executive):
    client.post(_url(unsubscribe_token(user_id=leader.user.pk, kind="session_before")))

    assert (_disabled(leader.user), _disabled(executive.user)) == (["session_before"], [])


@pytest.mark.parametrize(
    ("make_token", "message"),
    [
        (lambda user: unsubscribe_token(user_id=user.pk, kind="session_before")[:-2] + "xx", "is not valid"),
        (lambda user: "not-a-token", "is not valid"),
        (lambda user: signing.dumps({"u": user.pk, "k": "session_before"}, salt="another.salt"), "is not valid"),
        (lambda user: signing.dumps({"u": user.pk, "k": "birthday"}, salt=UNSUBSCRIBE_SALT), "is not valid"),
        (lambda user: signing.dumps({"u": 999_999, "k": "session_before"}, salt=UNSUBSCRIBE_SALT), "is not valid"),
        (lambda user: _old_token(user), "has expired"),
    ],
    ids=["tampered", "garbage", "other-salt", "unknown-kind", "unknown-user", "expired"],
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_bad_or_old_link_answers_400_with_a_clear_message(client, leader, make_token, message, method):
    response = getattr(client, method)(_url(make_token(leader.user)))

    assert response.status_code == 400
    assert f"This unsubscribe link {message}." in response.content.decode()
    assert 'href="/notifications/preferences/"' in response.content.decode()
    assert NotificationPreference.objects.count() == 0


def _old_token(user):
    """A genuine token, signed one day longer ago than links live."""

    class OldSigner(signing.TimestampSigner):
        def timestamp(self):
            return signing.b62_encode(int(time.time() - UNSUBSCRIBE_MAX_AGE.total_seconds()) - 86400)

    return OldSigner(salt=UNSUBSCRIBE_SALT).sign_object({"u": user.pk, "k": "session_before"})


def test_unsubscribed_kind_is_skipped_by_the_dispatcher(client, leader):
    client.post(_url(unsubscribe_token(user_id=leader.user.pk, kind="session_before")))
    reminder = ReminderFactory(recipient=leader, kind="session_before")

    assert services.dispatch_due() == 0
    reminder.refresh_from_db()
    assert reminder.status == "skipped"


def test_a_deactivated_users_link_is_not_valid(client, leader):
    leader.user.is_active = False
    leader.user.save()

    response = client.post(_url(unsubscribe_token(user_id=leader.user.pk, kind="session_before")))

    assert response.status_code == 400
