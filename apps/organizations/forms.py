from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

from apps.accounts.forms import TIME_ZONE_CHOICES

from .models import Location, Membership, Role


def _helper(label):
    helper = FormHelper()
    helper.add_input(Submit("submit", label, css_class="btn-primary"))
    return helper


class OrganizationForm(forms.Form):
    name = forms.CharField(max_length=150)
    time_zone = forms.ChoiceField(choices=TIME_ZONE_CHOICES, initial="Europe/London")

    def __init__(self, *args, submit_label="Save", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(submit_label)


class ExecutiveChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class MembershipForm(forms.ModelForm):
    supports = ExecutiveChoices(
        queryset=Membership.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Supports (for a chief of staff)",
    )

    class Meta:
        model = Membership
        fields = ["role", "title", "is_active", "supports"]
        labels = {"is_active": "Active member"}

    def __init__(self, *args, executives, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supports"].queryset = executives.exclude(pk=self.instance.pk)
        self.helper = _helper("Save member")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("supports") and cleaned.get("role") != Role.CHIEF_OF_STAFF:
            self.add_error("supports", "Only a chief of staff supports executives.")
        return cleaned


class InvitationForm(forms.Form):
    email = forms.EmailField()
    role = forms.ChoiceField(choices=Role.choices, initial=Role.EXECUTIVE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("Send invitation")


class RegionForm(forms.Form):
    name = forms.CharField(max_length=100, label="New region")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("Add region")


def _coordinate(label, bound):
    """A latitude or longitude box: the browser and the server both hold it to ±`bound` degrees, and a value
    past that (1e3) is told so, not that it has too many digits before the decimal point."""
    out_of_range = f"Enter a {label.lower()} between -{bound} and {bound}."
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=-bound,
        max_value=bound,
        decimal_places=5,
        error_messages={"min_value": out_of_range, "max_value": out_of_range},
    )


class LocationForm(forms.ModelForm):
    latitude = _coordinate("Latitude", 90)
    longitude = _coordinate("Longitude", 180)

    class Meta:
        model = Location
        fields = ["name", "code", "region", "address", "latitude", "longitude", "is_active"]
        labels = {"is_active": "Active (offered when logging)"}

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        self.helper = _helper("Save location")

    def clean(self):
        cleaned = super().clean()
        if "latitude" in self.errors or "longitude" in self.errors:
            return cleaned  # a value out of range was given: "give both" would only contradict its message
        if (cleaned.get("latitude") is None) != (cleaned.get("longitude") is None):
            self.add_error(
                "longitude" if cleaned.get("latitude") is not None else "latitude",
                "Give both latitude and longitude, or neither.",
            )
        return cleaned
