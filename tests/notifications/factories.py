from datetime import timedelta

import factory
from django.utils import timezone

from apps.notifications.models import Notification, NotificationPreference, Reminder, ReminderKind, ReminderStatus
from tests.accounts.factories import UserFactory
from tests.organizations.factories import MembershipFactory


class ReminderFactory(factory.django.DjangoModelFactory):
    """A pending reminder due a minute ago; its organization is its recipient's."""

    class Meta:
        model = Reminder

    recipient = factory.SubFactory(MembershipFactory)
    organization = factory.SelfAttribute("recipient.organization")
    kind = ReminderKind.SESSION_BEFORE
    source_key = factory.Sequence(lambda n: f"session:{n}:60")
    due_at = factory.LazyFunction(lambda: timezone.now() - timedelta(minutes=1))
    expires_at = factory.LazyAttribute(lambda o: o.due_at + timedelta(days=2))
    status = ReminderStatus.PENDING
    title = factory.Sequence(lambda n: f"Store visit {n} starts in 1 hour")
    body = "Oslo flagship, 10:00-11:00."
    url = "/schedule/"


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(MembershipFactory)
    organization = factory.SelfAttribute("recipient.organization")
    reminder = None
    kind = ReminderKind.SESSION_AFTER
    title = factory.Sequence(lambda n: f"Log what you learned at visit {n}")
    body = ""
    url = "/log/"


class NotificationPreferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NotificationPreference

    user = factory.SubFactory(UserFactory)
    email_enabled = True
    disabled_kinds = factory.LazyFunction(list)
    session_lead_minutes = factory.LazyFunction(lambda: [1440, 60])
    quiet_start = None
    quiet_end = None
