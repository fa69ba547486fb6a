"""The weekly digest: each person's week with customers, by role, sent on Monday morning on their own clock.

`build_digest` gathers it from the other apps' selectors (a fixed number of queries per person); `render_digest`
writes it as an email (subject, plain text, HTML). Both work in the person's language and time zone, so the
texts, dates and week boundaries are theirs. Who gets it, when, and exactly once is `reviews.mailing`'s business:
it calls these two and does not send a digest whose `is_empty` is true.

    from apps.reviews.digests import build_digest, last_week, render_digest
"""

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.core.zones import zone_or_utc
from apps.organizations.models import Role

from .board import board
from .content import GOOD, WARN, Digest, Frame, Line, Section
from .leaders import chief_of_staff, executive
from .render import render_digest
from .weeks import Week, last_week, week_of

__all__ = [
    "GOOD",
    "WARN",
    "Digest",
    "Line",
    "Section",
    "Week",
    "build_digest",
    "last_week",
    "render_digest",
    "week_of",
]

BUILDERS = {
    Role.EXECUTIVE: executive,
    Role.CHIEF_OF_STAFF: chief_of_staff,
    Role.BOARD: board,
    Role.ADMIN: board,
}


def _headline(membership, week):
    if membership.role == Role.EXECUTIVE:
        return _("Your week with customers, %(week)s") % {"week": week.label}
    if membership.role == Role.CHIEF_OF_STAFF:
        return _("Your executives' week with customers, %(week)s") % {"week": week.label}
    return _("%(organization)s's week with customers, %(week)s") % {
        "organization": membership.organization.name,
        "week": week.label,
    }


def build_digest(*, membership, week, now):
    """`membership`'s digest of `week` (its days on their clock), written at `now`. Load the membership with its
    user and organization (select_related): they give its language and clock without a query."""
    zone = zone_or_utc(membership.time_zone_name)
    frame = Frame(membership=membership, week=week, now=now, zone=zone)
    with translation.override(membership.language), timezone.override(zone):
        sections = [found for found in BUILDERS[membership.role](frame) if found is not None]
        return Digest(membership=membership, week=week, headline=_headline(membership, week), sections=sections)
