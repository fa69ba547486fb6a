"""The hand-built organization the review's tests read (`world`): exact figures around April 2026."""

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.engagements import services as engagement_services
from apps.engagements.models import Learning
from apps.insights import services as insight_services
from apps.insights.models import Action, Pilot
from apps.organizations.models import Role
from apps.reviews.periods import Period
from apps.scheduling import services as schedule_services
from tests.insights.factories import CustomerScoreFactory
from tests.organizations.factories import LocationFactory, MembershipFactory, RegionFactory

# Wednesday 20 May 2026, 12:00 UTC (13:00 in London, the organization's clock). The review of April 2026.
NOW = datetime(2026, 5, 20, 12, 0, tzinfo=UTC)
APRIL = Period("month", date(2026, 4, 1))
SUMMARY = (
    "April 2026: 2 leaders spent 1.8 h with customers; 1 of 2 on target; 3 learnings; "
    "actions: 1 opened, 1 closed, 1 overdue; 1 pilot verdict; 2 blind spots."
)
SUMMARY_NB = (
    "April 2026: 2 ledere brukte 1,8 t med kunder; 1 av 2 i rute; 3 læringer; "
    "tiltak: 1 åpnet, 1 lukket, 1 over fristen; 1 pilotkonklusjon; 2 blindsoner."
)


def at(*args):
    return datetime(*args, tzinfo=UTC)


def log(leader, when, minutes, kind="store_visit", location=None, learnings=()):
    engagement, _ = engagement_services.engagement_create(
        logged_by=leader,
        leader=leader,
        client_uuid=uuid.uuid4(),
        kind=kind,
        started_at=when,
        duration_minutes=minutes,
        location=location,
        learnings=[{"kind": "pain_point", "text": text, "quote": quote} for text, quote in learnings],
    )
    return engagement


@pytest.fixture
def world(organization, admin_member, monkeypatch):
    """Two executives with a 1 h monthly target from January: Leo on target in April (not in March), Olga off
    target February to April (behind three months running); a chief of staff supporting Leo; places, themed
    learnings, actions and pilots around April's edges, and NPS at Leeds in March and April."""
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    org = organization
    leo = MembershipFactory(organization=org, role=Role.EXECUTIVE, user__full_name="Leo London")
    olga = MembershipFactory(
        organization=org, role=Role.EXECUTIVE, user__full_name="Olga Oslo", user__time_zone="Europe/Oslo"
    )
    cleo = MembershipFactory(organization=org, role=Role.CHIEF_OF_STAFF, user__full_name="Cleo Chief")
    cleo.supports.add(leo)
    board = MembershipFactory(organization=org, role=Role.BOARD, user__full_name="Bea Board")
    north = RegionFactory(organization=org, name="North")
    south = RegionFactory(organization=org, name="South")
    leeds = LocationFactory(organization=org, region=north, name="Leeds High Street")
    york = LocationFactory(organization=org, region=north, name="York Minster")
    LocationFactory(organization=org, region=south, name="Hull Docks")  # never visited
    schedule_services.target_set(
        organization=org, acting=admin_member, hours=Decimal("1"), period="month", counts_from=date(2026, 1, 1)
    )
    log(leo, at(2026, 1, 15, 10), 30, location=york)  # York: last visit 15 January
    log(olga, at(2026, 3, 10, 10), 30, location=leeds)
    log(leo, at(2026, 3, 12, 10), 45, location=leeds, learnings=[("Queue at the tills in March", "Too slow")])
    log(
        leo,
        at(2026, 4, 10, 9),
        60,
        location=leeds,
        learnings=[("Queues at the tills", "I waited twenty minutes"), ("No baskets by the door", "")],
    )
    log(leo, at(2026, 4, 20, 9), 30, kind="customer_call")
    log(olga, at(2026, 4, 22, 9), 20, location=leeds, learnings=[("The queue moved slowly", "Open another till")])
    log(olga, at(2026, 5, 2, 9), 90, location=leeds)  # May: outside the review

    queues = insight_services.theme_create(acting=admin_member, name="Queues")
    for text in ("Queue at the tills in March", "Queues at the tills", "The queue moved slowly"):
        learning = Learning.objects.get(organization=org, text=text)
        insight_services.learning_themes_set(acting=learning.author, learning=learning, themes=[queues])
    tills = Learning.objects.get(organization=org, text="Queues at the tills")

    def action(title, *, created, due, closed=None, learnings=()):
        made = insight_services.action_create(
            acting=admin_member, title=title, owner=leo, due_on=due, learnings=list(learnings), today=created.date()
        )
        if closed is not None:
            insight_services.action_set_status(acting=admin_member, action=made, status="done", outcome="Done.")
        Action.objects.filter(pk=made.pk).update(created_at=created, closed_at=closed)
        return made

    second_till = action("Open a second till", created=at(2026, 4, 12, 9), due=date(2026, 6, 1), learnings=[tills])
    action("Fix the door", created=at(2026, 3, 1, 9), due=date(2026, 4, 30), closed=at(2026, 4, 25, 15))
    action("Baskets by the door", created=at(2026, 3, 20, 9), due=date(2026, 4, 10))  # overdue by 30 April
    pilot = insight_services.pilot_create(
        acting=admin_member,
        action=second_till,
        change="A second till at peak times.",
        hypothesis="Waits fall.",
        starts_on=date(2026, 4, 13),
        ends_on=date(2026, 4, 27),
        metric="Wait (minutes)",
    )
    insight_services.pilot_update(
        acting=admin_member,
        pilot=pilot,
        change=pilot.change,
        hypothesis=pilot.hypothesis,
        starts_on=pilot.starts_on,
        ends_on=pilot.ends_on,
        metric=pilot.metric,
        result=Decimal("3"),
        verdict="adopt",
    )
    Pilot.objects.filter(pk=pilot.pk).update(decided_at=at(2026, 4, 28, 15))
    # Piloting saved the action again, with the "now" it was created at.
    Action.objects.filter(pk=second_till.pk).update(created_at=at(2026, 4, 12, 9))
    CustomerScoreFactory(
        organization=org,
        location=leeds,
        metric="nps",
        period_start=date(2026, 3, 1),
        period_end=date(2026, 3, 31),
        value=Decimal("30"),
    )
    CustomerScoreFactory(
        organization=org,
        location=leeds,
        metric="nps",
        period_start=date(2026, 4, 1),
        period_end=date(2026, 4, 30),
        value=Decimal("40"),
    )
    return {
        "org": org,
        "admin": admin_member,
        "leo": leo,
        "olga": olga,
        "cleo": cleo,
        "board": board,
        "north": north,
        "leeds": leeds,
        "york": york,
        "pilot": pilot,
        "tills": tills,
    }
