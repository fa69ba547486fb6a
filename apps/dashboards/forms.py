"""The board dashboard's choices: period, region or team, blind-spot threshold, the score and its grouping."""

from django import forms
from django.utils.choices import BaseChoiceIterator

from apps.core.forms import BootstrapMixin
from apps.insights.models import ScoreMetric

from .board import PERIODS, BoardFilters


class ChiefChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.display_name}'s executives"


class _Menu(BaseChoiceIterator):
    """A model field's choices from one plain query, run when first needed (never for an export) and then kept:
    left to itself, the field walks a server-side cursor (a round trip per fetch) each time a render looks at
    its choices, which is more than once."""

    def __init__(self, field, queryset):
        self.field, self.queryset, self.items = field, queryset, None

    def __iter__(self):
        if self.items is None:
            label = self.field.label_from_instance
            self.items = [("", self.field.empty_label), *((obj.pk, label(obj)) for obj in self.queryset)]
        return iter(self.items)


class BoardFilterForm(BootstrapMixin, forms.Form):
    period = forms.ChoiceField(
        choices=[("3m", "Last 3 months"), ("6m", "Last 6 months"), ("12m", "Last 12 months")],
        required=False,
        initial="12m",
    )
    region = forms.ModelChoiceField(queryset=None, required=False, empty_label="All regions")
    team = ChiefChoiceField(queryset=None, required=False, empty_label="All executives", label="Team")
    blind_days = forms.IntegerField(label="Blind spot after (days)", min_value=7, max_value=730, required=False)
    metric = forms.ChoiceField(choices=ScoreMetric.choices, required=False, label="Customer score")
    by = forms.ChoiceField(
        choices=[("location", "By location"), ("region", "By region")], required=False, label="Scores by"
    )

    def __init__(self, *args, regions, chiefs, **kwargs):
        super().__init__(*args, **kwargs)
        for name, queryset in (("region", regions), ("team", chiefs)):
            field = self.fields[name]
            field.queryset = queryset  # what a submitted choice is checked against
            field.choices = _Menu(field, queryset)

    def filters(self):
        """BoardFilters from valid data (defaults for what was left empty)."""
        data = self.cleaned_data
        return BoardFilters(
            months=PERIODS.get(data.get("period") or "12m", 12),
            region=data.get("region"),
            team=data.get("team"),
            blind_days=data.get("blind_days") or 60,
            metric=data.get("metric") or ScoreMetric.NPS,
            by_region=data.get("by") == "region",
        )
