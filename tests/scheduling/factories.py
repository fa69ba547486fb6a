from datetime import UTC, date, datetime, time, timedelta

import factory

from apps.scheduling.models import Plan, Session
from tests.organizations.factories import MembershipFactory, OrganizationFactory


class PlanFactory(factory.django.DjangoModelFactory):
    """A weekly Monday 09:00 Europe/Oslo store visit; no sessions (services materialize them)."""

    class Meta:
        model = Plan

    organization = factory.SubFactory(OrganizationFactory)
    leader = factory.SubFactory(MembershipFactory, organization=factory.SelfAttribute("..organization"))
    created_by = factory.SelfAttribute("leader")
    kind = "store_visit"
    cadence = "weekly"
    rrule = "FREQ=WEEKLY;BYDAY=MO"
    start_date = date(2026, 1, 5)
    start_time = time(9, 0)
    time_zone = "Europe/Oslo"
    duration_minutes = 60


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    plan = factory.SubFactory(PlanFactory)
    organization = factory.SelfAttribute("plan.organization")
    leader = factory.SelfAttribute("plan.leader")
    occurrence_date = factory.Sequence(lambda n: date(2026, 1, 5) + timedelta(weeks=n))
    starts_at = factory.LazyAttribute(lambda o: datetime.combine(o.occurrence_date, time(8, 0), tzinfo=UTC))
    duration_minutes = 60
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(minutes=o.duration_minutes))
