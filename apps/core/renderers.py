"""The site's form renderer: Django's own, with one change to how text fields render their length limit.

Django renders a field's `max_length` as the `maxlength` attribute, and a browser then silently drops whatever
is pasted past it: 10,000 characters become 5,000 and are saved as if that were all. Every form of the site
(ours, allauth's, the admin's) renders through the renderer named by FORM_RENDERER, so this is the one place
that turns the limit into `data-max` instead: the box keeps every character, static/js/gemba.js shows how many
are over as the person types, and the field's own validator refuses the save with its message.
"""

from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates


class NoTruncationBoundField(BoundField):
    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        limit = attrs.get("maxlength", widget.attrs.get("maxlength"))
        if limit not in (None, False):
            attrs["maxlength"] = False  # an attribute set to False is not rendered at all
            attrs["data-max"] = limit
        return attrs


class FormRenderer(DjangoTemplates):
    bound_field_class = NoTruncationBoundField
