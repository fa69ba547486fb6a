from datetime import UTC
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def zone_or_utc(name):
    """The named zone; UTC for a name that is not one (one bad row must not stop a sweep or a page)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        return UTC
