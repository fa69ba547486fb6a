"""What we learned (/learned/), a learning's page, and confirming its themes in one tap."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.insights.models import LearningTheme, ThemeReview
from apps.organizations.models import Role
from tests.engagements.factories import EngagementFactory, LearningFactory
from tests.engagements.helpers import checked_values, error_div, options, selected_options, tags
from tests.insights.factories import ActionFactory, LearningThemeFactory, ThemeFactory, ThemeReviewFactory
from tests.organizations.factories import LocationFactory, MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
FEED = "/learned/"


def detail_url(learning):
    return reverse("insights:learning_detail", args=[learning.pk])


def themes_url(learning):
    return reverse("insights:learning_themes", args=[learning.pk])


def learning_of(author, text="A learning.", quote="", kind="pain_point", **engagement):
    entry = EngagementFactory(organization=author.organization, leader=author, **engagement)
    return LearningFactory(engagement=entry, author=author, text=text, quote=quote, kind=kind)


def state():
    """Every theme link and review, to compare before and after a refused request."""
    return (
        sorted(LearningTheme.objects.values_list("learning_id", "theme_id", "confirmed_by_id")),
        sorted(ThemeReview.objects.values_list("learning_id", "reviewed_by_id")),
    )


def article(html, learning):
    """The feed item of `learning` (empty when it is not on the page)."""
    marker = f'<article class="card mb-2 learning-item" id="learning-{learning.pk}">'
    if marker not in html:
        return ""
    return html.split(marker, 1)[1].split("</article>", 1)[0]


@pytest.fixture
def peer(organization):
    return MembershipFactory(organization=organization, role=Role.EXECUTIVE)


@pytest.fixture
def unsupported_cos(organization, peer):
    chief = MembershipFactory(organization=organization, role=Role.CHIEF_OF_STAFF)
    chief.supports.add(peer)
    return chief


@pytest.fixture
def outsider(db):
    return MembershipFactory(organization=OrganizationFactory(), role=Role.EXECUTIVE)


@pytest.fixture
def member(request):
    return request.getfixturevalue(request.param)


@pytest.fixture
def themes(organization):
    return {
        "queues": ThemeFactory(organization=organization, name="Checkout queues", keywords="till, wait"),
        "parking": ThemeFactory(organization=organization, name="Parking", keywords="car park"),
        "staff": ThemeFactory(organization=organization, name="Staff availability"),
    }


@pytest.fixture
def pending(executive, themes):
    """The executive's learning nobody has reviewed: "Checkout queues" and "Parking" are suggested."""
    store = LocationFactory(organization=executive.organization, name="Leeds Briggate")
    return learning_of(
        executive,
        text="Long wait at the till, and the car park was full.",
        quote="I nearly went home.",
        location=store,
    )


# --- the feed -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("member", ["executive", "chief_of_staff", "board_member", "admin_member"], indirect=True)
def test_feed_is_readable_by_every_member(client_for, member, pending, themes, outsider):
    # given: a learning of another organization
    foreign = learning_of(outsider, text="Long wait at the till.")

    # when
    response = client_for(member).get(FEED)

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>What we learned · Gemba</title>" in html
    assert '<h1 class="h4 mb-0">What we learned</h1>' in html
    item = article(html, pending)
    assert '<span class="badge kind-pain_point">Pain point</span>' in item
    assert '<p class="mb-1 mt-1 prewrap">Long wait at the till, and the car park was full.</p>' in item
    assert '<blockquote class="blockquote-customer mb-1">“I nearly went home.”</blockquote>' in item
    assert f'href="/engagements/{pending.engagement_id}/"' in item
    assert "Store visit · Leeds Briggate · " in item
    assert f'href="{detail_url(pending)}"' in item
    assert article(html, foreign) == ""


def test_feed_shows_confirmed_themes_as_links_to_the_filtered_feed(client_for, board_member, pending, themes):
    # given
    LearningThemeFactory(learning=pending, theme=themes["parking"])
    LearningThemeFactory(learning=pending, theme=themes["queues"])

    # when
    html = client_for(board_member).get(FEED).content.decode()

    # then
    chips = [(a["href"], a["class"]) for a in tags(article(html, pending), "a") if "theme-chip" in a["class"]]
    assert chips == [
        (f"/learned/?theme={themes['queues'].pk}", "theme-chip"),
        (f"/learned/?theme={themes['parking'].pk}", "theme-chip"),
    ]


def test_feed_offers_the_author_the_suggested_themes_in_one_tap(client_for, executive, pending, themes):
    # when
    html = client_for(executive).get(FEED, {"q": "till"}).content.decode()

    # then
    item = article(html, pending)
    [form] = tags(item, "form")
    assert (form["method"], form["action"], form["hx-post"]) == ("post", themes_url(pending), themes_url(pending))
    assert (form["hx-target"], form["hx-swap"]) == (f"#learning-{pending.pk}", "outerHTML")
    hidden = [(i["name"], i["value"]) for i in tags(item, "input", type="hidden") if i["name"] != "csrfmiddlewaretoken"]
    assert hidden == [
        ("next", "/learned/?q=till"),
        ("themes", str(themes["queues"].pk)),
        ("themes", str(themes["parking"].pk)),
    ]
    assert '<button class="btn btn-sm btn-primary tap" type="submit">Confirm themes</button>' in item
    assert f'href="{detail_url(pending)}#themes">Change</a>' in item


@pytest.mark.parametrize(
    ("member", "offered"),
    [
        ("executive", True),
        ("chief_of_staff", True),
        ("admin_member", True),
        ("peer", False),
        ("unsupported_cos", False),
        ("board_member", False),
    ],
    indirect=["member"],
)
def test_feed_offers_confirmation_only_to_who_may_review(client_for, member, offered, pending):
    # when
    item = article(client_for(member).get(FEED).content.decode(), pending)

    # then
    assert ("Confirm themes" in item, tags(item, "form") != []) == (offered, offered)


def test_feed_offers_nothing_once_reviewed(client_for, executive, pending, themes):
    # given: "none fit" was chosen
    ThemeReviewFactory(learning=pending)

    # when
    item = article(client_for(executive).get(FEED).content.decode(), pending)

    # then
    assert "Suggested themes" not in item
    assert tags(item, "form") == []


def test_feed_without_a_suggestion_links_to_the_picker(client_for, executive, themes):
    # given
    learning = learning_of(executive, text="Lovely flowers by the door.")

    # when
    item = article(client_for(executive).get(FEED).content.decode(), learning)

    # then
    assert "No theme suggested." in item
    assert f'<a class="tap" href="{detail_url(learning)}#themes">Choose themes</a>' in item
    assert tags(item, "form") == []


def test_feed_banner_for_an_executive_with_learnings_to_theme(client_for, executive, peer, pending, themes):
    # given: one more unreviewed, one themed, one "none fit"; the peer's don't count
    learning_of(executive, text="Prices unclear.")
    LearningThemeFactory(learning=learning_of(executive), theme=themes["staff"])
    ThemeReviewFactory(learning=learning_of(executive))
    learning_of(peer)

    # when
    html = client_for(executive).get(FEED).content.decode()

    # then
    assert "<span>2 of your learnings need themes.</span>" in html
    assert f'href="/learned/?unthemed=1&amp;leader={executive.pk}">Review them</a>' in html


@pytest.mark.parametrize("member", ["executive", "chief_of_staff", "board_member"], indirect=True)
def test_feed_banner_only_when_there_is_something_to_theme(client_for, member, executive, themes):
    # given: the executive's only learning is themed
    LearningThemeFactory(learning=learning_of(executive), theme=themes["staff"])
    learning_of(MembershipFactory(organization=executive.organization, role=Role.EXECUTIVE))

    # when
    html = client_for(member).get(FEED).content.decode()

    # then
    assert 'id="needs-themes-banner"' not in html


def test_needs_themes_filter_lists_learnings_nobody_reviewed(client_for, executive, peer, pending, themes):
    # given
    themed = learning_of(executive)
    LearningThemeFactory(learning=themed, theme=themes["staff"])
    none_fit = learning_of(executive)
    ThemeReviewFactory(learning=none_fit)
    peers = learning_of(peer)

    # when
    mine = client_for(executive).get(FEED, {"unthemed": "1", "leader": executive.pk}).content.decode()
    everyone = client_for(executive).get(FEED, {"unthemed": "on"}).content.decode()

    # then
    assert [bool(article(mine, x)) for x in (pending, themed, none_fit, peers)] == [True, False, False, False]
    assert [bool(article(everyone, x)) for x in (pending, themed, none_fit, peers)] == [True, False, False, True]
    [box] = tags(mine, "input", name="unthemed")
    assert (box["type"], box["class"], "checked" in box) == ("checkbox", "btn-check", True)


FILTER_CASES = [
    ({"theme": "parking"}, ["themed"]),
    ({"q": "car park"}, ["pending"]),
    ({"q": "missing", "unthemed": "1"}, []),
    ({"q": "till", "unthemed": "1"}, ["pending"]),
    ({"learning_kind": "idea"}, ["idea"]),
    ({"kind": "customer_call"}, ["idea"]),
    ({"customer_type": "internal"}, ["idea"]),
    ({"leader": "peer"}, ["idea"]),
    ({"period": "30d"}, ["pending", "themed"]),
    ({"start": "2024-01-01", "end": "2024-12-31"}, ["idea"]),
]


@pytest.mark.parametrize(("params", "expected"), FILTER_CASES)
def test_feed_filters_from_the_query_string(request, client_for, board_member, peer, pending, themes, params, expected):
    # given
    themed = learning_of(pending.author, text="Staff missing.")
    LearningThemeFactory(learning=themed, theme=themes["parking"])
    idea = learning_of(
        peer,
        text="A loyalty card.",
        kind="idea",
        location=None,
        customer_type="internal",
        started_at=datetime(2024, 6, 10, 12, tzinfo=UTC),
    )
    idea.engagement.kind = "customer_call"
    idea.engagement.save()
    rows = {"pending": pending, "themed": themed, "idea": idea}
    query = {}
    for key, value in params.items():
        if key == "theme":
            value = themes[value].pk
        elif key == "leader":
            value = request.getfixturevalue(value).pk
        query[key] = value

    # when
    html = client_for(board_member).get(FEED, query).content.decode()

    # then
    assert [name for name, row in rows.items() if article(html, row)] == expected
    noun = "learning" if len(expected) == 1 else "learnings"
    assert f'<p class="small text-body-secondary mb-2" id="learning-count">{len(expected)} {noun}</p>' in html


def test_feed_filter_choices(client_for, board_member, executive, peer, themes):
    # given
    LearningThemeFactory(learning=learning_of(executive), theme=themes["parking"])

    # when
    html = client_for(board_member).get(FEED, {"theme": themes["parking"].pk}).content.decode()

    # then
    assert options(html, "theme") == [
        ("", "All themes"),
        (str(themes["queues"].pk), "Checkout queues (0)"),
        (str(themes["parking"].pk), "Parking (1)"),
        (str(themes["staff"].pk), "Staff availability (0)"),
    ]
    assert selected_options(html, "theme") == [str(themes["parking"].pk)]
    assert options(html, "customer_type") == [
        ("", "Internal and external"),
        ("external", "External customers"),
        ("internal", "Internal customers (colleagues)"),
    ]
    assert options(html, "learning_kind")[:2] == [("", "All kinds of learning"), ("pain_point", "Pain point")]
    assert options(html, "kind")[:2] == [("", "All kinds of engagement"), ("store_visit", "Store visit")]
    assert '<details class="filters mt-2" open>' in html


def test_feed_with_another_organizations_theme_shows_the_error_and_nothing(client_for, executive, pending, outsider):
    # given
    theirs = ThemeFactory(organization=outsider.organization, name="Theirs")

    # when
    html = client_for(executive).get(FEED, {"theme": theirs.pk}).content.decode()

    # then
    assert error_div("id_theme", "Select a valid choice. That choice is not one of the available choices.") in html
    assert '<p class="small text-body-secondary mb-2" id="learning-count">0 learnings</p>' in html
    assert article(html, pending) == ""


def test_feed_htmx_answers_the_results_fragment(client_for, executive, pending, themes):
    # when
    response = client_for(executive).get(FEED, {"q": "car park"}, **HTMX)

    # then
    html = response.content.decode()
    assert response.templates[0].name == "insights/_learning_results.html"
    assert "<html" not in html
    assert html.startswith('<p class="small text-body-secondary mb-2" id="learning-count">1 learning</p>')
    assert article(html, pending) != ""
    assert "HX-Request" in response["Vary"]


def test_feed_htmx_with_an_invalid_filter_shows_the_error_above_the_results(client_for, executive, pending):
    # when
    html = client_for(executive).get(FEED, {"learning_kind": "rumour"}, **HTMX).content.decode()

    # then
    assert html.startswith(
        '<div class="alert alert-danger py-2" role="alert"><div>Kind of learning: Select a valid choice. '
        "rumour is not one of the available choices.</div></div>"
    )


def test_feed_pages_by_25_and_keeps_the_filters(client_for, executive):
    # given
    for n in range(26):
        learning_of(executive, text=f"Learning {n}")

    # when
    first = client_for(executive).get(FEED, {"learning_kind": "pain_point"}).content.decode()
    second = client_for(executive).get(FEED, {"learning_kind": "pain_point", "page": "2"}).content.decode()

    # then
    assert first.count('class="card mb-2 learning-item"') == 25
    assert '<a class="page-link" href="?learning_kind=pain_point&amp;page=2">Older ›</a>' in first
    assert second.count('class="card mb-2 learning-item"') == 1


def _feed_queries(client, executive, count):
    for n in range(count):
        learning = learning_of(executive, text=f"Long wait number {n} at the till near the car park.")
        if n % 3 == 0:
            learning.quote = "Staff availability is poor."
            learning.save()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(FEED)
    assert response.status_code == 200
    return len(queries), response.content.decode().count(">Confirm themes</button>")


# Whatever the page size: session, user, membership; learning count, page, theme links (prefetch); the
# suggestions (themes, similar themed learnings); the filter choices (themes, leaders, regions, locations); the
# unread-notifications badge. Plus the banner's count for an executive, the supported executives for a chief of
# staff. A board member gets no suggestions (they can't confirm).
@pytest.mark.parametrize(
    ("member", "queries", "may_confirm"),
    [("executive", 14, True), ("chief_of_staff", 14, True), ("board_member", 11, False)],
    indirect=["member"],
)
def test_feed_query_count_does_not_grow_with_the_page(
    client_for, member, queries, may_confirm, executive, peer, themes
):
    # given: earlier themed learnings to compare with
    for n in range(4):
        LearningThemeFactory(
            learning=learning_of(peer, text=f"Waited {n} minutes at the till."), theme=themes["queues"]
        )
    client = client_for(member)

    # when: 5 unreviewed learnings of the executive, then 30 (a full page of 25 and more)
    small = _feed_queries(client, executive, 5)
    large = _feed_queries(client, executive, 25)

    # then
    assert (small, large) == ((queries, 5 if may_confirm else 0), (queries, 25 if may_confirm else 0))


# --- confirming themes (POST /learned/<pk>/themes/) --------------------------------------------------


@pytest.mark.parametrize("member", ["executive", "chief_of_staff", "admin_member"], indirect=True)
def test_confirm_suggested_themes_in_one_post_without_javascript(client_for, member, pending, themes):
    # given
    client = client_for(member)
    data = {"themes": [themes["queues"].pk, themes["parking"].pk], "next": "/learned/?q=till"}

    # when
    response = client.post(themes_url(pending), data)

    # then
    assert response.status_code == 302
    assert response["Location"] == "/learned/?q=till"
    assert state() == (
        sorted([(pending.pk, themes["queues"].pk, member.pk), (pending.pk, themes["parking"].pk, member.pk)]),
        [(pending.pk, member.pk)],
    )
    html = client.get(response["Location"]).content.decode()
    assert "Themes saved." in html
    assert "Confirm themes" not in article(html, pending)


def test_confirm_with_htmx_swaps_just_the_item(client_for, executive, pending, themes):
    # when
    response = client_for(executive).post(
        themes_url(pending), {"themes": [themes["queues"].pk], "next": "/learned/"}, **HTMX
    )

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert response.templates[0].name == "insights/_learning_item.html"
    assert "<html" not in html
    assert html.strip().startswith(f'<article class="card mb-2 learning-item" id="learning-{pending.pk}">')
    assert '<p class="small text-success mb-1" role="status">Themes saved.</p>' in html
    assert f'<a class="theme-chip" href="/learned/?theme={themes["queues"].pk}">Checkout queues</a>' in html
    assert "Confirm themes" not in html
    assert state()[0] == [(pending.pk, themes["queues"].pk, executive.pk)]


def test_saving_the_picker_with_htmx_swaps_the_picker(client_for, executive, pending, themes):
    # when
    response = client_for(executive).post(
        themes_url(pending),
        {"themes": [themes["staff"].pk], "next": detail_url(pending)},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="learning-themes",
    )

    # then
    html = response.content.decode()
    assert response.templates[0].name == "insights/_learning_theme_picker.html"
    assert html.strip().startswith('<div id="learning-themes">')
    assert '<div class="alert alert-success py-2" role="status">Themes saved.</div>' in html
    assert checked_values(html, "themes") == [str(themes["staff"].pk)]
    assert state()[0] == [(pending.pk, themes["staff"].pk, executive.pk)]


def test_none_fit_marks_the_learning_reviewed(client_for, executive, pending, themes):
    # when
    response = client_for(executive).post(themes_url(pending), {"next": detail_url(pending)})

    # then
    assert response["Location"] == detail_url(pending)
    assert state() == ([], [(pending.pk, executive.pk)])


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/learned/", ""])
def test_an_unsafe_or_missing_next_goes_to_the_learning(client_for, executive, pending, themes, target):
    # when
    response = client_for(executive).post(themes_url(pending), {"themes": [themes["queues"].pk], "next": target})

    # then
    assert response.status_code == 302
    assert response["Location"] == detail_url(pending)


@pytest.mark.parametrize("member", ["peer", "unsupported_cos", "board_member"], indirect=True)
def test_confirm_is_forbidden_to_others_and_changes_nothing(client_for, member, pending, themes):
    # given
    before = state()

    # when
    response = client_for(member).post(themes_url(pending), {"themes": [themes["queues"].pk], "next": FEED})

    # then
    assert response.status_code == 403
    assert state() == before


def test_confirm_for_another_organizations_learning_is_404(client_for, outsider, pending, themes):
    # given
    before = state()

    # when
    response = client_for(outsider).post(themes_url(pending), {"themes": [], "next": FEED})

    # then
    assert response.status_code == 404
    assert state() == before


def test_confirm_answers_only_post(client_for, executive, pending):
    # when
    response = client_for(executive).get(themes_url(pending))

    # then
    assert response.status_code == 405


def test_another_organizations_theme_is_refused_next_to_the_field(client_for, executive, pending, outsider):
    # given
    theirs = ThemeFactory(organization=outsider.organization, name="Theirs")
    before = state()

    # when
    response = client_for(executive).post(themes_url(pending), {"themes": [theirs.pk], "next": FEED})

    # then: the learning's page, with the error under the picker
    html = response.content.decode()
    assert response.status_code == 200
    assert response.templates[0].name == "insights/learning_detail.html"
    message = f"Select a valid choice. {theirs.pk} is not one of the available choices."
    assert error_div("id_themes", message) in html
    assert state() == before


def test_an_invalid_theme_with_htmx_answers_422_and_the_item_with_the_error(client_for, executive, pending):
    # when
    response = client_for(executive).post(themes_url(pending), {"themes": ["999999"], "next": FEED}, **HTMX)

    # then
    html = response.content.decode()
    assert response.status_code == 422
    assert (
        '<div class="alert alert-danger py-1 px-2 small mb-1" role="alert">'
        "Select a valid choice. 999999 is not one of the available choices.</div>"
    ) in html
    assert "Confirm themes" in html
    assert state() == ([], [])


# --- a learning's page --------------------------------------------------------------------------------


def test_detail_ticks_the_suggested_themes_before_review(client_for, executive, pending, themes):
    # when
    response = client_for(executive).get(detail_url(pending))

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert '<p class="mb-2 mt-1 prewrap fs-6">Long wait at the till, and the car park was full.</p>' in html
    assert f'href="/engagements/{pending.engagement_id}/">Store visit · Leeds Briggate</a>' in html
    assert [i["value"] for i in tags(html, "input", name="themes")] == [
        str(themes["queues"].pk),
        str(themes["parking"].pk),
        str(themes["staff"].pk),
    ]
    assert checked_values(html, "themes") == [str(themes["queues"].pk), str(themes["parking"].pk)]
    assert html.count('<span class="badge text-bg-warning ms-1">suggested</span>') == 2
    assert tags(html, "input", name="next") == [
        {"type": "hidden", "name": "next", "value": detail_url(pending), "id": "id_next"}
    ]
    assert '<button class="btn btn-primary tap" type="submit">Save themes</button>' in html


def test_detail_ticks_the_confirmed_themes_after_review(client_for, chief_of_staff, pending, themes):
    # given
    LearningThemeFactory(learning=pending, theme=themes["staff"])

    # when
    html = client_for(chief_of_staff).get(detail_url(pending)).content.decode()

    # then
    assert checked_values(html, "themes") == [str(themes["staff"].pk)]
    assert "suggested</span>" not in html


@pytest.mark.parametrize("member", ["board_member", "peer"], indirect=True)
def test_detail_shows_themes_read_only_to_who_may_not_review(client_for, member, pending, themes):
    # given
    LearningThemeFactory(learning=pending, theme=themes["parking"])

    # when
    html = client_for(member).get(detail_url(pending)).content.decode()

    # then
    assert tags(html, "input", name="themes") == []
    assert f'<a class="theme-chip" href="/learned/?theme={themes["parking"].pk}">Parking</a>' in html
    assert themes_url(pending) not in html


def test_detail_lists_the_actions_and_offers_new_and_existing_ones(client_for, executive, peer, pending):
    # given: one action answers it; two open ones could (one the executive may not change); one is done
    answering = ActionFactory(organization=executive.organization, owner=executive, title="Second till")
    answering.learnings.set([pending])
    mine = ActionFactory(organization=executive.organization, owner=executive, title="More staff at five")
    ActionFactory(organization=executive.organization, owner=peer, title="Peer's action")
    ActionFactory(
        organization=executive.organization,
        owner=executive,
        title="Done already",
        status="done",
        closed_at=answering.created_at,
    )

    # when
    html = client_for(executive).get(detail_url(pending)).content.decode()

    # then
    section = html.split('id="actions"', 1)[1].split("</section>", 1)[0]
    assert f'<a class="fw-semibold tap" href="/actions/{answering.pk}/">Second till</a>' in section
    assert f"{executive.display_name} · " in section
    assert f'href="/actions/new/?learning={pending.pk}">New action from this learning</a>' in section
    buttons = [b["formaction"] for b in tags(section, "button")]
    assert buttons == [f"/actions/{mine.pk}/learnings/"]
    assert tags(section, "input", name="learning") == [{"type": "hidden", "name": "learning", "value": str(pending.pk)}]


def test_detail_for_a_board_member_offers_no_action(client_for, board_member, pending, executive):
    # given
    ActionFactory(organization=executive.organization, owner=executive, title="Open one")

    # when
    html = client_for(board_member).get(detail_url(pending)).content.decode()

    # then
    assert "New action from this learning" not in html
    assert "Add to an existing action" not in html
    assert "No action answers this learning yet." in html


def test_detail_shows_the_history(client_for, board_member, pending):
    # when
    html = client_for(board_member).get(detail_url(pending)).content.decode()

    # then
    assert '<h2 class="h6" id="history-heading">History</h2>' in html


def test_detail_of_another_organization_is_404(client_for, outsider, pending):
    # when
    response = client_for(outsider).get(detail_url(pending))

    # then
    assert response.status_code == 404


def test_pages_need_a_login(client, pending):
    # when
    responses = [client.get(FEED), client.get(detail_url(pending)), client.post(themes_url(pending))]

    # then
    assert [r.status_code for r in responses] == [302, 302, 302]
    assert all(r["Location"].startswith("/accounts/login/") for r in responses)


def test_no_inline_scripts_or_styles(client_for, executive, pending, themes):
    # when
    pages = [client_for(executive).get(url).content.decode() for url in (FEED, detail_url(pending))]

    # then
    for html in pages:
        assert all(attrs.get("src") for attrs in tags(html, "script"))
        assert " style=" not in html


def test_started_at_is_shown_in_the_feed_as_a_date(client_for, executive):
    # given
    learning = learning_of(executive)
    started = learning.engagement.started_at - timedelta(days=3)
    learning.engagement.started_at = started
    learning.engagement.save()

    # when
    item = article(client_for(executive).get(FEED).content.decode(), learning)

    # then
    assert timezone.localtime(started).strftime("%-d %b %Y") in item
