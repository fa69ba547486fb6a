"""The week a digest covers: an ISO week, Monday to Sunday, on the clock of the person it is for."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from apps.core.formatting import when


@dataclass(frozen=True)
class Week:
    monday: date

    @property
    def sunday(self):
        return self.monday + timedelta(days=6)

    @property
    def slug(self):
        """ "2026-W49": the ISO year and week (the key of a person's digest for it)."""
        year, week, _ = self.monday.isocalendar()
        return f"{year}-W{week:02d}"

    @property
    def label(self):
        """ "30 Nov - 6 Dec 2026" / "30. nov. - 6. des. 2026" (with an en dash), in the active language; the year
        on both days when the week straddles two."""
        first = when(self.monday, "date" if self.monday.year != self.sunday.year else "month_day")
        return f"{first} – {when(self.sunday, 'date')}"

    @classmethod
    def parse(cls, slug):
        """The week of a slug ("2026-W49")."""
        year, week = slug.split("-W")
        return cls(date.fromisocalendar(int(year), int(week), 1))

    @property
    def next(self):
        return Week(self.monday + timedelta(weeks=1))

    @property
    def previous(self):
        return Week(self.monday - timedelta(weeks=1))

    def start(self, zone):
        """Monday 00:00 on the clock of `zone`."""
        return datetime.combine(self.monday, time.min, tzinfo=zone)

    def end(self, zone):
        """The next Monday 00:00 on the clock of `zone` (a week across a clock change is 167 or 169 hours)."""
        return datetime.combine(self.monday + timedelta(weeks=1), time.min, tzinfo=zone)

    def contains(self, day):
        return self.monday <= day <= self.sunday


def week_of(day):
    """The week `day` falls in."""
    return Week(day - timedelta(days=day.weekday()))


def last_week(today):
    """The whole week before the one containing `today`: what Monday's digest is about."""
    return week_of(today).previous
