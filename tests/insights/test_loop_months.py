"""LoopMonth rollups (the board's closed loop): kept by the action and pilot services, rebuilt by the sweep after
changes in the log, always equal to counting the log itself."""

import uuid
from datetime import UTC, date, datetime, time, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.engagements import services as engagement_services
from apps.engagements.models import Learning
from apps.engagements.rollups import next_month
from apps.insights import rollups, selectors, services
from apps.insights.models import ACTION_TRANSITIONS, Action, LoopMonth, Pilot
from apps.insights.tasks import rollups_sweep_task
from apps.organizations.models import Region, Role
from tests.organizations.factories import LocationFactory, MembershipFactory, OrganizationFactory, RegionFactory

pytestmark = pytest.mark.django_db

# 23:30 UTC on 31 January: already February on an Oslo clock, still January on a UTC one.
EDGE = datetime(2026, 1, 31, 23, 30, tzinfo=UTC)
JAN, FEB, MAR = date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)
FAR = datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC)


@pytest.fixture
def org(organization):
    organization.time_zone = "Europe/Oslo"
    organization.save()
    return organization


@pytest.fixture
def people(org, admin_member):
    return {
        "admin": admin_member,
        "ann": MembershipFactory(organization=org, role=Role.EXECUTIVE, user__full_name="Ann"),
        "bob": MembershipFactory(organization=org, role=Role.EXECUTIVE, user__full_name="Bob"),
    }


@pytest.fixture
def places(org):
    north, south = RegionFactory(organization=org, name="North"), RegionFactory(organization=org, name="South")
    return {
        "north": north,
        "south": south,
        "leeds": LocationFactory(organization=org, region=north, name="Leeds"),
        "york": LocationFactory(organization=org, region=north, name="York"),
        "dover": LocationFactory(organization=org, region=south, name="Dover"),
        "van": LocationFactory(organization=org, region=None, name="Van"),
    }


def learning(leader, when=EDGE, location=None, text="Queues at the tills"):
    engagement, _ = engagement_services.engagement_create(
        logged_by=leader,
        leader=leader,
        client_uuid=uuid.uuid4(),
        kind="store_visit" if location else "customer_call",
        started_at=when,
        duration_minutes=30,
        location=location,
        learnings=[{"kind": "idea", "text": text}],
    )
    return engagement.learnings.get()


def act(admin, owner, learnings, title="Second till"):
    return services.action_create(
        acting=admin,
        title=title,
        owner=owner,
        due_on=timezone.localdate() + timedelta(days=30),
        learnings=learnings,
    )


def done(admin, action):
    return services.action_set_status(acting=admin, action=action, status="done", outcome="Waits halved.")


def pilot(admin, action):
    today = timezone.localdate()
    return services.pilot_create(
        acting=admin,
        action=action,
        change="A floater at lunchtime",
        hypothesis="Shorter queues.",
        starts_on=today,
        ends_on=today + timedelta(days=30),
        metric="Minutes waited",
    )


def rows(organization):
    """(month, region, author, with action, piloted, done) of an organization's rows, sorted."""
    return sorted(
        LoopMonth.objects.filter(organization=organization).values_list(
            "month", "region__name", "author__user__full_name", "with_action", "piloted", "done"
        ),
        key=lambda row: (row[0], row[2], row[1] or ""),  # by month, author, then everywhere before each region
    )


def month_bounds(organization, month):
    zone = ZoneInfo(organization.time_zone)
    return datetime.combine(month, time.min, tzinfo=zone), datetime.combine(next_month(month), time.min, tzinfo=zone)


def assert_kept_equals_log(organization):
    """The rows the services kept are the rows a rebuild makes, and the rollup's counts are the live counts of
    the log, for every month, everywhere and per region, for everyone and per author."""
    kept = rows(organization)
    rollups.loop_months_rebuild(organization=organization)
    assert rows(organization) == kept
    months = {month for month, *_ in kept} | {JAN, FEB, MAR}
    regions = [None, *Region.objects.filter(organization=organization)]
    writers = set(Learning.objects.filter(organization=organization).values_list("author", flat=True))
    authors = [None, *([pk] for pk in sorted(writers))]
    for month in sorted(months):
        start, end = month_bounds(organization, month)
        for region in regions:
            for narrowed in authors:
                scope = {"organization": organization, "region": region, "authors": narrowed}
                rolled = selectors.loop_counts(first_month=month, last_month=month, **scope)
                assert rolled == selectors.loop_counts_live(start=start, end=end, **scope), (month, region, narrowed)
    everything = selectors.loop_counts_live(organization=organization, start=FAR[0], end=FAR[1])
    assert selectors.loop_counts(organization=organization, first_month=FAR[0].date(), last_month=FAR[1].date()) == (
        everything
    )


# --- Kept by the services ---------------------------------------------------------------------------------------
def test_an_action_counts_its_learnings_in_their_month_region_and_author(org, people, places):
    ann, bob = people["ann"], people["bob"]
    at_leeds = learning(ann, location=places["leeds"])  # February in Oslo
    on_a_call = learning(ann, when=EDGE - timedelta(days=1))  # January
    at_dover = learning(bob, location=places["dover"])
    learning(bob, location=places["york"])  # no action answers it

    act(people["admin"], ann, [at_leeds, on_a_call, at_dover])

    assert rows(org) == [
        (JAN, None, "Ann", 1, 0, 0),
        (FEB, None, "Ann", 1, 0, 0),
        (FEB, "North", "Ann", 1, 0, 0),
        (FEB, None, "Bob", 1, 0, 0),
        (FEB, "South", "Bob", 1, 0, 0),
    ]
    assert_kept_equals_log(org)


def test_months_are_on_the_organizations_clock(org, people):
    utc_org = OrganizationFactory(time_zone="UTC")
    utc_admin = MembershipFactory(organization=utc_org, role=Role.ADMIN)
    utc_leader = MembershipFactory(organization=utc_org, role=Role.EXECUTIVE, user__full_name="Uma")
    oslo_learning, utc_learning = learning(people["ann"]), learning(utc_leader)

    act(people["admin"], people["ann"], [oslo_learning])
    act(utc_admin, utc_leader, [utc_learning])

    # The same moment: 00:30 on 1 February in Oslo, 23:30 on 31 January in UTC.
    assert rows(org) == [(FEB, None, "Ann", 1, 0, 0)]
    assert rows(utc_org) == [(JAN, None, "Uma", 1, 0, 0)]
    assert selectors.loop_counts(organization=org, first_month=JAN, last_month=JAN) == {
        "with_action": 0,
        "piloted": 0,
        "done": 0,
    }
    assert selectors.loop_counts(organization=utc_org, first_month=JAN, last_month=JAN)["with_action"] == 1
    # The last minute of January in Oslo is January; the first of February, February.
    last_minute = learning(people["bob"], when=datetime(2026, 1, 31, 22, 59, tzinfo=UTC))
    first_minute = learning(people["bob"], when=datetime(2026, 1, 31, 23, 0, tzinfo=UTC))
    act(people["admin"], people["bob"], [last_minute, first_minute])
    assert [row for row in rows(org) if row[2] == "Bob"] == [(JAN, None, "Bob", 1, 0, 0), (FEB, None, "Bob", 1, 0, 0)]
    assert_kept_equals_log(org)
    assert_kept_equals_log(utc_org)


def test_a_learning_two_actions_answer_counts_once_and_done_if_either_is_done(org, people, places):
    admin, ann = people["admin"], people["ann"]
    queues, prices = learning(ann, location=places["leeds"]), learning(ann, location=places["leeds"])
    first = act(admin, ann, [queues, prices])
    second = act(admin, ann, [queues], title="Self-checkout")

    done(admin, second)

    assert rows(org) == [(FEB, None, "Ann", 2, 0, 1), (FEB, "North", "Ann", 2, 0, 1)]
    done(admin, first)
    assert rows(org) == [(FEB, None, "Ann", 2, 0, 2), (FEB, "North", "Ann", 2, 0, 2)]
    assert_kept_equals_log(org)


def test_adding_and_removing_learnings(org, people, places):
    admin, ann, bob = people["admin"], people["ann"], people["bob"]
    first, second = learning(ann), learning(bob, when=EDGE + timedelta(days=30), location=places["van"])
    action = act(admin, ann, [])
    assert rows(org) == []

    assert services.action_learnings_add(acting=admin, action=action, learnings=[first, second]) == 2
    assert rows(org) == [(FEB, None, "Ann", 1, 0, 0), (MAR, None, "Bob", 1, 0, 0)]  # the van has no region

    services.action_learning_remove(acting=admin, action=action, learning=first)
    assert rows(org) == [(MAR, None, "Bob", 1, 0, 0)]
    services.action_learning_remove(acting=admin, action=action, learning=second)
    assert rows(org) == []
    assert_kept_equals_log(org)


def test_done_counts_while_the_action_is_done_and_dropped_never(org, people):
    admin, ann = people["admin"], people["ann"]
    answered, dropped = learning(ann), learning(ann)
    action, other = act(admin, ann, [answered]), act(admin, ann, [dropped], title="Meal deal")

    done(admin, action)
    services.action_set_status(acting=admin, action=other, status="dropped", reason="Margins too thin.")
    assert rows(org) == [(FEB, None, "Ann", 2, 0, 1)]

    services.action_set_status(acting=admin, action=action, status="in_progress")
    assert rows(org) == [(FEB, None, "Ann", 2, 0, 0)]
    assert_kept_equals_log(org)


def test_a_pilot_marks_its_actions_learnings_piloted(org, people, places):
    admin, ann = people["admin"], people["ann"]
    action = act(admin, ann, [learning(ann, location=places["dover"]), learning(ann)])

    pilot(admin, action)

    assert rows(org) == [(FEB, None, "Ann", 2, 2, 0), (FEB, "South", "Ann", 1, 1, 0)]
    done(admin, action)
    assert rows(org) == [(FEB, None, "Ann", 2, 2, 2), (FEB, "South", "Ann", 1, 1, 1)]
    assert_kept_equals_log(org)


def test_a_refresh_recomputes_only_the_learnings_keys_and_is_the_rebuild(org, people):
    admin, ann, bob = people["admin"], people["ann"], people["bob"]
    act(admin, ann, [learning(ann), learning(bob, when=EDGE - timedelta(days=20))])
    LoopMonth.objects.filter(organization=org, author=bob).update(with_action=99)  # a stale row elsewhere

    rollups.loop_months_refresh(organization=org, learning_ids=[learning(ann).pk])  # Ann's February

    assert rows(org) == [(JAN, None, "Bob", 99, 0, 0), (FEB, None, "Ann", 1, 0, 0)]
    rollups.loop_months_refresh(organization=org.pk, learning_ids=[])
    assert rollups.loop_months_rebuild(organization=org) == 2
    assert rows(org) == [(JAN, None, "Bob", 1, 0, 0), (FEB, None, "Ann", 1, 0, 0)]


# --- Narrowing and tenancy --------------------------------------------------------------------------------------
def test_loop_counts_narrow_to_a_region_and_to_authors_over_whole_months(org, people, places):
    admin, ann, bob = people["admin"], people["ann"], people["bob"]
    north_ann = learning(ann, location=places["leeds"])
    north_bob = learning(bob, location=places["york"], when=EDGE + timedelta(days=30))  # March
    south_bob = learning(bob, location=places["dover"])
    call_ann = learning(ann)
    piloted = act(admin, ann, [north_ann, south_bob])
    pilot(admin, piloted)
    done(admin, act(admin, bob, [north_bob, call_ann], title="Parking"))

    def counts(**scope):
        figures = selectors.loop_counts(organization=org.pk, first_month=FEB, last_month=MAR, **scope)
        return figures["with_action"], figures["piloted"], figures["done"]

    assert counts() == (4, 2, 2)
    assert counts(region=places["north"]) == (2, 1, 1)
    assert counts(region=places["south"]) == (1, 1, 0)
    assert counts(authors=[ann.pk]) == (2, 1, 1)
    assert counts(authors=[bob.pk], region=places["north"]) == (1, 0, 1)
    assert counts(authors=[]) == (0, 0, 0)
    assert selectors.loop_counts(organization=org, first_month=FEB, last_month=FEB)["with_action"] == 3
    assert_kept_equals_log(org)


def test_another_organizations_rows_are_never_counted_or_touched(org, people):
    other = OrganizationFactory(time_zone="Europe/Oslo")
    their_admin = MembershipFactory(organization=other, role=Role.ADMIN)
    theirs = MembershipFactory(organization=other, role=Role.EXECUTIVE, user__full_name="Tess")
    done(their_admin, act(their_admin, theirs, [learning(theirs), learning(theirs)]))
    act(people["admin"], people["ann"], [learning(people["ann"])])
    ours_before = rows(org)

    rollups.loop_months_rebuild(organization=other)

    assert rows(org) == ours_before == [(FEB, None, "Ann", 1, 0, 0)]
    assert rows(other) == [(FEB, None, "Tess", 2, 0, 2)]
    assert selectors.loop_counts(organization=org, first_month=FEB, last_month=FEB) == {
        "with_action": 1,
        "piloted": 0,
        "done": 0,
    }
    assert selectors.loop_counts(organization=org, first_month=FEB, last_month=FEB, authors=[theirs.pk]) == {
        "with_action": 0,
        "piloted": 0,
        "done": 0,
    }


def test_a_refresh_ignores_another_organizations_learnings(org, people):
    other = OrganizationFactory(time_zone="Europe/Oslo")
    their_admin = MembershipFactory(organization=other, role=Role.ADMIN)
    theirs = MembershipFactory(organization=other, role=Role.EXECUTIVE, user__full_name="Tess")
    their_learning = learning(theirs)
    act(their_admin, theirs, [their_learning])

    assert rollups.loop_months_refresh(organization=org, learning_ids=[their_learning.pk]) == 0

    assert rows(org) == []
    assert rows(other) == [(FEB, None, "Tess", 1, 0, 0)]


# --- Caught up by the sweep, rebuilt by the command and the seeders --------------------------------------------
def test_the_sweep_catches_up_with_changes_in_the_log_and_deletions_outside_the_services(org, people, places):
    admin, ann, bob = people["admin"], people["ann"], people["bob"]
    moved, relocated, deleted = learning(ann), learning(ann, location=places["leeds"]), learning(bob)
    act(admin, ann, [moved, relocated, deleted])
    piloted = act(admin, bob, [learning(bob, location=places["dover"])], title="Lockers")
    pilot(admin, piloted)
    since = datetime.now(UTC) - timedelta(seconds=1)
    engagement_services.engagement_update(engagement=moved.engagement, acting=ann, started_at=EDGE - timedelta(days=60))
    engagement_services.engagement_update(engagement=relocated.engagement, acting=ann, location=places["dover"])
    engagement_services.learning_delete(learning=deleted, acting=bob)
    other = OrganizationFactory()

    assert rollups.rollups_sweep(since=since) == 1

    assert rows(org) == [
        (date(2025, 12, 1), None, "Ann", 1, 0, 0),
        (FEB, None, "Ann", 1, 0, 0),
        (FEB, "South", "Ann", 1, 0, 0),
        (FEB, None, "Bob", 1, 1, 0),
        (FEB, "South", "Bob", 1, 1, 0),
    ]
    assert_kept_equals_log(org)

    # Deleted in the admin (no service): the pilot, then another action.
    since = datetime.now(UTC) - timedelta(seconds=1)
    Pilot.objects.get(action=piloted).delete()
    assert rollups.rollups_sweep(since=since) == 1
    assert [row for row in rows(org) if row[2] == "Bob"] == [
        (FEB, None, "Bob", 1, 0, 0),
        (FEB, "South", "Bob", 1, 0, 0),
    ]
    Action.objects.filter(pk=piloted.pk).delete()
    assert rollups.rollups_sweep(since=since) == 1
    assert [row for row in rows(org) if row[2] == "Bob"] == []
    assert_kept_equals_log(org)
    assert rows(other) == []


def test_the_sweep_is_the_periodic_task(org, people):
    act(people["admin"], people["ann"], [learning(people["ann"])])
    LoopMonth.objects.all().delete()

    assert rollups_sweep_task() == 0  # nothing changed in the log: no rebuild

    assert rows(org) == []


def test_the_rebuild_command_rebuilds_the_loop_months_too(org, people):
    act(people["admin"], people["ann"], [learning(people["ann"])])
    LoopMonth.objects.all().delete()
    out = StringIO()

    call_command("rebuild_rollups", "--organization", org.slug, stdout=out)

    assert rows(org) == [(FEB, None, "Ann", 1, 0, 0)]
    assert out.getvalue().endswith(", 0 theme months, 1 loop months\n")
    assert rollups.rollups_rebuild(organization=org) == {"theme months": 0, "loop months": 1}


# --- Any sequence of changes -----------------------------------------------------------------------------------
@pytest.fixture
def world(org, people, places):
    """Eight learnings by two authors around the January/February edge (Oslo), in two regions and none."""
    ann, bob = people["ann"], people["bob"]
    spots = [
        (ann, EDGE, places["leeds"]),
        (ann, EDGE - timedelta(hours=1), places["york"]),  # 23:30 on 31 January in Oslo
        (bob, EDGE, places["dover"]),
        (bob, EDGE + timedelta(days=29), None),  # March
        (ann, EDGE + timedelta(days=3), places["van"]),
        (bob, EDGE - timedelta(days=10), places["leeds"]),
        (ann, EDGE + timedelta(days=29), places["dover"]),
        (bob, EDGE, None),
    ]
    return {"learnings": [learning(who, when, where) for who, when, where in spots], **people}


OPERATIONS = st.lists(
    st.one_of(
        st.tuples(st.just("create"), st.lists(st.integers(0, 7), min_size=1, max_size=3)),
        st.tuples(st.just("add"), st.integers(0, 3), st.lists(st.integers(0, 7), min_size=1, max_size=3)),
        st.tuples(st.just("remove"), st.integers(0, 3), st.integers(0, 7)),
        st.tuples(st.sampled_from(["done", "in_progress", "dropped", "open"]), st.integers(0, 3)),
        st.tuples(st.just("pilot"), st.integers(0, 3)),
    ),
    min_size=1,
    max_size=8,
)


def _apply(world, actions, operation):
    admin, learnings = world["admin"], world["learnings"]
    name, *args = operation
    if name == "create":
        actions.append(act(admin, world["ann"], [learnings[i] for i in args[0]]))
        return
    if not actions:
        return
    action = actions[args[0] % len(actions)]
    if name == "add":
        services.action_learnings_add(acting=admin, action=action, learnings=[learnings[i] for i in args[1]])
    elif name == "remove":
        services.action_learning_remove(acting=admin, action=action, learning=learnings[args[1]])
    elif name == "pilot":
        if not action.is_closed and not Pilot.objects.filter(action=action).exists():
            pilot(admin, action)
    elif name in ACTION_TRANSITIONS[Action.objects.get(pk=action.pk).status]:
        services.action_set_status(acting=admin, action=action, status=name, reason="No.", outcome="Better.")


@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=OPERATIONS)
def test_after_any_sequence_of_changes_the_rollup_is_the_log(world, operations):
    organization = world["admin"].organization
    with transaction.atomic():
        actions = []
        for operation in operations:
            _apply(world, actions, operation)
            kept = rows(organization)
            rollups.loop_months_rebuild(organization=organization)
            assert rows(organization) == kept, operation  # after each change (a later one could mend a stale key)
        assert_kept_equals_log(organization)
        transaction.set_rollback(True)  # each example starts from the same world
