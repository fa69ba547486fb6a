"""The rollups kept by deltas (creates, learnings, location moves) and by recomputed keys (edits, deletions) stay
equal to a rebuild from the log, whatever the sequence of writes."""

import uuid
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.engagements import rollups, services
from apps.engagements.models import (
    KINDS_AT_A_LOCATION,
    Engagement,
    Kind,
    LeaderMonth,
    LeaderMonthTotal,
    Learning,
    LocationDay,
    LocationMonth,
    Participant,
)
from apps.organizations.models import Role
from tests.organizations.factories import LocationFactory, MembershipFactory, OrganizationFactory, RegionFactory

pytestmark = pytest.mark.django_db

# Around month ends, so that leaders on different clocks (and the organization's) disagree on the month or day.
STARTS = [
    datetime(2026, 1, 31, 23, 30, tzinfo=UTC),
    datetime(2026, 2, 1, 0, 30, tzinfo=UTC),
    datetime(2026, 2, 28, 22, 15, tzinfo=UTC),
    datetime(2026, 3, 15, 9, 0, tzinfo=UTC),
    datetime(2026, 3, 31, 23, 59, tzinfo=UTC),
]
ZONES = ["Europe/London", "Europe/Oslo", "America/New_York"]
KINDS = [Kind.STORE_VISIT, Kind.CUSTOMER_CALL, Kind.OTHER, Kind.FOCUS_GROUP]

index = st.integers(min_value=0, max_value=50)
place = st.one_of(st.none(), st.integers(min_value=0, max_value=2))  # no location, or one of three
others = st.sets(st.integers(min_value=0, max_value=2), max_size=3)
minutes = st.integers(min_value=1, max_value=240)

create = st.tuples(
    st.just("create"),
    st.integers(min_value=0, max_value=2),  # leader
    st.sampled_from(STARTS),
    st.sampled_from(KINDS),
    minutes,
    place,
    others,
    st.integers(min_value=0, max_value=2),  # learnings
)
edit = st.tuples(
    st.just("edit"),
    index,
    st.fixed_dictionaries(
        {},
        optional={
            "duration_minutes": minutes,
            "started_at": st.sampled_from(STARTS),
            "kind": st.sampled_from(KINDS),
            "location": place,
            "participants": others,
        },
    ),
)
delete = st.tuples(st.just("delete"), index)
set_minutes = st.tuples(st.just("minutes"), index, index, minutes)
add_learning = st.tuples(st.just("learn"), index, index)
drop_learning = st.tuples(st.just("unlearn"), index)
operations = st.lists(st.one_of(create, edit, delete, set_minutes, add_learning, drop_learning), max_size=12)


def snapshot(organization):
    """Every rollup row of `organization`, without ids, in a stable order."""
    leader_fields = ("membership_id", "month", "kind", "region_id", "minutes", "engagements", "learnings")
    return {
        "leader months": sorted(
            LeaderMonth.objects.filter(organization=organization).values_list(*leader_fields, "last_started_at"),
            key=str,
        ),
        "leader month totals": sorted(
            LeaderMonthTotal.objects.filter(organization=organization).values_list(
                "membership_id", "month", "region_id", "minutes", "engagements", "last_started_at"
            ),
            key=str,
        ),
        "location days": sorted(
            LocationDay.objects.filter(organization=organization).values_list(
                "location_id", "day", "engagements", "minutes"
            )
        ),
        "location months": sorted(
            LocationMonth.objects.filter(organization=organization).values_list(
                "location_id", "month", "engagements", "minutes"
            )
        ),
    }


class Cast:
    """An organization on London's clock, three executives on three clocks, three locations in two regions."""

    def __init__(self):
        self.organization = OrganizationFactory(time_zone="Europe/London")
        self.leaders = [
            MembershipFactory(organization=self.organization, role=Role.EXECUTIVE, user__time_zone=zone)
            for zone in ZONES
        ]
        north, south = (RegionFactory(organization=self.organization) for _ in range(2))
        self.locations = [
            LocationFactory(organization=self.organization, region=region) for region in (north, north, south)
        ]

    def location(self, choice, kind):
        if choice is None and kind in KINDS_AT_A_LOCATION:
            choice = 0
        return None if choice is None else self.locations[choice]

    def engagements(self):
        return list(Engagement.objects.filter(organization=self.organization).order_by("pk"))

    def run(self, operation):
        name, *args = operation
        getattr(self, f"do_{name}")(*args)

    def do_create(self, leader, started_at, kind, duration, where, other_ids, learnings):
        services.engagement_create(
            logged_by=self.leaders[leader],
            leader=self.leaders[leader],
            client_uuid=uuid.uuid4(),
            kind=kind,
            started_at=started_at,
            duration_minutes=duration,
            location=self.location(where, kind),
            other_participants=[self.leaders[i] for i in other_ids],
            learnings=[{"kind": "idea", "text": f"Learning {n}"} for n in range(learnings)],
        )

    def do_edit(self, which, changes):
        engagements = self.engagements()
        if not engagements:
            return
        engagement = engagements[which % len(engagements)]
        fields = dict(changes)
        if "participants" in fields:
            fields["participants"] = [self.leaders[i] for i in fields["participants"]]
        kind = fields.get("kind", engagement.kind)
        if "location" in fields or "kind" in fields:
            where = fields.pop("location", None)
            current = self.locations.index(engagement.location) if engagement.location_id else None
            fields["location"] = self.location(where if "location" in changes else current, kind)
        services.engagement_update(engagement=engagement, acting=engagement.leader, **fields)

    def do_delete(self, which):
        engagements = self.engagements()
        if engagements:
            engagement = engagements[which % len(engagements)]
            services.engagement_delete(engagement=engagement, acting=engagement.leader)

    def do_minutes(self, which, who, duration):
        participants = list(Participant.objects.filter(organization=self.organization).order_by("pk"))
        if participants:
            participant = participants[(which + who) % len(participants)]
            services.participant_set_minutes(participant=participant, minutes=duration, acting=participant.membership)

    def do_learn(self, which, who):
        participants = list(Participant.objects.filter(organization=self.organization).order_by("pk"))
        if participants:
            participant = participants[(which + who) % len(participants)]
            services.learning_create(
                engagement=participant.engagement,
                author=participant.membership,
                acting=participant.membership,
                kind="praise",
                text="Told us so",
            )

    def do_unlearn(self, which):
        learnings = list(Learning.objects.filter(organization=self.organization).order_by("pk"))
        if learnings:
            learning = learnings[which % len(learnings)]
            services.learning_delete(learning=learning, acting=learning.author)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sequence=operations)
def test_any_sequence_of_writes_leaves_the_rollups_equal_to_a_rebuild_from_the_log(db, sequence):
    # given an organization (a new one per example: the database is shared between examples)
    cast = Cast()

    # when
    for operation in sequence:
        cast.run(operation)

    # then
    kept = snapshot(cast.organization)
    rollups.rollups_rebuild(organization=cast.organization)
    assert kept == snapshot(cast.organization)


def test_a_create_adds_to_the_rows_already_there_and_keeps_the_latest_start(db):
    # given a month with one visit
    cast = Cast()
    cast.do_create(0, STARTS[3], Kind.STORE_VISIT, 30, 0, set(), 1)

    # when an earlier visit of the same month is logged at the same place
    cast.do_create(0, datetime(2026, 3, 2, 9, 0, tzinfo=UTC), Kind.STORE_VISIT, 45, 0, set(), 0)

    # then the figures add up and the latest start stays the later one
    leader, north = cast.leaders[0], cast.locations[0].region_id
    assert sorted(
        LeaderMonth.objects.values_list("region_id", "minutes", "engagements", "learnings", "last_started_at"),
        key=str,
    ) == sorted([(None, 75, 2, 1, STARTS[3]), (north, 75, 2, 1, STARTS[3])], key=str)
    assert list(LocationDay.objects.values_list("day", "engagements", "minutes").order_by("day")) == [
        (datetime(2026, 3, 2).date(), 1, 45),
        (datetime(2026, 3, 15).date(), 1, 30),
    ]
    assert list(LocationMonth.objects.values_list("month", "engagements", "minutes")) == [
        (datetime(2026, 3, 1).date(), 2, 75)
    ]
    assert LeaderMonthTotal.objects.get(membership=leader, region=None).minutes == 75


def test_moving_an_engagement_moves_its_location_figures_and_drops_emptied_rows(db):
    # given one visit at the first location
    cast = Cast()
    cast.do_create(0, STARTS[3], Kind.STORE_VISIT, 30, 0, {1}, 0)
    engagement = cast.engagements()[0]

    # when it is moved to another location and another month
    services.engagement_update(
        engagement=engagement, acting=cast.leaders[0], location=cast.locations[2], started_at=STARTS[2]
    )

    # then only the new location-day and location-month hold it
    assert list(LocationDay.objects.values_list("location_id", "day", "engagements", "minutes")) == [
        (cast.locations[2].pk, datetime(2026, 2, 28).date(), 1, 60)
    ]
    assert list(LocationMonth.objects.values_list("location_id", "month", "engagements", "minutes")) == [
        (cast.locations[2].pk, datetime(2026, 2, 1).date(), 1, 60)
    ]
