"""Reminders reach each person in their own language: the email (subject, text, html) and the in-app list."""

import pytest

from apps.notifications import services
from apps.notifications.models import Notification, Reminder
from apps.notifications.tokens import unsubscribe_token
from tests.notifications.factories import NotificationFactory, ReminderFactory
from tests.organizations.factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

TITLE = "Store visit at Oslo City starts in 1 hour"


def _member(organization, language, name):
    return MembershipFactory(organization=organization, user__language=language, user__full_name=name)


def test_the_same_reminder_goes_to_a_norwegian_and_an_english_member_each_in_their_language(mailoutbox):
    # given: one organization, one member who reads Norwegian and one who reads English
    organization = OrganizationFactory(name="Nordvik", language="en")
    norwegian = _member(organization, "nb", "Kari Nordmann")
    english = _member(organization, "en", "Emma Smith")
    for member in (norwegian, english):
        ReminderFactory(recipient=member, status="queued", kind="session_before", title=TITLE, body="")

    # when
    for reminder in Reminder.objects.all():
        services.reminder_deliver(reminder_id=reminder.pk)

    # then
    by_recipient = {message.to[0]: message for message in mailoutbox}
    nb, en = by_recipient[norwegian.user.email], by_recipient[english.user.email]
    assert nb.subject == f"[Gemba] {TITLE}"
    assert en.subject == f"[Gemba] {TITLE}"
    assert nb.body.startswith("Hei Kari,\n")
    assert en.body.startswith("Hello Emma,\n")
    assert "Påminnelse («Før en økt») fra Gemba for Nordvik.\n" in nb.body
    assert "Velg hvilke påminnelser du får: " in nb.body
    assert "Stopp påminnelser av typen «Før en økt»: " in nb.body
    assert "Before a session reminder from Gemba for Nordvik.\n" in en.body
    assert 'Stop "Before a session" reminders: ' in en.body
    nb_html, en_html = nb.alternatives[0][0], en.alternatives[0][0]
    assert '<html lang="nb">' in nb_html and ">Åpne i Gemba</a>" in nb_html
    assert '<html lang="en">' in en_html and ">Open in Gemba</a>" in en_html
    assert Notification.objects.filter(recipient__in=[norwegian, english]).count() == 2


def test_a_member_without_a_language_of_their_own_gets_their_organization_s(mailoutbox):
    # given
    member = _member(OrganizationFactory(name="Nordvik", language="nb"), "", "Ola Nordmann")
    reminder = ReminderFactory(recipient=member, status="queued", kind="missing_entry", title="Logg økten")

    # when
    services.reminder_deliver(reminder_id=reminder.pk)

    # then
    (message,) = mailoutbox
    assert message.subject == "[Gemba] Logg økten"
    assert message.body.startswith("Hei Ola,\n")
    assert "Påminnelse («Manglende oppføring») fra Gemba for Nordvik.\n" in message.body


def test_the_notification_list_shows_kinds_in_the_member_s_language(client):
    # given
    member = _member(OrganizationFactory(language="en"), "nb", "Kari Nordmann")
    NotificationFactory(recipient=member, kind="action_overdue", title="Tiltaket er forfalt")
    client.force_login(member.user)

    # when
    content = client.get("/notifications/").content.decode()

    # then
    assert '<h1 class="h4 mb-0">Varsler</h1>' in content
    assert "Forfalt tiltak ·" in content
    assert "Merk som lest" in content


def test_the_unsubscribe_page_opened_without_a_session_is_in_the_person_s_language(client):
    # given: a Norwegian member opens the link from their email in a browser that asks for English
    member = _member(OrganizationFactory(language="en"), "nb", "Kari Nordmann")
    token = unsubscribe_token(user_id=member.user.pk, kind="session_after")

    # when
    response = client.get(f"/notifications/unsubscribe/{token}/", headers={"accept-language": "en"})

    # then
    content = response.content.decode()
    assert "Stoppe påminnelser av typen «Logg hva du lærte» for" in content
    assert '<button class="btn btn-primary" type="submit">Meld av</button>' in content
