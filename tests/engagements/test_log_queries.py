"""The quick log's queries, pinned: a saved POST (one learning, one other leader) and the page itself.

`transaction=True`, as in production: the request runs in autocommit, so the service's transaction is a real
BEGIN/COMMIT (not a savepoint inside the test's transaction, which would add two statements)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.engagements.models import Engagement, LeaderMonth, LocationDay
from tests.engagements.factories import EngagementFactory, ParticipantFactory
from tests.engagements.helpers import log_post
from tests.organizations.factories import LocationFactory, MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)

# The transaction's own statements, which Django logs too: SQLite opens it with BEGIN IMMEDIATE (settings: one
# writer at a time), PostgreSQL with BEGIN.
BEGIN = "BEGIN IMMEDIATE" if connection.vendor == "sqlite" else "BEGIN"
TRANSACTION = [BEGIN, "COMMIT"]


def split(queries):
    """(statements doing the work, transaction control statements) of a captured request."""
    statements = [q["sql"] for q in queries.captured_queries]
    control = [sql for sql in statements if sql in TRANSACTION]
    return [sql for sql in statements if sql not in control], control


# session, user, membership; the form's location and participants (an executive logging for themself is the
# leader already at hand); the engagement and its history row, the participants, the learning and its history
# row; the leaders' lock; the upserts of LeaderMonth, LeaderMonthTotal, LocationDay and LocationMonth (one
# statement on PostgreSQL, four on SQLite).
POST_QUERIES = 12 if connection.vendor == "postgresql" else 15
# session, user, membership; the member's last kind with the week's and month's totals; the menus (locations,
# other leaders, recently used) in one; the unread notifications (base.html).
GET_QUERIES = 6


@pytest.fixture
def busy_month(executive, peer, location):
    """Earlier entries of the month, so that nothing scales with what is already logged."""
    for _ in range(3):
        engagement = EngagementFactory(leader=executive, logged_by=executive, location=location)
        ParticipantFactory(engagement=engagement, membership=peer)


def test_a_saved_post_with_one_learning_and_one_other_leader_costs_12_queries_15_on_sqlite(
    client_for, executive, peer, location, busy_month
):
    # given
    client = client_for(executive)
    data = log_post(leader=executive, location=location, participants=[str(peer.pk)])

    # when
    with CaptureQueriesContext(connection) as queries:
        response = client.post("/log/", data)

    # then
    assert response.status_code == 302
    assert Engagement.objects.filter(client_uuid=data["client_uuid"]).count() == 1
    work, control = split(queries)
    assert len(work) == POST_QUERIES
    assert control == TRANSACTION
    assert LeaderMonth.objects.filter(membership=peer).exists()
    assert LocationDay.objects.filter(location=location).exists()


def test_the_count_does_not_grow_with_more_other_leaders(client_for, executive, peer, organization, location):
    # given two more leaders along
    more = [MembershipFactory(organization=organization) for _ in range(2)]
    client = client_for(executive)
    data = log_post(leader=executive, location=location, participants=[str(m.pk) for m in [peer, *more]])

    # when
    with CaptureQueriesContext(connection) as queries:
        response = client.post("/log/", data)

    # then
    assert response.status_code == 302
    assert len(split(queries)[0]) == POST_QUERIES


def test_the_log_page_costs_6_queries_whatever_the_menu_holds(client_for, executive, peer, organization, busy_month):
    # given more locations and leaders
    for _ in range(5):
        LocationFactory(organization=organization)
        MembershipFactory(organization=organization)
    client = client_for(executive)

    # when
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/log/")

    # then
    assert response.status_code == 200
    assert split(queries) == (split(queries)[0], [])
    assert len(queries.captured_queries) == GET_QUERIES
