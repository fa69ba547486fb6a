"""RRULE + wall-clock start + IANA zone -> UTC instants; 09:00 stays 09:00 across daylight saving."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from apps.scheduling.recurrence import (
    Cadence,
    build_rule,
    clock_change,
    clock_change_notes,
    expand,
    normalize_rule,
)

OSLO = ZoneInfo("Europe/Oslo")


def _expand(rule, start, at, zone="Europe/Oslo", weeks=60, end_date=None):
    return expand(
        rule=rule,
        start_date=start,
        start_time=at,
        time_zone=zone,
        window_start=datetime.combine(start, time.min, tzinfo=UTC) - timedelta(days=1),
        window_end=datetime.combine(start, time.min, tzinfo=UTC) + timedelta(weeks=weeks),
        end_date=end_date,
    )


def test_weekly_0900_oslo_stays_0900_local_across_both_transitions():
    occurrences = _expand("FREQ=WEEKLY;BYDAY=MO", date(2026, 3, 2), time(9, 0), weeks=40)

    local = [o.starts_at.astimezone(OSLO) for o in occurrences]
    assert {(t.hour, t.minute) for t in local} == {(9, 0)}
    by_date = {o.local_date: o.starts_at for o in occurrences}
    # Winter (CET, UTC+1) before 29 March, summer (CEST, UTC+2) after, winter again after 25 October.
    assert by_date[date(2026, 3, 23)] == datetime(2026, 3, 23, 8, 0, tzinfo=UTC)
    assert by_date[date(2026, 3, 30)] == datetime(2026, 3, 30, 7, 0, tzinfo=UTC)
    assert by_date[date(2026, 10, 19)] == datetime(2026, 10, 19, 7, 0, tzinfo=UTC)
    assert by_date[date(2026, 10, 26)] == datetime(2026, 10, 26, 8, 0, tzinfo=UTC)


def test_a_time_in_the_spring_gap_moves_forward_by_the_gap():
    [occurrence] = _expand("FREQ=DAILY;COUNT=1", date(2026, 3, 29), time(2, 30), weeks=1)

    assert occurrence.starts_at == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert occurrence.starts_at.astimezone(OSLO).strftime("%H:%M %Z") == "03:30 CEST"
    assert clock_change(datetime(2026, 3, 29, 2, 30), OSLO) == "gap"


def test_a_time_that_happens_twice_in_autumn_is_the_first_one():
    [occurrence] = _expand("FREQ=DAILY;COUNT=1", date(2026, 10, 25), time(2, 30), weeks=1)

    assert occurrence.starts_at == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert occurrence.starts_at.astimezone(OSLO).strftime("%H:%M %Z") == "02:30 CEST"
    assert clock_change(datetime(2026, 10, 25, 2, 30), OSLO) == "overlap"


def test_clock_change_notes_explain_both_rules():
    notes = clock_change_notes(
        rule="FREQ=WEEKLY;BYDAY=SU", start_date=date(2026, 1, 4), start_time=time(2, 30), time_zone="Europe/Oslo"
    )

    assert notes == [
        "02:30 does not exist on 29 March 2026 in Europe/Oslo (clocks go forward): that session starts at 03:30.",
        "02:30 happens twice on 25 October 2026 in Europe/Oslo (clocks go back): that session is at the first one.",
    ]


def test_end_date_is_inclusive_in_local_time():
    occurrences = _expand("FREQ=WEEKLY;BYDAY=MO", date(2026, 1, 5), time(23, 30), end_date=date(2026, 1, 19))

    assert [o.local_date for o in occurrences] == [date(2026, 1, 5), date(2026, 1, 12), date(2026, 1, 19)]


@pytest.mark.parametrize(
    ("cadence", "start", "interval", "expected"),
    [
        (Cadence.WEEKLY, date(2026, 11, 24), 1, "FREQ=WEEKLY;BYDAY=TU"),
        (Cadence.EVERY_N_WEEKS, date(2026, 11, 24), 3, "FREQ=WEEKLY;INTERVAL=3;BYDAY=TU"),
        (Cadence.MONTHLY_NTH_WEEKDAY, date(2026, 11, 10), 1, "FREQ=MONTHLY;INTERVAL=1;BYDAY=+2TU"),
        (Cadence.MONTHLY_NTH_WEEKDAY, date(2026, 12, 29), 1, "FREQ=MONTHLY;INTERVAL=1;BYDAY=-1TU"),
        (Cadence.QUARTERLY, date(2026, 1, 6), 1, "FREQ=MONTHLY;INTERVAL=3;BYDAY=+1TU"),
    ],
)
def test_cadences_build_their_rules(cadence, start, interval, expected):
    assert build_rule(cadence=cadence, start_date=start, interval=interval) == expected


def test_monthly_second_tuesday_expands_to_second_tuesdays():
    occurrences = _expand("FREQ=MONTHLY;INTERVAL=1;BYDAY=+2TU", date(2026, 11, 10), time(10, 0), weeks=12)

    assert [o.local_date for o in occurrences] == [date(2026, 11, 10), date(2026, 12, 8), date(2027, 1, 12)]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Enter a rule, e.g. FREQ=WEEKLY;BYDAY=TU."),
        ("FREQ=SOMETIMES", "This is not a valid RRULE (invalid 'FREQ': SOMETIMES)."),
        ("FREQ=HOURLY", "Customer time repeats at most daily: use DAILY, WEEKLY, MONTHLY or YEARLY."),
        (
            "DTSTART:20260101T090000\nRRULE:FREQ=DAILY",
            "Enter one RRULE line without DTSTART (the start date is set above).",
        ),
        ("FREQ=WEEKLY;UNTIL=20270101T000000", "Leave UNTIL out of the rule; use the plan's end date instead."),
    ],
)
def test_bad_rules_get_a_clear_message(text, message):
    with pytest.raises(ValidationError) as exc_info:
        normalize_rule(text)

    assert exc_info.value.message_dict == {"rrule": [message]}


def test_a_custom_rule_is_normalized():
    assert normalize_rule("rrule: freq=weekly;byday=mo,th") == "FREQ=WEEKLY;BYDAY=MO,TH"


ZONES = ["Europe/Oslo", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "America/Santiago", "UTC"]


@settings(max_examples=150, deadline=None)
@given(
    zone=st.sampled_from(ZONES),
    start=st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31)),
    hour=st.integers(0, 23),
    minute=st.sampled_from([0, 15, 30, 45]),
)
def test_every_weekly_occurrence_keeps_its_wall_clock_time_unless_the_clock_skips_it(zone, start, hour, minute):
    tz = ZoneInfo(zone)
    rule = build_rule(cadence=Cadence.WEEKLY, start_date=start)

    for occurrence in _expand(rule, start, time(hour, minute), zone=zone, weeks=60):
        naive = datetime.combine(occurrence.local_date, time(hour, minute))
        local = occurrence.starts_at.astimezone(tz)
        if clock_change(naive, tz) == "gap":
            assert local.replace(tzinfo=None) > naive
        else:
            assert (local.date(), local.hour, local.minute) == (occurrence.local_date, hour, minute)
        assert occurrence.local_date.weekday() == start.weekday()
