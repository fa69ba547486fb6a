import functools
import uuid
from datetime import date

from django import forms
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from apps.core import formatting
from apps.core import forms as core_forms
from apps.core.forms import BootstrapMixin

from .models import EARLIEST_START, KINDS_AT_A_LOCATION, MAX_MINUTES, MAX_START_AHEAD, CustomerType, Kind, LearningKind

DURATION_PRESETS = [15, 30, 60, 90, 120]
KIND_CHIP_LABELS = [
    (Kind.STORE_VISIT, gettext_lazy("Store visit")),
    (Kind.INCOGNITO_VISIT, gettext_lazy("Incognito visit")),
    (Kind.FOCUS_GROUP, gettext_lazy("Focus group")),
    (Kind.RETAIL_SAFARI, gettext_lazy("Retail safari")),
    (Kind.CUSTOMER_CALL, gettext_lazy("Customer call")),
    (Kind.ADVISORY_BOARD, gettext_lazy("Advisory board")),
    (Kind.FRONT_LINE_SHIFT, gettext_lazy("Front-line shift")),
    (Kind.COMPLAINT_FOLLOW_UP, gettext_lazy("Complaint")),
    (Kind.OTHER, gettext_lazy("Other")),
]
DATETIME_LOCAL = core_forms.ISO_DATETIME_LOCAL
START_MESSAGES = {
    "too_early": gettext_lazy("Enter a start from the year 2000 on."),
    "too_late": gettext_lazy("The start can be at most one day in the future."),
}


MINUTES_MESSAGES = {
    "min_value": gettext_lazy("Enter between 1 and 1440 minutes."),
    "max_value": gettext_lazy("Enter between 1 and 1440 minutes (a day at most)."),
}


def _duration_label(minutes):
    """A preset's chip: "15 min", "1 h", "1 h 30 min" in the active language."""
    return formatting.minutes(minutes)


duration_label = lazy(_duration_label, str)


def latest_start():
    return timezone.now() + MAX_START_AHEAD


def location_label(location):
    return _label(location.name, location.code)


class LocationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return location_label(obj)


class LeaderChoiceField(forms.ModelChoiceField):
    known = None  # a leader of the queryset already at hand: chosen without reading it again

    def label_from_instance(self, obj):
        return obj.display_name

    def to_python(self, value):
        if self.known is not None and value is not None and str(value) == str(self.known.pk):
            return self.known
        return super().to_python(value)


class LeadersField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


def location_choices(recent, rows):
    """Recently used first, then every location grouped by region (a native select, thumb-friendly). `recent` are
    (pk, label) pairs; `rows` (pk, name, code, region name) in the menu's order."""
    choices = [("", _("— No location (call, online) —"))]
    if recent:
        choices.append((_("Recently used"), recent))
    groups = {}
    no_region = _("No region")
    for pk, name, code, region in rows:
        groups.setdefault(no_region if region is None else region, []).append((pk, _label(name, code)))
    choices.extend(groups.items())
    return choices


def _label(name, code):
    return f"{name} ({code})" if code else name


class EngagementFieldsMixin(BootstrapMixin, forms.Form):
    """What the quick-log and the edit form share: kind, where, when, how long, with whom."""

    # Short labels keep the nine kinds in three rows of thumb-sized chips on a phone.
    kind = forms.ChoiceField(
        label=gettext_lazy("What"), choices=KIND_CHIP_LABELS, widget=forms.RadioSelect(attrs={"class": "btn-check"})
    )
    location = LocationChoiceField(label=gettext_lazy("Where"), queryset=None, required=False)
    duration = forms.TypedChoiceField(
        label=gettext_lazy("How long"),
        choices=[(str(m), duration_label(m)) for m in DURATION_PRESETS] + [("custom", gettext_lazy("Other"))],
        widget=forms.RadioSelect(attrs={"class": "btn-check"}),
        initial="30",
        # Typed minutes alone are enough (the "Other" choice is implied), so no preset is required.
        required=False,
    )
    duration_custom = core_forms.IntegerField(
        label=gettext_lazy("Minutes"),
        required=False,
        min_value=1,
        max_value=MAX_MINUTES,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "placeholder": gettext_lazy("Other min")}),
        error_messages=MINUTES_MESSAGES,
    )
    started_at = core_forms.DateTimeField(
        label=gettext_lazy("Started"),
        first=EARLIEST_START,
        last=latest_start,
        # No max for the picker: the service worker keeps this page for days, and a max from then would
        # forbid picking today. The server still refuses a start more than a day ahead.
        picker=("min",),
        error_messages=START_MESSAGES,
        input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
    )
    customer_type = forms.ChoiceField(
        label=gettext_lazy("Customers"),
        choices=CustomerType.choices,
        initial=CustomerType.EXTERNAL,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    customers_met = core_forms.IntegerField(
        label=gettext_lazy("Customers met"),
        required=False,
        min_value=0,
        max_value=100000,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    participants = LeadersField(
        label=gettext_lazy("Also there (other leaders)"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    notes = forms.CharField(label=gettext_lazy("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def setup_choices(self, *, participants, locations, recent_locations=(), menus=None):
        """`locations` and `participants` are selector querysets (what a choice is checked against); the location
        menu lists recent ones first. `recent_locations` a list, or a callable returning one; or `menus`, a
        callable returning selectors.QuickLogMenus, gives the menus of both fields at once (one round trip)."""
        self.fields["location"].queryset = locations
        self.fields["participants"].queryset = participants
        # The menus are read only when the form is shown (a POST that saves validates against the querysets and
        # redirects), from light rows (left to themselves the fields build a model instance per choice, through a
        # server-side cursor on PostgreSQL); the leaders' labels as display_name gives them.
        if menus is None:

            def location_menu():
                recent = recent_locations() if callable(recent_locations) else recent_locations
                rows = locations.values_list("pk", "name", "code", "region__name")
                return location_choices([(loc.pk, location_label(loc)) for loc in recent], rows)

            def leader_rows():
                return participants.values_list("pk", "user__full_name", "user__email")

        else:

            def location_menu():
                found = menus()
                return location_choices([(pk, _label(name, code)) for pk, name, code in found.recent], found.locations)

            def leader_rows():
                return menus().leaders

        self.fields["location"].choices = functools.cache(location_menu)
        self.fields["participants"].choices = functools.cache(
            lambda: [(pk, name or email) for pk, name, email in leader_rows()]
        )

    def clean(self):
        cleaned = super().clean()
        preset, custom = cleaned.get("duration"), cleaned.get("duration_custom")
        if custom is not None:
            cleaned["duration_minutes"] = custom
        elif preset and preset != "custom":
            cleaned["duration_minutes"] = int(preset)
        elif "duration_custom" not in self.errors and "duration" not in self.errors:
            self.add_error("duration_custom", _("Enter the number of minutes."))
        if cleaned.get("kind") in KINDS_AT_A_LOCATION and not cleaned.get("location") and "location" not in self.errors:
            self.add_error("location", _("Choose where this happened."))
        return cleaned


class QuickLogForm(EngagementFieldsMixin):
    client_uuid = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={
            "required": gettext_lazy("This form is out of date; reload the page and log again."),
            "invalid": gettext_lazy("This form is out of date; reload the page and log again."),
        },
    )
    leader = LeaderChoiceField(label=gettext_lazy("For"), queryset=None, empty_label=None)
    learning_kind = forms.ChoiceField(
        label=gettext_lazy("What kind of learning"),
        choices=LearningKind.choices,
        initial=LearningKind.OBSERVATION,
        widget=forms.RadioSelect(attrs={"class": "btn-check"}),
    )
    learning_text = forms.CharField(
        label=gettext_lazy("What did you learn?"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": gettext_lazy("What customers told you, what you saw…")}),
    )
    learning_quote = forms.CharField(
        label=gettext_lazy("Customer's own words (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "“…”"}),
    )

    def __init__(
        self,
        *args,
        leaders,
        executives,
        locations,
        recent_locations=(),
        menus=None,
        default_kind=None,
        default_leader=None,
        **kwargs,
    ):
        """`recent_locations` a list or a callable (read only if the form is shown), or `menus` (see
        setup_choices); `default_leader` the
        preselected leader when known (else the first of `leaders`): one of `leaders`, so a POST naming it (an
        executive logging for themself) takes it as it is, without a query."""
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = leaders
        self.fields["leader"].known = default_leader
        if menus is not None:
            menus = functools.cache(menus)
        elif not self.is_bound and callable(recent_locations):
            recent_locations = recent_locations()
        self.setup_choices(participants=executives, locations=locations, recent_locations=recent_locations, menus=menus)
        if not self.is_bound:
            self.initial.setdefault("client_uuid", uuid.uuid4())
            self.initial.setdefault("kind", default_kind or Kind.STORE_VISIT)
            self.initial.setdefault("started_at", timezone.localtime().replace(second=0, microsecond=0))
            latest = menus().recent[:1] if menus is not None else [(loc.pk,) for loc in recent_locations[:1]]
            if latest:
                self.initial.setdefault("location", latest[0][0])
            first = default_leader or leaders.first()
            if first is not None:
                self.initial.setdefault("leader", first.pk)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("learning_quote") and not cleaned.get("learning_text"):
            self.add_error("learning_text", _("Add what you learned from this quote."))
        return cleaned

    def engagement_fields(self):
        """The cleaned form as engagement_create's arguments (all but who logs it and for whom)."""
        data = self.cleaned_data
        return {
            "client_uuid": data["client_uuid"],
            "kind": data["kind"],
            "started_at": data["started_at"],
            "duration_minutes": data["duration_minutes"],
            "location": data.get("location"),
            "customer_type": data["customer_type"],
            "customers_met": data.get("customers_met"),
            "notes": data.get("notes", ""),
            "other_participants": data.get("participants") or [],
            "learnings": self.learnings(),
        }

    def learnings(self):
        text = self.cleaned_data.get("learning_text", "").strip()
        if not text:
            return []
        return [
            {
                "kind": self.cleaned_data["learning_kind"],
                "text": text,
                "quote": self.cleaned_data.get("learning_quote", "").strip(),
            }
        ]


class EngagementEditForm(EngagementFieldsMixin):
    def __init__(self, *args, engagement, participants, locations, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_choices(participants=participants.exclude(pk=engagement.leader_id), locations=locations)
        if not self.is_bound:
            preset = str(engagement.duration_minutes)
            in_presets = engagement.duration_minutes in DURATION_PRESETS
            self.initial.update(
                {
                    "kind": engagement.kind,
                    "location": engagement.location_id,
                    "duration": preset if in_presets else "custom",
                    "duration_custom": None if in_presets else engagement.duration_minutes,
                    "started_at": timezone.localtime(engagement.started_at),
                    "customer_type": engagement.customer_type,
                    "customers_met": engagement.customers_met,
                    "participants": [
                        p.membership_id
                        for p in engagement.participants.all()
                        if p.membership_id != engagement.leader_id
                    ],
                    "notes": engagement.notes,
                }
            )

    def update_fields(self):
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "location": data.get("location"),
            "duration_minutes": data["duration_minutes"],
            "started_at": data["started_at"],
            "customer_type": data["customer_type"],
            "customers_met": data.get("customers_met"),
            "notes": data.get("notes", ""),
        }


class LearningEditForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind of learning"), choices=LearningKind.choices, initial=LearningKind.OBSERVATION
    )
    text = forms.CharField(
        label=gettext_lazy("What was learned"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    quote = forms.CharField(
        label=gettext_lazy("Customer's own words (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class LearningForm(LearningEditForm):
    """A new learning: the edit fields plus whose learning it is (hidden when only one is possible)."""

    author = LeaderChoiceField(label=gettext_lazy("Whose learning"), queryset=None, empty_label=None)
    field_order = ["author", "kind", "text", "quote"]

    def __init__(self, *args, authors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["author"].queryset = authors
        if authors.count() == 1:
            self.fields["author"].widget = forms.HiddenInput()
            self.initial.setdefault("author", authors.first().pk)


class MinutesForm(BootstrapMixin, forms.Form):
    minutes = core_forms.IntegerField(
        label=gettext_lazy("Your minutes"),
        min_value=1,
        max_value=MAX_MINUTES,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages=MINUTES_MESSAGES,
    )


PERIODS = [
    ("", gettext_lazy("Any time")),
    ("week", gettext_lazy("This week")),
    ("month", gettext_lazy("This month")),
    ("quarter", gettext_lazy("This quarter")),
    ("30d", gettext_lazy("Last 30 days")),
    ("90d", gettext_lazy("Last 90 days")),
    ("year", gettext_lazy("Last 12 months")),
    ("custom", gettext_lazy("Between dates")),
]


FEED_FIRST_DAY, FEED_LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)
FEED_BOUNDS = {
    "first": FEED_FIRST_DAY,
    "last": FEED_LAST_DAY,
    "error_messages": dict.fromkeys(("too_early", "too_late"), gettext_lazy("Enter a date between 2000 and 2100.")),
}


class FeedFilterForm(BootstrapMixin, forms.Form):
    leader = LeaderChoiceField(
        label=gettext_lazy("Leader"), queryset=None, required=False, empty_label=gettext_lazy("All leaders")
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"), choices=[("", gettext_lazy("All kinds")), *Kind.choices], required=False
    )
    region = forms.ModelChoiceField(
        label=gettext_lazy("Region"), queryset=None, required=False, empty_label=gettext_lazy("All regions")
    )
    location = LocationChoiceField(
        label=gettext_lazy("Location"), queryset=None, required=False, empty_label=gettext_lazy("All locations")
    )
    period = forms.ChoiceField(label=gettext_lazy("Period"), choices=PERIODS, required=False)
    start = core_forms.DateField(label=pgettext_lazy("start of a period", "From"), required=False, **FEED_BOUNDS)
    end = core_forms.DateField(label=pgettext_lazy("end of a period", "To"), required=False, **FEED_BOUNDS)

    def __init__(self, *args, executives, regions, locations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = executives
        self.fields["region"].queryset = regions
        self.fields["location"].queryset = locations

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end date must be on or after the start date."))
        return cleaned
