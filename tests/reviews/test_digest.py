"""The weekly digest's content and rendering: exact figures per role on hand-built data, the empty digest, the
Norwegian text, the HTML and plain-text parts, a fixed number of queries, another organization's data, and a
person on another clock getting their own week."""

import re
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from html import unescape

import pytest
from django.utils import timezone

from apps.engagements import services as engagement_services
from apps.engagements.models import Learning
from apps.insights.models import Action, ActionStatus
from apps.organizations.models import Membership, Role
from apps.reviews.digests import Line, Week, build_digest, last_week, render_digest, week_of
from apps.scheduling import services as schedule_services
from apps.scheduling.models import SessionStatus
from tests.insights.factories import ActionFactory, LearningThemeFactory, PilotFactory, ThemeFactory
from tests.organizations.factories import LocationFactory, MembershipFactory, OrganizationFactory
from tests.scheduling.factories import PlanFactory, SessionFactory

pytestmark = pytest.mark.django_db

# Monday 7 December 2026, 08:00 in London (UTC in winter): the digest of the week of 30 November to 6 December.
NOW = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
WEEK = Week(date(2026, 11, 30))
SITE = "https://gemba.example"
UNSUBSCRIBE = "https://gemba.example/notifications/unsubscribe/t0ken/"
PREFERENCES = "https://gemba.example/notifications/preferences/"


def at(*args):
    return datetime(*args, tzinfo=UTC)


def log(leader, when, minutes, kind="customer_call", location=None, learnings=()):
    engagement, _ = engagement_services.engagement_create(
        logged_by=leader,
        leader=leader,
        client_uuid=uuid.uuid4(),
        kind=kind,
        started_at=when,
        duration_minutes=minutes,
        location=location,
        learnings=[{"kind": "pain_point", "text": text, "quote": ""} for text in learnings],
    )
    return engagement


def learning(text):
    return Learning.objects.get(text=text)


def member(pk):
    """A member as the lead's sweep loads one: with its user and organization."""
    return Membership.objects.select_related("user", "organization").get(pk=pk)


def texts(digest):
    return {s.title: [line.text for line in s.lines] for s in digest.sections}


@pytest.fixture
def world(organization, admin_member, monkeypatch):
    """Leo (London) and Olga (Oslo), executives with the organization's 2 h monthly target from November, Cleo their
    chief of staff, Bea on the board. Last week (London): Leo 2 h 30 min, Olga 20 min (Sunday 23:30 UTC, already
    Monday in Oslo); Olga's 45 min at 23:30 UTC the Sunday before is her Monday in Oslo. Sessions, actions, a pilot
    and themes around the week's edges."""
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    org = organization
    admin_member.user.full_name = "Ada Admin"
    admin_member.user.save()
    leo = MembershipFactory(organization=org, role=Role.EXECUTIVE, user__full_name="Leo London")
    olga = MembershipFactory(
        organization=org, role=Role.EXECUTIVE, user__full_name="Olga Oslo", user__time_zone="Europe/Oslo"
    )
    cleo = MembershipFactory(organization=org, role=Role.CHIEF_OF_STAFF, user__full_name="Cleo Chief")
    cleo.supports.add(leo, olga)
    bea = MembershipFactory(organization=org, role=Role.BOARD, user__full_name="Bea Board")
    leeds = LocationFactory(organization=org, name="Leeds High Street")
    schedule_services.target_set(
        organization=org, acting=admin_member, hours=Decimal("2"), period="month", counts_from=date(2026, 11, 1)
    )
    log(leo, at(2026, 11, 10, 10), 100, learnings=["Messy entrance"])
    log(leo, at(2026, 12, 1, 10), 90, kind="store_visit", location=leeds, learnings=["Queues at the tills"])
    log(leo, at(2026, 12, 3, 10), 60, kind="customer_call", learnings=["No parking nearby"])
    log(leo, at(2026, 12, 7, 7), 30)  # this week: after the digest's week
    log(olga, at(2026, 11, 29, 23, 30), 45, learnings=["Queue again"])  # Monday 00:30 in Oslo
    log(olga, at(2026, 12, 6, 23, 30), 20, learnings=["The queue moved slowly"])  # Monday 00:30 in Oslo
    log(olga, at(2026, 12, 2, 12), 40, kind="other")  # not customer-facing: counts nowhere
    queues = ThemeFactory(organization=org, name="Queues")
    parking = ThemeFactory(organization=org, name="Parking")
    for text in ("Queues at the tills", "The queue moved slowly", "Queue again"):
        LearningThemeFactory(learning=learning(text), theme=queues)
    LearningThemeFactory(learning=learning("No parking nearby"), theme=parking)

    plan = PlanFactory(organization=org, leader=leo, location=leeds)
    SessionFactory(plan=plan, occurrence_date=date(2026, 12, 2), starts_at=at(2026, 12, 2, 9), status="missed")
    SessionFactory(plan=plan, occurrence_date=date(2026, 12, 3), starts_at=at(2026, 12, 3, 9))  # never logged
    SessionFactory(plan=plan, occurrence_date=date(2026, 12, 4), starts_at=at(2026, 12, 4, 9), status="done")
    SessionFactory(plan=plan, occurrence_date=date(2026, 12, 8), starts_at=at(2026, 12, 8, 10), location=leeds)
    SessionFactory(plan=plan, occurrence_date=date(2026, 12, 9), starts_at=at(2026, 12, 9, 10), status="cancelled")
    SessionFactory(plan=plan, occurrence_date=date(2026, 12, 14), starts_at=at(2026, 12, 14, 10))  # next week

    def action(title, *, created, due, owner=leo, closed=None, learnings=()):
        status = ActionStatus.DONE if closed else ActionStatus.OPEN
        made = ActionFactory(
            organization=org, title=title, owner=owner, created_by=admin_member, due_on=due, status=status,
            closed_at=closed, learnings=list(learnings),
        )
        Action.objects.filter(pk=made.pk).update(created_at=created)
        return made

    action("Fix the door", created=at(2026, 11, 20, 9), due=date(2026, 12, 2))  # overdue
    action("Call the supplier", created=at(2026, 11, 20, 9), due=date(2026, 12, 10))  # due this week
    action("Repaint the sign", created=at(2026, 11, 20, 9), due=date(2026, 12, 20))  # later
    action(
        "Tidy the entrance",
        created=at(2026, 11, 12, 9),
        due=date(2026, 12, 1),
        closed=at(2026, 12, 3, 15),
        learnings=[learning("Messy entrance")],
    )
    second_till = action(
        "Open a second till",
        created=at(2026, 12, 2, 9),
        due=date(2027, 1, 15),
        owner=olga,
        learnings=[learning("Queues at the tills")],
    )
    PilotFactory(
        organization=org,
        action=second_till,
        starts_on=date(2026, 12, 2),
        ends_on=date(2026, 12, 4),
        result=Decimal("3"),
        verdict="adopt",
        decided_at=at(2026, 12, 4, 15),
    )
    return {"leo": leo, "olga": olga, "cleo": cleo, "bea": bea, "admin": admin_member, "leeds": leeds}


def test_scratch(world):
    for name in ("leo", "olga", "cleo", "bea", "admin"):
        d = build_digest(membership=member(world[name].pk), week=WEEK, now=NOW)
        print(name, d.headline)
        for s in d.sections:
            print("  ", s.title)
            for line in s.lines:
                print("     ", line)
    subject, text, html = render_digest(
        build_digest(membership=member(world["leo"].pk), week=WEEK, now=NOW),
        site_url=SITE, unsubscribe_url=UNSUBSCRIBE, preferences_url=PREFERENCES,
    )
    print(subject); print(text); print(html)
    assert 0
