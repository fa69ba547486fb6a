"""The periods a review covers: a calendar month ("2026-11") or quarter ("2026-Q4"), on the organization's clock."""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from apps.core.formatting import when
from apps.dashboards.periods import month_add

MONTH_SLUG = re.compile(r"^(\d{4})-(\d{2})$")
QUARTER_SLUG = re.compile(r"^(\d{4})-[QqKk]([1-4])$")  # K: "kvartal", as a Norwegian reader may type it
MONTH, QUARTER = "month", "quarter"


class BadPeriod(ValueError):
    """Not a period Gemba can review; the message says why, in the person's language."""


@dataclass(frozen=True)
class Period:
    kind: str  # MONTH or QUARTER
    first_month: date  # its first day

    @property
    def length(self):
        return 3 if self.kind == QUARTER else 1

    @property
    def months(self):
        return [month_add(self.first_month, i) for i in range(self.length)]

    @property
    def last_month(self):
        return month_add(self.first_month, self.length - 1)

    @property
    def first_day(self):
        return self.first_month

    @property
    def last_day(self):
        return month_add(self.first_month, self.length) - timedelta(days=1)

    @property
    def days(self):
        return (self.last_day - self.first_day).days + 1

    @property
    def quarter(self):
        return (self.first_month.month - 1) // 3 + 1

    @property
    def slug(self):
        if self.kind == QUARTER:
            return f"{self.first_month.year}-Q{self.quarter}"
        return f"{self.first_month:%Y-%m}"

    @property
    def label(self):
        """ "November 2026" / "november 2026"; "Q4 2026" / "4. kvartal 2026"."""
        if self.kind == QUARTER:
            return pgettext("a quarter of a year", "Q%(quarter)s %(year)s") % {
                "quarter": self.quarter,
                "year": self.first_month.year,
            }
        return when(self.first_month, "year_month")

    @property
    def previous(self):
        return Period(self.kind, month_add(self.first_month, -self.length))

    @property
    def next(self):
        return Period(self.kind, month_add(self.first_month, self.length))

    def start(self, zone):
        """Its first moment on the clock of `zone`."""
        return datetime.combine(self.first_day, time.min, tzinfo=zone)

    def end(self, zone):
        """The first moment after it on the clock of `zone`."""
        return datetime.combine(self.last_day + timedelta(days=1), time.min, tzinfo=zone)

    def contains(self, day):
        return self.first_day <= day <= self.last_day


def period_of(day, kind=MONTH):
    """The month (or quarter) `day` falls in."""
    if kind == QUARTER:
        return Period(QUARTER, date(day.year, (day.month - 1) // 3 * 3 + 1, 1))
    return Period(MONTH, day.replace(day=1))


def parse(slug):
    """The period a URL names ("2026-11", "2026-Q4"), or BadPeriod."""
    found = MONTH_SLUG.match(slug)
    if found and 1 <= int(found[2]) <= 12 and int(found[1]) >= 2000:
        return Period(MONTH, date(int(found[1]), int(found[2]), 1))
    found = QUARTER_SLUG.match(slug)
    if found and int(found[1]) >= 2000:
        return Period(QUARTER, date(int(found[1]), (int(found[2]) - 1) * 3 + 1, 1))
    raise BadPeriod(_("“%(period)s” is not a month (2026-11) or a quarter (2026-Q4).") % {"period": slug[:20]})


def check(period, *, today, since):
    """BadPeriod for a period that has not started by `today`, or that ended before `since` (the day the
    organization's record starts); otherwise None."""
    if period.first_day > today:
        raise BadPeriod(
            _("%(period)s has not started yet: a review covers time that has passed.") % {"period": period.label}
        )
    if period.last_day < since:
        raise BadPeriod(
            _("%(period)s is before your organization's record starts (%(since)s).")
            % {"period": period.label, "since": when(since)}
        )


def default_period(*, today, since):
    """The period a review opens on: the last whole month, or this one when the record starts this month."""
    this_month = period_of(today)
    last_month = this_month.previous
    return last_month if last_month.last_day >= since else this_month
