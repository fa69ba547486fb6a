"""What we learned: full-text search in the organization's language (PostgreSQL's `norwegian` configuration for a
Norwegian organization, `english` for an English one, each with its own GIN index); SQLite matches word by word."""

import pytest
from django.db import connection

from apps.engagements.models import Learning
from apps.insights import selectors
from apps.organizations.models import Role
from tests.engagements.factories import EngagementFactory, LearningFactory
from tests.organizations.factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

POSTGRES = connection.vendor == "postgresql"
NORWEGIAN = {
    "queue": "Køen ved kassene var lang etter fem.",
    "queues": "To køer, men bare én kasse åpen.",
    "word": "Kunden sa: «Jeg står alltid i kø her.»",
    "shops": "Butikkene våre har for lite personale om kvelden.",
    "coffee": "Kaffen i kafeen var god.",
}


def _learnings(language, texts):
    leader = MembershipFactory(organization=OrganizationFactory(language=language), role=Role.EXECUTIVE)
    engagement = EngagementFactory(organization=leader.organization, leader=leader)
    by_pk = {LearningFactory(engagement=engagement, text=text).pk: name for name, text in texts.items()}
    return leader.organization, by_pk


def _found(organization, by_pk, q):
    return sorted(by_pk[learning.pk] for learning in selectors.learning_feed(organization=organization, q=q))


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("kø", ["queue", "queues", "word"]),  # "kø" finds "køen" and "køer"
        ("kø kasse", ["queue", "queues"]),
        ("kaffen", ["coffee"]),
        ("xyz", []),
    ],
)
def test_norwegian_search_finds_the_word_s_forms_on_any_database(q, expected):
    # given
    organization, by_pk = _learnings("nb", NORWEGIAN)

    # then
    assert _found(organization, by_pk, q) == expected


@pytest.mark.parametrize(
    ("q", "on_postgres", "on_sqlite"),
    [
        ("butikker", ["shops"], []),  # the Norwegian stemmer: "butikker" and "butikkene" share "butikk"
        ("KØ", ["queue", "queues", "word"], []),  # SQLite folds only ASCII letters
        ("kø -kassene", ["word"], ["queue", "queues", "word"]),  # minus excludes "kassene" and "kasse" (one stem)
        ("og", [], []),  # a Norwegian stop word
    ],
)
def test_norwegian_search_stems_in_norwegian_on_postgres(q, on_postgres, on_sqlite):
    # given
    organization, by_pk = _learnings("nb", NORWEGIAN)

    # then
    assert _found(organization, by_pk, q) == (on_postgres if POSTGRES else on_sqlite)


def test_an_english_organization_searches_in_english():
    # given: the same words, in an English organization
    organization, by_pk = _learnings("en", {"queue": "Queues at the tills.", "norwegian": "Køen var lang."})

    # then: English stems ("queue" finds "Queues"), and "kø" is no English word's start
    assert _found(organization, by_pk, "queue") == ["queue"]
    assert _found(organization, by_pk, "kø") == ([] if POSTGRES else ["norwegian"])
    assert _found(organization, by_pk, "køen") == ["norwegian"]


def test_the_language_is_read_from_an_organization_or_its_id():
    # given
    organization, by_pk = _learnings("nb", NORWEGIAN)

    # then
    assert selectors.search_config(organization) == selectors.search_config(organization.pk) == "norwegian"
    found = selectors.learning_feed(organization=organization.pk, q="kø kasse")
    assert sorted(by_pk[learning.pk] for learning in found) == ["queue", "queues"]


@pytest.mark.parametrize("q", ["kø:* & !(", "'\\", "&&& |||", "-", "--kø", "kø_kasse", "(((", "ø:*|"])
def test_norwegian_search_takes_any_input(q):
    # given
    organization, by_pk = _learnings("nb", NORWEGIAN)

    # then: no query syntax reaches PostgreSQL unescaped
    assert isinstance(_found(organization, by_pk, q), list)


@pytest.mark.skipif(not POSTGRES, reason="GIN indexes are PostgreSQL's")
@pytest.mark.parametrize(("language", "index"), [("nb", "learning_search_nb_idx"), ("en", "learning_search_idx")])
def test_each_language_s_search_uses_its_own_index(language, index):
    # given: the search alone (in the feed, a tiny table is cheaper to read by organization)
    organization, _ = _learnings(language, NORWEGIAN)
    queryset = selectors._search(Learning.objects.only("pk"), "kø kasse", selectors.search_config(organization))

    # when: the planner may not read the whole table (a tiny one would be read whole otherwise)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = queryset.explain()

    # then
    assert index in plan
