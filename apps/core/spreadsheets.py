"""Text that a spreadsheet opens: every CSV and XLSX the site writes neutralises formulas with this one rule."""

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
