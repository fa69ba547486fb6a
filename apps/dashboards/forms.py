"""The board dashboard's choices: period, region or team, blind-spot threshold, the score and its grouping."""

from django import forms
from django.utils.choices import BaseChoiceIterator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core import forms as core_forms
from apps.core.forms import BootstrapMixin
from apps.insights.models import ScoreMetric

from .board import PERIODS, BoardFilters


def team_label(chief_name):
    return _("%(name)s's executives") % {"name": chief_name}


class ChiefChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return team_label(obj.display_name)


class _Menu(BaseChoiceIterator):
    """A model field's choices from one light query of (pk, *label parts), run when first needed (never for an
    export) and then kept: left to itself, the field builds a model instance per choice and walks a server-side
    cursor (a round trip per fetch) each time a render looks at its choices, which is more than once."""

    def __init__(self, empty_label, rows, label):
        self.empty_label, self.rows, self.label, self.items = empty_label, rows, label, None

    def __iter__(self):
        if self.items is None:
            self.items = [("", self.empty_label), *((pk, self.label(*parts)) for pk, *parts in self.rows)]
        return iter(self.items)


class BoardFilterForm(BootstrapMixin, forms.Form):
    period = forms.ChoiceField(
        choices=[
            ("3m", gettext_lazy("Last 3 months")),
            ("6m", gettext_lazy("Last 6 months")),
            ("12m", gettext_lazy("Last 12 months")),
        ],
        required=False,
        initial="12m",
        label=gettext_lazy("Period"),
    )
    region = forms.ModelChoiceField(
        queryset=None, required=False, empty_label=gettext_lazy("All regions"), label=gettext_lazy("Region")
    )
    team = ChiefChoiceField(
        queryset=None, required=False, empty_label=gettext_lazy("All executives"), label=gettext_lazy("Team")
    )
    blind_days = core_forms.IntegerField(
        label=gettext_lazy("Blind spot after (days)"), min_value=7, max_value=730, required=False
    )
    metric = forms.ChoiceField(choices=ScoreMetric.choices, required=False, label=gettext_lazy("Customer score"))
    by = forms.ChoiceField(
        choices=[("location", gettext_lazy("By location")), ("region", gettext_lazy("By region"))],
        required=False,
        label=gettext_lazy("Scores by"),
    )

    def __init__(self, *args, regions, chiefs, **kwargs):
        super().__init__(*args, **kwargs)
        region, team = self.fields["region"], self.fields["team"]
        # The querysets check a submitted choice; the menus show the same rows, with the labels the fields would give.
        region.queryset, team.queryset = regions, chiefs
        region.choices = _Menu(region.empty_label, regions.values_list("pk", "name"), str)
        team.choices = _Menu(
            team.empty_label,
            chiefs.values_list("pk", "user__full_name", "user__email"),
            lambda full_name, email: team_label(full_name or email),
        )

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
