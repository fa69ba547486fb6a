"""Read what a rendered page shows: the errors printed next to a field, the flash messages."""

import html
import re

from django.contrib.messages import get_messages


def field_errors(response, name):
    """The error texts crispy renders right under the field `name` (ids error_<n>_id_<name>)."""
    pattern = rf'id="error_\d+_id_{re.escape(name)}"[^>]*>\s*<strong>(.*?)</strong>'
    return [html.unescape(text) for text in re.findall(pattern, response.content.decode())]


def non_field_errors(response):
    """The errors shown above a crispy form (not tied to a field)."""
    blocks = re.findall(r'<div class="alert alert-block alert-danger">(.*?)</div>', response.content.decode(), re.S)
    return [html.unescape(text) for block in blocks for text in re.findall(r"<li>(.*?)</li>", block, re.S)]


def flash_messages(response):
    return [str(message) for message in get_messages(response.wsgi_request)]
