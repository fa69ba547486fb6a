"""Recurring customer time for the demo organization: targets, weekly plans, and their recent history."""

import random
from datetime import time, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone

from apps.organizations.models import Membership, Role

from . import services
from .models import Plan, Target

# (kind, weekday 0=Monday, local start, minutes, title) per executive, in the order the demo creates them
PLANS = [
    ("store_visit", 0, time(9, 0), 90, "Monday store walk"),
    ("front_line_shift", 2, time(7, 30), 240, "Early shift with the store team"),
    ("customer_call", 1, time(16, 0), 30, "Calls with complaining customers"),
    ("focus_group", 3, time(18, 0), 120, "Customer focus group"),
    ("incognito_visit", 4, time(12, 0), 45, "Incognito lunch-hour visit"),
    ("store_visit", 1, time(10, 0), 60, "Regional store visit"),
    ("customer_call", 3, time(9, 30), 30, "Advisory customer calls"),
    ("store_visit", 4, time(14, 0), 60, "Friday store visit"),
]

# The same plans for Nordvik Dagligvare, the Norwegian demo organization
PLANS_NB = [
    ("store_visit", 0, time(9, 0), 90, "Butikkrunde mandag"),
    ("front_line_shift", 2, time(7, 30), 240, "Morgenvakt med butikkteamet"),
    ("customer_call", 1, time(16, 0), 30, "Samtaler med kunder som har klaget"),
    ("focus_group", 3, time(18, 0), 120, "Fokusgruppe med kunder"),
    ("incognito_visit", 4, time(12, 0), 45, "Anonymt besøk i lunsjen"),
    ("store_visit", 1, time(10, 0), 60, "Butikkbesøk i regionen"),
    ("customer_call", 3, time(9, 30), 30, "Samtaler med kunderådet"),
    ("store_visit", 4, time(14, 0), 60, "Butikkbesøk fredag"),
]


@transaction.atomic
def seed_schedule(*, organization, seed=2026, now=None):
    """Targets and one weekly plan per executive, started eight weeks ago. Idempotent per organization."""
    if Plan.objects.filter(organization=organization).exists():
        return 0
    rng = random.Random(seed)
    now = now or timezone.now()
    today = timezone.localdate(now)
    admin = Membership.objects.filter(organization=organization, role=Role.ADMIN).first()
    executives = list(
        Membership.objects.filter(organization=organization, role=Role.EXECUTIVE).order_by("pk").select_related("user")
    )
    if admin is not None and not Target.objects.filter(organization=organization).exists():
        counts_from = (today - timedelta(days=180)).replace(day=1)
        services.target_set(
            organization=organization, acting=admin, hours=Decimal("8"), period="month", counts_from=counts_from
        )
        if executives:
            services.target_set(
                organization=organization,
                acting=admin,
                hours=Decimal("12"),
                period="month",
                counts_from=counts_from,
                leader=executives[0],
            )
    start_of_history = now - timedelta(weeks=8)
    plans = PLANS_NB if organization.language == "nb" else PLANS
    for index, leader in enumerate(executives):
        kind, weekday, at, minutes, title = plans[index % len(plans)]
        chief = Membership.objects.filter(supports=leader, role=Role.CHIEF_OF_STAFF).first()
        first_day = today - timedelta(weeks=8)
        first_day += timedelta(days=(weekday - first_day.weekday()) % 7)
        services.plan_create(
            created_by=chief or leader,
            leader=leader,
            kind=kind,
            cadence="weekly",
            start_date=first_day,
            start_time=at,
            time_zone=organization.time_zone,
            duration_minutes=minutes,
            title=title,
            now=start_of_history,
        )
    # The past: most sessions missed by the sweep, a few still waiting to be logged (the chase list).
    services.sessions_mark_missed(now=now - timedelta(days=rng.randint(2, 3)))
    services.plans_materialize_all(now=now)  # and the full 90 days ahead from today
    return len(executives)


def seed_targets_large(*, organization, seed=2026, now=None):
    """Targets for a benchmark organization, as a real one would have them: a default of 8 hours a month counting
    from 18 months back (as far as its log goes), and one executive in ten on their own target (12 hours a month
    or 30 a quarter) counting from a month in the last year. Idempotent: an organization with targets keeps them.
    Returns how many targets it set."""
    if Target.objects.filter(organization=organization).exists():
        return 0
    admin = Membership.objects.filter(organization=organization, role=Role.ADMIN).first()
    if admin is None:
        return 0
    rng = random.Random(seed)
    this_month = timezone.localdate(now or timezone.now()).replace(day=1)
    executives = list(Membership.objects.filter(organization=organization, role=Role.EXECUTIVE).order_by("pk"))

    def months_back(n):
        return this_month - relativedelta(months=n)

    services.target_set(
        organization=organization, acting=admin, hours=Decimal("8"), period="month", counts_from=months_back(18)
    )
    own = executives[::10]
    for index, leader in enumerate(own):
        hours, period = (Decimal("12"), "month") if index % 2 == 0 else (Decimal("30"), "quarter")
        services.target_set(
            organization=organization,
            acting=admin,
            hours=hours,
            period=period,
            counts_from=months_back(rng.randrange(12)),
            leader=leader,
        )
    return 1 + len(own)
