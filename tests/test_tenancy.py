"""Tenancy: another organization's ids answer 404 and never data, whatever the URL, method or role.

The URL walk is built from `django.urls.get_resolver()`, so a URL added later without an entry below fails
`test_every_project_url_is_classified` instead of silently escaping the walk.
"""

from datetime import timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter
from django.utils import timezone
from pypdf import PdfReader

from apps.accounts.models import User
from apps.api.models import ApiToken
from apps.engagements.models import Engagement, Learning, Participant
from apps.insights.models import Action, ActionNote, CustomerScore, LearningTheme, Pilot, Theme, ThemeReview
from apps.notifications.models import Notification, Reminder
from apps.organizations.middleware import SESSION_KEY
from apps.organizations.models import Invitation, Location, Membership, Organization, Region, Role
from apps.reviews.models import MonthlySend, Pack
from apps.scheduling.models import Plan, Session
from tests.accounts.factories import UserFactory
from tests.api.factories import ApiTokenFactory
from tests.engagements.factories import EngagementFactory, LearningFactory, ParticipantFactory
from tests.insights.factories import (
    ActionFactory,
    ActionNoteFactory,
    CustomerScoreFactory,
    LearningThemeFactory,
    PilotFactory,
    ThemeFactory,
)
from tests.notifications.factories import NotificationFactory
from tests.organizations.factories import (
    InvitationFactory,
    LocationFactory,
    MembershipFactory,
    OrganizationFactory,
    RegionFactory,
)
from tests.reviews.factories import PackFactory
from tests.scheduling.factories import PlanFactory, SessionFactory

INVALID_CHOICE = "Select a valid choice. That choice is not one of the available choices."


# --- The URL walk -------------------------------------------------------------------------------
def _is_third_party(resolver):
    """allauth's, Django admin's and Django's language switch (set_language: it reads no organization's rows;
    tests/test_language_resolution.py tests it) are theirs to test; everything else is the project's."""
    module = getattr(resolver.urlconf_module, "__name__", "")
    return (
        resolver.namespace == "admin" or module in ("allauth", "django.conf.urls.i18n") or module.startswith("allauth.")
    )


def _walk(resolver, namespaces=()):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if _is_third_party(entry):
                continue
            yield from _walk(entry, namespaces + ((entry.namespace,) if entry.namespace else ()))
        elif isinstance(entry, URLPattern):
            yield ":".join((*namespaces, entry.name or "<unnamed>")), entry


PROJECT_PATTERNS = dict(_walk(get_resolver()))
PK_URL_NAMES = sorted(
    name
    for name, pattern in PROJECT_PATTERNS.items()
    if isinstance(getattr(pattern.pattern, "converters", {}).get("pk"), IntConverter)
)

# Every project URL that names an object by `<int:pk>`, and the kind of org-A object it names.
OBJECT_FOR_URL = {
    "engagements:detail": "engagement",
    "engagements:edit": "engagement",
    "engagements:delete": "engagement",
    "engagements:learning_add": "engagement",
    "engagements:learning_edit": "learning",
    "engagements:learning_delete": "learning",
    "engagements:participant_minutes": "participant",
    "organizations:member_edit": "membership",
    "organizations:invitation_revoke": "invitation",
    "organizations:location_edit": "location",
    "scheduling:plan": "plan",
    "scheduling:plan_edit": "plan",
    "scheduling:session_move": "session",
    "scheduling:session_skip": "session",
    "scheduling:session_log": "session",
    "scheduling:session_ics": "session",
    "notifications:mark_read": "notification",
    "insights:learning_detail": "learning",
    "insights:learning_themes": "learning",
    "insights:theme_edit": "theme",
    "insights:theme_merge": "theme",
    "insights:theme_delete": "theme",
    "insights:action_detail": "action",
    "insights:action_edit": "action",
    "insights:action_status": "action",
    "insights:action_note": "action",
    "insights:action_learning_add": "action",
    "insights:action_learning_remove": "action",
    "insights:pilot_create": "action",
    "insights:pilot_detail": "pilot",
    "insights:pilot_edit": "pilot",
    "insights:score_edit": "score",
    "insights:score_delete": "score",
    "reviews:pack": "pack",
    "reviews:pack_download": "pack",
    "api:token_revoke": "api_token",
}
# URLs naming a second object besides `pk`: which one (of the same organization as the first).
OTHER_KWARGS = {"insights:action_learning_remove": {"learning_pk": "learning"}}
# Project URLs without an object id: walked below for org A's data showing up in org B's pages.
URLS_WITHOUT_OBJECT_ID = {
    "home",
    "healthz",
    "service_worker",
    "accounts:profile",
    "organizations:create",
    "organizations:switch",
    "organizations:settings",
    "organizations:members",
    "organizations:locations",
    "organizations:location_create",
    "engagements:log",
    "engagements:my_time",
    "engagements:feed",
    "scheduling:schedule",
    "scheduling:team",
    "scheduling:plan_create",
    "scheduling:calendar",
    "scheduling:targets",
    "notifications:list",
    "notifications:mark_all_read",
    "notifications:preferences",
    "insights:learning_feed",
    "insights:theme_list",
    "insights:theme_create",
    "insights:action_list",
    "insights:action_create",
    "insights:pilot_list",
    "insights:score_list",
    "insights:score_create",
    "insights:score_import",
    "insights:score_template",
    "dashboards:executive",
    "dashboards:team",
    "dashboards:board",
    "reviews:review",
    "reviews:settings",
    "api:tokens",
    "api:schema",
    "api:docs",
}
# Addressed by an unguessable token (the capability is the link itself); tested on its own below.
URLS_WITH_TOKEN = {"organizations:invitation_accept", "scheduling:calendar_feed", "notifications:unsubscribe"}
# Addressed by a period ("2026-11"): what they show is the member's own organization's, whatever the period.
URLS_WITH_PERIOD = {"reviews:period"}
# Addressed by a period, asked for with a POST: the board pack of the member's own organization's review.
URLS_WITH_PERIOD_POST = {"reviews:pack_request"}
# The REST API, walked with each role's token (tests below): the list shows org B only, org A's ids are 404.
API_URLS = {"api:engagement-list", "api:engagement-detail", "api:action-list", "api:action-detail"}
# `require_POST` views answer 405 to GET whatever the id (nothing about the object is looked up).
POST_ONLY = {
    "api:token_revoke",
    "organizations:switch",
    "organizations:invitation_revoke",
    "engagements:learning_add",
    "engagements:learning_delete",
    "engagements:participant_minutes",
    "scheduling:session_skip",
    "notifications:mark_read",
    "notifications:mark_all_read",
    "insights:learning_themes",
    "insights:action_status",
    "insights:action_note",
    "insights:action_learning_add",
    "insights:action_learning_remove",
    "insights:score_delete",
}

# Org B's members: one per role, plus a user who is also an executive of org A but is acting in org B.
ROLES = ["executive", "chief_of_staff", "board", "admin", "also_member_of_a"]

# Text that exists only in org A; none of it may appear in any page org B's members see.
A_MARKERS = [
    "Alpha Holdings",
    "Alice Alphason",
    "Alan Alphadmin",
    "Alpha Flagship Store",
    "Alpha Region North",
    "alpha secret notes",
    "alpha secret learning",
    "alpha secret quote",
    "alpha-invitee@alpha.example",
    "alpha secret plan",
    "alpha secret notification",
    "alpha secret theme",
    "alpha secret action",
    "alpha secret pilot",
    "alpha secret progress note",
]
# URLs that only read: their POST changes nothing even for a member who may see the object.
READ_ONLY = {
    "engagements:detail",
    "reviews:pack",
    "reviews:pack_download",
    "scheduling:plan",
    "scheduling:session_ics",
    "insights:learning_detail",
    "insights:action_detail",
    "insights:pilot_detail",
}


# --- Two organizations --------------------------------------------------------------------------
@pytest.fixture
def world(db):
    org_a = OrganizationFactory(name="Alpha Holdings", slug="alpha")
    a_admin = MembershipFactory(organization=org_a, role=Role.ADMIN, user__full_name="Alan Alphadmin")
    a_exec = MembershipFactory(organization=org_a, role=Role.EXECUTIVE, user__full_name="Alice Alphason")
    a_chief = MembershipFactory(organization=org_a, role=Role.CHIEF_OF_STAFF, user__full_name="Chris Alphastaff")
    a_chief.supports.add(a_exec)
    shared_user = UserFactory(full_name="Dana Dual")
    a_dual = MembershipFactory(organization=org_a, user=shared_user, role=Role.EXECUTIVE)
    a_region = RegionFactory(organization=org_a, name="Alpha Region North")
    a_location = LocationFactory(organization=org_a, region=a_region, name="Alpha Flagship Store", code="ALPHA1")
    a_engagement = EngagementFactory(
        organization=org_a, leader=a_exec, location=a_location, notes="alpha secret notes", duration_minutes=45
    )
    a_participant = ParticipantFactory(engagement=a_engagement, membership=a_dual, minutes=40)
    a_learning = LearningFactory(engagement=a_engagement, text="alpha secret learning", quote="alpha secret quote")
    a_invitation = InvitationFactory(organization=org_a, email="alpha-invitee@alpha.example", invited_by=a_admin)
    a_plan = PlanFactory(organization=org_a, leader=a_exec, title="alpha secret plan")
    a_session = SessionFactory(plan=a_plan, starts_at=timezone.now() - timedelta(hours=2))
    a_notification = NotificationFactory(recipient=a_dual, title="alpha secret notification")
    a_theme = ThemeFactory(organization=org_a, name="alpha secret theme", keywords="alpha secret keyword")
    ThemeFactory(organization=org_a, name="alpha secret theme two")
    LearningThemeFactory(learning=a_learning, theme=a_theme)
    LearningFactory(engagement=a_engagement, text="alpha secret learning two")
    a_action = ActionFactory(organization=org_a, owner=a_exec, title="alpha secret action", learnings=[a_learning])
    ActionNoteFactory(action=a_action, text="alpha secret progress note")
    a_pilot = PilotFactory(
        action__organization=org_a,
        action__owner=a_exec,
        action__title="alpha secret action piloted",
        change="alpha secret pilot",
        locations=[a_location],
    )
    a_score = CustomerScoreFactory(organization=org_a, location=a_location)
    a_pack = PackFactory(organization=org_a)
    a_token = ApiTokenFactory(membership=a_exec)

    org_b = OrganizationFactory(name="Beta Partners", slug="beta")
    b_exec = MembershipFactory(organization=org_b, role=Role.EXECUTIVE, user__full_name="Bob Betason")
    b_chief = MembershipFactory(organization=org_b, role=Role.CHIEF_OF_STAFF, user__full_name="Bea Betastaff")
    b_chief.supports.add(b_exec)
    b_board = MembershipFactory(organization=org_b, role=Role.BOARD, user__full_name="Bill Betaboard")
    b_admin = MembershipFactory(organization=org_b, role=Role.ADMIN, user__full_name="Babs Betadmin")
    b_dual = MembershipFactory(organization=org_b, user=shared_user, role=Role.EXECUTIVE)
    b_region = RegionFactory(organization=org_b, name="Beta Region")
    b_location = LocationFactory(organization=org_b, region=b_region, name="Beta Corner Shop", code="BETA1")
    b_engagement = EngagementFactory(organization=org_b, leader=b_exec, location=b_location, notes="beta notes")
    b_learning = LearningFactory(engagement=b_engagement, text="beta learning")
    b_invitation = InvitationFactory(organization=org_b, email="beta-invitee@beta.example", invited_by=b_admin)
    b_plan = PlanFactory(organization=org_b, leader=b_exec, title="beta plan")
    b_session = SessionFactory(plan=b_plan, starts_at=timezone.now() - timedelta(hours=2))
    b_notification = NotificationFactory(recipient=b_exec, title="beta notification")
    b_theme = ThemeFactory(organization=org_b, name="beta theme")
    ThemeFactory(organization=org_b, name="beta theme two")
    LearningThemeFactory(learning=b_learning, theme=b_theme)
    LearningFactory(engagement=b_engagement, text="beta learning two")
    b_action = ActionFactory(organization=org_b, owner=b_exec, title="beta action", learnings=[b_learning])
    b_pilot = PilotFactory(
        action__organization=org_b, action__owner=b_exec, action__title="beta action piloted", change="beta pilot"
    )
    b_score = CustomerScoreFactory(organization=org_b, location=b_location)
    b_pack = PackFactory(organization=org_b, scope_key=f"team-{b_chief.pk}")  # a chief of staff may read it
    b_token = ApiTokenFactory(membership=b_exec)

    return SimpleNamespace(
        org_a=org_a,
        a_admin=a_admin,
        a_exec=a_exec,
        a_chief=a_chief,
        a_dual=a_dual,
        a_region=a_region,
        a_location=a_location,
        a_engagement=a_engagement,
        a_participant=a_participant,
        a_learning=a_learning,
        a_invitation=a_invitation,
        org_b=org_b,
        b_exec=b_exec,
        b_chief=b_chief,
        b_board=b_board,
        b_admin=b_admin,
        b_dual=b_dual,
        b_region=b_region,
        b_location=b_location,
        b_engagement=b_engagement,
        b_action=b_action,
        b_learning=b_learning,
        b_theme=b_theme,
        b_pilot=b_pilot,
        a_theme=a_theme,
        a_action=a_action,
        b_members={
            "executive": b_exec,
            "chief_of_staff": b_chief,
            "board": b_board,
            "admin": b_admin,
            "also_member_of_a": b_dual,
        },
        b_objects={
            "engagement": b_engagement,
            "learning": b_learning,
            "participant": Participant.objects.get(engagement=b_engagement, membership=b_exec),
            "membership": b_exec,
            "invitation": b_invitation,
            "location": b_location,
            "plan": b_plan,
            "session": b_session,
            "notification": b_notification,
            "theme": b_theme,
            "action": b_action,
            "pilot": b_pilot,
            "score": b_score,
            "pack": b_pack,
            "api_token": b_token,
        },
        a_objects={
            "engagement": a_engagement,
            "learning": a_learning,
            "participant": a_participant,
            "membership": a_exec,
            "invitation": a_invitation,
            "location": a_location,
            "plan": a_plan,
            "session": a_session,
            "notification": a_notification,
            "theme": a_theme,
            "action": a_action,
            "pilot": a_pilot,
            "score": a_score,
            "pack": a_pack,
            "api_token": a_token,
        },
    )


def login_in_b(client, world, role):
    """Log in as org B's member with `role`, acting in org B (the session's chosen organization)."""
    membership = world.b_members[role]
    client.force_login(membership.user)
    session = client.session
    session[SESSION_KEY] = world.org_b.pk
    session.save()
    return membership


def org_rows(organization):
    """Every row org A owns, field by field (updated_at included, so any save shows)."""
    memberships = Membership.objects.filter(organization=organization)
    return {
        "organization": list(Organization.objects.filter(pk=organization.pk).values()),
        "memberships": list(memberships.order_by("pk").values()),
        "supports": sorted(
            Membership.supports.through.objects.filter(from_membership__organization=organization).values_list(
                "from_membership_id", "to_membership_id"
            )
        ),
        "users": list(
            User.objects.filter(memberships__in=memberships).order_by("pk").values("pk", "email", "password")
        ),
        "regions": list(Region.objects.filter(organization=organization).order_by("pk").values()),
        "locations": list(Location.objects.filter(organization=organization).order_by("pk").values()),
        "invitations": list(Invitation.objects.filter(organization=organization).order_by("pk").values()),
        "engagements": list(Engagement.objects.filter(organization=organization).order_by("pk").values()),
        "participants": list(Participant.objects.filter(organization=organization).order_by("pk").values()),
        "learnings": list(Learning.objects.filter(organization=organization).order_by("pk").values()),
        "plans": list(Plan.objects.filter(organization=organization).order_by("pk").values()),
        "sessions": list(Session.objects.filter(organization=organization).order_by("pk").values()),
        "notifications": list(Notification.objects.filter(organization=organization).order_by("pk").values()),
        "reminders": list(Reminder.objects.filter(organization=organization).order_by("pk").values()),
        "themes": list(Theme.objects.filter(organization=organization).order_by("pk").values()),
        "learning themes": list(LearningTheme.objects.filter(organization=organization).order_by("pk").values()),
        "theme reviews": list(ThemeReview.objects.filter(organization=organization).order_by("pk").values()),
        "actions": list(Action.objects.filter(organization=organization).order_by("pk").values()),
        "action learnings": sorted(
            Action.learnings.through.objects.filter(action__organization=organization).values_list(
                "action_id", "learning_id"
            )
        ),
        "action notes": list(ActionNote.objects.filter(organization=organization).order_by("pk").values()),
        "pilots": list(Pilot.objects.filter(organization=organization).order_by("pk").values()),
        "pilot locations": sorted(
            Pilot.locations.through.objects.filter(pilot__organization=organization).values_list(
                "pilot_id", "location_id"
            )
        ),
        "monthly send": list(MonthlySend.objects.filter(organization=organization).values()),
        "monthly send people": sorted(
            MonthlySend.people.through.objects.filter(monthlysend__organization=organization).values_list(
                "monthlysend_id", "membership_id"
            )
        ),
        "scores": list(CustomerScore.objects.filter(organization=organization).order_by("pk").values()),
        "packs": list(Pack.objects.filter(organization=organization).order_by("pk").values()),
        "api tokens": list(ApiToken.objects.filter(organization=organization).order_by("pk").values()),
    }


def started_at_field(hours_ago=1):
    return timezone.localtime(timezone.now() - timedelta(hours=hours_ago)).strftime("%Y-%m-%dT%H:%M")


def attack_payload(url_name, author):
    """A well-formed POST for the URL: if the object were found, it would change or delete it."""
    org = author.organization
    themes = list(Theme.objects.filter(organization=org).order_by("pk"))
    unlinked = Learning.objects.filter(organization=org, actions__isnull=True).order_by("pk").first()
    location = Location.objects.filter(organization=org).order_by("pk").first()
    pilot_fields = {
        "change": "changed by org B",
        "hypothesis": "changed by org B",
        "locations": [location.pk],
        "starts_on": "2030-01-01",
        "ends_on": "2030-02-01",
        "metric": "wait",
        "baseline": "5",
    }
    return {
        "insights:learning_detail": {},
        "insights:learning_themes": {"themes": [themes[1].pk], "next": ""},
        "insights:theme_edit": {"name": "renamed by org B", "keywords": "b"},
        "insights:theme_merge": {"target": themes[1].pk},
        "insights:theme_delete": {},
        "insights:action_detail": {},
        "insights:action_edit": {
            "title": "changed by org B",
            "description": "",
            "owner": author.pk,
            "due_on": "2030-01-01",
        },
        "insights:action_status": {"status": "in_progress"},
        "insights:action_note": {"text": "planted by org B"},
        "insights:action_learning_add": {"learning": unlinked.pk, "next": ""},
        "insights:action_learning_remove": {},
        "insights:pilot_create": pilot_fields,
        "insights:pilot_detail": {},
        "insights:pilot_edit": {**pilot_fields, "result": "3", "verdict": "adopt", "verdict_notes": "by org B"},
        "insights:score_edit": {
            "location": location.pk,
            "metric": "ces",
            "period_start": "2030-01-01",
            "period_end": "2030-01-31",
            "value": "3",
            "responses": "",
        },
        "insights:score_delete": {},
        "reviews:pack": {},
        "reviews:pack_download": {},
        "api:token_revoke": {},
        "engagements:detail": {},
        "engagements:edit": {
            "kind": "customer_call",
            "location": "",
            "duration": "custom",
            "duration_custom": "1",
            "started_at": started_at_field(),
            "customer_type": "internal",
            "notes": "changed by org B",
        },
        "engagements:delete": {},
        "engagements:learning_add": {"author": author.pk, "kind": "idea", "text": "planted by org B"},
        "engagements:learning_edit": {"kind": "idea", "text": "changed by org B", "quote": ""},
        "engagements:learning_delete": {},
        "engagements:participant_minutes": {"minutes": "1"},
        "organizations:member_edit": {"role": "board", "title": "changed by org B", "is_active": ""},
        "organizations:invitation_revoke": {},
        "organizations:location_edit": {"name": "Renamed by org B", "code": "X", "region": "", "address": ""},
        "scheduling:plan": {},
        "scheduling:plan_edit": {
            "scope": "all",
            "kind": "customer_call",
            "start_time": "07:00",
            "duration_minutes": "30",
            "time_zone": "Europe/Oslo",
            "notes": "changed by org B",
        },
        "scheduling:session_move": {"date": "2030-01-07", "time": "10:00", "duration_minutes": "30"},
        "scheduling:session_skip": {},
        "scheduling:session_ics": {},
        "notifications:mark_read": {},
        "scheduling:session_log": {
            "client_uuid": "6f1c1e8e-1b7a-4f7e-9a52-1f2d3c4b5a69",
            "leader": author.pk,
            "kind": "customer_call",
            "location": "",
            "duration": "30",
            "started_at": started_at_field(),
            "customer_type": "external",
            "learning_kind": "idea",
            "learning_text": "logged by org B",
        },
    }[url_name]


def assert_no_org_a_text(response, allowed=frozenset()):
    content = response.content.decode()
    assert [marker for marker in A_MARKERS if marker in content and marker not in allowed] == []


# --- The walk itself ----------------------------------------------------------------------------
def test_walker_finds_only_project_views_outside_allauth_and_admin():
    modules = {name: pattern.callback.__module__ for name, pattern in PROJECT_PATTERNS.items()}

    assert {name: module for name, module in modules.items() if not module.startswith("apps.")} == {}
    assert "<unnamed>" not in PROJECT_PATTERNS


def test_every_project_url_is_classified():
    classified = (
        URLS_WITHOUT_OBJECT_ID
        | URLS_WITH_TOKEN
        | URLS_WITH_PERIOD
        | URLS_WITH_PERIOD_POST
        | API_URLS
        | set(OBJECT_FOR_URL)
    )

    assert set(PROJECT_PATTERNS) - classified == set(), "new URL: add it to OBJECT_FOR_URL or the lists above"
    assert classified - set(PROJECT_PATTERNS) == set(), "stale entry: the URL no longer exists"
    assert sorted(OBJECT_FOR_URL) == PK_URL_NAMES
    assert set(PROJECT_PATTERNS) >= POST_ONLY


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("url_name", PK_URL_NAMES)
def test_org_a_object_answers_404_to_org_b(client, world, url_name, method, role):
    login_in_b(client, world, role)
    target = world.a_objects[OBJECT_FOR_URL[url_name]]
    missing_pk = target.pk + 100_000
    expected = 405 if method == "get" and url_name in POST_ONLY else 404
    data = attack_payload(url_name, world.a_exec) if method == "post" else None
    before = org_rows(world.org_a)

    other = _other_kwargs(url_name, world.a_objects)
    response = getattr(client, method)(reverse(url_name, kwargs={"pk": target.pk, **other}), data)
    response_missing = getattr(client, method)(reverse(url_name, kwargs={"pk": missing_pk, **other}), data)

    # Same answer as for an id that exists nowhere: org B learns nothing, not even that the id exists.
    assert (response.status_code, response_missing.status_code) == (expected, expected)
    assert org_rows(world.org_a) == before
    assert_no_org_a_text(response)


def _other_kwargs(url_name, objects):
    return {name: objects[kind].pk for name, kind in OTHER_KWARGS.get(url_name, {}).items()}


# Control: the same payloads, sent by a role that may use the URL to org B's own object, do change it (so
# "org A's rows unchanged" above is not the result of a payload that could never have worked).
CONTROL = {
    "engagements:detail": ("executive", 200),
    "engagements:edit": ("executive", 302),
    "engagements:delete": ("executive", 302),
    "engagements:learning_add": ("executive", 302),
    "engagements:learning_edit": ("executive", 302),
    "engagements:learning_delete": ("executive", 302),
    "engagements:participant_minutes": ("executive", 302),
    "organizations:member_edit": ("admin", 302),
    "organizations:invitation_revoke": ("admin", 302),
    "organizations:location_edit": ("admin", 302),
    "scheduling:plan": ("executive", 200),
    "scheduling:plan_edit": ("executive", 302),
    "scheduling:session_move": ("executive", 302),
    "scheduling:session_skip": ("executive", 302),
    "scheduling:session_log": ("executive", 302),
    "scheduling:session_ics": ("executive", 200),
    "notifications:mark_read": ("executive", 302),
    "insights:learning_detail": ("executive", 200),
    "insights:learning_themes": ("executive", 302),
    "insights:theme_edit": ("admin", 302),
    "insights:theme_merge": ("admin", 302),
    "insights:theme_delete": ("admin", 302),
    "insights:action_detail": ("executive", 200),
    "insights:action_edit": ("executive", 302),
    "insights:action_status": ("executive", 302),
    "insights:action_note": ("executive", 302),
    "insights:action_learning_add": ("executive", 302),
    "insights:action_learning_remove": ("executive", 302),
    "insights:pilot_create": ("executive", 302),
    "insights:pilot_detail": ("executive", 200),
    "insights:pilot_edit": ("executive", 302),
    "insights:score_edit": ("admin", 302),
    "insights:score_delete": ("admin", 302),
    "reviews:pack": ("chief_of_staff", 200),
    "reviews:pack_download": ("chief_of_staff", 200),
    "api:token_revoke": ("executive", 302),
}


@pytest.mark.parametrize("url_name", PK_URL_NAMES)
def test_walk_payloads_change_org_b_own_rows(client, world, url_name):
    role, expected = CONTROL[url_name]
    login_in_b(client, world, role)
    target = world.b_objects[OBJECT_FOR_URL[url_name]]
    before = org_rows(world.org_b)

    url = reverse(url_name, kwargs={"pk": target.pk, **_other_kwargs(url_name, world.b_objects)})
    response = client.post(url, attack_payload(url_name, world.b_exec))

    assert response.status_code == expected
    assert (org_rows(world.org_b) != before) is (url_name not in READ_ONLY)


# Status each role of org B gets on the URLs without an object id (GET).
NO_ID_STATUS = {
    "home": {"executive": 200, "chief_of_staff": 200, "board": 302, "admin": 302, "also_member_of_a": 200},
    "healthz": dict.fromkeys(ROLES, 200),
    "service_worker": dict.fromkeys(ROLES, 200),
    "accounts:profile": dict.fromkeys(ROLES, 200),
    "organizations:create": dict.fromkeys(ROLES, 200),
    "organizations:switch": dict.fromkeys(ROLES, 405),
    "organizations:settings": {**dict.fromkeys(ROLES, 403), "admin": 200},
    "organizations:members": {**dict.fromkeys(ROLES, 403), "admin": 200},
    "organizations:locations": dict.fromkeys(ROLES, 200),
    "organizations:location_create": {**dict.fromkeys(ROLES, 403), "admin": 200},
    "engagements:log": {"executive": 200, "chief_of_staff": 200, "board": 403, "admin": 403, "also_member_of_a": 200},
    "engagements:my_time": dict.fromkeys(ROLES, 200),
    "engagements:feed": dict.fromkeys(ROLES, 200),
    "scheduling:schedule": dict.fromkeys(ROLES, 200),
    "scheduling:team": {**dict.fromkeys(ROLES, 302), "chief_of_staff": 200},
    "scheduling:plan_create": {**dict.fromkeys(ROLES, 200), "board": 403, "admin": 403},
    "scheduling:calendar": dict.fromkeys(ROLES, 200),
    "scheduling:targets": dict.fromkeys(ROLES, 200),
    "notifications:list": dict.fromkeys(ROLES, 200),
    "notifications:mark_all_read": dict.fromkeys(ROLES, 405),
    "notifications:preferences": dict.fromkeys(ROLES, 200),
    "insights:learning_feed": dict.fromkeys(ROLES, 200),
    "insights:theme_list": dict.fromkeys(ROLES, 200),
    "insights:theme_create": {**dict.fromkeys(ROLES, 403), "admin": 200},
    "insights:action_list": dict.fromkeys(ROLES, 200),
    "insights:action_create": {**dict.fromkeys(ROLES, 200), "board": 403},
    "insights:pilot_list": dict.fromkeys(ROLES, 200),
    "insights:score_list": dict.fromkeys(ROLES, 200),
    "insights:score_create": {**dict.fromkeys(ROLES, 403), "admin": 200, "chief_of_staff": 200},
    "insights:score_import": {**dict.fromkeys(ROLES, 403), "admin": 200, "chief_of_staff": 200},
    "insights:score_template": {**dict.fromkeys(ROLES, 403), "admin": 200, "chief_of_staff": 200},
    "dashboards:executive": dict.fromkeys(ROLES, 200),
    "dashboards:team": {**dict.fromkeys(ROLES, 302), "chief_of_staff": 200, "admin": 200},
    "dashboards:board": dict.fromkeys(ROLES, 200),
    "reviews:review": dict.fromkeys(ROLES, 302),  # to the period it opens on
    "reviews:settings": {**dict.fromkeys(ROLES, 403), "admin": 200},
    "api:tokens": dict.fromkeys(ROLES, 200),
    "api:schema": dict.fromkeys(ROLES, 200),
    "api:docs": dict.fromkeys(ROLES, 200),
}


def test_no_id_status_table_covers_every_url_without_an_id():
    assert set(NO_ID_STATUS) == URLS_WITHOUT_OBJECT_ID


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url_name", sorted(URLS_WITHOUT_OBJECT_ID))
def test_pages_without_an_id_show_org_b_nothing_of_org_a(client, world, url_name, role):
    login_in_b(client, world, role)
    before = org_rows(world.org_a)

    response = client.get(reverse(url_name))

    assert response.status_code == NO_ID_STATUS[url_name][role]
    # The "create or switch organization" page lists the user's own organizations, A included for them.
    allowed = {"Alpha Holdings"} if (url_name, role) == ("organizations:create", "also_member_of_a") else set()
    assert_no_org_a_text(response, allowed)
    assert org_rows(world.org_a) == before


def this_period(zone="UTC"):
    """This month on the clock of `zone` (the demos' zones are UTC or ahead of it, so the UTC month has begun
    for them)."""
    return timezone.localdate(timezone=ZoneInfo(zone)).strftime("%Y-%m")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url_name", sorted(URLS_WITH_PERIOD))
def test_pages_of_a_period_show_org_b_nothing_of_org_a(client, world, url_name, role):
    login_in_b(client, world, role)
    before = org_rows(world.org_a)

    response = client.get(reverse(url_name, kwargs={"slug": this_period(world.org_b.time_zone)}))

    assert response.status_code == 200
    assert_no_org_a_text(response)
    assert org_rows(world.org_a) == before


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url_name", sorted(URLS_WITH_PERIOD_POST))
def test_a_pack_asked_for_in_org_b_prints_org_b_only(client, world, url_name, role):
    login_in_b(client, world, role)
    before = org_rows(world.org_a)

    response = client.post(reverse(url_name, kwargs={"slug": this_period(world.org_b.time_zone)}))

    assert response.status_code == 302
    pack = Pack.objects.exclude(pk__in=[world.a_objects["pack"].pk, world.b_objects["pack"].pk]).get()
    assert pack.organization_id == world.org_b.pk
    text = " ".join(page.extract_text() for page in PdfReader(pack.file.open()).pages)
    assert [marker for marker in A_MARKERS if marker in text] == []
    assert "Beta Partners" in text
    assert org_rows(world.org_a) == before


@pytest.mark.parametrize("role", ROLES)
def test_the_api_shows_org_b_only_and_org_a_ids_are_404(client, world, role):
    member = world.b_members[role]
    _, plain = ApiTokenFactory.with_plain(membership=member, scope="read")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {plain}"}
    before = org_rows(world.org_a)

    listed = client.get(reverse("api:engagement-list"), **auth)
    foreign = client.get(reverse("api:engagement-detail", args=[world.a_engagement.pk]), **auth)
    missing = client.get(reverse("api:engagement-detail", args=[world.a_engagement.pk + 100_000]), **auth)
    by_location = client.get(reverse("api:engagement-list"), {"location": world.a_location.pk}, **auth)
    actions = client.get(reverse("api:action-list"), **auth)
    foreign_action = client.get(reverse("api:action-detail", args=[world.a_action.pk]), **auth)
    by_owner = client.get(reverse("api:action-list"), {"owner": world.a_exec.pk}, **auth)

    assert listed.status_code == 200
    assert [row["id"] for row in listed.json()["results"]] == [world.b_engagement.pk]
    assert_no_org_a_text(listed)
    assert (foreign.status_code, missing.status_code) == (404, 404)
    assert foreign.json() == missing.json()
    assert by_location.status_code == 400
    assert_no_org_a_text(by_location)
    assert [row["id"] for row in actions.json()["results"]] == [world.b_action.pk, world.b_pilot.action_id]
    assert_no_org_a_text(actions)
    assert foreign_action.status_code == 404
    assert by_owner.status_code == 400
    assert_no_org_a_text(by_owner)
    assert org_rows(world.org_a) == before


# --- Switching organization ----------------------------------------------------------------------
@pytest.mark.parametrize("role", ROLES)
def test_switch_to_org_a_answers_404_to_org_b(client, world, role):
    login_in_b(client, world, role)

    response = client.post(reverse("organizations:switch"), {"organization": world.org_a.pk})

    # The member of both organizations has an active membership in A: for them, switching is legitimate.
    expected = 302 if role == "also_member_of_a" else 404
    assert response.status_code == expected
    assert client.session[SESSION_KEY] == (world.org_a.pk if expected == 302 else world.org_b.pk)


def test_switch_to_an_organization_where_membership_is_inactive_answers_404(client, world):
    Membership.objects.filter(pk=world.a_dual.pk).update(is_active=False)
    login_in_b(client, world, "also_member_of_a")

    response = client.post(reverse("organizations:switch"), {"organization": world.org_a.pk})

    assert response.status_code == 404
    assert client.session[SESSION_KEY] == world.org_b.pk


# --- Feed and my time ------------------------------------------------------------------------------
@pytest.mark.parametrize("role", ROLES)
def test_feed_of_org_b_lists_only_org_b_entries(client, world, role):
    login_in_b(client, world, role)

    response = client.get(reverse("engagements:feed"))

    assert response.status_code == 200
    assert list(response.context["page"].object_list) == [world.b_engagement]
    assert "Beta Corner Shop" in response.content.decode()
    assert_no_org_a_text(response)


@pytest.mark.parametrize("role", ROLES)
def test_feed_filters_naming_org_a_ids_are_rejected_and_show_nothing(client, world, role):
    login_in_b(client, world, role)

    response = client.get(
        reverse("engagements:feed"),
        {"leader": world.a_exec.pk, "location": world.a_location.pk, "region": world.a_region.pk},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "leader": [INVALID_CHOICE],
        "location": [INVALID_CHOICE],
        "region": [INVALID_CHOICE],
    }
    assert list(response.context["page"].object_list) == []
    assert_no_org_a_text(response)


@pytest.mark.parametrize("role", ROLES)
def test_feed_htmx_fragment_lists_only_org_b_entries(client, world, role):
    login_in_b(client, world, role)

    response = client.get(reverse("engagements:feed"), HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert list(response.context["page"].object_list) == [world.b_engagement]
    assert_no_org_a_text(response)


@pytest.mark.parametrize(
    ("role", "expected"),
    [("executive", "b_engagement"), ("chief_of_staff", "b_engagement"), ("also_member_of_a", None)],
)
def test_my_time_in_org_b_never_lists_org_a_entries(client, world, role, expected):
    """The member of both organizations is credited in org A's engagement; acting in B, it is not theirs."""
    login_in_b(client, world, role)

    response = client.get(reverse("engagements:my_time"))

    assert response.status_code == 200
    engagements = list(response.context["page"].object_list)
    assert engagements == ([getattr(world, expected)] if expected else [])
    assert_no_org_a_text(response)


def test_my_time_for_chief_of_staff_naming_org_a_executive_shows_nothing(client, world):
    login_in_b(client, world, "chief_of_staff")

    response = client.get(reverse("engagements:my_time"), {"leader": world.a_exec.pk})

    assert response.status_code == 200
    assert response.context["leader"] is None
    assert response.context["page"] is None
    assert_no_org_a_text(response)


# --- Forms in org B that name org A's rows ------------------------------------------------------------
def _log_payload(world, leader, **overrides):
    data = {
        "client_uuid": "3f1c5a2e-8d7b-4c6a-9e1f-2b3c4d5e6f70",
        "leader": leader.pk,
        "kind": "store_visit",
        "location": world.b_location.pk,
        "duration": "30",
        "started_at": started_at_field(),
        "customer_type": "external",
        "learning_kind": "observation",
        "learning_text": "planted by org B",
    }
    data.update(overrides)
    return data


def _edit_payload(world, **overrides):
    data = {
        "kind": "store_visit",
        "location": world.b_location.pk,
        "duration": "60",
        "started_at": started_at_field(),
        "customer_type": "external",
        "notes": "edited in org B",
    }
    data.update(overrides)
    return data


def _participants_error(pk):
    return f"Select a valid choice. {pk} is not one of the available choices."


# (role, url name, org B's object or None, payload builder, the form's expected errors). A kind that needs a
# location still gets exactly one message: the one about org A's id.
CROSS_ORG_FORM_CASES = {
    "log-location-of-a": (
        "executive",
        "engagements:log",
        None,
        lambda w: _log_payload(w, w.b_exec, kind="customer_call", location=w.a_location.pk),
        lambda w: {"location": [INVALID_CHOICE]},
    ),
    "log-store-visit-at-location-of-a": (
        "executive",
        "engagements:log",
        None,
        lambda w: _log_payload(w, w.b_exec, kind="store_visit", location=w.a_location.pk),
        lambda w: {"location": [INVALID_CHOICE]},
    ),
    "log-participant-of-a": (
        "executive",
        "engagements:log",
        None,
        lambda w: _log_payload(w, w.b_exec, participants=[w.a_exec.pk]),
        lambda w: {"participants": [_participants_error(w.a_exec.pk)]},
    ),
    "log-leader-of-a-by-chief-of-staff": (
        "chief_of_staff",
        "engagements:log",
        None,
        lambda w: _log_payload(w, w.a_exec),
        lambda w: {"leader": [INVALID_CHOICE]},
    ),
    "log-location-of-a-by-chief-of-staff": (
        "chief_of_staff",
        "engagements:log",
        None,
        lambda w: _log_payload(w, w.b_exec, kind="customer_call", location=w.a_location.pk),
        lambda w: {"location": [INVALID_CHOICE]},
    ),
    "log-participant-of-a-by-member-of-both": (
        "also_member_of_a",
        "engagements:log",
        None,
        lambda w: _log_payload(w, w.b_dual, participants=[w.a_exec.pk]),
        lambda w: {"participants": [_participants_error(w.a_exec.pk)]},
    ),
    "edit-location-of-a": (
        "executive",
        "engagements:edit",
        "b_engagement",
        lambda w: _edit_payload(w, kind="customer_call", location=w.a_location.pk),
        lambda w: {"location": [INVALID_CHOICE]},
    ),
    "edit-participant-of-a": (
        "executive",
        "engagements:edit",
        "b_engagement",
        lambda w: _edit_payload(w, participants=[w.a_exec.pk]),
        lambda w: {"participants": [_participants_error(w.a_exec.pk)]},
    ),
    "edit-participant-of-a-by-chief-of-staff": (
        "chief_of_staff",
        "engagements:edit",
        "b_engagement",
        lambda w: _edit_payload(w, participants=[w.a_exec.pk]),
        lambda w: {"participants": [_participants_error(w.a_exec.pk)]},
    ),
    "learning-author-of-a": (
        "executive",
        "engagements:learning_add",
        "b_engagement",
        lambda w: {"author": w.a_exec.pk, "kind": "idea", "text": "planted by org B"},
        lambda w: {"author": [INVALID_CHOICE]},
    ),
    "member-supports-executive-of-a": (
        "admin",
        "organizations:member_edit",
        "b_chief",
        lambda w: {"role": "chief_of_staff", "title": "", "is_active": "on", "supports": [w.a_exec.pk]},
        lambda w: {"supports": [_participants_error(w.a_exec.pk)]},
    ),
    "location-edit-region-of-a": (
        "admin",
        "organizations:location_edit",
        "b_location",
        lambda w: {"name": "Beta Corner Shop", "code": "BETA1", "region": w.a_region.pk, "is_active": "on"},
        lambda w: {"region": [INVALID_CHOICE]},
    ),
    "monthly-send-person-of-a": (
        "admin",
        "reviews:settings",
        None,
        lambda w: {"enabled": "on", "day": "3", "roles": ["board"], "people": [w.b_board.pk, w.a_exec.pk]},
        lambda w: {"people": ["Choose people who are active members of this organization."]},
    ),
    "location-create-region-of-a": (
        "admin",
        "organizations:location_create",
        None,
        lambda w: {"name": "Beta New Shop", "code": "BETA2", "region": w.a_region.pk, "is_active": "on"},
        lambda w: {"region": [INVALID_CHOICE]},
    ),
}


def _all_rows(world):
    return org_rows(world.org_a), org_rows(world.org_b)


@pytest.mark.parametrize("case", sorted(CROSS_ORG_FORM_CASES))
def test_form_naming_org_a_rows_is_rejected_with_a_message_and_saves_nothing(client, world, case):
    role, url_name, target, payload, errors = CROSS_ORG_FORM_CASES[case]
    login_in_b(client, world, role)
    url = reverse(url_name, kwargs={"pk": getattr(world, target).pk}) if target else reverse(url_name)
    expected_errors = errors(world)
    before = _all_rows(world)

    response = client.post(url, payload(world))

    assert response.status_code == 200
    form = response.context["learning_form"] if url_name == "engagements:learning_add" else response.context["form"]
    assert form.errors == expected_errors
    content = response.content.decode()
    assert [message for messages in expected_errors.values() for message in messages if message not in content] == []
    assert _all_rows(world) == before


# Insights forms naming org A's rows: (role, url name, org B's object or None, payload, the form's errors).
INSIGHTS_CROSS_ORG_FORM_CASES = {
    "action-owner-of-a": (
        "executive",
        "insights:action_create",
        None,
        lambda w: {"title": "planted by org B", "owner": w.a_exec.pk, "due_on": "2030-01-01"},
        lambda w: {"owner": [_participants_error(w.a_exec.pk)]},
    ),
    "action-edit-owner-of-a": (
        "executive",
        "insights:action_edit",
        "b_action",
        lambda w: {"title": "changed by org B", "owner": w.a_exec.pk, "due_on": "2030-01-01"},
        lambda w: {"owner": [_participants_error(w.a_exec.pk)]},
    ),
    "pilot-location-of-a": (
        "executive",
        "insights:pilot_create",
        "b_action",
        lambda w: {
            "change": "x",
            "hypothesis": "y",
            "locations": [w.a_location.pk],
            "starts_on": "2030-01-01",
            "ends_on": "2030-02-01",
            "metric": "wait",
        },
        lambda w: {"locations": [_participants_error(w.a_location.pk)]},
    ),
    "learning-theme-of-a": (
        "executive",
        "insights:learning_themes",
        "b_learning",
        lambda w: {"themes": [w.a_theme.pk]},
        lambda w: {"themes": [_participants_error(w.a_theme.pk)]},
    ),
    "theme-merge-into-theme-of-a": (
        "admin",
        "insights:theme_merge",
        "b_theme",
        lambda w: {"target": w.a_theme.pk},
        lambda w: {"target": [INVALID_CHOICE]},
    ),
    "score-at-location-of-a": (
        "admin",
        "insights:score_create",
        None,
        lambda w: {
            "location": w.a_location.pk,
            "metric": "nps",
            "period_start": "2030-01-01",
            "period_end": "2030-01-31",
            "value": "10",
        },
        lambda w: {"location": [INVALID_CHOICE]},
    ),
}


@pytest.mark.parametrize("case", sorted(INSIGHTS_CROSS_ORG_FORM_CASES))
def test_insights_form_naming_org_a_rows_is_rejected_with_a_message_and_saves_nothing(client, world, case):
    role, url_name, target, payload, errors = INSIGHTS_CROSS_ORG_FORM_CASES[case]
    login_in_b(client, world, role)
    url = reverse(url_name, kwargs={"pk": getattr(world, target).pk}) if target else reverse(url_name)
    expected_errors = errors(world)
    before = _all_rows(world)

    response = client.post(url, payload(world))

    assert response.status_code == 200
    assert response.context["form"].errors == expected_errors
    content = response.content.decode()
    assert [message for messages in expected_errors.values() for message in messages if message not in content] == []
    assert _all_rows(world) == before
    assert_no_org_a_text(response)


@pytest.mark.parametrize("role", ["executive", "chief_of_staff", "admin"])
def test_new_action_for_an_org_a_learning_answers_404(client, world, role):
    login_in_b(client, world, role)

    response = client.get(reverse("insights:action_create"), {"learning": world.a_learning.pk})

    assert response.status_code == 404
    assert_no_org_a_text(response)


def test_linking_an_org_a_learning_to_an_org_b_action_answers_404_and_links_nothing(client, world):
    login_in_b(client, world, "executive")
    before = _all_rows(world)

    response = client.post(
        reverse("insights:action_learning_add", args=[world.b_action.pk]), {"learning": world.a_learning.pk}
    )

    assert response.status_code == 404
    assert _all_rows(world) == before


def test_removing_an_org_a_learning_from_an_org_b_action_answers_404(client, world):
    login_in_b(client, world, "executive")
    before = _all_rows(world)

    response = client.post(reverse("insights:action_learning_remove", args=[world.b_action.pk, world.a_learning.pk]))

    assert response.status_code == 404
    assert _all_rows(world) == before


@pytest.mark.parametrize("role", ROLES)
def test_learning_feed_of_org_b_lists_only_org_b_learnings_and_rejects_org_a_filters(client, world, role):
    login_in_b(client, world, role)

    plain = client.get(reverse("insights:learning_feed"))
    searched = client.get(reverse("insights:learning_feed"), {"q": "alpha secret"})
    filtered = client.get(
        reverse("insights:learning_feed"),
        {"theme": world.a_theme.pk, "location": world.a_location.pk, "leader": world.a_exec.pk},
    )

    assert {lg.organization_id for lg in plain.context["page"]} == {world.org_b.pk}
    assert list(searched.context["page"]) == []
    assert sorted(filtered.context["form"].errors) == ["leader", "location", "theme"]
    assert list(filtered.context["page"]) == []
    for response in (plain, searched, filtered):
        assert_no_org_a_text(response)


def test_log_replaying_an_org_a_client_uuid_is_rejected_with_a_message(client, world):
    """The idempotency key of org A's entry must neither open it nor create a second row."""
    login_in_b(client, world, "executive")
    before = _all_rows(world)

    response = client.post(
        reverse("engagements:log"), _log_payload(world, world.b_exec, client_uuid=str(world.a_engagement.client_uuid))
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "client_uuid": ["This form was already used elsewhere; reload the page."]
    }
    assert "This form was already used elsewhere; reload the page." in response.content.decode()
    assert _all_rows(world) == before
    assert_no_org_a_text(response)


# --- The token-addressed invitation -------------------------------------------------------------------
@pytest.mark.parametrize("role", ROLES)
def test_org_a_invitation_for_someone_else_cannot_be_accepted_by_org_b(client, world, role):
    member = login_in_b(client, world, role)
    before = org_rows(world.org_a)

    response = client.post(reverse("organizations:invitation_accept", args=[world.a_invitation.token]))

    assert response.status_code == 200
    assert response.context["error"] == "This invitation was sent to another email address."
    assert org_rows(world.org_a) == before
    assert Membership.objects.filter(organization=world.org_a, user=member.user).count() == (
        1 if role == "also_member_of_a" else 0
    )
    assert client.session[SESSION_KEY] == world.org_b.pk


def test_unknown_invitation_token_answers_404(client, world):
    login_in_b(client, world, "admin")

    response = client.get(reverse("organizations:invitation_accept", args=["not-a-token"]))

    assert response.status_code == 404


# --- Dashboards ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("fmt", ["", "csv", "xlsx"])
def test_executive_dashboard_of_an_org_a_executive_answers_404(client, world, role, fmt):
    login_in_b(client, world, role)

    response = client.get(reverse("dashboards:executive"), {"leader": world.a_exec.pk, "format": fmt})

    assert response.status_code == 404
    assert_no_org_a_text(response)


@pytest.mark.parametrize("role", ROLES)
def test_board_dashboard_filters_naming_org_a_rows_show_org_b_only(client, world, role):
    login_in_b(client, world, role)

    response = client.get(
        reverse("dashboards:board"), {"region": world.a_region.pk, "team": world.a_chief.pk, "format": "csv"}
    )

    assert response.status_code == 200
    assert_no_org_a_text(response)
    page = client.get(reverse("dashboards:board"), {"region": world.a_region.pk, "team": world.a_chief.pk})
    assert sorted(page.context["form"].errors) == ["region", "team"]
    assert_no_org_a_text(page)
