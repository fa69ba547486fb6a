"""The quick log: GET / and /log/, POST /log/ (with and without htmx)."""

import uuid
from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.engagements.forms import QuickLogForm
from apps.engagements.models import Engagement, Learning
from apps.organizations import selectors as org_selectors
from tests.engagements.factories import EngagementFactory
from tests.engagements.helpers import (
    DATETIME_LOCAL,
    LONDON,
    checked_values,
    counts,
    error_div,
    input_value,
    local_minute,
    log_post,
    options,
    parse,
    period_bounds,
    selected_options,
    tags,
)
from tests.organizations.factories import LocationFactory, MembershipFactory

pytestmark = pytest.mark.django_db

LOG_URL = "/log/"
HTMX = {"HTTP_HX_REQUEST": "true"}


def detail_url(engagement):
    return reverse("engagements:detail", args=[engagement.pk])


# --- GET ---------------------------------------------------------------------------------------


def test_home_shows_an_executive_the_quick_log_with_defaults(client_for, executive, location, organization):
    # given: a customer call was the last thing logged; High Street is the most recently used location
    older = LocationFactory(organization=organization, name="Old Town")
    EngagementFactory(
        organization=organization,
        leader=executive,
        location=older,
        kind="store_visit",
        started_at=timezone.now() - timedelta(days=3),
    )
    EngagementFactory(
        organization=organization,
        leader=executive,
        location=location,
        kind="customer_call",
        started_at=timezone.now() - timedelta(days=1),
    )
    before = local_minute()

    # when
    response = client_for(executive).get("/")

    # then
    after = local_minute()
    assert response.status_code == 200
    assert [t.name for t in response.templates][:2] == ["engagements/log.html", "base.html"]
    html = response.content.decode()
    assert checked_values(html, "kind") == ["customer_call"]
    assert checked_values(html, "duration") == ["30"]
    assert checked_values(html, "learning_kind") == ["observation"]
    assert checked_values(html, "customer_type") == ["external"]
    assert input_value(html, "started_at") in {before.strftime(DATETIME_LOCAL), after.strftime(DATETIME_LOCAL)}
    assert selected_options(html, "location") == [str(location.pk)]
    assert options(html, "location")[:3] == [
        ("", "— No location (call, online) —"),
        (str(location.pk), "High Street (HS1)"),
        (str(older.pk), f"Old Town ({older.code})"),
    ]
    assert input_value(html, "leader") == str(executive.pk)
    [hidden_uuid] = tags(html, "input", name="client_uuid", type="hidden")
    assert uuid.UUID(hidden_uuid["value"]).version == 4
    assert not Engagement.objects.filter(client_uuid=hidden_uuid["value"]).exists()
    assert "On behalf of" not in html


def test_each_get_carries_a_fresh_client_uuid(client_for, executive):
    # given
    client = client_for(executive)

    # when
    first = input_value(client.get("/").content.decode(), "client_uuid")
    second = input_value(client.get(LOG_URL).content.decode(), "client_uuid")

    # then
    assert first != second


def test_quick_log_defaults_for_a_first_time_user(client_for, executive):
    # when
    html = client_for(executive).get(LOG_URL).content.decode()

    # then: store visit, no location preselected
    assert checked_values(html, "kind") == ["store_visit"]
    assert selected_options(html, "location") == [""]
    assert options(html, "location") == [("", "— No location (call, online) —")]


def test_quick_log_shows_the_week_and_month_totals(client_for, executive):
    # given
    EngagementFactory(
        organization=executive.organization,
        leader=executive,
        duration_minutes=75,
        started_at=period_bounds()[0],
    )

    # when
    html = client_for(executive).get(LOG_URL).content.decode()

    # then
    assert "<span>This week <strong>1 h 15 min</strong></span>" in html
    assert "<span>This month <strong>1 h 15 min</strong></span>" in html


@pytest.mark.parametrize("member", ["board_member", "admin_member"], indirect=True)
def test_home_sends_readers_to_the_feed(client_for, member):
    # when
    response = client_for(member).get("/")

    # then
    assert response.status_code == 302
    assert response["Location"] == "/feed/"


@pytest.mark.parametrize("member", ["board_member", "admin_member"], indirect=True)
def test_log_page_is_forbidden_to_those_who_cannot_log(client_for, member):
    # when
    response = client_for(member).get(LOG_URL)

    # then
    assert response.status_code == 403


def test_log_page_sends_a_deactivated_member_to_create_or_join_an_organization(client_for, inactive_executive):
    # when
    response = client_for(inactive_executive).get(LOG_URL)

    # then
    assert response.status_code == 302
    assert response["Location"] == "/org/new/"


def test_log_page_needs_a_login(client):
    # when
    response = client.get(LOG_URL)

    # then
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/log/"


def test_chief_of_staff_sees_on_behalf_of_with_only_supported_executives(
    client_for, chief_of_staff, executive, peer, stranger
):
    # given
    chief_of_staff.supports.add(peer)

    # when
    html = client_for(chief_of_staff).get("/").content.decode()

    # then
    assert '<label class="form-label" for="id_leader">On behalf of</label>' in html
    expected = sorted([(str(m.pk), m.display_name) for m in (executive, peer)], key=lambda pair: pair[1])
    assert options(html, "leader") == expected
    assert len(selected_options(html, "leader")) == 1


def test_log_page_has_no_inline_script_or_style(client_for, chief_of_staff, location):
    # given: the richest variant of the page (chief of staff: leader select, participants)
    MembershipFactory(organization=chief_of_staff.organization, role="executive")

    # when
    response = client_for(chief_of_staff).get(LOG_URL)

    # then: the CSP allows only same-origin files
    html = response.content.decode()
    parsed = parse(html)
    scripts = [attrs for name, attrs in parsed.tags if name == "script"]
    assert len(scripts) == 2
    assert all(attrs.get("src", "").startswith("/static/") for attrs in scripts)
    assert [body.strip() for body in parsed.script_bodies] == ["", ""]
    assert [name for name, attrs in parsed.tags if "style" in attrs] == []
    assert [name for name, _ in parsed.tags if name == "style"] == []
    assert [name for name, attrs in parsed.tags if any(key.startswith("on") for key in attrs)] == []
    assert 'style="' not in html
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "style-src 'self'" in csp


def test_log_page_is_phone_ready(client_for, executive):
    # when
    html = client_for(executive).get(LOG_URL).content.decode()

    # then
    assert tags(html, "meta", name="viewport") == [
        {"name": "viewport", "content": "width=device-width, initial-scale=1"}
    ]
    [custom] = tags(html, "input", name="duration_custom")
    assert custom["type"] == "number"
    assert custom["inputmode"] == "numeric"
    assert (custom["min"], custom["max"]) == ("1", "1440")
    [started] = tags(html, "input", name="started_at")
    assert started["type"] == "datetime-local"


# --- POST: success -----------------------------------------------------------------------------


def test_post_saves_and_redirects_to_the_engagement(client_for, executive, peer, location):
    # given
    client = client_for(executive)
    data = log_post(
        leader=executive,
        location=location,
        started_at="2026-01-15T09:30",
        duration="90",
        customer_type="internal",
        customers_met="7",
        notes="Busy morning",
        participants=[str(peer.pk)],
        learning_kind="competitor",
        learning_text="  The rival store has self-checkout.  ",
        learning_quote="It's quicker over there.",
    )

    # when
    response = client.post(LOG_URL, data)

    # then
    engagement = Engagement.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/engagements/{engagement.pk}/"
    assert str(engagement.client_uuid) == data["client_uuid"]
    assert engagement.kind == "store_visit"
    assert engagement.location == location
    assert engagement.started_at == datetime(2026, 1, 15, 9, 30, tzinfo=LONDON)
    assert engagement.duration_minutes == 90
    assert engagement.customer_type == "internal"
    assert engagement.customers_met == 7
    assert engagement.notes == "Busy morning"
    assert (engagement.leader, engagement.logged_by) == (executive, executive)
    assert sorted(engagement.participants.values_list("membership_id", "minutes")) == sorted(
        [(executive.pk, 90), (peer.pk, 90)]
    )
    assert list(Learning.objects.values_list("author_id", "kind", "text", "quote")) == [
        (executive.pk, "competitor", "The rival store has self-checkout.", "It's quicker over there.")
    ]
    page = client.get(response["Location"])
    assert (
        '<div class="alert alert-success py-2" role="status">Saved. Thank you for spending time with customers.</div>'
        in (page.content.decode())
    )


def test_post_in_summer_time_reads_the_wall_clock_of_the_member(client_for, executive):
    # when
    client_for(executive).post(LOG_URL, log_post(leader=executive, kind="customer_call", started_at="2025-07-01T09:30"))

    # then: 09:30 BST is 08:30 UTC
    assert Engagement.objects.get().started_at.isoformat() == "2025-07-01T08:30:00+00:00"


@pytest.mark.parametrize(
    ("duration", "custom", "minutes"),
    [
        ("15", "", 15),
        ("30", "", 30),
        ("60", "", 60),
        ("90", "", 90),
        ("120", "", 120),
        ("custom", "45", 45),
        ("30", "200", 200),
    ],  # a typed number wins over the preset left checked
)
def test_post_duration_presets_and_custom(client_for, executive, duration, custom, minutes):
    # when
    response = client_for(executive).post(
        LOG_URL, log_post(leader=executive, kind="customer_call", duration=duration, duration_custom=custom)
    )

    # then
    assert response.status_code == 302
    engagement = Engagement.objects.get()
    assert engagement.duration_minutes == minutes
    assert list(engagement.participants.values_list("minutes", flat=True)) == [minutes]


def test_post_without_a_learning_saves_none(client_for, executive):
    # when
    client_for(executive).post(LOG_URL, log_post(leader=executive, kind="customer_call", learning_text="   "))

    # then
    assert counts() == (1, 1, 0)


def test_htmx_post_answers_the_fragment_with_a_fresh_form(client_for, executive, location):
    # given: earlier this week, 15 minutes already logged
    EngagementFactory(
        organization=executive.organization,
        leader=executive,
        duration_minutes=15,
        started_at=period_bounds()[0],
    )
    data = log_post(
        leader=executive,
        location=location,
        kind="incognito_visit",
        duration="60",
        started_at=local_minute().strftime(DATETIME_LOCAL),
    )

    # when
    response = client_for(executive).post(LOG_URL, data, **HTMX)

    # then
    assert response.status_code == 200
    assert response.templates[0].name == "engagements/_log_form.html"
    html = response.content.decode()
    assert "<html" not in html
    engagement = Engagement.objects.get(client_uuid=data["client_uuid"])
    assert "Saved: Incognito store visit at High Street, 1 h." in html
    assert f'<a href="/engagements/{engagement.pk}/" class="alert-link">Open it</a>' in html
    fresh = input_value(html, "client_uuid")
    assert fresh != data["client_uuid"]
    assert uuid.UUID(fresh).version == 4
    assert checked_values(html, "kind") == ["incognito_visit"]  # the kind just used
    assert selected_options(html, "location") == [str(location.pk)]
    assert checked_values(html, "duration") == ["30"]
    assert input_value(html, "duration_custom") is None
    # the totals above the form are refreshed out of band
    [strip] = tags(html, "a", id="totals-strip")
    assert strip["hx-swap-oob"] == "true"
    assert "<span>This week <strong>1 h 15 min</strong></span>" in html
    assert counts() == (2, 2, 1)


def test_replayed_post_creates_one_engagement_and_shows_it(client_for, executive, location):
    # given
    client = client_for(executive)
    data = log_post(leader=executive, location=location)

    # when: a double tap, then a replay from the offline queue
    first = client.post(LOG_URL, data)
    second = client.post(LOG_URL, data)

    # then
    engagement = Engagement.objects.get()
    assert (first.status_code, second.status_code) == (302, 302)
    assert first["Location"] == second["Location"] == f"/engagements/{engagement.pk}/"
    assert counts() == (1, 1, 1)


def test_replayed_htmx_post_confirms_the_same_engagement(client_for, executive, location):
    """What the offline outbox does: it deletes its copy on a 200."""
    # given
    client = client_for(executive)
    data = log_post(leader=executive, location=location)

    # when
    first = client.post(LOG_URL, data, **HTMX)
    second = client.post(LOG_URL, data, **HTMX)

    # then
    engagement = Engagement.objects.get()
    assert (first.status_code, second.status_code) == (200, 200)
    link = f'<a href="/engagements/{engagement.pk}/" class="alert-link">Open it</a>'
    assert link in first.content.decode()
    assert link in second.content.decode()
    assert counts() == (1, 1, 1)


@pytest.mark.parametrize(
    ("poster", "status"),
    [("stranger", 422), ("board_member", 403)],
)
def test_htmx_replay_refused_for_good_answers_4xx_and_creates_nothing(request, client_for, executive, poster, status):
    """The outbox drops an entry on 422/403 and tells the user; here: someone else's form, or a reader."""
    # given: the executive's entry is already saved
    data = log_post(leader=executive, kind="customer_call")
    client_for(executive).post(LOG_URL, data)
    before = counts()

    # when: the same body is sent by another member
    response = client_for(request.getfixturevalue(poster)).post(LOG_URL, data, **HTMX)

    # then
    assert response.status_code == status
    assert counts() == before == (1, 1, 1)


def test_chief_of_staff_logs_on_behalf(client_for, chief_of_staff, executive):
    # when
    response = client_for(chief_of_staff).post(LOG_URL, log_post(leader=executive, kind="customer_call"))

    # then
    engagement = Engagement.objects.get()
    assert response["Location"] == detail_url(engagement)
    assert (engagement.leader, engagement.logged_by, engagement.on_behalf) == (executive, chief_of_staff, True)
    assert list(engagement.participants.values_list("membership_id", flat=True)) == [executive.pk]
    assert list(Learning.objects.values_list("author_id", flat=True)) == [executive.pk]


# --- POST: bad input ---------------------------------------------------------------------------


def two_days_ahead():
    return (local_minute() + timedelta(days=2)).strftime(DATETIME_LOCAL)


@pytest.mark.parametrize(
    ("overrides", "field_id", "message"),
    [
        ({"duration": "custom", "duration_custom": "0"}, "id_duration_custom", "Enter between 1 and 1440 minutes."),
        (
            {"duration": "custom", "duration_custom": "2000"},
            "id_duration_custom",
            "Enter between 1 and 1440 minutes (a day at most).",
        ),
        ({"duration": "custom", "duration_custom": ""}, "id_duration_custom", "Enter the number of minutes."),
        ({"duration": "custom", "duration_custom": "ten"}, "id_duration_custom", "Enter a whole number."),
        ({"duration": "45"}, "id_duration", "Select a valid choice. 45 is not one of the available choices."),
        ({"started_at": two_days_ahead}, "id_started_at", "The start can be at most one day in the future."),
        ({"started_at": "yesterday"}, "id_started_at", "Enter a valid date/time."),
        ({"started_at": ""}, "id_started_at", "This field is required."),
        (
            {"location": "outside_location"},
            "id_location",
            "Select a valid choice. That choice is not one of the available choices.",
        ),
        (
            {"location": "999999"},
            "id_location",
            "Select a valid choice. That choice is not one of the available choices.",
        ),
        ({"kind": ""}, "id_kind", "This field is required."),
        ({"kind": "picnic"}, "id_kind", "Select a valid choice. picnic is not one of the available choices."),
        ({"location": ""}, "id_location", "Choose where this happened."),  # a store visit needs a place
        ({"kind": "front_line_shift", "location": ""}, "id_location", "Choose where this happened."),
        (
            {"learning_text": "", "learning_quote": "Too slow"},
            "id_learning_text",
            "Add what you learned from this quote.",
        ),
        ({"customers_met": "-1"}, "id_customers_met", "Ensure this value is greater than or equal to 0."),
    ],
)
def test_invalid_post_rerenders_the_form_with_the_error_next_to_the_field(
    request, client_for, executive, location, overrides, field_id, message
):
    # given
    resolved = {}
    for key, value in overrides.items():
        if callable(value):
            value = value()
        elif value == "outside_location":
            value = str(request.getfixturevalue("outside_location").pk)
        resolved[key] = value
    data = log_post(leader=executive, location=location)
    data.update(resolved)

    # when
    response = client_for(executive).post(LOG_URL, data)

    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert error_div(field_id, message) in html
    assert html.count('class="invalid-feedback d-block"') == 1  # one clear message, not two
    assert "Nothing was saved yet: please check the highlighted fields." in html
    assert counts() == (0, 0, 0)


def test_invalid_post_keeps_the_client_uuid_and_what_was_typed(client_for, executive, location):
    # given
    data = log_post(leader=executive, location=location, duration="custom", duration_custom="0", notes="Keep me")

    # when
    html = client_for(executive).post(LOG_URL, data).content.decode()

    # then: a corrected resubmit is still the same entry
    assert input_value(html, "client_uuid") == data["client_uuid"]
    assert input_value(html, "duration_custom") == "0"
    assert checked_values(html, "duration") == []  # typed minutes stand for "other"; no preset is lit
    assert selected_options(html, "location") == [str(location.pk)]
    assert "Keep me</textarea>" in html
    [custom] = tags(html, "input", name="duration_custom")
    assert custom["class"] == "form-control is-invalid"
    assert custom["aria-describedby"] == "id_duration_custom_errors"


def test_invalid_htmx_post_answers_422_with_the_errors_in_the_fragment(client_for, executive):
    # when
    response = client_for(executive).post(
        LOG_URL, log_post(leader=executive, duration="custom", duration_custom="2000"), **HTMX
    )

    # then: 422 is how the offline outbox (static/js/gemba.js) knows an entry was refused for good
    assert response.status_code == 422
    assert response.templates[0].name == "engagements/_log_form.html"
    html = response.content.decode()
    assert "<html" not in html
    assert error_div("id_duration_custom", "Enter between 1 and 1440 minutes (a day at most).") in html
    assert counts() == (0, 0, 0)


def test_participant_of_another_organization_is_refused(client_for, executive, outsider):
    # when
    response = client_for(executive).post(
        LOG_URL, log_post(leader=executive, kind="customer_call", participants=[str(outsider.pk)])
    )

    # then
    assert response.status_code == 200
    assert (
        error_div("id_participants", f"Select a valid choice. {outsider.pk} is not one of the available choices.")
        in response.content.decode()
    )
    assert counts() == (0, 0, 0)


@pytest.mark.parametrize("leader", ["stranger", "outsider", "board_member"])
def test_executive_cannot_log_for_someone_else(request, client_for, executive, leader):
    # when
    response = client_for(executive).post(
        LOG_URL, log_post(leader=request.getfixturevalue(leader), kind="customer_call")
    )

    # then
    assert response.status_code == 200
    assert (
        error_div("id_leader", "Select a valid choice. That choice is not one of the available choices.")
        in response.content.decode()
    )
    assert counts() == (0, 0, 0)


def test_chief_of_staff_cannot_log_for_an_unsupported_executive(client_for, chief_of_staff, stranger):
    # when
    response = client_for(chief_of_staff).post(LOG_URL, log_post(leader=stranger, kind="customer_call"))

    # then
    assert response.status_code == 200
    assert (
        error_div("id_leader", "Select a valid choice. That choice is not one of the available choices.")
        in response.content.decode()
    )
    assert counts() == (0, 0, 0)


def test_reusing_another_organizations_client_uuid_shows_the_error(client_for, executive, outsider):
    # given
    taken = EngagementFactory(organization=outsider.organization, leader=outsider)

    # when
    response = client_for(executive).post(
        LOG_URL, log_post(leader=executive, kind="customer_call", client_uuid=str(taken.client_uuid))
    )

    # then: shown above the form (the UUID field is hidden); nothing of ours was saved
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        '<div class="alert alert-danger py-2" role="alert" id="id_client_uuid_errors">'
        "This form was already used elsewhere; reload the page.</div>"
    ) in html
    assert "please check the highlighted fields" not in html
    assert counts() == (1, 1, 0)


@pytest.mark.parametrize("value", ["not-a-uuid", ""])
def test_damaged_client_uuid_is_reported_above_the_form(client_for, executive, value):
    # when
    response = client_for(executive).post(LOG_URL, log_post(leader=executive, kind="customer_call", client_uuid=value))

    # then
    assert response.status_code == 200
    assert (
        '<div class="alert alert-danger py-2" role="alert" id="id_client_uuid_errors">'
        "This form is out of date; reload the page and log again.</div>"
    ) in response.content.decode()
    assert counts() == (0, 0, 0)


@pytest.mark.parametrize("member", ["board_member", "admin_member"], indirect=True)
def test_readers_cannot_post_and_nothing_is_created(client_for, member, executive):
    # when
    response = client_for(member).post(LOG_URL, log_post(leader=executive, kind="customer_call"))

    # then
    assert response.status_code == 403
    assert counts() == (0, 0, 0)


def test_anonymous_post_is_sent_to_login_and_nothing_is_created(client, executive):
    # when
    response = client.post(LOG_URL, log_post(leader=executive, kind="customer_call"))

    # then
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/log/"
    assert counts() == (0, 0, 0)


# --- properties --------------------------------------------------------------------------------


def quick_log_form(executive, data):
    return QuickLogForm(
        data,
        leaders=org_selectors.leaders_for(membership=executive),
        executives=org_selectors.executives(organization=executive.organization_id),
        locations=org_selectors.location_list(organization=executive.organization_id),
    )


@settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(minutes=st.one_of(st.integers(max_value=0), st.integers(min_value=1441)))
def test_any_duration_outside_one_to_1440_is_rejected_and_creates_nothing(client_for, executive, minutes):
    # given
    data = log_post(leader=executive, kind="customer_call", duration="custom", duration_custom=str(minutes))

    # when
    form = quick_log_form(executive, data)
    response = client_for(executive).post(LOG_URL, data)

    # then
    assert form.is_valid() is False
    assert list(form.errors) == ["duration_custom"]
    assert response.status_code == 200
    expected = (
        "Enter between 1 and 1440 minutes." if minutes < 1 else "Enter between 1 and 1440 minutes (a day at most)."
    )
    assert error_div("id_duration_custom", expected) in response.content.decode()
    assert Engagement.objects.count() == 0


@settings(max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(minutes=st.integers(min_value=1, max_value=1440))
def test_any_duration_from_one_to_1440_is_accepted(client_for, executive, minutes):
    # given
    data = log_post(leader=executive, kind="customer_call", duration="custom", duration_custom=str(minutes))

    # when
    form = quick_log_form(executive, data)
    response = client_for(executive).post(LOG_URL, data)

    # then
    assert form.is_valid() is True
    assert form.cleaned_data["duration_minutes"] == minutes
    engagement = Engagement.objects.get(client_uuid=data["client_uuid"])
    assert response.status_code == 302
    assert response["Location"] == detail_url(engagement)
    assert engagement.duration_minutes == minutes
    assert list(engagement.participants.values_list("minutes", flat=True)) == [minutes]


def test_typed_minutes_alone_are_enough(client_for, executive, location):
    # given: no preset tapped, only minutes typed (what a phone without JavaScript sends)
    data = log_post(leader=executive, location=location, duration_custom="75")
    data.pop("duration")

    # when
    response = client_for(executive).post(LOG_URL, data)

    # then
    assert response.status_code == 302
    assert Engagement.objects.get().duration_minutes == 75


def test_neither_preset_nor_minutes_asks_for_the_minutes(client_for, executive, location):
    data = log_post(leader=executive, location=location, duration_custom="")
    data.pop("duration")

    html = client_for(executive).post(LOG_URL, data).content.decode()

    assert 'id="id_duration_custom_errors">Enter the number of minutes.</div>' in html
    assert Engagement.objects.count() == 0
