from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from apps.accounts.forms import TIME_ZONE_CHOICES, TimeZoneSelect, language_field

from .models import Location, Membership, Role


def _helper(label):
    helper = FormHelper()
    helper.add_input(Submit("submit", label, css_class="btn-primary"))
    return helper


class OrganizationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    time_zone = forms.ChoiceField(
        label=_("Time zone"), choices=TIME_ZONE_CHOICES, initial="Europe/London", widget=TimeZoneSelect
    )
    language = language_field(
        label=_("Language"),
        help_text=_("New members and invitations get this language; each member may choose their own."),
    )

    def __init__(self, *args, submit_label=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(submit_label or _("Save"))


class ExecutiveChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class MembershipForm(forms.ModelForm):
    supports = ExecutiveChoices(
        queryset=Membership.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Supports (for a chief of staff)"),
    )

    class Meta:
        model = Membership
        fields = ["role", "title", "is_active", "supports"]
        labels = {"role": _("Role"), "title": _("Title"), "is_active": _("Active member")}
        help_texts = {"title": _("e.g. Chief Operating Officer")}

    def __init__(self, *args, executives, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supports"].queryset = executives.exclude(pk=self.instance.pk)
        self.helper = _helper(_("Save member"))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("supports") and cleaned.get("role") != Role.CHIEF_OF_STAFF:
            self.add_error("supports", _("Only a chief of staff supports executives."))
        return cleaned


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.EXECUTIVE)
    language = language_field(
        label=_("Language"),
        help_text=_("The invitation is written in it; the new member keeps it until they choose their own."),
    )

    def __init__(self, *args, language="en", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].initial = language
        self.helper = _helper(_("Send invitation"))


class RegionForm(forms.Form):
    name = forms.CharField(max_length=100, label=_("New region"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Add region"))


def _coordinate(label, bound, out_of_range):
    """A latitude or longitude box: the browser and the server both hold it to ±`bound` degrees, and a value
    past that (1e3) is told so, not that it has too many digits before the decimal point."""
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=-bound,
        max_value=bound,
        decimal_places=5,
        error_messages={"min_value": out_of_range, "max_value": out_of_range},
    )


class LocationForm(forms.ModelForm):
    latitude = _coordinate(_("Latitude"), 90, _("Enter a latitude between -90 and 90."))
    longitude = _coordinate(_("Longitude"), 180, _("Enter a longitude between -180 and 180."))

    class Meta:
        model = Location
        fields = ["name", "code", "region", "address", "latitude", "longitude", "is_active"]
        labels = {
            "name": _("Name"),
            "code": _("Code"),
            "region": _("Region"),
            "address": _("Address"),
            "is_active": _("Active (offered when logging)"),
        }
        help_texts = {"code": _("Store number or short code")}

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        self.helper = _helper(_("Save location"))

    def clean(self):
        cleaned = super().clean()
        if "latitude" in self.errors or "longitude" in self.errors:
            return cleaned  # a value out of range was given: "give both" would only contradict its message
        if (cleaned.get("latitude") is None) != (cleaned.get("longitude") is None):
            self.add_error(
                "longitude" if cleaned.get("latitude") is not None else "latitude",
                _("Give both latitude and longitude, or neither."),
            )
        return cleaned
