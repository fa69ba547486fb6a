"""Themes, actions, pilots and customer scores for the demo organization: "you said, we did".

Themes and actions go through the services (so they carry history and reminders); the many theme links and
monthly scores are bulk inserts. Deterministic for a seed; idempotent per organization.

`seed_insights_large` does the same for a benchmark organization (a million engagements): everything in bulk,
reading the learnings in chunks so memory stays bounded.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.apps import apps as django_apps
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.template.defaultfilters import pluralize
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from apps.engagements.models import Learning
from apps.organizations.models import Location, Membership, Role

from . import rollups, services
from .models import (
    CLOSED_STATUSES,
    Action,
    ActionStatus,
    CustomerScore,
    LearningTheme,
    Pilot,
    ScoreMetric,
    Theme,
    ThemeReview,
    Verdict,
)
from .selectors import _mentions, _words, theme_suggestions

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


@dataclass(frozen=True)
class InsightsContent:
    """A demo organization's themes, actions and pilots, in its language (what its learnings say)."""

    themes: list  # (name, keywords)
    actions: list  # as ACTIONS
    pilots: dict  # action title: as PILOTS
    description: Callable[[int], str]  # an action's description, from the number of learnings behind it
    check_in: str  # the note on a done action


NORTHWIND = InsightsContent(
    themes=THEMES,
    actions=ACTIONS,
    pilots=PILOTS,
    description=lambda n: f"Customers raised this on visits: see the {n} learning{pluralize(n)} below.",
    check_in="Checked in three stores: holding up.",
)


def content_for(organization):
    if organization.language == "nb":
        from .demo_nb import NORDVIK

        return NORDVIK
    return NORTHWIND


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
    content = content_for(organization)
    themes = {name: services.theme_create(acting=admin, name=name, keywords=kw) for name, kw in content.themes}
    links = _confirm_suggested_themes(organization, rng)
    actions = _actions(organization, themes, executives, today, content)
    scores = _scores(organization, rng, today)
    rollups.theme_months_rebuild(organization=organization)  # the links were bulk-inserted
    rollups.loop_months_rebuild(organization=organization)  # recomputed whole once seeded, like the theme months
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


def _actions(organization, themes, executives, today, content=NORTHWIND):
    count = 0
    for index, (title, theme_name, status, due_in, closing, pilot_kind) in enumerate(content.actions):
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
            description=content.description(len(learnings)),
            learnings=learnings,
            today=created_on,
        )
        count += 1
        if pilot_kind:
            _pilot(owner, action, pilot_kind, today, content.pilots)
        if status == ActionStatus.IN_PROGRESS:
            services.action_set_status(acting=owner, action=action, status=status)
        elif status == ActionStatus.DONE:
            services.action_set_status(acting=owner, action=action, status=status, outcome=closing)
        elif status == ActionStatus.DROPPED:
            services.action_set_status(acting=owner, action=action, status=status, reason=closing)
        if status == ActionStatus.DONE:
            services.action_note_add(acting=owner, action=action, text=content.check_in)
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


def _pilot(owner, action, kind, today, pilots=PILOTS):
    change, hypothesis, metric, baseline, result, notes = pilots[action.title]
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
        # Demo only: the verdict was given when the pilot ended (the service stamps "now").
        zone = timezone.get_current_timezone()
        Pilot.objects.filter(pk=pilot.pk).update(decided_at=datetime.combine(ends_on, time(16, 0), tzinfo=zone))


def _scores(organization, rng, today, months_back=SCORE_MONTHS):
    """Monthly NPS, CSAT and CES per active store for the last year (or `months_back` months), drifting a little
    month to month."""
    locations = list(Location.objects.for_organization(organization).filter(is_active=True).order_by("pk"))
    month_end = today.replace(day=1) - timedelta(days=1)
    months = []
    for _ in range(months_back):
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


# --- Benchmark organizations -----------------------------------------------------------------------------
LARGE_CONFIRMED_SHARE = 0.8  # learnings whose themes a leader looked at (and confirmed the keyword matches)
LARGE_LEARNINGS_PER_ACTION = 500
LARGE_MIN_ACTIONS = 12  # so a small benchmark organization still has a loop to show
LARGE_PILOTED_CLOSED_SHARE = 0.12  # done or dropped actions that were piloted first (every "piloting" one is)
LARGE_SCORE_MONTHS = 18
LARGE_CHUNK = 20_000
LARGE_BATCH = 5_000
# Status weights by the action's age: most old actions are closed, most recent ones are not.
LARGE_STATUS_WEIGHTS = {
    "old": [
        (ActionStatus.OPEN, 8),
        (ActionStatus.IN_PROGRESS, 10),
        (ActionStatus.PILOTING, 7),
        (ActionStatus.DONE, 55),
        (ActionStatus.DROPPED, 20),
    ],
    "recent": [
        (ActionStatus.OPEN, 35),
        (ActionStatus.IN_PROGRESS, 30),
        (ActionStatus.PILOTING, 15),
        (ActionStatus.DONE, 15),
        (ActionStatus.DROPPED, 5),
    ],
}
LARGE_ACTION_TITLES = {
    "Checkout queues": [
        "Open a second till when the queue passes five",
        "Fix reusable-bag detection on self-checkouts",
    ],
    "Stock availability": ["Evening top-up of own-brand basics", "Daily gap scan of the basics range"],
    "Click and collect": ["Show the collection slot and shelf in the app", "Lockers for click-and-collect"],
    "Pricing and offers": ["Shelf-edge labels for every promotion", "Review the meal deal against competitors"],
    "Staff and service": ["Spare batteries for handheld scanners", "Thank the staff customers name"],
    "Store layout and access": ["Widen the aisle by the bakery", "A weekly quiet hour"],
    "Opening hours": ["Earlier opening on weekdays", "Publish opening hours in the app"],
    "App and delivery": ["Show receipts in the app for returns", "Match the competitor's delivery promise"],
}
LARGE_OUTCOMES = [
    "Rolled out in every store; customers stopped raising it on visits.",
    "Done in the stores that raised it; complaints about it halved.",
    "Changed centrally; store teams confirm customers noticed.",
]
LARGE_DROP_REASONS = [
    "Costs more than it saves at current volumes; revisit next year.",
    "Overtaken by a wider change to the same process.",
    "The pilot showed no difference customers would notice.",
]


def _weighted(rng, pairs):
    items, weights = zip(*pairs, strict=True)
    return rng.choices(items, weights=weights, k=1)[0]


def _large_matcher(themes):
    """The themes whose name or a keyword a learning's text mentions (the suggestions' keyword rule). The
    benchmark's learnings come from a few templates, so each distinct text is matched once and remembered."""
    rules = [(theme.pk, [theme.name, *theme.keyword_list]) for theme in themes]
    known = {}

    def match(text, quote):
        key = (text, quote)
        if key not in known:
            words = _words(f"{text}\n{quote}")
            known[key] = [pk for pk, phrases in rules if any(_mentions(words, phrase) for phrase in phrases)]
        return known[key]

    return match


@transaction.atomic
def seed_insights_large(*, organization, seed=2026, now=None):
    """Themes on about 80% of a benchmark organization's learnings (links and reviews), an action for about
    every 500 learnings answering one to three of them (statuses spread, some piloted), 18 months of scores per
    active location, and the theme and loop months. Bulk inserts only; learnings read in chunks of 20,000 (memory
    stays bounded at a million engagements). Returns the counts, or {} when the organization already has themes."""
    if Theme.objects.filter(organization=organization).exists():
        return {}
    admin = Membership.objects.filter(organization=organization, role=Role.ADMIN).select_related("user").first()
    if admin is None:
        return {}
    rng = random.Random(seed)
    now = now or timezone.now()
    zone = ZoneInfo(organization.time_zone)
    themes = [services.theme_create(acting=admin, name=name, keywords=kw) for name, kw in THEMES]
    total = Learning.objects.for_organization(organization).count()
    wanted = max(LARGE_MIN_ACTIONS, round(total / LARGE_LEARNINGS_PER_ACTION)) if total else 0
    anchors = set(rng.sample(range(total), min(wanted, total)))
    links, reviews, answered = _large_themes(organization, rng, _large_matcher(themes), anchors)
    actions, pilots = _large_actions(organization, rng, answered, {t.pk: t.name for t in themes}, now, zone)
    scores = _scores(organization, rng, timezone.localtime(now, zone).date(), months_back=LARGE_SCORE_MONTHS)
    theme_months = rollups.theme_months_rebuild(organization=organization)
    loop_months = rollups.loop_months_rebuild(organization=organization)  # actions, links and pilots: bulk inserts
    return {
        "themes": len(themes),
        "theme links": links,
        "theme reviews": reviews,
        "actions": actions,
        "pilots": pilots,
        "customer scores": scores,
        "theme months": theme_months,
        "loop months": loop_months,
    }


def _large_themes(organization, rng, match, anchors):
    """Links and reviews for the learnings, in pk order and chunks; collects the learnings the actions answer:
    each anchor (a position in that order) starts an action at the next learning with a confirmed theme, and
    the action takes the next one or two learnings confirmed under the same theme. Returns (links, reviews,
    [(theme id, owner id, [learning ids], latest engagement start)])."""
    learnings = Learning.objects.for_organization(organization).order_by("pk")
    links = reviews = position = waiting = 0
    collecting, answered = [], []
    last = 0
    while True:
        rows = list(
            learnings.filter(pk__gt=last).values_list("pk", "text", "quote", "author_id", "engagement__started_at")[
                :LARGE_CHUNK
            ]
        )
        if not rows:
            break
        new_links, new_reviews = [], []
        for pk, text, quote, author_id, started_at in rows:
            waiting += position in anchors
            position += 1
            if rng.random() >= LARGE_CONFIRMED_SHARE:
                continue  # waits for its leader to look
            theme_ids = match(text, quote)
            new_reviews.append(ThemeReview(organization_id=organization.pk, learning_id=pk, reviewed_by_id=author_id))
            new_links.extend(
                LearningTheme(
                    organization_id=organization.pk, learning_id=pk, theme_id=theme_id, confirmed_by_id=author_id
                )
                for theme_id in theme_ids
            )
            if not theme_ids:
                continue
            for action in collecting:
                if action["theme"] in theme_ids:
                    action["learnings"].append(pk)
                    action["latest"] = max(action["latest"], started_at)
                    if len(action["learnings"]) == action["size"]:
                        collecting.remove(action)
                        answered.append(action)
                    break
            else:
                if waiting:
                    waiting -= 1
                    action = {
                        "theme": rng.choice(theme_ids),
                        "owner": author_id,
                        "learnings": [pk],
                        "latest": started_at,
                        "size": rng.randint(1, 3),
                    }
                    (answered if action["size"] == 1 else collecting).append(action)
        LearningTheme.objects.bulk_create(new_links, batch_size=LARGE_BATCH)
        ThemeReview.objects.bulk_create(new_reviews, batch_size=LARGE_BATCH)
        links += len(new_links)
        reviews += len(new_reviews)
        last = rows[-1][0]
    return links, reviews, answered + collecting


def _large_actions(organization, rng, answered, theme_names, now, zone):
    """The actions (with their first history record, by their owner, dated when raised), the learnings they
    answer, and pilots for the piloting ones and some closed ones. Returns (actions, pilots)."""
    owners = {
        m.pk: m.user for m in Membership.objects.filter(pk__in={a["owner"] for a in answered}).select_related("user")
    }
    locations = list(Location.objects.for_organization(organization).filter(is_active=True).order_by("pk"))
    actions, plans = [], []
    for index, item in enumerate(answered):
        name = theme_names[item["theme"]]
        raised = min(
            item["latest"] + timedelta(days=rng.randint(1, 21), hours=rng.randint(0, 8)), now - timedelta(hours=1)
        )
        age = (now - raised).days
        status = _weighted(rng, LARGE_STATUS_WEIGHTS["old" if age > 90 else "recent"])
        closed_at = None
        if status in CLOSED_STATUSES:
            closed_at = min(
                raised + timedelta(days=rng.randint(3, 90), hours=rng.randint(0, 8)), now - timedelta(minutes=1)
            )
        action = Action(
            organization=organization,
            title=f"{rng.choice(LARGE_ACTION_TITLES[name])} ({index + 1})",
            description=f"Customers raised this on visits ({name.lower()}): see the learnings below.",
            owner_id=item["owner"],
            created_by_id=item["owner"],
            due_on=timezone.localtime(raised, zone).date() + timedelta(days=rng.randint(14, 60)),
            status=status,
            dropped_reason=rng.choice(LARGE_DROP_REASONS) if status == ActionStatus.DROPPED else "",
            outcome=rng.choice(LARGE_OUTCOMES) if status == ActionStatus.DONE else "",
            closed_at=closed_at,
            created_at=raised,  # overwritten by auto_now_add on insert: set again below
        )
        action._history_user = owners[item["owner"]]
        action._history_date = raised
        actions.append(action)
        piloted = status == ActionStatus.PILOTING or (
            status in CLOSED_STATUSES and rng.random() < LARGE_PILOTED_CLOSED_SHARE
        )
        if piloted and locations:
            plans.append((action, rng.sample(locations, k=min(len(locations), rng.randint(1, 3)))))
    raised_at = [action.created_at for action in actions]
    bulk_create_with_history(actions, Action, batch_size=LARGE_BATCH)
    for action, created_at in zip(actions, raised_at, strict=True):
        action.created_at = created_at
    _large_backdate(Action, actions)
    through = Action.learnings.through
    rows = through.objects.bulk_create(
        [
            through(action_id=action.pk, learning_id=learning_id)
            for action, item in zip(actions, answered, strict=True)
            for learning_id in item["learnings"]
        ],
        batch_size=LARGE_BATCH,
    )
    _large_m2m_history(Action, "learnings", rows)
    pilots = _large_pilots(organization, rng, plans, now, zone)
    return len(actions), pilots


def _large_pilots(organization, rng, plans, now, zone):
    pilots = []
    for action, _ in plans:
        raised = timezone.localtime(action.created_at, zone).date()
        if action.status == ActionStatus.PILOTING:  # running: started after it was raised, six weeks long
            starts = min(raised + timedelta(days=rng.randint(3, 14)), timezone.localtime(now, zone).date())
            ends = starts + timedelta(days=42)
        else:  # over before the action was closed
            closed = timezone.localtime(action.closed_at, zone).date()
            starts = raised + timedelta(days=min(rng.randint(3, 14), (closed - raised).days // 3))
            ends = starts + timedelta(days=min(42, max(0, (closed - starts).days)))
        baseline = Decimal(rng.randint(20, 80))
        verdict = ""
        if action.status == ActionStatus.DONE:
            verdict = rng.choice([Verdict.ADOPT, Verdict.ADOPT, Verdict.ADAPT])
        elif action.status == ActionStatus.DROPPED:
            verdict = Verdict.ABANDON
        pilot = Pilot(
            organization=organization,
            action=action,
            change=f"{action.title.rsplit(' (', 1)[0]}, tried in a few stores first.",
            hypothesis="Customers in the pilot stores stop raising it, and the measure moves.",
            starts_on=starts,
            ends_on=ends,
            metric="Customers raising it per 100 conversations",
            baseline=baseline,
            result=(baseline * Decimal(rng.randint(40, 110)) / 100).quantize(Decimal("0.01")) if verdict else None,
            verdict=verdict,
            decided_at=action.closed_at if verdict else None,
            verdict_notes={"adopt": "Adopted everywhere.", "adapt": "Adopted with changes.", "abandon": "Stopped."}.get(
                verdict, ""
            ),
            created_at=datetime.combine(starts, time(9, 0), tzinfo=zone),
        )
        pilot._history_user = action._history_user
        pilot._history_date = pilot.created_at
        pilots.append(pilot)
    created = [pilot.created_at for pilot in pilots]
    bulk_create_with_history(pilots, Pilot, batch_size=LARGE_BATCH)
    for pilot, created_at in zip(pilots, created, strict=True):
        pilot.created_at = created_at
    _large_backdate(Pilot, pilots)
    through = Pilot.locations.through
    rows = through.objects.bulk_create(
        [
            through(pilot_id=pilot.pk, location_id=location.pk)
            for pilot, (_, chosen) in zip(pilots, plans, strict=True)
            for location in chosen
        ],
        batch_size=LARGE_BATCH,
    )
    _large_m2m_history(Pilot, "locations", rows)
    return len(pilots)


def _large_backdate(model, objects):
    """`created_at` is stamped "now" on insert (auto_now_add): put back when each was raised, on the rows and on
    their first history records."""
    model.objects.bulk_update(objects, ["created_at"], batch_size=1000)
    model.history.filter(id__in=[obj.pk for obj in objects]).update(
        created_at=Subquery(model.objects.filter(pk=OuterRef("id")).values("created_at")[:1])
    )


def _large_m2m_history(model, field, rows):
    """The m2m rows as of each object's first history record (what `.set()` through a service records)."""
    history_model = model.history.model
    m2m_history = django_apps.get_model(model._meta.app_label, f"{history_model.__name__}_{field}")
    own = model._meta.model_name
    through = model._meta.get_field(field).remote_field.through
    first = dict(
        history_model.objects.filter(id__in={getattr(row, f"{own}_id") for row in rows}).values_list("id", "history_id")
    )
    names = [f.attname for f in through._meta.fields]
    m2m_history.objects.bulk_create(
        [
            m2m_history(history_id=first[getattr(row, f"{own}_id")], **{name: getattr(row, name) for name in names})
            for row in rows
        ],
        batch_size=LARGE_BATCH,
    )
