"""The monthly review in Chromium, on a 375 px phone and at 1440 px: it opens on the last whole month, reads as a
document (summary, sections, charts), nothing scrolls sideways, and a figure clicks through to the entries."""

import os
from pathlib import Path

import pytest

from tests.e2e.conftest import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESK = {"width": 1440, "height": 900}
SCREENSHOTS = os.environ.get("GEMBA_SCREENSHOTS")  # a folder: each page is saved there to be looked at
SECTIONS = [
    "The month in numbers",
    "Time with customers",
    "Where leaders went",
    "What customers said",
    "What came of it",
    "Customer scores and leader presence",
    "Decisions for this meeting",
]


def log_in(page, base_url, email, password="gemba-demo"):
    # A board member lands on the board's dashboard, the others on the log: wait for leaving the login page.
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


@pytest.mark.parametrize("viewport", [PHONE, DESK], ids=["phone", "desk"])
@pytest.mark.parametrize(
    ("email", "scope"),
    [("board@northwind.example", "Whole organization"), ("cos@northwind.example", "executives")],
    ids=["board", "chief_of_staff"],
)
def test_the_review_reads_as_a_document_and_clicks_through(live_server, browser, demo, viewport, email, scope):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        log_in(page, live_server.url, email)
        page.goto(f"{live_server.url}/review/")

        assert page.url.startswith(f"{live_server.url}/review/20")
        summary = page.locator("#review-summary")
        assert " leaders spent " in summary.inner_text() or " leader spent " in summary.inner_text()
        assert scope in page.locator("article header").inner_text()
        headings = page.locator("article h2").all_inner_texts()
        assert headings == SECTIONS
        assert page.locator("article svg").count() >= 2
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        if SCREENSHOTS:
            Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
            who = email.split("@")[0]
            page.screenshot(path=f"{SCREENSHOTS}/review-{who}-{viewport['width']}.png", full_page=True)

        hours = page.locator("#figure-hours a")
        shown = hours.inner_text()
        hours.click()
        page.wait_for_url(f"{live_server.url}/feed/?*")
        assert "period=custom" in page.url
        assert shown.endswith(" h")
    finally:
        context.close()


@pytest.mark.redis
@pytest.mark.celery_worker
@pytest.mark.parametrize("viewport", [PHONE, DESK], ids=["phone", "desk"])
def test_a_large_pack_is_printed_by_a_worker_while_the_page_shows_its_progress(
    live_server, browser, demo, viewport, monkeypatch, purge_queue, celery_worker, tmp_path
):
    # Every review counts as large here: the pack goes to the real worker, the page polls it with htmx.
    from apps.reviews import pack as printing

    monkeypatch.setattr(printing, "INLINE_ROWS", 0)
    context = browser.new_context(viewport=viewport, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(30000)
    try:
        log_in(page, live_server.url, "board@northwind.example")
        page.goto(f"{live_server.url}/review/")
        page.get_by_role("button", name="Board pack (PDF)").click()

        page.wait_for_url(lambda url: "/review/packs/" in url)
        assert page.locator("h1").inner_text().startswith("Board pack: ")
        download_link = page.get_by_role("link", name="Download the PDF")
        download_link.wait_for()  # swapped in by htmx once the worker is done, without a reload
        assert "The pack is ready: " in page.locator("#pack-progress").inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        with page.expect_download() as download:
            download_link.click()
        path = tmp_path / "pack.pdf"
        download.value.save_as(path)
        assert path.read_bytes().startswith(b"%PDF-")
        assert download.value.suggested_filename.startswith("customer-review-")
        if SCREENSHOTS:
            page.screenshot(path=f"{SCREENSHOTS}/pack-ready-{viewport['width']}.png", full_page=True)
    finally:
        context.close()


def test_the_norwegian_tab_bar_fits_a_375_px_phone_without_breaking_a_word(live_server, browser, demo):
    from apps.accounts.models import User

    User.objects.filter(email="admin@northwind.example").update(language="nb")
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        log_in(page, live_server.url, "admin@northwind.example")
        page.goto(f"{live_server.url}/review/")
        tabbar = page.locator("nav.tabbar")
        assert page.locator("nav.tabbar a").all_inner_texts() == [
            "Oversikt",
            "Oppføringer",
            "Læringer",
            "Tiltak",
            "Medlemmer",
        ]
        assert tabbar.evaluate("bar => bar.scrollWidth") <= PHONE["width"]
        # Each label on one line: as tall as the shortest one.
        heights = tabbar.evaluate("bar => [...bar.querySelectorAll('a')].map(a => a.getBoundingClientRect().height)")
        assert max(heights) == min(heights)
    finally:
        context.close()
