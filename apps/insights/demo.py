"""Themes, actions, pilots and customer scores for the demo organization: "you said, we did".

Themes and actions go through the services (so they carry history and reminders); the many theme links and
monthly scores are bulk inserts. Deterministic for a seed; idempotent per organization.
"""

import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from apps.engagements.models import Learning
from apps.organizations.models import Location, Membership, Role

from . import rollups, services
from .models import Action, ActionStatus, CustomerScore, LearningTheme, ScoreMetric, Theme, ThemeReview, Verdict
from .selectors import theme_suggestions

THEMES = [
    ("Checkout queues", "queue, till, checkout, self-checkout"),
    ("Stock availability", "out of stock, stock, milk"),
    ("Click and collect", "click-and-collect, parcel, collect, locker, online order"),
    ("Pricing and offers", "price, offer, promotion, price-match, meal deal"),
    ("Staff and service", "staff, team, scanner, stockroom"),
    ("Store layout and access", "aisle, buggy, pram, signage, quiet hour, music"),
    ("Opening hours", "opening hours, before work"),
    ("App and delivery", "app, loyalty, delivery"),
]

# (title, theme, status, days until due from today (negative: overdue), outcome or reason, pilot)
ACTIONS = [
    (
        "Open a second till when the queue passes five",
        "Checkout queues",
        ActionStatus.DONE,
        -40,
        "A queue-length rule and a floater on every lunchtime rota; waits fell from 6.5 to 2.8 minutes.",
        "adopt",
    ),
    ("Fix reusable-bag detection on self-checkouts", "Checkout queues", ActionStatus.IN_PROGRESS, 10, "", None),
    ("Evening top-up of own-brand basics", "Stock availability", ActionStatus.PILOTING, 21, "", "running"),
    ("Show the collection slot and shelf in the app", "Click and collect", ActionStatus.OPEN, -5, "", None),
    ("Lockers for click-and-collect at the entrance", "Click and collect", ActionStatus.PILOTING, 30, "", "adapt"),
    (
        "Shelf-edge labels for every promotion",
        "Pricing and offers",
        ActionStatus.DONE,
        -60,
        "Promotion labels are now printed with the planogram; price questions at tills halved.",
        None,
    ),
    (
        "Add a hot drink to the meal deal",
        "Pricing and offers",
        ActionStatus.DROPPED,
        -20,
        "Margin too thin at current coffee costs; revisit with the new supplier.",
        "abandon",
    ),
    (
        "Spare batteries for handheld scanners",
        "Staff and service",
        ActionStatus.DONE,
        -30,
        "Every store has a charging rack and spares; no dead scanners reported since.",
        None,
    ),
    ("Widen the aisle by the bakery", "Store layout and access", ActionStatus.OPEN, 45, "", None),
    ("A weekly quiet hour", "Store layout and access", ActionStatus.PILOTING, 14, "", "running"),
]

PILOTS = {
    "Open a second till when the queue passes five": (
        "A floater opens a second till whenever five people queue.",
        "Lunchtime waits fall below three minutes and complaints about queues halve.",
        "Average lunchtime checkout wait (minutes)",
        Decimal("6.50"),
        Decimal("2.80"),
        "Adopted in all stores from the next rota.",
    ),
    "Evening top-up of own-brand basics": (
        "A second delivery of milk, bread and eggs at 16:00.",
        "Fewer empty shelves after six; fewer 'out of stock' complaints on Fridays.",
        "Evening out-of-stock checks failed (%)",
        Decimal("18.00"),
        None,
        "",
    ),
    "Lockers for click-and-collect at the entrance": (
        "Parcel lockers by the entrance for orders collected after 17:00.",
        "Collection takes under a minute and frees the customer-service desk.",
        "Median collection time (minutes)",
        Decimal("7.00"),
        Decimal("1.50"),
        "Works, but lockers fill by Saturday: add a second bank in the biggest stores before going live.",
    ),
    "Add a hot drink to the meal deal": (
        "Meal deal with a regular coffee for 50p more.",
        "Meal-deal sales rise 15% without cutting margin per basket.",
        "Meal-deal units per week",
        Decimal("1200"),
        Decimal("1250"),
        "A 4% rise does not pay for the coffee.",
    ),
    "A weekly quiet hour": (
        "Tuesday 09:00–10:00: music off, lights dimmed, no tannoy.",
        "Customers who find the store overwhelming come in and say so.",
        "Quiet-hour visits by loyalty members",
        Decimal("140"),
        None,
        "",
    ),
}

SCORE_MONTHS = 12


@transaction.atomic
def seed_insights(*, organization, seed=2026, now=None):
    """Themes on most learnings, ten actions (some piloted), a year of monthly scores per store.
    Returns the counts, or {} when the organization already has themes."""
    if Theme.objects.filter(organization=organization).exists():
        return {}
    rng = random.Random(seed)
    now = now or timezone.now()
    today = timezone.localdate(now)
    admin = Membership.objects.filter(organization=organization, role=Role.ADMIN).select_related("user").first()
    executives = list(
        Membership.objects.filter(organization=organization, role=Role.EXECUTIVE).select_related("user").order_by("pk")
    )
    if admin is None or not executives:
        return {}
    themes = {name: services.theme_create(acting=admin, name=name, keywords=kw) for name, kw in THEMES}
    links = _confirm_suggested_themes(organization, rng)
    actions = _actions(organization, themes, executives, today)
    scores = _scores(organization, rng, today)
    rollups.theme_months_rebuild(organization=organization)  # the links were bulk-inserted
    return {"themes": len(themes), "theme links": links, "actions": actions, "customer scores": scores}


def _confirm_suggested_themes(organization, rng):
    """Most leaders confirmed the suggested themes; a few learnings are still waiting for a look."""
    learnings = list(Learning.objects.for_organization(organization).select_related("author").order_by("pk"))
    for learning in learnings:
        learning.themes_reviewed = False  # a new organization: nobody has looked yet
    suggestions = theme_suggestions(organization=organization, learnings=learnings)
    links, reviews = [], []
    for learning in learnings:
        if rng.random() < 0.15:
            continue  # left for the leader to review
        for suggestion in suggestions.get(learning.pk, []):
            links.append(
                LearningTheme(
                    organization=organization, learning=learning, theme=suggestion.theme, confirmed_by=learning.author
                )
            )
        reviews.append(ThemeReview(organization=organization, learning=learning, reviewed_by=learning.author))
    LearningTheme.objects.bulk_create(links, batch_size=2000)
    ThemeReview.objects.bulk_create(reviews, batch_size=2000)
    return len(links)


def _actions(organization, themes, executives, today):
    count = 0
    for index, (title, theme_name, status, due_in, closing, pilot_kind) in enumerate(ACTIONS):
        owner = executives[index % len(executives)]
        # The customers' own words make the chain worth reading: prefer learnings with a quote.
        learnings = list(
            Learning.objects.filter(theme_links__theme=themes[theme_name])
            .exclude(quote="")
            .order_by("-engagement__started_at")[:3]
        )
        due_on = today + timedelta(days=due_in)
        # Created a while before it was due, as it would have been.
        created_on = min(today, due_on) - timedelta(days=30)
        action = services.action_create(
            acting=owner,
            title=title,
            owner=owner,
            due_on=due_on,
            description=f"Customers raised this on visits: see the {len(learnings)} learnings below.",
            learnings=learnings,
            today=created_on,
        )
        count += 1
        if pilot_kind:
            _pilot(owner, action, pilot_kind, today)
        if status == ActionStatus.IN_PROGRESS:
            services.action_set_status(acting=owner, action=action, status=status)
        elif status == ActionStatus.DONE:
            services.action_set_status(acting=owner, action=action, status=status, outcome=closing)
        elif status == ActionStatus.DROPPED:
            services.action_set_status(acting=owner, action=action, status=status, reason=closing)
        if status == ActionStatus.DONE:
            services.action_note_add(acting=owner, action=action, text="Checked in three stores: holding up.")
        _backdate(action, created_on, due_on)
    return count


def _backdate(action, created_on, due_on):
    """Demo only: the action was raised a month before its due date and closed around it, so the time it took
    to close looks like real life (the services stamp "now")."""
    zone = timezone.get_current_timezone()
    created_at = datetime.combine(created_on, time(10, 0), tzinfo=zone)
    fields = {"created_at": created_at}
    if action.closed_at is not None:
        fields["closed_at"] = datetime.combine(due_on, time(16, 0), tzinfo=zone)
    Action.objects.filter(pk=action.pk).update(**fields)


def _pilot(owner, action, kind, today):
    change, hypothesis, metric, baseline, result, notes = PILOTS[action.title]
    locations = list(Location.objects.for_organization(action.organization).order_by("pk")[:3])
    running = kind == "running"
    starts_on = today - timedelta(days=14 if running else 70)
    ends_on = starts_on + timedelta(days=42)
    pilot = services.pilot_create(
        acting=owner,
        action=action,
        change=change,
        hypothesis=hypothesis,
        starts_on=starts_on,
        ends_on=ends_on,
        metric=metric,
        locations=locations,
        baseline=baseline,
    )
    if not running:
        services.pilot_update(
            acting=owner,
            pilot=pilot,
            change=change,
            hypothesis=hypothesis,
            starts_on=starts_on,
            ends_on=ends_on,
            metric=metric,
            locations=locations,
            baseline=baseline,
            result=result,
            verdict=Verdict(kind),
            verdict_notes=notes,
        )


def _scores(organization, rng, today):
    """Monthly NPS, CSAT and CES per active store for the last year, drifting a little month to month."""
    locations = list(Location.objects.for_organization(organization).filter(is_active=True).order_by("pk"))
    month_end = today.replace(day=1) - timedelta(days=1)
    months = []
    for _ in range(SCORE_MONTHS):
        months.append((month_end.replace(day=1), month_end))
        month_end = month_end.replace(day=1) - timedelta(days=1)
    rows = []
    for location in locations:
        nps, csat, ces = rng.uniform(10, 55), rng.uniform(3.6, 4.6), rng.uniform(2.0, 3.6)
        for start, end in reversed(months):
            nps = min(100, max(-100, nps + rng.uniform(-4, 5)))
            csat = min(5, max(1, csat + rng.uniform(-0.1, 0.12)))
            ces = min(7, max(1, ces + rng.uniform(-0.15, 0.1)))
            responses = rng.randint(60, 400)
            for metric, value in ((ScoreMetric.NPS, nps), (ScoreMetric.CSAT, csat), (ScoreMetric.CES, ces)):
                rows.append(
                    CustomerScore(
                        organization=organization,
                        location=location,
                        metric=metric,
                        period_start=start,
                        period_end=end,
                        value=Decimal(f"{value:.1f}"),
                        responses=responses,
                    )
                )
    CustomerScore.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
