"""Choice widgets (radios, checkboxes, a <select>) written in Python with exactly the markup Django's own templates
give them. Django renders every option through a template of its own (input.html and attrs.html per radio or box,
select_option.html per option): on the quick log's 130 options that machinery was most of the page's time.
The options themselves still come from the widget (its `optgroups`: ids, checked state, attributes), so only
the writing of the tags changes."""

import html

from django import forms
from django.utils.safestring import mark_safe


def _text(value):
    """As `{{ value|stringformat:'s' }}` writes it (Django's escape is html.escape behind a check for lazy text,
    which is most of its cost here)."""
    return html.escape(str(value))


def conditional_escape(value):
    """As `{{ value }}` writes it: safe text as it is, anything else escaped."""
    return str(value.__html__()) if hasattr(value, "__html__") else html.escape(str(value))


def attrs_html(attrs):
    """As django/forms/widgets/attrs.html writes attributes: in their order, True bare, False left out (Django's
    flatatt puts the bare ones last)."""
    return "".join(
        f" {name}" if value is True else f' {name}="{_text(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def input_tag(option):
    """One option's <input>, as django/forms/widgets/input.html writes it from the option's context."""
    value = "" if option["value"] is None else f' value="{_text(option["value"])}"'
    name = conditional_escape(option["name"])
    return f'<input type="{option["type"]}" name="{name}"{value}{attrs_html(option["attrs"])}>'


class Option:
    """What a template reads of a radio or a box (as of Django's BoundWidget): `tag`, `id_for_label`,
    `choice_label`, `data`."""

    __slots__ = ("choice_label", "data", "id_for_label", "tag")

    def __init__(self, data):
        self.data = data
        self.tag = mark_safe(input_tag(data))
        self.id_for_label = data["attrs"].get("id", "")
        self.choice_label = data["label"]


def options(bound_field):
    """The radios or boxes of a bound RadioSelect or CheckboxSelectMultiple field, each with its tag written."""
    return [Option(widget.data) for widget in bound_field.subwidgets]


def select(bound_field):
    """A bound single <select> as Django's select.html and select_option.html write it."""
    widget = bound_field.field.widget
    if not isinstance(widget, forms.Select) or widget.allow_multiple_selected:
        return bound_field.as_widget()
    # What BoundField.as_widget hands the widget, and the context the widget gives its template.
    attrs = bound_field.build_widget_attrs({}, widget)
    if bound_field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", bound_field.auto_id)
    context = widget.get_context(bound_field.html_name, bound_field.value(), attrs)["widget"]
    # The line breaks and indents are those of select.html and select_option.html.
    parts = [f'<select name="{conditional_escape(context["name"])}"{attrs_html(context["attrs"])}>']
    for group_name, group, _index in context["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in group:
            parts.append(
                f'\n  <option value="{_text(option["value"])}"{attrs_html(option["attrs"])}>'
                f"{conditional_escape(option['label'])}</option>\n"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return mark_safe("".join(parts))
