import re

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Fieldset, Layout, Row, Submit
from django import forms
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.forms import whole_number

from .models import MAX_LEAD_MINUTES, MAX_LEAD_TIMES, ReminderKind, too_many_lead_times

LEAD_SEPARATORS = re.compile(r"[\s,;]+")


def lead_minutes_text(values):
    return ", ".join(str(value) for value in values)


class PreferencesForm(forms.Form):
    email_enabled = forms.BooleanField(
        label=gettext_lazy("Email me reminders"),
        required=False,
        help_text=gettext_lazy("When off, reminders still appear under the bell in Gemba."),
    )
    enabled_kinds = forms.MultipleChoiceField(
        label=gettext_lazy("Remind me about"),
        choices=ReminderKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Kinds you untick are not sent at all: neither in Gemba nor by email."),
    )
    session_lead_minutes = forms.CharField(
        label=gettext_lazy("Before a session, remind me this many minutes ahead"),
        max_length=100,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    quiet_start = forms.TimeField(
        label=gettext_lazy("Quiet from"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    quiet_end = forms.TimeField(
        label=gettext_lazy("Quiet until"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )

    def __init__(self, *args, time_zone_name="UTC", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session_lead_minutes"].help_text = _(
            "Comma-separated minutes, e.g. 1440, 60 (a day and an hour before). "
            "Up to %(count)s values, each from 1 to %(max)s (7 days)."
        ) % {"count": MAX_LEAD_TIMES, "max": MAX_LEAD_MINUTES}
        quiet_help = format_html(
            '<p class="form-text mt-0" id="quiet_hours_help">{}</p>',
            _(
                "On your clock (%(zone)s). A reminder due in quiet hours waits for their end; "
                "they may cross midnight (22:00 until 07:00). Leave both empty for none."
            )
            % {"zone": time_zone_name},
        )
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "email_enabled",
            "enabled_kinds",
            "session_lead_minutes",
            Fieldset(
                _("Quiet hours"),
                Row(Column("quiet_start", css_class="col-6"), Column("quiet_end", css_class="col-6")),
                HTML(quiet_help),
            ),
        )
        self.helper.add_input(Submit("submit", _("Save preferences"), css_class="btn-primary"))

    def clean_session_lead_minutes(self):
        text = self.cleaned_data["session_lead_minutes"].strip()
        tokens = [token for token in LEAD_SEPARATORS.split(text) if token]
        if not tokens:
            raise forms.ValidationError(_("Give at least one lead time, e.g. 60."))
        values = []
        for token in tokens:
            # The same reading of a number as every other whole-number box of the site (1e3 is 1000).
            value = whole_number(token, _("“%(value)s” is not a whole number of minutes.") % {"value": token})
            if not 1 <= value <= MAX_LEAD_MINUTES:
                raise forms.ValidationError(
                    _("%(value)s is out of range: each lead time is from 1 to %(max)s minutes (7 days).")
                    % {"value": value, "max": MAX_LEAD_MINUTES}
                )
            if value not in values:
                values.append(value)
        if len(values) > MAX_LEAD_TIMES:
            raise forms.ValidationError(too_many_lead_times())
        return sorted(values, reverse=True)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("quiet_start"), cleaned.get("quiet_end")
        if "quiet_start" in self.errors or "quiet_end" in self.errors:
            return cleaned
        if start is None and end is not None:
            self.add_error("quiet_start", _("Give a start for your quiet hours too (or clear both)."))
        elif end is None and start is not None:
            self.add_error("quiet_end", _("Give an end for your quiet hours too (or clear both)."))
        elif start is not None and start == end:
            self.add_error("quiet_end", _("Quiet hours must end at a different time than they start."))
        return cleaned

    def service_kwargs(self):
        data = self.cleaned_data
        enabled = set(data["enabled_kinds"])
        return {
            "email_enabled": data["email_enabled"],
            "disabled_kinds": [kind for kind in ReminderKind.values if kind not in enabled],
            "session_lead_minutes": data["session_lead_minutes"],
            "quiet_start": data["quiet_start"],
            "quiet_end": data["quiet_end"],
        }

    @classmethod
    def initial_for(cls, preference):
        return {
            "email_enabled": preference.email_enabled,
            "enabled_kinds": [kind for kind in ReminderKind.values if preference.kind_enabled(kind)],
            "session_lead_minutes": lead_minutes_text(sorted(preference.session_lead_minutes, reverse=True)),
            "quiet_start": preference.quiet_start,
            "quiet_end": preference.quiet_end,
        }
