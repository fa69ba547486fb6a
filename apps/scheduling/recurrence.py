"""Recurrence: an RRULE, a wall-clock start and an IANA time zone, expanded into UTC instants.

The rule is expanded on naive local datetimes (so 09:00 stays 09:00 across daylight saving) and each
occurrence is converted to UTC on its own. Two documented rules settle the clock changes:
- a local time that does not exist that day (clocks go forward) moves forward by the gap: 02:30 -> 03:30;
- a local time that happens twice (clocks go back) is the first of the two (still on summer time).
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import DAILY, MONTHLY, WEEKLY, YEARLY, rrulestr
from django.core.exceptions import ValidationError
from django.utils.translation import gettext, gettext_lazy

from apps.core.formatting import when

WEEKDAY_CODES = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
ALLOWED_FREQUENCIES = {DAILY, WEEKLY, MONTHLY, YEARLY}
MAX_RULE_LENGTH = 500


class Cadence:
    WEEKLY = "weekly"
    EVERY_N_WEEKS = "every_n_weeks"
    MONTHLY_NTH_WEEKDAY = "monthly_nth_weekday"
    QUARTERLY = "quarterly"
    CUSTOM = "custom"

    CHOICES = [
        (WEEKLY, gettext_lazy("Every week")),
        (EVERY_N_WEEKS, gettext_lazy("Every few weeks")),
        (MONTHLY_NTH_WEEKDAY, gettext_lazy("Monthly (same weekday, e.g. 2nd Tuesday)")),
        (QUARTERLY, gettext_lazy("Quarterly (same weekday every 3 months)")),
        (CUSTOM, gettext_lazy("Custom (RRULE)")),
    ]


@dataclass(frozen=True)
class Occurrence:
    local_date: date  # the rule's own date: the stable identity of a session
    starts_at: datetime  # aware, UTC


def nth_weekday(day):
    """(n, code) for `day` as the n-th weekday of its month; the 5th counts as the last (-1)."""
    n = (day.day - 1) // 7 + 1
    return (-1 if n == 5 else n), WEEKDAY_CODES[day.weekday()]


def build_rule(*, cadence, start_date, interval=1, custom=""):
    """The RRULE text for a cadence, anchored on the start date's weekday."""
    code = WEEKDAY_CODES[start_date.weekday()]
    if cadence == Cadence.WEEKLY:
        return f"FREQ=WEEKLY;BYDAY={code}"
    if cadence == Cadence.EVERY_N_WEEKS:
        return f"FREQ=WEEKLY;INTERVAL={int(interval)};BYDAY={code}"
    if cadence in (Cadence.MONTHLY_NTH_WEEKDAY, Cadence.QUARTERLY):
        n, code = nth_weekday(start_date)
        months = 1 if cadence == Cadence.MONTHLY_NTH_WEEKDAY else 3
        return f"FREQ=MONTHLY;INTERVAL={months};BYDAY={n:+d}{code}"
    if cadence == Cadence.CUSTOM:
        return normalize_rule(custom)
    raise ValidationError({"cadence": gettext("Choose how often.")})


def normalize_rule(text):
    """A single RRULE (the "RRULE:" prefix optional), validated; raises ValidationError with a clear message."""
    rule = (text or "").strip()
    if rule.upper().startswith("RRULE:"):
        rule = rule[6:].strip()
    if not rule:
        raise ValidationError({"rrule": gettext("Enter a rule, e.g. FREQ=WEEKLY;BYDAY=TU.")})
    if len(rule) > MAX_RULE_LENGTH or "\n" in rule or "DTSTART" in rule.upper():
        raise ValidationError({"rrule": gettext("Enter one RRULE line without DTSTART (the start date is set above).")})
    try:
        parsed = rrulestr(rule, dtstart=datetime(2026, 1, 1, 9, 0))
    except (ValueError, TypeError, KeyError) as exc:
        raise ValidationError({"rrule": gettext("This is not a valid RRULE (%(error)s).") % {"error": exc}}) from exc
    if getattr(parsed, "_freq", None) not in ALLOWED_FREQUENCIES:
        raise ValidationError(
            {"rrule": gettext("Customer time repeats at most daily: use DAILY, WEEKLY, MONTHLY or YEARLY.")}
        )
    if "UNTIL=" in rule.upper():
        raise ValidationError({"rrule": gettext("Leave UNTIL out of the rule; use the plan's end date instead.")})
    return rule.upper()


def localize(naive, zone):
    """A naive wall-clock time in `zone` as an aware UTC instant, by the module's two rules."""
    return naive.replace(tzinfo=zone, fold=0).astimezone(UTC)


def clock_change(naive, zone):
    """'gap' if `naive` does not exist in `zone`, 'overlap' if it happens twice, else None."""
    first = naive.replace(tzinfo=zone, fold=0)
    second = naive.replace(tzinfo=zone, fold=1)
    if first.utcoffset() == second.utcoffset():
        return None
    round_trip = first.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    return "gap" if round_trip != naive else "overlap"


def expand(*, rule, start_date, start_time, time_zone, window_start, window_end, end_date=None):
    """Occurrences starting in [window_start, window_end) (aware datetimes), in order."""
    zone = ZoneInfo(time_zone)
    dtstart = datetime.combine(start_date, start_time)
    # Widen the local window by a day each side: the UTC filter below is exact.
    local_from = window_start.astimezone(zone).replace(tzinfo=None) - timedelta(days=1)
    local_to = window_end.astimezone(zone).replace(tzinfo=None) + timedelta(days=1)
    if end_date is not None:
        local_to = min(local_to, datetime.combine(end_date, time.max))
    if local_to < local_from:
        return []
    occurrences = []
    for naive in rrulestr(rule, dtstart=dtstart).between(local_from, local_to, inc=True):
        starts_at = localize(naive, zone)
        if window_start <= starts_at < window_end and (end_date is None or naive.date() <= end_date):
            occurrences.append(Occurrence(local_date=naive.date(), starts_at=starts_at))
    return occurrences


def clock_change_notes(*, rule, start_date, start_time, time_zone, days=366):
    """Plain-language notes on occurrences in the coming year that a clock change moves."""
    zone = ZoneInfo(time_zone)
    dtstart = datetime.combine(start_date, start_time)
    notes = []
    for naive in rrulestr(rule, dtstart=dtstart).between(dtstart, dtstart + timedelta(days=days), inc=True):
        change = clock_change(naive, zone)
        if change == "gap":
            moved = localize(naive, zone).astimezone(zone)
            notes.append(
                gettext(
                    "%(time)s does not exist on %(date)s in %(zone)s (clocks go forward): "
                    "that session starts at %(moved)s."
                )
                % {
                    "time": when(naive, "time"),
                    "date": when(naive.date(), "long_date"),
                    "zone": time_zone,
                    "moved": when(moved.replace(tzinfo=None), "time"),
                }
            )
        elif change == "overlap":
            notes.append(
                gettext(
                    "%(time)s happens twice on %(date)s in %(zone)s (clocks go back): that session is at the first one."
                )
                % {"time": when(naive, "time"), "date": when(naive.date(), "long_date"), "zone": time_zone}
            )
    return notes
