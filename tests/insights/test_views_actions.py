"""Action pages: the list and its tabs, create from a learning, the detail page, status, notes, linked learnings."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.insights.models import Action, ActionNote
from apps.organizations.models import Role
from tests.engagements.factories import EngagementFactory, LearningFactory
from tests.engagements.helpers import error_div, input_value, options, selected_options, tags
from tests.insights.factories import ActionFactory, ActionNoteFactory, PilotFactory
from tests.organizations.factories import LocationFactory, MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


# --- the cast ----------------------------------------------------------------------------------------
@pytest.fixture(autouse=True)
def names(executive, chief_of_staff, board_member, admin_member):
    """Names that sort predictably in the owner menus."""
    for member, name in (
        (executive, "Eve Executive"),
        (chief_of_staff, "Cat Chief"),
        (board_member, "Bo Board"),
        (admin_member, "Ada Admin"),
    ):
        member.user.full_name = name
        member.user.save()


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
def learning(executive):
    """What the executive heard on a store visit at High Street, with the customer's own words."""
    location = LocationFactory(organization=executive.organization, name="High Street")
    engagement = EngagementFactory(organization=executive.organization, leader=executive, location=location)
    return LearningFactory(
        engagement=engagement, text="Queues at the tills at lunchtime.", quote="I left my basket and walked out."
    )


@pytest.fixture
def action(executive, learning):
    return ActionFactory(
        organization=executive.organization,
        owner=executive,
        title="Open a second till at lunch",
        description="12:00 to 14:00 on weekdays.",
        learnings=[learning],
    )


def today():
    return timezone.localdate()


def day(offset):
    return (today() + timedelta(days=offset)).isoformat()


def shown(html, *actions):
    """Which of `actions` the page links to, in page order."""
    found = [(html.find(f'href="/actions/{a.pk}/"'), a.title) for a in actions]
    return [title for position, title in sorted(found) if position >= 0]


def no_inline_code(html):
    """The strict CSP: no inline scripts, no style attributes."""
    return not [t for t in tags(html, "script") if "src" not in t] and 'style="' not in html


# --- list ----------------------------------------------------------------------------------------------
@pytest.fixture
def board(executive, peer, outsider):
    """Actions across the organization (and one elsewhere)."""
    org = executive.organization
    now = timezone.now()
    return {
        "mine_late": ActionFactory(organization=org, owner=executive, title="Mine late", due_on=today() - timedelta(3)),
        "mine_soon": ActionFactory(organization=org, owner=executive, title="Mine soon", due_on=today() + timedelta(2)),
        "mine_done": ActionFactory(
            organization=org,
            owner=executive,
            title="Mine done",
            due_on=today() - timedelta(10),
            status="done",
            closed_at=now,
            outcome="Fixed.",
        ),
        "peer_open": ActionFactory(
            organization=org, owner=peer, title="Peer piloting", status="piloting", due_on=today() + timedelta(5)
        ),
        "peer_late": ActionFactory(organization=org, owner=peer, title="Peer late", due_on=today() - timedelta(1)),
        "peer_dropped": ActionFactory(
            organization=org,
            owner=peer,
            title="Peer dropped",
            status="dropped",
            dropped_reason="No budget.",
            closed_at=now - timedelta(days=1),
        ),
        "elsewhere": ActionFactory(organization=outsider.organization, owner=outsider, title="Elsewhere"),
    }


ALL = ["mine_late", "mine_soon", "mine_done", "peer_open", "peer_late", "peer_dropped", "elsewhere"]


def titles(html, board):
    return shown(html, *(board[name] for name in ALL))


def row(html, action):
    """The list row of `action`."""
    start = html.index(f'href="/actions/{action.pk}/"')
    return html[html.rindex("<article", 0, start) : html.index("</article>", start)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["Mine late", "Mine soon", "Mine done"]),
        ({"tab": "mine", "status": "open"}, ["Mine late", "Mine soon"]),
        ({"tab": "open"}, ["Peer late", "Mine late", "Mine soon", "Peer piloting"]),
        ({"tab": "overdue"}, ["Mine late", "Peer late"]),
        ({"tab": "closed"}, ["Mine done", "Peer dropped"]),
        ({"tab": "all"}, ["Mine late", "Peer late", "Mine soon", "Peer piloting", "Mine done", "Peer dropped"]),
        ({"tab": "open", "owner": "peer"}, ["Peer late", "Peer piloting"]),
        ({"tab": "all", "status": "piloting"}, ["Peer piloting"]),
        ({"tab": "closed", "status": "dropped"}, ["Peer dropped"]),
        ({"tab": "nonsense"}, ["Mine late", "Mine soon", "Mine done"]),
    ],
)
def test_list_tabs_and_filters(request, client_for, executive, board, query, expected):
    # given
    if "owner" in query:
        query = {**query, "owner": request.getfixturevalue(query["owner"]).pk}

    # when
    response = client_for(executive).get("/actions/", query)

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert sorted(titles(html, board)) == sorted(expected)
    noun = "action" if len(expected) == 1 else "actions"
    assert f'<p class="small text-body-secondary mb-2" id="action-count">{len(expected)} {noun}</p>' in html


def test_open_actions_are_soonest_due_first(client_for, executive, board):
    # The fixture's dues: mine_late -3 days, peer_late -1, mine_soon +2, peer_open +5.
    html = client_for(executive).get("/actions/", {"tab": "open"}).content.decode()

    assert titles(html, board) == ["Mine late", "Peer late", "Mine soon", "Peer piloting"]


def test_the_closed_tab_shows_the_most_recently_closed_first(client_for, executive, board):
    html = client_for(executive).get("/actions/", {"tab": "closed"}).content.decode()

    assert titles(html, board) == ["Mine done", "Peer dropped"]


def test_list_rows_show_owner_due_overdue_status_learnings_and_pilot(client_for, executive, board, learning, peer):
    # given
    board["peer_late"].learnings.add(learning)
    PilotFactory(action=board["peer_open"], verdict="")

    # when
    html = client_for(executive).get("/actions/", {"tab": "all"}).content.decode()

    # then
    late = row(html, board["peer_late"])
    assert '<span class="badge action-status action-status-open">Open</span>' in late
    assert "<span>Pat Peer</span>" in late
    due = (today() - timedelta(days=1)).strftime("%-d %b %Y")
    assert f'<span class="text-danger fw-semibold action-overdue">Due {due} · 1 day overdue</span>' in late
    assert "<span>1 learning</span>" in late
    mine_late = row(html, board["mine_late"])
    assert "· 3 days overdue</span>" in mine_late
    piloting = row(html, board["peer_open"])
    assert '<span class="badge action-status action-status-piloting">Piloting</span>' in piloting
    assert '<span class="badge pilot-badge">Pilot</span>' in piloting
    assert "overdue" not in piloting
    assert "<span>0 learnings</span>" in piloting
    done = row(html, board["mine_done"])
    assert "overdue" not in done


def test_the_mine_tab_counts_open_and_overdue(client_for, executive, board):
    html = client_for(executive).get("/actions/").content.decode()

    assert (
        'aria-current="page" href="?tab=mine">Mine <span class="badge text-bg-light border">2</span> '
        '<span class="badge text-bg-danger">1 overdue</span></a>'
    ) in html


def test_a_board_member_sees_open_actions_by_default_and_no_mine_tab_or_new_button(client_for, board_member, board):
    html = client_for(board_member).get("/actions/").content.decode()

    assert sorted(titles(html, board)) == ["Mine late", "Mine soon", "Peer late", "Peer piloting"]
    assert "?tab=mine" not in html
    assert 'aria-current="page" href="?tab=open">Open</a>' in html
    assert 'href="/actions/new/"' not in html


def test_the_owner_filter_lists_who_can_own_actions(client_for, executive, peer, board):
    html = client_for(executive).get("/actions/", {"tab": "all"}).content.decode()

    assert options(html, "owner") == [
        ("", "Anyone"),
        (str(peer.organization.memberships.get(user__full_name="Ada Admin").pk), "Ada Admin"),
        (str(peer.organization.memberships.get(user__full_name="Cat Chief").pk), "Cat Chief"),
        (str(executive.pk), "Eve Executive"),
        (str(peer.pk), "Pat Peer"),
    ]


def test_an_owner_of_another_organization_in_the_filter_is_an_error_and_shows_nothing(
    client_for, executive, outsider, board
):
    html = client_for(executive).get("/actions/", {"tab": "all", "owner": outsider.pk}).content.decode()

    message = f"Select a valid choice. {outsider.pk} is not one of the available choices."
    assert error_div("id_owner", message) in html
    assert titles(html, board) == []


def test_the_list_pages_by_25_and_keeps_the_tab_and_filters(client_for, executive):
    for n in range(26):
        ActionFactory(organization=executive.organization, owner=executive, title=f"Bulk {n:02d}")

    first = client_for(executive).get("/actions/", {"tab": "all", "status": "open"}).content.decode()
    second = client_for(executive).get("/actions/", {"tab": "all", "status": "open", "page": "2"}).content.decode()

    assert first.count('class="card mb-2 action-row"') == 25
    assert '<a class="page-link" href="?tab=all&amp;status=open&amp;page=2">Older ›</a>' in first
    assert second.count('class="card mb-2 action-row"') == 1


def test_the_list_costs_the_same_number_of_queries_whatever_the_number_of_rows(client_for, executive, learning):
    client = client_for(executive)

    def queries_for_page():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/actions/", {"tab": "all"}).status_code == 200
        return len(captured)

    PilotFactory(action__organization=executive.organization, action__owner=executive)
    few = queries_for_page()
    for _ in range(10):
        PilotFactory(action__organization=executive.organization, action__owner=executive, action__learnings=[learning])
    assert queries_for_page() == few


# --- create ------------------------------------------------------------------------------------------
def test_new_action_from_a_learning_shows_it_and_carries_it(client_for, executive, learning):
    # when
    response = client_for(executive).get("/actions/new/", {"learning": learning.pk})

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "Queues at the tills at lunchtime." in html
    assert '<blockquote class="blockquote-customer mb-1">“I left my basket and walked out.”</blockquote>' in html
    assert f'href="/learned/{learning.pk}/"' in html
    assert tags(html, "input", type="hidden", name="learning") == [
        {"type": "hidden", "name": "learning", "value": str(learning.pk)}
    ]
    assert selected_options(html, "owner") == [str(executive.pk)]
    [due] = tags(html, "input", name="due_on")
    assert (due["type"], due["min"]) == ("date", today().isoformat())
    assert no_inline_code(html)


def test_new_action_owner_choices_and_default_for_a_chief_of_staff(client_for, chief_of_staff, executive, peer):
    html = client_for(chief_of_staff).get("/actions/new/").content.decode()

    assert [label for _, label in options(html, "owner")] == [
        "Choose an owner",
        "Ada Admin",
        "Cat Chief",
        "Eve Executive",
        "Pat Peer",
    ]
    assert selected_options(html, "owner") == [str(chief_of_staff.pk)]


def test_creating_an_action_links_the_learnings_and_opens_it(client_for, executive, peer, learning):
    # given
    other = LearningFactory(engagement__organization=executive.organization, organization=executive.organization)
    client = client_for(executive)

    # when
    response = client.post(
        "/actions/new/",
        {
            "title": "Open a second till",
            "description": "At lunch.",
            "owner": peer.pk,
            "due_on": day(7),
            "learning": [learning.pk, other.pk],
        },
    )

    # then
    action = Action.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/actions/{action.pk}/"
    assert (action.title, action.description, action.owner, action.created_by, action.due_on.isoformat()) == (
        "Open a second till",
        "At lunch.",
        peer,
        executive,
        day(7),
    )
    assert sorted(action.learnings.values_list("pk", flat=True)) == sorted([learning.pk, other.pk])
    assert "Action created." in client.get(response["Location"]).content.decode()


def test_a_due_date_in_the_past_shows_the_message_next_to_the_field_and_saves_nothing(client_for, executive, learning):
    response = client_for(executive).post(
        "/actions/new/", {"title": "Late", "owner": executive.pk, "due_on": day(-1), "learning": learning.pk}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert error_div("id_due_on", "The due date can&#x27;t be in the past.") in html
    assert input_value(html, "title") == "Late"
    assert tags(html, "input", type="hidden", name="learning")[0]["value"] == str(learning.pk)
    assert Action.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"title": ""}, "id_title", "Say what will be done."),
        ({"owner": ""}, "id_owner", "Choose who owns this action."),
        ({"due_on": ""}, "id_due_on", "Choose a due date."),
        ({"due_on": "soon"}, "id_due_on", "Enter a valid date."),
    ],
)
def test_missing_or_bad_fields_show_their_message(client_for, executive, data, field, message):
    post = {"title": "Fix", "owner": executive.pk, "due_on": day(1), **data}

    html = client_for(executive).post("/actions/new/", post).content.decode()

    assert error_div(field, message) in html
    assert Action.objects.count() == 0


def test_a_board_member_as_owner_is_not_a_choice(client_for, executive, board_member):
    html = (
        client_for(executive)
        .post("/actions/new/", {"title": "Fix", "owner": board_member.pk, "due_on": day(1)})
        .content.decode()
    )

    message = f"Select a valid choice. {board_member.pk} is not one of the available choices."
    assert error_div("id_owner", message) in html
    assert Action.objects.count() == 0


def test_a_board_member_cannot_create_actions(client_for, board_member, executive, learning):
    client = client_for(board_member)

    assert client.get("/actions/new/").status_code == 403
    assert client.get("/actions/new/", {"learning": learning.pk}).status_code == 403
    response = client.post("/actions/new/", {"title": "Fix", "owner": executive.pk, "due_on": day(1)})
    assert response.status_code == 403
    assert Action.objects.count() == 0


@pytest.mark.parametrize("member", ["outsider", "executive"], indirect=True)
def test_a_learning_of_another_organization_is_404(client_for, member, executive, outsider):
    elsewhere = outsider.organization if member == executive else executive.organization
    foreign = LearningFactory(engagement__organization=elsewhere, organization=elsewhere)
    client = client_for(member)

    assert client.get("/actions/new/", {"learning": foreign.pk}).status_code == 404
    assert client.get("/actions/new/", {"learning": "abc"}).status_code == 404
    response = client.post(
        "/actions/new/", {"title": "Fix", "owner": member.pk, "due_on": day(1), "learning": foreign.pk}
    )
    assert response.status_code == 404
    assert Action.objects.count() == 0


# --- detail ------------------------------------------------------------------------------------------
def test_detail_shows_the_action_its_learnings_notes_and_history(client_for, board_member, action, executive):
    # given
    ActionNoteFactory(action=action, author=executive, text="Asked the store manager.")

    # when
    response = client_for(board_member).get(f"/actions/{action.pk}/")

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert '<h1 class="h4 mb-1">Open a second till at lunch</h1>' in html
    assert '<span class="badge action-status action-status-open">Open</span>' in html
    assert '<dd class="col-8 col-sm-9" id="action-owner">Eve Executive</dd>' in html
    assert "12:00 to 14:00 on weekdays." in html
    learnings = html.split('id="learnings"')[1].split("</section>")[0]
    assert "Queues at the tills at lunchtime." in learnings
    assert "“I left my basket and walked out.”" in learnings
    assert "Eve Executive · High Street" in learnings
    assert f'href="/engagements/{action.learnings.get().engagement_id}/"' in learnings
    assert "Asked the store manager." in html
    assert '<h2 class="h6" id="history-heading">History</h2>' in html
    assert no_inline_code(html)


def test_detail_for_a_reader_has_no_controls(client_for, board_member, peer, action):
    for reader in (board_member, peer):
        html = client_for(reader).get(f"/actions/{action.pk}/").content.decode()

        assert 'id="status"' not in html
        assert f"/actions/{action.pk}/edit/" not in html
        assert f"/actions/{action.pk}/notes/" not in html
        assert "/remove/" not in html
        assert f"/actions/{action.pk}/pilot/" not in html


@pytest.mark.parametrize("member", ["executive", "chief_of_staff", "admin_member"], indirect=True)
def test_detail_for_an_editor_offers_the_next_statuses(client_for, member, action):
    html = client_for(member).get(f"/actions/{action.pk}/").content.decode()

    status = html.split('id="status"')[1].split("</section>")[0]
    assert [t["value"] for t in tags(status, "input", type="hidden", name="status")] == [
        "in_progress",
        "done",
        "dropped",
    ]
    assert '<button class="btn btn-outline-primary" type="submit">Move to in progress</button>' in status
    assert "<summary>Mark done…</summary>" in status
    assert "<summary>Drop…</summary>" in status
    assert f'href="/actions/{action.pk}/pilot/">Start a pilot</a>' in html
    assert f'href="/actions/{action.pk}/edit/"' in html
    assert f'action="/actions/{action.pk}/notes/"' in html
    learning = action.learnings.get()
    assert f'action="/actions/{action.pk}/learnings/{learning.pk}/remove/"' in html


def test_a_closed_action_offers_reopening_and_no_pilot(client_for, executive, action):
    action.status, action.closed_at, action.outcome = "done", timezone.now(), "Queues halved."
    action.save()

    html = client_for(executive).get(f"/actions/{action.pk}/").content.decode()

    status = html.split('id="status"')[1].split("</section>")[0]
    assert [t["value"] for t in tags(status, "input", type="hidden", name="status")] == ["in_progress"]
    assert '<button class="btn btn-outline-primary" type="submit">Reopen</button>' in status
    assert '<dd class="col-8 col-sm-9 prewrap" id="action-outcome">Queues halved.</dd>' in html
    assert f"/actions/{action.pk}/pilot/" not in html


def test_an_action_back_in_progress_with_a_pilot_can_move_to_piloting_again(client_for, executive, action):
    PilotFactory(action=action)
    action.status = "in_progress"
    action.save()

    html = client_for(executive).get(f"/actions/{action.pk}/").content.decode()

    status = html.split('id="status"')[1].split("</section>")[0]
    assert [t["value"] for t in tags(status, "input", type="hidden", name="status")] == [
        "open",
        "piloting",
        "done",
        "dropped",
    ]
    assert '<button class="btn btn-outline-primary" type="submit">Move to piloting</button>' in status


def test_an_overdue_action_says_by_how_many_days(client_for, executive, action):
    action.due_on = today() - timedelta(days=4)
    action.save()

    html = client_for(executive).get(f"/actions/{action.pk}/").content.decode()

    due = action.due_on.strftime("%a %-d %b %Y")
    assert f'<dd class="col-8 col-sm-9 text-danger fw-semibold" id="action-due">{due} · 4 days overdue</dd>' in html


def test_an_action_with_a_pilot_links_to_it(client_for, executive, action):
    pilot = PilotFactory(action=action)

    html = client_for(executive).get(f"/actions/{action.pk}/").content.decode()

    assert f'href="/pilots/{pilot.pk}/"' in html
    assert f"/actions/{action.pk}/pilot/" not in html


def test_the_history_says_who_changed_the_status(client_for, chief_of_staff, executive):
    # given
    action = ActionFactory(organization=executive.organization, owner=executive)
    client = client_for(chief_of_staff)

    # when
    client.post(f"/actions/{action.pk}/status/", {"status": "in_progress"})

    # then
    history = client.get(f"/actions/{action.pk}/").content.decode().split('id="history-heading"')[1]
    assert '<span><span class="fw-semibold">Changed</span> by Cat Chief</span>' in history
    assert "<li>Status: Open → In progress</li>" in history


# --- edit --------------------------------------------------------------------------------------------
def test_edit_shows_the_current_values(client_for, chief_of_staff, action, executive):
    html = client_for(chief_of_staff).get(f"/actions/{action.pk}/edit/").content.decode()

    assert input_value(html, "title") == "Open a second till at lunch"
    assert selected_options(html, "owner") == [str(executive.pk)]
    assert input_value(html, "due_on") == action.due_on.isoformat()


def test_edit_saves_and_returns_to_the_action(client_for, chief_of_staff, action, peer):
    client = client_for(chief_of_staff)

    response = client.post(
        f"/actions/{action.pk}/edit/",
        {"title": "Two tills", "description": "", "owner": peer.pk, "due_on": day(10)},
    )

    assert response.status_code == 302
    assert response["Location"] == f"/actions/{action.pk}/"
    action.refresh_from_db()
    assert (action.title, action.description, action.owner, action.due_on.isoformat()) == (
        "Two tills",
        "",
        peer,
        day(10),
    )
    assert "Changes saved." in client.get(response["Location"]).content.decode()


def test_edit_keeps_a_passed_due_date_but_refuses_a_new_one_in_the_past(client_for, executive, action):
    action.due_on = today() - timedelta(days=3)
    action.save()
    client = client_for(executive)
    data = {"title": "Renamed", "owner": executive.pk, "due_on": action.due_on.isoformat()}

    kept = client.post(f"/actions/{action.pk}/edit/", data)
    refused = client.post(f"/actions/{action.pk}/edit/", {**data, "title": "Again", "due_on": day(-1)})

    assert kept.status_code == 302
    assert error_div("id_due_on", "The due date can&#x27;t be in the past.") in refused.content.decode()
    action.refresh_from_db()
    assert (action.title, action.due_on) == ("Renamed", today() - timedelta(days=3))


def test_an_inactive_owner_stays_choosable_on_their_action(client_for, admin_member, action, executive):
    executive.is_active = False
    executive.save()

    html = client_for(admin_member).get(f"/actions/{action.pk}/edit/").content.decode()

    assert (str(executive.pk), "Eve Executive") in options(html, "owner")
    assert selected_options(html, "owner") == [str(executive.pk)]


# --- status ----------------------------------------------------------------------------------------
def test_moving_the_status_on(client_for, executive, action):
    client = client_for(executive)

    response = client.post(f"/actions/{action.pk}/status/", {"status": "in_progress"})

    assert response.status_code == 302
    assert response["Location"] == f"/actions/{action.pk}/"
    action.refresh_from_db()
    assert action.status == "in_progress"
    assert "The action is in progress." in client.get(response["Location"]).content.decode()


def test_done_with_an_outcome(client_for, chief_of_staff, action):
    client_for(chief_of_staff).post(f"/actions/{action.pk}/status/", {"status": "done", "outcome": "Waits halved."})

    action.refresh_from_db()
    assert (action.status, action.outcome) == ("done", "Waits halved.")
    assert action.closed_at is not None


@pytest.mark.parametrize(
    ("data", "field", "message", "opened"),
    [
        ({"status": "dropped", "reason": ""}, "id_reason", "Say why the action is dropped.", "drop-form"),
        (
            {"status": "done", "outcome": " "},
            "id_outcome",
            "Say what came of it: what changed for customers.",
            "done-form",
        ),
    ],
)
def test_dropping_without_a_reason_or_done_without_an_outcome_says_so_next_to_the_field(
    client_for, executive, action, data, field, message, opened
):
    response = client_for(executive).post(f"/actions/{action.pk}/status/", data)

    html = response.content.decode()
    assert response.status_code == 200
    assert error_div(field, message) in html
    assert f'<details class="mt-2 status-form" id="{opened}" open>' in html
    action.refresh_from_db()
    assert (action.status, action.closed_at) == ("open", None)


def test_a_transition_that_is_not_allowed_is_explained(client_for, executive, action):
    action.status = "piloting"
    action.save()

    html = client_for(executive).post(f"/actions/{action.pk}/status/", {"status": "open"}).content.decode()

    assert (
        '<div class="alert alert-danger py-2" role="alert" id="status-errors">'
        "An action that is piloting can&#x27;t move to open. </div>"
    ) in html
    action.refresh_from_db()
    assert action.status == "piloting"


def test_an_unknown_status_is_refused(client_for, executive, action):
    html = client_for(executive).post(f"/actions/{action.pk}/status/", {"status": "paused"}).content.decode()

    assert "Select a valid choice. paused is not one of the available choices." in html
    action.refresh_from_db()
    assert action.status == "open"


# --- notes -------------------------------------------------------------------------------------------
def test_adding_a_note(client_for, chief_of_staff, action):
    client = client_for(chief_of_staff)

    response = client.post(f"/actions/{action.pk}/notes/", {"text": "Rota agreed with the store."})

    assert response.status_code == 302
    assert response["Location"] == f"/actions/{action.pk}/#notes"
    assert list(ActionNote.objects.values_list("author_id", "text")) == [
        (chief_of_staff.pk, "Rota agreed with the store.")
    ]
    html = client.get(response["Location"]).content.decode()
    assert "Note added." in html
    assert '<p class="mb-0 prewrap">Rota agreed with the store.</p>' in html


def test_an_empty_note_says_so_next_to_the_field(client_for, executive, action):
    html = client_for(executive).post(f"/actions/{action.pk}/notes/", {"text": "  "}).content.decode()

    assert error_div("id_text", "Write the note first.") in html
    assert ActionNote.objects.count() == 0


# --- linked learnings -----------------------------------------------------------------------------------
def test_linking_a_learning_from_its_page_returns_there(client_for, executive, action):
    # given
    other = LearningFactory(engagement__organization=executive.organization, organization=executive.organization)
    client = client_for(executive)

    # when
    response = client.post(f"/actions/{action.pk}/learnings/", {"learning": other.pk, "next": f"/learned/{other.pk}/"})

    # then
    assert response.status_code == 302
    assert response["Location"] == f"/learned/{other.pk}/"
    assert other.pk in set(action.learnings.values_list("pk", flat=True))
    assert action.learnings.count() == 2


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", ""])
def test_linking_with_an_unsafe_or_no_next_returns_to_the_action(client_for, executive, action, target):
    other = LearningFactory(engagement__organization=executive.organization, organization=executive.organization)

    response = client_for(executive).post(f"/actions/{action.pk}/learnings/", {"learning": other.pk, "next": target})

    assert response["Location"] == f"/actions/{action.pk}/#learnings"


def test_linking_a_learning_twice_links_it_once(client_for, executive, action):
    learning = action.learnings.get()
    client = client_for(executive)

    response = client.post(f"/actions/{action.pk}/learnings/", {"learning": learning.pk})

    assert action.learnings.count() == 1
    assert (
        "The learning was already linked to “Open a second till at lunch”."
        in client.get(response["Location"]).content.decode()
    )


def test_unlinking_a_learning(client_for, executive, action):
    learning = action.learnings.get()

    response = client_for(executive).post(f"/actions/{action.pk}/learnings/{learning.pk}/remove/")

    assert response["Location"] == f"/actions/{action.pk}/#learnings"
    assert action.learnings.count() == 0


# --- who may do what ----------------------------------------------------------------------------------
def _writes(action, executive):
    learning = action.learnings.get()
    other = LearningFactory(engagement__organization=executive.organization, organization=executive.organization)
    valid = {"title": "Changed", "owner": executive.pk, "due_on": day(3)}
    return [
        ("get", f"/actions/{action.pk}/edit/", {}),
        ("post", f"/actions/{action.pk}/edit/", valid),
        ("post", f"/actions/{action.pk}/status/", {"status": "in_progress"}),
        ("post", f"/actions/{action.pk}/notes/", {"text": "A note"}),
        ("post", f"/actions/{action.pk}/learnings/", {"learning": other.pk}),
        ("post", f"/actions/{action.pk}/learnings/{learning.pk}/remove/", {}),
    ]


def _state():
    return (
        list(Action.objects.order_by("pk").values()),
        list(ActionNote.objects.values()),
        list(Action.learnings.through.objects.order_by("pk").values_list("action_id", "learning_id")),
    )


@pytest.mark.parametrize("member", ["peer", "board_member"], indirect=True)
def test_members_who_may_not_change_the_action_get_403_and_nothing_changes(client_for, member, action, executive):
    writes = _writes(action, executive)
    before = _state()
    client = client_for(member)

    codes = [getattr(client, method)(path, data).status_code for method, path, data in writes]

    assert codes == [403] * len(writes)
    assert _state() == before


def test_another_organizations_action_is_404_on_every_page_and_nothing_changes(client_for, outsider, action, executive):
    writes = _writes(action, executive)
    before = _state()
    client = client_for(outsider)

    codes = [getattr(client, method)(path, data).status_code for method, path, data in writes]

    assert codes == [404] * len(writes)
    assert client.get(f"/actions/{action.pk}/").status_code == 404
    assert _state() == before


def test_another_organizations_learning_is_404_when_linking_or_unlinking(client_for, executive, action, outsider):
    foreign = LearningFactory(engagement__organization=outsider.organization, organization=outsider.organization)
    client = client_for(executive)
    before = _state()

    assert client.post(f"/actions/{action.pk}/learnings/", {"learning": foreign.pk}).status_code == 404
    assert client.post(f"/actions/{action.pk}/learnings/", {"learning": ""}).status_code == 404
    assert client.post(f"/actions/{action.pk}/learnings/{foreign.pk}/remove/").status_code == 404
    assert _state() == before


@pytest.mark.parametrize("path", ["status/", "notes/", "learnings/", "learnings/1/remove/"])
def test_the_post_only_pages_refuse_get(client_for, executive, action, path):
    assert client_for(executive).get(f"/actions/{action.pk}/{path}").status_code == 405


def test_anonymous_visitors_are_sent_to_log_in(client, action):
    response = client.get(f"/actions/{action.pk}/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
