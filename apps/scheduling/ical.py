"""iCalendar output for sessions: one VEVENT per session, with VTIMEZONE, stable UIDs and SEQUENCE.

Google Calendar, Outlook and Apple Calendar need: a VTIMEZONE for every TZID used, a UID that stays the
same across downloads, DTSTAMP, a SEQUENCE that grows with each change, and STATUS:CANCELLED for a
cancelled occurrence (rather than dropping it, so subscribers see it go).
"""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from .models import SessionStatus

PRODID = "-//Gemba//Customer time//EN"


def session_uid(session):
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0]
    return f"gemba-session-{session.pk}@{host}"


def _event(session, now):
    zone = ZoneInfo(session.plan.time_zone)
    event = icalendar.Event()
    event.add("uid", session_uid(session))
    event.add("dtstamp", now)
    event.add("last-modified", session.updated_at.astimezone(UTC))
    event.add("dtstart", session.starts_at.astimezone(zone))
    event.add("dtend", session.ends_at.astimezone(zone))
    title = session.plan.label
    if session.leader.user.full_name:
        title = f"{title} · {session.leader.display_name}"
    event.add("summary", gettext("Customer time: %(title)s") % {"title": title})
    if session.location_id:
        event.add("location", session.location.address or session.location.name)
    link = settings.SITE_URL + reverse("scheduling:session_log", args=[session.pk])
    event.add(
        "description",
        gettext("%(kind)s. Log what you learned: %(link)s") % {"kind": session.plan.get_kind_display(), "link": link},
    )
    event.add("url", link)
    event.add("sequence", session.sequence)
    event.add("status", "CANCELLED" if session.status == SessionStatus.CANCELLED else "CONFIRMED")
    event.add("transp", "OPAQUE")
    return event


def calendar_bytes(sessions, *, name=None, now=None, language=None):
    """The calendar of `sessions`, its texts in `language` (the feed owner's; else the active language)."""
    if language is not None:
        with translation.override(language):
            return calendar_bytes(sessions, name=name, now=now)
    now = now or datetime.now(UTC)
    name = name or gettext("Gemba customer time")
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    for session in sessions:
        calendar.add_component(_event(session, now))
    calendar.add_missing_timezones()
    return calendar.to_ical()
