"""Dates, times and numbers in each language's own formats (config/formats/<language>/formats.py)."""

import datetime
import zoneinfo

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from apps.core import formatting

OSLO = zoneinfo.ZoneInfo("Europe/Oslo")
MORNING = datetime.datetime(2026, 12, 6, 9, 0, tzinfo=OSLO)


@pytest.mark.parametrize(
    ("language", "name", "shown"),
    [
        ("nb", "date", "6. des. 2026"),
        ("en", "date", "6 Dec 2026"),
        ("nb", "time", "09:00"),
        ("en", "time", "09:00"),
        ("nb", "datetime", "6. des. 2026 kl. 09:00"),
        ("en", "datetime", "6 Dec 2026, 09:00"),
        ("nb", "weekday_day_time", "søn 6. des. kl. 09:00"),
        ("en", "weekday_day_time", "Sun 6 Dec, 09:00"),
        ("nb", "full_date", "søndag 6. desember 2026"),
        ("en", "full_date", "Sunday 6 December 2026"),
        ("nb", "month", "des. 2026"),
        ("en", "month", "Dec 2026"),
        ("nb", "year_month", "desember 2026"),
        ("en", "year_month", "December 2026"),
    ],
)
def test_named_formats_in_each_language(language, name, shown):
    with translation.override(language), timezone.override(OSLO):
        assert formatting.when(MORNING, name) == shown


def test_may_keeps_its_short_norwegian_name_without_a_full_stop():
    with translation.override("nb"):
        assert formatting.when(datetime.date(2026, 5, 17)) == "17. mai 2026"


@pytest.mark.parametrize(
    ("language", "hours", "minutes", "number"),
    [
        ("nb", "1\xa0234,5 t", "1 t 30 min", "1\xa0234\xa0567"),
        ("en", "1234.5 h", "1 h 30 min", "1234567"),
    ],
)
def test_hours_minutes_and_numbers_in_each_language(language, hours, minutes, number):
    with translation.override(language):
        assert formatting.hours(1234.5) == hours
        assert formatting.minutes(90) == minutes
        assert formatting.number(1234567) == number


def test_template_filters_show_datetimes_in_the_current_zone_and_language():
    template = Template('{% load gemba %}{{ at|when:"weekday_day_time" }} · {{ 1234.5|hours }} · {{ 90|minutes }}')
    utc_morning = MORNING.astimezone(datetime.UTC)

    with translation.override("nb"), timezone.override(OSLO):
        assert template.render(Context({"at": utc_morning})) == "søn 6. des. kl. 09:00 · 1\xa0234,5 t · 1 t 30 min"
    with translation.override("en"), timezone.override(OSLO):
        assert template.render(Context({"at": utc_morning})) == "Sun 6 Dec, 09:00 · 1234.5 h · 1 h 30 min"


@pytest.mark.parametrize("language", ["nb", "en"])
def test_weeks_start_on_monday_in_both_languages(language):
    from django.utils.formats import get_format

    with translation.override(language):
        assert get_format("FIRST_DAY_OF_WEEK") == 1
