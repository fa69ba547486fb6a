"""On a 375 px phone in Chromium, in Norwegian and in English: the executive logs customer time, the chief of
staff plans recurring customer time, the board member reads the dashboard. No page of the walk shows text of
the other language (tests/languages.py says how it is found), and every date and time input holds the ISO
value browsers require, in both languages.

Norwegian is walked as the people of Nordvik Dagligvare (the Norwegian demo), English as Northwind's; Chromium
sends its locale's Accept-Language, so the login page comes in the browser's language too.
"""

import os
import re
from datetime import time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.utils import timezone

from apps.engagements.models import Engagement, Learning
from apps.scheduling.models import Plan
from tests import languages
from tests.e2e.conftest import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PEOPLE = {
    "nb": {
        "executive": "konsernsjef@nordvik.example",
        "chief": "stabssjef@nordvik.example",
        "board": "styre@nordvik.example",
    },
    "en": {"executive": "ceo@northwind.example", "chief": "cos@northwind.example", "board": "board@northwind.example"},
}
BROWSER_LOCALE = {"nb": "nb-NO", "en": "en-GB"}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_TIME = re.compile(r"^\d{2}:\d{2}$")
ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$")
LEARNED = {"nb": "Køen ved kassene var for lang i lunsjen.", "en": "The queue at the tills was too long at lunch."}
SCREENSHOTS = os.environ.get("GEMBA_SCREENSHOTS")  # a folder: each step's page is saved there to be looked at


@pytest.fixture
def demos(transactional_db):
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", "--language", "nb", verbosity=0)


@pytest.fixture(params=["nb", "en"])
def language(request):
    return request.param


@pytest.fixture
def phone(browser, language):
    context = browser.new_context(
        viewport=PHONE, has_touch=True, is_mobile=True, device_scale_factor=2, locale=BROWSER_LOCALE[language]
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


class Walk:
    """The pages a person passes, each read for text of the wrong language."""

    def __init__(self, page, language):
        self.page, self.language, self.problems, self.pages = page, language, [], []

    def read(self, step):
        self.page.wait_for_load_state("load")
        assert self.page.evaluate("document.documentElement.lang") == self.language
        texts = languages.shown_texts(self.page.content())
        found = languages.untranslated(texts) if self.language == "nb" else []
        found += languages.foreign_words(texts, self.language)
        self.problems += [(step, *hit) for hit in found]
        self.pages.append(step)
        assert self.page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], step
        if SCREENSHOTS:
            height = self.page.evaluate("document.documentElement.scrollHeight")
            for part, top in enumerate(range(0, min(height, 8000), 1600)):
                clip = {"x": 0, "y": top, "width": PHONE["width"], "height": min(1600, height - top)}
                path = os.path.join(SCREENSHOTS, f"{self.language}-{step}-{part}.png")
                self.page.screenshot(path=path, full_page=True, clip=clip)

    def log_in(self, base_url, email):
        self.page.goto(f"{base_url}/accounts/login/")
        self.read("login")
        self.page.locator('input[name="login"]').fill(email)
        self.page.locator('input[name="password"]').fill("gemba-demo")
        self.page.locator('input[name="password"]').press("Enter")
        self.page.wait_for_url(lambda url: url.startswith(base_url) and "/accounts/login/" not in url)


def _choose(page, name, value):
    radio = page.locator(f'input[name="{name}"][value="{value}"]')
    page.locator(f'label[for="{radio.get_attribute("id")}"]').click()


def test_the_executive_logs_customer_time_in_their_language(live_server, demos, phone, language):
    walk = Walk(phone, language)
    walk.log_in(live_server.url, PEOPLE[language]["executive"])
    walk.read("log")
    started = phone.locator('input[name="started_at"]')
    assert ISO_DATETIME.match(started.input_value())
    yesterday = timezone.localdate() - timedelta(days=1)

    _choose(phone, "kind", "store_visit")
    phone.locator('select[name="location"]').select_option(index=1)
    _choose(phone, "duration", "60")
    phone.locator("details.more > summary").click()  # "When, who else, notes"
    started.fill(f"{yesterday.isoformat()}T10:30")
    _choose(phone, "learning_kind", "pain_point")
    phone.locator('textarea[name="learning_text"]').fill(LEARNED[language])
    phone.locator("form.quicklog button.save-button").click()
    phone.locator("#saved-confirmation").wait_for()
    walk.read("log-saved")

    learning = Learning.objects.get(text=LEARNED[language])
    engagement = Engagement.objects.get(pk=learning.engagement_id)
    local = timezone.localtime(engagement.started_at, timezone=ZoneInfo(engagement.leader.time_zone_name))
    assert (local.date(), local.time(), engagement.duration_minutes) == (yesterday, time(10, 30), 60)
    phone.goto(f"{live_server.url}/dashboards/me/")
    walk.read("my-time")
    phone.goto(f"{live_server.url}/mine/")
    walk.read("my-entries")
    phone.goto(f"{live_server.url}/engagements/{engagement.pk}/")
    walk.read("entry")
    phone.goto(f"{live_server.url}/learned/?q={'kø lunsj' if language == 'nb' else 'queue lunch'}")
    walk.read("learned-search")
    assert LEARNED[language] in phone.locator("main").inner_text()

    assert walk.problems == []


def test_the_chief_of_staff_plans_customer_time_in_their_language(live_server, demos, phone, language):
    walk = Walk(phone, language)
    walk.log_in(live_server.url, PEOPLE[language]["chief"])
    phone.goto(f"{live_server.url}/schedule/")
    walk.read("schedule")
    phone.goto(f"{live_server.url}/schedule/plans/new/")
    walk.read("plan-new")
    start_date, start_time = phone.locator("#id_start_date"), phone.locator("#id_start_time")
    assert (ISO_DATE.match(start_date.input_value()), ISO_TIME.match(start_time.input_value())) != (None, None)
    assert start_date.input_value() == timezone.localdate().isoformat()
    first = timezone.localdate() + timedelta(days=10)
    before = Plan.objects.count()

    phone.locator("#id_title").fill("Butikkrunde" if language == "nb" else "Store walk")
    start_date.fill(first.isoformat())
    start_time.fill("08:15")
    phone.locator('form:has(#id_start_date) button[type="submit"]').click()
    phone.wait_for_url(re.compile(rf"{live_server.url}/schedule/plans/\d+/$"))
    walk.read("plan")

    assert Plan.objects.count() == before + 1
    plan = Plan.objects.order_by("-pk").first()
    assert (plan.start_date, plan.start_time) == (first, time(8, 15))
    phone.goto(f"{live_server.url}/schedule/plans/{plan.pk}/edit/")
    walk.read("plan-edit")
    assert (phone.locator("#id_start_time").input_value(), phone.locator("#id_end_date").input_value()) == ("08:15", "")
    phone.goto(f"{live_server.url}/schedule/team/")
    walk.read("team-schedule")
    phone.goto(f"{live_server.url}/dashboards/team/")
    walk.read("team-dashboard")

    assert walk.problems == []


def test_the_board_member_reads_the_dashboard_in_their_language(live_server, demos, phone, language):
    walk = Walk(phone, language)
    walk.log_in(live_server.url, PEOPLE[language]["board"])
    phone.goto(f"{live_server.url}/dashboards/board/")
    walk.read("board")
    assert phone.locator("main svg").count() > 0
    phone.goto(f"{live_server.url}/learned/")
    walk.read("learned")
    phone.goto(f"{live_server.url}/actions/")
    walk.read("actions")
    phone.goto(f"{live_server.url}/pilots/")
    walk.read("pilots")

    assert walk.problems == []
