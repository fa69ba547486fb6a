"""The translation catalogs, kept with Babel so that no GNU gettext tool is needed (a fresh machine has none).

Each app keeps its own catalog, `apps/<app>/locale/nb/LC_MESSAGES/django.po`, for its Python code and its
templates (`templates/<app>/`); `core` holds the site-wide templates. `python manage.py catalogs extract`
brings every catalog up to date with the sources (new msgids arrive empty, gone ones leave), `compile` writes
the `.mo` files Django reads (generated, never committed; `make run` and `make test` compile), and `check`
lists every problem: a msgid in the sources but not in its catalog, an untranslated, fuzzy or obsolete entry,
placeholders that differ, one msgid translated two ways, a `.mo` older than its `.po`. The suite fails on any.

Templates are read the way Django's own `makemessages` reads them: `templatize` turns them into Python-shaped
text, whose gettext calls Babel's Python extractor finds.
"""

import io
from dataclasses import dataclass
from pathlib import Path

from babel.messages import checkers
from babel.messages.catalog import Catalog
from babel.messages.extract import extract, extract_python
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from django.conf import settings
from django.utils.translation.template import templatize

LANGUAGES = ("nb",)  # English is the source language: its msgids are the text
DOMAIN = "django"

# Django's gettext functions, as Babel's keyword specs: (1, 2) is singular and plural, (1, "c") a context.
KEYWORDS = {
    "_": None,
    "gettext": None,
    "gettext_lazy": None,
    "gettext_noop": None,
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "npgettext_lazy": ((1, "c"), 2, 3),
}
TEMPLATE_SUFFIXES = (".html", ".txt", ".ics", ".xml", ".svg")


@dataclass(frozen=True)
class Area:
    """One catalog and the sources whose strings it holds."""

    name: str
    python: tuple[str, ...]  # folders whose .py files (migrations aside) are read
    templates: tuple[str, ...]  # template folders (or single files) read

    @property
    def locale_dir(self) -> Path:
        return settings.BASE_DIR / "apps" / self.name / "locale"

    def po_path(self, language) -> Path:
        return self.locale_dir / language / "LC_MESSAGES" / f"{DOMAIN}.po"

    def mo_path(self, language) -> Path:
        return self.po_path(language).with_suffix(".mo")


def _app(name, *templates):
    return Area(name, (f"apps/{name}",), (f"templates/{name}", *templates))


AREAS = (
    Area(
        "core",
        ("apps/core", "config"),
        ("templates/base.html", "templates/403.html", "templates/404.html", "templates/500.html", "templates/includes"),
    ),
    _app("accounts", "templates/allauth"),
    _app("organizations"),
    _app("notifications", "templates/email"),
    _app("engagements"),
    _app("insights"),
    _app("scheduling"),
    _app("dashboards"),
    _app("reviews"),
    _app("api"),
)


def _files(root: Path, suffixes):
    if root.is_file():
        return [root]
    return sorted(p for p in root.rglob("*") if p.suffix in suffixes and "migrations" not in p.parts)


def _template_source(path: Path):
    """The template as Django's makemessages hands it to xgettext: Python-shaped text with its gettext calls."""
    text = templatize(path.read_text(encoding="utf-8"), origin=str(path))
    # xgettext ignores indentation; Python's tokenizer does not. Each gettext call is on one line (repr'd).
    return io.BytesIO("\n".join(line.lstrip() for line in text.splitlines()).encode("utf-8"))


def source_catalog(area: Area) -> Catalog:
    """Every msgid the area's sources use, as a template catalog (a .pot in memory)."""
    base = settings.BASE_DIR
    template = Catalog(domain=DOMAIN, fuzzy=False)
    found = []
    for folder in area.python:
        for path in _files(base / folder, (".py",)):
            with path.open("rb") as handle:
                found += [(path, m) for m in extract(extract_python, handle, KEYWORDS)]
    for folder in area.templates:
        for path in _files(base / folder, TEMPLATE_SUFFIXES):
            found += [(path, m) for m in extract(extract_python, _template_source(path), KEYWORDS)]
    for path, (lineno, message, _comments, context) in found:
        template.add(message, locations=[(str(path.relative_to(base)), lineno)], context=context)
    return template


def read_catalog(area: Area, language) -> Catalog:
    path = area.po_path(language)
    if not path.exists():
        return Catalog(locale=language, domain=DOMAIN, fuzzy=False)
    with path.open("rb") as handle:
        return read_po(handle, locale=language, domain=DOMAIN)


def write_catalog(area: Area, language, catalog: Catalog):
    path = area.po_path(language)
    path.parent.mkdir(parents=True, exist_ok=True)
    catalog.header_comment = (
        f"# Gemba: the {area.name} app's Norwegian (bokmål) texts. The words to use: docs/glossary.md.\n"
        "# Kept by `python manage.py catalogs extract` (apps/core/catalogs.py); translate every empty msgstr."
    )
    catalog.project, catalog.version, catalog.copyright_holder = "Gemba", "", "Gemba contributors"
    catalog.msgid_bugs_address = catalog.last_translator = ""
    catalog.language_team = "Norsk bokmål"
    buffer = io.BytesIO()
    # No locations and a fixed order: a catalog changes only when its texts do (no churn, fewer merge conflicts).
    write_po(buffer, catalog, width=0, no_location=True, sort_output=True, ignore_obsolete=True, omit_header=False)
    path.write_bytes(buffer.getvalue())


def extract_all(areas=AREAS):
    """Bring each area's catalog up to date with its sources; returns {area name: (added, removed)}."""
    changes = {}
    for area in areas:
        template = source_catalog(area)
        for language in LANGUAGES:
            catalog = read_catalog(area, language)
            before = {m.id for m in catalog if m.id}
            catalog.update(template, no_fuzzy_matching=True, update_creation_date=False)
            catalog.fuzzy = False
            after = {m.id for m in catalog if m.id}
            changes[area.name] = (len(after - before), len(before - after))
            write_catalog(area, language, catalog)
    return changes


def compile_all(areas=AREAS):
    """Write each catalog's .mo (what Django reads); returns the paths written."""
    written = []
    for area in areas:
        for language in LANGUAGES:
            if not area.po_path(language).exists():
                continue
            compiled, path = _compiled(area, language), area.mo_path(language)
            if not path.exists() or path.read_bytes() != compiled:
                path.write_bytes(compiled)
                written.append(path)
    return written


def _key(message):
    return (message.context, message.id if isinstance(message.id, str) else message.id[0])


def _order(key):
    return key[1], key[0] or ""


def problems(areas=AREAS):
    """Every way the catalogs fall short, as lines a person can act on (empty when complete)."""
    found = []
    translations = {}
    for area in areas:
        wanted = {_key(m): m for m in source_catalog(area) if m.id}
        for language in LANGUAGES:
            catalog = read_catalog(area, language)
            name = f"{area.po_path(language).relative_to(settings.BASE_DIR)}"
            have = {_key(m): m for m in catalog if m.id}
            for key in sorted(set(wanted) - set(have), key=_order):
                found.append(f"{name}: missing {key[1]!r} (run `python manage.py catalogs extract`)")
            for key in sorted(set(have) - set(wanted), key=_order):
                found.append(f"{name}: obsolete {key[1]!r} (no longer in the sources)")
            for key, message in sorted(have.items(), key=lambda item: _order(item[0])):
                strings = message.string if isinstance(message.string, tuple) else (message.string,)
                if message.fuzzy:
                    found.append(f"{name}: fuzzy {key[1]!r}")
                elif not all(strings):
                    found.append(f"{name}: untranslated {key[1]!r}")
                else:
                    for error in _placeholder_errors(catalog, message):
                        found.append(f"{name}: {key[1]!r}: {error}")
                    other = translations.setdefault((language, key), (name, message.string))
                    if other[1] != message.string:
                        found.append(f"{name}: {key[1]!r} is translated otherwise in {other[0]}")
            found += _stale_mo(area, language, name)
    return found


def _placeholder_errors(catalog, message):
    errors = []
    for check in (checkers.python_format,):
        try:
            check(catalog, message)
        except Exception as error:  # noqa: BLE001 - Babel's TranslationError and its kin: report, don't stop
            errors.append(str(error))
    return errors


def _compiled(area, language) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, read_catalog(area, language))
    return buffer.getvalue()


def _stale_mo(area, language, name):
    if not area.po_path(language).exists():
        return []
    mo = area.mo_path(language)
    if not mo.exists():
        return [f"{name}: not compiled (run `python manage.py catalogs compile`, as make does)"]
    if mo.read_bytes() != _compiled(area, language):
        return [f"{name}: the .mo is out of date with its .po (run `catalogs compile`)"]
    return []
