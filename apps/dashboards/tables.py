"""The tables every dashboard shows beside its charts, and exports as CSV and XLSX: one structure for all three,
so an export is exactly what the page shows."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    # How the value reads: "text", "int", "hours" (a number of hours, 1 decimal), "percent" (0..100, 0 decimals),
    # "number" (2 decimals at most), "date".
    kind: str = "text"


@dataclass(frozen=True)
class Link:
    """A value that clicks through to the entries behind it."""

    value: object
    href: str


@dataclass
class Table:
    name: str  # a slug: the HTML id
    title: str
    columns: list[Column]
    rows: list[list] = field(default_factory=list)  # values, or Link(value, href)
    # The XLSX sheet name (at most 31 characters, unique in its workbook): titles run longer, and a title cut to
    # fit reads as a fragment ("Hours per leader over the"). Without one, the title is shortened at a word.
    sheet: str = ""
    # What an empty table says instead of the generic "No data for this period." (e.g. "No blind spots.").
    empty: str = ""


def plain(value):
    """The value without its link (what an export writes)."""
    return value.value if isinstance(value, Link) else value
