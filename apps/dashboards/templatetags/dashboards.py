import html

from django import forms, template
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from ..exports import NUMERIC_KINDS, format_value
from ..tables import Link

register = template.Library()


@register.filter
def cell(value, kind):
    """A table value as the page shows it (the CSV export writes the same text)."""
    return format_value(value, kind)


@register.filter
def with_columns(row, columns):
    """Pairs each value of a row with its column, so the template knows how to show and align it."""
    return list(zip(columns, row, strict=True))


@register.filter
def cell_class(column):
    # Numbers line up on the right and never wrap ("42 %" on one line).
    return "text-end text-nowrap" if column.kind in NUMERIC_KINDS else ""


@register.filter
def is_link(value):
    return isinstance(value, Link)


@register.simple_tag
def dashboard_table(table):
    """The table's HTML, built in Python: a board page has a few thousand cells, and a template loop with
    filters per cell costs ten times as much to render. Every value is escaped, with the standard library's
    `html.escape` (what Django's `escape` calls, without its lazy-string check per cell)."""
    classes = [_class_attr(column) for column in table.columns]
    kinds = [column.kind for column in table.columns]
    head = "".join(
        f'<th scope="col"{css}>{_escape(column.label)}</th>' for column, css in zip(table.columns, classes, strict=True)
    )
    body = []
    for row in table.rows:
        cells = []
        for index, (kind, css, value) in enumerate(zip(kinds, classes, row, strict=True)):
            if isinstance(value, Link):
                shown = f'<a href="{_escape(value.href)}">{_escape(format_value(value.value, kind))}</a>'
            else:
                shown = _escape(format_value(value, kind))
            cells.append(f'<th scope="row"{css}>{shown}</th>' if index == 0 else f"<td{css}>{shown}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    if not body:
        body.append(
            f'<tr><td colspan="{len(table.columns)}" class="text-body-secondary">No data for this period.</td></tr>'
        )
    return mark_safe(
        '<div class="table-responsive"><table class="table table-sm table-striped align-middle caption-top" '
        f'id="{_escape(table.name)}"><caption>{_escape(table.title)}</caption><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


def _escape(text):
    return html.escape(str(text))


def _class_attr(column):
    css = cell_class(column)
    return f' class="{css}"' if css else ""


@register.simple_tag
def select_field(bound_field):
    """A form field's widget; a single <select> built in Python from the widget's own context (its attributes,
    options and selection, exactly as Django renders them): Django renders each option through a template, and the
    board's team select has one per chief of staff, which cost more than the rest of the page's Python."""
    widget = bound_field.field.widget
    if not isinstance(widget, forms.Select) or widget.allow_multiple_selected:
        return bound_field.as_widget()
    attrs = bound_field.build_widget_attrs({"id": bound_field.auto_id} if bound_field.auto_id else {})
    context = widget.get_context(bound_field.html_name, bound_field.value(), attrs)["widget"]
    groups = []
    for group_name, choices, _index in context["optgroups"]:
        options = format_html_join(
            "", '<option value="{}"{}>{}</option>', ((o["value"], flatatt(o["attrs"]), o["label"]) for o in choices)
        )
        groups.append(format_html('<optgroup label="{}">{}</optgroup>', group_name, options) if group_name else options)
    return format_html(
        '<select name="{}"{}>{}</select>', context["name"], flatatt(context["attrs"]), mark_safe("".join(groups))
    )
