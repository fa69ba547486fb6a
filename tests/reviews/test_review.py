"""The monthly customer review: exact figures on hand-built data, its periods, who reads which scope, refusals,
another organization's ids, exports, and a fixed number of queries."""

import csv
import io
import re
from datetime import date
from html import unescape

import pytest
from django.db import connection
from django.utils import translation

from apps.dashboards.tables import plain
from apps.organizations.models import Role
from apps.reviews import periods, review
from apps.reviews.periods import BadPeriod, Period
from tests.organizations.factories import LocationFactory, MembershipFactory, OrganizationFactory, RegionFactory
from tests.reviews.world import APRIL, SUMMARY, SUMMARY_NB, at, log

pytestmark = pytest.mark.django_db


def rows(r, name):
    return [[plain(value) for value in row] for row in r.table(name).rows]


# --- The figures -------------------------------------------------------------------------------------------
def test_the_review_of_a_month_has_exact_figures(world):
    r = review.build(organization=world["org"], period=APRIL)

    assert r.figures["summary"] == SUMMARY
    f = r.figures
    assert (f["hours"], f["hours_before"], f["hours_change"]) == (1.8, 1.2, pytest.approx(0.6))
    assert (f["on_target"], f["with_target"], f["on_target_before"]) == (1, 2, 0)
    assert (f["learnings"], f["learnings_before"], f["learnings_change"]) == (3, 1, 2)
    assert (f["actions_opened"], f["actions_closed"], f["actions_overdue"], f["verdicts"]) == (1, 1, 1, 1)
    assert (f["places_visited"], f["places"], f["regions_visited"], f["regions"]) == (1, 3, 1, 2)
    assert [plain(link) for link in f["behind"]] == ["Olga Oslo"]
    # leader, hours, target, share, balance (since January: Leo 2.75 h of 4 h, Olga 0.83 h), months on target, behind
    assert rows(r, "leaders") == [
        ["Leo London", 1.5, 1.0, 150, -1.2, 1, ""],
        ["Olga Oslo", 0.3, 1.0, 33, -3.2, 0, "Yes"],
    ]
    assert rows(r, "places-visited") == [["Leeds High Street", "North", 2, date(2026, 4, 22)]]
    assert rows(r, "blind-spots") == [
        ["Hull Docks", "South", None, None],
        ["York Minster", "North", date(2026, 1, 15), 105],
    ]


def test_the_review_says_what_customers_said_and_what_came_of_it(world):
    r = review.build(organization=world["org"], period=APRIL)

    assert rows(r, "themes") == [["Queues", 2, 1, 1]]
    assert rows(r, "rising-themes") == [["Queues", 1, 2]]
    name, count, _, quotes = r.quotes[0]
    assert (name, count) == ("Queues", 2)
    assert [(q.quote, q.heard_by, q.place) for q in quotes] == [
        ("Open another till", "Olga Oslo", "Leeds High Street"),
        ("I waited twenty minutes", "Leo London", "Leeds High Street"),
    ]
    assert rows(r, "actions-opened") == [["Open a second till", "Leo London", 1, date(2026, 6, 1)]]
    assert rows(r, "actions-closed") == [["Fix the door", "Leo London", 0, date(2026, 4, 30)]]
    assert rows(r, "actions-overdue") == [["Baskets by the door", "Leo London", 0, date(2026, 4, 10), 20]]
    assert rows(r, "pilots-started") == [["Open a second till", "Leo London", date(2026, 4, 13), date(2026, 4, 27)]]
    assert rows(r, "pilot-verdicts") == [["Open a second till", "Leo London", "Adopt", date(2026, 4, 28)]]
    # the chain: the pilot, its verdict, and the customers' words behind its action
    ((pilot, verdict, origins),) = r.pilots
    assert (pilot.value, pilot.href, verdict) == ("Open a second till", f"/pilots/{world['pilot'].pk}/", "Adopt")
    assert [(o.quote, o.heard_by) for o in origins] == [("I waited twenty minutes", "Leo London")]
    # NPS by region (the organization has regions): North 40 in April, 30 in March
    assert rows(r, "scores-nps") == [["North", 1.3, 40.0, 30.0, 10.0]]
    assert [(kind, text) for kind, text, _ in r.decisions] == [
        ("overdue", "Overdue action: Baskets by the door (Leo London, 20 days late)"),
        ("blind", "Blind spot: Hull Docks, never visited"),
        ("blind", "Blind spot: York Minster, no visit for 105 days"),
    ]


def test_a_region_narrows_places_themes_and_scores(world):
    r = review.build(organization=world["org"], period=APRIL, scope=review.Scope(region=world["north"]))

    assert rows(r, "places-visited") == [["Leeds High Street", "North", 2, date(2026, 4, 22)]]
    assert rows(r, "blind-spots") == [["York Minster", "North", date(2026, 1, 15), 105]]
    assert rows(r, "scores-nps") == [["Leeds High Street", 1.3, 40.0, 30.0, 10.0]]
    assert r.figures["hours"] == 1.3  # Leo's 60 and Olga's 20 minutes at Leeds
    # A target is a person's: each leader's row counts all their customer time, in every region, as the
    # whole organization's review does, and so do the leaders on target.
    whole = review.build(organization=world["org"], period=APRIL)
    assert rows(r, "leaders") == rows(whole, "leaders")
    assert (r.figures["on_target"], r.figures["with_target"]) == (whole.figures["on_target"], 2)


def test_a_team_narrows_leaders_and_what_they_learned(world):
    r = review.build(organization=world["org"], period=APRIL, scope=review.Scope(team=world["cleo"]))

    assert rows(r, "leaders") == [["Leo London", 1.5, 1.0, 150, -1.2, 1, ""]]
    assert (r.figures["hours"], r.figures["learnings"], r.figures["behind"]) == (1.5, 2, [])
    assert r.scope.label == "Cleo Chief's executives"


def test_a_quarter_counts_its_three_months(world):
    r = review.build(organization=world["org"], period=periods.parse("2026-Q1"))

    assert r.period.label == "Q1 2026"
    assert rows(r, "leaders") == [
        ["Leo London", 1.2, 3.0, 42, -1.8, 0, "Yes"],
        ["Olga Oslo", 0.5, 3.0, 17, -2.5, 0, "Yes"],
    ]


def test_an_empty_month_is_an_honest_empty_review(world):
    r = review.build(organization=world["org"], period=Period("month", date(2025, 12, 1)))

    assert r.is_empty
    assert r.figures["summary"] == (
        "December 2025: 2 leaders spent 0.0 h with customers; 0 learnings; "
        "actions: 0 opened, 0 closed, 0 overdue; 0 pilot verdicts; 3 blind spots."
    )


def test_the_summary_is_in_norwegian_for_a_norwegian_reader(world):
    with translation.override("nb"):
        r = review.build(organization=world["org"], period=APRIL)

        assert r.figures["summary"] == SUMMARY_NB
        assert r.table("leaders").columns[0].label == "Leder"


def test_the_review_takes_the_same_number_of_queries_whatever_the_data(world, django_assert_num_queries):
    expected = 39 if connection.vendor == "postgresql" else 40
    with django_assert_num_queries(expected):
        review.build(organization=world["org"], period=APRIL)
    for day in range(1, 6):
        log(world["olga"], at(2026, 4, day, 9), 15, location=LocationFactory(organization=world["org"]))
    with django_assert_num_queries(expected):
        review.build(organization=world["org"], period=APRIL)


# --- Periods -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("slug", "first", "last", "kind"),
    [
        ("2026-04", date(2026, 4, 1), date(2026, 4, 30), "month"),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29), "month"),
        ("2026-Q4", date(2026, 10, 1), date(2026, 12, 31), "quarter"),
        ("2026-q1", date(2026, 1, 1), date(2026, 3, 31), "quarter"),
    ],
)
def test_a_period_is_a_month_or_a_quarter(slug, first, last, kind):
    period = periods.parse(slug)

    assert (period.first_day, period.last_day, period.kind) == (first, last, kind)
    assert periods.parse(period.slug) == period


@pytest.mark.parametrize("slug", ["2026-13", "2026-00", "2026-Q5", "1999-01", "26-04", "2026-4", "april", "2026-04-01"])
def test_a_malformed_period_is_refused_with_a_message(slug):
    with pytest.raises(BadPeriod) as refused:
        periods.parse(slug)

    assert str(refused.value) == f"“{slug}” is not a month (2026-11) or a quarter (2026-Q4)."


def test_the_previous_and_next_periods_step_over_the_year():
    assert Period("month", date(2026, 1, 1)).previous == Period("month", date(2025, 12, 1))
    assert Period("quarter", date(2026, 10, 1)).next == Period("quarter", date(2027, 1, 1))


# --- The page ----------------------------------------------------------------------------------------------
def text_of(response):
    html = response.content.decode()
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def summary_of(response):
    found = re.search(r'id="review-summary">(.*?)</p>', response.content.decode(), re.S)
    return unescape(found[1]).strip()


@pytest.mark.parametrize("role", ["board", "admin", "leo"])
def test_board_admins_and_executives_read_the_whole_organization(client_for, world, role):
    response = client_for(world[role]).get("/review/2026-04/")

    assert response.status_code == 200
    assert summary_of(response) == SUMMARY
    assert "Northwind" not in text_of(response)


def test_a_chief_of_staff_reads_their_own_team_whatever_they_ask(client_for, world):
    response = client_for(world["cleo"]).get("/review/2026-04/", {"region": world["north"].pk})

    assert response.status_code == 200
    assert "Cleo Chief's executives" in text_of(response)
    assert summary_of(response).startswith("April 2026: 1 leader spent 1.5 h with customers; 1 of 1 on target")
    assert 'name="region"' not in response.content.decode()


def test_the_review_opens_on_the_last_whole_month(client_for, world):
    response = client_for(world["board"]).get("/review/")

    assert (response.status_code, response["Location"]) == (302, "/review/2026-04/")


def test_every_figure_clicks_through_to_the_entries_behind_it(client_for, world):
    html = client_for(world["board"]).get("/review/2026-04/").content.decode()

    assert '<a href="/feed/?period=custom&amp;start=2026-04-01&amp;end=2026-04-30">1.8 h</a>' in html
    assert '<a href="/learned/?period=custom&amp;start=2026-04-01&amp;end=2026-04-30">3</a>' in html
    assert f'<a href="/actions/{world["tills"].actions.get().pk}/">Open a second till</a>' in html
    leo = world["leo"].pk
    assert f'<a href="/feed/?period=custom&amp;start=2026-04-01&amp;end=2026-04-30&amp;leader={leo}">1.5</a>' in html


@pytest.mark.parametrize(
    ("slug", "message"),
    [
        ("2026-06", "June 2026 has not started yet: a review covers time that has passed."),
        ("2025-12", "December 2025 is before your organization's record starts (15 Jan 2026)."),
        ("2026-13", "“2026-13” is not a month (2026-11) or a quarter (2026-Q4)."),
    ],
)
def test_a_future_or_too_early_or_malformed_period_is_refused_with_a_message(client_for, world, slug, message):
    response = client_for(world["board"]).get(f"/review/{slug}/")

    assert response.status_code == 400
    found = re.search(r'id="period-error">(.*?)</p>', response.content.decode())
    assert unescape(found[1]) == message
    assert "/review/2026-04/" in response.content.decode()


def test_another_organizations_region_or_team_is_a_404(client_for, world):
    other = OrganizationFactory()
    their_region = RegionFactory(organization=other)
    their_chief = MembershipFactory(organization=other, role=Role.CHIEF_OF_STAFF)
    client = client_for(world["board"])

    assert client.get("/review/2026-04/", {"region": their_region.pk}).status_code == 404
    assert client.get("/review/2026-04/", {"team": their_chief.pk}).status_code == 404
    assert client.get("/review/2026-04/", {"region": "x"}).status_code == 404


def test_logged_out_the_review_asks_for_a_login(client, world):
    response = client.get("/review/2026-04/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_review_exports_its_tables(client_for, world):
    response = client_for(world["board"]).get("/review/2026-04/", {"format": "csv"})

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="customer-review-2026-04-whole-organization.csv"'
    text = response.content.decode("utf-8-sig")
    assert "Leo London,1.5,1.0,150,-1.2,1,\r\n" in text
    assert next(csv.reader(io.StringIO(text))) == ["Each leader's customer time against target"]


def test_the_page_is_in_the_readers_language(client_for, world):
    world["board"].user.language = "nb"
    world["board"].user.save(update_fields=["language"])

    response = client_for(world["board"]).get("/review/2026-04/")

    assert summary_of(response) == SUMMARY_NB
