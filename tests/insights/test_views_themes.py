"""The themes pages: everyone reads the list; admins create, rename, merge and delete."""

import pytest
from django.urls import reverse

from apps.engagements.models import Learning
from apps.insights.models import LearningTheme, Theme
from apps.organizations.models import Role
from tests.engagements.factories import EngagementFactory, LearningFactory
from tests.engagements.helpers import error_div, options, tags
from tests.insights.factories import LearningThemeFactory, ThemeFactory
from tests.organizations.factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

LIST = "/themes/"
NOT_ADMINS = ["executive", "chief_of_staff", "board_member"]


def url(name, theme):
    return reverse(f"insights:{name}", args=[theme.pk])


def state():
    """Every theme and link, to compare before and after a refused request."""
    return (
        list(Theme.objects.order_by("pk").values_list("pk", "organization_id", "name", "keywords")),
        sorted(LearningTheme.objects.values_list("learning_id", "theme_id")),
    )


def learning_of(author):
    return LearningFactory(engagement=EngagementFactory(organization=author.organization, leader=author), author=author)


@pytest.fixture
def member(request):
    return request.getfixturevalue(request.param)


@pytest.fixture
def outsider_admin(db):
    return MembershipFactory(organization=OrganizationFactory(), role=Role.ADMIN)


@pytest.fixture
def themes(organization, executive):
    """Tills (2 learnings), Checkout queues (1, shared with Tills), Pricing (none)."""
    tills = ThemeFactory(organization=organization, name="Tills", keywords="till, register")
    queues = ThemeFactory(organization=organization, name="Checkout queues", keywords="queue, wait")
    pricing = ThemeFactory(organization=organization, name="Pricing")
    first, second = learning_of(executive), learning_of(executive)
    LearningThemeFactory(learning=first, theme=tills)
    LearningThemeFactory(learning=second, theme=tills)
    LearningThemeFactory(learning=second, theme=queues)
    return {"tills": tills, "queues": queues, "pricing": pricing, "first": first, "second": second}


# --- the list -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("member", [*NOT_ADMINS, "admin_member"], indirect=True)
def test_every_member_reads_the_list_with_counts_linking_to_the_feed(client_for, member, themes, outsider_admin):
    # given
    ThemeFactory(organization=outsider_admin.organization, name="Their theme")

    # when
    response = client_for(member).get(LIST)

    # then
    html = response.content.decode()
    assert response.status_code == 200
    names = [chunk.split("</h2>", 1)[0] for chunk in html.split('<h2 class="h6 mb-0">')[1:]]
    assert names == ["Checkout queues", "Pricing", "Tills"]
    assert f'<a class="tap" href="/learned/?theme={themes["tills"].pk}">2 learnings</a>' in html
    assert f'<a class="tap" href="/learned/?theme={themes["queues"].pk}">1 learning</a>' in html
    assert f'<a class="tap" href="/learned/?theme={themes["pricing"].pk}">0 learnings</a>' in html
    assert '<div class="small text-body-secondary text-break">Keywords: till, register</div>' in html
    assert "Their theme" not in html


def test_admins_see_the_management_links(client_for, admin_member, themes):
    # when
    html = client_for(admin_member).get(LIST).content.decode()

    # then
    tills = themes["tills"]
    assert f'href="{reverse("insights:theme_create")}">New theme</a>' in html
    assert f'href="{url("theme_edit", tills)}">Rename / keywords<span class="visually-hidden"> of Tills</span>' in html
    assert f'href="{url("theme_merge", tills)}">Merge into…<span class="visually-hidden"> (Tills)</span></a>' in html
    assert f'href="{url("theme_delete", tills)}">Delete<span class="visually-hidden"> Tills</span></a>' in html


@pytest.mark.parametrize("member", NOT_ADMINS, indirect=True)
def test_others_see_no_management_links(client_for, member, themes):
    # when
    html = client_for(member).get(LIST).content.decode()

    # then
    assert "/themes/new/" not in html
    assert "/edit/" not in html
    assert "/merge/" not in html
    assert "/delete/" not in html


def test_the_list_needs_a_login(client):
    # when
    response = client.get(LIST)

    # then
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# --- create -------------------------------------------------------------------------------------------


def test_admin_creates_a_theme(client_for, admin_member):
    # given
    client = client_for(admin_member)

    # when
    form = client.get("/themes/new/")
    response = client.post("/themes/new/", {"name": " Staff   availability ", "keywords": "Staff, nobody, staff"})

    # then
    assert form.status_code == 200
    assert '<h1 class="h4">New theme</h1>' in form.content.decode()
    assert response.status_code == 302
    assert response["Location"] == LIST
    assert list(Theme.objects.values_list("organization_id", "name", "keywords")) == [
        (admin_member.organization_id, "Staff availability", "staff, nobody")
    ]
    assert "Theme “Staff availability” created." in client.get(LIST).content.decode()


@pytest.mark.parametrize(
    ("data", "field_id", "message"),
    [
        ({"name": "tills"}, "id_name", "There is already a theme with this name."),
        ({"name": "TILLS ", "keywords": "x"}, "id_name", "There is already a theme with this name."),
        ({"name": ""}, "id_name", "This field is required."),
        ({"name": "x" * 81}, "id_name", "Ensure this value has at most 80 characters (it has 81)."),
    ],
)
def test_create_errors_are_shown_next_to_the_field_and_nothing_is_saved(
    client_for, admin_member, themes, data, field_id, message
):
    # given
    before = state()

    # when
    response = client_for(admin_member).post("/themes/new/", data)

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert error_div(field_id, message) in html
    assert html.count('class="invalid-feedback d-block"') == 1
    assert state() == before


@pytest.mark.parametrize("member", NOT_ADMINS, indirect=True)
@pytest.mark.parametrize("method", ["get", "post"])
def test_create_is_forbidden_to_others(client_for, member, method):
    # when
    response = getattr(client_for(member), method)("/themes/new/", *([{"name": "Mine"}] if method == "post" else []))

    # then
    assert response.status_code == 403
    assert state() == ([], [])


# --- rename / keywords --------------------------------------------------------------------------------


def test_admin_renames_a_theme_and_keeps_its_learnings(client_for, admin_member, themes):
    # given
    client = client_for(admin_member)
    tills = themes["tills"]

    # when
    form = client.get(url("theme_edit", tills)).content.decode()
    response = client.post(url("theme_edit", tills), {"name": "Tills and registers", "keywords": "till, register, pos"})

    # then
    assert '<h1 class="h4">Edit theme “Tills”</h1>' in form
    assert [t["value"] for t in tags(form, "input", name="name")] == ["Tills"]
    assert "till, register</textarea>" in form
    assert response.status_code == 302
    assert response["Location"] == LIST
    tills.refresh_from_db()
    assert (tills.name, tills.keywords) == ("Tills and registers", "till, register, pos")
    assert sorted(tills.learning_links.values_list("learning_id", flat=True)) == sorted(
        [themes["first"].pk, themes["second"].pk]
    )
    assert "Theme “Tills and registers” saved." in client.get(LIST).content.decode()


def test_rename_to_another_themes_name_is_refused_next_to_the_field(client_for, admin_member, themes):
    # given
    before = state()

    # when
    response = client_for(admin_member).post(url("theme_edit", themes["tills"]), {"name": "PRICING", "keywords": ""})

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert '<h1 class="h4">Edit theme “Tills”</h1>' in html
    assert error_div("id_name", "There is already a theme with this name.") in html
    assert [t["value"] for t in tags(html, "input", name="name")] == ["PRICING"]
    assert state() == before


@pytest.mark.parametrize("member", NOT_ADMINS, indirect=True)
@pytest.mark.parametrize("method", ["get", "post"])
def test_edit_is_forbidden_to_others(client_for, member, method, themes):
    # given
    before = state()

    # when
    response = getattr(client_for(member), method)(
        url("theme_edit", themes["tills"]), *([{"name": "Mine"}] if method == "post" else [])
    )

    # then
    assert response.status_code == 403
    assert state() == before


# --- merge --------------------------------------------------------------------------------------------


def test_merge_page_explains_and_offers_the_other_themes_with_counts(client_for, admin_member, themes):
    # when
    response = client_for(admin_member).get(url("theme_merge", themes["tills"]))

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert '<h1 class="h4">Merge “Tills” into another theme</h1>' in html
    assert "“Tills” has 2 learnings. They move over to the theme you choose" in html
    assert "its name and keywords (till, register) become keywords of the chosen theme" in html
    assert options(html, "target") == [
        ("", "Choose a theme"),
        (str(themes["queues"].pk), "Checkout queues (1 learning)"),
        (str(themes["pricing"].pk), "Pricing (0 learnings)"),
    ]


def test_admin_merges_a_theme_and_no_link_is_lost(client_for, admin_member, themes):
    # given
    client = client_for(admin_member)
    queues = themes["queues"]

    # when
    response = client.post(url("theme_merge", themes["tills"]), {"target": queues.pk})

    # then
    assert response.status_code == 302
    assert response["Location"] == LIST
    org = admin_member.organization_id
    assert state() == (
        [
            (queues.pk, org, "Checkout queues", "queue, wait, tills, till, register"),
            (themes["pricing"].pk, org, "Pricing", ""),
        ],
        sorted([(themes["first"].pk, queues.pk), (themes["second"].pk, queues.pk)]),
    )
    assert (
        "“Tills” merged into “Checkout queues”: 1 learning moved over, and “Tills” is now one of its keywords."
        in client.get(LIST).content.decode()
    )


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("", "This field is required."),
        ("self", "Select a valid choice. That choice is not one of the available choices."),
        ("foreign", "Select a valid choice. That choice is not one of the available choices."),
    ],
)
def test_merge_errors_are_shown_next_to_the_field(client_for, admin_member, outsider_admin, themes, target, message):
    # given
    foreign = ThemeFactory(organization=outsider_admin.organization, name="Theirs")
    value = {"": "", "self": themes["tills"].pk, "foreign": foreign.pk}[target]
    before = state()

    # when
    response = client_for(admin_member).post(url("theme_merge", themes["tills"]), {"target": value})

    # then
    assert response.status_code == 200
    assert error_div("id_target", message) in response.content.decode()
    assert state() == before


def test_merge_with_no_other_theme_says_so(client_for, admin_member):
    # given
    only = ThemeFactory(organization=admin_member.organization, name="Only")

    # when
    html = client_for(admin_member).get(url("theme_merge", only)).content.decode()

    # then
    assert "There is no other theme to merge it into." in html
    assert tags(html, "select") == []


@pytest.mark.parametrize("member", NOT_ADMINS, indirect=True)
@pytest.mark.parametrize("method", ["get", "post"])
def test_merge_is_forbidden_to_others(client_for, member, method, themes):
    # given
    before = state()

    # when
    response = getattr(client_for(member), method)(
        url("theme_merge", themes["tills"]), *([{"target": themes["queues"].pk}] if method == "post" else [])
    )

    # then
    assert response.status_code == 403
    assert state() == before


# --- delete -------------------------------------------------------------------------------------------


def test_admin_deletes_a_theme_after_confirming(client_for, admin_member, themes):
    # given
    client = client_for(admin_member)
    tills = themes["tills"]

    # when
    confirm = client.get(url("theme_delete", tills)).content.decode()
    response = client.post(url("theme_delete", tills))

    # then
    assert '<h1 class="h4">Delete the theme “Tills”?</h1>' in confirm
    assert "2 learnings will lose this theme; the learnings themselves stay. This cannot be undone." in confirm
    assert f'href="{url("theme_merge", tills)}">merge it into another theme</a>' in confirm
    assert response.status_code == 302
    assert response["Location"] == LIST
    assert state()[1] == [(themes["second"].pk, themes["queues"].pk)]
    assert not Theme.objects.filter(pk=tills.pk).exists()
    assert Learning.objects.count() == 2
    assert "Theme “Tills” deleted. Its learnings stay." in client.get(LIST).content.decode()


@pytest.mark.parametrize("member", NOT_ADMINS, indirect=True)
@pytest.mark.parametrize("method", ["get", "post"])
def test_delete_is_forbidden_to_others(client_for, member, method, themes):
    # given
    before = state()

    # when
    response = getattr(client_for(member), method)(url("theme_delete", themes["tills"]))

    # then
    assert response.status_code == 403
    assert state() == before


# --- another organization -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "method", "data"),
    [
        ("theme_edit", "get", None),
        ("theme_edit", "post", {"name": "Mine"}),
        ("theme_merge", "get", None),
        ("theme_merge", "post", {"target": "queues"}),
        ("theme_delete", "get", None),
        ("theme_delete", "post", {}),
    ],
)
def test_another_organizations_admin_gets_404_and_changes_nothing(
    client_for, outsider_admin, themes, name, method, data
):
    # given
    if data and data.get("target") == "queues":
        data = {"target": themes["queues"].pk}
    before = state()

    # when
    client = client_for(outsider_admin)
    response = (
        client.get(url(name, themes["tills"])) if method == "get" else client.post(url(name, themes["tills"]), data)
    )

    # then
    assert response.status_code == 404
    assert state() == before
