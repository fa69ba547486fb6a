"""Pilot pages: start a pilot from an action, record its result and verdict, the chain page, the list."""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.insights.models import Action, Pilot
from apps.organizations.models import Role
from tests.engagements.factories import EngagementFactory, LearningFactory
from tests.engagements.helpers import LONDON, checked_values, error_div, input_value, tags
from tests.insights.factories import ActionFactory, PilotFactory
from tests.organizations.factories import LocationFactory, MembershipFactory, OrganizationFactory, RegionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def names(executive, peer):
    executive.user.full_name = "Eve Executive"
    executive.user.save()


@pytest.fixture
def peer(organization):
    return MembershipFactory(organization=organization, role=Role.EXECUTIVE, user__full_name="Pat Peer")


@pytest.fixture
def outsider(db):
    return MembershipFactory(organization=OrganizationFactory(), role=Role.EXECUTIVE)


@pytest.fixture
def member(request):
    return request.getfixturevalue(request.param)


@pytest.fixture
def stores(organization):
    """Leeds and York (open), Hull (closed), all in the North region."""
    north = RegionFactory(organization=organization, name="North")
    return {
        "leeds": LocationFactory(organization=organization, region=north, name="Leeds", code="L1"),
        "york": LocationFactory(organization=organization, region=north, name="York", code="Y1"),
        "hull": LocationFactory(organization=organization, region=north, name="Hull", code="H1", is_active=False),
    }


@pytest.fixture
def learnings(executive, peer, stores):
    """Two things customers said: at Leeds (with their words) and on a call (no location)."""
    heard = datetime(2026, 3, 2, 12, 0, tzinfo=LONDON)
    at_leeds = LearningFactory(
        engagement=EngagementFactory(
            organization=executive.organization, leader=executive, location=stores["leeds"], started_at=heard
        ),
        text="Queues at the tills at lunchtime.",
        quote="I left my basket and walked out.",
    )
    on_a_call = LearningFactory(
        engagement=EngagementFactory(
            organization=executive.organization,
            leader=peer,
            location=None,
            kind="customer_call",
            started_at=heard + timedelta(days=2),
        ),
        text="Self-checkout is always broken.",
    )
    return at_leeds, on_a_call


@pytest.fixture
def action(executive, learnings):
    return ActionFactory(
        organization=executive.organization,
        owner=executive,
        title="Open a second till at lunch",
        status="in_progress",
        learnings=list(learnings),
    )


@pytest.fixture
def pilot(action, stores):
    action.status = "piloting"
    action.save()
    return PilotFactory(
        action=action,
        change="A second till opens when five people queue.",
        hypothesis="Waits fall below three minutes.",
        starts_on=timezone.localdate() - timedelta(days=7),
        ends_on=timezone.localdate() + timedelta(days=21),
        metric="Average checkout wait (minutes)",
        baseline=Decimal("6.50"),
        locations=[stores["leeds"], stores["hull"]],
    )


def day(offset):
    return (timezone.localdate() + timedelta(days=offset)).isoformat()


def pilot_post(**overrides):
    data = {
        "change": "A second till opens when five people queue.",
        "hypothesis": "Waits fall below three minutes.",
        "starts_on": day(1),
        "ends_on": day(29),
        "metric": "Average checkout wait (minutes)",
        "baseline": "6.50",
    }
    data.update(overrides)
    return data


def no_inline_code(html):
    return not [t for t in tags(html, "script") if "src" not in t] and 'style="' not in html


def state():
    return (
        list(Pilot.objects.order_by("pk").values()),
        list(Pilot.locations.through.objects.order_by("pk").values_list("pilot_id", "location_id")),
        list(Action.objects.order_by("pk").values()),
    )


# --- start a pilot -----------------------------------------------------------------------------------------
def test_the_pilot_form_suggests_the_change_dates_and_where_customers_said_it(client_for, executive, action, stores):
    response = client_for(executive).get(f"/actions/{action.pk}/pilot/")

    html = response.content.decode()
    assert response.status_code == 200
    assert '<h1 class="h4">Start a pilot</h1>' in html
    assert "Open a second till at lunch</textarea>" in html
    assert (input_value(html, "starts_on"), input_value(html, "ends_on")) == (day(0), day(28))
    # Open locations only; Leeds ticked, where the learning was heard.
    assert [t["value"] for t in tags(html, "input", name="locations")] == [
        str(stores["leeds"].pk),
        str(stores["york"].pk),
    ]
    assert checked_values(html, "locations") == [str(stores["leeds"].pk)]
    assert tags(html, "input", name="result") == []
    assert tags(html, "input", name="verdict") == []
    assert no_inline_code(html)


def test_starting_a_pilot_saves_it_and_moves_the_action_to_piloting(client_for, chief_of_staff, action, stores):
    client = client_for(chief_of_staff)

    response = client.post(
        f"/actions/{action.pk}/pilot/", pilot_post(locations=[stores["leeds"].pk, stores["york"].pk])
    )

    pilot = Pilot.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/pilots/{pilot.pk}/"
    assert (pilot.action, pilot.starts_on.isoformat(), pilot.ends_on.isoformat(), pilot.baseline) == (
        action,
        day(1),
        day(29),
        Decimal("6.50"),
    )
    assert sorted(pilot.locations.values_list("name", flat=True)) == ["Leeds", "York"]
    action.refresh_from_db()
    assert action.status == "piloting"
    assert "Pilot started. The action is now piloting." in client.get(response["Location"]).content.decode()


def test_a_pilot_ending_before_it_starts_says_so_next_to_the_end_and_saves_nothing(client_for, executive, action):
    before = state()

    response = client_for(executive).post(f"/actions/{action.pk}/pilot/", pilot_post(starts_on=day(10), ends_on=day(9)))

    html = response.content.decode()
    assert response.status_code == 200
    assert error_div("id_ends_on", "The pilot can&#x27;t end before it starts.") in html
    assert (input_value(html, "starts_on"), input_value(html, "ends_on")) == (day(10), day(9))
    assert state() == before


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"change": ""}, "id_change", "This field is required."),
        ({"metric": ""}, "id_metric", "This field is required."),
        ({"starts_on": "tomorrow"}, "id_starts_on", "Enter a valid date."),
        ({"baseline": "six"}, "id_baseline", "Enter a number."),
    ],
)
def test_bad_pilot_fields_show_their_message(client_for, executive, action, overrides, field, message):
    before = state()

    html = client_for(executive).post(f"/actions/{action.pk}/pilot/", pilot_post(**overrides)).content.decode()

    assert error_div(field, message) in html
    assert state() == before


@pytest.mark.parametrize("where", ["outside", "closed"])
def test_a_location_of_another_organization_or_a_closed_one_is_not_a_choice(
    client_for, executive, action, outsider, stores, where
):
    location = LocationFactory(organization=outsider.organization) if where == "outside" else stores["hull"]
    before = state()

    html = (
        client_for(executive).post(f"/actions/{action.pk}/pilot/", pilot_post(locations=[location.pk])).content.decode()
    )

    message = f"Select a valid choice. {location.pk} is not one of the available choices."
    assert error_div("id_locations", message) in html
    assert state() == before


def test_an_action_with_a_pilot_sends_you_to_it(client_for, executive, pilot, action):
    response = client_for(executive).get(f"/actions/{action.pk}/pilot/")

    assert response.status_code == 302
    assert response["Location"] == f"/pilots/{pilot.pk}/"


def test_a_closed_action_must_be_reopened_first(client_for, executive, action):
    action.status, action.closed_at, action.outcome = "done", timezone.now(), "Fixed."
    action.save()
    client = client_for(executive)
    before = state()

    page = client.get(f"/actions/{action.pk}/pilot/").content.decode()
    posted = client.post(f"/actions/{action.pk}/pilot/", pilot_post()).content.decode()

    assert '<div class="alert alert-warning" role="status">Reopen the action before piloting it.</div>' in page
    assert tags(page, "textarea", name="change") == []
    assert "Reopen the action before piloting it." in posted
    assert state() == before


# --- record the result ----------------------------------------------------------------------------------------
def test_the_edit_form_shows_the_pilot_and_keeps_a_closed_location_it_runs_in(client_for, executive, pilot, stores):
    html = client_for(executive).get(f"/pilots/{pilot.pk}/edit/").content.decode()

    assert [t["value"] for t in tags(html, "input", name="locations")] == [
        str(stores["hull"].pk),
        str(stores["leeds"].pk),
        str(stores["york"].pk),
    ]
    assert sorted(checked_values(html, "locations")) == sorted([str(stores["leeds"].pk), str(stores["hull"].pk)])
    assert input_value(html, "baseline") == "6.50"
    assert checked_values(html, "verdict") == [""]
    assert [t["value"] for t in tags(html, "input", name="verdict")] == ["", "adopt", "adapt", "abandon"]
    assert no_inline_code(html)


def test_recording_the_result_and_verdict(client_for, executive, pilot, stores):
    client = client_for(executive)
    data = pilot_post(
        starts_on=pilot.starts_on.isoformat(),
        ends_on=pilot.ends_on.isoformat(),
        locations=[stores["leeds"].pk, stores["hull"].pk],
        result="2.75",
        verdict="adopt",
        verdict_notes="Every store from May.",
    )

    response = client.post(f"/pilots/{pilot.pk}/edit/", data)

    assert response.status_code == 302
    assert response["Location"] == f"/pilots/{pilot.pk}/"
    pilot.refresh_from_db()
    assert (pilot.result, pilot.verdict, pilot.verdict_notes) == (Decimal("2.75"), "adopt", "Every store from May.")
    assert sorted(pilot.locations.values_list("name", flat=True)) == ["Hull", "Leeds"]
    assert "Pilot saved." in client.get(response["Location"]).content.decode()


def test_a_verdict_without_a_result_says_so_next_to_the_result(client_for, executive, pilot):
    before = state()

    html = client_for(executive).post(f"/pilots/{pilot.pk}/edit/", pilot_post(verdict="abandon")).content.decode()

    assert error_div("id_result", "Record the result before giving a verdict.") in html
    assert checked_values(html, "verdict") == ["abandon"]
    assert state() == before


def test_editing_a_pilot_to_end_before_it_starts_is_refused(client_for, executive, pilot):
    before = state()

    html = (
        client_for(executive)
        .post(f"/pilots/{pilot.pk}/edit/", pilot_post(starts_on=day(3), ends_on=day(2)))
        .content.decode()
    )

    assert error_div("id_ends_on", "The pilot can&#x27;t end before it starts.") in html
    assert state() == before


# --- the pilot page: the chain -------------------------------------------------------------------------------
def test_the_pilot_page_shows_the_chain_from_the_customers_words_to_the_result(
    client_for, board_member, pilot, learnings, action
):
    # given
    pilot.result, pilot.verdict, pilot.verdict_notes = Decimal("4.00"), "adapt", "Only at peak times."
    pilot.decided_at = timezone.now()
    pilot.save()
    at_leeds, on_a_call = learnings

    # when
    response = client_for(board_member).get(f"/pilots/{pilot.pk}/")

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert '<h1 class="h4 mb-1">Pilot: Open a second till at lunch</h1>' in html
    said, decided, piloted, result = (
        html.index(f'id="chain-{step}"') for step in ("said", "decided", "piloted", "result")
    )
    assert said < decided < piloted < result
    customers = html[said:decided]
    assert customers.index("“I left my basket and walked out.”") < customers.index("Self-checkout is always broken.")
    assert "Heard by Eve Executive at Leeds · Store visit, 2 Mar 2026" in customers
    assert "Heard by Pat Peer · Customer call, 4 Mar 2026" in customers
    for learning in (at_leeds, on_a_call):
        assert f'href="/learned/{learning.pk}/"' in customers
        assert f'href="/engagements/{learning.engagement_id}/"' in customers
    assert f'href="/actions/{action.pk}/"' in html[decided:piloted]
    assert '<span class="badge action-status action-status-piloting">Piloting</span>' in html[decided:piloted]
    assert "Owner Eve Executive" in html[decided:piloted]
    assert "A second till opens when five people queue." in html[piloted:result]
    assert '<dd class="col-8 col-sm-9">Hull, Leeds</dd>' in html[piloted:result]
    assert "Average checkout wait (minutes)" in html[piloted:result]
    outcome = html[result:]
    assert '<p class="fs-5 mb-1" id="pilot-numbers">6.50 → 4</p>' in outcome
    assert '<p class="mb-1" id="pilot-difference">Difference −2.50 (−38 %)</p>' in outcome
    assert '<span class="badge pilot-verdict pilot-verdict-adapt">Adapt</span>' in outcome
    assert "Only at peak times." in outcome
    assert f"/pilots/{pilot.pk}/edit/" not in html
    assert '<h2 class="h6" id="history-heading">History</h2>' in html
    assert no_inline_code(html)


def test_before_the_result_the_page_says_it_runs_and_offers_recording_it(client_for, executive, pilot):
    html = client_for(executive).get(f"/pilots/{pilot.pk}/").content.decode()

    assert f"Running until {pilot.ends_on:%-d %b}" in html
    assert "No result recorded yet. Baseline: 6.50." in html
    assert f'<a class="btn btn-outline-primary" href="/pilots/{pilot.pk}/edit/">Record the result</a>' in html


def test_the_history_says_who_recorded_the_verdict(client_for, executive, action):
    # given
    pilot = PilotFactory(action=action, baseline=Decimal("6.50"))
    client = client_for(executive)

    # when
    client.post(
        f"/pilots/{pilot.pk}/edit/",
        pilot_post(
            starts_on=pilot.starts_on.isoformat(), ends_on=pilot.ends_on.isoformat(), result="5", verdict="abandon"
        ),
    )

    # then
    html = client.get(f"/pilots/{pilot.pk}/").content.decode()
    history = html.split('id="history-heading"')[1]
    assert '<span><span class="fw-semibold">Changed</span> by Eve Executive</span>' in history
    assert "<li>Result: — → 5.00</li>" in history
    assert "<li>Verdict: — → Abandon</li>" in history


# --- the list --------------------------------------------------------------------------------------------------
def test_the_pilot_list_shows_the_organizations_pilots(client_for, peer, pilot, outsider):
    elsewhere = PilotFactory(action__organization=outsider.organization)
    done = PilotFactory(
        action__organization=peer.organization,
        action__title="Water for queuing customers",
        starts_on=timezone.localdate() - timedelta(days=60),
        ends_on=timezone.localdate() - timedelta(days=30),
        result=Decimal("3"),
        verdict="abandon",
    )

    html = client_for(peer).get("/pilots/").content.decode()

    assert '<p class="small text-body-secondary mb-2" id="pilot-count">2 pilots</p>' in html
    assert html.index(f'href="/pilots/{pilot.pk}/"') < html.index(f'href="/pilots/{done.pk}/"')
    assert f'href="/pilots/{elsewhere.pk}/"' not in html
    assert '<span class="badge pilot-phase pilot-phase-running">Running</span>' in html
    assert '<span class="badge pilot-verdict pilot-verdict-abandon">Abandon</span>' in html
    assert no_inline_code(html)


# --- who may do what ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("member", ["peer", "board_member"], indirect=True)
def test_members_who_may_not_change_the_action_get_403(client_for, member, action, pilot):
    other = ActionFactory(organization=action.organization, owner=action.owner)
    client = client_for(member)
    before = state()

    codes = [
        client.get(f"/actions/{other.pk}/pilot/").status_code,
        client.post(f"/actions/{other.pk}/pilot/", pilot_post()).status_code,
        client.get(f"/pilots/{pilot.pk}/edit/").status_code,
        client.post(f"/pilots/{pilot.pk}/edit/", pilot_post(result="1", verdict="adopt")).status_code,
        client.get(f"/pilots/{pilot.pk}/").status_code,
    ]

    assert codes == [403, 403, 403, 403, 200]
    assert state() == before


def test_another_organizations_pilot_and_action_are_404(client_for, outsider, action, pilot):
    other = ActionFactory(organization=action.organization, owner=action.owner)
    client = client_for(outsider)
    before = state()

    codes = [
        client.get(f"/actions/{other.pk}/pilot/").status_code,
        client.post(f"/actions/{other.pk}/pilot/", pilot_post()).status_code,
        client.get(f"/pilots/{pilot.pk}/").status_code,
        client.get(f"/pilots/{pilot.pk}/edit/").status_code,
        client.post(f"/pilots/{pilot.pk}/edit/", pilot_post(result="1", verdict="adopt")).status_code,
    ]

    assert codes == [404] * 5
    assert state() == before
