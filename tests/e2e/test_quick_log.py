"""On a phone: log in as the demo executive, log a store visit with a learning, see it in "my customer time"."""

import pytest
from django.conf import settings
from django.test import Client

from apps.engagements.models import Engagement, Learning
from tests.e2e.conftest import PHONE, log_in
from tests.organizations.factories import LocationFactory, MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_executive_logs_a_store_visit_on_a_phone(live_server, demo, phone):
    log_in(phone, live_server.url, "ceo@northwind.example")
    before = Engagement.objects.count()

    # The home screen is the quick-log form: kind, location, duration, learning, save.
    phone.get_by_text("Store visit", exact=True).click()
    phone.get_by_label("Where").select_option(label="Leeds High Street (S101)")
    phone.get_by_text("1 h", exact=True).click()
    phone.get_by_text("Pain point", exact=True).click()
    phone.get_by_label("What did you learn?").fill("Queues at the tills reached nine people at noon.")
    phone.get_by_role("button", name="Save").click()

    confirmation = phone.locator("#saved-confirmation")
    confirmation.wait_for()
    assert "Saved: Store visit at Leeds High Street, 1 h." in confirmation.inner_text()
    assert Engagement.objects.count() == before + 1
    engagement = Engagement.objects.order_by("-created_at").first()
    assert engagement.duration_minutes == 60
    assert engagement.location.name == "Leeds High Street"
    assert engagement.leader.user.email == "ceo@northwind.example"
    learning = Learning.objects.get(engagement=engagement)
    assert (learning.kind, learning.text) == ("pain_point", "Queues at the tills reached nine people at noon.")

    phone.get_by_role("link", name="My time").click()
    phone.wait_for_url(f"{live_server.url}/dashboards/me/")
    assert phone.locator("#week-total").inner_text() != ""
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    phone.get_by_role("link", name="All entries").click()
    phone.wait_for_url(f"{live_server.url}/mine/")
    first_entry = phone.locator("article.entry").first
    assert first_entry.locator(".entry-title").inner_text() == "Store visit · Leeds High Street"
    assert "Queues at the tills reached nine people at noon." in first_entry.inner_text()
    # Nothing on the page is wider than the phone.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375


def test_quick_log_works_without_javascript(live_server, demo, phone_without_js):
    page = phone_without_js
    log_in(page, live_server.url, "ceo@northwind.example")

    page.get_by_text("Customer call", exact=True).click()
    page.get_by_label("Where").select_option(value="")
    page.get_by_text("15 min", exact=True).click()
    page.get_by_label("What did you learn?").fill("Wants delivery slots on Sunday evenings.")
    page.get_by_role("button", name="Save").click()

    page.wait_for_url(f"{live_server.url}/engagements/*/")
    assert page.locator("h1").inner_text() == "Customer call"
    assert "Wants delivery slots on Sunday evenings." in page.locator("#learnings").inner_text()


def test_bad_input_shows_the_message_next_to_the_field_and_saves_nothing(live_server, demo, phone):
    log_in(phone, live_server.url, "ceo@northwind.example")
    before = Engagement.objects.count()

    phone.get_by_text("Store visit", exact=True).click()
    phone.get_by_label("Where").select_option(value="")
    phone.get_by_label("Minutes").fill("2000")
    phone.get_by_role("button", name="Save").click()

    phone.locator("#id_location_errors").wait_for()
    assert phone.locator("#id_location_errors").inner_text() == "Choose where this happened."
    assert (
        phone.locator("#id_duration_custom_errors").inner_text() == "Enter between 1 and 1440 minutes (a day at most)."
    )
    assert Engagement.objects.count() == before


def _phone_as(browser, live_server, membership):
    """A phone-sized page logged in as `membership` through a session cookie (no login form)."""
    client = Client()
    client.force_login(membership.user)
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15000)
    return context, page


def test_the_saved_notice_shows_whole_below_the_header_and_is_announced(live_server, browser, transactional_db):
    leader = MembershipFactory(role="executive")
    LocationFactory(organization=leader.organization, name="Square")
    context, page = _phone_as(browser, live_server, leader)
    try:
        page.goto(f"{live_server.url}/log/")
        page.get_by_label("Where").select_option(label="Square (" + leader.organization.locations.get().code + ")")
        page.get_by_text("45 min", exact=True).or_(page.get_by_text("1 h", exact=True)).first.click()
        page.get_by_label("What did you learn?").fill("A learning long enough to push the save button down.")
        page.get_by_role("button", name="Save").click()
        saved = page.locator("#saved-confirmation")
        saved.wait_for()
        page.wait_for_function("document.activeElement && document.activeElement.id === 'saved-confirmation'")

        header = page.locator("header").bounding_box()
        box = saved.bounding_box()
        assert box["y"] >= header["y"] + header["height"]
        assert box["y"] + box["height"] <= PHONE["height"]
        assert (saved.get_attribute("role"), saved.get_attribute("aria-live")) == ("status", "polite")
    finally:
        context.close()


def test_a_paste_over_the_limit_stays_whole_says_how_much_is_over_and_is_refused(
    live_server, browser, transactional_db
):
    leader = MembershipFactory(role="executive")
    context, page = _phone_as(browser, live_server, leader)
    try:
        page.goto(f"{live_server.url}/log/")
        box = page.get_by_label("What did you learn?")
        box.fill("x" * 5_010)

        note = page.locator("#id_learning_text_over")
        assert box.evaluate("el => el.value.length") == 5_010
        assert note.inner_text() == "10 characters over the limit of 5000."
        assert note.get_attribute("aria-live") == "polite"
        assert "id_learning_text_over" in box.get_attribute("aria-describedby").split()

        page.get_by_role("button", name="Save").click()  # htmx: refused, and the form swapped in place
        page.get_by_text("Ensure this value has at most 5000 characters (it has 5010).").wait_for()
        box = page.get_by_label("What did you learn?")
        assert box.evaluate("el => el.value.length") == 5_010
        assert page.locator("#id_learning_text_over").inner_text() == "10 characters over the limit of 5000."
        box.fill("x" * 4_999)
        assert page.locator("#id_learning_text_over").inner_text() == ""
        assert Engagement.objects.count() == 0
    finally:
        context.close()
