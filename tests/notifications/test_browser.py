"""At 360 px and without JavaScript: the bell, the list, marking read and the preferences form all work."""

import os

import pytest

from tests.accounts.factories import PASSWORD
from tests.notifications.factories import NotificationFactory

NARROW = {"width": 360, "height": 740}


@pytest.fixture
def narrow_page_without_js(browser):
    context = browser.new_context(viewport=NARROW, is_mobile=True, has_touch=True, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def _log_in(page, base_url, email):
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(f"{base_url}/")


def _fits(page):
    return page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]


@pytest.fixture
def two_unread(leader):
    # Made before the browser starts: while Playwright's loop runs, the ORM would open a connection of its own.
    NotificationFactory(recipient=leader, title="Log what you learned at the Oslo flagship store this morning")
    NotificationFactory(recipient=leader, title="Store visit tomorrow at 09:00")
    return leader


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_bell_list_mark_read_and_preferences_work_at_360_px_without_javascript(
    live_server, two_unread, narrow_page_without_js
):
    page = narrow_page_without_js
    _log_in(page, live_server.url, two_unread.user.email)

    # the bell shows two unread and leads to the list
    bell = page.locator("#notifications-bell")
    assert " ".join(bell.inner_text().split()) == "Notifications, 2 unread"
    assert _fits(page)
    bell.click()
    page.wait_for_url(f"{live_server.url}/notifications/")
    assert page.locator(".notification-unread").count() == 2
    assert _fits(page)
    if os.environ.get("NOTIFICATIONS_SCREENSHOTS"):
        page.screenshot(path=os.environ["NOTIFICATIONS_SCREENSHOTS"] + "/list.png", full_page=True)

    # mark one read, then all
    page.get_by_role("button", name="Store visit tomorrow at 09:00").click()
    page.wait_for_url(f"{live_server.url}/notifications/")
    assert page.locator(".notification-unread").count() == 1
    page.get_by_role("button", name="Mark all read").click()
    assert page.locator(".notification-unread").count() == 0
    assert page.locator("#notifications-bell .badge").count() == 0

    # preferences: a bad value gets its message next to the field; a good one is saved
    page.goto(f"{live_server.url}/notifications/preferences/")
    assert _fits(page)
    page.get_by_label("Before a session, remind me this many minutes ahead").fill("60, 99999")
    page.get_by_role("button", name="Save preferences").click()
    assert "99999 is out of range" in page.locator("#error_1_id_session_lead_minutes").inner_text()
    assert _fits(page)
    if os.environ.get("NOTIFICATIONS_SCREENSHOTS"):
        page.screenshot(path=os.environ["NOTIFICATIONS_SCREENSHOTS"] + "/preferences.png", full_page=True)
    page.get_by_label("Before a session, remind me this many minutes ahead").fill("120, 30")
    page.get_by_label("Quiet from").fill("22:00")
    page.get_by_label("Quiet until").fill("07:00")
    page.get_by_role("button", name="Save preferences").click()
    assert page.get_by_text("Notification preferences saved.").is_visible()
    assert page.get_by_label("Before a session, remind me this many minutes ahead").input_value() == "120, 30"
