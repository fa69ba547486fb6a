"""On a phone: from what a customer said, an action; the action becomes a pilot; its result; the chain back."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.insights.models import Action, Pilot
from apps.organizations.models import Role
from tests.accounts.factories import PASSWORD
from tests.e2e.conftest import PHONE, log_in
from tests.engagements.factories import EngagementFactory, LearningFactory
from tests.insights.factories import ActionFactory
from tests.organizations.factories import LocationFactory, MembershipFactory, OrganizationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TAP = 44  # px: the smallest comfortable tap target


@pytest.fixture
def learning(transactional_db):
    """What an executive heard on a store visit at Leeds, with the customer's own words."""
    organization = OrganizationFactory(name="Northwind", time_zone="Europe/London")
    executive = MembershipFactory(
        organization=organization,
        role=Role.EXECUTIVE,
        user__email="eve@northwind.example",
        user__full_name="Eve Executive",
    )
    leeds = LocationFactory(organization=organization, name="Leeds High Street", code="S101")
    visit = EngagementFactory(
        organization=organization, leader=executive, location=leeds, started_at=timezone.now() - timedelta(days=2)
    )
    return LearningFactory(
        engagement=visit,
        text="Queues at the tills reach nine people at noon.",
        quote="I left my basket and walked out.",
    )


def small_controls(page):
    """Buttons, inputs and selects on the page (not the header) shorter than a comfortable tap target."""
    heights = page.locator("main .btn:visible, main .form-control:visible, main .form-select:visible")
    return [
        heights.nth(i).inner_text() or heights.nth(i).get_attribute("name")
        for i in range(heights.count())
        if heights.nth(i).bounding_box()["height"] < TAP
    ]


def fits_the_phone(page):
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_from_a_learning_to_an_action_to_a_pilot_and_its_result_on_a_phone(live_server, learning, phone):
    base = live_server.url
    due = timezone.localdate() + timedelta(days=14)
    log_in(phone, base, "eve@northwind.example", password=PASSWORD)

    # The learning's page: "New action".
    phone.goto(f"{base}/learned/{learning.pk}/")
    phone.get_by_role("link", name="New action from this learning").click()
    phone.wait_for_url(f"{base}/actions/new/?learning={learning.pk}")
    assert "“I left my basket and walked out.”" in phone.locator("main").inner_text()
    assert phone.get_by_label("Owner").input_value() == str(learning.author_id)
    assert small_controls(phone) == []
    assert fits_the_phone(phone)

    phone.get_by_label("Title").fill("Open a second till at lunchtime")
    phone.get_by_label("Due date").fill(due.isoformat())
    phone.get_by_role("button", name="Create action").click()

    phone.wait_for_url(f"{base}/actions/*/")
    action = Action.objects.get()
    assert phone.url == f"{base}/actions/{action.pk}/"
    assert phone.locator("#messages").inner_text() == "Action created."
    assert phone.locator("#action-status").inner_text() == "Open"
    assert "Queues at the tills reach nine people at noon." in phone.locator("#learnings").inner_text()
    assert list(action.learnings.values_list("pk", flat=True)) == [learning.pk]
    assert small_controls(phone) == []
    assert fits_the_phone(phone)

    # Move it to piloting by starting a pilot; Leeds, where the customer said it, is ticked already.
    phone.get_by_role("link", name="Start a pilot").click()
    phone.wait_for_url(f"{base}/actions/{action.pk}/pilot/")
    assert phone.get_by_label("Leeds High Street (S101)").is_checked()
    phone.get_by_label("The change piloted").fill("Open a second till whenever five people queue.")
    phone.get_by_label("Hypothesis").fill("Waits fall below five minutes and fewer baskets are abandoned.")
    phone.get_by_label("What you measure").fill("Average wait at the tills (minutes)")
    phone.get_by_label("Baseline (before)").fill("6.5")
    assert small_controls(phone) == []
    assert fits_the_phone(phone)
    phone.get_by_role("button", name="Start the pilot").click()

    phone.wait_for_url(f"{base}/pilots/*/")
    pilot = Pilot.objects.get()
    assert phone.url == f"{base}/pilots/{pilot.pk}/"
    assert phone.locator("#messages").inner_text() == "Pilot started. The action is now piloting."
    action.refresh_from_db()
    assert action.status == "piloting"

    # Record the result and the verdict.
    phone.get_by_role("link", name="Record the result").click()
    phone.wait_for_url(f"{base}/pilots/{pilot.pk}/edit/")
    phone.get_by_label("Result (after)").fill("4")
    phone.get_by_text("Adopt", exact=True).click()
    phone.get_by_label("What was decided (optional)").fill("Every store from next month.")
    assert small_controls(phone) == []
    assert fits_the_phone(phone)
    phone.get_by_role("button", name="Save the pilot").click()

    # The pilot page: the chain back to the customer's words.
    phone.wait_for_url(f"{base}/pilots/{pilot.pk}/")
    assert phone.locator("#messages").inner_text() == "Pilot saved."
    said = phone.locator("#chain-said").inner_text()
    assert "“I left my basket and walked out.”" in said
    assert "Queues at the tills reach nine people at noon." in said
    assert "Heard by Eve Executive at Leeds High Street · Store visit" in said
    decided = phone.locator("#chain-decided").inner_text()
    assert "Open a second till at lunchtime" in decided
    assert "PILOTING" in decided.upper()
    assert "Open a second till whenever five people queue." in phone.locator("#chain-piloted").inner_text()
    assert phone.locator("#pilot-numbers").inner_text() == "6.50 → 4"
    assert phone.locator("#pilot-difference").inner_text() == "Difference −2.50 (−38 %)"
    assert phone.locator("#pilot-verdict").inner_text() == "Verdict: Adopt"
    assert fits_the_phone(phone)
    pilot.refresh_from_db()
    assert (pilot.baseline, pilot.result, pilot.verdict) == (Decimal("6.50"), Decimal("4.00"), "adopt")

    # ... and on to the customer visit it came from.
    phone.locator("#chain-said").get_by_role("link", name="The store visit").click()
    phone.wait_for_url(f"{base}/engagements/{learning.engagement_id}/")
    assert "I left my basket and walked out." in phone.locator("#learnings").inner_text()


def test_without_javascript_a_refused_drop_says_why_next_to_the_field(live_server, learning, phone_without_js):
    # given: an open action answering the learning
    page = phone_without_js
    base = live_server.url
    action = ActionFactory(
        organization=learning.organization, owner=learning.author, title="Water for queuing customers"
    )
    log_in(page, base, "eve@northwind.example", password=PASSWORD)
    page.goto(f"{base}/actions/{action.pk}/")

    # when: dropped without a reason
    page.get_by_text("Drop…", exact=True).click()
    page.get_by_role("button", name="Drop the action").click()

    # then: the message is next to the field, the form stays open, nothing changed
    page.wait_for_url(f"{base}/actions/{action.pk}/status/")
    assert page.locator("#id_reason_errors").inner_text() == "Say why the action is dropped."
    action.refresh_from_db()
    assert action.status == "open"

    # when: with a reason
    page.get_by_label("Why is it dropped?").fill("The landlord will not allow a second till.")
    page.get_by_role("button", name="Drop the action").click()

    # then
    page.wait_for_url(f"{base}/actions/{action.pk}/")
    assert page.locator("#action-status").inner_text() == "Dropped"
    assert page.locator("#action-dropped-reason").inner_text() == "The landlord will not allow a second till."
