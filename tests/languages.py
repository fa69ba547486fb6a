"""Finding text in the wrong language on a rendered page.

What a person reads on a page is its text nodes (scripts and styles aside; SVG charts included), the attributes
screen readers and tooltips show (title, aria-label, placeholder, alt) and the labels of buttons. An element
with its own `lang` (the language switcher's "Norsk bokmål" on an English page) is in that language, not the
page's, and is left out.

Two checks, each naming what it found:
- `untranslated(text, ...)`: a text of the English catalog whose Norwegian differs, shown in English on a
  Norwegian page (a msgid that was marked but not translated, or translated but not used). Msgids with
  placeholders are looked for by their literal parts.
- `foreign_words(...)`: words that belong to the other language's UI and never to this one's (for Norwegian
  pages, English function words such as "the" and "your"; for English pages, Norwegian ones such as "ikke"
  and "kundetid"). This catches text nobody marked for translation at all; the page's data must be in the
  page's language (the Norwegian walk uses the Norwegian demo organization).
"""

import re
from dataclasses import dataclass
from functools import cache
from html.parser import HTMLParser

from apps.core import catalogs

SHOWN_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt", "aria-description"}
BUTTON_TYPES = {"submit", "button", "reset"}
SKIPPED = {"script", "style", "template", "noscript"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

# Words of English UI text that are never Norwegian words (so never in Norwegian text). Words spelled alike in
# both (time, store, plan, team, region, status, filter, show) are left out.
ENGLISH_WORDS = frozenset(
    """the and your you with what this that from have has was were are will who which when where there their
    been into only than each every about after before they our yet not none nothing here log save delete edit
    cancel back next previous entries entry learned learning learnings leader leaders target targets hours
    minutes week weeks month months search download export sign out please customer customers visit visits
    stores today yesterday tomorrow open done dropped overdue planned missed cancelled settings members
    member invite invitation profile password email notifications reminder reminders theme themes action
    actions pilots results result scores regions location locations plans session sessions schedule calendar
    dashboard board executive chief staff other notes add new remove update created updated owner why how""".split()  # noqa: SIM905
)
# Words of Norwegian UI text that are never English words.
NORWEGIAN_WORDS = frozenset(
    """og ikke du deg din ditt dine er har med av på som det ved fra eller etter før hva hvem hvor når
    kundetid kundemøte logg lagre slett avbryt tilbake neste forrige oppføring oppføringer læring læringer
    tiltak mål minutter uke uker måned måneder søk kunde kunder besøk butikk butikker dag går planlagt avlyst
    innstillinger medlem medlemmer inviter invitasjon profil passord varsler påminnelse påminnelser temaer
    resultat resultater sted steder økt økter oversikt styret ledere stabssjef annet legg endre opprettet
    eier forfalt hvorfor hvordan""".split()  # noqa: SIM905 (a word list reads better as text)
)

_PLACEHOLDER = re.compile(r"%\([^)]*\)[sdfr]|%[sdfr]|\{[^}]*\}")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?", re.UNICODE)


@dataclass(frozen=True)
class Text:
    where: str  # "text", or the attribute it was read from
    value: str


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []
        self.stack = []  # (tag, skipped)

    def _skipping(self):
        return any(skipped for _, skipped in self.stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        skipped = tag in SKIPPED or (attrs.get("lang") not in (None, "") and tag != "html")
        if tag not in VOID:
            self.stack.append((tag, skipped))
        if skipped or self._skipping():
            return
        for name in SHOWN_ATTRIBUTES & attrs.keys():
            if attrs[name]:
                self.found.append(Text(name, attrs[name]))
        if tag == "input" and attrs.get("type") in BUTTON_TYPES and attrs.get("value"):
            self.found.append(Text("value", attrs["value"]))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.stack:
            self.stack.pop()

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data):
        if not self._skipping() and data.strip():
            self.found.append(Text("text", " ".join(data.split())))


def shown_texts(html):
    """Every text a person reads (or hears) on the page."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.found


@cache
def _translated_msgids(language="nb"):
    """(msgid, its literal parts) of every catalog entry whose translation is not the English text itself."""
    entries = []
    for area in catalogs.AREAS:
        for message in catalogs.read_catalog(area, language):
            if not message.id:
                continue
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            for msgid in ids:
                if msgid in strings:
                    continue
                parts = [p.strip(" .,:;()") for p in _PLACEHOLDER.split(msgid)]
                entries.append((msgid, tuple(p for p in parts if p)))
    return tuple(entries)


def _contains(text, part):
    return re.search(rf"(?<![\w]){re.escape(part)}(?![\w])", text) is not None


def untranslated(texts, language="nb"):
    """English catalog texts shown as they are on a page in `language`: [(msgid, where it was seen)]."""
    found = []
    for msgid, parts in _translated_msgids(language):
        for text in texts:
            whole = text.value.strip(" .,:;()")
            if not parts:
                continue
            if len(parts) == 1 and " " not in parts[0]:
                hit = whole == parts[0]  # one word: only a whole label counts ("Kind" but not "kindness")
            else:
                hit = any(len(p) >= 8 and " " in p and _contains(text.value, p) for p in parts)
            if hit:
                found.append((msgid, f"{text.where}: {text.value[:80]}"))
                break
    return found


# A time zone's name ("America/New York") is the same in every language: data, not UI text.
_ZONE_NAME = re.compile(r"^[A-Z][A-Za-z]+(?:/[A-Z][A-Za-z_ '-]+)+$")


def foreign_words(texts, language):
    """Words of the other language's UI on a page in `language`: [(word, where it was seen)]."""
    other = ENGLISH_WORDS if language == "nb" else NORWEGIAN_WORDS
    found = []
    for text in texts:
        if _ZONE_NAME.match(text.value):
            continue
        for word in _WORD.findall(text.value):
            if word.lower() in other:
                found.append((word, f"{text.where}: {text.value[:80]}"))
    return found
