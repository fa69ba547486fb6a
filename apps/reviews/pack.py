"""The board pack: the review's own document (`reviews/_document.html`, what the page shows) printed to an A4 PDF by
WeasyPrint, with a title page, a table of contents, page numbers and the charts as vector graphics.

The data's version is a digest of the document's HTML: the pack is printed again exactly when something it shows
has changed (a figure, a name, a quote, the language), and never otherwise.
"""

import hashlib
import re
from io import BytesIO

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

# A document with more table rows than this is printed by a worker, the page showing its progress; a smaller one
# is printed while the person waits (a second or less).
INLINE_ROWS = 150


def document_html(r):
    """The review's document as the pack prints it (its links are made absolute by the printer's base URL)."""
    return render_to_string("reviews/_document.html", {"r": r, "LANGUAGE_CODE": get_language()})


def data_version(document):
    return hashlib.sha256(document.encode("utf-8")).hexdigest()


def row_count(r):
    return sum(len(table.rows) for table in r.tables)


def pack_html(r, *, document, generated_by, generated_at):
    """The whole pack: the title page (organization, period, scope, when and by whom), the contents, the document."""
    context = {
        "r": r,
        "document": document,
        "generated_by": generated_by,
        "generated_at": timezone.localtime(generated_at),
        "site_url": settings.SITE_URL,
        "LANGUAGE_CODE": get_language(),
    }
    return render_to_string("reviews/pack.html", context)


def _css_string(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def page_css(organization_name, period_label):
    """The running header and the page numbers, in the document's language: "Page 3 of 12" with CSS counters
    standing where the translated sentence has its placeholders."""
    sentence = _("Page %(page)s of %(pages)s")
    parts = re.split(r"(%\(page\)s|%\(pages\)s)", sentence)
    tokens = []
    for part in parts:
        if part == "%(page)s":
            tokens.append("counter(page)")
        elif part == "%(pages)s":
            tokens.append("counter(pages)")
        elif part:
            tokens.append(_css_string(part))
    header = _css_string(f"{organization_name} · {period_label}")
    return (
        "@page { @top-left { content: " + header + "; } "
        "@bottom-right { content: " + " ".join(tokens) + "; } } "
        "@page :first { @top-left { content: none; } @bottom-right { content: none; } }"
    )


def render_pdf(html, *, organization_name, period_label):
    """(PDF bytes, number of pages). WeasyPrint logs each step to "weasyprint.progress" (the pack's progress)."""
    import weasyprint  # loads Pango: only where a pack is printed

    stylesheets = [
        weasyprint.CSS(filename=finders.find("css/pack.css")),
        weasyprint.CSS(string=page_css(organization_name, period_label)),
    ]
    document = weasyprint.HTML(string=html, base_url=settings.SITE_URL + "/").render(stylesheets=stylesheets)
    output = BytesIO()
    document.write_pdf(output)
    return output.getvalue(), len(document.pages)
