# English as Gemba has always shown it (British order: 6 Dec 2026, 09:00, weeks from Monday, no digit grouping).
# Django's own names first; the *_FORMAT names after them are the project's (apps.core.dates.when).
DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j M"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
FIRST_DAY_OF_WEEK = 1
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 0

LONG_DATE_FORMAT = "j F Y"
LONG_DATETIME_FORMAT = "j F Y, H:i"
WEEKDAY_DATE_FORMAT = "D j M Y"
WEEKDAY_DATETIME_FORMAT = "D j M Y, H:i"
WEEKDAY_DAY_TIME_FORMAT = "D j M, H:i"
FULL_DATE_FORMAT = "l j F Y"
FULL_DATETIME_FORMAT = "l j F Y, H:i"
FULL_DAY_TIME_FORMAT = "l j F, H:i"
MONTH_FORMAT = "M Y"
SHORT_MONTH_FORMAT = "M y"
