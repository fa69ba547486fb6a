"""A digest as an email: its subject, a plain-text part and an HTML part with the same lines, every link absolute."""

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.core.zones import zone_or_utc
from apps.organizations.models import Role

# A line's tone as the HTML shows it: a bar down its left edge (mail clients drop classes, so inline colours).
TONE_COLOURS = {"warn": "#c2410c", "good": "#15803d", "": "#c9d3d6"}
TONE_MARKS = {"warn": "(!) ", "good": "", "": ""}  # the plain-text part has no colour: what to act on is marked


def _home(membership):
    """The page the email's button opens: the person's own dashboard."""
    if membership.role == Role.EXECUTIVE:
        return reverse("dashboards:executive")
    if membership.role == Role.CHIEF_OF_STAFF:
        return reverse("dashboards:team")
    return reverse("dashboards:board")


def render_digest(digest, *, site_url, unsubscribe_url, preferences_url):
    """(subject, text, html) of `digest`, in its person's language and on their clock."""
    membership = digest.membership
    site_url = site_url.rstrip("/")
    sections = [
        {
            "title": s.title,
            "lines": [
                {
                    "text": line.text,
                    "url": site_url + line.href if line.href else "",
                    "colour": TONE_COLOURS.get(line.tone, TONE_COLOURS[""]),
                    "mark": TONE_MARKS.get(line.tone, ""),
                }
                for line in s.lines
            ],
        }
        for s in digest.sections
    ]
    context = {
        "digest": digest,
        "recipient": membership,
        "organization": membership.organization,
        "sections": sections,
        "open_url": site_url + _home(membership),
        "unsubscribe_url": unsubscribe_url,
        "preferences_url": preferences_url,
    }
    with translation.override(membership.language), timezone.override(zone_or_utc(membership.time_zone_name)):
        subject = _("[Gemba] %(headline)s") % {"headline": digest.headline}
        text = render_to_string("reviews/email/digest.txt", context)
        html = render_to_string("reviews/email/digest.html", context)
    return subject, text, html
