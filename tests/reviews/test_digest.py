"""The weekly digest's content and rendering: exact figures per role on hand-built data, the empty digest, the
Norwegian text, the HTML and plain-text parts, a fixed number of queries, another organization's data, and a
person on another clock getting their own week."""

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone, translation

from apps.engagements.models import Learning
from apps.insights.models import Action, ActionStatus
from apps.organizations.models import Membership, Role
from apps.reviews.digests import Week, build_digest, last_week, render_digest, week_of
from apps.scheduling import services as schedule_services
from tests.insights.factories import ActionFactory, LearningThemeFactory, PilotFactory, ThemeFactory
from tests.organizations.factories import LocationFactory, MembershipFactory, OrganizationFactory
from tests.reviews.world import at
from tests.reviews.world import log as review_log
from tests.scheduling.factories import PlanFactory, SessionFactory

pytestmark = pytest.mark.django_db

# Monday 7 December 2026, 08:00 in London (UTC in winter): the digest of the week of 30 November to 6 December.
NOW = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
WEEK = Week(date(2026, 11, 30))
SITE = "https://gemba.example"
UNSUBSCRIBE = "https://gemba.example/notifications/unsubscribe/t0ken/"
PREFERENCES = "https://gemba.example/notifications/preferences/"


def log(leader, when, minutes, kind="customer_call", location=None, learnings=()):
    """An entry with learnings in plain words (no customer quote)."""
    return review_log(leader, when, minutes, kind, location, [(text, "") for text in learnings])


def learning(text):
    return Learning.objects.get(text=text)


def member(pk):
    """A member as the lead's sweep loads one: with its user and organization."""
    return Membership.objects.select_related("user", "organization").get(pk=pk)


def texts(digest):
    return {s.title: [line.text for line in s.lines] for s in digest.sections}


@pytest.fixture
def world(organization, admin_member, monkeypatch):
    """Leo (London) and Olga (Oslo), executives with the organization's 2 h monthly target from November, Cleo their
    chief of staff, Bea on the board. Last week (London): Leo 2 h 30 min, Olga 20 min (Sunday 23:30 UTC, already
    Monday in Oslo); Olga's 45 min at 23:30 UTC the Sunday before is her Monday in Oslo. Sessions, actions, a pilot
    and themes around the week's edges."""
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    org = organization
    admin_member.user.full_name = "Ada Admin"
    admin_member.user.save()
    leo = MembershipFactory(organization=org, role=Role.EXECUTIVE, user__full_name="Leo London")
    olga = MembershipFactory(
        organization=org, role=Role.EXECUTIVE, user__full_name="Olga Oslo", user__time_zone="Europe/Oslo"
    )
    cleo = MembershipFactory(organization=org, role=Role.CHIEF_OF_STAFF, user__full_name="Cleo Chief")
    cleo.supports.add(leo, olga)
    bea = MembershipFactory(organization=org, role=Role.BOARD, user__full_name="Bea Board")
    leeds = LocationFactory(organization=org, name="Leeds High Street")
    schedule_services.target_set(
        organization=org, acting=admin_member, hours=Decimal("2"), period="month", counts_from=date(2026, 11, 1)
    )
    log(leo, at(2026, 11, 10, 10), 100, learnings=["Messy entrance"])
    log(leo, at(2026, 12, 1, 10), 90, kind="store_visit", location=leeds, learnings=["Queues at the tills"])
    log(leo, at(2026, 12, 3, 10), 60, kind="customer_call", learnings=["No parking nearby"])
    log(leo, at(2026, 12, 7, 7), 30)  # this week: after the digest's week
    log(olga, at(2026, 11, 29, 23, 30), 45, learnings=["Queue again"])  # Monday 00:30 in Oslo
    log(olga, at(2026, 12, 6, 23, 30), 20, learnings=["The queue moved slowly"])  # Monday 00:30 in Oslo
    log(olga, at(2026, 12, 2, 12), 40, kind="other")  # not customer-facing: counts nowhere
    queues = ThemeFactory(organization=org, name="Queues")
    parking = ThemeFactory(organization=org, name="Parking")
    for text in ("Queues at the tills", "The queue moved slowly", "Queue again"):
        LearningThemeFactory(learning=learning(text), theme=queues)
    LearningThemeFactory(learning=learning("No parking nearby"), theme=parking)

    plan = PlanFactory(organization=org, leader=leo, location=leeds)
    SessionFactory(plan=plan, occurrence_date=date(2026, 12, 2), starts_at=at(2026, 12, 2, 9), status="missed")
    SessionFactory(plan=plan, occurrence_date=date(2026, 12, 3), starts_at=at(2026, 12, 3, 9))  # never logged
    SessionFactory(plan=plan, occurrence_date=date(2026, 12, 4), starts_at=at(2026, 12, 4, 9), status="done")
    SessionFactory(plan=plan, occurrence_date=date(2026, 12, 8), starts_at=at(2026, 12, 8, 10), location=leeds)
    SessionFactory(plan=plan, occurrence_date=date(2026, 12, 9), starts_at=at(2026, 12, 9, 10), status="cancelled")
    SessionFactory(plan=plan, occurrence_date=date(2026, 12, 14), starts_at=at(2026, 12, 14, 10))  # next week

    def action(title, *, created, due, owner=leo, closed=None, learnings=()):
        status = ActionStatus.DONE if closed else ActionStatus.OPEN
        made = ActionFactory(
            organization=org,
            title=title,
            owner=owner,
            created_by=admin_member,
            due_on=due,
            status=status,
            closed_at=closed,
            learnings=list(learnings),
        )
        Action.objects.filter(pk=made.pk).update(created_at=created)
        return made

    door = action("Fix the door", created=at(2026, 11, 20, 9), due=date(2026, 12, 2))  # overdue
    supplier = action("Call the supplier", created=at(2026, 11, 20, 9), due=date(2026, 12, 10))  # due this week
    action("Repaint the sign", created=at(2026, 11, 20, 9), due=date(2026, 12, 20))  # later
    entrance = action(
        "Tidy the entrance",
        created=at(2026, 11, 12, 9),
        due=date(2026, 12, 1),
        closed=at(2026, 12, 3, 15),
        learnings=[learning("Messy entrance")],
    )
    second_till = action(
        "Open a second till",
        created=at(2026, 12, 2, 9),
        due=date(2027, 1, 15),
        owner=olga,
        learnings=[learning("Queues at the tills")],
    )
    pilot = PilotFactory(
        organization=org,
        action=second_till,
        starts_on=date(2026, 12, 2),
        ends_on=date(2026, 12, 4),
        result=Decimal("3"),
        verdict="adopt",
        decided_at=at(2026, 12, 4, 15),
    )
    return {
        "org": org,
        "leo": leo,
        "olga": olga,
        "cleo": cleo,
        "bea": bea,
        "admin": admin_member,
        "door": door.pk,
        "supplier": supplier.pk,
        "entrance": entrance.pk,
        "second_till": second_till.pk,
        "pilot": pilot.pk,
        "queues": queues.pk,
        "parking": parking.pk,
    }


def lines(digest):
    return [(s.title, [(line.text, line.href, line.tone) for line in s.lines]) for s in digest.sections]


def digest_of(membership, week=WEEK, now=NOW):
    return build_digest(membership=member(membership.pk), week=week, now=now)


def rendered(digest):
    return render_digest(digest, site_url=SITE, unsubscribe_url=UNSUBSCRIBE, preferences_url=PREFERENCES)


FEED = "/feed/?period=custom&start=2026-11-30&end=2026-12-06"


def executive_lines(w):
    leo = w["leo"].pk
    return [
        (
            "Your customer time last week",
            [
                (
                    "2 h 30 min with customers, against the week's share of your target: 28 min.",
                    f"{FEED}&leader={leo}",
                    "good",
                ),
                # The month as its rollup has it now: Monday's 30 minutes count in December (not in last week).
                ("December 2026: 3 h of your target of 2 h; running balance +40 min.", "/dashboards/me/", "good"),
                ("Last week: 1 session missed, 1 session not logged.", "/schedule/", "warn"),
            ],
        ),
        ("Your sessions this week", [("Tue 8 Dec, 10:00: Store visit at Leeds High Street", "/schedule/", "")]),
        (
            "Your actions due",
            [
                ("“Fix the door”, overdue since 2 Dec 2026.", f"/actions/{w['door']}/", "warn"),
                ("“Call the supplier”, due 10 Dec 2026.", f"/actions/{w['supplier']}/", ""),
            ],
        ),
        (
            "What came of your learnings",
            [
                (
                    "An action was raised on what you heard: “Open a second till” (owner: Olga Oslo).",
                    f"/actions/{w['second_till']}/",
                    "",
                ),
                ("Done: “Tidy the entrance”.", f"/actions/{w['entrance']}/", "good"),
                ("Pilot verdict on “Open a second till”: Adopt.", f"/pilots/{w['pilot']}/", "good"),
            ],
        ),
    ]


def test_week_slug_label_and_bounds():
    oslo = ZoneInfo("Europe/Oslo")
    assert last_week(date(2026, 12, 7)) == WEEK
    assert last_week(date(2026, 12, 13)) == WEEK  # Sunday: still the week before
    assert last_week(date(2026, 12, 14)) == Week(date(2026, 12, 7))
    assert week_of(date(2026, 12, 6)) == WEEK
    assert WEEK.slug == "2026-W49"
    assert WEEK.label == "30 Nov – 6 Dec 2026"
    assert WEEK.start(oslo) == datetime(2026, 11, 30, tzinfo=oslo)
    assert WEEK.end(oslo) == datetime(2026, 12, 7, tzinfo=oslo)
    assert WEEK.end(oslo) - WEEK.start(oslo) == timedelta(days=7)
    # A year's last ISO week, across New Year: the year on both days.
    assert Week(date(2026, 12, 28)).slug == "2026-W53"
    assert Week(date(2026, 12, 28)).label == "28 Dec 2026 – 3 Jan 2027"
    assert Week(date(2027, 1, 4)).slug == "2027-W01"
    # The clocks go forward on Sunday 29 March 2026: that week is 167 hours long in London.
    london = ZoneInfo("Europe/London")
    spring = Week(date(2026, 3, 23))
    assert spring.end(london).astimezone(UTC) - spring.start(london).astimezone(UTC) == timedelta(hours=167)
    with translation.override("nb"):
        assert WEEK.label == "30. nov. – 6. des. 2026"


def test_executive_digest(world):
    digest = digest_of(world["leo"])

    assert digest.headline == "Your week with customers, 30 Nov – 6 Dec 2026"
    assert lines(digest) == executive_lines(world)
    assert not digest.is_empty


def test_chief_of_staff_digest_has_a_line_per_executive(world):
    digest = digest_of(world["cleo"])

    assert digest.headline == "Your executives' week with customers, 30 Nov – 6 Dec 2026"
    assert lines(digest) == [
        (
            "Your executives last week",
            [
                (
                    "Leo London: 2 h 30 min with customers (the week's share of the target: 28 min); "
                    "1 session missed; 1 session not logged.",
                    f"/dashboards/me/?leader={world['leo'].pk}",
                    "warn",
                ),
                (
                    "Olga Oslo: 20 min with customers (the week's share of the target: 28 min); behind target.",
                    f"/dashboards/me/?leader={world['olga'].pk}",
                    "warn",
                ),
            ],
        )
    ]


def test_chief_of_staff_line_on_target_with_nothing_missed_is_good(world):
    cleo = world["cleo"]
    cleo.supports.remove(world["leo"])
    log(world["olga"], at(2026, 12, 2, 10), 10)

    assert lines(digest_of(cleo))[0][1] == [
        (
            "Olga Oslo: 30 min with customers (the week's share of the target: 28 min).",
            f"/dashboards/me/?leader={world['olga'].pk}",
            "good",
        )
    ]


def board_lines(w):
    return [
        (
            "The week in numbers",
            [
                ("Hours with customers: 2.8 h, from 2 of 2 leaders.", FEED, ""),
                ("Learnings: 3.", "/learned/?period=custom&start=2026-11-30&end=2026-12-06", ""),
                ("Actions: 1 opened, 1 closed.", "/actions/", ""),
                ("1 action overdue at the end of the week.", "/actions/", "warn"),
                ("Leaders on target in December 2026: 1 of 2.", "/dashboards/board/", ""),
            ],
        ),
        (
            "What changed",
            [
                (
                    "New pilot: “Open a second till” (Olga Oslo), 2 Dec 2026 to 4 Dec 2026.",
                    f"/pilots/{w['pilot']}/",
                    "",
                ),
                ("Pilot verdict on “Open a second till”: Adopt.", f"/pilots/{w['pilot']}/", "good"),
                (
                    "Newly heard: Parking, 1 learning (none in the four weeks before).",
                    f"/learned/?theme={w['parking']}&period=custom&start=2026-11-30&end=2026-12-06",
                    "",
                ),
                (
                    "Rising: Queues, 2 learnings (1 in the four weeks before).",
                    f"/learned/?theme={w['queues']}&period=custom&start=2026-11-30&end=2026-12-06",
                    "",
                ),
            ],
        ),
    ]


@pytest.mark.parametrize("who", ["bea", "admin"])
def test_board_and_admin_digest(world, who):
    digest = digest_of(world[who])

    assert digest.headline == f"{world['org'].name}'s week with customers, 30 Nov – 6 Dec 2026"
    assert lines(digest) == board_lines(world)


def test_a_person_on_another_clock_gets_their_own_week(world):
    """Olga's week runs from Monday 00:00 in Oslo (23:00 UTC on Sunday): her 45 minutes at 23:30 UTC on 29 November
    are in it, her 20 minutes at 23:30 UTC on 6 December are not; Cleo's week, in London, has it the other way."""
    olga = digest_of(world["olga"])

    assert lines(olga) == [
        (
            "Your customer time last week",
            [
                (
                    "45 min with customers, against the week's share of your target: 28 min.",
                    f"{FEED}&leader={world['olga'].pk}",
                    "good",
                ),
                (
                    "December 2026: 20 min of your target of 2 h; running balance −2 h 55 min.",
                    "/dashboards/me/",
                    "",
                ),
            ],
        )
    ]
    cleo_on_olga = lines(digest_of(world["cleo"]))[0][1][1][0]
    assert cleo_on_olga.startswith("Olga Oslo: 20 min with customers")


def test_sessions_this_week_leave_out_those_already_gone(world):
    """A digest written late (Tuesday noon) lists the sessions still to come this week, not Tuesday morning's."""
    plan = PlanFactory(organization=world["org"], leader=world["leo"], title="Till shift", location=None)
    SessionFactory(plan=plan, occurrence_date=date(2026, 12, 10), starts_at=at(2026, 12, 10, 15))
    late = datetime(2026, 12, 8, 12, 0, tzinfo=UTC)

    assert texts(digest_of(world["leo"], now=late))["Your sessions this week"] == ["Thu 10 Dec, 15:00: Till shift"]
    assert texts(digest_of(world["leo"]))["Your sessions this week"] == [
        "Tue 8 Dec, 10:00: Store visit at Leeds High Street",
        "Thu 10 Dec, 15:00: Till shift",
    ]


def test_empty_digests(monkeypatch):
    """Nothing at all to say: an executive without a target, time, sessions or actions; a chief of staff who
    supports nobody; the board of an organization whose week was quiet."""
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    org = OrganizationFactory()
    quiet = MembershipFactory(organization=org, role=Role.EXECUTIVE)
    for role in (Role.EXECUTIVE, Role.CHIEF_OF_STAFF, Role.BOARD, Role.ADMIN):
        person = quiet if role == Role.EXECUTIVE else MembershipFactory(organization=org, role=role)
        digest = digest_of(person)
        assert digest.sections == []
        assert digest.is_empty
    # Time with customers alone is something to say, target or not.
    log(quiet, at(2026, 12, 1, 10), 25)
    digest = digest_of(quiet)
    assert lines(digest) == [
        (
            "Your customer time last week",
            [("25 min with customers.", f"{FEED}&leader={quiet.pk}", "")],
        )
    ]
    assert not digest.is_empty


def test_html_part_has_inline_styles_and_absolute_links(world):
    digest = digest_of(world["leo"])
    subject, _text, html = rendered(digest)

    assert subject == "[Gemba] Your week with customers, 30 Nov – 6 Dec 2026"
    assert "<style" not in html and "class=" not in html and "<img" not in html and "<link" not in html
    assert 'style="' in html
    hrefs = [unescape(h) for h in re.findall(r'href="([^"]+)"', html)]
    assert hrefs and all(h.startswith(SITE + "/") for h in hrefs)
    assert UNSUBSCRIBE in hrefs and PREFERENCES in hrefs
    assert f"{SITE}/actions/{world['door']}/" in hrefs
    shown = unescape(re.sub(r"<[^>]+>", " ", html))
    for _title, found in executive_lines(world):
        for line_text, href, _tone in found:
            assert line_text in shown
            assert SITE + href in hrefs
    assert "Hello Leo," in shown
    # A line to act on is marked by its colour (a bar down its left edge).
    assert "border-left:4px solid #c2410c" in html


def test_text_part_has_the_same_lines_and_figures(world):
    _subject, text, _html = rendered(digest_of(world["bea"]))

    for title, found in board_lines(world):
        assert title.upper() in text
        for line_text, href, tone in found:
            mark = "(!) " if tone == "warn" else ""
            assert f"- {mark}{line_text}\n  {SITE}{href}\n" in text
    assert f"Stop the weekly digest: {UNSUBSCRIBE}" in text
    assert f"Choose which emails you get: {PREFERENCES}" in text
    assert "&amp;" not in text and "&#x27;" not in text


@pytest.mark.parametrize(("who", "queries"), [("leo", 8), ("olga", 8), ("cleo", 4), ("bea", 14), ("admin", 14)])
def test_a_fixed_number_of_queries(world, django_assert_num_queries, who, queries):
    person = member(world[who].pk)
    with django_assert_num_queries(queries):
        rendered(build_digest(membership=person, week=WEEK, now=NOW))
    # Twice the people and data: the same number.
    org = world["org"]
    for n in range(3):
        extra = MembershipFactory(organization=org, role=Role.EXECUTIVE)
        world["cleo"].supports.add(extra)
        log(extra, at(2026, 12, 2, 10 + n), 30, learnings=[f"More {n}"])
        ActionFactory(organization=org, owner=world["leo"], due_on=date(2026, 12, 1 + n))
    with django_assert_num_queries(queries):
        rendered(build_digest(membership=person, week=WEEK, now=NOW))


def test_another_organizations_data_never_appears(world):
    """A second organization with the same kind of week: none of it reaches the first one's digests, and none of
    the first one's reaches its own."""
    other = OrganizationFactory(name="Other Org")
    admin = MembershipFactory(organization=other, role=Role.ADMIN)
    xavier = MembershipFactory(organization=other, role=Role.EXECUTIVE, user__full_name="Xavier Secret")
    board = MembershipFactory(organization=other, role=Role.BOARD)
    schedule_services.target_set(
        organization=other, acting=admin, hours=Decimal("1"), period="month", counts_from=date(2026, 11, 1)
    )
    log(xavier, at(2026, 12, 2, 10), 500, learnings=["Secret learning"])
    LearningThemeFactory(learning=learning("Secret learning"), theme=ThemeFactory(organization=other, name="Secret"))
    secret = ActionFactory(
        organization=other,
        title="Secret action",
        owner=xavier,
        created_by=admin,
        due_on=date(2026, 12, 3),
        learnings=[learning("Secret learning")],
    )
    Action.objects.filter(pk=secret.pk).update(created_at=at(2026, 12, 2, 12))
    PilotFactory(
        organization=other,
        action=secret,
        starts_on=date(2026, 12, 2),
        ends_on=date(2026, 12, 3),
        result=Decimal("1"),
        verdict="abandon",
        decided_at=at(2026, 12, 3, 12),
    )

    assert lines(digest_of(world["leo"])) == executive_lines(world)
    for who in ("bea", "admin"):
        assert lines(digest_of(world[who])) == board_lines(world)
    assert "Secret" not in str(lines(digest_of(world["cleo"])))
    theirs = str(lines(digest_of(board))) + str(lines(digest_of(xavier)))
    assert "Hours with customers: 8.3 h, from 1 of 1 leader." in theirs
    for ours in ("Leo", "Olga", "Queues", "Parking", "second till", "Fix the door"):
        assert ours not in theirs


def test_norwegian_digest(world):
    """A person who reads Gemba in Norwegian gets every word, date and number of the digest in it."""
    for who in ("leo", "cleo", "bea"):
        world[who].user.language = "nb"
        world[who].user.save()

    leo = digest_of(world["leo"])
    subject, text, html = rendered(leo)

    assert subject == "[Gemba] Uken din med kunder, 30. nov. – 6. des. 2026"
    assert texts(leo) == {
        "Kundetiden din forrige uke": [
            "2 t 30 min med kunder, mot ukens andel av målet ditt: 28 min.",
            "desember 2026: 3 t av målet ditt på 2 t; løpende saldo +40 min.",
            "Forrige uke: 1 økt ikke gjennomført, 1 økt ikke logget.",
        ],
        "Øktene dine denne uken": ["tir 8. des. kl. 10:00: Butikkbesøk på Leeds High Street"],
        "Tiltakene dine med frist": [
            "«Fix the door», over fristen siden 2. des. 2026.",
            "«Call the supplier», frist 10. des. 2026.",
        ],
        "Hva læringene dine førte til": [
            "Et tiltak ble åpnet på det du hørte: «Open a second till» (ansvarlig: Olga Oslo).",
            "Fullført: «Tidy the entrance».",
            "Pilotkonklusjon for «Open a second till»: Innfør.",
        ],
    }
    assert text.startswith("Hei Leo,\n\nUken din med kunder, 30. nov. – 6. des. 2026\n\nKUNDETIDEN DIN FORRIGE UKE\n")
    assert f"Stopp den ukentlige oppsummeringen: {UNSUBSCRIBE}" in text
    assert '<html lang="nb">' in html and "Velg hvilke e-poster du får" in html
    assert texts(digest_of(world["cleo"]))["Lederne dine forrige uke"][1] == (
        "Olga Oslo: 20 min med kunder (ukens andel av målet: 28 min); bak målet."
    )
    assert texts(digest_of(world["bea"]))["Uken i tall"][:2] == [
        "Timer med kunder: 2,8 t, fra 2 av 2 ledere.",
        "Læringer: 3.",
    ]
    assert (
        texts(digest_of(world["bea"]))["Hva som endret seg"][-1]
        == "Voksende: Queues, 2 læringer (1 de fire ukene før)."
    )


def test_long_lists_say_how_many_more(world):
    """An executive with twelve actions due sees the first ten and a line for the rest; a chief of staff's
    executive without any target has no share to be behind."""
    for n in range(10):
        ActionFactory(organization=world["org"], title=f"Extra {n}", owner=world["leo"], due_on=date(2026, 12, 11))

    due = texts(digest_of(world["leo"]))["Your actions due"]
    assert len(due) == 11
    assert due[-2] == "“Extra 7”, due 11 Dec 2026."
    assert due[-1] == "…and 2 more."


def test_chief_of_staff_line_without_a_target(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    org = OrganizationFactory()
    nina = MembershipFactory(organization=org, role=Role.EXECUTIVE, user__full_name="Nina No-Target")
    chief = MembershipFactory(organization=org, role=Role.CHIEF_OF_STAFF)
    chief.supports.add(nina)
    log(nina, at(2026, 12, 1, 10), 25)

    assert lines(digest_of(chief)) == [
        (
            "Your executives last week",
            [("Nina No-Target: 25 min with customers (no target).", f"/dashboards/me/?leader={nina.pk}", "")],
        )
    ]
