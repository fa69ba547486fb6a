from datetime import time
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from apps.accounts.forms import TIME_ZONE_CHOICES
from apps.core import forms as core_forms
from apps.core.forms import BootstrapMixin
from apps.engagements.forms import MINUTES_MESSAGES, LeaderChoiceField, LocationChoiceField
from apps.engagements.models import MAX_MINUTES, Kind

from .models import TargetPeriod
from .recurrence import Cadence, normalize_rule
from .services import Scope

DURATION_ERRORS = MINUTES_MESSAGES


class PlanFieldsMixin(BootstrapMixin, forms.Form):
    """What a plan's creation and its edits share."""

    kind = forms.ChoiceField(label=gettext_lazy("Kind of customer time"), choices=Kind.choices)
    title = forms.CharField(
        label=gettext_lazy("Title"),
        required=False,
        max_length=150,
        help_text=gettext_lazy("Optional, e.g. “Tuesday store walk”."),
    )
    start_time = core_forms.TimeField(label=gettext_lazy("Starts at (local time)"))
    duration_minutes = core_forms.IntegerField(
        label=gettext_lazy("Minutes"),
        min_value=1,
        max_value=MAX_MINUTES,
        initial=60,
        error_messages=DURATION_ERRORS,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    time_zone = forms.ChoiceField(label=gettext_lazy("Time zone"), choices=TIME_ZONE_CHOICES)
    end_date = core_forms.DateField(label=gettext_lazy("Ends on (optional)"), required=False)
    location = LocationChoiceField(
        label=gettext_lazy("Location"), queryset=None, required=False, empty_label=gettext_lazy("Any location")
    )
    region = forms.ModelChoiceField(
        label=gettext_lazy("Region"), queryset=None, required=False, empty_label=gettext_lazy("Any region")
    )
    notes = forms.CharField(label=gettext_lazy("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    reminder_lead_minutes = forms.CharField(
        label=gettext_lazy("Remind before (minutes, comma-separated)"),
        required=False,
        help_text=gettext_lazy("Empty: the leader's own setting (by default 1440 and 60 = a day and an hour before)."),
    )

    def setup_places(self, *, locations, regions):
        self.fields["location"].queryset = locations
        self.fields["region"].queryset = regions

    def clean_reminder_lead_minutes(self):
        text = self.cleaned_data.get("reminder_lead_minutes", "").strip()
        if not text:
            return []
        message = gettext("Enter whole minutes separated by commas, e.g. 1440, 60.")
        values = sorted(
            {core_forms.whole_number(part, message) for part in text.replace(" ", "").split(",") if part}, reverse=True
        )
        if len(values) > 5 or any(not 1 <= value <= 10080 for value in values):
            raise forms.ValidationError(gettext("Up to 5 values, each between 1 and 10080 minutes (a week)."))
        return values


class PlanForm(PlanFieldsMixin):
    leader = LeaderChoiceField(label=gettext_lazy("For"), queryset=None, empty_label=None)
    cadence = forms.ChoiceField(label=gettext_lazy("How often"), choices=Cadence.CHOICES, initial=Cadence.WEEKLY)
    interval = core_forms.IntegerField(
        label=gettext_lazy("Every how many weeks"),
        required=False,
        min_value=2,
        max_value=12,
        initial=2,
        help_text=gettext_lazy("For “Every few weeks”."),
    )
    custom_rule = forms.CharField(
        label="RRULE",
        required=False,
        max_length=500,
        help_text=gettext_lazy("For “Custom”, e.g. FREQ=WEEKLY;BYDAY=MO,TH."),
    )
    start_date = core_forms.DateField(label=gettext_lazy("First session on"))

    field_order = [
        "leader",
        "kind",
        "title",
        "cadence",
        "interval",
        "custom_rule",
        "start_date",
        "start_time",
        "duration_minutes",
        "time_zone",
        "end_date",
        "location",
        "region",
        "reminder_lead_minutes",
        "notes",
    ]

    # The fields that only one cadence reads: the page shows each only while its cadence is chosen.
    CADENCE_FIELDS = {"interval": Cadence.EVERY_N_WEEKS, "custom_rule": Cadence.CUSTOM}

    def __init__(self, *args, leaders, locations, regions, default_zone, **kwargs):
        super().__init__(*args, **kwargs)
        for name, cadence in self.CADENCE_FIELDS.items():
            self.fields[name].cadence = cadence
        self.fields["leader"].queryset = leaders
        self.setup_places(locations=locations, regions=regions)
        if not self.is_bound:
            self.initial.setdefault("time_zone", default_zone)
            self.initial.setdefault("start_time", time(9, 0))
            self.initial.setdefault("start_date", timezone.localdate())
            first = leaders.first()
            if first is not None:
                self.initial.setdefault("leader", first.pk)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", gettext("The end must be on or after the first session."))
        cadence = cleaned.get("cadence")
        for name, its_cadence in self.CADENCE_FIELDS.items():
            if cadence != its_cadence:
                # Hidden on the page and not used: whatever it holds is no reason to refuse the plan.
                self._errors.pop(name, None)
                cleaned[name] = self.fields[name].to_python("")
        if cadence == Cadence.EVERY_N_WEEKS and not cleaned.get("interval") and "interval" not in self.errors:
            self.add_error("interval", gettext("Enter every how many weeks (2 to 12)."))
        if cadence == Cadence.CUSTOM:
            try:
                cleaned["custom_rule"] = normalize_rule(cleaned.get("custom_rule", ""))
            except forms.ValidationError as exc:
                self.add_error("custom_rule", exc.message_dict["rrule"])
        return cleaned


class PlanEditForm(PlanFieldsMixin):
    scope = forms.ChoiceField(label=gettext_lazy("Apply to"), choices=Scope.CHOICES[1:], widget=forms.RadioSelect)

    field_order = ["scope"]

    def __init__(self, *args, plan, locations, regions, from_session=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_places(locations=locations, regions=regions)
        self.fields["scope"].widget.attrs["class"] = "form-check-input"
        if from_session is None:
            self.fields["scope"].choices = [(Scope.ALL, gettext_lazy("All coming sessions of the plan"))]
        self.fields["scope"].initial = Scope.FOLLOWING if from_session is not None else Scope.ALL
        if not self.is_bound:
            self.initial.update(
                {
                    "kind": plan.kind,
                    "title": plan.title,
                    "start_time": plan.start_time,
                    "duration_minutes": plan.duration_minutes,
                    "time_zone": plan.time_zone,
                    "end_date": plan.end_date,
                    "location": plan.location_id,
                    "region": plan.region_id,
                    "notes": plan.notes,
                    "reminder_lead_minutes": ", ".join(str(m) for m in plan.reminder_lead_minutes),
                }
            )


class SessionMoveForm(BootstrapMixin, forms.Form):
    date = core_forms.DateField(label=gettext_lazy("Date"))
    time = core_forms.TimeField(label=gettext_lazy("Time"))
    duration_minutes = core_forms.IntegerField(
        label=gettext_lazy("Minutes"),
        min_value=1,
        max_value=MAX_MINUTES,
        error_messages=DURATION_ERRORS,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    location = LocationChoiceField(
        label=gettext_lazy("Where"), queryset=None, required=False, empty_label=gettext_lazy("As planned")
    )

    def __init__(self, *args, locations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = locations


class TargetForm(BootstrapMixin, forms.Form):
    leader = LeaderChoiceField(
        label=gettext_lazy("For"),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("Everyone (organization default)"),
    )
    hours = forms.DecimalField(label=gettext_lazy("Hours"), min_value=Decimal("0.5"), max_value=1000, decimal_places=1)
    period = forms.ChoiceField(label=gettext_lazy("Period"), choices=TargetPeriod.choices, initial=TargetPeriod.MONTH)
    counts_from = core_forms.DateField(
        label=gettext_lazy("Balance counts from"),
        help_text=gettext_lazy("The start of the month or quarter with this date."),
    )

    def __init__(self, *args, executives, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = executives
        if not self.is_bound:
            self.initial.setdefault("counts_from", timezone.localdate().replace(day=1))
