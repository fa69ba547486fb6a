"""Bounds for dates people enter: the earliest the site accepts and moving ones counted from today.

Every date a person types is checked against bounds on the server (the form field, and the service where an
out-of-range day would break a computation, e.g. a session in the year 1 whose reminder falls before year 1).
"""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext

from .formatting import when

EARLIEST_DATE = date(2000, 1, 1)


def days_ahead(days):
    """A bound `days` from today on the current clock, worked out at each use (never at import)."""
    return lambda: timezone.localdate() + timedelta(days=days)


def years_ahead(years):
    return days_ahead(365 * years + years // 4)


FIVE_YEARS_AHEAD = years_ahead(5)


def resolve(bound):
    return bound() if callable(bound) else bound


def day_label(day):
    return when(day, "date")


def range_message(first, last):
    return gettext("Enter a date from %(first)s to %(last)s.") % {"first": day_label(first), "last": day_label(last)}


def out_of_bounds(day, *, first=EARLIEST_DATE, last=FIVE_YEARS_AHEAD):
    """The message for `day` outside the bounds, or None (also for no day)."""
    first, last = resolve(first), resolve(last)
    if day is not None and not first <= day <= last:
        return range_message(first, last)
    return None


def check_day(day, *, field, first=EARLIEST_DATE, last=FIVE_YEARS_AHEAD):
    """Raise a ValidationError on `field` unless `day` (None passes) is within the bounds."""
    message = out_of_bounds(day, first=first, last=last)
    if message:
        raise ValidationError({field: message})
