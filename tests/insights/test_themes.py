"""Themes: the admins' list (create, rename, merge, delete), the themes a leader confirms for a learning, and the
suggestions made from a learning's words."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from apps.insights import selectors, services
from apps.insights.models import LearningTheme, Theme, ThemeReview
from apps.insights.selectors import Suggestion, _stem
from apps.organizations.models import Role
from tests.engagements.factories import EngagementFactory, LearningFactory
from tests.insights.factories import LearningThemeFactory, ThemeFactory, ThemeReviewFactory
from tests.organizations.factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def peer(organization):
    return MembershipFactory(organization=organization, role=Role.EXECUTIVE)


@pytest.fixture
def outsider_admin(db):
    return MembershipFactory(organization=OrganizationFactory(), role=Role.ADMIN)


def learning_of(author, text="A learning.", quote=""):
    engagement = EngagementFactory(organization=author.organization, leader=author)
    return LearningFactory(engagement=engagement, author=author, text=text, quote=quote)


def themes_rows():
    return list(Theme.objects.order_by("pk").values_list("organization_id", "name", "keywords"))


def links_rows():
    return sorted(LearningTheme.objects.values_list("learning_id", "theme_id"))


# --- create and rename --------------------------------------------------------------------------------


def test_theme_create_tidies_the_name_and_the_keywords(admin_member):
    # when
    theme = services.theme_create(
        acting=admin_member, name="  Checkout   queues ", keywords="Queue, till ,, QUEUE,  long   wait "
    )

    # then
    assert themes_rows() == [(admin_member.organization_id, "Checkout queues", "queue, till, long wait")]
    assert theme.keyword_list == ["queue", "till", "long wait"]


@pytest.mark.parametrize("name", ["pricing", "PRICING", " Pricing "])
def test_theme_create_refuses_a_name_taken_in_any_case(admin_member, name):
    # given
    ThemeFactory(organization=admin_member.organization, name="Pricing")
    before = themes_rows()

    # when
    with pytest.raises(ValidationError) as caught:
        services.theme_create(acting=admin_member, name=name)

    # then
    assert caught.value.message_dict == {"name": ["There is already a theme with this name."]}
    assert themes_rows() == before


def test_theme_create_allows_a_name_used_by_another_organization(admin_member, outsider_admin):
    # given
    ThemeFactory(organization=outsider_admin.organization, name="Pricing")

    # when
    services.theme_create(acting=admin_member, name="Pricing")

    # then
    assert Theme.objects.filter(name="Pricing").count() == 2


def test_theme_create_refuses_an_empty_name(admin_member):
    # when
    with pytest.raises(ValidationError) as caught:
        services.theme_create(acting=admin_member, name="   ", keywords="queue")

    # then
    assert caught.value.message_dict == {"name": ["This field cannot be blank."]}
    assert themes_rows() == []


def test_theme_update_renames_and_keeps_the_links(admin_member, executive):
    # given
    theme = ThemeFactory(organization=admin_member.organization, name="Queues", keywords="till")
    learning = learning_of(executive)
    LearningThemeFactory(learning=learning, theme=theme)

    # when
    services.theme_update(acting=admin_member, theme=theme, name="Checkout queues", keywords="Till, wait")

    # then
    assert themes_rows() == [(admin_member.organization_id, "Checkout queues", "till, wait")]
    assert links_rows() == [(learning.pk, theme.pk)]


def test_theme_update_may_change_only_the_case_of_its_own_name(admin_member):
    # given
    theme = ThemeFactory(organization=admin_member.organization, name="pricing")

    # when
    services.theme_update(acting=admin_member, theme=theme, name="Pricing")

    # then
    assert themes_rows() == [(admin_member.organization_id, "Pricing", "")]


def test_theme_update_refuses_another_themes_name_in_any_case_and_saves_nothing(admin_member):
    # given
    ThemeFactory(organization=admin_member.organization, name="Pricing")
    theme = ThemeFactory(organization=admin_member.organization, name="Prices", keywords="cost")
    before = themes_rows()

    # when
    with pytest.raises(ValidationError) as caught:
        services.theme_update(acting=admin_member, theme=theme, name="PRICING", keywords="cost, price")

    # then
    assert caught.value.message_dict == {"name": ["There is already a theme with this name."]}
    assert themes_rows() == before


# --- merge and delete ---------------------------------------------------------------------------------


def test_theme_merge_moves_the_links_without_duplicates_and_keeps_the_words(admin_member, executive, peer):
    # given: "Tills" on learnings 1 and 2; "Checkout queues" on learnings 2 and 3
    org = admin_member.organization
    source = ThemeFactory(organization=org, name="Tills", keywords="till, register")
    target = ThemeFactory(organization=org, name="Checkout queues", keywords="queue")
    other = ThemeFactory(organization=org, name="Pricing")
    first, second, third = learning_of(executive), learning_of(peer), learning_of(executive)
    LearningThemeFactory(learning=first, theme=source)
    LearningThemeFactory(learning=second, theme=source)
    LearningThemeFactory(learning=second, theme=target)
    LearningThemeFactory(learning=third, theme=target)
    LearningThemeFactory(learning=third, theme=other)

    # when
    moved = services.theme_merge(acting=admin_member, source=source, target=target)

    # then
    assert moved == 1
    assert themes_rows() == [(org.pk, "Checkout queues", "queue, tills, till, register"), (org.pk, "Pricing", "")]
    assert links_rows() == sorted(
        [(first.pk, target.pk), (second.pk, target.pk), (third.pk, target.pk), (third.pk, other.pk)]
    )


def test_theme_merge_into_itself_is_refused(admin_member):
    # given
    theme = ThemeFactory(organization=admin_member.organization, name="Pricing")

    # when
    with pytest.raises(ValidationError) as caught:
        services.theme_merge(acting=admin_member, source=theme, target=theme)

    # then
    assert caught.value.message_dict == {"target": ["Choose a different theme to merge into."]}
    assert themes_rows() == [(admin_member.organization_id, "Pricing", "")]


def test_theme_merge_with_another_organizations_theme_is_refused(admin_member, outsider_admin):
    # given
    mine = ThemeFactory(organization=admin_member.organization, name="Pricing")
    theirs = ThemeFactory(organization=outsider_admin.organization, name="Prices")
    before = themes_rows()

    # when / then
    with pytest.raises(PermissionDenied):
        services.theme_merge(acting=admin_member, source=mine, target=theirs)
    with pytest.raises(PermissionDenied):
        services.theme_merge(acting=admin_member, source=theirs, target=mine)
    assert themes_rows() == before


def test_theme_delete_removes_the_theme_and_its_links_but_not_the_learnings(admin_member, executive):
    # given
    theme = ThemeFactory(organization=admin_member.organization, name="Pricing")
    kept = ThemeFactory(organization=admin_member.organization, name="Parking")
    learning = learning_of(executive)
    LearningThemeFactory(learning=learning, theme=theme)
    LearningThemeFactory(learning=learning, theme=kept)

    # when
    services.theme_delete(acting=admin_member, theme=theme)

    # then
    assert themes_rows() == [(admin_member.organization_id, "Parking", "")]
    assert links_rows() == [(learning.pk, kept.pk)]
    learning.refresh_from_db()


@pytest.mark.parametrize("role", [Role.EXECUTIVE, Role.CHIEF_OF_STAFF, Role.BOARD])
@pytest.mark.parametrize("write", ["create", "update", "merge", "delete"])
def test_only_admins_manage_themes(organization, executive, role, write):
    # given
    acting = MembershipFactory(organization=organization, role=role)
    theme = ThemeFactory(organization=organization, name="Tills")
    target = ThemeFactory(organization=organization, name="Queues")
    LearningThemeFactory(learning=learning_of(executive), theme=theme)
    before = (themes_rows(), links_rows())
    calls = {
        "create": lambda: services.theme_create(acting=acting, name="Pricing"),
        "update": lambda: services.theme_update(acting=acting, theme=theme, name="Till"),
        "merge": lambda: services.theme_merge(acting=acting, source=theme, target=target),
        "delete": lambda: services.theme_delete(acting=acting, theme=theme),
    }

    # when
    with pytest.raises(PermissionDenied) as caught:
        calls[write]()

    # then
    assert str(caught.value) == "Only admins manage themes."
    assert (themes_rows(), links_rows()) == before


def test_an_admin_of_another_organization_cannot_touch_a_theme(admin_member, outsider_admin):
    # given
    theme = ThemeFactory(organization=admin_member.organization, name="Pricing")
    before = themes_rows()

    # when / then
    with pytest.raises(PermissionDenied):
        services.theme_update(acting=outsider_admin, theme=theme, name="Mine now")
    with pytest.raises(PermissionDenied):
        services.theme_delete(acting=outsider_admin, theme=theme)
    assert themes_rows() == before


# --- the themes of a learning -------------------------------------------------------------------------


def test_learning_themes_set_replaces_the_themes_and_marks_the_learning_reviewed(executive):
    # given
    org = executive.organization
    queues, pricing, parking = (ThemeFactory(organization=org, name=n) for n in ("Queues", "Pricing", "Parking"))
    learning = learning_of(executive)
    LearningThemeFactory(learning=learning, theme=queues)
    LearningThemeFactory(learning=learning, theme=pricing)

    # when
    result = services.learning_themes_set(acting=executive, learning=learning, themes=[pricing, parking])

    # then
    assert result == sorted([pricing.pk, parking.pk])
    assert links_rows() == sorted([(learning.pk, pricing.pk), (learning.pk, parking.pk)])
    assert list(ThemeReview.objects.values_list("learning_id", "reviewed_by_id")) == [(learning.pk, executive.pk)]


def test_learning_themes_set_to_none_means_none_fit(chief_of_staff, executive):
    # given
    theme = ThemeFactory(organization=executive.organization, name="Queues")
    learning = learning_of(executive)
    LearningThemeFactory(learning=learning, theme=theme)

    # when: the executive's chief of staff says no theme fits
    services.learning_themes_set(acting=chief_of_staff, learning=learning, themes=[])

    # then
    assert links_rows() == []
    assert list(ThemeReview.objects.values_list("learning_id", "reviewed_by_id")) == [(learning.pk, chief_of_staff.pk)]


@pytest.mark.parametrize("role", [Role.EXECUTIVE, Role.BOARD, Role.CHIEF_OF_STAFF])
def test_learning_themes_set_is_refused_to_others(organization, executive, role):
    # given: another executive, a board member, a chief of staff who supports someone else
    acting = MembershipFactory(organization=organization, role=role)
    theme = ThemeFactory(organization=organization, name="Queues")
    learning = learning_of(executive)

    # when
    with pytest.raises(PermissionDenied):
        services.learning_themes_set(acting=acting, learning=learning, themes=[theme])

    # then
    assert (links_rows(), ThemeReview.objects.count()) == ([], 0)


def test_learning_themes_set_refuses_another_organizations_theme(executive, outsider_admin):
    # given
    theirs = ThemeFactory(organization=outsider_admin.organization, name="Queues")
    learning = learning_of(executive)

    # when
    with pytest.raises(ValidationError) as caught:
        services.learning_themes_set(acting=executive, learning=learning, themes=[theirs])

    # then
    assert caught.value.message_dict == {"themes": ["Choose themes of your organization."]}
    assert (links_rows(), ThemeReview.objects.count()) == ([], 0)


# --- suggestions ---------------------------------------------------------------------------------------


def suggest(organization, *learnings):
    """Suggestions as {learning: [(theme name, reason)]}, for learnings read the way the feed reads them."""
    pks = [learning.pk for learning in learnings]
    annotated = [lg for lg in selectors.learning_feed(organization=organization) if lg.pk in pks]
    found = selectors.theme_suggestions(organization=organization, learnings=annotated)
    return {pk: [(s.theme.name, s.reason) for s in found[pk]] for pk in found}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Long wait at the till after five.", [("Checkout queues", "keyword")]),  # keywords
        ("The checkout queues were long.", [("Checkout queues", "keyword")]),  # the name, plural folded
        ("The checkout had a long wait.", [("Checkout queues", "keyword")]),  # a two-word keyword
        ("The queue at the checkout was long.", [("Checkout queues", "keyword")]),  # any order, singular
        ("Prices went up.", [("Pricing", "keyword")]),  # "prices" folds to the keyword "price"
        ("Two boxes and the glasses were broken.", []),  # "boxes" -> "box", "glasses" -> "glass"
        ("Tills were unmanned.", [("Checkout queues", "keyword")]),  # a keyword in the plural
        ("Shelf prices were confusing.", [("Pricing", "keyword")]),  # a phrase in the same form
        ("Batteries sold out again.", [("Stock", "keyword")]),  # "batteries" folds to "battery"
        ("Staff were friendly.", []),
        ("The checkout was clean.", []),  # half of a two-word name is not enough
    ],
)
def test_suggestions_from_theme_names_and_keywords(executive, text, expected):
    # given
    org = executive.organization
    ThemeFactory(organization=org, name="Checkout queues", keywords="till, long wait")
    ThemeFactory(organization=org, name="Pricing", keywords="price, shelf prices")
    ThemeFactory(organization=org, name="Stock", keywords="battery, sold out")
    learning = learning_of(executive, text=text)

    # when
    found = suggest(org, learning)

    # then
    assert found == {learning.pk: expected}


def test_suggestions_read_the_customers_quote_too(executive):
    # given
    ThemeFactory(organization=executive.organization, name="Parking", keywords="car park")
    learning = learning_of(executive, text="A regular customer complained.", quote="The car park is always full!")

    # then
    assert suggest(executive.organization, learning) == {learning.pk: [("Parking", "keyword")]}


def test_suggestions_from_themes_chosen_for_similar_learnings(executive, peer):
    # given: "Access" (no keyword matches) was confirmed for an earlier learning about the car park
    org = executive.organization
    access = ThemeFactory(organization=org, name="Access")
    ThemeFactory(organization=org, name="Pricing")
    earlier = learning_of(peer, text="Car park spaces full every morning.")
    LearningThemeFactory(learning=earlier, theme=access)
    unrelated = learning_of(peer, text="Prices on the shelf edge were wrong.")
    LearningThemeFactory(learning=unrelated, theme=ThemeFactory(organization=org, name="Labels"))
    learning = learning_of(executive, text="No spaces in the car park this morning.")

    # when
    found = suggest(org, learning)

    # then
    assert found == {learning.pk: [("Access", "similar")]}


def test_keyword_suggestions_come_before_similar_ones_and_are_not_repeated(executive, peer):
    # given
    org = executive.organization
    queues = ThemeFactory(organization=org, name="Queues")
    staffing = ThemeFactory(organization=org, name="Staffing")
    earlier = learning_of(peer, text="Queues at the tills because staff were on break.")
    LearningThemeFactory(learning=earlier, theme=queues)
    LearningThemeFactory(learning=earlier, theme=staffing)
    learning = learning_of(executive, text="Queues at the tills again, staff on break.")

    # when
    found = suggest(org, learning)

    # then
    assert found == {learning.pk: [("Queues", "keyword"), ("Staffing", "similar")]}


def test_at_most_four_suggestions(executive):
    # given
    org = executive.organization
    for name in ("Apples", "Bread", "Cheese", "Dairy", "Eggs"):
        ThemeFactory(organization=org, name=name)
    learning = learning_of(executive, text="Out of apples, bread, cheese, dairy and eggs.")

    # then
    assert suggest(org, learning) == {
        learning.pk: [("Apples", "keyword"), ("Bread", "keyword"), ("Cheese", "keyword"), ("Dairy", "keyword")]
    }


def test_reviewed_learnings_get_no_suggestions(executive):
    # given
    org = executive.organization
    queues = ThemeFactory(organization=org, name="Queues")
    themed = learning_of(executive, text="Queues everywhere.")
    LearningThemeFactory(learning=themed, theme=queues)
    none_fit = learning_of(executive, text="Queues again.")
    ThemeReviewFactory(learning=none_fit)
    pending = learning_of(executive, text="Queues once more.")

    # when
    found = suggest(org, themed, none_fit, pending)

    # then
    assert found == {pending.pk: [("Queues", "keyword")]}


def test_suggestions_without_any_theme_are_empty_lists(executive):
    # given
    learning = learning_of(executive, text="Queues everywhere.")

    # then
    assert suggest(executive.organization, learning) == {learning.pk: []}


def test_suggestions_never_come_from_another_organization(executive, outsider_admin):
    # given: the other organization has the theme and a similar themed learning
    other_org = outsider_admin.organization
    theirs = ThemeFactory(organization=other_org, name="Queues")
    other_author = MembershipFactory(organization=other_org, role=Role.EXECUTIVE)
    LearningThemeFactory(learning=learning_of(other_author, text="Queues at the tills."), theme=theirs)
    learning = learning_of(executive, text="Queues at the tills.")

    # then
    assert suggest(executive.organization, learning) == {learning.pk: []}


@pytest.mark.parametrize("size", [3, 25])
def test_suggestions_for_a_page_take_two_queries_whatever_its_size(executive, peer, django_assert_num_queries, size):
    # given: themes with keywords, themed earlier learnings, and `size` new ones
    org = executive.organization
    queues = ThemeFactory(organization=org, name="Queues", keywords="till, wait")
    ThemeFactory(organization=org, name="Pricing", keywords="price")
    for n in range(5):
        LearningThemeFactory(learning=learning_of(peer, text=f"Waited {n} minutes at the till."), theme=queues)
    for n in range(size):
        learning_of(executive, text=f"Long wait number {n} at the till; the price was unclear.")
    page = list(selectors.learning_feed(organization=org, leader=executive))

    # when
    with django_assert_num_queries(2):
        found = selectors.theme_suggestions(organization=org, learnings=page)

    # then
    assert len(found) == size
    assert {tuple((s.theme.name, s.reason) for s in suggestions) for suggestions in found.values()} == {
        (("Pricing", "keyword"), ("Queues", "keyword"))
    }
    assert all(isinstance(s, Suggestion) for suggestions in found.values() for s in suggestions)


@pytest.mark.parametrize(
    ("word", "stem"),
    [
        ("queues", "queue"),
        ("queue", "queue"),
        ("prices", "price"),
        ("batteries", "battery"),
        ("boxes", "box"),
        ("glasses", "glass"),
        ("bushes", "bush"),
        ("status", "status"),
        ("crisis", "crisis"),
        ("tills", "till"),
        ("bus", "bus"),
    ],
)
def test_plural_folding(word, stem):
    assert _stem(word) == stem


def test_deleting_a_learnings_only_theme_puts_it_back_in_the_review_queue(admin_member, executive):
    # given: one learning reviewed with only the theme to delete, another with a second theme too
    doomed = ThemeFactory(organization=admin_member.organization, name="Pricing")
    kept = ThemeFactory(organization=admin_member.organization, name="Parking")
    alone, both = learning_of(executive, text="alone"), learning_of(executive, text="both")
    for learning, themes in ((alone, [doomed]), (both, [doomed, kept])):
        services.learning_themes_set(acting=executive, learning=learning, themes=themes)

    # when
    services.theme_delete(acting=admin_member, theme=doomed)

    # then: the first waits for a look again; the second stays reviewed
    assert list(ThemeReview.objects.values_list("learning_id", flat=True)) == [both.pk]
    waiting = selectors.learning_feed(organization=executive.organization, unthemed=True)
    assert [lg.pk for lg in waiting] == [alone.pk]


@pytest.mark.parametrize(
    ("name", "keywords", "text", "matches"),
    [
        ("Customer service", "", "The service at the deli was slow.", True),  # "customer" is never kept
        ("Store layout", "", "The layout confused everyone.", True),
        ("Wi-Fi", "", "No wi-fi in the cafe.", True),
        ("Customer service", "", "Customers were happy.", False),
        ("Staff", "the, and", "The queue and the tills.", False),  # keywords of only common words match nothing
    ],
)
def test_theme_names_and_keywords_are_read_like_the_text(executive, name, keywords, text, matches):
    theme = ThemeFactory(organization=executive.organization, name=name, keywords=keywords)
    learning = learning_of(executive, text=text)

    found = suggest(executive.organization, learning)

    assert found == {learning.pk: [(theme.name, "keyword")] if matches else []}
