"""The dashboards in the person's language: a Norwegian export's titles, headers and sheet names, a Norwegian
chart's texts (while its coordinates stay dot-decimal), Norwegian numbers, months and quarters."""

import csv
import io
import re
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from apps.core import formatting
from apps.dashboards import charts, executive
from apps.dashboards.exports import format_value
from apps.dashboards.team import period_label
from apps.organizations.models import Role
from tests.dashboards.test_team import read_table, today_team  # noqa: F401 - the fixture, used by name
from tests.organizations.factories import MembershipFactory
from tests.scheduling.factories import PlanFactory, SessionFactory

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"
# Every attribute that places or sizes something: numbers with a dot, never a decimal comma.
GEOMETRY = ("x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "width", "height")
DOT_NUMBER = re.compile(r"-?\d+(\.\d+)?")

NB_TEAM_HEADERS = [
    "Leder",
    "Periode",
    "Denne perioden (t)",
    "Mål (t)",
    "%\u00a0av målet",
    "Saldo (t)",
    "Siste kundekontakt",
    "Ikke gjennomført (30 dager)",
    "Ikke logget (30 dager)",
    "Kommende (14 dager)",
    "Åpne tiltak",
    "Forfalte tiltak",
    "I rute denne måneden",
]


@pytest.fixture(autouse=True)
def _english_afterwards():
    """A request leaves its person's language active in the thread: later tests build in English again."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def norwegian(membership):
    membership.user.language = "nb"
    membership.user.save(update_fields=["language"])
    return membership


def nb_month(day):
    with translation.override("nb"):
        return formatting.when(day, "month")


def test_a_norwegian_team_export_has_norwegian_titles_headers_and_sheet_name(
    client_for,
    chief_of_staff,
    today_team,  # noqa: F811
):
    client = client_for(norwegian(chief_of_staff))
    url = reverse("dashboards:team")
    page = read_table(client.get(url, {"sort": "name"}))
    csv_response = client.get(url, {"sort": "name", "format": "csv"})
    xlsx_response = client.get(url, {"sort": "name", "format": "xlsx"})

    today = timezone.localdate()
    month = nb_month(today)
    last_day = timezone.localtime(today_team["started"], timezone.get_current_timezone()).date().isoformat()
    assert page.rows[0] == NB_TEAM_HEADERS
    # The page writes Norwegian numbers; the CSV keeps them as a spreadsheet parses them.
    assert page.rows[1] == ["Ada Today", month, "1,5", "10,0", "15 %", "-8,5", last_day, "0", "0", "0", "1", "1", "nei"]

    assert csv_response["Content-Disposition"] == f'attachment; filename="team-{today.isoformat()}.csv"'
    lines = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig"))))
    assert lines[0] == ["Ledere du støtter"]
    assert lines[1] == NB_TEAM_HEADERS
    assert lines[2] == ["Ada Today", month, "1.5", "10.0", "15", "-8.5", last_day, "0", "0", "0", "1", "1", "nei"]

    book = load_workbook(io.BytesIO(xlsx_response.content))
    assert book.sheetnames == ["Ledere"]
    rows = list(book["Ledere"].iter_rows(values_only=True))
    assert list(rows[0]) == NB_TEAM_HEADERS
    assert rows[1][-1] == "nei"


def test_the_same_team_export_in_english(client_for, chief_of_staff, today_team):  # noqa: F811
    response = client_for(chief_of_staff).get(reverse("dashboards:team"), {"format": "xlsx"})

    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Executives"]
    assert next(book["Executives"].iter_rows(values_only=True))[:5] == (
        "Executive",
        "Period",
        "This period (h)",
        "Target (h)",
        "%\u00a0of target",
    )


def test_a_norwegian_executive_export_names_every_sheet_in_norwegian(client_for, executive):
    client = client_for(norwegian(executive))

    response = client.get(reverse("dashboards:executive"), {"format": "xlsx"})

    assert response["Content-Disposition"].startswith('attachment; filename="kundetid-')
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [
        "Mot målet",
        "Timer per måned",
        "Etter type",
        "Kommende",
        "Åpne tiltak",
        "Siste læringer",
    ]
    assert [list(row) for row in book["Mot målet"].iter_rows(values_only=True)] == [
        ["Periode", "Timer", "Mål (t)", "Løpende saldo (t)", "I rute denne måneden"],
        ["Denne uken", 0, None, None, None],
        ["Denne måneden", 0, None, None, None],
        ["Dette kvartalet", 0, None, None, None],
    ]
    assert next(book["Timer per måned"].iter_rows(values_only=True)) == ("Måned", "Totalt")
    # Words Django's own catalogs translate otherwise ("Handling", "Endre") keep the dashboards' meaning.
    assert next(book["Åpne tiltak"].iter_rows(values_only=True)) == ("Tiltak", "Status", "Frist")
    assert next(book["Siste læringer"].iter_rows(values_only=True)) == ("Læring", "Type", "Når")


def test_a_norwegian_board_page_and_its_csv(client_for, board_member):
    client = client_for(norwegian(board_member))

    page = client.get(reverse("dashboards:board"))
    response = client.get(reverse("dashboards:board"), {"format": "csv"})

    html = page.content.decode()
    assert '<h1 class="h4 mb-0">Kundetid i korte trekk</h1>' in html
    assert "Styreoversikt" in html
    assert response["Content-Disposition"].startswith('attachment; filename="styreoversikt-')
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert lines[:2] == [["Timer per leder per måned, etter type"], ["Måned", "Per leder", "Alle ledere"]]
    assert lines[lines.index(["Temaer: hyppigste"]) + 1] == ["Tema", "Læringer", "Forrige periode", "Endring"]
    assert [row[0] for row in lines if row and row[0].startswith("Blindsoner")] == [
        "Blindsoner: ikke besøkt på 60 dager"
    ]


def parse(svg):
    return ET.fromstring(str(svg))  # noqa: S314 - our own output, and parsing it proves it is well-formed


def geometry(root):
    """Every number that places or sizes a mark (the chart's own width="100%" aside)."""
    values = [
        element.get(name)
        for element in root.iter()
        if element is not root
        for name in GEOMETRY
        if element.get(name) is not None
    ]
    values += root.get("viewBox").split()
    for element in root.iter():
        turn = element.get("transform")
        if turn:
            values += re.findall(r"[^ ()a-z]+", turn)
    return values


def test_a_norwegian_chart_reads_norwegian_and_is_drawn_in_dot_decimal_coordinates():
    with translation.override("nb"):
        svg = charts.stacked_bar_chart(
            title="Timer med kunder per måned",
            description="Timer med kunder per måned, etter type.",
            categories=[
                formatting.when(date(2026, 1, 1), "short_month"),
                formatting.when(date(2026, 5, 1), "short_month"),
            ],
            series=[("Butikkbesøk", [1.25, 0.75])],
        )
    root = parse(svg)

    assert root.find(SVG + "title").text == "Timer med kunder per måned"
    assert [e.text for e in root.iter(SVG + "text")] == [
        "Timer med kunder per måned",
        "0 t",
        "0,5 t",
        "1 t",
        "1,5 t",
        "1,25",
        "jan. 26",
        "0,75",
        "mai 26",
        "Butikkbesøk",
    ]
    assert [e.text for e in root.iter(SVG + "title")][1:] == [
        "jan. 26 · Butikkbesøk: 1,25 t",
        "mai 26 · Butikkbesøk: 0,75 t",
    ]
    numbers = geometry(root)
    assert all(DOT_NUMBER.fullmatch(value) for value in numbers), [v for v in numbers if not DOT_NUMBER.fullmatch(v)]
    assert any("." in value for value in numbers)  # fractions are there, written with a dot


def test_norwegian_units_shares_and_tooltips_in_the_other_charts():
    with translation.override("nb"):
        bars = parse(
            charts.horizontal_bar_chart(
                title="Lengst uten besøk", description="Dager.", labels=["Bodø"], values=[1234], unit="d"
            )
        )
        funnel = parse(
            charts.funnel_chart(
                title="Fra læring til tiltak", description="Læringer.", steps=[("Læringer", 4), ("Tiltak", 2)]
            )
        )
        scatter = parse(
            charts.scatter_chart(
                title="Ledertid og NPS",
                description="Steder.",
                points=[("Bodø", 2.5, Decimal("-3.5"))],
                x_label="Ledertimer",
                y_label="NPS",
            )
        )
        empty = parse(charts.horizontal_bar_chart(title="Ingenting", description=".", labels=[], values=[]))

    assert [e.text for e in bars.iter(SVG + "title")][1:] == ["Bodø: 1\u00a0234 d"]
    assert [e.text for e in funnel.iter(SVG + "text")][1:] == ["Læringer — 4 · 100\u00a0%", "Tiltak — 2 · 50\u00a0%"]
    assert [e.text for e in funnel.iter(SVG + "title")][2] == "Tiltak: 2 (50\u00a0% av Læringer)"
    assert [e.text for e in scatter.iter(SVG + "title")][1:] == ["Bodø: Ledertimer 2,5; NPS -3,5"]
    assert [e.text for e in empty.iter(SVG + "text")][1:] == ["Ingen data"]
    for root in (bars, funnel, scatter):
        assert all(DOT_NUMBER.fullmatch(value) for value in geometry(root))


@pytest.mark.parametrize(
    ("value", "kind", "page", "csv_text"),
    [
        (1234.56, "hours", "1\u00a0234,6", "1234.6"),
        (12, "hours", "12,0", "12.0"),
        (-0.04, "hours", "0,0", "0.0"),
        (12345, "int", "12\u00a0345", "12345"),
        (41.6, "percent", "42 %", "42"),
        (Decimal("-3.50"), "number", "-3,5", "-3.5"),
        (date(2026, 11, 2), "date", "2026-11-02", "2026-11-02"),
    ],
)
def test_norwegian_table_numbers(value, kind, page, csv_text):
    with translation.override("nb"):
        assert format_value(value, kind) == page
        assert format_value(value, kind, for_csv=True) == csv_text


def test_norwegian_months_and_quarters():
    with translation.override("nb"):
        assert period_label(date(2026, 12, 1), "month") == "des. 2026"
        assert period_label(date(2026, 10, 1), "quarter") == "4. kvartal 2026"
        assert formatting.when(date(2026, 5, 1), "short_month") == "mai 26"
    with translation.override("en"):
        assert period_label(date(2026, 12, 1), "month") == "Dec 2026"
        assert period_label(date(2026, 10, 1), "quarter") == "Q4 2026"


def test_coming_customer_time_reads_on_the_leaders_clock_in_the_persons_language(organization):
    leader = MembershipFactory(organization=organization, role=Role.EXECUTIVE, user__time_zone="Europe/Oslo")
    plan = PlanFactory(organization=organization, leader=leader, title="Butikkrunde")
    # Sunday 6 December 2026, 09:00 in Oslo (08:00 UTC).
    SessionFactory(plan=plan, starts_at=datetime(2026, 12, 6, 8, 0, tzinfo=UTC), occurrence_date=date(2026, 12, 6))
    now = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)

    def coming(language):
        with translation.override(language), timezone.override("UTC"):  # the viewer's clock is not the leader's
            d = executive.build(leader=leader, now=now)
        return next(t for t in d.tables if t.name == "coming").rows

    assert coming("nb") == [["søn 6. des. kl. 09:00", "Butikkrunde", ""]]
    assert coming("en") == [["Sun 6 Dec, 09:00", "Butikkrunde", ""]]
