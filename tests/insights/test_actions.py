"""Action services: create, update, the status machine, notes, linked learnings, who may do what, and history."""

from datetime import date, timedelta
from itertools import product

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from apps.insights import services
from apps.insights.models import ACTION_TRANSITIONS, CLOSED_STATUSES, Action, ActionNote, ActionStatus
from apps.organizations.models import Role
from tests.engagements.factories import LearningFactory
from tests.insights.factories import ActionFactory, PilotFactory
from tests.organizations.factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

TODAY = date(2030, 1, 10)  # services take `today`, so "the past" is fixed whatever the machine's clock


# --- the cast ----------------------------------------------------------------------------------------
@pytest.fixture
def peer(organization):
    """Another executive with nothing to do with the action."""
    return MembershipFactory(organization=organization, role=Role.EXECUTIVE, user__full_name="Pat Peer")


@pytest.fixture
def unsupported_cos(organization, peer):
    chief = MembershipFactory(organization=organization, role=Role.CHIEF_OF_STAFF)
    chief.supports.add(peer)
    return chief


@pytest.fixture
def creator(organization):
    """An executive who created the action for someone else to own."""
    return MembershipFactory(organization=organization, role=Role.EXECUTIVE, user__full_name="Cora Creator")


@pytest.fixture
def outsider(db):
    return MembershipFactory(organization=OrganizationFactory(), role=Role.ADMIN)


@pytest.fixture
def action(executive, creator):
    """Owned by `executive`, created by `creator`, due 14 Jan 2030."""
    return ActionFactory(
        organization=executive.organization, owner=executive, created_by=creator, due_on=date(2030, 1, 14)
    )


@pytest.fixture
def member(request):
    return request.getfixturevalue(request.param)


def learning_of(organization, **kwargs):
    return LearningFactory(organization=organization, engagement__organization=organization, **kwargs)


def closed(action, status):
    """Put `action` in a closed status directly (as the database allows it), for testing what follows."""
    action.status = status
    action.closed_at = timezone.now()
    action.dropped_reason = "No budget this year." if status == ActionStatus.DROPPED else ""
    action.outcome = "Queues are shorter." if status == ActionStatus.DONE else ""
    action.save()
    return action


def at(action, status):
    if status in CLOSED_STATUSES:
        return closed(action, status)
    action.status = status
    action.save()
    return action


def history_rows(action):
    """(type, user id, status) of each history row, oldest first."""
    return list(action.history.order_by("history_id").values_list("history_type", "history_user_id", "status"))


def snapshot():
    return list(Action.objects.order_by("pk").values()), list(ActionNote.objects.order_by("pk").values())


# --- create ------------------------------------------------------------------------------------------
def test_create_saves_the_action_with_its_learnings(executive, organization):
    # given
    first, second = learning_of(organization), learning_of(organization)

    # when
    action = services.action_create(
        acting=executive,
        title="  Open a   second till  ",
        description="At lunchtime.",
        owner=executive,
        due_on=date(2030, 2, 1),
        learnings=[first, second],
        today=TODAY,
    )

    # then
    action.refresh_from_db()
    assert (action.title, action.description, action.due_on) == (
        "Open a second till",
        "At lunchtime.",
        date(2030, 2, 1),
    )
    assert (action.owner, action.created_by, action.organization) == (executive, executive, organization)
    assert (action.status, action.closed_at, action.dropped_reason, action.outcome) == ("open", None, "", "")
    assert sorted(action.learnings.values_list("pk", flat=True)) == sorted([first.pk, second.pk])
    # Linking the learnings is a second row, by the same person, listing them.
    assert history_rows(action) == [("+", executive.user_id, "open"), ("~", executive.user_id, "open")]
    assert sorted(action.history.latest().learnings.values_list("learning_id", flat=True)) == sorted(
        [first.pk, second.pk]
    )


@pytest.mark.parametrize("member", ["executive", "chief_of_staff", "admin_member"], indirect=True)
def test_writers_create_actions_for_an_owner(member, executive):
    action = services.action_create(acting=member, title="Fix the door", owner=executive, due_on=TODAY, today=TODAY)

    assert (action.owner, action.created_by) == (executive, member)


def test_a_board_member_cannot_create_an_action(board_member, executive):
    with pytest.raises(PermissionDenied):
        services.action_create(acting=board_member, title="Fix", owner=executive, due_on=TODAY, today=TODAY)

    assert Action.objects.count() == 0


def test_a_due_date_in_the_past_is_refused_and_nothing_is_saved(executive, organization):
    learning = learning_of(organization)

    with pytest.raises(ValidationError) as caught:
        services.action_create(
            acting=executive,
            title="Too late",
            owner=executive,
            due_on=TODAY - timedelta(days=1),
            learnings=[learning],
            today=TODAY,
        )

    assert caught.value.message_dict == {"due_on": ["The due date can't be in the past."]}
    assert Action.objects.count() == 0
    assert Action.learnings.through.objects.count() == 0


def test_a_due_date_today_is_fine(executive):
    action = services.action_create(acting=executive, title="Today", owner=executive, due_on=TODAY, today=TODAY)

    assert action.due_on == TODAY


def test_the_default_today_is_the_active_time_zones_date(executive):
    with pytest.raises(ValidationError) as caught:
        services.action_create(
            acting=executive, title="Yesterday", owner=executive, due_on=timezone.localdate() - timedelta(days=1)
        )

    assert caught.value.message_dict == {"due_on": ["The due date can't be in the past."]}


OWNER_ERROR = {"owner": ["Choose an active executive, chief of staff or admin of your organization."]}


@pytest.mark.parametrize("owner", ["board_member", "outsider", "inactive"])
def test_the_owner_must_be_an_active_writer_of_the_organization(request, executive, organization, owner):
    if owner == "inactive":
        owner = MembershipFactory(organization=organization, role=Role.EXECUTIVE, is_active=False)
    else:
        owner = request.getfixturevalue(owner)

    with pytest.raises(ValidationError) as caught:
        services.action_create(acting=executive, title="Fix", owner=owner, due_on=TODAY, today=TODAY)

    assert caught.value.message_dict == OWNER_ERROR
    assert Action.objects.count() == 0


def test_learnings_of_another_organization_are_refused(executive, organization, outsider):
    mine, theirs = learning_of(organization), learning_of(outsider.organization)

    with pytest.raises(ValidationError) as caught:
        services.action_create(
            acting=executive, title="Fix", owner=executive, due_on=TODAY, learnings=[mine, theirs], today=TODAY
        )

    assert caught.value.message_dict == {"learnings": ["Choose learnings of your organization."]}
    assert Action.objects.count() == 0


def test_an_empty_title_is_refused(executive):
    with pytest.raises(ValidationError) as caught:
        services.action_create(acting=executive, title="   ", owner=executive, due_on=TODAY, today=TODAY)

    assert caught.value.message_dict == {"title": ["This field cannot be blank."]}
    assert Action.objects.count() == 0


# --- update ------------------------------------------------------------------------------------------
def test_update_changes_what_who_and_when(action, executive, chief_of_staff, peer):
    services.action_update(
        acting=chief_of_staff,
        action=action,
        title="Two tills at lunch",
        owner=peer,
        due_on=date(2030, 3, 1),
        description="From 12 to 2.",
        today=TODAY,
    )

    action.refresh_from_db()
    assert (action.title, action.owner, action.due_on, action.description) == (
        "Two tills at lunch",
        peer,
        date(2030, 3, 1),
        "From 12 to 2.",
    )
    assert action.history.latest().history_user_id == chief_of_staff.user_id


def test_update_keeps_a_due_date_that_has_since_passed(action, executive):
    # given: due 14 Jan, now 20 Jan
    services.action_update(
        acting=executive, action=action, title="Renamed", owner=executive, due_on=action.due_on, today=date(2030, 1, 20)
    )

    action.refresh_from_db()
    assert (action.title, action.due_on) == ("Renamed", date(2030, 1, 14))


def test_update_refuses_a_new_due_date_in_the_past(action, executive):
    before = snapshot()

    with pytest.raises(ValidationError) as caught:
        services.action_update(
            acting=executive,
            action=action,
            title="Renamed",
            owner=executive,
            due_on=date(2030, 1, 15),
            today=date(2030, 1, 20),
        )

    assert caught.value.message_dict == {"due_on": ["The due date can't be in the past."]}
    assert snapshot() == before


# --- status machine ---------------------------------------------------------------------------------
VALID = [(old, new) for old, targets in ACTION_TRANSITIONS.items() for new in targets]
INVALID = [
    (old, new) for old, new in product(ActionStatus, ActionStatus) if old != new and new not in ACTION_TRANSITIONS[old]
]


def test_the_transitions_are_the_ones_the_issue_describes():
    assert sorted(INVALID) == sorted(
        [
            ("piloting", "open"),
            ("done", "open"),
            ("done", "piloting"),
            ("done", "dropped"),
            ("dropped", "in_progress"),
            ("dropped", "piloting"),
            ("dropped", "done"),
        ]
    )


@pytest.mark.parametrize(("old", "new"), VALID)
def test_every_allowed_transition_saves_the_status_and_closed_at(action, executive, old, new):
    # given
    at(action, old)
    if new == "piloting":
        PilotFactory(action=action, organization=action.organization)

    # when
    services.action_set_status(acting=executive, action=action, status=new, reason="Not worth it.", outcome="Done.")

    # then
    action.refresh_from_db()
    assert action.status == new
    assert (action.closed_at is not None) == (new in CLOSED_STATUSES)
    assert action.history.latest().history_user_id == executive.user_id


@pytest.mark.parametrize(("old", "new"), INVALID)
def test_every_other_transition_is_refused_and_nothing_changes(action, executive, old, new):
    # given
    at(action, old)
    before = snapshot()

    # when
    with pytest.raises(ValidationError) as caught:
        services.action_set_status(acting=executive, action=action, status=new, reason="Why.", outcome="What.")

    # then
    old_label, new_label = ActionStatus(old).label.lower(), ActionStatus(new).label.lower()
    assert caught.value.message_dict == {"status": [f"An action that is {old_label} can't move to {new_label}."]}
    assert snapshot() == before


def test_an_unknown_status_is_refused(action, executive):
    with pytest.raises(ValidationError) as caught:
        services.action_set_status(acting=executive, action=action, status="paused")

    assert caught.value.message_dict == {"status": ["Choose a status."]}


def test_the_same_status_again_changes_nothing(action, executive):
    services.action_set_status(acting=executive, action=action, status="open")

    assert history_rows(action) == [("+", None, "open")]


def test_moving_along_open_in_progress_piloting_done_records_each_step(action, executive):
    PilotFactory(action=action, organization=action.organization)  # piloting needs a pilot
    for status in ("in_progress", "piloting"):
        services.action_set_status(acting=executive, action=action, status=status)
    services.action_set_status(acting=executive, action=action, status="done", outcome="  Waits halved.  ")

    action.refresh_from_db()
    assert (action.status, action.outcome) == ("done", "Waits halved.")
    assert action.closed_at is not None
    assert history_rows(action) == [
        ("+", None, "open"),
        ("~", executive.user_id, "in_progress"),
        ("~", executive.user_id, "piloting"),
        ("~", executive.user_id, "done"),
    ]


@pytest.mark.parametrize("reason", ["", "   "])
def test_dropping_needs_a_reason(action, executive, reason):
    before = snapshot()

    with pytest.raises(ValidationError) as caught:
        services.action_set_status(acting=executive, action=action, status="dropped", reason=reason)

    assert caught.value.message_dict == {"reason": ["Say why the action is dropped."]}
    assert snapshot() == before


def test_dropping_keeps_the_reason_and_reopening_clears_closed_at(action, executive):
    services.action_set_status(acting=executive, action=action, status="dropped", reason=" Landlord said no. ")
    action.refresh_from_db()
    assert (action.status, action.dropped_reason) == ("dropped", "Landlord said no.")
    assert action.closed_at is not None

    services.action_set_status(acting=executive, action=action, status="open")

    action.refresh_from_db()
    assert (action.status, action.closed_at, action.dropped_reason) == ("open", None, "Landlord said no.")


@pytest.mark.parametrize("outcome", ["", "  "])
def test_done_needs_an_outcome(action, executive, outcome):
    before = snapshot()

    with pytest.raises(ValidationError) as caught:
        services.action_set_status(acting=executive, action=action, status="done", outcome=outcome)

    assert caught.value.message_dict == {"outcome": ["Say what came of it: what changed for customers."]}
    assert snapshot() == before


def test_done_again_after_reopening_may_keep_the_earlier_outcome(action, executive):
    services.action_set_status(acting=executive, action=action, status="done", outcome="Queues are shorter.")
    services.action_set_status(acting=executive, action=action, status="in_progress")

    services.action_set_status(acting=executive, action=action, status="done")

    action.refresh_from_db()
    assert (action.status, action.outcome) == ("done", "Queues are shorter.")


def test_closed_at_is_when_it_was_closed(action, executive):
    before = timezone.now()

    services.action_set_status(acting=executive, action=action, status="done", outcome="Fixed.")

    action.refresh_from_db()
    assert before <= action.closed_at <= timezone.now()


# --- notes -------------------------------------------------------------------------------------------
def test_a_note_is_added_with_its_author(action, chief_of_staff):
    note = services.action_note_add(acting=chief_of_staff, action=action, text="  Spoke to the store manager.  ")

    assert list(action.notes.values_list("pk", "author_id", "text", "organization_id")) == [
        (note.pk, chief_of_staff.pk, "Spoke to the store manager.", action.organization_id)
    ]


def test_an_empty_note_is_refused(action, executive):
    with pytest.raises(ValidationError) as caught:
        services.action_note_add(acting=executive, action=action, text="  ")

    assert caught.value.message_dict == {"text": ["This field cannot be blank."]}
    assert ActionNote.objects.count() == 0


# --- linked learnings --------------------------------------------------------------------------------
def test_an_action_answers_several_learnings(action, executive, organization):
    first, second, third = (learning_of(organization) for _ in range(3))
    action.learnings.add(first)

    added = services.action_learnings_add(acting=executive, action=action, learnings=[first, second, third])

    assert added == 2
    assert sorted(action.learnings.values_list("pk", flat=True)) == sorted([first.pk, second.pk, third.pk])
    assert sorted(first.actions.values_list("pk", flat=True)) == [action.pk]


def test_one_learning_can_lead_to_several_actions(executive, organization):
    learning = learning_of(organization)
    one = services.action_create(
        acting=executive, title="One", owner=executive, due_on=TODAY, learnings=[learning], today=TODAY
    )
    two = services.action_create(
        acting=executive, title="Two", owner=executive, due_on=TODAY, learnings=[learning], today=TODAY
    )

    assert sorted(learning.actions.values_list("pk", flat=True)) == sorted([one.pk, two.pk])


def test_linking_a_learning_of_another_organization_is_refused(action, executive, outsider):
    with pytest.raises(ValidationError) as caught:
        services.action_learnings_add(acting=executive, action=action, learnings=[learning_of(outsider.organization)])

    assert caught.value.message_dict == {"learnings": ["Choose learnings of your organization."]}
    assert action.learnings.count() == 0


def test_unlinking_a_learning_keeps_the_others(action, executive, organization):
    keep, drop = learning_of(organization), learning_of(organization)
    action.learnings.add(keep, drop)

    services.action_learning_remove(acting=executive, action=action, learning=drop)

    assert list(action.learnings.values_list("pk", flat=True)) == [keep.pk]


def test_linking_records_who_linked_in_the_history(action, chief_of_staff, organization):
    learning = learning_of(organization)

    services.action_learnings_add(acting=chief_of_staff, action=action, learnings=[learning])

    latest = action.history.latest()
    assert latest.history_user_id == chief_of_staff.user_id
    assert list(latest.learnings.values_list("learning_id", flat=True)) == [learning.pk]


# --- who may change an action -----------------------------------------------------------------------
EDITORS = ["executive", "creator", "admin_member", "chief_of_staff"]  # owner, creator, admin, owner's chief of staff
NOT_EDITORS = ["peer", "unsupported_cos", "board_member", "outsider"]


def _writes(member, action, organization):
    """Each action service, called by `member`, with valid arguments."""
    learning = learning_of(organization)
    owner = action.owner
    return {
        "update": lambda: services.action_update(
            acting=member, action=action, title="Changed", owner=owner, due_on=action.due_on, today=TODAY
        ),
        "status": lambda: services.action_set_status(acting=member, action=action, status="in_progress"),
        "note": lambda: services.action_note_add(acting=member, action=action, text="A note"),
        "link": lambda: services.action_learnings_add(acting=member, action=action, learnings=[learning]),
        "unlink": lambda: services.action_learning_remove(acting=member, action=action, learning=learning),
    }


WRITES = ["update", "status", "note", "link", "unlink"]


@pytest.mark.parametrize("write", WRITES)
@pytest.mark.parametrize("member", EDITORS, indirect=True)
def test_the_owner_creator_admin_and_owners_chief_of_staff_may_change_the_action(member, action, organization, write):
    _writes(member, action, organization)[write]()  # no PermissionDenied


@pytest.mark.parametrize("write", WRITES)
@pytest.mark.parametrize("member", NOT_EDITORS, indirect=True)
def test_everyone_else_is_refused_and_nothing_changes(member, action, organization, write):
    # given
    do = _writes(member, action, organization)[write]
    before = snapshot(), list(Action.learnings.through.objects.values_list("pk", flat=True))
    history_before = history_rows(action)

    # when
    with pytest.raises(PermissionDenied):
        do()

    # then
    assert (snapshot(), list(Action.learnings.through.objects.values_list("pk", flat=True))) == before
    assert history_rows(action) == history_before


def test_an_inactive_owner_can_no_longer_change_their_action(action, executive):
    executive.is_active = False
    executive.save()

    with pytest.raises(PermissionDenied):
        services.action_note_add(acting=executive, action=action, text="Still here?")


def test_moving_to_piloting_without_a_pilot_is_refused(action, executive):
    before = snapshot()

    with pytest.raises(ValidationError) as caught:
        services.action_set_status(acting=executive, action=action, status="piloting")

    assert caught.value.message_dict == {"status": ["Start a pilot to move this action to piloting."]}
    assert snapshot() == before


def test_an_action_whose_owner_left_can_still_be_edited_without_changing_owner(action, executive, creator, peer):
    # given: the owner has left
    executive.is_active = False
    executive.save()

    # when: its creator renames it, keeping the owner
    services.action_update(acting=creator, action=action, title="Renamed", owner=executive, due_on=action.due_on)

    # then
    action.refresh_from_db()
    assert (action.title, action.owner) == ("Renamed", executive)

    # and handing it to someone who can't own actions is still refused
    peer.is_active = False
    peer.save()
    with pytest.raises(ValidationError) as caught:
        services.action_update(acting=creator, action=action, title="Renamed", owner=peer, due_on=action.due_on)
    assert list(caught.value.message_dict) == ["owner"]
