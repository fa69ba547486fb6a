"""CSV and XLSX exports of dashboard tables, and the one formatting function the page and the CSV share, so a
download reads exactly like the page.

Choices:
- Titles, column headers and sheet names are in the requesting person's language (the one active during the
  request), as on the page.
- The page writes numbers in the person's language ("1 234,5" in Norwegian; English groups no thousands, so
  "1234.5"); the CSV always writes them as a spreadsheet or a script parses them ("1234.5"), in every language.
- Percent is 0..100. The page shows "42 %", the CSV "42" and the XLSX the number 42 with the format "0".
- XLSX cells hold the value as displayed (rounded the same way), not the raw value, so the totals match the page.
- Dates are ISO ("2026-11-02") on the page and in the CSV, and real date cells in the XLSX.
"""

import io
import re
from datetime import date, datetime
from decimal import Decimal
from urllib.parse import urljoin

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from apps.core import formatting, spreadsheets
from apps.core.spreadsheets import neutralize_formula

from .tables import Link, Table, plain

EMPTY_HTML = "—"
NUMERIC_KINDS = frozenset({"int", "hours", "percent", "number", "change"})
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "yyyy-mm-dd"
XLSX_NUMBER_FORMATS = {"int": "0", "hours": "0.0", "percent": "0", "number": "General", "change": "+0.0;-0.0;0"}

SHEET_TITLE_MAX = 31
INVALID_SHEET_CHARS_RE = re.compile(r"[\[\]:*?/\\]")


def _fixed(value, places):
    text = f"{value:.{places}f}"
    # Rounding a small negative gives "-0.0": a minus sign the reader would take as a real deficit.
    if text.startswith("-") and not text.strip("-0."):
        text = text[1:]
    return text


def _shown(text, for_csv):
    """A dot-decimal number's text as the page shows it in the active language (the CSV keeps it as it is)."""
    if for_csv:
        return text
    return formatting.number(Decimal(text), len(text.partition(".")[2]) or None)


def format_value(value, kind, *, for_csv=False):
    """The text a cell shows: `for_csv` drops what only helps a reader ("—" for nothing, the % sign) and keeps
    numbers dot-decimal; the page writes them in the active language."""
    value = plain(value)
    if value is None:
        return "" if for_csv else EMPTY_HTML
    if kind == "int":
        return _shown(_fixed(value, 0), for_csv)
    if kind == "hours":
        return _shown(_fixed(value, 1), for_csv)
    if kind == "percent":
        number = _fixed(value, 0)
        return number if for_csv else f"{_shown(number, for_csv)} %"
    if kind == "number":
        text = _fixed(value, 2)
        return _shown(text.rstrip("0").rstrip(".") if "." in text else text, for_csv)
    if kind == "change":  # a difference: its sign always shown (+3, −2.5, 0)
        text = _fixed(value, 1).removesuffix(".0")
        shown = _shown(text.lstrip("-"), for_csv)
        if text.lstrip("-0.") == "":
            return shown
        return ("-" if for_csv else "\u2212") + shown if text.startswith("-") else f"+{shown}"
    if kind == "date":
        return (value.date() if isinstance(value, datetime) else value).isoformat()
    return str(value)


def _attachment(content, *, content_type, filename):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def csv_response(*, filename: str, tables: list[Table]) -> HttpResponse:
    """One CSV holding every table: its title, its header row, its rows, then a blank line."""
    rows = []
    for table in tables:
        rows.append([str(table.title)])
        rows.append([str(column.label) for column in table.columns])
        for row in table.rows:
            cells = []
            for column, value in zip(table.columns, row, strict=True):
                text = format_value(value, column.kind, for_csv=True)
                cells.append(neutralize_formula(text) if column.kind == "text" else text)
            rows.append(cells)
        rows.append([])
    return spreadsheets.csv_response(rows, filename=f"{filename}.csv")


# What a shortened sheet name must not end with: a dangling separator reads as a cut.
SHEET_TITLE_TRAILING = " \t,;:-–·'"


def _shorten(text, limit):
    """`text` in at most `limit` characters, cut after a whole word (a single longer word is cut), with no
    separator left dangling at the end."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    if text[limit].isalnum() and cut[-1].isalnum():
        space = cut.rfind(" ")
        if space > 0:
            cut = cut[:space]
    return cut.rstrip(SHEET_TITLE_TRAILING) or text[:limit]


def sheet_title(title, taken):
    """A valid Excel sheet name for `title` (at most 31 characters, cut at a word), unique (Excel ignores case)
    among `taken`, which it joins."""
    base = INVALID_SHEET_CHARS_RE.sub("-", str(title)).strip().strip("'") or str(_("Sheet"))
    candidate = _shorten(base, SHEET_TITLE_MAX)
    number = 1
    while candidate.casefold() in taken:
        number += 1
        suffix = f" ({number})"
        candidate = _shorten(base, SHEET_TITLE_MAX - len(suffix)) + suffix
    taken.add(candidate.casefold())
    return candidate


def _xlsx_value(value, kind):
    value = plain(value)
    if value is None:
        return None
    if kind in ("int", "percent"):
        return int(format_value(value, kind, for_csv=True))
    if kind in ("hours", "number"):
        return float(format_value(value, kind, for_csv=True))
    if kind == "date":
        return value.date() if isinstance(value, datetime) else value
    # openpyxl refuses control characters in a cell: drop them rather than fail the whole download.
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))


def _width(value):
    if isinstance(value, date):
        return 10
    return len(str(value)) if value is not None else 0


def xlsx_response(*, filename: str, tables: list[Table], base_url: str) -> HttpResponse:
    """One worksheet per table: bold frozen header, typed cells; links become hyperlinks joined to `base_url`."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    taken = set()
    for table in tables:
        sheet = workbook.create_sheet(sheet_title(table.sheet or table.title, taken))
        bold = Font(bold=True)
        labels = [str(column.label) for column in table.columns]
        widths = [len(label) for label in labels]
        for index, label in enumerate(labels, start=1):
            sheet.cell(row=1, column=index, value=label).font = bold
        for row_index, row in enumerate(table.rows, start=2):
            for index, (column, value) in enumerate(zip(table.columns, row, strict=True), start=1):
                cell_value = _xlsx_value(value, column.kind)
                cell = sheet.cell(row=row_index, column=index, value=cell_value)
                if isinstance(value, Link) and cell_value is not None:
                    # The named style first: it would reset the number format set below.
                    cell.style = "Hyperlink"
                    cell.hyperlink = urljoin(base_url, value.href)
                if column.kind == "text" and cell_value is not None:
                    # openpyxl stores "=..." as a formula; user text must stay text.
                    cell.data_type = "s"
                elif column.kind == "date":
                    cell.number_format = DATE_FORMAT
                elif column.kind in XLSX_NUMBER_FORMATS:
                    cell.number_format = XLSX_NUMBER_FORMATS[column.kind]
                widths[index - 1] = max(widths[index - 1], _width(cell_value))
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = min(max(width, 6), 60) + 2
        sheet.freeze_panes = "A2"
    if not workbook.worksheets:
        workbook.create_sheet(_("Sheet"))  # a workbook with no sheet is not a valid file
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _attachment(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE, filename=f"{filename}.xlsx")
