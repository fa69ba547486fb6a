"""Every page of the site, for every role, in Norwegian and in English: no text of the other language.

Norwegian pages are walked as the people of Nordvik Dagligvare (the Norwegian demo, whose data is Norwegian),
English pages as Northwind Retail's. A page fails on an English catalog text left untranslated, or on a word
of the other language's UI (tests/languages.py says how each is found). The page list is the browser walk's
(tests/e2e/pages.py), itself kept complete against the URL resolver by tests/test_tenancy.py.
"""

import pytest
from django.core.management import call_command
from django.test import Client

from apps.engagements.models import Engagement, Learning, Participant
from apps.insights.models import Action, CustomerScore, Pilot, Theme
from apps.organizations.middleware import SESSION_KEY
from apps.organizations.models import Location, Membership, Organization, Role
from apps.scheduling.models import Plan, Session
from tests import languages
from tests.e2e.pages import anonymous_pages, member_pages
from tests.notifications.factories import NotificationFactory
from tests.organizations.factories import InvitationFactory
from tests.reviews.factories import PackFactory

DEMOS = {"nb": "nordvik", "en": "northwind"}
ROLES = [Role.EXECUTIVE, Role.CHIEF_OF_STAFF, Role.BOARD, Role.ADMIN]
NOTIFICATION_TITLE = {"nb": "Logg hva du lærte på butikkrunden", "en": "Log what you learned on the store walk"}


@pytest.fixture(scope="module")
def demos(django_db_setup, django_db_blocker):
    """Both demo organizations, seeded once for the module (read-only walks)."""
    with django_db_blocker.unblock():
        call_command("seed_demo", verbosity=0)
        call_command("seed_demo", "--language", "nb", verbosity=0)
        organizations = {language: Organization.objects.get(slug=slug) for language, slug in DEMOS.items()}
        objects = {language: _objects(organization, language) for language, organization in organizations.items()}
    yield objects
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)  # as a transactional test leaves the database


def _objects(organization, language):
    executive = Membership.objects.filter(organization=organization, role=Role.EXECUTIVE).order_by("pk").first()
    engagement = (
        Engagement.objects.filter(organization=organization, leader=executive, learnings__isnull=False)
        .order_by("-started_at")
        .first()
    )
    action = Action.objects.filter(organization=organization, pilot__isnull=False).order_by("pk").first()
    return {
        "engagement": engagement,
        "learning": Learning.objects.filter(engagement=engagement).order_by("pk").first(),
        "participant": Participant.objects.filter(engagement=engagement).order_by("pk").first(),
        "membership": executive,
        "invitation": InvitationFactory(
            organization=organization,
            email=f"ny.leder@{organization.slug}.example",
            language=language,
            invited_by=Membership.objects.filter(organization=organization, role=Role.ADMIN).first(),
        ),
        "location": Location.objects.filter(organization=organization).order_by("pk").first(),
        "plan": Plan.objects.filter(organization=organization, leader=executive).first(),
        "session": Session.objects.filter(plan__leader=executive).order_by("starts_at").last(),
        "notification": NotificationFactory(
            recipient=executive, organization=organization, title=NOTIFICATION_TITLE[language]
        ),
        "theme": Theme.objects.filter(organization=organization).order_by("pk").first(),
        "action": action,
        "pilot": Pilot.objects.filter(action=action).first(),
        "score": CustomerScore.objects.filter(organization=organization).order_by("pk").first(),
        "pack": PackFactory(organization=organization, language=language),
    }


def _client_for(organization, role, language):
    membership = Membership.objects.filter(organization=organization, role=role).order_by("pk").first()
    membership.user.language = language
    membership.user.save(update_fields=["language"])
    client = Client(headers={"accept-language": language})
    client.force_login(membership.user)
    session = client.session
    session[SESSION_KEY] = organization.pk
    session.save()
    return client


def _wrong_language(client, pages, language):
    problems, error_pages, walked = [], set(), 0
    for name, path in pages:
        response = client.get(path)
        if response.status_code in (301, 302):
            continue
        if response.status_code != 200:
            if response.status_code in error_pages:
                continue  # the same error page for each URL the role may not open: read it once
            error_pages.add(response.status_code)
        walked += 1
        texts = languages.shown_texts(response.content.decode())
        problems += [(name, "untranslated", *hit) for hit in languages.untranslated(texts)] if language == "nb" else []
        problems += [(name, "foreign word", *hit) for hit in languages.foreign_words(texts, language)]
    return walked, problems


def _listed(problems):
    return "text in the wrong language:\n" + "\n".join(" | ".join(problem) for problem in problems)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["nb", "en"])
@pytest.mark.parametrize("role", ROLES)
def test_every_page_is_in_the_person_s_language(demos, role, language, record_property):
    organization = demos[language]["membership"].organization
    client = _client_for(organization, role, language)

    walked, problems = _wrong_language(client, member_pages(demos[language]), language)

    record_property("language_walk", f"{language} {role}: {walked} pages")
    assert walked > 20
    assert problems == [], _listed(problems)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["nb", "en"])
def test_pages_before_login_follow_the_browser_s_language(demos, language, record_property):
    client = Client(headers={"accept-language": language})

    walked, problems = _wrong_language(client, anonymous_pages(), language)

    record_property("language_walk", f"{language} before login: {walked} pages")
    assert walked == 3
    assert problems == [], _listed(problems)
