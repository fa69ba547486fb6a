from django import template
from django.utils.html import escape
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
    filters per cell costs ten times as much to render. Every value is escaped."""
    classes = [_class_attr(column) for column in table.columns]
    head = "".join(
        f'<th scope="col"{css}>{escape(column.label)}</th>' for column, css in zip(table.columns, classes, strict=True)
    )
    body = []
    for row in table.rows:
        cells = []
        for index, (column, css, value) in enumerate(zip(table.columns, classes, row, strict=True)):
            text = escape(format_value(value, column.kind))
            shown = f'<a href="{escape(value.href)}">{text}</a>' if isinstance(value, Link) else text
            cells.append(f'<th scope="row"{css}>{shown}</th>' if index == 0 else f"<td{css}>{shown}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    if not body:
        body.append(
            f'<tr><td colspan="{len(table.columns)}" class="text-body-secondary">No data for this period.</td></tr>'
        )
    return mark_safe(
        '<div class="table-responsive"><table class="table table-sm table-striped align-middle caption-top" '
        f'id="{escape(table.name)}"><caption>{escape(table.title)}</caption><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


def _class_attr(column):
    css = cell_class(column)
    return f' class="{css}"' if css else ""
