import zoneinfo

from allauth.account.forms import SignupForm as AllauthSignupForm
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

TIME_ZONE_CHOICES = [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]

# Each language named in itself (a person who cannot read the page's language still finds their own), Norwegian
# first. Never translated.
LANGUAGE_NAMES = dict(settings.LANGUAGES)
LANGUAGE_CHOICES = sorted(settings.LANGUAGES, key=lambda item: item[0] != "nb")


class LanguageSelect(forms.Select):
    """A <select> of languages whose options carry their own `lang` (<option lang="nb" value="nb">)."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex=subindex, attrs=attrs)
        if value in LANGUAGE_NAMES:
            option["attrs"]["lang"] = value
        return option


class TimeZoneSelect(forms.Select):
    """A <select> of time zones: their names are English place names (the tz database's), marked so, as a screen
    reader on a Norwegian page should read "America/New York" in English."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex=subindex, attrs=attrs)
        if value:
            option["attrs"]["lang"] = "en"
        return option


def language_field(*, label, blank_label=None, **kwargs):
    """A language box: both languages (each in itself), and with `blank_label` a blank "follow the default".
    Never required: a form posted without it (an older page, a script) gets "" and the caller's default."""
    choices = [("", blank_label), *LANGUAGE_CHOICES] if blank_label else LANGUAGE_CHOICES
    return forms.ChoiceField(label=label, choices=choices, required=False, widget=LanguageSelect, **kwargs)


class SignupForm(AllauthSignupForm):
    """allauth's signup with the person's name first (shown to colleagues on entries)."""

    full_name = forms.CharField(
        label=_("Your name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    field_order = ["full_name", "email", "password1", "password2"]


class ProfileForm(forms.Form):
    full_name = forms.CharField(label=_("Your name"), max_length=150)
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        choices=[("", _("Use my organization's time zone")), *TIME_ZONE_CHOICES],
        required=False,
        widget=TimeZoneSelect,
        help_text=_("Times are shown, and weeks start, in this zone."),
    )
    language = language_field(
        label=_("Language"),
        blank_label=_("Organization default"),
        help_text=_("Gemba's pages, emails and reminders to you are in this language."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Save"), css_class="btn-primary"))
