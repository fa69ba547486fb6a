"""Dates, times and numbers in the active language's own formats (config/formats/<language>/formats.py).

`when(value, "weekday_datetime")` reads WEEKDAY_DATETIME_FORMAT (or Django's own DATE_FORMAT, ...) from the active
language's format module, so a page, an email or a chart says "søn 6. des. 2026 kl. 09:00" in Norwegian and
"Sun 6 Dec 2026, 09:00" in English from one call. Aware datetimes are shown in the current time zone.
"""

import datetime

from django.utils import dateformat, formats, numberformat, timezone
from django.utils.translation import get_language, gettext, pgettext


def format_string(name):
    """The format called `name` (e.g. "date", "weekday_datetime") in the active language, English as the fallback."""
    attribute = f"{name.upper()}_FORMAT"
    for module in formats.get_format_modules(lang=get_language()):
        if hasattr(module, attribute):
            return getattr(module, attribute)
    return formats.get_format(attribute)


def when(value, name="date"):
    """A date or datetime in the named format of the active language ("" for None)."""
    if value in (None, ""):
        return ""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return dateformat.format(value, format_string(name))


def number(value, decimals=None):
    """A number with the language's decimal mark and digit grouping: 1 234,5 (nb), 1234.5 (en)."""
    if value is None:
        return ""
    return numberformat.format(
        value,
        formats.get_format("DECIMAL_SEPARATOR"),
        decimal_pos=decimals,
        grouping=formats.get_format("NUMBER_GROUPING"),
        thousand_sep=formats.get_format("THOUSAND_SEPARATOR"),
        force_grouping=True,
    )


def hours(value, decimals=None):
    """Hours with their unit: "1 234,5 t" (nb), "1234.5 h" (en)."""
    if value is None:
        return ""
    return pgettext("hours, with the unit's abbreviation", "%(hours)s h") % {"hours": number(value, decimals)}


def minutes(total):
    """A span of minutes as "1 h 30 min" (en) or "1 t 30 min" (nb); "45 min" under an hour."""
    whole_hours, rest = divmod(int(total or 0), 60)
    if whole_hours and rest:
        return gettext("%(hours)s h %(minutes)s min") % {"hours": number(whole_hours), "minutes": rest}
    if whole_hours:
        return hours(whole_hours)
    return gettext("%(minutes)s min") % {"minutes": rest}
