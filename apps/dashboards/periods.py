"""Months and hours as every dashboard counts them."""

from datetime import date, timedelta


def hours(minutes):
    """Minutes as the hours a table or chart shows (1 decimal); None stays None."""
    if minutes is None:
        return None
    return round(minutes / 60, 1)


def month_add(month, count):
    """The first day of the month `count` months after (or before) `month`."""
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def month_end(month, today):
    """The month's last day, or today for the month under way."""
    return min(month_add(month, 1) - timedelta(days=1), today)
