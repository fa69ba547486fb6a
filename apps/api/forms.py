from django import forms
from django.utils.translation import gettext_lazy

from apps.core.forms import BootstrapMixin

from .models import TokenScope
from .services import MAX_DAYS


class TokenForm(BootstrapMixin, forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        help_text=gettext_lazy("What will use it, e.g. “CRM sync”."),
        max_length=80,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    scope = forms.ChoiceField(label=gettext_lazy("Access"), choices=TokenScope.choices, initial=TokenScope.READ)
    days = forms.IntegerField(label=gettext_lazy("Expires after (days)"), min_value=1, max_value=MAX_DAYS, initial=90)

    def __init__(self, *args, may_write, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_write:
            self.fields["scope"].choices = [(TokenScope.READ, TokenScope.READ.label)]
