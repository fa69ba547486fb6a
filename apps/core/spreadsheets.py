"""Text that a spreadsheet opens: every CSV and XLSX the site writes neutralises formulas with this one rule, and
every CSV download is written by `csv_response`."""

import csv
import io

from django.http import HttpResponse
from django.utils.http import content_disposition_header

# Spreadsheets run a cell starting with these as a formula (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralize_formula(text):
    """`text` as a spreadsheet shows it without running it: a leading apostrophe before a formula's first sign."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def unneutralize_formula(text):
    """What `neutralize_formula` was given: a file written by the site (and filled in) read back as typed."""
    if text.startswith("'") and text[1:].startswith(FORMULA_PREFIXES):
        return text[1:]
    return text


def csv_response(rows, *, filename):
    """A CSV download of `rows` (lists of text) named `filename`, as UTF-8 with a BOM."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    # The BOM is what makes Excel read the file as UTF-8 (accented names) instead of the system code page.
    response = HttpResponse(("\ufeff" + buffer.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
