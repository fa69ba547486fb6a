"""The plan form shows and reads only the fields of the chosen cadence."""

import re

import pytest

from apps.scheduling.models import Plan
from tests.engagements.helpers import error_div
from tests.scheduling.test_views import plan_post

pytestmark = pytest.mark.django_db


def wrapper_of(html, name):
    """The opening tag of the block holding the field `name` (label, input, help, errors)."""
    match = re.search(rf'<div class="mb-3"[^>]*>\s*<label class="form-label" for="id_{name}">', html)
    return match.group(0).split(">", 1)[0] + ">"


def test_the_fields_of_one_cadence_are_marked_for_it_and_the_rest_are_not(client_for, executive):
    html = client_for(executive).get("/schedule/plans/new/").content.decode()

    assert wrapper_of(html, "interval") == '<div class="mb-3" data-cadence="every_n_weeks">'
    assert wrapper_of(html, "custom_rule") == '<div class="mb-3" data-cadence="custom">'
    assert {wrapper_of(html, name) for name in ("start_date", "start_time", "end_date", "title")} == {
        '<div class="mb-3">'
    }


@pytest.mark.parametrize(
    ("cadence", "rrule"),
    [("weekly", "FREQ=WEEKLY;BYDAY=MO"), ("monthly_nth_weekday", "FREQ=MONTHLY;INTERVAL=1;BYDAY=+1MO")],
)
def test_what_a_hidden_field_still_holds_does_not_stop_a_plan(client_for, executive, cadence, rrule):
    data = plan_post(executive, cadence=cadence, interval="every other", custom_rule="FREQ=SOMETIMES")
    data["start_date"] = "2030-03-04"

    response = client_for(executive).post("/schedule/plans/new/", data)

    plan = Plan.objects.get()
    assert response.status_code == 302
    assert (plan.cadence, plan.rrule) == (cadence, rrule)


def test_the_field_of_the_chosen_cadence_is_still_checked(client_for, executive):
    data = plan_post(executive, cadence="every_n_weeks", interval="every other")

    html = client_for(executive).post("/schedule/plans/new/", data).content.decode()

    assert error_div("id_interval", "Enter a whole number.") in html
    assert Plan.objects.count() == 0
