"""What we learned: the learnings feed selector, its filters and its full-text search (PostgreSQL full-text
search; every word in the text or the quote on SQLite)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.utils import timezone

from apps.insights import selectors
from apps.organizations.models import Role
from tests.engagements.factories import EngagementFactory, LearningFactory
from tests.insights.factories import LearningThemeFactory, ThemeFactory, ThemeReviewFactory
from tests.organizations.factories import LocationFactory, MembershipFactory, OrganizationFactory, RegionFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
POSTGRES = connection.vendor == "postgresql"


@pytest.fixture
def world(executive):
    """Four learnings of one organization (newest first: a, c, b, d) and one of another organization.

    a  executive · store visit at Leeds (North) · external · yesterday · pain point · theme Queues
    b  peer      · customer call at Bath (South) · internal · 40 days ago · idea · theme Parking
    c  peer      · the same call · praise · no theme, reviewed ("none fit")
    d  executive · retail safari at Bath · external · 10 June 2024 · competitor · no theme, not reviewed
    """
    org = executive.organization
    peer = MembershipFactory(organization=org, role=Role.EXECUTIVE)
    north, south = RegionFactory(organization=org, name="North"), RegionFactory(organization=org, name="South")
    leeds = LocationFactory(organization=org, region=north, name="Leeds")
    bath = LocationFactory(organization=org, region=south, name="Bath")
    queues, parking = ThemeFactory(organization=org, name="Queues"), ThemeFactory(organization=org, name="Parking")
    now = timezone.now()
    visit = EngagementFactory(organization=org, leader=executive, location=leeds, started_at=now - timedelta(days=1))
    call = EngagementFactory(
        organization=org,
        leader=peer,
        location=bath,
        kind="customer_call",
        customer_type="internal",
        started_at=now - timedelta(days=40),
    )
    safari = EngagementFactory(
        organization=org,
        leader=executive,
        location=bath,
        kind="retail_safari",
        started_at=datetime(2024, 6, 10, 12, tzinfo=LONDON),
    )
    a = LearningFactory(
        engagement=visit, kind="pain_point", text="Queues at the tills after five.", quote="I waited twenty minutes."
    )
    b = LearningFactory(engagement=call, kind="idea", text="Open a second car park entrance.")
    c = LearningFactory(engagement=call, kind="praise", text="Staff at the café were lovely.")
    d = LearningFactory(
        engagement=safari,
        kind="competitor",
        text="The rival store has self-checkout everywhere.",
        quote="Their tills never queue.",
    )
    LearningThemeFactory(learning=a, theme=queues)
    LearningThemeFactory(learning=b, theme=parking)
    ThemeReviewFactory(learning=c)
    outsider = MembershipFactory(organization=OrganizationFactory(), role=Role.EXECUTIVE)
    foreign = LearningFactory(
        engagement=EngagementFactory(organization=outsider.organization, leader=outsider),
        text="Queues at the tills after five.",
    )
    return {
        "a": a,
        "b": b,
        "c": c,
        "d": d,
        "foreign": foreign,
        "peer": peer,
        "north": north,
        "south": south,
        "leeds": leeds,
        "bath": bath,
        "queues": queues,
        "parking": parking,
        "now": now,
    }


def names(world, learnings):
    by_pk = {world[n].pk: n for n in ("a", "b", "c", "d", "foreign")}
    return [by_pk[learning.pk] for learning in learnings]


def feed(executive, **filters):
    return selectors.learning_feed(organization=executive.organization, **filters)


# --- filters ------------------------------------------------------------------------------------------


FILTER_CASES = [
    ({}, ["a", "c", "b", "d"]),
    ({"theme": "queues"}, ["a"]),
    ({"theme": "parking"}, ["b"]),
    ({"unthemed": True}, ["d"]),  # c was reviewed ("none fit"): it no longer waits
    ({"kind": "customer_call"}, ["c", "b"]),
    ({"kind": "focus_group"}, []),
    ({"learning_kind": "idea"}, ["b"]),
    ({"learning_kind": "competitor"}, ["d"]),
    ({"leader": "peer"}, ["c", "b"]),
    ({"leader": "executive"}, ["a", "d"]),
    ({"region": "north"}, ["a"]),
    ({"region": "south"}, ["c", "b", "d"]),
    ({"location": "leeds"}, ["a"]),
    ({"location": "bath"}, ["c", "b", "d"]),
    ({"customer_type": "internal"}, ["c", "b"]),
    ({"customer_type": "external"}, ["a", "d"]),
    ({"start": "7 days ago"}, ["a"]),
    ({"start": "41 days ago", "end": "39 days ago"}, ["c", "b"]),
    ({"end": "2025-01-01"}, ["d"]),
    ({"leader": "executive", "customer_type": "external", "region": "south"}, ["d"]),
    ({"theme": "queues", "unthemed": True}, []),
]


@pytest.mark.parametrize(("filters", "expected"), FILTER_CASES)
def test_feed_filters(executive, world, filters, expected):
    # given
    resolved = {}
    for key, value in filters.items():
        if key == "leader":
            value = executive if value == "executive" else world[value]
        elif key in ("theme", "region", "location"):
            value = world[value]
        elif key in ("start", "end") and value.endswith("days ago"):
            value = world["now"] - timedelta(days=int(value.split()[0]))
        elif key in ("start", "end"):
            value = datetime.fromisoformat(value).replace(tzinfo=LONDON)
        resolved[key] = value

    # when
    found = list(feed(executive, **resolved))

    # then
    assert names(world, found) == expected


def test_feed_annotates_whether_themes_were_reviewed_and_prefetches_them(executive, world, django_assert_num_queries):
    # when: the learnings and their themes
    with django_assert_num_queries(2):
        rows = [
            (learning.themes_reviewed, [link.theme.name for link in learning.theme_links.all()])
            for learning in feed(executive)
        ]

    # then
    assert rows == [(True, ["Queues"]), (True, []), (True, ["Parking"]), (False, [])]


def test_learning_get_is_scoped_to_the_organization(executive, world):
    # when
    found = selectors.learning_get(organization=executive.organization, pk=world["a"].pk)

    # then
    assert (found, found.themes_reviewed) == (world["a"], True)
    with pytest.raises(world["a"].DoesNotExist):
        selectors.learning_get(organization=executive.organization, pk=world["foreign"].pk)


# --- search -------------------------------------------------------------------------------------------


SEARCH_CASES = [
    ("tills", {"a", "d"}),  # in the text of one and the quote of the other
    ("TILLS", {"a", "d"}),
    ("twenty minutes", {"a"}),  # the customer's words
    ("car park", {"b"}),  # every word
    ("car lovely", set()),
    ('"second car park"', {"b"}),
    ("café", {"c"}),
    ("nothing-like-this", set()),
    ("   ", {"a", "b", "c", "d"}),  # blank: no search
]


@pytest.mark.parametrize(("q", "expected"), SEARCH_CASES)
def test_search_on_any_database(executive, world, q, expected):
    # when
    found = names(world, feed(executive, q=q))

    # then: the other organization's identical learning never shows
    assert sorted(found) == sorted(expected)


@pytest.mark.parametrize(
    ("q", "on_postgres", "on_sqlite"),
    [
        ("queues", {"a", "d"}, {"a"}),  # PostgreSQL stems: "queue" in d's quote matches
        ("waiting", {"a"}, set()),  # "waited" and "waiting" share a stem
        ("queues -tills", set(), {"a"}),  # websearch syntax: minus excludes; SQLite ignores the minus word
        ("store or café", {"c", "d"}, set()),  # websearch "or"; SQLite needs every word
    ],
)
def test_search_differences_between_databases(executive, world, q, on_postgres, on_sqlite):
    # when
    found = names(world, feed(executive, q=q))

    # then
    assert sorted(found) == sorted(on_postgres if POSTGRES else on_sqlite)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"leader": "executive"}, ["a", "d"]),
        ({"kind": "retail_safari"}, ["d"]),
        ({"theme": "queues"}, ["a"]),
        ({"unthemed": True}, ["d"]),
    ],
)
def test_search_combines_with_filters(executive, world, filters, expected):
    # given
    resolved = {
        key: (executive if value == "executive" else world[value] if key == "theme" else value)
        for key, value in filters.items()
    }

    # when
    found = names(world, feed(executive, q="tills", **resolved))

    # then
    assert sorted(found) == expected


@pytest.mark.skipif(not POSTGRES, reason="ranking is PostgreSQL full-text search")
def test_postgres_search_puts_the_best_match_first(executive, world):
    # given: the oldest learning, all about tills
    LearningFactory(
        engagement=EngagementFactory(
            organization=executive.organization, leader=executive, started_at=datetime(2021, 1, 4, 9, tzinfo=LONDON)
        ),
        text="Tills, tills, tills: every till was closed and the till queue reached the door.",
    )

    # when
    found = list(feed(executive, q="till"))

    # then
    assert found[0].text.startswith("Tills, tills")
    assert len(found) == 3


def test_sqlite_search_keeps_the_newest_first(executive, world):
    # when
    found = names(world, feed(executive, q="the"))

    # then
    if POSTGRES:
        assert found == []  # "the" is an English stop word
    else:
        assert found == ["a", "c", "d"]
