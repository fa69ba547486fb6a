"""Django admin: every registered ModelAdmin's pages answer, and project changelists avoid N+1 queries."""

import re

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.accounts.models import User
from apps.api.models import ApiToken
from apps.engagements.models import Engagement, Learning, Participant
from apps.insights.models import Action, CustomerScore, Pilot, Theme
from apps.notifications.models import Notification, NotificationPreference, Reminder
from apps.organizations.models import Invitation, Location, Membership, Organization, Region, Role
from apps.reviews.models import MonthlySend, Pack, ReviewEmail
from tests.accounts.factories import UserFactory
from tests.api.factories import ApiTokenFactory
from tests.engagements.factories import EngagementFactory, LearningFactory, ParticipantFactory
from tests.insights.factories import ActionFactory, CustomerScoreFactory, PilotFactory, ThemeFactory
from tests.notifications.factories import NotificationFactory, NotificationPreferenceFactory, ReminderFactory
from tests.organizations.factories import (
    InvitationFactory,
    LocationFactory,
    MembershipFactory,
    OrganizationFactory,
    RegionFactory,
)
from tests.reviews.factories import MonthlySendFactory, PackFactory, ReviewEmailFactory

REGISTRY = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label_lower)
MODELS = [model for model, _ in REGISTRY]
PROJECT_ADMINS = [(model, model_admin) for model, model_admin in REGISTRY if model.__module__.startswith("apps.")]
LABELS = [model._meta.label_lower for model in MODELS]
PROJECT_LABELS = [model._meta.label_lower for model, _ in PROJECT_ADMINS]

# One more row of each project model, built by its factory.
FACTORIES = {
    User: UserFactory,
    Organization: OrganizationFactory,
    Membership: MembershipFactory,
    Region: RegionFactory,
    Location: LocationFactory,
    Invitation: InvitationFactory,
    Engagement: EngagementFactory,
    Participant: ParticipantFactory,
    Learning: LearningFactory,
    Reminder: ReminderFactory,
    Notification: NotificationFactory,
    NotificationPreference: NotificationPreferenceFactory,
    Theme: ThemeFactory,
    Action: ActionFactory,
    Pilot: PilotFactory,
    CustomerScore: CustomerScoreFactory,
    Pack: PackFactory,
    MonthlySend: MonthlySendFactory,
    ReviewEmail: ReviewEmailFactory,
    ApiToken: ApiTokenFactory,
}


@pytest.fixture
def superuser(db):
    return UserFactory(email="root@gemba.example", is_staff=True, is_superuser=True)


@pytest.fixture
def rows(db):
    """At least one row of every registered model, so changelists render real rows."""
    engagement = EngagementFactory(notes="xylophone")
    ParticipantFactory(engagement=engagement)
    LearningFactory(engagement=engagement, text="x marks the spot")
    InvitationFactory(organization=engagement.organization, email="x@example.com", role=Role.BOARD)
    Group.objects.create(name="Auditors")
    reminder = ReminderFactory(recipient__organization=engagement.organization, title="x-ray visit")
    NotificationFactory(recipient=reminder.recipient, reminder=reminder, title="x-ray visit")
    NotificationPreferenceFactory(user=reminder.recipient.user)
    ThemeFactory(organization=engagement.organization, name="Xmas queues")
    PilotFactory(action__organization=engagement.organization, action__title="x-tra till", metric="wait")
    CustomerScoreFactory(organization=engagement.organization)
    PackFactory(organization=engagement.organization, period="2026-10")
    MonthlySendFactory(organization=engagement.organization)
    ApiTokenFactory(membership=reminder.recipient, name="x-ray sync")
    ReviewEmailFactory(recipient=reminder.recipient, period="2026-W10", message_id="<x@gemba.example>")
    return engagement


def _url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_every_project_model_is_registered():
    project_models = set(FACTORIES)

    assert project_models - set(MODELS) == set()
    assert {model for model, _ in PROJECT_ADMINS} == project_models


@pytest.mark.parametrize("model", MODELS, ids=LABELS)
def test_changelist_with_search_answers_200(client, superuser, rows, model):
    client.force_login(superuser)

    response = client.get(_url(model, "changelist"), {"q": "x"})

    assert response.status_code == 200


@pytest.mark.parametrize("model", MODELS, ids=LABELS)
def test_changelist_answers_200(client, superuser, rows, model):
    client.force_login(superuser)

    response = client.get(_url(model, "changelist"))

    assert response.status_code == 200
    assert response.context["cl"].result_count == model._default_manager.count()


@pytest.mark.parametrize("model", MODELS, ids=LABELS)
def test_add_page_answers_200(client, superuser, rows, model):
    client.force_login(superuser)

    response = client.get(_url(model, "add"))

    assert response.status_code == 200


@pytest.mark.parametrize("model", [m for m, _ in PROJECT_ADMINS], ids=PROJECT_LABELS)
def test_change_page_answers_200(client, superuser, rows, model):
    client.force_login(superuser)
    obj = model._default_manager.order_by("pk").first()

    response = client.get(_url(model, "change", obj.pk))

    assert response.status_code == 200


def _related_in_list_display(model, model_admin):
    """The list_display columns that are foreign keys (methods and admin callables are not fields)."""
    fields = {field.name: field for field in model._meta.get_fields()}
    return [
        name
        for name in model_admin.list_display
        if isinstance(fields.get(name), models.ForeignKey | models.OneToOneField)
    ]


@pytest.mark.parametrize(("model", "model_admin"), PROJECT_ADMINS, ids=PROJECT_LABELS)
def test_list_select_related_covers_related_columns(model, model_admin):
    related = _related_in_list_display(model, model_admin)
    selected = model_admin.list_select_related
    if not related:
        assert selected in (False, (), [])
        return

    assert selected not in (False, (), [])
    if selected is not True:
        missing = [name for name in related if not any(s == name or s.startswith(f"{name}__") for s in selected)]
        assert missing == []


@pytest.mark.parametrize(("model", "model_admin"), PROJECT_ADMINS, ids=PROJECT_LABELS)
def test_changelist_query_count_does_not_grow_with_rows(client, superuser, model, model_admin):
    """The related objects shown in each row (and used by their __str__) come with the page's queries."""
    client.force_login(superuser)
    FACTORIES[model]()
    client.get(_url(model, "changelist"))  # warm the session and content-type caches
    with CaptureQueriesContext(connection) as one_row:
        first = client.get(_url(model, "changelist"))
    for _ in range(3):
        FACTORIES[model]()

    with CaptureQueriesContext(connection) as four_rows:
        second = client.get(_url(model, "changelist"))

    assert (first.status_code, second.status_code) == (200, 200)
    assert second.context["cl"].result_count == model._default_manager.count() >= first.context["cl"].result_count + 3
    # Same statements, whatever the ids: a query repeated per row shows up in the difference.
    assert _shapes(four_rows) == _shapes(one_row)


def _shapes(captured):
    return [re.sub(r"\b\d+\b", "N", query["sql"]) for query in captured.captured_queries]


def test_a_participant_added_in_the_admin_takes_its_engagements_start_and_kind(client, superuser, rows):
    engagement = rows
    other = Participant.objects.exclude(membership=engagement.leader).get(engagement=engagement)
    newcomer = type(other.membership).objects.create(
        organization=engagement.organization, user=UserFactory(), role=Role.EXECUTIVE
    )
    client.force_login(superuser)

    response = client.post(
        _url(Participant, "add"),
        {
            "engagement": engagement.pk,
            "organization": engagement.organization.pk,
            "membership": newcomer.pk,
            "minutes": 25,
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    added = Participant.objects.get(engagement=engagement, membership=newcomer)
    assert (added.started_at, added.kind, added.minutes) == (engagement.started_at, engagement.kind, 25)
