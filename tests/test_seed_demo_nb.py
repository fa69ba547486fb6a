"""`seed_demo --language nb`: Nordvik Dagligvare, the Norwegian demo organization, beside Northwind."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from apps.accounts.models import User
from apps.engagements.models import Engagement, Learning
from apps.insights.models import Action, LearningTheme, Theme
from apps.organizations.models import Location, Membership, Organization
from apps.scheduling.models import Plan


def seed(*args):
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_nb_seeds_nordvik_in_norwegian_beside_northwind():
    seed()
    output = seed("--language", "nb")

    nordvik = Organization.objects.get(slug="nordvik")
    assert output.startswith("Built Nordvik Dagligvare: 1400 engagements, ")
    assert "konsernsjef@nordvik.example (leder)" in output
    assert (nordvik.name, nordvik.time_zone, nordvik.language) == ("Nordvik Dagligvare", "Europe/Oslo", "nb")
    assert Organization.objects.get(slug="northwind").language == "en"
    members = User.objects.filter(memberships__organization=nordvik)
    assert set(members.values_list("language", flat=True)) == {"nb"}
    assert members.count() == 14
    assert dict(Location.objects.filter(organization=nordvik).values_list("region__name").annotate(n=Count("id"))) == {
        "Midt": 8,
        "Nord": 8,
        "Sør": 8,
        "Vest": 8,
        "Øst": 8,
    }
    assert Location.objects.filter(organization=nordvik, name="Oslo Sentrum").exists()
    assert Engagement.objects.filter(organization=nordvik).count() == 1400


@pytest.mark.django_db
def test_nordvik_learnings_themes_actions_and_plans_are_norwegian():
    seed("--language", "nb")
    nordvik = Organization.objects.get(slug="nordvik")

    texts = set(Learning.objects.filter(organization=nordvik).values_list("text", flat=True))
    assert "Kundene fant ikke prisen på kampanjevarene i endegavlene." in texts
    assert not texts & set(Learning.objects.exclude(organization=nordvik).values_list("text", flat=True))
    assert sorted(Theme.objects.filter(organization=nordvik).values_list("name", flat=True))[:2] == [
        "Ansatte og service",
        "App og levering",
    ]
    queue_links = LearningTheme.objects.filter(organization=nordvik, theme__name="Kø ved kassene")
    assert queue_links.count() > 50
    assert set(queue_links.values_list("learning__text", flat=True)) & {
        "Lange køer ved pantemaskinen etter helgen; kundene venter med fulle poser."
    }
    assert Action.objects.filter(organization=nordvik, title="Åpne en ekstra kasse når køen passerer fem").count() == 1
    assert Plan.objects.filter(organization=nordvik, title="Butikkrunde mandag").count() == 1
    assert Plan.objects.filter(organization=nordvik).count() == 8


@pytest.mark.django_db
def test_nb_twice_changes_nothing_and_leaves_northwind_alone():
    seed("--language", "nb")
    memberships = Membership.objects.count()

    assert seed("--language", "nb") == "Nordvik Dagligvare already exists; nothing changed.\n"
    assert Membership.objects.count() == memberships
    assert not Organization.objects.filter(slug="northwind").exists()


@pytest.mark.django_db
def test_language_is_refused_for_a_benchmark_organization():
    with pytest.raises(CommandError, match="--language is for the demo organization"):
        seed("--language", "nb", "--leaders", "2", "--engagements", "5")
