"""Overdue-action reminders are written in their owner's language, whoever or whatever schedules them."""

from datetime import UTC, date, datetime

import pytest
from django.utils import translation

from apps.insights import reminders, services
from apps.notifications.models import Reminder
from apps.organizations.models import Role
from tests.organizations.factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

TODAY = date(2030, 1, 10)
DUE = date(2030, 1, 14)  # a Monday


def owner_speaking(language, organization):
    return MembershipFactory(organization=organization, role=Role.EXECUTIVE, user__language=language)


def test_the_same_overdue_reminder_is_written_in_each_owners_language():
    # given: an organization on English, one owner who chose Norwegian and one who chose English
    organization = OrganizationFactory(language="en", time_zone="Europe/Oslo")
    norwegian, english = owner_speaking("nb", organization), owner_speaking("en", organization)

    # when: the same action is created for each, by someone on an English page
    with translation.override("en"):
        for owner in (norwegian, english):
            services.action_create(acting=owner, title="Fix the door", owner=owner, due_on=DUE, today=TODAY)

    # then
    texts = {r.recipient_id: (r.title, r.body) for r in Reminder.objects.all()}
    assert texts == {
        norwegian.pk: (
            "Over fristen: Fix the door",
            "Tiltaket hadde frist man 14. jan. 2030, for 1 dag siden. "
            "Oppdater statusen, skriv et fremdriftsnotat eller flytt fristen.",
        ),
        english.pk: (
            "Overdue: Fix the door",
            "This action was due on Mon 14 Jan 2030, 1 day ago. "
            "Update its status, add a progress note, or move the due date.",
        ),
    }


def test_without_a_language_of_their_own_the_owner_hears_in_the_organizations_and_the_sweep_keeps_it():
    # given: a Norwegian organization, an owner without a language of their own, a sweep from an English worker
    organization = OrganizationFactory(language="nb", time_zone="Europe/Oslo")
    owner = owner_speaking("", organization)
    with translation.override("nb"):
        services.action_create(acting=owner, title="Fiks døra", owner=owner, due_on=DUE, today=TODAY)

    # when: a week and a day later, the sweep schedules the next reminders in English surroundings
    with translation.override("en"):
        reminders.overdue_actions_sweep(now=datetime(2030, 1, 22, 9, 0, tzinfo=UTC))

    # then: every reminder is in Norwegian
    assert sorted(Reminder.objects.filter(recipient=owner).values_list("body", flat=True)) == [
        "Tiltaket hadde frist man 14. jan. 2030, for 1 dag siden. "
        "Oppdater statusen, skriv et fremdriftsnotat eller flytt fristen.",
        "Tiltaket hadde frist man 14. jan. 2030, for 15 dager siden. "
        "Oppdater statusen, skriv et fremdriftsnotat eller flytt fristen.",
        "Tiltaket hadde frist man 14. jan. 2030, for 8 dager siden. "
        "Oppdater statusen, skriv et fremdriftsnotat eller flytt fristen.",
    ]
    assert set(Reminder.objects.filter(recipient=owner).values_list("title", flat=True)) == {"Over fristen: Fiks døra"}
