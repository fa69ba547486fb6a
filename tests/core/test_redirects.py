"""`next` after a POST: only a path on this site is followed; anything else goes to the page's default."""

import pytest
from django.urls import reverse

from tests.accounts.factories import PASSWORD
from tests.engagements.factories import EngagementFactory, LearningFactory
from tests.insights.factories import ActionFactory, ThemeFactory
from tests.notifications.factories import NotificationFactory

pytestmark = pytest.mark.django_db

NOT_FOLLOWED = ["not-a-date", "https://evil.example/", "//evil.example/x", "javascript:alert(1)", "?page=2", ""]


@pytest.fixture
def learning(executive):
    return LearningFactory(engagement=EngagementFactory(organization=executive.organization, leader=executive))


@pytest.mark.parametrize("next_value", NOT_FOLLOWED)
def test_learning_themes_with_a_bad_next_goes_to_the_learning(client_for, executive, learning, next_value):
    theme = ThemeFactory(organization=executive.organization)

    response = client_for(executive).post(
        reverse("insights:learning_themes", args=[learning.pk]), {"themes": [theme.pk], "next": next_value}
    )

    assert (response.status_code, response["Location"]) == (
        302,
        reverse("insights:learning_detail", args=[learning.pk]),
    )


@pytest.mark.parametrize("next_value", NOT_FOLLOWED)
def test_action_learning_add_with_a_bad_next_goes_to_the_action(client_for, executive, learning, next_value):
    action = ActionFactory(organization=executive.organization, owner=executive)

    response = client_for(executive).post(
        reverse("insights:action_learning_add", args=[action.pk]), {"learning": learning.pk, "next": next_value}
    )

    expected = reverse("insights:action_detail", args=[action.pk]) + "#learnings"
    assert (response.status_code, response["Location"]) == (302, expected)


@pytest.mark.parametrize("next_value", NOT_FOLLOWED)
def test_mark_read_with_a_bad_next_goes_to_the_list(client_for, executive, next_value):
    notification = NotificationFactory(recipient=executive)

    response = client_for(executive).post(
        reverse("notifications:mark_read", args=[notification.pk]), {"next": next_value}
    )

    assert (response.status_code, response["Location"]) == (302, reverse("notifications:list"))


def test_a_path_on_this_site_is_followed(client_for, executive, learning):
    action = ActionFactory(organization=executive.organization, owner=executive)

    response = client_for(executive).post(
        reverse("insights:action_learning_add", args=[action.pk]), {"learning": learning.pk, "next": "/learned/?q=a"}
    )

    assert (response.status_code, response["Location"]) == (302, "/learned/?q=a")


@pytest.mark.parametrize("next_value", ["not-a-date", "https://evil.example/"])
def test_logging_in_with_a_bad_next_goes_home(client, executive, next_value):
    response = client.post(
        reverse("account_login"), {"login": executive.user.email, "password": PASSWORD, "next": next_value}
    )

    assert (response.status_code, response["Location"]) == (302, reverse("home"))
