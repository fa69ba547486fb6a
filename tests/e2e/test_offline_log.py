"""Bad signal: a log saved offline waits on the phone and is sent, exactly once, when signal returns."""

import time

import pytest

from apps.engagements.models import Engagement, Learning
from tests.e2e.conftest import log_in
from tests.waiting import wait_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_entry_logged_without_signal_is_sent_once_signal_returns(live_server, demo, phone):
    log_in(phone, live_server.url, "ceo@northwind.example")
    before = Engagement.objects.count()
    phone.context.set_offline(True)

    phone.get_by_text("Front-line shift", exact=True).click()
    phone.get_by_label("Where").select_option(label="Bristol Station (S111)")
    phone.get_by_text("2 h", exact=True).click()
    phone.get_by_label("What did you learn?").fill("The night team has no way to order missing stock.")
    phone.get_by_role("button", name="Save").click()

    status = phone.locator("#outbox-status")
    status.wait_for(state="visible")
    assert status.inner_text() == "1 entry is saved on this phone and will be sent when there is signal."
    assert Engagement.objects.count() == before
    # The form is ready for the next entry, with a new client UUID.
    assert phone.get_by_label("What did you learn?").input_value() == ""

    phone.context.set_offline(False)
    phone.evaluate("window.gembaOutbox.flush()")

    assert wait_for(lambda: Engagement.objects.count() == before + 1)
    status.wait_for(state="hidden")
    engagement = Engagement.objects.order_by("-created_at").first()
    assert (engagement.kind, engagement.duration_minutes, engagement.location.name) == (
        "front_line_shift",
        120,
        "Bristol Station",
    )
    assert Learning.objects.get(engagement=engagement).text == "The night team has no way to order missing stock."

    # A second flush (another tab, a retry) finds nothing left to send and creates nothing.
    phone.evaluate("window.gembaOutbox.flush()")
    time.sleep(0.5)
    assert Engagement.objects.count() == before + 1


def test_service_worker_is_served_from_the_root_with_scope_header(client):
    response = client.get("/sw.js")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/javascript; charset=utf-8"
    assert response["Service-Worker-Allowed"] == "/"
    assert b'self.addEventListener("fetch"' in response.content
    assert 'const OFFLINE_TEXT = "You are offline and this page was not saved on this phone.";' in response.text


def test_service_worker_s_offline_page_is_in_the_person_s_language(client):
    response = client.get("/sw.js", headers={"accept-language": "nb"})

    assert 'const OFFLINE_TEXT = "Du er uten nett, og denne siden er ikke lagret på telefonen.";' in response.text
    assert "__OFFLINE_TEXT__" not in response.text


def test_two_entries_logged_on_the_cached_page_offline_both_arrive(live_server, demo, phone):
    # given: the log page was opened online once, so the service worker keeps a copy
    log_in(phone, live_server.url, "ceo@northwind.example")
    phone.evaluate("navigator.serviceWorker.ready.then(() => true)")
    phone.goto(f"{live_server.url}/log/")
    assert wait_for(lambda: phone.evaluate("navigator.serviceWorker.controller !== null"))
    phone.goto(f"{live_server.url}/log/")  # now served through the worker, which caches it
    served_uuid = phone.locator('input[name="client_uuid"]').input_value()
    before = Engagement.objects.count()

    # when: no signal; the page comes from the cache; two visits are logged
    phone.context.set_offline(True)
    phone.reload()
    cached_uuid = phone.locator('input[name="client_uuid"]').input_value()
    for count, text in enumerate(("First visit without signal.", "Second visit without signal."), start=1):
        phone.get_by_text("Customer call", exact=True).click()
        phone.get_by_label("Where").select_option(value="")
        phone.get_by_text("15 min", exact=True).click()
        phone.get_by_label("What did you learn?").fill(text)
        phone.get_by_role("button", name="Save").click()
        waiting = "1 entry is" if count == 1 else f"{count} entries are"
        # Locator waits, not wait_for_function: the page's CSP rightly forbids evaluating strings.
        phone.locator("#outbox-status", has_text=waiting).wait_for()
    status = phone.locator("#outbox-status")
    assert status.inner_text() == "2 entries are saved on this phone and will be sent when there is signal."

    # then: signal returns, both arrive, each once
    phone.context.set_offline(False)
    phone.evaluate("window.gembaOutbox.flush()")
    assert wait_for(lambda: Engagement.objects.count() == before + 2)
    assert cached_uuid != served_uuid
    texts = sorted(Learning.objects.order_by("-created_at").values_list("text", flat=True)[:2])
    assert texts == ["First visit without signal.", "Second visit without signal."]
