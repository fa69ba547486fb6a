"""Build the "Northwind Retail" demo organization, or larger ones for benchmarks, with bulk inserts.

Deterministic for a given seed; idempotent (an organization that exists is left as it is).
"""

import random
import uuid
import zoneinfo
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.template.defaultfilters import pluralize
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from apps.organizations.models import Location, Membership, Organization, Region, Role

from . import rollups
from .models import CustomerType, Engagement, Kind, Learning, LearningKind, Participant
from .services import participant_for

DEMO_SLUG = "northwind"
DEMO_TIME_ZONE = "Europe/London"
DEMO_LOGINS = {
    "ceo@northwind.example": "executive",
    "cos@northwind.example": "chief of staff",
    "board@northwind.example": "board",
    "admin@northwind.example": "admin",
}

EXECUTIVES = [
    ("ceo@northwind.example", "Alex Morgan", "Chief Executive Officer"),
    ("coo@northwind.example", "Priya Shah", "Chief Operating Officer"),
    ("cfo@northwind.example", "Daniel Okafor", "Chief Financial Officer"),
    ("cmo@northwind.example", "Sofia Lindqvist", "Chief Marketing Officer"),
    ("cco@northwind.example", "Marcus Bell", "Chief Customer Officer"),
    ("chro@northwind.example", "Hannah Weiss", "Chief People Officer"),
    ("cio@northwind.example", "Tom Nakamura", "Chief Information Officer"),
    ("stores@northwind.example", "Grace O'Neill", "Director of Stores"),
]
CHIEFS_OF_STAFF = [
    ("cos@northwind.example", "Jamie Carter", "Chief of Staff to the CEO", [0, 1, 3, 4]),
    ("cos2@northwind.example", "Robin Patel", "Chief of Staff, Operations", [2, 5, 6, 7]),
]
BOARD = [
    ("board@northwind.example", "Eleanor Hughes", "Chair"),
    ("board2@northwind.example", "Victor Adeyemi", "Non-executive director"),
    ("board3@northwind.example", "Ingrid Solberg", "Non-executive director"),
]
ADMIN = ("admin@northwind.example", "Sam Rivera", "Operations administrator")

REGIONS = {
    "North": ("Leeds", 53.80, -1.55),
    "South": ("Brighton", 50.83, -0.14),
    "East": ("Norwich", 52.63, 1.30),
    "West": ("Bristol", 51.45, -2.59),
}
STORE_SUFFIXES = [
    "High Street",
    "Retail Park",
    "Station",
    "Market Square",
    "Riverside",
    "Central",
    "Old Town",
    "Harbour",
    "University",
    "Westgate",
]

KIND_WEIGHTS = [
    (Kind.STORE_VISIT, 34),
    (Kind.INCOGNITO_VISIT, 8),
    (Kind.CUSTOMER_CALL, 16),
    (Kind.FRONT_LINE_SHIFT, 10),
    (Kind.FOCUS_GROUP, 7),
    (Kind.RETAIL_SAFARI, 5),
    (Kind.ADVISORY_BOARD, 4),
    (Kind.COMPLAINT_FOLLOW_UP, 12),
    (Kind.OTHER, 4),
]
DURATIONS = {
    Kind.STORE_VISIT: [30, 45, 60, 90, 120],
    Kind.INCOGNITO_VISIT: [20, 30, 45, 60],
    Kind.CUSTOMER_CALL: [15, 20, 30, 45],
    Kind.FRONT_LINE_SHIFT: [180, 240, 300, 480],
    Kind.FOCUS_GROUP: [90, 120],
    Kind.RETAIL_SAFARI: [240, 300, 360],
    Kind.ADVISORY_BOARD: [120, 180],
    Kind.COMPLAINT_FOLLOW_UP: [15, 20, 30, 45],
    Kind.OTHER: [30, 60],
}
AT_A_PLACE = {Kind.STORE_VISIT, Kind.INCOGNITO_VISIT, Kind.FRONT_LINE_SHIFT, Kind.RETAIL_SAFARI, Kind.FOCUS_GROUP}
GROUP_KINDS = {Kind.RETAIL_SAFARI, Kind.FOCUS_GROUP, Kind.ADVISORY_BOARD}

LEARNINGS = {
    LearningKind.PAIN_POINT: [
        (
            "Queues at the tills reached {n} people at lunchtime; two tills were closed.",
            "I nearly put the basket down and walked out.",
        ),
        ("Click-and-collect parcels took {n} minutes to find in the back room.", "Why does it say ready if it isn't?"),
        ("Customers could not find prices on the promotional end-caps.", "Is this on offer or not?"),
        ("The self-checkout rejected reusable bags again; staff had to override {n} times in an hour.", ""),
        (
            "Parents with buggies struggle with the narrow aisle by the bakery.",
            "I can't get through here with the pram.",
        ),
        ("Out of stock on own-brand basics by early evening.", "Every Friday it's the same, no milk after six."),
        ("The returns desk needs a receipt that the app does not show.", ""),
        ("Staff said the handheld scanners die before the end of the shift.", ""),
    ],
    LearningKind.PRAISE: [
        ("Customers singled out the bakery team by name.", "Maria always saves me a sourdough."),
        ("The new opening hours are noticed and liked.", "Finally I can shop before work."),
        ("Staff went to the stockroom for a customer without being asked.", "That's why I come here, not online."),
        ("The loyalty app's personal offers are being used.", "The coffee offer gets me in every morning."),
    ],
    LearningKind.IDEA: [
        (
            "A customer suggested a quiet hour for people who find the store overwhelming.",
            "Could you turn the music off one morning a week?",
        ),
        ("Staff proposed a 'call ahead' slot for large orders.", ""),
        ("Customers asked for a refill station for cleaning products.", "I'd bring my own bottle if I could."),
        ("Put the most-collected online orders in lockers at the entrance.", ""),
        ("Advisory board members suggested tasting days for new ranges.", "Let us try it before we commit to it."),
    ],
    LearningKind.OBSERVATION: [
        ("About {n} in 10 shoppers used the app to check prices while in the aisle.", ""),
        ("Footfall peaks earlier than our rota assumes, around 16:30.", ""),
        ("Older customers prefer the staffed tills even when self-checkout is free.", "I like a chat with someone."),
        ("The store team improvises signage because central materials arrive late.", ""),
    ],
    LearningKind.COMPETITOR: [
        (
            "The discounter across the road now has a {n}-minute delivery promise.",
            "They bring it faster than I can walk here.",
        ),
        ("A competitor's price-match signs are prominent at their entrance.", ""),
        (
            "Customers compare our meal deal with the competitor's, which includes a hot drink.",
            "Theirs comes with a coffee.",
        ),
    ],
}
LEARNING_KIND_WEIGHTS = [
    (LearningKind.PAIN_POINT, 35),
    (LearningKind.PRAISE, 15),
    (LearningKind.IDEA, 20),
    (LearningKind.OBSERVATION, 20),
    (LearningKind.COMPETITOR, 10),
]


@dataclass(frozen=True)
class DemoContent:
    """What a demo organization is made of, in its own language: people, places and what customers said."""

    name: str
    slug: str
    time_zone: str
    language: str
    executives: list  # (email, name, title)
    chiefs_of_staff: list  # (email, name, title, indexes of the executives supported)
    board: list
    admin: tuple
    regions: dict  # region name: (town, latitude, longitude)
    store_suffixes: list
    learnings: dict  # LearningKind: [(text with an optional {n}, quote)]
    address: str = "{number} {street}, {town}"
    logins: dict = field(default_factory=dict)  # email: role, printed by `make run`


NORTHWIND = DemoContent(
    name="Northwind Retail",
    slug=DEMO_SLUG,
    time_zone=DEMO_TIME_ZONE,
    language="en",
    executives=EXECUTIVES,
    chiefs_of_staff=CHIEFS_OF_STAFF,
    board=BOARD,
    admin=ADMIN,
    regions=REGIONS,
    store_suffixes=STORE_SUFFIXES,
    learnings=LEARNINGS,
    logins=DEMO_LOGINS,
)


def content_for(language):
    """The demo organization of a language: Northwind Retail (en) or Nordvik Dagligvare (nb)."""
    if language == "nb":
        from .demo_nb import NORDVIK

        return NORDVIK
    return NORTHWIND


@dataclass
class SeedResult:
    organization: Organization
    created: bool
    counts: dict = field(default_factory=dict)


def _weighted(rng, pairs):
    items, weights = zip(*pairs, strict=True)
    return rng.choices(items, weights=weights, k=1)[0]


def _learning(rng, learnings=LEARNINGS):
    kind = _weighted(rng, LEARNING_KIND_WEIGHTS)
    text, quote = rng.choice(learnings[kind])
    return kind, text.format(n=rng.randint(3, 12)), quote if rng.random() < 0.7 else ""


def _users(people, password_hash, language=""):
    """Get or create users (and verified email addresses) for (email, name) pairs."""
    User = get_user_model()
    existing = {u.email: u for u in User.objects.filter(email__in=[p[0] for p in people])}
    new = [
        User(email=email, full_name=name, password=password_hash, language=language)
        for email, name in people
        if email not in existing
    ]
    User.objects.bulk_create(new, batch_size=1000)
    users = {u.email: u for u in User.objects.filter(email__in=[p[0] for p in people])}
    have = set(EmailAddress.objects.filter(user__in=users.values()).values_list("user_id", flat=True))
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users.values() if u.pk not in have],
        batch_size=1000,
    )
    return users


def _locations(organization, rng, count, content=NORTHWIND):
    regions = [Region(organization=organization, name=name) for name in content.regions]
    Region.objects.bulk_create(regions)
    regions = list(Region.objects.filter(organization=organization).order_by("name"))
    centres = {r.name: content.regions[r.name] for r in regions}
    locations = []
    for i in range(count):
        region = regions[i % len(regions)]
        town, lat, lon = centres[region.name]
        suffixes = content.store_suffixes
        suffix = suffixes[(i // len(regions)) % len(suffixes)]
        round_no = i // (len(regions) * len(suffixes))
        name = f"{town} {suffix}" + (f" {round_no + 1}" if round_no else "")
        locations.append(
            Location(
                organization=organization,
                region=region,
                name=name,
                code=f"S{100 + i:03d}",
                address=content.address.format(number=rng.randint(1, 180), street=suffix, town=town),
                latitude=round(lat + rng.uniform(-0.15, 0.15), 5),
                longitude=round(lon + rng.uniform(-0.15, 0.15), 5),
            )
        )
    Location.objects.bulk_create(locations)
    return list(Location.objects.filter(organization=organization).order_by("code"))


def _engagements(*, organization, rng, executives, cos_for, locations, total, days, now, batch=5000, texts=LEARNINGS):
    """Bulk-insert `total` engagements over the last `days` days, with participants and learnings."""
    zone = zoneinfo.ZoneInfo(organization.time_zone)
    counts = {"engagements": 0, "participants": 0, "learnings": 0}
    kinds_at_place = AT_A_PLACE
    remaining = total
    while remaining > 0:
        size = min(batch, remaining)
        remaining -= size
        rows, extras = [], []
        for _ in range(size):
            leader = rng.choice(executives)
            kind = _weighted(rng, KIND_WEIGHTS)
            day = (now - timedelta(days=rng.randint(0, days - 1))).astimezone(zone).date()
            if day.weekday() >= 5 and rng.random() < 0.7:
                day -= timedelta(days=day.weekday() - 4)
            local = datetime(day.year, day.month, day.day, rng.randint(8, 17), rng.choice([0, 15, 30, 45]), tzinfo=zone)
            started = min(local.astimezone(UTC), now - timedelta(minutes=5))
            minutes = rng.choice(DURATIONS[kind])
            logged_by = leader
            helpers = cos_for.get(leader.pk)
            if helpers and rng.random() < 0.15:
                logged_by = rng.choice(helpers)
            others = []
            if kind in GROUP_KINDS and len(executives) > 1:
                others = rng.sample(
                    [e for e in executives if e.pk != leader.pk], k=min(len(executives) - 1, rng.randint(1, 4))
                )
            rows.append(
                Engagement(
                    organization=organization,
                    client_uuid=uuid.UUID(int=rng.getrandbits(128), version=4),
                    kind=kind,
                    location=rng.choice(locations) if kind in kinds_at_place or rng.random() < 0.2 else None,
                    started_at=started,
                    duration_minutes=minutes,
                    customer_type=CustomerType.INTERNAL
                    if kind == Kind.FRONT_LINE_SHIFT and rng.random() < 0.4
                    else CustomerType.EXTERNAL,
                    customers_met=rng.randint(1, 40) if rng.random() < 0.8 else None,
                    notes="",
                    leader=leader,
                    logged_by=logged_by,
                )
            )
            extras.append((leader, others, minutes))
        with transaction.atomic():
            # With their history rows (no user: "System"), so the record starts with the seed.
            bulk_create_with_history(rows, Engagement, batch_size=2000)
            participants, learnings = [], []
            for engagement, (leader, others, minutes) in zip(rows, extras, strict=True):
                for member in [leader, *others]:
                    own = minutes if member is leader or rng.random() < 0.8 else max(15, minutes - 60)
                    participants.append(participant_for(engagement, membership=member, minutes=own))
                for _ in range(_weighted(rng, [(0, 15), (1, 50), (2, 25), (3, 10)])):
                    kind, text, quote = _learning(rng, texts)
                    author = leader if not others or rng.random() < 0.6 else rng.choice(others)
                    learnings.append(
                        Learning(
                            organization=organization,
                            engagement=engagement,
                            author=author,
                            kind=kind,
                            text=text,
                            quote=quote,
                        )
                    )
            Participant.objects.bulk_create(participants, batch_size=5000)
            bulk_create_with_history(learnings, Learning, batch_size=5000)
        counts["engagements"] += len(rows)
        counts["participants"] += len(participants)
        counts["learnings"] += len(learnings)
    return counts


@transaction.atomic  # all or nothing: an interrupted first `make run` leaves no half-built organization
def seed_northwind(*, password, seed=2026, now=None, content=NORTHWIND):
    """The demo organization (Northwind, or `content`'s) with its fixed logins. Idempotent."""
    existing = Organization.objects.filter(slug=content.slug).first()
    if existing is not None:
        return SeedResult(existing, created=False)
    # Another demo beside Northwind draws its own numbers (its client UUIDs must differ from Northwind's).
    rng = random.Random(seed if content is NORTHWIND else f"{seed}-{content.slug}")
    now = now or timezone.now()
    password_hash = make_password(password)
    with transaction.atomic():
        organization = Organization.objects.create(
            name=content.name, slug=content.slug, time_zone=content.time_zone, language=content.language
        )
        people = (
            [(e, n) for e, n, _ in content.executives]
            + [(e, n) for e, n, _, _ in content.chiefs_of_staff]
            + [(e, n) for e, n, _ in content.board]
            + [content.admin[:2]]
        )
        users = _users(people, password_hash, content.language)
        executives = [
            Membership(organization=organization, user=users[e], role=Role.EXECUTIVE, title=t)
            for e, _, t in content.executives
        ]
        chiefs = [
            Membership(organization=organization, user=users[e], role=Role.CHIEF_OF_STAFF, title=t)
            for e, _, t, _ in content.chiefs_of_staff
        ]
        board = [
            Membership(organization=organization, user=users[e], role=Role.BOARD, title=t) for e, _, t in content.board
        ]
        admin_email, _, admin_title = content.admin
        admin = Membership(organization=organization, user=users[admin_email], role=Role.ADMIN, title=admin_title)
        Membership.objects.bulk_create([*executives, *chiefs, *board, admin])
        executives = list(
            Membership.objects.filter(organization=organization, role=Role.EXECUTIVE)
            .select_related("user")
            .order_by("pk")
        )
        chiefs = list(Membership.objects.filter(organization=organization, role=Role.CHIEF_OF_STAFF).order_by("pk"))
        cos_for = {}
        for chief, (_, _, _, supported) in zip(chiefs, content.chiefs_of_staff, strict=True):
            chief.supports.set([executives[i] for i in supported])
            for i in supported:
                cos_for.setdefault(executives[i].pk, []).append(chief)
        locations = _locations(organization, rng, 40, content)
    # About 18 months, each executive out with customers one to three times a week.
    counts = _engagements(
        organization=organization,
        rng=rng,
        executives=executives,
        cos_for=cos_for,
        locations=locations,
        total=1400,
        days=548,
        now=now,
        texts=content.learnings,
    )
    rollups.rollups_rebuild(organization=organization)  # the bulk inserts bypassed the services
    return SeedResult(organization, created=True, counts=counts)


@transaction.atomic
def seed_large(*, leaders, engagements, seed, password, now=None):
    """A benchmark organization: `leaders` executives, `engagements` entries over 18 months. Idempotent."""
    slug = f"bench-l{leaders}-e{engagements}-s{seed}"
    existing = Organization.objects.filter(slug=slug).first()
    if existing is not None:
        return SeedResult(existing, created=False)
    rng = random.Random(seed)
    now = now or timezone.now()
    password_hash = make_password(password)
    with transaction.atomic():
        organization = Organization.objects.create(
            name=f"Northwind Retail ({leaders} leader{pluralize(leaders)})", slug=slug, time_zone=DEMO_TIME_ZONE
        )
        domain = f"{slug}.example"
        people = [(f"leader{i}@{domain}", f"Leader {i}") for i in range(1, leaders + 1)]
        n_chiefs = max(1, leaders // 8)
        people += [(f"cos{i}@{domain}", f"Chief of Staff {i}") for i in range(1, n_chiefs + 1)]
        people += [(f"board@{domain}", "Board Member"), (f"admin@{domain}", "Admin")]
        users = _users(people, password_hash)
        Membership.objects.bulk_create(
            [
                Membership(organization=organization, user=users[f"leader{i}@{domain}"], role=Role.EXECUTIVE)
                for i in range(1, leaders + 1)
            ]
            + [
                Membership(organization=organization, user=users[f"cos{i}@{domain}"], role=Role.CHIEF_OF_STAFF)
                for i in range(1, n_chiefs + 1)
            ]
            + [
                Membership(organization=organization, user=users[f"board@{domain}"], role=Role.BOARD),
                Membership(organization=organization, user=users[f"admin@{domain}"], role=Role.ADMIN),
            ],
            batch_size=2000,
        )
        executives = list(Membership.objects.filter(organization=organization, role=Role.EXECUTIVE).order_by("pk"))
        chiefs = list(Membership.objects.filter(organization=organization, role=Role.CHIEF_OF_STAFF).order_by("pk"))
        cos_for = {}
        through = Membership.supports.through
        links = []
        for i, executive in enumerate(executives):
            chief = chiefs[i % len(chiefs)]
            links.append(through(from_membership_id=chief.pk, to_membership_id=executive.pk))
            cos_for[executive.pk] = [chief]
        through.objects.bulk_create(links, batch_size=5000)
        locations = _locations(organization, rng, max(40, leaders // 2))
    counts = _engagements(
        organization=organization,
        rng=rng,
        executives=executives,
        cos_for=cos_for,
        locations=locations,
        total=engagements,
        days=548,
        now=now,
        batch=20000,
    )
    rollups.rollups_rebuild(organization=organization)  # the bulk inserts bypassed the services
    return SeedResult(organization, created=True, counts=counts)
