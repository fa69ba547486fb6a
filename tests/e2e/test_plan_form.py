"""In Chromium: the plan forms' date inputs show their values and save as they are; the cadence's own fields
show only while it is chosen, with and without JavaScript."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.scheduling.models import Plan
from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CEO = "ceo@northwind.example"


def test_the_plan_edit_form_shows_its_dates_and_saves_without_asking_for_them(live_server, demo, phone):
    plan = Plan.objects.filter(leader__user__email=CEO).order_by("pk").first()
    end = timezone.localdate() + timedelta(days=60)
    Plan.objects.filter(pk=plan.pk).update(end_date=end)
    log_in(phone, live_server.url, CEO)

    phone.goto(f"{live_server.url}/schedule/plans/{plan.pk}/edit/")

    assert phone.locator("#id_end_date").input_value() == end.isoformat()
    assert phone.locator("#id_start_time").input_value() == plan.start_time.strftime("%H:%M")
    assert phone.locator("#id_end_date").get_attribute("max") is not None
    phone.get_by_role("button", name="Save").click()
    phone.wait_for_url(re.compile(rf"{live_server.url}/schedule/plans/\d+/$"))
    assert "This field is required" not in phone.content()
    assert "Plan updated; past sessions are unchanged." in phone.content()
    plan.refresh_from_db()
    assert plan.end_date == end


def test_a_new_weekly_plan_shows_only_its_fields_and_saves_with_the_date_shown(live_server, demo, phone):
    log_in(phone, live_server.url, CEO)
    phone.goto(f"{live_server.url}/schedule/plans/new/")
    before = Plan.objects.count()

    assert phone.locator("#id_start_date").input_value() == timezone.localdate().isoformat()
    assert (phone.locator("#id_interval").is_visible(), phone.locator("#id_custom_rule").is_visible()) == (False, False)
    phone.get_by_label("How often").select_option("every_n_weeks")
    assert (phone.locator("#id_interval").is_visible(), phone.locator("#id_custom_rule").is_visible()) == (True, False)
    phone.get_by_label("How often").select_option("custom")
    assert (phone.locator("#id_interval").is_visible(), phone.locator("#id_custom_rule").is_visible()) == (False, True)
    phone.get_by_label("How often").select_option("weekly")
    phone.get_by_role("button", name="Create plan").click()

    phone.wait_for_url(re.compile(rf"{live_server.url}/schedule/plans/\d+/$"))
    assert "This field is required" not in phone.content()
    assert Plan.objects.count() == before + 1


def test_without_javascript_the_cadence_fields_follow_the_choice_too(live_server, demo, phone_without_js, browser):
    page = phone_without_js
    log_in(page, live_server.url, CEO)
    page.goto(f"{live_server.url}/schedule/plans/new/")

    assert page.locator("#id_interval").is_visible() is False
    page.get_by_label("How often").select_option("every_n_weeks")
    assert page.locator("#id_interval").is_visible() is True
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    wide = browser.new_context(viewport={"width": 1440, "height": 900}, java_script_enabled=False)
    desk = wide.new_page()
    log_in(desk, live_server.url, CEO)
    desk.goto(f"{live_server.url}/schedule/plans/new/")
    desk.get_by_label("How often").select_option("custom")
    assert (desk.locator("#id_interval").is_visible(), desk.locator("#id_custom_rule").is_visible()) == (False, True)
    wide.close()
