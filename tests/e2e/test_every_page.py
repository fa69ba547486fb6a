"""Every page, for every role, in one Chromium walk: nothing wider than the screen whatever is stored (long
unbroken text in every free-text field, at 375 and 1440 px), no text box that cuts a paste (`maxlength`), and
axe-core finds no critical or serious problem.

One test per role (independent of each other and of order), one page load per page: the 375 px check, then
the same page resized to 1440 px for the width check and axe.
"""

import os
from collections import Counter
from datetime import timedelta
from types import SimpleNamespace

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.core.management import call_command
from django.db import models
from django.test import Client
from django.utils import timezone

from apps.organizations.middleware import SESSION_KEY
from apps.organizations.models import Role
from tests.e2e.pages import anonymous_pages, member_pages
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

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}
DESK = {"width": 1440, "height": 900}
# Fields that hold codes, not prose: they never get long unbroken text from a person.
NOT_FREE_TEXT = {"token", "time_zone", "rrule", "url", "source_key", "email", "password", "slug", "keywords"}
ROLES = {"executive": "eve", "chief_of_staff": "chief", "board": "board", "admin": "admin"}
BLOCKING = ("critical", "serious")
IMPACTS = ("critical", "serious", "moderate", "minor")
# A folder to keep a screenshot of each page at each width in, to look at them.
SCREENSHOTS = os.environ.get("GEMBA_SCREENSHOTS")
# axe's default rules, plus the (experimental, so off by default) check that a control's accessible name
# contains its visible text: speech users say what they see.
AXE_OPTIONS = {"resultTypes": ["violations"], "rules": {"label-content-name-mismatch": {"enabled": True}}}


def unbroken(length):
    """Text without a single place to break a line."""
    return ("Unbroken" * (length // 8 + 1))[:length]


def plant_long_text(*instances):
    """Fill every free-text field of each instance with unbroken text as long as the field allows (10,000
    characters in a text field)."""
    for instance in instances:
        changed = []
        for field in instance._meta.concrete_fields:
            if not isinstance(field, models.CharField | models.TextField) or field.choices:
                continue
            if field.name in NOT_FREE_TEXT:
                continue
            setattr(instance, field.attname, unbroken(field.max_length or 10_000))
            changed.append(field.attname)
        instance.save(update_fields=changed)


@pytest.fixture
def long_world(transactional_db):
    """One organization, every free-text field of every kind of row filled with unbroken text."""
    organization = OrganizationFactory(name="Org")
    admin = MembershipFactory(organization=organization, role=Role.ADMIN)
    eve = MembershipFactory(organization=organization, role=Role.EXECUTIVE)
    sam = MembershipFactory(organization=organization, role=Role.EXECUTIVE)
    chief = MembershipFactory(organization=organization, role=Role.CHIEF_OF_STAFF)
    chief.supports.add(eve, sam)
    board = MembershipFactory(organization=organization, role=Role.BOARD)
    region = RegionFactory(organization=organization)
    location = LocationFactory(organization=organization, region=region)
    engagement = EngagementFactory(
        organization=organization, leader=eve, location=location, started_at=timezone.now() - timedelta(days=1)
    )
    participant = ParticipantFactory(engagement=engagement, membership=sam, minutes=20)
    learning = LearningFactory(engagement=engagement)
    theme = ThemeFactory(organization=organization)
    LearningThemeFactory(learning=learning, theme=theme)
    action = ActionFactory(organization=organization, owner=eve, learnings=[learning])
    note = ActionNoteFactory(action=action)
    pilot = PilotFactory(action__organization=organization, action__owner=eve, locations=[location])
    score = CustomerScoreFactory(organization=organization, location=location)
    invitation = InvitationFactory(organization=organization, invited_by=admin)
    plan = PlanFactory(organization=organization, leader=eve)
    session = SessionFactory(plan=plan, starts_at=timezone.now() + timedelta(days=2))
    SessionFactory(plan=plan, starts_at=timezone.now() - timedelta(days=2))
    notification = NotificationFactory(recipient=eve)
    members = [admin, eve, sam, chief, board]
    plant_long_text(organization, region, location, engagement, learning, theme, action, note, pilot, pilot.action)
    plant_long_text(score, invitation, plan, session, notification, *members, *(m.user for m in members))
    call_command("rebuild_rollups", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115
    objects = {
        "engagement": engagement,
        "learning": learning,
        "participant": participant,
        "membership": eve,
        "invitation": invitation,
        "location": location,
        "plan": plan,
        "session": session,
        "notification": notification,
        "theme": theme,
        "action": action,
        "pilot": pilot,
        "score": score,
        # A pack a worker is printing: the page with its progress bar.
        "pack": PackFactory(organization=organization, status="building", progress=40, file="", generated_at=None),
    }
    return {
        "organization": organization,
        "members": {"eve": eve, "chief": chief, "board": board, "admin": admin},
        "objects": objects,
    }


def open_as(browser, live_server, membership):
    client = Client()
    if membership is not None:
        client.force_login(membership.user)
        session = client.session
        session[SESSION_KEY] = membership.organization_id
        session.save()
    context = browser.new_context(viewport=PHONE)
    if membership is not None:
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15000)
    return context, page


WIDTHS = "() => [document.documentElement.scrollWidth, window.innerWidth]"


def walk(browser, live_server, membership, pages, label):
    """Open every page at 375 px, then at 1440 px. Returns what is too wide, what cuts a paste, what axe blocks on,
    and a one-line summary of axe's findings by impact (the test records it; tests/e2e/conftest.py prints it)."""
    axe = Axe()
    found = SimpleNamespace(too_wide=[], truncating=[], blocking=[], impacts=Counter(), rules=Counter(), checked=0)
    error_pages = set()
    context, page = open_as(browser, live_server, membership)
    try:
        for name, path in pages:
            page.set_viewport_size(PHONE)
            status = page.goto(f"{live_server.url}{path}").status
            if status != 200:
                # The role may not open it: its error page is the same for every such URL, so check it once.
                if status in error_pages:
                    continue
                error_pages.add(status)
            found.checked += 1
            # No text box may cut what is typed or pasted (the limit is data-max, apps/core/renderers.py).
            if page.locator("input[maxlength], textarea[maxlength]").count():
                found.truncating.append(name)
            for viewport in (PHONE, DESK):
                page.set_viewport_size(viewport)
                scroll_width, inner_width = page.evaluate(WIDTHS)
                if scroll_width > inner_width:
                    found.too_wide.append((name, viewport["width"], scroll_width))
                if SCREENSHOTS:
                    shot = f"{label}-{name.replace(':', '_')}-{viewport['width']}.png"
                    page.screenshot(path=os.path.join(SCREENSHOTS, shot))
            for violation in axe.run(page, options=AXE_OPTIONS).response["violations"]:
                found.impacts[violation["impact"]] += 1
                found.rules[f"{violation['id']} ({violation['impact']})"] += 1
                if violation["impact"] in BLOCKING:
                    targets = [node["target"] for node in violation["nodes"]][:3]
                    found.blocking.append((name, violation["impact"], violation["id"], targets))
    finally:
        context.close()
    impacts = ", ".join(f"{impact} {found.impacts[impact]}" for impact in IMPACTS)
    rules = "; ".join(f"{rule} on {n} page(s)" for rule, n in sorted(found.rules.items())) or "none"
    found.summary = f"{label}: {found.checked} pages ({len(pages)} URLs), violations by impact: {impacts} [{rules}]"
    return found


@pytest.mark.parametrize("role", sorted(ROLES))
def test_every_page_fits_the_screen_and_passes_axe(live_server, browser, long_world, role, record_property):
    membership = long_world["members"][ROLES[role]]

    found = walk(browser, live_server, membership, member_pages(long_world["objects"]), role)

    record_property("axe", found.summary)
    assert found.too_wide == []
    assert found.truncating == []
    assert found.blocking == []


def test_every_anonymous_page_fits_the_screen_and_passes_axe(live_server, browser, transactional_db, record_property):
    found = walk(browser, live_server, None, anonymous_pages(), "anonymous")

    record_property("axe", found.summary)
    assert found.too_wide == []
    assert found.truncating == []
    assert found.blocking == []
