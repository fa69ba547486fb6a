"""`manage.py seed_demo`: the Northwind Retail demo, benchmark organizations, and its refusals."""

from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, Max, Min
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import User
from apps.engagements.models import Engagement, Learning, Participant
from apps.organizations.models import Invitation, Location, Membership, Organization, Region, Role
from apps.scheduling.models import Target

NORTHWIND = "northwind"
BENCH_SLUG = "bench-l20-e500-s7"
BENCH_ARGS = ["--leaders", "20", "--engagements", "500", "--seed", "7"]
DEMO_LOGINS = {
    "ceo@northwind.example": Role.EXECUTIVE,
    "cos@northwind.example": Role.CHIEF_OF_STAFF,
    "board@northwind.example": Role.BOARD,
    "admin@northwind.example": Role.ADMIN,
}


def seed(*args):
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def table_counts():
    return {
        "organizations": Organization.objects.count(),
        "memberships": Membership.objects.count(),
        "supports": Membership.supports.through.objects.count(),
        "regions": Region.objects.count(),
        "locations": Location.objects.count(),
        "invitations": Invitation.objects.count(),
        "engagements": Engagement.objects.count(),
        "participants": Participant.objects.count(),
        "learnings": Learning.objects.count(),
        "users": User.objects.count(),
        "email_addresses": EmailAddress.objects.count(),
    }


def org_counts(organization):
    return {
        "memberships": Membership.objects.filter(organization=organization).count(),
        "locations": Location.objects.filter(organization=organization).count(),
        "engagements": Engagement.objects.filter(organization=organization).count(),
        "participants": Participant.objects.filter(organization=organization).count(),
        "learnings": Learning.objects.filter(organization=organization).count(),
        "last_update": Engagement.objects.filter(organization=organization).aggregate(at=Max("updated_at"))["at"],
    }


def roles(organization):
    return dict(
        Membership.objects.filter(organization=organization)
        .values_list("role")
        .annotate(n=Count("id"))
        .order_by("role")
        .values_list("role", "n")
    )


def fingerprint(slug):
    """Everything the seed decides (not the wall-clock dates): same seed, same fingerprint."""
    organization = Organization.objects.get(slug=slug)
    engagements = Engagement.objects.filter(organization=organization).order_by("pk")
    return {
        "users": sorted(Membership.objects.filter(organization=organization).values_list("user__email", "role")),
        "locations": list(
            Location.objects.filter(organization=organization)
            .order_by("code")
            .values_list("code", "name", "region__name", "latitude", "longitude")
        ),
        "engagements": list(
            engagements.values_list(
                "client_uuid",
                "kind",
                "duration_minutes",
                "customer_type",
                "customers_met",
                "location__code",
                "leader__user__email",
                "logged_by__user__email",
            )
        ),
        "participants": sorted(
            Participant.objects.filter(organization=organization).values_list(
                "engagement__client_uuid", "membership__user__email", "minutes"
            )
        ),
        "learnings": sorted(
            Learning.objects.filter(organization=organization).values_list(
                "engagement__client_uuid", "author__user__email", "kind", "text", "quote"
            )
        ),
    }


# --- Northwind Retail ------------------------------------------------------------------------------
@pytest.mark.django_db
def test_seed_builds_northwind_with_its_people_and_places():
    output = seed()

    organization = Organization.objects.get(slug=NORTHWIND)
    assert output.startswith("Built Northwind Retail: ")
    assert (organization.name, organization.time_zone) == ("Northwind Retail", "Europe/London")
    assert roles(organization) == {"admin": 1, "board": 3, "chief_of_staff": 2, "executive": 8}
    assert Membership.objects.filter(organization=organization, is_active=False).count() == 0
    assert dict(
        Location.objects.filter(organization=organization)
        .values_list("region__name")
        .annotate(n=Count("id"))
        .order_by("region__name")
        .values_list("region__name", "n")
    ) == {"East": 10, "North": 10, "South": 10, "West": 10}
    assert Region.objects.filter(organization=organization).count() == 4
    assert Location.objects.filter(organization=organization).count() == 40
    emails = Membership.objects.filter(organization=organization).values_list("user__email", flat=True)
    assert EmailAddress.objects.filter(email__in=emails, verified=True, primary=True).count() == 14


@pytest.mark.django_db
def test_seed_northwind_chiefs_of_staff_support_executives_only():
    seed()

    organization = Organization.objects.get(slug=NORTHWIND)
    links = Membership.supports.through.objects.filter(from_membership__organization=organization)
    assert sorted(links.values_list("from_membership__user__email", "to_membership__role").distinct()) == [
        ("cos2@northwind.example", "executive"),
        ("cos@northwind.example", "executive"),
    ]
    assert sorted(
        Membership.objects.get(organization=organization, user__email="cos@northwind.example").supports.values_list(
            "user__email", flat=True
        )
    ) == ["cco@northwind.example", "ceo@northwind.example", "cmo@northwind.example", "coo@northwind.example"]


@pytest.mark.django_db
def test_seed_northwind_engagements_span_about_eighteen_months():
    seed()

    organization = Organization.objects.get(slug=NORTHWIND)
    now = timezone.now()
    span = Engagement.objects.filter(organization=organization).aggregate(
        oldest=Min("started_at"), newest=Max("started_at")
    )
    assert timedelta(days=500) <= now - span["oldest"] <= timedelta(days=560)
    assert timedelta(0) < now - span["newest"] <= timedelta(days=7)
    # Each executive out with customers one to three times a week, on average, over 78 weeks.
    led = dict(
        Engagement.objects.filter(organization=organization)
        .values_list("leader__user__email")
        .annotate(n=Count("id"))
        .values_list("leader__user__email", "n")
    )
    assert len(led) == 8
    assert {email: 78 <= n <= 3 * 78 for email, n in led.items()} == dict.fromkeys(led, True)


@pytest.mark.django_db
def test_seed_northwind_has_learnings_multi_leader_and_on_behalf_entries():
    seed()

    organization = Organization.objects.get(slug=NORTHWIND)
    engagements = Engagement.objects.filter(organization=organization)
    with_learnings = engagements.filter(learnings__isnull=False).distinct().count()
    multi_leader = engagements.annotate(n=Count("participants")).filter(n__gte=2).count()
    on_behalf = [e for e in engagements.only("leader_id", "logged_by_id") if e.on_behalf]
    assert with_learnings >= engagements.count() // 2
    assert multi_leader >= 20
    assert len(on_behalf) >= 20
    # Logged on behalf: always by a chief of staff who supports that leader.
    support = set(
        Membership.supports.through.objects.filter(from_membership__organization=organization).values_list(
            "from_membership_id", "to_membership_id"
        )
    )
    assert [e.pk for e in on_behalf if (e.logged_by_id, e.leader_id) not in support] == []


@pytest.mark.django_db
def test_seed_northwind_rows_are_consistent():
    seed()

    organization = Organization.objects.get(slug=NORTHWIND)
    engagements = Engagement.objects.filter(organization=organization)
    credited = set(Participant.objects.filter(organization=organization).values_list("engagement_id", "membership_id"))
    # Every leader is credited; every learning's author took part; everything stays in the organization.
    assert [pk for pk, leader in engagements.values_list("pk", "leader_id") if (pk, leader) not in credited] == []
    assert [
        pk
        for pk, engagement, author in Learning.objects.filter(organization=organization).values_list(
            "pk", "engagement_id", "author_id"
        )
        if (engagement, author) not in credited
    ] == []
    assert Participant.objects.filter(organization=organization).exclude(membership__role=Role.EXECUTIVE).count() == 0
    assert engagements.exclude(location__isnull=True).exclude(location__organization=organization).count() == 0
    assert Participant.objects.exclude(organization=organization).count() == 0
    assert Learning.objects.exclude(engagement__organization=organization).count() == 0
    assert engagements.filter(started_at__gt=timezone.now()).count() == 0


@pytest.mark.django_db
def test_seed_twice_changes_nothing():
    seed()
    before = table_counts()
    northwind = org_counts(Organization.objects.get(slug=NORTHWIND))

    output = seed()

    assert output == "Northwind Retail already exists; nothing changed.\n"
    assert table_counts() == before
    assert org_counts(Organization.objects.get(slug=NORTHWIND)) == northwind


# --- Demo logins through allauth's login form ------------------------------------------------------
def _log_in(client, email, password):
    client.logout()
    response = client.post(reverse("account_login"), {"login": email, "password": password})
    return response.status_code, client.session.get("_auth_user_id")


@pytest.mark.django_db
@pytest.mark.parametrize("password", [None, "Orchard-Lantern-7731"], ids=["default", "DEMO_PASSWORD"])
def test_demo_logins_log_in_with_the_demo_password_and_have_their_roles(client, monkeypatch, password):
    if password is None:
        monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    else:
        monkeypatch.setenv("DEMO_PASSWORD", password)
    seed()
    organization = Organization.objects.get(slug=NORTHWIND)
    users = {email: str(User.objects.get(email=email).pk) for email in DEMO_LOGINS}

    results = {}
    for email in DEMO_LOGINS:
        status, user_id = _log_in(client, email, password or "gemba-demo")
        membership = client.get(reverse("engagements:feed")).context["membership"]
        results[email] = (status, user_id, membership.organization_id, membership.role)

    assert results == {email: (302, users[email], organization.pk, role.value) for email, role in DEMO_LOGINS.items()}


@pytest.mark.django_db
def test_demo_logins_refuse_the_default_password_when_demo_password_is_set(client, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "Orchard-Lantern-7731")
    seed()

    results = {email: _log_in(client, email, "gemba-demo") for email in DEMO_LOGINS}

    assert results == dict.fromkeys(DEMO_LOGINS, (200, None))


@pytest.mark.django_db
@pytest.mark.parametrize("email", sorted(DEMO_LOGINS))
def test_demo_login_lands_on_home(client, monkeypatch, email):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    seed()

    response = client.post(reverse("account_login"), {"login": email, "password": "gemba-demo"})

    assert response.status_code == 302
    assert response["Location"] == reverse("home")


# --- Benchmark organizations --------------------------------------------------------------------
@pytest.mark.django_db
def test_seed_large_builds_a_separate_organization():
    seed()
    northwind_before = org_counts(Organization.objects.get(slug=NORTHWIND))

    output = seed(*BENCH_ARGS)

    bench = Organization.objects.get(slug=BENCH_SLUG)
    assert output.startswith("Built Northwind Retail (20 leaders): 500 engagements, ")
    assert bench.name == "Northwind Retail (20 leaders)"
    assert roles(bench) == {"admin": 1, "board": 1, "chief_of_staff": 2, "executive": 20}
    assert Engagement.objects.filter(organization=bench).count() == 500
    assert Location.objects.filter(organization=bench).count() == 40
    assert Engagement.objects.filter(organization=bench).exclude(leader__organization=bench).count() == 0
    assert org_counts(Organization.objects.get(slug=NORTHWIND)) == northwind_before


@pytest.mark.django_db
def test_seed_large_sets_a_default_target_and_one_in_ten_leaders_own():
    seed(*BENCH_ARGS)

    bench = Organization.objects.get(slug=BENCH_SLUG)
    targets = Target.objects.filter(organization=bench)
    default = targets.get(leader__isnull=True)
    assert (default.hours, default.period) == (Decimal("8"), "month")
    own = targets.filter(leader__isnull=False).order_by("leader_id")
    assert [(t.hours, t.period) for t in own] == [(Decimal("12"), "month"), (Decimal("30"), "quarter")]
    assert all(t.leader.role == "executive" and t.counts_from.day == 1 for t in own)


@pytest.mark.django_db
def test_seed_large_alone_does_not_build_northwind():
    seed(*BENCH_ARGS)

    assert list(Organization.objects.values_list("slug", flat=True)) == [BENCH_SLUG]


@pytest.mark.django_db
def test_seed_large_twice_changes_nothing():
    seed(*BENCH_ARGS)
    before = table_counts()
    bench = org_counts(Organization.objects.get(slug=BENCH_SLUG))

    output = seed(*BENCH_ARGS)

    assert output == "Northwind Retail (20 leaders) already exists; nothing changed.\n"
    assert table_counts() == before
    assert org_counts(Organization.objects.get(slug=BENCH_SLUG)) == bench


@pytest.mark.django_db
def test_seed_large_is_deterministic_for_the_seed():
    with transaction.atomic():
        seed(*BENCH_ARGS)
        first = fingerprint(BENCH_SLUG)
        transaction.set_rollback(True)
    assert Organization.objects.filter(slug=BENCH_SLUG).exists() is False

    seed(*BENCH_ARGS)

    assert fingerprint(BENCH_SLUG) == first
    assert len(first["engagements"]) == 500


@pytest.mark.django_db
def test_seed_large_with_another_seed_builds_other_data():
    seed(*BENCH_ARGS)
    seed("--leaders", "20", "--engagements", "500", "--seed", "8")

    seven = fingerprint(BENCH_SLUG)["engagements"]
    eight = fingerprint("bench-l20-e500-s8")["engagements"]
    assert len(eight) == 500
    assert {row[0] for row in seven} & {row[0] for row in eight} == set()
    assert [row[1:] for row in seven] != [row[1:] for row in eight]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "args",
    [["--leaders", "20"], ["--engagements", "500"], ["--leaders", "0", "--engagements", "10"]],
    ids=["leaders-only", "engagements-only", "zero-leaders"],
)
def test_seed_large_needs_both_numbers(args):
    with pytest.raises(CommandError, match=r"^--leaders N \(>= 1\) and --engagements M \(>= 0\) go together\.$"):
        seed(*args)

    assert table_counts()["organizations"] == 0


# --- Refused under production ------------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize("args", [[], BENCH_ARGS], ids=["northwind", "large"])
def test_seed_is_refused_under_production(settings, args):
    settings.GEMBA_ENV = "production"

    with pytest.raises(CommandError, match=r"^seed_demo is refused under production settings\.$"):
        seed(*args)

    assert table_counts() == dict.fromkeys(table_counts(), 0)


def test_the_demo_has_targets_and_a_weekly_plan_per_executive(db):
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    from apps.scheduling.models import Plan, Session, Target

    call_command("seed_demo", verbosity=0)

    assert Plan.objects.count() == 8
    assert sorted(Target.objects.values_list("hours", flat=True)) == [8, 12]
    soon = timezone.now() + timedelta(days=80)
    assert Session.objects.filter(status="planned", starts_at__gte=soon).count() >= 8
    assert Session.objects.filter(status="missed").count() >= 8 * 6
    assert Session.objects.filter(status="planned", ends_at__lt=timezone.now()).exists()
