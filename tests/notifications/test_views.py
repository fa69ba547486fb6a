"""The in-app list, marking read, the bell, and tenancy: another member's ids answer 404."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.notifications.models import Notification
from apps.organizations.middleware import SESSION_KEY
from tests.notifications.factories import NotificationFactory
from tests.organizations.factories import MembershipFactory
from tests.organizations.helpers import flash_messages

pytestmark = pytest.mark.django_db


def _read_state():
    return sorted(Notification.objects.values_list("pk", "read_at"))


def _titles(response):
    return [n.title for n in response.context["page"].object_list]


def _notify(member, title, minutes_ago=0, read=False):
    notification = NotificationFactory(recipient=member, title=title, read_at=timezone.now() if read else None)
    Notification.objects.filter(pk=notification.pk).update(created_at=timezone.now() - timedelta(minutes=minutes_ago))
    return notification


@pytest.mark.parametrize(
    "url", ["/notifications/", "/notifications/preferences/", "/notifications/read-all/", "/notifications/1/read/"]
)
def test_anonymous_visitors_are_sent_to_log_in(client, url):
    response = client.get(url) if "read" not in url else client.post(url)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


def test_the_list_shows_my_notifications_newest_first_with_unread_highlighted(client_for, executive):
    _notify(executive, "Oldest, read", minutes_ago=30, read=True)
    _notify(executive, "Newest, unread", minutes_ago=1)
    _notify(executive, "Middle, unread", minutes_ago=10)
    _notify(MembershipFactory(organization=executive.organization), "A colleague's")

    response = client_for(executive).get("/notifications/")

    assert response.status_code == 200
    assert _titles(response) == ["Newest, unread", "Middle, unread", "Oldest, read"]
    html = response.content.decode()
    assert html.count("notification-unread") == 2
    assert '<a class="d-block fw-semibold" href="/log/">Newest, unread</a>' in html
    assert '<a class="d-block" href="/log/">Oldest, read</a>' in html
    assert "A colleague&#x27;s" not in html
    assert "Mark all read" in html


def test_the_list_is_paginated(client_for, executive):
    for n in range(25):
        _notify(executive, f"Reminder {n:02d}", minutes_ago=n)
    client = client_for(executive)

    first = client.get("/notifications/")
    second = client.get("/notifications/", {"page": 2})

    assert _titles(first) == [f"Reminder {n:02d}" for n in range(20)]
    assert _titles(second) == [f"Reminder {n:02d}" for n in range(20, 25)]
    assert "Page 2 of 2" in second.content.decode()


def test_an_empty_list_says_so(client_for, executive):
    response = client_for(executive).get("/notifications/")

    assert "No notifications yet." in response.content.decode()
    assert "Mark all read" not in response.content.decode()


def test_mark_read_marks_one_and_returns_to_the_same_page(client_for, executive):
    target = _notify(executive, "Target")
    other = _notify(executive, "Other")

    response = client_for(executive).post(f"/notifications/{target.pk}/read/", {"next": "/notifications/?page=1"})

    assert (response.status_code, response["Location"]) == (302, "/notifications/?page=1")
    target.refresh_from_db()
    other.refresh_from_db()
    assert (target.read_at is not None, other.read_at) == (True, None)


def test_mark_read_ignores_a_next_on_another_site(client_for, executive):
    target = _notify(executive, "Target")

    response = client_for(executive).post(f"/notifications/{target.pk}/read/", {"next": "https://evil.example/"})

    assert response["Location"] == "/notifications/"


def test_mark_read_twice_keeps_the_first_read_time(client_for, executive):
    target = _notify(executive, "Target")
    client = client_for(executive)
    client.post(f"/notifications/{target.pk}/read/")
    first = Notification.objects.get(pk=target.pk).read_at

    client.post(f"/notifications/{target.pk}/read/")

    assert Notification.objects.get(pk=target.pk).read_at == first


def test_marking_one_notification_read_says_one_notification(client_for, executive):
    _notify(executive, "Only")

    response = client_for(executive).post("/notifications/read-all/", follow=True)

    assert flash_messages(response) == ["1 notification marked as read."]


def test_mark_read_by_get_is_refused(client_for, executive):
    target = _notify(executive, "Target")

    response = client_for(executive).get(f"/notifications/{target.pk}/read/")

    assert response.status_code == 405
    assert Notification.objects.get(pk=target.pk).read_at is None


def test_mark_all_read_marks_only_mine(client_for, executive):
    mine = [_notify(executive, "One"), _notify(executive, "Two")]
    colleague = _notify(MembershipFactory(organization=executive.organization), "Theirs")

    response = client_for(executive).post("/notifications/read-all/", follow=True)

    assert flash_messages(response) == ["2 notifications marked as read."]
    assert [Notification.objects.get(pk=n.pk).read_at is not None for n in mine] == [True, True]
    assert Notification.objects.get(pk=colleague.pk).read_at is None


# --- tenancy --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("whose", ["another organization", "a colleague", "my other membership", "nobody"])
def test_marking_someone_elses_notification_answers_404_and_changes_nothing(client_for, executive, whose):
    owner = {
        "another organization": lambda: MembershipFactory(),
        "a colleague": lambda: MembershipFactory(organization=executive.organization),
        "my other membership": lambda: MembershipFactory(user=executive.user),
        "nobody": lambda: None,
    }[whose]()
    target = _notify(owner, "Not yours") if owner else None
    pk = target.pk if target else 999_999
    client = client_for(executive)
    session = client.session
    session[SESSION_KEY] = executive.organization_id
    session.save()
    before = _read_state()

    response = client.post(f"/notifications/{pk}/read/")

    assert response.status_code == 404
    assert _read_state() == before
    assert "Not yours" not in client.get("/notifications/").content.decode()


def test_mark_all_read_in_one_organization_leaves_my_other_organization_alone(client_for, executive):
    other_membership = MembershipFactory(user=executive.user)
    elsewhere = _notify(other_membership, "Elsewhere")
    here = _notify(executive, "Here")
    client = client_for(executive)
    session = client.session
    session[SESSION_KEY] = executive.organization_id
    session.save()

    client.post("/notifications/read-all/")

    assert Notification.objects.get(pk=here.pk).read_at is not None
    assert Notification.objects.get(pk=elsewhere.pk).read_at is None


# --- the bell ---------------------------------------------------------------------------------------------
def _badge(html):
    found = re.search(r'<a [^>]*id="notifications-bell".*?</a>', html, re.S)
    return found.group(0) if found else None


def test_the_bell_shows_the_unread_count_of_the_current_membership(client_for, executive):
    for title in ("One", "Two", "Three"):
        _notify(executive, title)
    _notify(executive, "Read", read=True)
    _notify(MembershipFactory(organization=executive.organization), "Colleague's")

    response = client_for(executive).get("/notifications/preferences/")

    assert response.context["unread_notifications"] == 3
    bell = _badge(response.content.decode())
    assert 'href="/notifications/"' in bell
    assert (
        '<span class="badge rounded-pill text-bg-warning">3<span class="visually-hidden"> unread</span></span>' in bell
    )


def test_the_bell_has_no_badge_when_all_is_read(client_for, executive):
    _notify(executive, "Read", read=True)

    html = client_for(executive).get("/notifications/").content.decode()

    assert "badge" not in _badge(html)


def test_the_bell_count_is_one_query(rf, executive):
    from apps.notifications.context_processors import notifications

    for title in ("One", "Two"):
        _notify(executive, title)
    request = rf.get("/")
    request.membership = executive

    with CaptureQueriesContext(connection) as queries:
        context = notifications(request)
        shown = f"{context['unread_notifications']} {context['unread_notifications']}"

    assert shown == "2 2"
    assert len(queries) == 1


def test_no_bell_and_no_query_without_a_membership(rf):
    from apps.notifications.context_processors import notifications

    request = rf.get("/")
    request.membership = None

    with CaptureQueriesContext(connection) as queries:
        assert notifications(request) == {"unread_notifications": 0}
    assert len(queries) == 0


def test_the_user_menu_links_to_both_pages(client_for, executive):
    html = client_for(executive).get("/notifications/").content.decode()

    assert '<a class="dropdown-item" href="/notifications/">Notifications</a>' in html
    assert '<a class="dropdown-item" href="/notifications/preferences/">Notification preferences</a>' in html


def test_pages_carry_no_inline_style_or_script(client_for, executive):
    _notify(executive, "One")
    client = client_for(executive)

    for url in ("/notifications/", "/notifications/preferences/"):
        html = client.get(url).content.decode()
        assert " style=" not in html
        assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
