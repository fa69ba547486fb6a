"""Writes of the customer-time log: apps/engagements/services.py."""

import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from apps.engagements import services
from apps.engagements.models import Engagement, Learning, Participant
from tests.engagements.factories import EngagementFactory, LearningFactory, ParticipantFactory
from tests.engagements.helpers import counts
from tests.organizations.factories import LocationFactory, MembershipFactory

pytestmark = pytest.mark.django_db

YESTERDAY = timedelta(days=1)


def create(logged_by, leader=None, **overrides):
    kwargs = {
        "logged_by": logged_by,
        "leader": leader or logged_by,
        "client_uuid": uuid.uuid4(),
        "kind": "customer_call",  # needs no location
        "started_at": timezone.now() - YESTERDAY,
        "duration_minutes": 30,
    }
    kwargs.update(overrides)
    return services.engagement_create(**kwargs)


def credits(engagement):
    return sorted(engagement.participants.values_list("membership_id", "minutes"))


def error_dict(exc_info):
    return exc_info.value.message_dict


# --- engagement_create ----------------------------------------------------------------------


def test_create_saves_engagement_participants_and_learnings(executive, peer, stranger, location):
    # given
    client_uuid = uuid.uuid4()
    started_at = timezone.now() - timedelta(hours=3)

    # when
    engagement, created = services.engagement_create(
        logged_by=executive,
        leader=executive,
        client_uuid=client_uuid,
        kind="focus_group",
        started_at=started_at,
        duration_minutes=90,
        location=location,
        customer_type="internal",
        customers_met=12,
        notes="Twelve store managers.",
        other_participants=[peer, stranger],
        learnings=[
            {"kind": "pain_point", "text": "Rotas come too late.", "quote": "We get them on Friday."},
            {"kind": "idea", "text": "Publish rotas two weeks ahead."},
        ],
    )

    # then
    assert created is True
    stored = Engagement.objects.get()
    assert stored == engagement
    assert stored.organization_id == executive.organization_id
    assert stored.client_uuid == client_uuid
    assert stored.kind == "focus_group"
    assert stored.location == location
    assert stored.started_at == started_at
    assert stored.duration_minutes == 90
    assert stored.customer_type == "internal"
    assert stored.customers_met == 12
    assert stored.notes == "Twelve store managers."
    assert stored.leader == executive
    assert stored.logged_by == executive
    assert stored.on_behalf is False
    assert credits(stored) == sorted([(executive.pk, 90), (peer.pk, 90), (stranger.pk, 90)])
    assert set(Participant.objects.values_list("organization_id", flat=True)) == {executive.organization_id}
    assert list(stored.learnings.order_by("id").values_list("author_id", "kind", "text", "quote")) == [
        (executive.pk, "pain_point", "Rotas come too late.", "We get them on Friday."),
        (executive.pk, "idea", "Publish rotas two weeks ahead.", ""),
    ]
    assert counts() == (1, 3, 2)


def test_create_without_extras_credits_only_the_leader(executive):
    # when
    engagement, created = create(executive, kind="customer_call", duration_minutes=15)

    # then
    assert created is True
    assert engagement.location is None
    assert engagement.customer_type == "external"
    assert engagement.customers_met is None
    assert engagement.notes == ""
    assert credits(engagement) == [(executive.pk, 15)]
    assert counts() == (1, 1, 0)


def test_create_same_client_uuid_again_returns_the_first_and_creates_nothing(executive, peer):
    # given
    client_uuid = uuid.uuid4()
    first, _ = create(executive, client_uuid=client_uuid, other_participants=[peer], learnings=[{"text": "One"}])

    # when: the replay even carries different data
    again, created = create(
        executive,
        client_uuid=client_uuid,
        kind="other",
        duration_minutes=120,
        learnings=[{"text": "Two"}],
    )

    # then
    assert created is False
    assert again.pk == first.pk
    assert counts() == (1, 2, 1)
    stored = Engagement.objects.get()
    assert (stored.kind, stored.duration_minutes) == ("customer_call", 30)
    assert list(Learning.objects.values_list("text", flat=True)) == ["One"]


def test_create_client_uuid_of_another_organization_is_refused(executive, outsider):
    # given
    taken = EngagementFactory(organization=outsider.organization, leader=outsider)

    # when
    with pytest.raises(ValidationError) as exc_info:
        create(executive, client_uuid=taken.client_uuid)

    # then
    assert error_dict(exc_info) == {"client_uuid": ["This form was already used elsewhere; reload the page."]}
    assert counts() == (1, 1, 0)
    assert Engagement.objects.get().organization_id == outsider.organization_id


def test_create_client_uuid_of_another_member_is_refused(executive, stranger):
    # given: a colleague's entry (readable by everyone) must not be "found" by someone else's form
    taken = EngagementFactory(organization=stranger.organization, leader=stranger)

    # when
    with pytest.raises(ValidationError) as exc_info:
        create(executive, client_uuid=taken.client_uuid)

    # then
    assert error_dict(exc_info) == {"client_uuid": ["This form was already used elsewhere; reload the page."]}
    assert counts() == (1, 1, 0)


def test_chief_of_staff_logs_on_behalf_of_a_supported_executive(chief_of_staff, executive):
    # when
    engagement, created = create(chief_of_staff, leader=executive, learnings=[{"text": "Shelves half empty."}])

    # then
    assert created is True
    assert engagement.leader == executive
    assert engagement.logged_by == chief_of_staff
    assert engagement.on_behalf is True
    assert credits(engagement) == [(executive.pk, 30)]
    assert list(Learning.objects.values_list("author_id", flat=True)) == [executive.pk]


@pytest.mark.parametrize(
    ("actor", "leader"),
    [
        ("chief_of_staff", "stranger"),  # not supported
        ("chief_of_staff", "board_member"),
        ("chief_of_staff", "admin_member"),
        ("chief_of_staff", "chief_of_staff"),  # a chief of staff has no customer time of their own
        ("chief_of_staff", "outsider"),
        ("board_member", "board_member"),
        ("board_member", "executive"),
        ("admin_member", "admin_member"),
        ("admin_member", "executive"),
        ("executive", "stranger"),
        ("executive", "chief_of_staff"),
        ("inactive_executive", "inactive_executive"),
    ],
)
def test_create_for_someone_one_may_not_act_for_is_denied(request, actor, leader):
    # given
    actor, leader = request.getfixturevalue(actor), request.getfixturevalue(leader)

    # when
    with pytest.raises(PermissionDenied) as exc_info:
        create(actor, leader=leader)

    # then
    assert str(exc_info.value) == "You can log customer time only for yourself or executives you support."
    assert counts() == (0, 0, 0)


def test_chief_of_staff_cannot_log_for_a_supported_member_who_is_no_longer_an_executive(
    chief_of_staff, executive, inactive_executive
):
    # given: stale "supports" rows (a demoted executive, a deactivated one)
    executive.role = "board"
    executive.save()
    chief_of_staff.supports.add(inactive_executive)

    # when / then
    for leader in (executive, inactive_executive):
        with pytest.raises(PermissionDenied):
            create(chief_of_staff, leader=leader)
    assert counts() == (0, 0, 0)


def test_create_start_more_than_a_day_ahead_is_refused(executive):
    # when
    with pytest.raises(ValidationError) as exc_info:
        create(executive, started_at=timezone.now() + timedelta(days=1, minutes=1))

    # then
    assert error_dict(exc_info) == {"started_at": ["The start can be at most one day in the future."]}
    assert counts() == (0, 0, 0)


def test_create_start_just_under_a_day_ahead_is_accepted(executive):
    # when
    _, created = create(executive, started_at=timezone.now() + timedelta(hours=23, minutes=59))

    # then
    assert created is True
    assert counts() == (1, 1, 0)


def test_create_location_of_another_organization_is_refused(executive, outside_location):
    # when
    with pytest.raises(ValidationError) as exc_info:
        create(executive, location=outside_location)

    # then
    assert error_dict(exc_info) == {"location": ["Choose a location of your organization."]}
    assert counts() == (0, 0, 0)


@pytest.mark.parametrize("other", ["outsider", "board_member", "chief_of_staff", "admin_member", "inactive_executive"])
def test_create_participant_who_is_not_an_active_executive_of_the_organization_is_refused(
    request, executive, peer, other
):
    # when
    with pytest.raises(ValidationError) as exc_info:
        create(executive, other_participants=[peer, request.getfixturevalue(other)])

    # then
    assert error_dict(exc_info) == {"participants": ["Participants must be executives of your organization."]}
    assert counts() == (0, 0, 0)


def test_create_reports_every_field_error_at_once(executive, outsider, outside_location):
    # when
    with pytest.raises(ValidationError) as exc_info:
        create(
            executive,
            started_at=timezone.now() + timedelta(days=3),
            location=outside_location,
            other_participants=[outsider],
        )

    # then
    assert error_dict(exc_info) == {
        "started_at": ["The start can be at most one day in the future."],
        "location": ["Choose a location of your organization."],
        "participants": ["Participants must be executives of your organization."],
    }
    assert counts() == (0, 0, 0)


@pytest.mark.parametrize(
    ("minutes", "message"),
    [
        (0, "Ensure this value is greater than or equal to 1."),
        (1441, "Ensure this value is less than or equal to 1440."),
    ],
)
def test_create_duration_outside_one_to_1440_is_refused(executive, minutes, message):
    # when
    with pytest.raises(ValidationError) as exc_info:
        create(executive, duration_minutes=minutes)

    # then
    assert error_dict(exc_info) == {"duration_minutes": [message]}
    assert counts() == (0, 0, 0)


@pytest.mark.parametrize("minutes", [1, 1440])
def test_create_duration_at_the_bounds_is_accepted(executive, minutes):
    # when
    engagement, created = create(executive, duration_minutes=minutes)

    # then
    assert created is True
    assert credits(engagement) == [(executive.pk, minutes)]


def test_create_with_an_invalid_learning_saves_nothing(executive, peer):
    # when: the second learning has no text
    with pytest.raises(ValidationError) as exc_info:
        create(executive, other_participants=[peer], learnings=[{"text": "Fine"}, {"text": ""}])

    # then: neither the engagement, nor its participants, nor the first learning was kept
    assert error_dict(exc_info) == {"text": ["This field cannot be blank."]}
    assert counts() == (0, 0, 0)


def test_create_with_a_learning_of_unknown_kind_saves_nothing(executive):
    # when
    with pytest.raises(ValidationError) as exc_info:
        create(executive, learnings=[{"kind": "rumour", "text": "Heard it somewhere"}])

    # then
    assert error_dict(exc_info) == {"kind": ["Value 'rumour' is not a valid choice."]}
    assert counts() == (0, 0, 0)


def test_create_credits_each_leader_once(executive, peer):
    # when: the leader and a repeated peer in the list
    engagement, _ = create(executive, other_participants=[executive, peer, peer])

    # then
    assert credits(engagement) == sorted([(executive.pk, 30), (peer.pk, 30)])


# --- engagement_update ----------------------------------------------------------------------


def test_update_replaces_co_participants_and_keeps_the_rest(executive, peer, stranger, organization):
    # given: leader 30 (default), peer 20 (adjusted), stranger 30
    engagement = EngagementFactory(organization=organization, leader=executive, duration_minutes=30)
    ParticipantFactory(engagement=engagement, membership=peer, minutes=20)
    ParticipantFactory(engagement=engagement, membership=stranger)
    newcomer = MembershipFactory(organization=organization, role="executive")

    # when: stranger leaves, newcomer joins, peer stays
    services.engagement_update(engagement=engagement, acting=executive, participants=[peer, newcomer])

    # then
    assert credits(engagement) == sorted([(executive.pk, 30), (peer.pk, 20), (newcomer.pk, 30)])


def test_update_without_participants_leaves_them_alone(executive, peer, organization):
    # given
    engagement = EngagementFactory(organization=organization, leader=executive)
    ParticipantFactory(engagement=engagement, membership=peer, minutes=10)

    # when
    services.engagement_update(engagement=engagement, acting=executive, notes="Added later.")

    # then
    engagement.refresh_from_db()
    assert engagement.notes == "Added later."
    assert credits(engagement) == sorted([(executive.pk, 30), (peer.pk, 10)])


def test_update_empty_participants_removes_every_co_participant_but_not_the_leader(executive, peer, organization):
    # given
    engagement = EngagementFactory(organization=organization, leader=executive)
    ParticipantFactory(engagement=engagement, membership=peer)

    # when
    services.engagement_update(engagement=engagement, acting=executive, participants=[])

    # then
    assert credits(engagement) == [(executive.pk, 30)]


def test_update_duration_moves_default_minutes_and_keeps_adjusted_ones(executive, peer, stranger, organization):
    # given: leader and stranger on the default 30, peer adjusted to 20
    engagement = EngagementFactory(organization=organization, leader=executive, duration_minutes=30)
    ParticipantFactory(engagement=engagement, membership=peer, minutes=20)
    ParticipantFactory(engagement=engagement, membership=stranger)
    newcomer = MembershipFactory(organization=organization, role="executive")

    # when
    services.engagement_update(
        engagement=engagement, acting=executive, duration_minutes=45, participants=[peer, stranger, newcomer]
    )

    # then
    engagement.refresh_from_db()
    assert engagement.duration_minutes == 45
    assert credits(engagement) == sorted([(executive.pk, 45), (peer.pk, 20), (stranger.pk, 45), (newcomer.pk, 45)])


def test_update_changes_the_fields(executive, location, organization):
    # given
    engagement = EngagementFactory(organization=organization, leader=executive, location=location)
    elsewhere = LocationFactory(organization=organization)
    started_at = timezone.now() - timedelta(days=2)

    # when
    services.engagement_update(
        engagement=engagement,
        acting=executive,
        kind="front_line_shift",
        location=elsewhere,
        started_at=started_at,
        customer_type="internal",
        customers_met=4,
        notes="Tills",
    )

    # then
    engagement.refresh_from_db()
    assert (
        engagement.kind,
        engagement.location,
        engagement.started_at,
        engagement.customer_type,
        engagement.customers_met,
        engagement.notes,
    ) == ("front_line_shift", elsewhere, started_at, "internal", 4, "Tills")


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("started_at", "two_days_ahead", {"started_at": ["The start can be at most one day in the future."]}),
        ("location", "outside_location", {"location": ["Choose a location of your organization."]}),
        ("participants", "outsider", {"participants": ["Participants must be executives of your organization."]}),
        ("duration_minutes", 0, {"duration_minutes": ["Ensure this value is greater than or equal to 1."]}),
        ("duration_minutes", 1441, {"duration_minutes": ["Ensure this value is less than or equal to 1440."]}),
    ],
)
def test_update_invalid_changes_nothing(request, executive, peer, organization, field, value, expected):
    # given
    engagement = EngagementFactory(organization=organization, leader=executive, duration_minutes=30)
    ParticipantFactory(engagement=engagement, membership=peer)
    before = Engagement.objects.filter(pk=engagement.pk).values().get()
    if value == "two_days_ahead":
        value = timezone.now() + timedelta(days=2)
    elif isinstance(value, str):
        value = request.getfixturevalue(value)
    if field == "participants":
        value = [value]

    # when
    with pytest.raises(ValidationError) as exc_info:
        services.engagement_update(engagement=engagement, acting=executive, **{field: value})

    # then
    assert error_dict(exc_info) == expected
    assert Engagement.objects.filter(pk=engagement.pk).values().get() == before
    assert credits(engagement) == sorted([(executive.pk, 30), (peer.pk, 30)])


EDITORS = ["executive", "chief_of_staff"]
# Having logged the entry once gives no lasting right: a chief of staff who stopped supporting is refused.
NOT_EDITORS = [
    "peer",
    "stranger",
    "unsupported_cos",
    "peer_cos",
    "board_member",
    "admin_member",
    "outsider",
    "logger_cos",
]


@pytest.fixture
def logger_cos(organization, executive):
    """A chief of staff who logged the entry for `executive` and no longer supports them."""
    return MembershipFactory(organization=organization, role="chief_of_staff")


@pytest.fixture
def logged_entry(executive, logger_cos, peer):
    engagement = EngagementFactory(organization=executive.organization, leader=executive, logged_by=logger_cos)
    ParticipantFactory(engagement=engagement, membership=peer)
    LearningFactory(engagement=engagement, author=executive)
    return engagement


@pytest.mark.parametrize("member", EDITORS, indirect=True)
def test_update_allowed_to_author_and_supporting_chief_of_staff(member, logged_entry):
    # when
    services.engagement_update(engagement=logged_entry, acting=member, notes="Edited")

    # then
    logged_entry.refresh_from_db()
    assert logged_entry.notes == "Edited"


@pytest.mark.parametrize("member", [*NOT_EDITORS, "inactive_author"], indirect=True)
def test_update_denied_to_everyone_else_and_changes_nothing(member, logged_entry):
    # given
    before = Engagement.objects.filter(pk=logged_entry.pk).values().get()

    # when
    with pytest.raises(PermissionDenied) as exc_info:
        services.engagement_update(engagement=logged_entry, acting=member, notes="Edited", participants=[])

    # then
    assert str(exc_info.value) == "You cannot change this entry."
    assert Engagement.objects.filter(pk=logged_entry.pk).values().get() == before
    assert counts() == (1, 2, 1)


@pytest.fixture
def inactive_author(executive):
    executive.is_active = False
    executive.save()
    return executive


@pytest.mark.parametrize("member", EDITORS, indirect=True)
def test_delete_allowed_to_author_and_supporting_chief_of_staff(member, logged_entry, stranger):
    # given: an entry that must survive
    EngagementFactory(organization=stranger.organization, leader=stranger)

    # when
    services.engagement_delete(engagement=logged_entry, acting=member)

    # then: its participants and learnings went with it
    assert not Engagement.objects.filter(pk=logged_entry.pk).exists()
    assert counts() == (1, 1, 0)


@pytest.mark.parametrize("member", [*NOT_EDITORS, "inactive_author"], indirect=True)
def test_delete_denied_to_everyone_else_and_deletes_nothing(member, logged_entry):
    # when
    with pytest.raises(PermissionDenied) as exc_info:
        services.engagement_delete(engagement=logged_entry, acting=member)

    # then
    assert str(exc_info.value) == "You cannot delete this entry."
    assert counts() == (1, 2, 1)


# --- participant_set_minutes ------------------------------------------------------------------


@pytest.mark.parametrize("member", ["peer", "peer_cos", "executive", "chief_of_staff"], indirect=True)
def test_set_minutes_allowed_to_the_participant_their_cos_and_the_entry_editors(member, shared_engagement, peer):
    # given
    participant = shared_engagement.participants.get(membership=peer)

    # when
    services.participant_set_minutes(participant=participant, minutes=50, acting=member)

    # then
    participant.refresh_from_db()
    assert participant.minutes == 50


@pytest.mark.parametrize(
    "member", ["stranger", "unsupported_cos", "board_member", "admin_member", "outsider"], indirect=True
)
def test_set_minutes_denied_to_others_and_changes_nothing(member, shared_engagement, peer):
    # given
    participant = shared_engagement.participants.get(membership=peer)

    # when
    with pytest.raises(PermissionDenied) as exc_info:
        services.participant_set_minutes(participant=participant, minutes=50, acting=member)

    # then
    assert str(exc_info.value) == "You cannot change these minutes."
    participant.refresh_from_db()
    assert participant.minutes == 45


def test_peer_cannot_set_the_leaders_minutes(shared_engagement, executive, peer):
    # given
    participant = shared_engagement.participants.get(membership=executive)

    # when
    with pytest.raises(PermissionDenied):
        services.participant_set_minutes(participant=participant, minutes=5, acting=peer)

    # then
    participant.refresh_from_db()
    assert participant.minutes == 60


@pytest.mark.parametrize(
    ("minutes", "message"),
    [
        (0, "Ensure this value is greater than or equal to 1."),
        (1441, "Ensure this value is less than or equal to 1440."),
    ],
)
def test_set_minutes_out_of_range_is_refused(shared_engagement, peer, minutes, message):
    # given
    participant = shared_engagement.participants.get(membership=peer)

    # when
    with pytest.raises(ValidationError) as exc_info:
        services.participant_set_minutes(participant=participant, minutes=minutes, acting=peer)

    # then
    assert error_dict(exc_info) == {"minutes": [message]}
    assert Participant.objects.get(pk=participant.pk).minutes == 45


# --- learnings ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("acting", "author"),
    [
        ("executive", "executive"),
        ("peer", "peer"),  # a co-participant adds their own
        ("chief_of_staff", "executive"),  # for the executive they support
        ("peer_cos", "peer"),
    ],
)
def test_learning_create_by_a_participant_or_their_chief_of_staff(request, shared_engagement, acting, author):
    # given
    acting, author = request.getfixturevalue(acting), request.getfixturevalue(author)

    # when
    learning = services.learning_create(
        engagement=shared_engagement,
        author=author,
        acting=acting,
        kind="competitor",
        text="Rival opens at 7.",
        quote="Q",
    )

    # then
    stored = Learning.objects.get(pk=learning.pk)
    assert (stored.engagement_id, stored.organization_id, stored.author_id) == (
        shared_engagement.pk,
        shared_engagement.organization_id,
        author.pk,
    )
    assert (stored.kind, stored.text, stored.quote) == ("competitor", "Rival opens at 7.", "Q")
    assert shared_engagement.learnings.count() == 3


@pytest.mark.parametrize("author", ["stranger", "chief_of_staff", "board_member"])
def test_learning_create_author_must_be_a_participant(request, shared_engagement, author):
    # given
    author = request.getfixturevalue(author)

    # when
    with pytest.raises(ValidationError) as exc_info:
        services.learning_create(engagement=shared_engagement, author=author, acting=author, kind="idea", text="x")

    # then
    assert error_dict(exc_info) == {"author": ["Only participants of this engagement can add learnings to it."]}
    assert shared_engagement.learnings.count() == 2


@pytest.mark.parametrize(
    ("acting", "author"),
    [
        ("peer", "executive"),  # a co-participant cannot write in the leader's name
        ("executive", "peer"),
        ("unsupported_cos", "executive"),
        ("peer_cos", "executive"),
        ("board_member", "executive"),
        ("admin_member", "executive"),
        ("outsider", "executive"),
    ],
)
def test_learning_create_for_someone_one_may_not_act_for_is_denied(request, shared_engagement, acting, author):
    # given
    acting, author = request.getfixturevalue(acting), request.getfixturevalue(author)

    # when
    with pytest.raises(PermissionDenied) as exc_info:
        services.learning_create(engagement=shared_engagement, author=author, acting=acting, kind="idea", text="x")

    # then
    assert str(exc_info.value) == "You can add learnings only for yourself or executives you support."
    assert Learning.objects.count() == 2


def test_learning_create_empty_text_is_refused(shared_engagement, executive):
    # when
    with pytest.raises(ValidationError) as exc_info:
        services.learning_create(engagement=shared_engagement, author=executive, acting=executive, kind="idea", text="")

    # then
    assert error_dict(exc_info) == {"text": ["This field cannot be blank."]}
    assert Learning.objects.count() == 2


@pytest.fixture
def peers_learning(shared_engagement, peer):
    return shared_engagement.learnings.get(author=peer)


# Who may change the peer's learning on the executive's entry (logged by chief_of_staff).
LEARNING_EDITORS = ["peer", "peer_cos", "executive", "chief_of_staff"]
LEARNING_NOT_EDITORS = ["stranger", "unsupported_cos", "board_member", "admin_member", "outsider"]


@pytest.mark.parametrize("member", LEARNING_EDITORS, indirect=True)
def test_learning_update_allowed(member, peers_learning):
    # when
    services.learning_update(learning=peers_learning, acting=member, kind="pain_point", text="Changed", quote="Q")

    # then
    peers_learning.refresh_from_db()
    assert (peers_learning.kind, peers_learning.text, peers_learning.quote) == ("pain_point", "Changed", "Q")


@pytest.mark.parametrize("member", LEARNING_NOT_EDITORS, indirect=True)
def test_learning_update_denied_changes_nothing(member, peers_learning):
    # when
    with pytest.raises(PermissionDenied) as exc_info:
        services.learning_update(learning=peers_learning, acting=member, kind="pain_point", text="Changed")

    # then
    assert str(exc_info.value) == "You cannot change this learning."
    stored = Learning.objects.get(pk=peers_learning.pk)
    assert (stored.kind, stored.text, stored.quote) == ("praise", "Staff knew every product.", "")


def test_peer_cannot_change_the_leaders_learning(shared_engagement, executive, peer):
    # given
    learning = shared_engagement.learnings.get(author=executive)

    # when
    with pytest.raises(PermissionDenied):
        services.learning_update(learning=learning, acting=peer, kind="idea", text="Mine now")

    # then
    assert Learning.objects.get(pk=learning.pk).text == "Open the café earlier."


def test_learning_update_empty_text_is_refused(peers_learning, peer):
    # when
    with pytest.raises(ValidationError) as exc_info:
        services.learning_update(learning=peers_learning, acting=peer, kind="idea", text="")

    # then
    assert error_dict(exc_info) == {"text": ["This field cannot be blank."]}
    assert Learning.objects.get(pk=peers_learning.pk).text == "Staff knew every product."


@pytest.mark.parametrize("member", LEARNING_EDITORS, indirect=True)
def test_learning_delete_allowed(member, peers_learning):
    # when
    services.learning_delete(learning=peers_learning, acting=member)

    # then
    assert not Learning.objects.filter(pk=peers_learning.pk).exists()
    assert Learning.objects.count() == 1


@pytest.mark.parametrize("member", LEARNING_NOT_EDITORS, indirect=True)
def test_learning_delete_denied_deletes_nothing(member, peers_learning):
    # when
    with pytest.raises(PermissionDenied) as exc_info:
        services.learning_delete(learning=peers_learning, acting=member)

    # then
    assert str(exc_info.value) == "You cannot delete this learning."
    assert Learning.objects.count() == 2
