"""The preferences page: defaults, saving, and a clear message next to each bad field."""

from datetime import time

import pytest

from apps.notifications.models import NotificationPreference
from tests.notifications.factories import NotificationPreferenceFactory
from tests.organizations.helpers import field_errors, flash_messages

pytestmark = pytest.mark.django_db

URL = "/notifications/preferences/"
ALL_KINDS = [
    "session_before",
    "session_after",
    "missing_entry",
    "under_target",
    "action_overdue",
    "weekly_digest",
    "monthly_review",
]


def _payload(**overrides):
    data = {
        "email_enabled": "on",
        "enabled_kinds": ALL_KINDS,
        "session_lead_minutes": "1440, 60",
        "quiet_start": "",
        "quiet_end": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def _stored(user):
    return NotificationPreference.objects.filter(user=user).values(
        "email_enabled", "disabled_kinds", "session_lead_minutes", "quiet_start", "quiet_end"
    )[0]


def test_the_page_shows_the_defaults_without_creating_a_row(client_for, leader):
    response = client_for(leader).get(URL)

    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial == {
        "email_enabled": True,
        "enabled_kinds": ALL_KINDS,
        "session_lead_minutes": "1440, 60",
        "quiet_start": None,
        "quiet_end": None,
    }
    html = response.content.decode()
    assert "Quiet hours use your time zone, Europe/Oslo" in html
    assert NotificationPreference.objects.count() == 0


def test_saving_stores_the_preferences(client_for, leader):
    response = client_for(leader).post(
        URL,
        _payload(
            email_enabled=None,
            enabled_kinds=["session_before", "missing_entry"],
            session_lead_minutes="60; 2880 , 15 60",
            quiet_start="22:00",
            quiet_end="07:00",
        ),
        follow=True,
    )

    assert flash_messages(response) == ["Notification preferences saved."]
    assert _stored(leader.user) == {
        "email_enabled": False,
        "disabled_kinds": ["session_after", "under_target", "action_overdue", "weekly_digest", "monthly_review"],
        "session_lead_minutes": [2880, 60, 15],
        "quiet_start": time(22, 0),
        "quiet_end": time(7, 0),
    }
    assert response.context["form"].initial["session_lead_minutes"] == "2880, 60, 15"


def test_clearing_quiet_hours_removes_them(client_for, leader):
    NotificationPreferenceFactory(user=leader.user, quiet_start=time(22, 0), quiet_end=time(7, 0))

    client_for(leader).post(URL, _payload())

    assert (_stored(leader.user)["quiet_start"], _stored(leader.user)["quiet_end"]) == (None, None)


@pytest.mark.parametrize(
    ("overrides", "field", "errors"),
    [
        ({"session_lead_minutes": ""}, "session_lead_minutes", ["This field is required."]),
        ({"session_lead_minutes": " , "}, "session_lead_minutes", ["Give at least one lead time, e.g. 60."]),
        ({"session_lead_minutes": "60, soon"}, "session_lead_minutes", ["“soon” is not a whole number of minutes."]),
        (
            {"session_lead_minutes": "-5"},
            "session_lead_minutes",
            ["-5 is out of range: each lead time is from 1 to 10080 minutes (7 days)."],
        ),
        ({"session_lead_minutes": "1.5"}, "session_lead_minutes", ["“1.5” is not a whole number of minutes."]),
        (
            {"session_lead_minutes": "0"},
            "session_lead_minutes",
            ["0 is out of range: each lead time is from 1 to 10080 minutes (7 days)."],
        ),
        (
            {"session_lead_minutes": "60, 10081"},
            "session_lead_minutes",
            ["10081 is out of range: each lead time is from 1 to 10080 minutes (7 days)."],
        ),
        ({"session_lead_minutes": "1, 2, 3, 4, 5, 6"}, "session_lead_minutes", ["Give at most 5 lead times."]),
        (
            {"quiet_start": "22:00"},
            "quiet_end",
            ["Give an end for your quiet hours too (or clear both)."],
        ),
        (
            {"quiet_end": "07:00"},
            "quiet_start",
            ["Give a start for your quiet hours too (or clear both)."],
        ),
        (
            {"quiet_start": "22:00", "quiet_end": "22:00"},
            "quiet_end",
            ["Quiet hours must end at a different time than they start."],
        ),
        ({"quiet_start": "25:00", "quiet_end": "07:00"}, "quiet_start", ["Enter a valid time."]),
        (
            {"enabled_kinds": ["session_before", "birthday"]},
            "enabled_kinds",
            ["Select a valid choice. birthday is not one of the available choices."],
        ),
    ],
)
def test_bad_input_shows_a_message_next_to_the_field_and_saves_nothing(client_for, leader, overrides, field, errors):
    response = client_for(leader).post(URL, _payload(**overrides))

    assert response.status_code == 200
    assert response.context["form"].errors == {field: errors}
    assert field_errors(response, field) == errors
    assert NotificationPreference.objects.count() == 0


def test_five_lead_times_and_the_extremes_are_accepted(client_for, leader):
    client_for(leader).post(URL, _payload(session_lead_minutes="1, 10080, 60, 1440, 30"))

    assert _stored(leader.user)["session_lead_minutes"] == [10080, 1440, 60, 30, 1]


def test_repeated_values_count_once(client_for, leader):
    client_for(leader).post(URL, _payload(session_lead_minutes="60, 60, 60, 60, 60, 30"))

    assert _stored(leader.user)["session_lead_minutes"] == [60, 30]


def test_a_user_without_membership_can_still_set_preferences(client):
    from tests.accounts.factories import UserFactory

    user = UserFactory(time_zone="Asia/Tokyo")
    client.force_login(user)

    response = client.post(URL, _payload(session_lead_minutes="30"))

    assert response.status_code == 302
    assert _stored(user)["session_lead_minutes"] == [30]


def test_lead_times_read_numbers_as_the_rest_of_the_site_does(client_for, leader):
    client_for(leader).post(URL, _payload(session_lead_minutes="1e3, 60"))

    assert _stored(leader.user)["session_lead_minutes"] == [1000, 60]
