"""The monthly review email's settings form: validation and layout only (the service saves)."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy

from apps.core import forms as core_forms
from apps.organizations.models import Role

DAY_MESSAGE = gettext_lazy("Choose a day from 1 to 28, so that every month has it.")


class MemberChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.display_name} ({obj.get_role_display()})"


class MonthlySendForm(forms.Form):
    enabled = forms.BooleanField(label=gettext_lazy("Send the monthly review by email"), required=False)
    day = core_forms.IntegerField(
        label=gettext_lazy("Day of the month"),
        min_value=1,
        max_value=28,
        help_text=gettext_lazy("From 1 to 28. The email brings the review of the month before."),
        error_messages={
            "required": DAY_MESSAGE,
            "invalid": gettext_lazy("Enter the day as a number from 1 to 28."),
            "min_value": DAY_MESSAGE,
            "max_value": DAY_MESSAGE,
        },
    )
    roles = forms.MultipleChoiceField(
        label=gettext_lazy("Send it to everyone with these roles"),
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": gettext_lazy("Choose roles from the list.")},
    )
    people = MemberChoices(
        label=gettext_lazy("And to these people"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Active members of the organization, whatever their role."),
        error_messages={
            "invalid_choice": gettext_lazy("Choose people who are active members of this organization."),
            "invalid_pk_value": gettext_lazy("Choose people who are active members of this organization."),
        },
    )

    def __init__(self, *args, members, **kwargs):
        """`members`: the organization's active members, the only people that can be chosen."""
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = members
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", gettext_lazy("Save"), css_class="btn-primary"))
