"""My customer time, the feed, the detail page, edit/delete, learnings and participant minutes."""

from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.engagements.models import Engagement, Learning, Participant
from tests.engagements.factories import EngagementFactory, LearningFactory, ParticipantFactory
from tests.engagements.helpers import (
    DATETIME_LOCAL,
    LONDON,
    checked_values,
    counts,
    error_div,
    input_value,
    local_minute,
    options,
    period_bounds,
    selected_options,
    snapshot,
    tags,
)
from tests.organizations.factories import LocationFactory, RegionFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name, obj):
    return reverse(f"engagements:{name}", args=[obj.pk])


def links_to(html, engagement):
    return f'href="/engagements/{engagement.pk}/"' in html


# --- my customer time ---------------------------------------------------------------------------


def test_my_time_shows_totals_and_only_the_leaders_entries(client_for, executive, peer, stranger, location):
    # given
    inside, earliest = period_bounds()
    org = executive.organization
    mine = EngagementFactory(organization=org, leader=executive, started_at=inside, duration_minutes=50)
    shared = EngagementFactory(organization=org, leader=peer, started_at=inside, duration_minutes=60)
    ParticipantFactory(engagement=shared, membership=executive, minutes=25)
    old = EngagementFactory(organization=org, leader=executive, started_at=earliest - timedelta(minutes=1))
    theirs = EngagementFactory(organization=org, leader=stranger, started_at=inside)

    # when
    response = client_for(executive).get("/mine/")

    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="h4 mb-0">My customer time</h1>' in html
    assert '<div class="fs-4 fw-semibold" id="total-week">1 h 15 min</div>' in html
    assert '<div class="fs-4 fw-semibold" id="total-month">1 h 15 min</div>' in html
    assert html.count('<div class="small text-body-secondary">2 entries</div>') == 2
    assert [links_to(html, e) for e in (mine, shared, old, theirs)] == [True, True, True, False]
    assert '<span class="badge text-bg-light border">25 min</span>' in html  # my share of the shared entry


def test_my_time_for_a_chief_of_staff_defaults_to_the_first_supported_executive(client_for, chief_of_staff, executive):
    # given
    entry = EngagementFactory(organization=executive.organization, leader=executive)

    # when
    html = client_for(chief_of_staff).get("/mine/").content.decode()

    # then
    assert f"Customer time — {executive.display_name}</h1>" in html
    assert selected_options(html, "leader") == [str(executive.pk)]
    assert links_to(html, entry)


def test_my_time_chief_of_staff_switches_leader(client_for, chief_of_staff, executive, peer):
    # given
    chief_of_staff.supports.add(peer)
    execs_entry = EngagementFactory(organization=executive.organization, leader=executive)
    peers_entry = EngagementFactory(
        organization=executive.organization, leader=peer, duration_minutes=40, started_at=period_bounds()[0]
    )

    # when
    html = client_for(chief_of_staff).get("/mine/", {"leader": peer.pk}).content.decode()

    # then
    assert f"Customer time — {peer.display_name}</h1>" in html
    assert options(html, "leader") == sorted(
        [(str(executive.pk), executive.display_name), (str(peer.pk), peer.display_name)], key=lambda o: o[1]
    )
    assert selected_options(html, "leader") == [str(peer.pk)]
    assert '<div class="fs-4 fw-semibold" id="total-week">40 min</div>' in html
    assert (links_to(html, peers_entry), links_to(html, execs_entry)) == (True, False)


def test_my_time_chief_of_staff_cannot_look_at_an_unsupported_executive(client_for, chief_of_staff, stranger):
    # given
    entry = EngagementFactory(organization=stranger.organization, leader=stranger)

    # when
    response = client_for(chief_of_staff).get("/mine/", {"leader": stranger.pk})

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert '<h1 class="h4 mb-0">Customer time</h1>' in html
    assert 'id="total-week"' not in html
    assert not links_to(html, entry)


@pytest.mark.parametrize("member", ["board_member", "admin_member"], indirect=True)
def test_my_time_for_readers_points_to_the_feed(client_for, member, executive):
    # given
    EngagementFactory(organization=executive.organization, leader=executive)

    # when
    html = client_for(member).get("/mine/").content.decode()

    # then
    assert "Only executives have their own customer time." in html
    assert 'id="total-week"' not in html


# --- feed -------------------------------------------------------------------------------------


@pytest.fixture
def feed_entries(executive, peer, stranger, outsider):
    org = executive.organization
    north, south = RegionFactory(organization=org, name="North"), RegionFactory(organization=org, name="South")
    leeds = LocationFactory(organization=org, region=north, name="Leeds")
    bath = LocationFactory(organization=org, region=south, name="Bath")
    now = timezone.now()
    entries = {
        "leeds_visit": EngagementFactory(
            organization=org, leader=executive, location=leeds, started_at=now - timedelta(minutes=1)
        ),
        "bath_call": EngagementFactory(
            organization=org, leader=stranger, location=bath, kind="customer_call", started_at=now - timedelta(days=40)
        ),
        "old_safari": EngagementFactory(
            organization=org,
            leader=peer,
            location=leeds,
            kind="retail_safari",
            started_at=datetime(2024, 6, 10, 12, tzinfo=LONDON),
        ),
        "foreign": EngagementFactory(organization=outsider.organization, leader=outsider),
    }
    ParticipantFactory(engagement=entries["bath_call"], membership=executive)
    return {"north": north, "south": south, "leeds": leeds, "bath": bath, **entries}


FEED_CASES = [
    ({}, ["leeds_visit", "bath_call", "old_safari"]),
    ({"leader": "executive"}, ["leeds_visit", "bath_call"]),
    ({"leader": "peer"}, ["old_safari"]),
    ({"kind": "customer_call"}, ["bath_call"]),
    ({"location": "leeds"}, ["leeds_visit", "old_safari"]),
    ({"region": "south"}, ["bath_call"]),
    ({"period": "30d"}, ["leeds_visit"]),
    ({"period": "year"}, ["leeds_visit", "bath_call"]),
    ({"start": "2024-06-10", "end": "2024-06-10"}, ["old_safari"]),
    ({"period": "custom", "start": "2024-06-11"}, ["leeds_visit", "bath_call"]),
    ({"end": "2024-06-09"}, []),
    ({"leader": "executive", "region": "north"}, ["leeds_visit"]),
    ({"location": "leeds", "kind": "retail_safari", "period": "custom", "end": "2025-01-01"}, ["old_safari"]),
]


@pytest.mark.parametrize(("params", "expected"), FEED_CASES)
def test_feed_filters_from_the_query_string(request, client_for, board_member, feed_entries, params, expected):
    # given
    query = {}
    for key, value in params.items():
        if key == "leader":
            value = request.getfixturevalue(value).pk
        elif key in ("location", "region"):
            value = feed_entries[value].pk
        query[key] = value

    # when: a board member reads the feed
    response = client_for(board_member).get("/feed/", query)

    # then
    html = response.content.decode()
    assert response.status_code == 200
    shown = [
        name for name in ("leeds_visit", "bath_call", "old_safari", "foreign") if links_to(html, feed_entries[name])
    ]
    assert shown == expected
    noun = "entry" if len(expected) == 1 else "entries"
    assert f'<p class="small text-body-secondary mb-2">{len(expected)} {noun}</p>' in html


def test_feed_end_before_start_shows_the_error_and_no_entries(client_for, executive, feed_entries):
    # when
    response = client_for(executive).get("/feed/", {"start": "2025-02-10", "end": "2025-02-01"})

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert error_div("id_end", "The end date must be on or after the start date.") in html
    assert '<p class="small text-body-secondary mb-2">0 entries</p>' in html
    assert '<p class="text-body-secondary">No customer time matches.</p>' in html


@pytest.mark.parametrize(
    ("params", "field_id", "message"),
    [
        (
            {"leader": "outsider"},
            "id_leader",
            "Select a valid choice. That choice is not one of the available choices.",
        ),
        ({"kind": "nap"}, "id_kind", "Select a valid choice. nap is not one of the available choices."),
        ({"period": "decade"}, "id_period", "Select a valid choice. decade is not one of the available choices."),
        ({"start": "soon"}, "id_start", "Enter a valid date."),
    ],
)
def test_feed_invalid_filters_show_the_error(request, client_for, executive, feed_entries, params, field_id, message):
    # given
    query = {k: (request.getfixturevalue(v).pk if k == "leader" else v) for k, v in params.items()}

    # when
    html = client_for(executive).get("/feed/", query).content.decode()

    # then
    assert error_div(field_id, message) in html
    assert '<p class="small text-body-secondary mb-2">0 entries</p>' in html


def test_feed_htmx_answers_the_results_fragment(client_for, executive, feed_entries):
    # when
    response = client_for(executive).get("/feed/", {"kind": "customer_call"}, **HTMX)

    # then
    html = response.content.decode()
    assert response.templates[0].name == "engagements/_feed_results.html"
    assert "<html" not in html
    assert html.startswith('<p class="small text-body-secondary mb-2">1 entry</p>')
    assert links_to(html, feed_entries["bath_call"])


def test_feed_pages_by_25_and_keeps_the_filters(client_for, executive):
    # given
    for _ in range(26):
        EngagementFactory(organization=executive.organization, leader=executive, kind="other", location=None)

    # when
    first = client_for(executive).get("/feed/", {"kind": "other"}).content.decode()
    second = client_for(executive).get("/feed/", {"kind": "other", "page": "2"}).content.decode()

    # then
    assert first.count('class="stretched-link') == 25
    assert '<a class="page-link" href="?kind=other&amp;page=2">Older ›</a>' in first
    assert second.count('class="stretched-link') == 1


# --- detail -----------------------------------------------------------------------------------


def test_detail_is_readable_by_a_board_member_without_any_write_controls(client_for, board_member, shared_engagement):
    # when
    response = client_for(board_member).get(url("detail", shared_engagement))

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert '<h1 class="h4 mb-1">Retail safari · High Street</h1>' in html
    assert "Open the café earlier." in html
    assert "Staff knew every product." in html
    assert f"logged on their behalf by {shared_engagement.logged_by.display_name}" in html
    assert url("edit", shared_engagement) not in html
    assert url("delete", shared_engagement) not in html
    assert "Add a learning" not in html
    assert tags(html, "input", name="minutes") == []
    assert "/learnings/" not in html.split('id="learnings"')[1]
    assert '<span class="badge text-bg-light border">45 min</span>' in html
    assert '<span class="badge text-bg-light border">1 h</span>' in html


def test_detail_for_the_author_offers_edit_learning_and_minutes(client_for, executive, peer, shared_engagement):
    # when
    html = client_for(executive).get(url("detail", shared_engagement)).content.decode()

    # then
    assert f'href="{url("edit", shared_engagement)}"' in html
    assert f'href="{url("delete", shared_engagement)}"' in html
    assert "Add a learning" in html
    [author] = tags(html, "input", name="author")
    assert (author["type"], author["value"]) == ("hidden", str(executive.pk))
    minutes = {attrs["id"]: attrs["value"] for attrs in tags(html, "input", name="minutes")}
    participants = {p.membership_id: p.pk for p in shared_engagement.participants.all()}
    assert minutes == {f"minutes-{participants[executive.pk]}": "60", f"minutes-{participants[peer.pk]}": "45"}


def test_detail_for_a_co_participant_offers_only_their_own_parts(client_for, peer, shared_engagement):
    # when
    html = client_for(peer).get(url("detail", shared_engagement)).content.decode()

    # then
    assert url("edit", shared_engagement) not in html
    [own] = shared_engagement.participants.filter(membership=peer)
    assert [attrs["id"] for attrs in tags(html, "input", name="minutes")] == [f"minutes-{own.pk}"]
    peers_learning = shared_engagement.learnings.get(author=peer)
    leaders_learning = shared_engagement.learnings.exclude(author=peer).get()
    assert url("learning_edit", peers_learning) in html
    assert url("learning_edit", leaders_learning) not in html


def test_detail_of_another_organization_is_404(client_for, outsider, engagement):
    # when
    response = client_for(outsider).get(url("detail", engagement))

    # then
    assert response.status_code == 404


# --- edit -------------------------------------------------------------------------------------


def edit_post(engagement, **overrides):
    data = {
        "kind": engagement.kind,
        "location": str(engagement.location_id or ""),
        "duration": "custom",
        "duration_custom": str(engagement.duration_minutes),
        "started_at": timezone.localtime(engagement.started_at, LONDON).strftime(DATETIME_LOCAL),
        "customer_type": engagement.customer_type,
        "customers_met": "",
        "notes": engagement.notes,
        "participants": [
            str(p.membership_id) for p in engagement.participants.all() if p.membership_id != engagement.leader_id
        ],
    }
    data.update(overrides)
    return data


EDITORS = ["executive", "chief_of_staff"]  # the author; their chief of staff, who also logged it
NOT_EDITORS = ["peer", "stranger", "peer_cos", "unsupported_cos", "board_member", "admin_member"]


@pytest.mark.parametrize("member", EDITORS, indirect=True)
def test_edit_form_shows_the_current_values(client_for, member, shared_engagement, peer):
    # when
    response = client_for(member).get(url("edit", shared_engagement))

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert checked_values(html, "kind") == ["retail_safari"]
    assert checked_values(html, "duration") == ["60"]
    assert selected_options(html, "location") == [str(shared_engagement.location_id)]
    assert checked_values(html, "participants") == [str(peer.pk)]
    assert input_value(html, "started_at") == timezone.localtime(shared_engagement.started_at, LONDON).strftime(
        DATETIME_LOCAL
    )


@pytest.mark.parametrize("member", [*EDITORS, "supporting_cos"], indirect=True)
def test_edit_saves_for_the_author_the_logger_and_a_supporting_chief_of_staff(
    client_for, member, shared_engagement, executive, peer, stranger
):
    # given: duration 60 -> 75; the peer (adjusted to 45) leaves, the stranger joins
    data = edit_post(
        shared_engagement,
        kind="focus_group",
        duration="custom",
        duration_custom="75",
        notes="Edited",
        participants=[str(stranger.pk)],
        started_at="2026-02-01T10:00",
    )

    # when
    client = client_for(member)
    response = client.post(url("edit", shared_engagement), data)

    # then
    assert response.status_code == 302
    assert response["Location"] == url("detail", shared_engagement)
    shared_engagement.refresh_from_db()
    assert (shared_engagement.kind, shared_engagement.duration_minutes, shared_engagement.notes) == (
        "focus_group",
        75,
        "Edited",
    )
    assert shared_engagement.started_at == datetime(2026, 2, 1, 10, 0, tzinfo=LONDON)
    assert sorted(shared_engagement.participants.values_list("membership_id", "minutes")) == sorted(
        [(executive.pk, 75), (stranger.pk, 75)]
    )
    assert "Changes saved." in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize("member", NOT_EDITORS, indirect=True)
@pytest.mark.parametrize("method", ["get", "post"])
def test_edit_is_forbidden_to_everyone_else_and_changes_nothing(client_for, member, method, shared_engagement):
    # given
    before = snapshot()

    # when
    client = client_for(member)
    if method == "get":
        response = client.get(url("edit", shared_engagement))
    else:
        response = client.post(
            url("edit", shared_engagement), edit_post(shared_engagement, notes="Hacked", participants=[])
        )

    # then
    assert response.status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize(
    ("overrides", "field_id", "message"),
    [
        ({"duration_custom": "0"}, "id_duration_custom", "Enter between 1 and 1440 minutes."),
        ({"duration_custom": "1441"}, "id_duration_custom", "Enter between 1 and 1440 minutes (a day at most)."),
        ({"location": ""}, "id_location", "Choose where this happened."),
        ({"kind": ""}, "id_kind", "This field is required."),
        (
            {"location": "outside_location"},
            "id_location",
            "Select a valid choice. That choice is not one of the available choices.",
        ),
        (
            {"participants": ["outsider"]},
            "id_participants",
            "Select a valid choice. {outsider} is not one of the available choices.",
        ),
        ({"started_at": "two_days_ahead"}, "id_started_at", "The start can be at most one day in the future."),
    ],
)
def test_edit_invalid_shows_the_error_next_to_the_field_and_changes_nothing(
    request, client_for, executive, shared_engagement, overrides, field_id, message
):
    # given
    resolved = {}
    for key, value in overrides.items():
        if value == "outside_location":
            value = str(request.getfixturevalue("outside_location").pk)
        elif value == ["outsider"]:
            outsider = request.getfixturevalue("outsider")
            value = [str(outsider.pk)]
            message = message.format(outsider=outsider.pk)
        elif value == "two_days_ahead":
            value = (local_minute() + timedelta(days=2)).strftime(DATETIME_LOCAL)
        resolved[key] = value
    before = snapshot()

    # when
    response = client_for(executive).post(url("edit", shared_engagement), edit_post(shared_engagement, **resolved))

    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert error_div(field_id, message) in html
    assert html.count('class="invalid-feedback d-block"') == 1
    assert snapshot() == before


def test_edit_of_another_organization_is_404(client_for, outsider, engagement):
    # given
    before = snapshot()

    # when
    responses = [
        client_for(outsider).get(url("edit", engagement)),
        client_for(outsider).post(url("edit", engagement), edit_post(engagement, notes="x")),
    ]

    # then
    assert [r.status_code for r in responses] == [404, 404]
    assert snapshot() == before


# --- delete -----------------------------------------------------------------------------------


@pytest.mark.parametrize("member", [*EDITORS, "supporting_cos"], indirect=True)
def test_delete_asks_then_deletes_for_those_who_may_edit(client_for, member, shared_engagement, stranger):
    # given
    survivor = EngagementFactory(organization=stranger.organization, leader=stranger)
    client = client_for(member)

    # when
    confirm = client.get(url("delete", shared_engagement))
    response = client.post(url("delete", shared_engagement))

    # then
    assert confirm.status_code == 200
    assert "This cannot be undone." in confirm.content.decode()
    assert "with its 2 learnings" in confirm.content.decode()
    assert response.status_code == 302
    assert response["Location"] == "/mine/"
    assert list(Engagement.objects.all()) == [survivor]
    assert counts() == (1, 1, 0)
    assert "Entry deleted." in client.get("/mine/").content.decode()


@pytest.mark.parametrize("member", NOT_EDITORS, indirect=True)
@pytest.mark.parametrize("method", ["get", "post"])
def test_delete_is_forbidden_to_everyone_else_and_deletes_nothing(client_for, member, method, shared_engagement):
    # given
    before = snapshot()

    # when
    response = getattr(client_for(member), method)(url("delete", shared_engagement))

    # then
    assert response.status_code == 403
    assert snapshot() == before


# --- learnings --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("acting", "author"),
    [("executive", "executive"), ("peer", "peer"), ("chief_of_staff", "executive"), ("peer_cos", "peer")],
)
def test_learning_add_by_a_participant_or_their_chief_of_staff(request, client_for, shared_engagement, acting, author):
    # given
    acting, author = request.getfixturevalue(acting), request.getfixturevalue(author)
    client = client_for(acting)

    # when
    response = client.post(
        url("learning_add", shared_engagement),
        {"author": author.pk, "kind": "pain_point", "text": "Parking is full by 10.", "quote": "I drove round twice."},
    )

    # then
    assert response.status_code == 302
    assert response["Location"] == f"/engagements/{shared_engagement.pk}/#learnings"
    learning = Learning.objects.latest("id")
    assert (learning.author, learning.kind, learning.text, learning.quote) == (
        author,
        "pain_point",
        "Parking is full by 10.",
        "I drove round twice.",
    )
    assert Learning.objects.count() == 3
    assert "Learning added." in client.get(url("detail", shared_engagement)).content.decode()


def test_learning_add_empty_text_rerenders_the_detail_with_the_error(client_for, executive, shared_engagement):
    # given
    before = snapshot()

    # when
    response = client_for(executive).post(
        url("learning_add", shared_engagement), {"author": executive.pk, "kind": "idea", "text": ""}
    )

    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert error_div("id_text", "This field is required.") in html
    assert snapshot() == before


def test_learning_add_in_someone_elses_name_is_refused(client_for, peer, executive, shared_engagement):
    # given
    before = snapshot()

    # when
    response = client_for(peer).post(
        url("learning_add", shared_engagement), {"author": executive.pk, "kind": "idea", "text": "Not mine"}
    )

    # then
    assert response.status_code == 200
    assert (
        error_div("id_author", "Select a valid choice. That choice is not one of the available choices.")
        in response.content.decode()
    )
    assert snapshot() == before


@pytest.mark.parametrize("member", ["stranger", "unsupported_cos", "board_member", "admin_member"], indirect=True)
def test_learning_add_is_forbidden_to_non_participants(client_for, member, executive, shared_engagement):
    # given
    before = snapshot()

    # when
    response = client_for(member).post(
        url("learning_add", shared_engagement), {"author": executive.pk, "kind": "idea", "text": "Sneaky"}
    )

    # then
    assert response.status_code == 403
    assert snapshot() == before


def test_learning_add_answers_only_post(client_for, executive, shared_engagement):
    # when
    response = client_for(executive).get(url("learning_add", shared_engagement))

    # then
    assert response.status_code == 405


@pytest.fixture
def peers_learning(shared_engagement, peer):
    return shared_engagement.learnings.get(author=peer)


LEARNING_EDITORS = ["peer", "peer_cos", "executive", "chief_of_staff"]
LEARNING_NOT_EDITORS = ["stranger", "unsupported_cos", "board_member", "admin_member"]


@pytest.mark.parametrize("member", LEARNING_EDITORS, indirect=True)
def test_learning_edit_allowed(client_for, member, peers_learning, shared_engagement):
    # given
    client = client_for(member)

    # when
    form = client.get(url("learning_edit", peers_learning))
    response = client.post(
        url("learning_edit", peers_learning), {"kind": "competitor", "text": "Rival staff are friendlier.", "quote": ""}
    )

    # then
    assert form.status_code == 200
    assert "Staff knew every product.</textarea>" in form.content.decode()
    assert response.status_code == 302
    assert response["Location"] == f"/engagements/{shared_engagement.pk}/#learnings"
    peers_learning.refresh_from_db()
    assert (peers_learning.kind, peers_learning.text) == ("competitor", "Rival staff are friendlier.")


def test_learning_edit_empty_text_shows_the_error_and_changes_nothing(client_for, peer, peers_learning):
    # given
    before = snapshot()

    # when
    response = client_for(peer).post(url("learning_edit", peers_learning), {"kind": "idea", "text": ""})

    # then
    assert response.status_code == 200
    assert error_div("id_text", "This field is required.") in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize("member", LEARNING_NOT_EDITORS, indirect=True)
@pytest.mark.parametrize("method", ["get", "post"])
def test_learning_edit_forbidden_changes_nothing(client_for, member, method, peers_learning):
    # given
    before = snapshot()

    # when
    client = client_for(member)
    if method == "get":
        response = client.get(url("learning_edit", peers_learning))
    else:
        response = client.post(url("learning_edit", peers_learning), {"kind": "idea", "text": "Changed"})

    # then
    assert response.status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize("member", LEARNING_EDITORS, indirect=True)
def test_learning_delete_allowed(client_for, member, peers_learning, shared_engagement):
    # when
    response = client_for(member).post(url("learning_delete", peers_learning))

    # then
    assert response.status_code == 302
    assert response["Location"] == f"/engagements/{shared_engagement.pk}/#learnings"
    assert list(Learning.objects.values_list("text", flat=True)) == ["Open the café earlier."]


@pytest.mark.parametrize("member", LEARNING_NOT_EDITORS, indirect=True)
def test_learning_delete_forbidden_deletes_nothing(client_for, member, peers_learning):
    # given
    before = snapshot()

    # when
    response = client_for(member).post(url("learning_delete", peers_learning))

    # then
    assert response.status_code == 403
    assert snapshot() == before


def test_learning_delete_answers_only_post(client_for, peer, peers_learning):
    # when
    response = client_for(peer).get(url("learning_delete", peers_learning))

    # then
    assert response.status_code == 405
    assert Learning.objects.count() == 2


# --- participant minutes ----------------------------------------------------------------------


@pytest.fixture
def peers_participation(shared_engagement, peer):
    return shared_engagement.participants.get(membership=peer)


@pytest.mark.parametrize("member", ["peer", "peer_cos", "executive", "chief_of_staff"], indirect=True)
def test_participant_minutes_set_by_the_participant_their_cos_or_the_entry_editors(
    client_for, member, peers_participation, shared_engagement
):
    # when
    client = client_for(member)
    response = client.post(url("participant_minutes", peers_participation), {"minutes": "30"})

    # then
    assert response.status_code == 302
    assert response["Location"] == url("detail", shared_engagement)
    assert Participant.objects.get(pk=peers_participation.pk).minutes == 30
    assert "Minutes updated." in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    ("minutes", "message"),
    [
        ("0", "Enter between 1 and 1440 minutes."),
        ("1441", "Enter between 1 and 1440 minutes (a day at most)."),
        ("", "This field is required."),
        ("lots", "Enter a whole number."),
    ],
)
def test_participant_minutes_invalid_rerenders_the_detail_with_the_error_next_to_the_input(
    client_for, peer, peers_participation, minutes, message
):
    # given
    before = snapshot()

    # when
    response = client_for(peer).post(url("participant_minutes", peers_participation), {"minutes": minutes})

    # then
    assert response.status_code == 200
    html = response.content.decode()
    pk = peers_participation.pk
    assert f'<div class="invalid-feedback d-block" id="minutes-{pk}_errors">{message}</div>' in html
    [field] = tags(html, "input", id=f"minutes-{pk}")
    assert field["class"] == "form-control form-control-sm minutes-input is-invalid"
    assert field["aria-describedby"] == f"minutes-{pk}_errors"
    assert snapshot() == before


@pytest.mark.parametrize("member", ["stranger", "unsupported_cos", "board_member", "admin_member"], indirect=True)
@pytest.mark.parametrize("minutes", ["30", "0"])
def test_participant_minutes_forbidden_to_others_changes_nothing(client_for, member, minutes, peers_participation):
    # given
    before = snapshot()

    # when
    response = client_for(member).post(url("participant_minutes", peers_participation), {"minutes": minutes})

    # then
    assert response.status_code == 403
    assert snapshot() == before


def test_co_participant_cannot_set_the_leaders_minutes(client_for, peer, executive, shared_engagement):
    # given
    leaders = shared_engagement.participants.get(membership=executive)
    before = snapshot()

    # when
    response = client_for(peer).post(url("participant_minutes", leaders), {"minutes": "5"})

    # then
    assert response.status_code == 403
    assert snapshot() == before


# --- tenancy and readers: every object URL ------------------------------------------------------

OBJECT_URLS = [
    ("get", "detail", "engagement"),
    ("get", "edit", "engagement"),
    ("post", "edit", "engagement"),
    ("get", "delete", "engagement"),
    ("post", "delete", "engagement"),
    ("post", "learning_add", "engagement"),
    ("get", "learning_edit", "learning"),
    ("post", "learning_edit", "learning"),
    ("post", "learning_delete", "learning"),
    ("post", "participant_minutes", "participant"),
]

WRITE_DATA = {"kind": "idea", "text": "x", "minutes": "10", "author": "", "notes": "x"}


def target(shared_engagement, kind):
    return {
        "engagement": shared_engagement,
        "learning": shared_engagement.learnings.first(),
        "participant": shared_engagement.participants.first(),
    }[kind]


@pytest.mark.parametrize("member", ["outsider", "outsider_board"], indirect=True)
@pytest.mark.parametrize(("method", "name", "kind"), OBJECT_URLS)
def test_another_organizations_objects_answer_404_and_change_nothing(
    client_for, member, shared_engagement, method, name, kind
):
    # given: even a board member, whose role could not write anyway, learns nothing from a 403
    before = snapshot()

    # when
    response = getattr(client_for(member), method)(url(name, target(shared_engagement, kind)), WRITE_DATA)

    # then
    assert response.status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize(("method", "name", "kind"), [u for u in OBJECT_URLS if u[1] != "detail"])
def test_board_members_write_attempts_answer_403_and_change_nothing(
    client_for, board_member, shared_engagement, method, name, kind
):
    # given
    before = snapshot()

    # when
    response = getattr(client_for(board_member), method)(url(name, target(shared_engagement, kind)), WRITE_DATA)

    # then
    assert response.status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize("path", ["/log/", "/mine/", "/feed/", "/engagements/1/", "/learnings/1/edit/"])
def test_pages_need_a_login(client, path):
    # when
    response = client.get(path)

    # then
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={path}"


def test_learning_factory_default_author_is_the_leader(engagement):
    # a guard for the fixtures above: the factory credits the leader and makes them the author
    learning = LearningFactory(engagement=engagement)
    assert learning.author == engagement.leader
    assert list(engagement.participants.values_list("membership_id", flat=True)) == [engagement.leader_id]
