"""Forms for themes, actions, pilots and customer scores: validation only; the services do the writes."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

from apps.core import forms as core_forms
from apps.core.forms import BootstrapMixin
from apps.engagements.forms import FEED_BOUNDS, FeedFilterForm
from apps.engagements.models import CustomerType, LearningKind
from apps.engagements.selectors import period_range

from .models import ActionStatus, ScoreMetric, Verdict

SCORE_CSV_MAX_BYTES = 2_000_000


# === Learnings and themes ================================================================================


class ThemeFilterChoiceField(forms.ModelChoiceField):
    """A theme in the feed's filter, with how many learnings it has (the selector annotates the count)."""

    def label_from_instance(self, obj):
        count = getattr(obj, "learning_count", None)
        return obj.name if count is None else f"{obj.name} ({count})"


class LearningFeedFilterForm(FeedFilterForm):
    """The engagement feed's filters (leader, kind, region, location, period) plus the learnings' own."""

    q = forms.CharField(
        label=gettext_lazy("Search"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": gettext_lazy("Search what was learned…")}),
    )
    unthemed = forms.BooleanField(label=gettext_lazy("Needs themes"), required=False)
    theme = ThemeFilterChoiceField(
        label=gettext_lazy("Theme"), queryset=None, required=False, empty_label=gettext_lazy("All themes")
    )
    learning_kind = forms.ChoiceField(
        label=gettext_lazy("Kind of learning"),
        choices=[("", gettext_lazy("All kinds of learning")), *LearningKind.choices],
        required=False,
    )
    customer_type = forms.ChoiceField(
        label=gettext_lazy("Customers"),
        choices=[("", gettext_lazy("Internal and external")), *CustomerType.choices],
        required=False,
    )
    field_order = [
        "q",
        "unthemed",
        "theme",
        "learning_kind",
        "kind",
        "customer_type",
        "leader",
        "region",
        "location",
        "period",
        "start",
        "end",
    ]

    def __init__(self, *args, themes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = themes
        self.fields["unthemed"].widget.attrs["class"] = "btn-check"
        kind = self.fields["kind"]
        kind.label, kind.choices = _("Kind of engagement"), [("", _("All kinds of engagement")), *kind.choices[1:]]

    QUICK = ("q", "unthemed")  # always in sight; the others fold away on phones

    def more_fields(self):
        return [self[name] for name in self.fields if name not in self.QUICK]

    def more_active(self):
        """A folded filter is in use or has an error: show the filters open."""
        names = [name for name in self.fields if name not in self.QUICK]
        return self.is_bound and any(self.data.get(name) or name in self.errors for name in names)

    def filters(self):
        """The cleaned form as `learning_feed` arguments (call after is_valid())."""
        data = self.cleaned_data
        start, end = period_range(data.get("period"), data.get("start"), data.get("end"))
        return {
            "q": data.get("q", ""),
            "theme": data.get("theme"),
            "unthemed": bool(data.get("unthemed")),
            "kind": data.get("kind") or None,
            "learning_kind": data.get("learning_kind") or None,
            "leader": data.get("leader"),
            "region": data.get("region"),
            "location": data.get("location"),
            "customer_type": data.get("customer_type") or None,
            "start": start,
            "end": end,
        }


class ThemeCheckboxes(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class LearningThemesForm(forms.Form):
    """The themes a leader confirms for one learning; none ticked means "none fit"."""

    themes = ThemeCheckboxes(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "btn-check"}),
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, themes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["themes"].queryset = themes


class ThemeForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=80)
    keywords = forms.CharField(
        label=gettext_lazy("Keywords"),
        required=False,
        max_length=20000,  # merged themes bring their names and keywords along
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": gettext_lazy("queue, till, wait")}),
        help_text=gettext_lazy("Words or phrases that suggest this theme, separated by commas. Its name counts too."),
    )


class ThemeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        count = obj.learning_count
        return ngettext("%(name)s (%(count)s learning)", "%(name)s (%(count)s learnings)", count) % {
            "name": obj.name,
            "count": count,
        }


class ThemeMergeForm(BootstrapMixin, forms.Form):
    target = ThemeChoiceField(
        label=gettext_lazy("Merge into"), queryset=None, empty_label=gettext_lazy("Choose a theme")
    )

    def __init__(self, *args, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = targets


# === end of Learnings and themes =========================================================================


# === Actions and pilots ==================================================================================

DECIMAL_INPUT = {"step": "0.01", "inputmode": "decimal"}


class MemberChoiceField(forms.ChoiceField):
    """A member from a list the view passes in (a selector's result), shown by name; cleans to the Membership."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = {}

    def set_members(self, members, empty_label):
        self.members = {str(member.pk): member for member in members}
        self.choices = [("", empty_label), *((key, m.display_name) for key, m in self.members.items())]

    def clean(self, value):
        value = super().clean(value)
        return self.members.get(value) if value else None


class ActionForm(BootstrapMixin, forms.Form):
    """What, who and by when. The learnings it answers travel as hidden `learning` inputs (the view's job)."""

    title = forms.CharField(
        label=gettext_lazy("Title"),
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("e.g. Open a second till")}),
    )
    description = forms.CharField(
        label=gettext_lazy("Details (optional)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    owner = MemberChoiceField(label=gettext_lazy("Owner"))
    due_on = core_forms.DateField(label=gettext_lazy("Due date"))

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].set_members(owners, _("Choose an owner"))
        self.fields["owner"].error_messages["required"] = _("Choose who owns this action.")
        self.fields["title"].error_messages["required"] = _("Say what will be done.")
        self.fields["due_on"].error_messages["required"] = _("Choose a due date.")

    def action_fields(self):
        data = self.cleaned_data
        return {
            "title": data["title"],
            "description": data.get("description", "").strip(),
            "owner": data["owner"],
            "due_on": data["due_on"],
        }


class ActionFilterForm(BootstrapMixin, forms.Form):
    owner = MemberChoiceField(label=gettext_lazy("Owner"), required=False)
    status = forms.ChoiceField(
        label=gettext_lazy("Status"), choices=[("", gettext_lazy("Any status")), *ActionStatus.choices], required=False
    )

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].set_members(owners, _("Anyone"))


class ActionStatusForm(BootstrapMixin, forms.Form):
    """Move an action on. Dropping needs a reason and done an outcome; the service says so, next to the field."""

    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=ActionStatus.choices, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=gettext_lazy("Why is it dropped?"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    outcome = forms.CharField(
        label=gettext_lazy("What came of it? What changed for customers?"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ActionNoteForm(BootstrapMixin, forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Progress note"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": gettext_lazy("What happened, what's next…")}),
        error_messages={"required": gettext_lazy("Write the note first.")},
    )


class LocationsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.code})" if obj.code else obj.name


class PilotForm(BootstrapMixin, forms.Form):
    change = forms.CharField(
        label=gettext_lazy("The change piloted"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("The change customers suggested, as it is being tried."),
    )
    hypothesis = forms.CharField(
        label=gettext_lazy("Hypothesis"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("What you expect to happen, and why."),
    )
    locations = LocationsField(
        label=gettext_lazy("Where"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    starts_on = core_forms.DateField(label=gettext_lazy("Start"))
    ends_on = core_forms.DateField(label=gettext_lazy("End"))
    metric = forms.CharField(
        label=gettext_lazy("What you measure"),
        max_length=120,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("e.g. Average checkout wait (minutes)")}),
    )
    baseline = forms.DecimalField(
        label=gettext_lazy("Baseline (before)"),
        required=False,
        max_digits=12,
        decimal_places=2,
        widget=forms.NumberInput(attrs=DECIMAL_INPUT),
    )

    def __init__(self, *args, locations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["locations"].queryset = locations

    def clean(self):
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The pilot can't end before it starts."))
        return cleaned

    def pilot_fields(self):
        data = self.cleaned_data
        return {
            "change": data["change"].strip(),
            "hypothesis": data["hypothesis"].strip(),
            "starts_on": data["starts_on"],
            "ends_on": data["ends_on"],
            "metric": data["metric"],
            "locations": list(data.get("locations") or []),
            "baseline": data.get("baseline"),
        }


class PilotEditForm(PilotForm):
    """The pilot's plan, and once it has run: the result and the verdict."""

    result = forms.DecimalField(
        label=gettext_lazy("Result (after)"),
        required=False,
        max_digits=12,
        decimal_places=2,
        widget=forms.NumberInput(attrs=DECIMAL_INPUT),
    )
    verdict = forms.ChoiceField(
        label=gettext_lazy("Verdict"),
        choices=[("", gettext_lazy("Not decided yet")), *Verdict.choices],
        required=False,
        widget=forms.RadioSelect(attrs={"class": "btn-check"}),
    )
    verdict_notes = forms.CharField(
        label=gettext_lazy("What was decided (optional)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("verdict") and cleaned.get("result") is None and "result" not in self.errors:
            self.add_error("result", _("Record the result before giving a verdict."))
        return cleaned

    def pilot_fields(self):
        data = self.cleaned_data
        return {
            **super().pilot_fields(),
            "result": data.get("result"),
            "verdict": data.get("verdict", ""),
            "verdict_notes": data.get("verdict_notes", "").strip(),
        }


# === end of Actions and pilots ===========================================================================


# === Customer scores =====================================================================================


class ScoreForm(BootstrapMixin, forms.Form):
    location = forms.ModelChoiceField(
        label=gettext_lazy("Location"), queryset=None, empty_label=gettext_lazy("Choose a location")
    )
    metric = forms.ChoiceField(label=gettext_lazy("Metric"), choices=ScoreMetric.choices)
    period_start = core_forms.DateField(label=gettext_lazy("Period from"))
    period_end = core_forms.DateField(label=gettext_lazy("Period to (inclusive)"))
    value = forms.DecimalField(
        label=gettext_lazy("Value"),
        max_digits=6,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )
    responses = core_forms.IntegerField(
        label=gettext_lazy("Responses (optional)"),
        required=False,
        min_value=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    def __init__(self, *args, locations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = locations
        self.fields["location"].label_from_instance = lambda loc: f"{loc.name} ({loc.code})" if loc.code else loc.name


class ScoreImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV file"),
        help_text=gettext_lazy(
            "UTF-8, comma- or semicolon-separated; columns: location, metric, period_start, period_end, value,"
            " responses."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv", "class": "form-control"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > SCORE_CSV_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB; split it.") % {"size": SCORE_CSV_MAX_BYTES // 1_000_000}
            )
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise forms.ValidationError(_('The file is not UTF-8 text; save it as "CSV UTF-8" and try again.')) from exc


class ScoreFilterForm(BootstrapMixin, forms.Form):
    metric = forms.ChoiceField(
        label=gettext_lazy("Metric"), choices=[("", gettext_lazy("All measures")), *ScoreMetric.choices], required=False
    )
    region = forms.ModelChoiceField(
        label=gettext_lazy("Region"), queryset=None, required=False, empty_label=gettext_lazy("All regions")
    )
    location = forms.ModelChoiceField(
        label=gettext_lazy("Location"), queryset=None, required=False, empty_label=gettext_lazy("All locations")
    )
    start = core_forms.DateField(label=pgettext_lazy("start of a period", "From"), required=False, **FEED_BOUNDS)
    end = core_forms.DateField(label=pgettext_lazy("end of a period", "To"), required=False, **FEED_BOUNDS)

    def __init__(self, *args, regions, locations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        self.fields["location"].queryset = locations

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end date must be on or after the start date."))
        return cleaned


# === end of Customer scores ==============================================================================
