import html

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from apps.core import choice_html

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
    # Numbers line up on the right and never wrap ("42 %" on one line), nor does a date ("2026-12-04").
    if column.kind in NUMERIC_KINDS:
        return "text-end text-nowrap"
    return "text-nowrap" if column.kind == "date" else ""


@register.filter
def header_class(column):
    # A heading lines up with its numbers but wraps between its words: "Not logged (30 days)" on one line made
    # the team's table wider than a desk screen.
    return "text-end" if column.kind in NUMERIC_KINDS else ""


@register.filter
def is_link(value):
    return isinstance(value, Link)


# A table this short is marked so that print keeps it on one page (the review's board pack).
SHORT_ROWS = 30
SHORT = " table-short"


@register.simple_tag
def dashboard_table(table):
    """The table's HTML, built in Python: a board page has a few thousand cells, and a template loop with
    filters per cell costs ten times as much to render. Every text and link is escaped, with the standard library's
    `html.escape` (what Django's `escape` calls, without its lazy-string check per cell)."""
    classes = [_class_attr(cell_class(column)) for column in table.columns]
    kinds = [column.kind for column in table.columns]
    head = "".join(
        f'<th scope="col"{_class_attr(header_class(column))}>{_escape(column.label)}</th>' for column in table.columns
    )
    # A number formats to digits, a sign, a decimal mark and a grouping space (or the empty mark): nothing to escape.
    escapes = [_escape if kind not in NUMERIC_KINDS else str for kind in kinds]
    body = []
    for row in table.rows:
        cells = []
        for index, (kind, css, escape, value) in enumerate(zip(kinds, classes, escapes, row, strict=True)):
            if isinstance(value, Link):
                shown = f'<a href="{_escape(value.href)}">{escape(format_value(value.value, kind))}</a>'
            else:
                shown = escape(format_value(value, kind))
            cells.append(f'<th scope="row"{css}>{shown}</th>' if index == 0 else f"<td{css}>{shown}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    if not body:
        empty = _escape(table.empty or _("No data for this period."))
        body.append(f'<tr><td colspan="{len(table.columns)}" class="text-body-secondary">{empty}</td></tr>')
    return mark_safe(
        # A box that may scroll sideways is a tab stop with a name, so a keyboard can scroll it too.
        f'<div class="table-responsive{SHORT if len(table.rows) <= SHORT_ROWS else ""}" tabindex="0" role="region" '
        f'aria-label="{_escape(table.title)}">'
        f'<table class="table table-sm table-striped align-middle caption-top" id="{_escape(table.name)}">'
        f"<caption>{_escape(table.title)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


def _escape(text):
    return html.escape(str(text))


def _class_attr(css):
    return f' class="{css}"' if css else ""


@register.simple_tag
def select_field(bound_field):
    """A form field's widget; a single <select> written without a template per option (core.choice_html, as the
    quick log writes its menus)."""
    return choice_html.select(bound_field)
