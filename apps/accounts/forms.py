import zoneinfo

from allauth.account.forms import SignupForm as AllauthSignupForm
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

TIME_ZONE_CHOICES = [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


class SignupForm(AllauthSignupForm):
    """allauth's signup with the person's name first (shown to colleagues on entries)."""

    full_name = forms.CharField(
        label="Your name", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    field_order = ["full_name", "email", "password1", "password2"]


class ProfileForm(forms.Form):
    full_name = forms.CharField(label="Your name", max_length=150)
    time_zone = forms.ChoiceField(
        label="Time zone",
        choices=[("", "Use my organization's time zone"), *TIME_ZONE_CHOICES],
        required=False,
        help_text="Times are shown, and weeks start, in this zone.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "Save", css_class="btn-primary"))
