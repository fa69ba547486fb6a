from django import template

from apps.core import choice_html

register = template.Library()


@register.filter
def minutes(value):
    """Render a number of minutes as "1 h 30 min" (or "45 min")."""
    try:
        total = int(value or 0)
    except (TypeError, ValueError):
        return ""
    hours, mins = divmod(total, 60)
    if hours and mins:
        return f"{hours} h {mins} min"
    if hours:
        return f"{hours} h"
    return f"{mins} min"


@register.filter
def signed_minutes(value):
    """A balance: "+2 h", "-45 min" (with a true minus sign), "0 min"."""
    total = int(value or 0)
    if total == 0:
        return "0 min"
    return ("+" if total > 0 else "\u2212") + minutes(abs(total))


@register.simple_tag(takes_context=True)
def query_transform(context, **kwargs):
    """The current query string with some parameters replaced (pagination links keep filters)."""
    params = context["request"].GET.copy()
    for key, value in kwargs.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    return params.urlencode()


@register.filter
def options(bound_field):
    """The radios or boxes of a choice field, their tags written without a template each (core.choice_html)."""
    return choice_html.options(bound_field)


@register.filter
def select(bound_field):
    """A single <select>, written without a template per option (core.choice_html)."""
    return choice_html.select(bound_field)
