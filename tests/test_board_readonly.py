"""Board members read everything in their organization and change nothing: every write answers 403."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import User
from apps.engagements.models import Engagement, Learning, Participant
from apps.insights.models import Action, ActionNote, CustomerScore, LearningTheme, Pilot, Theme, ThemeReview
from apps.organizations.models import Invitation, Location, Membership, Organization, Region, Role
from apps.reviews.models import MonthlySend
from tests.engagements.factories import EngagementFactory, LearningFactory, ParticipantFactory
from tests.insights.factories import ActionFactory, CustomerScoreFactory, PilotFactory, ThemeFactory
from tests.organizations.factories import (
    InvitationFactory,
    LocationFactory,
    MembershipFactory,
    OrganizationFactory,
    RegionFactory,
)


@pytest.fixture
def org(db):
    organization = OrganizationFactory(name="Gamma Stores", time_zone="Europe/London")
    executive = MembershipFactory(organization=organization, role=Role.EXECUTIVE, user__full_name="Erin Exec")
    other_executive = MembershipFactory(organization=organization, role=Role.EXECUTIVE, user__full_name="Omar Other")
    chief = MembershipFactory(organization=organization, role=Role.CHIEF_OF_STAFF, user__full_name="Cleo Chief")
    chief.supports.add(executive)
    board = MembershipFactory(organization=organization, role=Role.BOARD, user__full_name="Bert Board")
    admin = MembershipFactory(organization=organization, role=Role.ADMIN, user__full_name="Ada Admin")
    region = RegionFactory(organization=organization, name="Gamma North")
    location = LocationFactory(organization=organization, region=region, name="Gamma High Street", code="G1")
    engagement = EngagementFactory(
        organization=organization, leader=executive, location=location, notes="gamma notes", duration_minutes=60
    )
    participant = ParticipantFactory(engagement=engagement, membership=other_executive, minutes=45)
    learning = LearningFactory(engagement=engagement, text="Queues at lunchtime", quote="Too slow")
    invitation = InvitationFactory(organization=organization, email="newcomer@gamma.example", invited_by=admin)
    theme = ThemeFactory(organization=organization, name="Checkout queues")
    other_theme = ThemeFactory(organization=organization, name="Pricing")
    other_learning = LearningFactory(engagement=engagement, text="Prices unclear")
    action = ActionFactory(organization=organization, owner=executive, title="Second till", learnings=[learning])
    pilot = PilotFactory(action__organization=organization, action__owner=executive, locations=[location])
    score = CustomerScoreFactory(organization=organization, location=location)
    return SimpleNamespace(
        theme=theme,
        other_theme=other_theme,
        other_learning=other_learning,
        action=action,
        pilot=pilot,
        score=score,
        organization=organization,
        executive=executive,
        other_executive=other_executive,
        chief=chief,
        board=board,
        admin=admin,
        region=region,
        location=location,
        engagement=engagement,
        participant=participant,
        learning=learning,
        invitation=invitation,
    )


def rows(organization):
    """Every row of the organization, field by field, plus table totals (so nothing appears elsewhere)."""
    memberships = Membership.objects.filter(organization=organization)
    return {
        "organization": list(Organization.objects.filter(pk=organization.pk).values()),
        "memberships": list(memberships.order_by("pk").values()),
        "supports": sorted(
            Membership.supports.through.objects.filter(from_membership__organization=organization).values_list(
                "from_membership_id", "to_membership_id"
            )
        ),
        "regions": list(Region.objects.filter(organization=organization).order_by("pk").values()),
        "locations": list(Location.objects.filter(organization=organization).order_by("pk").values()),
        "invitations": list(Invitation.objects.filter(organization=organization).order_by("pk").values()),
        "engagements": list(Engagement.objects.filter(organization=organization).order_by("pk").values()),
        "participants": list(Participant.objects.filter(organization=organization).order_by("pk").values()),
        "learnings": list(Learning.objects.filter(organization=organization).order_by("pk").values()),
        "themes": list(Theme.objects.filter(organization=organization).order_by("pk").values()),
        "learning themes": list(LearningTheme.objects.filter(organization=organization).order_by("pk").values()),
        "theme reviews": list(ThemeReview.objects.filter(organization=organization).order_by("pk").values()),
        "actions": list(Action.objects.filter(organization=organization).order_by("pk").values()),
        "action learnings": sorted(Action.learnings.through.objects.values_list("action_id", "learning_id")),
        "action notes": list(ActionNote.objects.filter(organization=organization).order_by("pk").values()),
        "pilots": list(Pilot.objects.filter(organization=organization).order_by("pk").values()),
        "scores": list(CustomerScore.objects.filter(organization=organization).order_by("pk").values()),
        "monthly send": list(MonthlySend.objects.filter(organization=organization).values()),
        "monthly send people": sorted(
            MonthlySend.people.through.objects.filter(monthlysend__organization=organization).values_list(
                "monthlysend_id", "membership_id"
            )
        ),
        "totals": {
            model.__name__: model.objects.count()
            for model in (
                Organization,
                Membership,
                Region,
                Location,
                Invitation,
                Engagement,
                Participant,
                Learning,
                Theme,
                Action,
                Pilot,
                CustomerScore,
            )
        },
        "users": User.objects.count(),
    }


def _started_at():
    return timezone.localtime(timezone.now() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")


# url name -> (object the URL names, or None; a well-formed POST that would change something)
WRITES = {
    "engagements:log": (
        None,
        lambda o: {
            "client_uuid": "7d4f0e59-5c3b-4a8e-9c1d-0a1b2c3d4e5f",
            "leader": o.executive.pk,
            "kind": "store_visit",
            "location": o.location.pk,
            "duration": "30",
            "started_at": _started_at(),
            "customer_type": "external",
            "learning_kind": "idea",
            "learning_text": "logged by the board",
        },
    ),
    "engagements:edit": (
        "engagement",
        lambda o: {
            "kind": "customer_call",
            "location": "",
            "duration": "15",
            "started_at": _started_at(),
            "customer_type": "external",
            "notes": "edited by the board",
        },
    ),
    "engagements:delete": ("engagement", lambda o: {}),
    "engagements:learning_add": (
        "engagement",
        lambda o: {"author": o.executive.pk, "kind": "idea", "text": "added by the board"},
    ),
    "engagements:learning_edit": ("learning", lambda o: {"kind": "idea", "text": "edited by the board", "quote": ""}),
    "engagements:learning_delete": ("learning", lambda o: {}),
    "engagements:participant_minutes": ("participant", lambda o: {"minutes": "1"}),
    "organizations:members": (None, lambda o: {"email": "friend-of-board@example.com", "role": "admin"}),
    "organizations:member_edit": (
        "board",
        lambda o: {"role": "admin", "title": "Self-promoted", "is_active": "on"},
    ),
    "organizations:invitation_revoke": ("invitation", lambda o: {}),
    "organizations:location_create": (None, lambda o: {"name": "Board Store", "code": "B1", "is_active": "on"}),
    "organizations:location_edit": (
        "location",
        lambda o: {"name": "Renamed by board", "code": "G1", "region": o.region.pk, "is_active": "on"},
    ),
    "organizations:settings": (None, lambda o: {"name": "Board's company", "time_zone": "UTC"}),
    "organizations:locations": (None, lambda o: {"name": "Board region"}),
    "insights:learning_themes": ("learning", lambda o: {"themes": [o.other_theme.pk]}),
    "insights:theme_create": (None, lambda o: {"name": "Board theme", "keywords": ""}),
    "insights:theme_edit": ("theme", lambda o: {"name": "Renamed by board", "keywords": ""}),
    "insights:theme_merge": ("theme", lambda o: {"target": o.other_theme.pk}),
    "insights:theme_delete": ("theme", lambda o: {}),
    "insights:action_create": (
        None,
        lambda o: {
            "title": "Board action",
            "owner": o.executive.pk,
            "due_on": (timezone.localdate() + timedelta(days=9)).isoformat(),
            "learning": o.learning.pk,
        },
    ),
    "insights:action_edit": (
        "action",
        lambda o: {
            "title": "Edited by board",
            "owner": o.executive.pk,
            "due_on": (timezone.localdate() + timedelta(days=9)).isoformat(),
        },
    ),
    "insights:action_status": ("action", lambda o: {"status": "in_progress"}),
    "insights:action_note": ("action", lambda o: {"text": "noted by the board"}),
    "insights:action_learning_add": ("action", lambda o: {"learning": o.other_learning.pk}),
    "insights:pilot_create": (
        "action",
        lambda o: {
            "change": "c",
            "hypothesis": "h",
            "locations": [o.location.pk],
            "starts_on": "2030-01-01",
            "ends_on": "2030-02-01",
            "metric": "wait",
        },
    ),
    "insights:pilot_edit": (
        "pilot",
        lambda o: {
            "change": "c",
            "hypothesis": "h",
            "locations": [o.location.pk],
            "starts_on": "2030-01-01",
            "ends_on": "2030-02-01",
            "metric": "wait",
            "result": "2",
            "verdict": "adopt",
        },
    ),
    "insights:score_create": (
        None,
        lambda o: {
            "location": o.location.pk,
            "metric": "ces",
            "period_start": "2030-01-01",
            "period_end": "2030-01-31",
            "value": "3",
        },
    ),
    "insights:score_edit": (
        "score",
        lambda o: {
            "location": o.location.pk,
            "metric": "ces",
            "period_start": "2030-01-01",
            "period_end": "2030-01-31",
            "value": "3",
        },
    ),
    "insights:score_delete": ("score", lambda o: {}),
    "reviews:settings": (None, lambda o: {"enabled": "on", "day": "5", "roles": ["board"], "people": [o.board.pk]}),
}


def _url(url_name, org):
    target = WRITES[url_name][0] if url_name in WRITES else None
    return reverse(url_name, kwargs={"pk": getattr(org, target).pk}) if target else reverse(url_name)


@pytest.mark.parametrize("url_name", sorted(WRITES))
def test_board_member_write_answers_403_and_changes_nothing(client, org, url_name):
    client.force_login(org.board.user)
    payload = WRITES[url_name][1](org)
    before = rows(org.organization)

    response = client.post(_url(url_name, org), payload)

    assert response.status_code == 403
    assert rows(org.organization) == before
    assert mail.outbox == []


@pytest.mark.parametrize("url_name", sorted(WRITES))
def test_board_member_htmx_write_answers_403_and_changes_nothing(client, org, url_name):
    client.force_login(org.board.user)
    payload = WRITES[url_name][1](org)
    before = rows(org.organization)

    response = client.post(_url(url_name, org), payload, HTTP_HX_REQUEST="true")

    assert response.status_code == 403
    assert rows(org.organization) == before


# The same writes from an admin (or the author) succeed: the 403 above comes from the role, not the payload.
CONTROL_ROLE = {
    "engagements:log": "executive",
    "engagements:edit": "executive",
    "engagements:delete": "executive",
    "engagements:learning_add": "executive",
    "engagements:learning_edit": "executive",
    "engagements:learning_delete": "executive",
    "engagements:participant_minutes": "executive",
    "organizations:members": "admin",
    "organizations:member_edit": "admin",
    "organizations:invitation_revoke": "admin",
    "organizations:location_create": "admin",
    "organizations:location_edit": "admin",
    "organizations:settings": "admin",
    "organizations:locations": "admin",
    "insights:learning_themes": "executive",
    "insights:theme_create": "admin",
    "insights:theme_edit": "admin",
    "insights:theme_merge": "admin",
    "insights:theme_delete": "admin",
    "insights:action_create": "executive",
    "insights:action_edit": "executive",
    "insights:action_status": "executive",
    "insights:action_note": "executive",
    "insights:action_learning_add": "executive",
    "insights:pilot_create": "executive",
    "insights:pilot_edit": "executive",
    "insights:score_create": "admin",
    "insights:score_edit": "admin",
    "insights:score_delete": "admin",
    "reviews:settings": "admin",
}


@pytest.mark.parametrize("url_name", sorted(WRITES))
def test_same_write_by_a_permitted_role_changes_the_organization(
    client, org, url_name, django_capture_on_commit_callbacks
):
    client.force_login(getattr(org, CONTROL_ROLE[url_name]).user)
    payload = WRITES[url_name][1](org)
    before = rows(org.organization)

    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(_url(url_name, org), payload)

    assert response.status_code == 302
    assert rows(org.organization) != before


# Pages that show a form for writing: the board does not even get the form.
WRITE_FORMS = [
    "engagements:log",
    "engagements:edit",
    "engagements:delete",
    "engagements:learning_edit",
    "organizations:members",
    "organizations:member_edit",
    "organizations:location_create",
    "organizations:location_edit",
    "organizations:settings",
    "insights:theme_create",
    "insights:theme_edit",
    "insights:theme_merge",
    "insights:theme_delete",
    "insights:action_create",
    "insights:action_edit",
    "insights:pilot_create",
    "insights:pilot_edit",
    "insights:score_create",
    "insights:score_edit",
    "insights:score_import",
    "insights:score_template",
    "reviews:settings",
]


@pytest.mark.parametrize("url_name", WRITE_FORMS)
def test_board_member_gets_403_for_write_forms(client, org, url_name):
    client.force_login(org.board.user)

    response = client.get(_url(url_name, org))

    assert response.status_code == 403


@pytest.mark.parametrize(
    ("url_name", "target"),
    [
        ("engagements:feed", None),
        ("engagements:detail", "engagement"),
        ("engagements:my_time", None),
        ("organizations:locations", None),
        ("insights:learning_feed", None),
        ("insights:learning_detail", "learning"),
        ("insights:theme_list", None),
        ("insights:action_list", None),
        ("insights:action_detail", "action"),
        ("insights:pilot_list", None),
        ("insights:pilot_detail", "pilot"),
        ("insights:score_list", None),
    ],
)
def test_board_member_reads(client, org, url_name, target):
    client.force_login(org.board.user)
    url = reverse(url_name, kwargs={"pk": getattr(org, target).pk}) if target else reverse(url_name)
    before = rows(org.organization)

    response = client.get(url)

    assert response.status_code == 200
    assert rows(org.organization) == before


def test_board_member_home_goes_to_the_feed(client, org):
    client.force_login(org.board.user)

    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response["Location"] == reverse("engagements:feed")


def test_board_member_feed_lists_the_organization_entries(client, org):
    client.force_login(org.board.user)

    response = client.get(reverse("engagements:feed"))

    assert list(response.context["page"].object_list) == [org.engagement]
    assert "Gamma High Street" in response.content.decode()


def test_board_member_detail_offers_no_write_controls(client, org):
    client.force_login(org.board.user)

    response = client.get(reverse("engagements:detail", args=[org.engagement.pk]))

    assert response.status_code == 200
    assert response.context["can_edit"] is False
    assert response.context["learning_form"] is None
    assert response.context["editable_participant_ids"] == set()
    assert response.context["editable_learning_ids"] == set()
    content = response.content.decode()
    assert "Queues at lunchtime" in content
    for url_name, pk in [
        ("engagements:edit", org.engagement.pk),
        ("engagements:delete", org.engagement.pk),
        ("engagements:learning_add", org.engagement.pk),
        ("engagements:learning_edit", org.learning.pk),
        ("engagements:learning_delete", org.learning.pk),
        ("engagements:participant_minutes", org.participant.pk),
    ]:
        assert reverse(url_name, args=[pk]) not in content


def test_board_member_locations_page_offers_no_region_form(client, org):
    client.force_login(org.board.user)

    response = client.get(reverse("organizations:locations"))

    assert response.status_code == 200
    assert response.context["region_form"] is None
    assert [location.name for location in response.context["locations"]] == ["Gamma High Street"]
    assert reverse("organizations:location_create") not in response.content.decode()


def test_board_member_my_time_is_empty(client, org):
    client.force_login(org.board.user)

    response = client.get(reverse("engagements:my_time"))

    assert response.status_code == 200
    assert response.context["leader"] is None
    assert response.context["page"] is None
