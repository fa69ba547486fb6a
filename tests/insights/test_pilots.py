"""Pilot services: an action becomes a pilot of the suggested change; its result and verdict are recorded."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from apps.insights import selectors, services
from apps.insights.models import Action, Pilot
from apps.organizations.models import Role
from tests.engagements.factories import LearningFactory
from tests.insights.factories import ActionFactory, PilotFactory
from tests.organizations.factories import LocationFactory, MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

START, END = date(2030, 2, 1), date(2030, 2, 28)


@pytest.fixture
def peer(organization):
    return MembershipFactory(organization=organization, role=Role.EXECUTIVE)


@pytest.fixture
def outsider(db):
    return MembershipFactory(organization=OrganizationFactory(), role=Role.ADMIN)


@pytest.fixture
def member(request):
    return request.getfixturevalue(request.param)


@pytest.fixture
def action(executive):
    return ActionFactory(organization=executive.organization, owner=executive, status="in_progress")


@pytest.fixture
def stores(organization):
    return [LocationFactory(organization=organization, name=name) for name in ("Leeds", "York")]


def start_pilot(acting, action, **overrides):
    fields = {
        "change": "Open a second till when five people queue.",
        "hypothesis": "Waits fall below three minutes.",
        "starts_on": START,
        "ends_on": END,
        "metric": "  Average   wait (minutes) ",
        "baseline": Decimal("6.50"),
    }
    fields.update(overrides)
    return services.pilot_create(acting=acting, action=action, **fields)


def update_pilot(acting, pilot, **overrides):
    fields = {
        "change": pilot.change,
        "hypothesis": pilot.hypothesis,
        "starts_on": pilot.starts_on,
        "ends_on": pilot.ends_on,
        "metric": pilot.metric,
        "locations": list(pilot.locations.all()),
        "baseline": pilot.baseline,
        "result": pilot.result,
        "verdict": pilot.verdict,
        "verdict_notes": pilot.verdict_notes,
    }
    fields.update(overrides)
    return services.pilot_update(acting=acting, pilot=pilot, **fields)


def snapshot():
    return (
        list(Pilot.objects.order_by("pk").values()),
        list(Pilot.locations.through.objects.order_by("pk").values_list("pilot_id", "location_id")),
        list(Action.objects.order_by("pk").values()),
    )


# --- starting a pilot ----------------------------------------------------------------------------------
@pytest.mark.parametrize("status", ["open", "in_progress"])
def test_starting_a_pilot_moves_the_action_to_piloting(executive, stores, status):
    # given
    action = ActionFactory(organization=executive.organization, owner=executive, status=status)

    # when
    pilot = start_pilot(executive, action, locations=stores)

    # then
    pilot.refresh_from_db()
    action.refresh_from_db()
    assert action.status == "piloting"
    assert (pilot.action, pilot.organization, pilot.starts_on, pilot.ends_on) == (
        action,
        executive.organization,
        START,
        END,
    )
    assert (pilot.metric, pilot.baseline, pilot.result, pilot.verdict) == (
        "Average wait (minutes)",
        Decimal("6.50"),
        None,
        "",
    )
    assert sorted(pilot.locations.values_list("name", flat=True)) == ["Leeds", "York"]
    # Setting the locations is a second row (many-to-many), by the same person.
    assert list(pilot.history.order_by("history_id").values_list("history_type", "history_user_id")) == [
        ("+", executive.user_id),
        ("~", executive.user_id),
    ]
    assert action.history.latest().history_user_id == executive.user_id


def test_an_action_already_piloting_gets_its_pilot_without_another_status_change(executive):
    action = ActionFactory(organization=executive.organization, owner=executive, status="piloting")

    start_pilot(executive, action)

    assert action.history.count() == 1  # the factory's row only


def test_a_pilot_may_start_and_end_on_the_same_day(action, executive):
    pilot = start_pilot(executive, action, starts_on=START, ends_on=START)

    assert (pilot.starts_on, pilot.ends_on) == (START, START)


def test_a_pilot_ending_before_it_starts_is_refused_and_nothing_is_saved(action, executive, stores):
    before = snapshot()

    with pytest.raises(ValidationError) as caught:
        start_pilot(executive, action, starts_on=END, ends_on=START, locations=stores)

    assert caught.value.message_dict == {"ends_on": ["The pilot can't end before it starts."]}
    assert snapshot() == before


def test_locations_of_another_organization_are_refused(action, executive, outsider):
    elsewhere = LocationFactory(organization=outsider.organization)
    before = snapshot()

    with pytest.raises(ValidationError) as caught:
        start_pilot(executive, action, locations=[elsewhere])

    assert caught.value.message_dict == {"locations": ["Choose locations of your organization."]}
    assert snapshot() == before


@pytest.mark.parametrize("status", ["done", "dropped"])
def test_a_closed_action_must_be_reopened_before_piloting(executive, status):
    action = ActionFactory(
        organization=executive.organization,
        owner=executive,
        status=status,
        closed_at=timezone.now(),
        dropped_reason="No." if status == "dropped" else "",
    )
    before = snapshot()

    with pytest.raises(ValidationError) as caught:
        start_pilot(executive, action)

    assert caught.value.message_dict == {"__all__": ["Reopen the action before piloting it."]}
    assert snapshot() == before


def test_an_action_has_one_pilot_at_most(action, executive):
    start_pilot(executive, action)
    before = snapshot()

    with pytest.raises(ValidationError) as caught:
        start_pilot(executive, action, change="Something else")

    assert caught.value.message_dict == {"__all__": ["This action already has a pilot."]}
    assert snapshot() == before


@pytest.mark.parametrize(("field", "value"), [("change", ""), ("hypothesis", ""), ("metric", "   ")])
def test_the_change_hypothesis_and_metric_are_required(action, executive, field, value):
    before = snapshot()

    with pytest.raises(ValidationError) as caught:
        start_pilot(executive, action, **{field: value})

    assert caught.value.message_dict == {field: ["This field cannot be blank."]}
    assert snapshot() == before


# --- results and verdict ---------------------------------------------------------------------------------
@pytest.fixture
def pilot(action, executive, stores):
    return start_pilot(executive, action, locations=stores[:1])


def test_the_result_and_verdict_are_recorded_with_who_recorded_them(pilot, chief_of_staff):
    update_pilot(
        chief_of_staff, pilot, result=Decimal("2.75"), verdict="adopt", verdict_notes="Roll out to every store."
    )

    pilot.refresh_from_db()
    assert (pilot.baseline, pilot.result, pilot.verdict, pilot.verdict_notes) == (
        Decimal("6.50"),
        Decimal("2.75"),
        "adopt",
        "Roll out to every store.",
    )
    latest = pilot.history.latest()
    assert (latest.history_type, latest.history_user_id, latest.verdict) == ("~", chief_of_staff.user_id, "adopt")


def test_a_result_of_zero_allows_a_verdict(pilot, executive):
    update_pilot(executive, pilot, result=Decimal("0"), verdict="abandon")

    pilot.refresh_from_db()
    assert (pilot.result, pilot.verdict) == (Decimal("0.00"), "abandon")


def test_a_verdict_without_a_result_is_refused(pilot, executive):
    before = snapshot()

    with pytest.raises(ValidationError) as caught:
        update_pilot(executive, pilot, result=None, verdict="adapt")

    assert caught.value.message_dict == {"result": ["Record the result before giving a verdict."]}
    assert snapshot() == before


def test_an_unknown_verdict_is_refused(pilot, executive):
    before = snapshot()

    with pytest.raises(ValidationError) as caught:
        update_pilot(executive, pilot, result=Decimal("3"), verdict="maybe")

    assert caught.value.message_dict == {"verdict": ["Value 'maybe' is not a valid choice."]}
    assert snapshot() == before


def test_editing_a_pilot_to_end_before_it_starts_is_refused(pilot, executive):
    before = snapshot()

    with pytest.raises(ValidationError) as caught:
        update_pilot(executive, pilot, starts_on=END, ends_on=START)

    assert caught.value.message_dict == {"ends_on": ["The pilot can't end before it starts."]}
    assert snapshot() == before


def test_the_pilots_locations_can_change(pilot, executive, stores, organization):
    hull = LocationFactory(organization=organization, name="Hull")

    update_pilot(executive, pilot, locations=[stores[1], hull])

    assert sorted(pilot.locations.values_list("name", flat=True)) == ["Hull", "York"]
    assert pilot.history.latest().history_user_id == executive.user_id


def test_the_pilot_comes_with_its_chain_back_to_the_customers_words(executive, organization):
    # given: two learnings, heard in that order, answered by an action that became a pilot
    heard = timezone.now() - timedelta(days=3)
    later = LearningFactory(
        organization=organization,
        engagement__organization=organization,
        engagement__started_at=heard + timedelta(days=1),
        text="Tills closed.",
    )
    first = LearningFactory(
        organization=organization,
        engagement__organization=organization,
        engagement__started_at=heard,
        text="Queues at noon.",
        quote="I gave up.",
    )
    action = services.action_create(
        acting=executive, title="Second till", owner=executive, due_on=END, learnings=[later, first], today=START
    )
    pilot = start_pilot(executive, action)

    # when
    found = selectors.pilot_get(organization=organization, pk=pilot.pk)

    # then: the customers' words, oldest first
    assert found.action == action
    assert [(lg.text, lg.quote) for lg in found.action.learnings.all()] == [
        ("Queues at noon.", "I gave up."),
        ("Tills closed.", ""),
    ]


def test_another_organizations_pilot_is_not_found(action, executive, outsider):
    pilot = start_pilot(executive, action)

    with pytest.raises(Pilot.DoesNotExist):
        selectors.pilot_get(organization=outsider.organization, pk=pilot.pk)


# --- who may pilot --------------------------------------------------------------------------------------
@pytest.mark.parametrize("member", ["executive", "chief_of_staff", "admin_member"], indirect=True)
def test_the_owner_their_chief_of_staff_and_an_admin_may_pilot(member, action):
    pilot = start_pilot(member, action)

    assert update_pilot(member, pilot, result=Decimal("3"), verdict="adapt").verdict == "adapt"


@pytest.mark.parametrize("member", ["peer", "board_member", "outsider"], indirect=True)
def test_others_may_not_start_or_change_a_pilot(member, action, executive):
    before = snapshot()
    with pytest.raises(PermissionDenied):
        start_pilot(member, action)
    assert snapshot() == before

    pilot = start_pilot(executive, action)
    before = snapshot()
    with pytest.raises(PermissionDenied):
        update_pilot(member, pilot, result=Decimal("1"), verdict="adopt")
    assert snapshot() == before


def test_the_factory_makes_a_valid_pilot(organization):
    pilot = PilotFactory(action__organization=organization)

    pilot.full_clean()
    assert pilot.action.status == "piloting"
