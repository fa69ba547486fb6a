"""The Norwegian catalogs are complete and compiled, and the tool that keeps them finds what it should."""

from pathlib import Path

import pytest
from django.conf import settings

from apps.core import catalogs


def test_every_catalog_is_complete_and_compiled():
    assert catalogs.problems() == []


@pytest.fixture
def scratch_area(tmp_path, settings):
    """An app of its own under a scratch BASE_DIR: a template and a module with translatable text."""
    settings.BASE_DIR = tmp_path
    (tmp_path / "templates" / "scratch").mkdir(parents=True)
    (tmp_path / "apps" / "scratch").mkdir(parents=True)
    (tmp_path / "templates" / "scratch" / "page.html").write_text(
        '{% load i18n %}\n  <h1>{% translate "Log customer time" %}</h1>\n'
        "    {% blocktranslate count n=items|length %}One entry{% plural %}{{ n }} entries{% endblocktranslate %}\n"
        '  {% translate "May" context "month" %}\n'
    )
    (tmp_path / "apps" / "scratch" / "views.py").write_text(
        'from django.utils.translation import gettext_lazy as _\nLABEL = _("Saved %(name)s")\n'
    )
    return catalogs.Area("scratch", ("apps/scratch",), ("templates/scratch",))


def test_extract_finds_template_and_python_strings_with_plurals_and_contexts(scratch_area):
    found = {(m.context, m.id) for m in catalogs.source_catalog(scratch_area) if m.id}

    assert found == {
        (None, "Log customer time"),
        (None, ("One entry", "%(n)s entries")),
        ("month", "May"),
        (None, "Saved %(name)s"),
    }


def test_problems_name_each_untranslated_and_uncompiled_entry(scratch_area):
    catalogs.extract_all([scratch_area])

    assert catalogs.problems([scratch_area]) == [
        "apps/scratch/locale/nb/LC_MESSAGES/django.po: untranslated 'Log customer time'",
        "apps/scratch/locale/nb/LC_MESSAGES/django.po: untranslated 'May'",
        "apps/scratch/locale/nb/LC_MESSAGES/django.po: untranslated 'One entry'",
        "apps/scratch/locale/nb/LC_MESSAGES/django.po: untranslated 'Saved %(name)s'",
        "apps/scratch/locale/nb/LC_MESSAGES/django.po: not compiled "
        "(run `python manage.py catalogs compile`, as make does)",
    ]


def _translate(area, strings, *, fuzzy=()):
    catalog = catalogs.read_catalog(area, "nb")
    for message in catalog:
        key = message.id if isinstance(message.id, str) else message.id[0]
        if key in strings:
            message.string = strings[key]
            if key in fuzzy:
                message.flags.add("fuzzy")
    catalogs.write_catalog(area, "nb", catalog)


NORWEGIAN = {
    "Log customer time": "Logg kundetid",
    "One entry": ("Én oppføring", "%(n)s oppføringer"),
    "May": "mai",
    "Saved %(name)s": "Lagret %(name)s",
}


def test_a_translated_and_compiled_catalog_has_no_problems(scratch_area):
    catalogs.extract_all([scratch_area])
    _translate(scratch_area, NORWEGIAN)
    catalogs.compile_all([scratch_area])

    assert catalogs.problems([scratch_area]) == []


def test_fuzzy_entries_wrong_placeholders_and_a_stale_mo_are_problems(scratch_area):
    catalogs.extract_all([scratch_area])
    _translate(scratch_area, NORWEGIAN)
    catalogs.compile_all([scratch_area])
    _translate(
        scratch_area,
        {"Log customer time": "Logg tid", "Saved %(name)s": "Lagret %(navn)s"},
        fuzzy={"Log customer time"},
    )

    assert catalogs.problems([scratch_area]) == [
        "apps/scratch/locale/nb/LC_MESSAGES/django.po: fuzzy 'Log customer time'",
        "apps/scratch/locale/nb/LC_MESSAGES/django.po: 'Saved %(name)s': unknown named placeholder 'navn'",
        "apps/scratch/locale/nb/LC_MESSAGES/django.po: the .mo is out of date with its .po (run `catalogs compile`)",
    ]


def test_text_added_to_the_sources_is_missing_until_extracted_and_removed_text_is_obsolete(scratch_area):
    catalogs.extract_all([scratch_area])
    _translate(scratch_area, NORWEGIAN)
    catalogs.compile_all([scratch_area])
    page = Path(settings.BASE_DIR) / "templates" / "scratch" / "page.html"
    page.write_text(page.read_text().replace("Log customer time", "Log your time"))

    assert catalogs.problems([scratch_area]) == [
        "apps/scratch/locale/nb/LC_MESSAGES/django.po: missing 'Log your time' "
        "(run `python manage.py catalogs extract`)",
        "apps/scratch/locale/nb/LC_MESSAGES/django.po: obsolete 'Log customer time' (no longer in the sources)",
    ]
    assert catalogs.extract_all([scratch_area]) == {"scratch": (1, 1)}


def test_one_msgid_translated_two_ways_in_two_catalogs_is_a_problem(scratch_area, tmp_path):
    (tmp_path / "apps" / "other").mkdir()
    (tmp_path / "apps" / "other" / "forms.py").write_text(
        'from django.utils.translation import gettext as _\n_("Log customer time")\n'
    )
    other = catalogs.Area("other", ("apps/other",), ())
    catalogs.extract_all([scratch_area, other])
    _translate(scratch_area, NORWEGIAN)
    _translate(other, {"Log customer time": "Før kundetid"})
    catalogs.compile_all([scratch_area, other])

    assert catalogs.problems([scratch_area, other]) == [
        "apps/other/locale/nb/LC_MESSAGES/django.po: 'Log customer time' is translated otherwise in "
        "apps/scratch/locale/nb/LC_MESSAGES/django.po",
    ]


def test_every_catalog_comes_before_the_installed_apps_own(settings):
    assert [str(path) for path in settings.LOCALE_PATHS] == [str(area.locale_dir) for area in catalogs.AREAS]
