from django import template

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
