"""What a digest is made of: sections of lines, each line a sentence with the page behind it."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.utils import timezone

from .weeks import Week

WARN, GOOD = "warn", "good"  # a line's tone: something to act on, something gone well ("" for neither)


@dataclass(frozen=True)
class Line:
    text: str
    href: str = ""  # a site path ("/..."), made absolute when the email is rendered
    tone: str = ""


@dataclass
class Section:
    title: str
    lines: list[Line] = field(default_factory=list)


@dataclass
class Digest:
    membership: object
    week: Week
    headline: str  # what the email is about, in the person's language (its subject says it)
    sections: list[Section] = field(default_factory=list)

    @property
    def is_empty(self):
        """Nothing at all to say: such a digest is not sent."""
        return not any(section.lines for section in self.sections)


@dataclass(frozen=True)
class Frame:
    """The week of one person's digest on their own clock, and the moment it is written."""

    membership: object
    week: Week
    now: datetime
    zone: object

    @property
    def organization_id(self):
        return self.membership.organization_id

    @property
    def start(self):
        return self.week.start(self.zone)

    @property
    def end(self):
        return self.week.end(self.zone)

    @property
    def today(self) -> date:
        return timezone.localtime(self.now, self.zone).date()

    @property
    def week_over(self):
        """The last moment of the week: figures "as they stood at the end of last week" are read at it."""
        return self.end - timedelta(microseconds=1)


def section(title, lines):
    """A section, or None when it has nothing to say (an empty heading is not shown)."""
    lines = [line for line in lines if line is not None]
    return Section(title, lines) if lines else None
