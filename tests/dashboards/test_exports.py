from datetime import date, datetime
from decimal import Decimal
from io import BytesIO

import pytest
from django.template import Context, Template
from openpyxl import load_workbook

from apps.dashboards.exports import csv_response, format_value, sheet_title, xlsx_response
from apps.dashboards.tables import Column, Link, Table

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def leader_table():
    return Table(
        name="hours-by-leader",
        title="Hours by leader",
        columns=[
            Column("leader", "Leader"),
            Column("hours", "Hours", "hours"),
            Column("share", "Share", "percent"),
            Column("visits", "Visits", "int"),
            Column("last", "Last visit", "date"),
        ],
        rows=[
            [
                Link("Zoë Martín", "/engagements/?leader=1"),
                12.5,
                Decimal("41.6"),
                Link(3, "/engagements/?l=1"),
                date(2026, 11, 2),
            ],
            ['=HYPERLINK("http://evil")', 1234.25, 100, -12, None],
            ["-2+3", None, None, 0, datetime(2026, 10, 30, 23, 15)],
        ],
    )


def score_table():
    return Table(
        name="scores",
        title="Scores",
        columns=[Column("metric", "Metric"), Column("value", "Value", "number")],
        rows=[["NPS", Decimal("-3.50")], ["@SUM(A1)", 4.125], ["\tTab", None]],
    )


@pytest.mark.parametrize(
    ("value", "kind", "html", "csv"),
    [
        (None, "hours", "—", ""),
        (None, "text", "—", ""),
        (12.5, "hours", "12.5", "12.5"),
        (12, "hours", "12.0", "12.0"),
        (Decimal("1234.56"), "hours", "1234.6", "1234.6"),
        (-0.04, "hours", "0.0", "0.0"),
        (7, "int", "7", "7"),
        (-12, "int", "-12", "-12"),
        (2.6, "int", "3", "3"),
        (41.6, "percent", "42 %", "42"),
        (0, "percent", "0 %", "0"),
        (Decimal("3.50"), "number", "3.5", "3.5"),
        (Decimal("3.00"), "number", "3", "3"),
        (4.125, "number", "4.12", "4.12"),
        (10, "number", "10", "10"),
        (-0.001, "number", "0", "0"),
        (date(2026, 11, 2), "date", "2026-11-02", "2026-11-02"),
        (datetime(2026, 11, 2, 9, 30), "date", "2026-11-02", "2026-11-02"),
        ("Zoë", "text", "Zoë", "Zoë"),
        (Link(5, "/x/"), "int", "5", "5"),
        (Link(None, "/x/"), "int", "—", ""),
    ],
)
def test_format_value(value, kind, html, csv):
    assert format_value(value, kind) == html
    assert format_value(value, kind, for_csv=True) == csv


def test_csv_holds_every_table_as_the_page_shows_it():
    response = csv_response(filename="dashboard-2026-11", tables=[leader_table(), score_table()])

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="dashboard-2026-11.csv"'
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert response.content.decode("utf-8") == (
        "\ufeffHours by leader\r\n"
        "Leader,Hours,Share,Visits,Last visit\r\n"
        "Zoë Martín,12.5,42,3,2026-11-02\r\n"
        '"\'=HYPERLINK(""http://evil"")",1234.2,100,-12,\r\n'
        "'-2+3,,,0,2026-10-30\r\n"
        "\r\n"
        "Scores\r\n"
        "Metric,Value\r\n"
        "NPS,-3.5\r\n"
        "'@SUM(A1),4.12\r\n"
        "'\tTab,\r\n"
        "\r\n"
    )


def test_csv_of_an_empty_table_keeps_title_and_header():
    table = Table(name="empty", title="Nothing yet", columns=[Column("a", "A"), Column("b", "B", "int")])

    response = csv_response(filename="empty", tables=[table])

    assert response.content.decode("utf-8") == "\ufeffNothing yet\r\nA,B\r\n\r\n"


def test_csv_filename_with_accents_uses_the_utf8_form():
    response = csv_response(filename="équipe", tables=[])

    assert response["Content-Disposition"] == "attachment; filename*=utf-8''%C3%A9quipe.csv"
    assert response.content == b"\xef\xbb\xbf"


def read_xlsx(response):
    return load_workbook(BytesIO(response.content))


def test_xlsx_has_one_sheet_per_table_with_typed_cells():
    response = xlsx_response(
        filename="dashboard-2026-11", tables=[leader_table(), score_table()], base_url="https://gemba.test/"
    )

    assert response["Content-Type"] == XLSX_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="dashboard-2026-11.xlsx"'
    workbook = read_xlsx(response)
    assert workbook.sheetnames == ["Hours by leader", "Scores"]
    sheet = workbook["Hours by leader"]
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [
        ["Leader", "Hours", "Share", "Visits", "Last visit"],
        ["Zoë Martín", 12.5, 42, 3, datetime(2026, 11, 2)],
        ['=HYPERLINK("http://evil")', 1234.2, 100, -12, None],
        ["-2+3", None, None, 0, datetime(2026, 10, 30)],
    ]
    assert [cell.font.b for cell in sheet[1]] == [True, True, True, True, True]
    assert [cell.font.b for cell in sheet[3]] == [False, False, False, False, False]
    assert sheet.freeze_panes == "A2"
    assert [cell.data_type for cell in sheet[3]] == ["s", "n", "n", "n", "n"]
    assert [cell.number_format for cell in sheet[2]] == ["General", "0.0", "0", "0", "yyyy-mm-dd"]
    assert sheet["E2"].is_date
    assert sheet["A2"].hyperlink.target == "https://gemba.test/engagements/?leader=1"
    assert sheet["D2"].hyperlink.target == "https://gemba.test/engagements/?l=1"
    assert sheet["B2"].hyperlink is None
    assert sheet.column_dimensions["A"].width == 27  # the formula text, 25 characters, plus 2
    assert sheet.column_dimensions["B"].width == 8  # at least 6, plus 2
    scores = workbook["Scores"]
    assert [[cell.value for cell in row] for row in scores.iter_rows()] == [
        ["Metric", "Value"],
        ["NPS", -3.5],
        ["@SUM(A1)", 4.12],
        ["\tTab", None],
    ]


def test_xlsx_keeps_formula_text_as_text():
    table = Table(name="t", title="T", columns=[Column("a", "A")], rows=[["=1+1"], ["=cmd|' /C calc'!A0"]])

    sheet = read_xlsx(xlsx_response(filename="t", tables=[table], base_url="https://gemba.test/"))["T"]

    assert [(cell.value, cell.data_type) for cell in sheet["A"]] == [
        ("A", "s"),
        ("=1+1", "s"),
        ("=cmd|' /C calc'!A0", "s"),
    ]


def test_xlsx_drops_characters_a_worksheet_cannot_hold():
    table = Table(name="t", title="T", columns=[Column("a", "A")], rows=[["bell\x07 here"]])

    sheet = read_xlsx(xlsx_response(filename="t", tables=[table], base_url="https://gemba.test/"))["T"]

    assert sheet["A2"].value == "bell here"


def test_xlsx_sheet_names_are_valid_short_and_unique():
    columns = [Column("a", "A")]
    titles = [
        "Hours by leader and location, last twelve months",
        "Hours by leader and location, last twelve weeks",
        "Pilots: [done]/planned? *all* \\ here",
        "hours by leader and location, last twelve months",
        "''",
    ]
    tables = [Table(name=f"t{i}", title=title, columns=columns) for i, title in enumerate(titles)]

    workbook = read_xlsx(xlsx_response(filename="t", tables=tables, base_url="https://gemba.test/"))

    assert workbook.sheetnames == [
        "Hours by leader and location",
        "Hours by leader and (2)",
        "Pilots- -done--planned- -all",
        "hours by leader and (3)",
        "Sheet",
    ]


def test_xlsx_sheet_is_the_tables_own_name_and_the_title_only_without_one():
    columns = [Column("a", "A")]
    tables = [
        Table(name="a", title="Hours per leader per month, by kind", columns=columns, sheet="Hours by month"),
        Table(name="b", title="Blind spots: not visited for 60 days", columns=columns),
    ]

    workbook = read_xlsx(xlsx_response(filename="t", tables=tables, base_url="https://gemba.test/"))

    assert workbook.sheetnames == ["Hours by month", "Blind spots- not visited for 60"]


def test_xlsx_sheet_names_are_cut_at_a_word_with_nothing_dangling():
    taken = set()

    names = [
        sheet_title("Locations and regions visited, last 90 days", taken),
        sheet_title("Most frequent themes in the last twelve months", taken),
        sheet_title("Most frequent themes in the last twelve weeks", taken),
        sheet_title("Supercalifragilisticexpialidocious-and-more", taken),
    ]

    assert names == [
        "Locations and regions visited",
        "Most frequent themes in the",
        "Most frequent themes in the (2)",
        "Supercalifragilisticexpialidoci",
    ]
    assert all(len(name) <= 31 and name == name.strip() for name in names)


def test_sheet_title_records_what_it_took():
    taken = set()

    assert [sheet_title("Scores", taken), sheet_title("SCORES", taken), sheet_title("Scores", taken)] == [
        "Scores",
        "SCORES (2)",
        "Scores (3)",
    ]
    assert taken == {"scores", "scores (2)", "scores (3)"}


def test_xlsx_of_no_table_is_still_a_workbook():
    workbook = read_xlsx(xlsx_response(filename="t", tables=[], base_url="https://gemba.test/"))

    assert workbook.sheetnames == ["Sheet"]


def render_table(table):
    return Template("{% load dashboards %}{% dashboard_table table %}").render(Context({"table": table}))


def test_table_template_renders_an_accessible_table():
    html = render_table(leader_table())

    assert '<div class="table-responsive table-short" tabindex="0" role="region" aria-label="Hours by leader">' in html
    assert 'id="hours-by-leader"' in html
    assert "<caption>Hours by leader</caption>" in html
    assert html.count('scope="col"') == 5
    assert '<th scope="col">Leader</th>' in html
    assert '<th scope="col" class="text-end">Hours</th>' in html
    assert '<th scope="row"><a href="/engagements/?leader=1">Zoë Martín</a></th>' in html
    assert '<td class="text-end text-nowrap">12.5</td>' in html
    assert '<td class="text-end text-nowrap">42 %</td>' in html
    assert '<td class="text-end text-nowrap"><a href="/engagements/?l=1">3</a></td>' in html
    assert '<td class="text-nowrap">2026-11-02</td>' in html
    assert '<td class="text-nowrap">—</td>' in html
    assert '<th scope="row">=HYPERLINK(&quot;http://evil&quot;)</th>' in html
    assert "No data for this period." not in html
    assert "style=" not in html
    assert "<script" not in html


def test_table_template_shows_the_empty_state():
    table = Table(name="empty", title="Nothing yet", columns=[Column("a", "A"), Column("b", "B", "int")])

    html = render_table(table)

    assert '<td colspan="2" class="text-body-secondary">No data for this period.</td>' in html
    assert "<caption>Nothing yet</caption>" in html
    assert "style=" not in html


def test_table_template_escapes_link_hrefs():
    table = Table(name="t", title="T", columns=[Column("a", "A")], rows=[[Link("<b>x</b>", "/e/?a=1&b=2")]])

    html = render_table(table)

    assert '<a href="/e/?a=1&amp;b=2">&lt;b&gt;x&lt;/b&gt;</a>' in html
