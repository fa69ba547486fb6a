from django import template

from apps.core import choice_html, formatting

register = template.Library()


@register.filter
def minutes(value):
    """A number of minutes as "1 h 30 min" (or "45 min"), in the active language."""
    try:
        total = int(value or 0)
    except (TypeError, ValueError):
        return ""
    return formatting.minutes(total)


@register.filter
def signed_minutes(value):
    """A balance: "+2 h", "-45 min" (with a true minus sign), "0 min"."""
    total = int(value or 0)
    if total == 0:
        return formatting.minutes(0)
    return ("+" if total > 0 else "\u2212") + formatting.minutes(abs(total))


@register.filter(expects_localtime=True)
def when(value, name="date"):
    """A date or time in one of the active language's named formats: {{ starts_at|when:"weekday_datetime" }}."""
    return formatting.when(value, name)


@register.filter
def hours(value, decimals=None):
    """Hours with the language's decimal mark, grouping and unit: 1 234,5 t (nb), 1234.5 h (en)."""
    return formatting.hours(value, decimals)


@register.filter
def number(value, decimals=None):
    """A number with the language's decimal mark and grouping."""
    return formatting.number(value, decimals)


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
