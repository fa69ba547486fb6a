"""Small helpers for the engagement tests: row counts and reading the rendered HTML."""

import uuid
from datetime import timedelta
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

from django.utils import timezone

from apps.engagements import selectors
from apps.engagements.models import Engagement, Learning, Participant

LONDON = ZoneInfo("Europe/London")  # the factories' organization time zone, active in every request
DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def counts():
    """(engagements, participants, learnings) in the whole database."""
    return Engagement.objects.count(), Participant.objects.count(), Learning.objects.count()


def local_minute(moment=None, zone=LONDON):
    """`moment` (default now) on the wall clock of `zone`, to the minute."""
    return timezone.localtime(moment or timezone.now(), zone).replace(second=0, microsecond=0)


def log_post(*, leader, location=None, **overrides):
    """A valid quick-log POST for `leader`: a 30-minute store visit yesterday, with one learning."""
    data = {
        "client_uuid": str(uuid.uuid4()),
        "leader": str(leader.pk),
        "kind": "store_visit",
        "location": str(location.pk) if location is not None else "",
        "duration": "30",
        "duration_custom": "",
        "started_at": (local_minute() - timedelta(days=1)).strftime(DATETIME_LOCAL),
        "customer_type": "external",
        "customers_met": "",
        "notes": "",
        "learning_kind": "pain_point",
        "learning_text": "Queues at the tills after 5 pm.",
        "learning_quote": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def error_div(field_id, message):
    """The exact markup `includes/field_errors.html` renders right below a field."""
    return f'<div class="invalid-feedback d-block" id="{field_id}_errors">{message}</div>'


class _TagCollector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = []
        self.script_bodies = []
        self.options = []  # (select name, value, label, selected)
        self._in_script = False
        self._select = None
        self._option = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag == "script":
            self._in_script = True
            self.script_bodies.append("")
        elif tag == "select":
            self._select = attrs.get("name")
        elif tag == "option":
            self._option = [self._select, attrs.get("value"), "", "selected" in attrs]
            self.options.append(self._option)

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False
        elif tag == "select":
            self._select = None
        elif tag == "option":
            self._option = None

    def handle_data(self, data):
        if self._in_script:
            self.script_bodies[-1] += data
        if self._option is not None:
            self._option[2] += data.strip()


def parse(html):
    collector = _TagCollector()
    collector.feed(html if isinstance(html, str) else html.decode())
    collector.close()
    return collector


def tags(html, tag, **attrs):
    """Every `<tag>` whose attributes include `attrs` (attribute dicts)."""
    return [
        found for name, found in parse(html).tags if name == tag and all(found.get(k) == v for k, v in attrs.items())
    ]


def checked_values(html, name):
    """The values of the checked radios/checkboxes called `name`."""
    return [attrs["value"] for attrs in tags(html, "input", name=name) if "checked" in attrs]


def options(html, select_name):
    """[(value, label)] of the `<select name=select_name>`, in page order."""
    return [(value, label) for name, value, label, _ in parse(html).options if name == select_name]


def selected_options(html, select_name):
    """Values of the selected options of `<select name=select_name>`."""
    return [value for name, value, _, selected in parse(html).options if name == select_name and selected]


def input_value(html, name):
    [found] = tags(html, "input", name=name)
    return found.get("value")


def snapshot():
    """Every engagement, participant and learning row, to compare before and after a refused request."""
    return (
        list(Engagement.objects.order_by("pk").values()),
        list(Participant.objects.order_by("pk").values()),
        list(Learning.objects.order_by("pk").values()),
    )


def period_bounds():
    """(latest, earliest) of this week's and this month's starts in London.

    An entry at `latest` counts in both totals whatever the day; one before `earliest` counts in neither.
    """
    with timezone.override(LONDON):
        starts = selectors.period_starts()
    return max(starts.values()), min(starts.values())
