# Norsk bokmål: 6. des. 2026, 09:00, 1 234,5 (a no-break space groups thousands), weeks from Monday.
# Month and weekday names come from Django's own nb catalog ("N" is the abbreviation with its full stop: des., mai).
DATE_FORMAT = "j. N Y"
DATETIME_FORMAT = r"j. N Y \k\l. H:i"
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j. N"
SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
FIRST_DAY_OF_WEEK = 1
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"
NUMBER_GROUPING = 3

LONG_DATE_FORMAT = "j. F Y"
LONG_DATETIME_FORMAT = r"j. F Y \k\l. H:i"
WEEKDAY_DATE_FORMAT = "D j. N Y"
WEEKDAY_DATETIME_FORMAT = r"D j. N Y \k\l. H:i"
WEEKDAY_DAY_TIME_FORMAT = r"D j. N \k\l. H:i"
FULL_DATE_FORMAT = "l j. F Y"
FULL_DATETIME_FORMAT = r"l j. F Y \k\l. H:i"
FULL_DAY_TIME_FORMAT = r"l j. F \k\l. H:i"
MONTH_FORMAT = "N Y"
SHORT_MONTH_FORMAT = "N y"
