"""Server-rendered SVG charts for the dashboards: pure functions from numbers to a safe SVG string.

No JavaScript and no inline styles (the Content-Security-Policy blocks both): colours and sizes are SVG presentation
attributes, and the hover/focus cues are classes in static/css/gemba.css ("dashboards: charts"). Every chart is
drawn on a viewBox 480 units wide and scales with `width="100%"`; at 360 px the 15-unit text is 11.25 px.
The numbers also go in a table beside the chart (tables.py), which is what screen readers and exports use.

Text a person reads (tick labels, totals, values, tooltips, "No data") is in the active language: "12,5 t" in
Norwegian. Coordinates and sizes are always dot-decimal (`_n`), whatever the language.
"""

import hashlib
import html
import math
import re
import textwrap
from collections.abc import Callable, Mapping
from decimal import Decimal

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, pgettext

from apps.core import formatting

WIDTH = 480
PAD = 12
FONT = 15  # the smallest text: 480 units shown at 360 px make it 11.25 px
TITLE_FONT = 17
TOP = 44  # below the visible title
TITLE_LINE = 22  # a second line of a long title
LINE = 22  # one line of legend
PLOT_HEIGHT = 200  # vertical bars
SCATTER_HEIGHT = 240
BAR_ROW = 48  # one label of a horizontal bar chart: label line, bar, gap
FUNNEL_ROW = 54
CHAR_WIDTH = 0.6  # average glyph width per unit of font size; generous for sans-serif so text rarely overflows

# Okabe–Ito: distinguishable with the common colour-vision deficiencies. Ordered so that neighbours in a stack
# contrast; yellow (weak on white) comes last but one.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
TEXT = "#1b2a30"
MUTED = "#4a5a60"
GRID = "#dde3e5"

Links = Callable[..., str | None] | Mapping | None


def nice_ticks(max_value, count=4, *, min_value=0):
    """Round axis values from min_value (usually 0) up to at least max_value: about `count` steps, each step
    1, 2 or 5 times a power of 10.

    With min_value 0 and count 4 this gives 3 to 5 ticks: nice_ticks(10) == [0, 5, 10].
    """
    if max_value <= min_value:
        max_value = min_value + count  # nothing to scale: steps of 1 still draw a readable axis
    raw_step = (max_value - min_value) / count
    magnitude = 10 ** math.floor(math.log10(raw_step))
    # The tolerances keep float noise (0.30000000000000004) from adding a whole extra step.
    step = next(n * magnitude for n in (1, 2, 5, 10) if n * magnitude >= raw_step * (1 - 1e-9))
    first = math.floor(min_value / step + 1e-9)
    last = math.ceil(max_value / step - 1e-9)
    return [_tidy(i * step) for i in range(first, last + 1)]


def stacked_bar_chart(*, title, description, categories, series, unit="h", links: Links = None) -> SafeString:
    """Vertical bars, one per category, stacked from the series (`[(name, values)]`, one value per category).

    `links` maps (category index, series index) to the href of the entries behind that segment.
    """
    categories = [_clean(c) for c in categories]
    series = [(_clean(name), [_number(v) for v in values]) for name, values in series]
    if not categories or not series:
        return _empty_chart(title, description)
    for name, values in series:
        if len(values) != len(categories):
            raise ValueError(f"Series {name!r} has {len(values)} values for {len(categories)} categories.")

    totals = [sum(max(values[i], 0) for _, values in series) for i in range(len(categories))]
    ticks = nice_ticks(max(totals))
    tick_labels = [_with_unit(t, unit) for t in ticks]
    left = PAD + max(_text_width(t) for t in tick_labels) + 6
    right = WIDTH - PAD
    slot = (right - left) / len(categories)
    bar_width = min(slot * 0.7, 56)
    plot_top = TOP + FONT + 6  # room for the total over the tallest bar
    base = plot_top + PLOT_HEIGHT
    scale = PLOT_HEIGHT / ticks[-1]
    parts = []

    for tick, label in zip(ticks, tick_labels, strict=True):
        y = base - tick * scale
        parts.append(_line(left, y, right, y, MUTED if tick == 0 else GRID))
        parts.append(_text(left - 6, y + 5, label, anchor="end", fill=MUTED))

    # Category labels: level when they fit, else shortened, else turned upright (and thinned when even that
    # crowds) so that 24 months still read at 360 px.
    fit_chars = int((slot - 4) // (FONT * CHAR_WIDTH))
    longest = max(len(c) for c in categories)
    upright = longest > fit_chars and fit_chars < 8
    if upright:
        shown = [_truncate(c, 12) for c in categories]
        every = math.ceil(FONT * 1.2 / slot)
        label_height = max(_text_width(s) for s in shown) + 10
    else:
        shown = [_truncate(c, fit_chars) for c in categories]
        every = 1
        label_height = FONT + 10

    show_totals = max(_text_width(_format(t)) for t in totals) <= slot
    for i, category in enumerate(categories):
        center = left + slot * (i + 0.5)
        y = base
        for j, (name, values) in enumerate(series):
            value = values[i]
            if value <= 0:
                continue
            height = value * scale
            y -= height
            rect = _rect(center - bar_width / 2, y, bar_width, height, PALETTE[j % len(PALETTE)], "chart-bar")
            tip = f"{category} · {name}: {_with_unit(value, unit)}"
            parts.append(_mark(rect, tip, _href(links, i, j)))
        if show_totals:
            parts.append(_text(center, y - 5, _format(totals[i]), anchor="middle"))
        if i % every == 0:
            if upright:
                x, y = center + FONT * 0.35, base + 6  # the glyphs sit left of the rotated baseline
                parts.append(_text(x, y, shown[i], anchor="end", fill=MUTED, rotate=True))
            else:
                parts.append(_text(center, base + FONT + 4, shown[i], anchor="middle", fill=MUTED))

    legend, legend_height = _legend(
        [(name, PALETTE[j % len(PALETTE)]) for j, (name, _) in enumerate(series)], top=base + label_height
    )
    parts.append(legend)
    return _svg(title, description, base + label_height + legend_height + PAD, parts)


def horizontal_bar_chart(
    *, title, description, labels, values, unit="", links: Links = None, max_value=None, secondary=None
) -> SafeString:
    """One bar per label, label above its bar and the value at its end; the chart grows a row per label.

    `max_value` fixes the scale (e.g. 100 for percentages); `secondary` is `(name, values)` drawn as a marker per
    bar (e.g. the target), a value of None drawing none. `links` maps the label index to an href.
    """
    labels = [_clean(label) for label in labels]
    values = [_number_or_none(v) for v in values]
    if not labels:
        return _empty_chart(title, description)
    marker_name, markers = secondary if secondary else ("", [None] * len(labels))
    markers = [_number_or_none(v) for v in markers]
    if len(values) != len(labels) or len(markers) != len(labels):
        raise ValueError(f"{len(labels)} labels need as many values (and secondary values).")

    value_texts = ["–" if v is None else _with_unit(v, unit) for v in values]
    known = [v for v in values + markers if v is not None]
    top = max_value or max(known, default=0)
    if top <= 0:
        top = 1
    full = WIDTH - 2 * PAD - max(_text_width(t) for t in value_texts) - 8
    scale = full / top
    label_chars = int((WIDTH - 2 * PAD) // (FONT * CHAR_WIDTH))
    parts = []
    y = TOP
    if secondary:
        legend, legend_height = _legend([(_clean(marker_name), None)], top=TOP)
        parts.append(legend)
        y += legend_height

    for i, (label, value, marker) in enumerate(zip(labels, values, markers, strict=True)):
        bar_y = y + FONT + 5
        bar_end = PAD + _clamp(value or 0, top) * scale
        row = [
            _rect(0, y, WIDTH, BAR_ROW - 4, "#ffffff", "chart-hit", opacity=0),  # the whole row is the tap target
            _text(PAD, y + FONT, _truncate(label, label_chars)),
        ]
        if bar_end > PAD:
            row.append(_rect(PAD, bar_y, bar_end - PAD, 16, PALETTE[0], "chart-bar"))
        tip = f"{label}: {value_texts[i]}"
        text_x = bar_end
        if marker is not None:
            marker_x = PAD + _clamp(marker, top) * scale
            row.append(_line(marker_x, bar_y - 4, marker_x, bar_y + 20, TEXT, width=3, css_class="chart-marker"))
            tip += f" ({_clean(marker_name)}: {_with_unit(marker, unit)})"
            text_x = max(bar_end, marker_x + 2)
        row.append(_text(text_x + 6, bar_y + 13, value_texts[i]))
        parts.append(_mark("".join(row), tip, _href(links, i)))
        y += BAR_ROW

    return _svg(title, description, y + PAD, parts)


def scatter_chart(*, title, description, points, x_label, y_label, links: Links = None) -> SafeString:
    """Points `(label, x, y)`, e.g. a location's hours of leader presence against its NPS (which may be negative).

    Both axes include 0; a point with a missing x or y is left out. `links` maps the point's index to an href.
    """
    kept = [(i, _clean(label), x, y) for i, (label, x, y) in enumerate(points) if x is not None and y is not None]
    if not kept:
        return _empty_chart(title, description)
    x_label, y_label = _clean(x_label), _clean(y_label)
    xs = [float(x) for _, _, x, _ in kept]
    ys = [float(y) for _, _, _, y in kept]
    x_ticks = nice_ticks(max(0, *xs), min_value=min(0, *xs))
    y_ticks = nice_ticks(max(0, *ys), min_value=min(0, *ys))

    left = PAD + max(_text_width(_format(t)) for t in y_ticks) + 6
    right = WIDTH - PAD - _text_width(_format(x_ticks[-1])) / 2  # the last x tick label is centred on the edge
    plot_top = TOP + FONT + 14  # the y axis label sits above the axis, level, so it reads at 360 px
    base = plot_top + SCATTER_HEIGHT

    def sx(value):
        return left + (value - x_ticks[0]) / (x_ticks[-1] - x_ticks[0]) * (right - left)

    def sy(value):
        return base - (value - y_ticks[0]) / (y_ticks[-1] - y_ticks[0]) * SCATTER_HEIGHT

    parts = [_text(PAD, TOP + FONT, _truncate(y_label, 48), fill=MUTED)]
    for tick in y_ticks:
        parts.append(_line(left, sy(tick), right, sy(tick), MUTED if tick == 0 else GRID))
        parts.append(_text(left - 6, sy(tick) + 5, _format(tick), anchor="end", fill=MUTED))
    for tick in x_ticks:
        parts.append(_line(sx(tick), plot_top, sx(tick), base, MUTED if tick == 0 else GRID))
        parts.append(_text(sx(tick), base + FONT + 6, _format(tick), anchor="middle", fill=MUTED))
    x_label_y = base + 2 * FONT + 14
    parts.append(_text((left + right) / 2, x_label_y, _truncate(x_label, 48), anchor="middle", fill=MUTED))

    for (index, label, _, _), x, y in zip(kept, xs, ys, strict=True):
        center = f'cx="{_n(sx(x))}" cy="{_n(sy(y))}"'
        dot = (
            f'<circle class="chart-hit" {center} r="16" fill="#ffffff" fill-opacity="0"/>'
            f'<circle class="chart-point" {center} r="7" fill="{PALETTE[0]}" '
            'fill-opacity="0.85" stroke="#ffffff" stroke-width="1.5"/>'
        )
        tip = gettext("%(point)s: %(x_label)s %(x)s, %(y_label)s %(y)s") % {
            "point": label,
            "x_label": x_label,
            "x": _format(x),
            "y_label": y_label,
            "y": _format(y),
        }
        parts.append(_mark(dot, tip, _href(links, index)))

    return _svg(title, description, x_label_y + PAD, parts)


def funnel_chart(*, title, description, steps, links: Links = None) -> SafeString:
    """Steps `(label, count)` such as learnings → actions → pilots → done: centred bars, each with its count and
    its share of the first step. `links` maps the step index to an href."""
    steps = [(_clean(label), max(_number(count), 0)) for label, count in steps]
    if not steps:
        return _empty_chart(title, description)
    first_label, first = steps[0]
    widest = max(count for _, count in steps) or 1
    full = WIDTH - 2 * PAD
    label_chars = int(full // (FONT * CHAR_WIDTH))
    parts = []
    y = TOP
    for i, (label, count) in enumerate(steps):
        share = _percent(round(count / first * 100)) if first else "–"
        numbers = f"{_format(count)} · {share}"
        width = count / widest * full
        row = [
            _rect(0, y, WIDTH, FUNNEL_ROW - 4, "#ffffff", "chart-hit", opacity=0),
            _text(
                WIDTH / 2, y + FONT, f"{_truncate(label, label_chars - len(numbers) - 3)} — {numbers}", anchor="middle"
            ),
        ]
        if width > 0:
            row.append(_rect((WIDTH - width) / 2, y + FONT + 6, width, 26, PALETTE[0], "chart-bar"))
        tip = gettext("%(step)s: %(count)s (%(share)s of %(first)s)") % {
            "step": label,
            "count": _format(count),
            "share": share,
            "first": first_label,
        }
        parts.append(_mark("".join(row), tip, _href(links, i)))
        y += FUNNEL_ROW
    return _svg(title, description, y + PAD, parts)


# --- Building blocks ---------------------------------------------------------------------------------------------


def _svg(title, description, height, parts) -> SafeString:
    body = "".join(parts)
    # Ids must be unique on the page and stable between renders: derive them from what the chart shows.
    digest = hashlib.sha256(f"{title}\n{description}\n{body}".encode()).hexdigest()[:10]
    chart_id = f"chart-{digest}"
    title, description = _clean(title), _clean(description)
    # A chart whose marks are links is a group of them (an image may not hold anything interactive).
    role = "group" if "<a " in body else "img"
    # A long title wraps onto a second line (and only then is cut), pushing the chart down by that line.
    max_chars = int((WIDTH - 2 * PAD) // (TITLE_FONT * CHAR_WIDTH))
    lines = textwrap.wrap(title, max_chars, break_long_words=True) or [""]
    lines = lines[:1] + ([_truncate(" ".join(lines[1:]), max_chars)] if len(lines) > 1 else [])
    extra = (len(lines) - 1) * TITLE_LINE
    visible_title = "".join(
        f'<text x="{PAD}" y="{PAD + TITLE_FONT + i * TITLE_LINE}" font-size="{TITLE_FONT}" font-weight="600" '
        f'fill="{TEXT}">{escape(line)}</text>'
        for i, line in enumerate(lines)
    )
    if extra:
        body = f'<g transform="translate(0 {extra})">{body}</g>'
    # Safe because every piece of text in it went through escape().
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {_n(height + extra)}" '
        f'width="100%" role="{role}" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif" font-size="{FONT}">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>'
        f"{visible_title}{body}</svg>"
    )


def _empty_chart(title, description) -> SafeString:
    return _svg(
        title, description, TOP + 56, [_text(WIDTH / 2, TOP + 30, gettext("No data"), anchor="middle", fill=MUTED)]
    )


def _legend(items, *, top):
    """Swatches (or a marker line when the colour is None) with names, wrapped onto as many lines as needed."""
    parts = []
    x, y = PAD, top
    for name, color in items:
        name = _truncate(name, 28)
        width = 14 + 6 + _text_width(name) + 16
        if x + width > WIDTH - PAD and x > PAD:
            x, y = PAD, y + LINE
        if color:
            parts.append(_rect(x, y + 3, 14, 14, color, "chart-swatch"))
        else:
            parts.append(_line(x + 7, y + 1, x + 7, y + 19, TEXT, width=3, css_class="chart-swatch"))
        parts.append(_text(x + 20, y + 15, name))
        x += width
    return "".join(parts), y - top + LINE


def _mark(body, tooltip, href):
    """A bar or point with its exact number as tooltip (and accessible name), inside a link when there is one."""
    title = f"<title>{escape(tooltip)}</title>"
    if href:
        return f'<a href="{escape(href)}" class="chart-link">{title}{body}</a>'
    return f"<g>{title}{body}</g>"


def _href(links, *key):
    if links is None:
        return None
    if callable(links):
        return links(*key)
    return links.get(key[0] if len(key) == 1 else key)


def _rect(x, y, width, height, fill, css_class, opacity=None):
    extra = f' fill-opacity="{opacity}"' if opacity is not None else ""
    stroke = ' stroke="#ffffff" stroke-width="1"' if css_class == "chart-bar" else ""  # parts of a stack stay apart
    return (
        f'<rect class="{css_class}" x="{_n(x)}" y="{_n(y)}" width="{_n(width)}" height="{_n(height)}" '
        f'fill="{fill}"{extra}{stroke}/>'
    )


def _line(x1, y1, x2, y2, color, width=1, css_class=None):
    css = f' class="{css_class}"' if css_class else ""
    return (
        f'<line{css} x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}" stroke="{color}" stroke-width="{width}"/>'
    )


def _text(x, y, text, *, anchor="start", fill=TEXT, rotate=False):
    turn = f' transform="rotate(-90 {_n(x)} {_n(y)})"' if rotate else ""
    return f'<text x="{_n(x)}" y="{_n(y)}" text-anchor="{anchor}" fill="{fill}"{turn}>{escape(text)}</text>'


def escape(text):
    """Django's `escape` without its lazy-string check per call: a chart escapes every label and tooltip, a few
    hundred on the board."""
    return html.escape(str(text))


def _clean(text):
    """One line of printable text: XML forbids most control characters, and a newline would not show anyway."""
    return " ".join(re.sub(r"[\x00-\x1f\x7f]", " ", str(text)).split())


def _truncate(text, max_chars):
    max_chars = max(max_chars, 2)
    return text if len(text) <= max_chars else text[: max_chars - 1].rstrip() + "…"


def _text_width(text, size=FONT):
    return len(text) * size * CHAR_WIDTH


def _number(value):
    return float(value) if value is not None else 0.0


def _number_or_none(value):
    return float(value) if value is not None else None


def _clamp(value, top):
    return min(max(value, 0), top)


def _tidy(value):
    value = round(value, 10)
    return int(value) if value == int(value) else value


def _plain(value):
    """A number in dot-decimal, no trailing zeros, at most 2 decimals: what coordinates and sizes are written in."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _format(value):
    """A number as people read it, in the active language: no trailing zeros, at most 2 decimals ("12,5" in
    Norwegian, "12.5" in English)."""
    text = _plain(value)
    decimals = len(text.partition(".")[2])
    return formatting.number(Decimal(text), decimals or None)


def _percent(value):
    return pgettext("a share in a chart", "%(percent)s%%") % {"percent": _format(value)}


def _with_unit(value, unit):
    """The value with its unit's abbreviation in the active language: "12.5 h" / "12,5 t", "30 d" / "30 d"."""
    if unit == "h":
        return formatting.hours(Decimal(_plain(value)))
    if unit == "d":
        return pgettext("days, with the unit's abbreviation", "%(days)s d") % {"days": _format(value)}
    if unit == "%":
        return _percent(value)
    if not unit:
        return _format(value)
    return f"{_format(value)} {unit}"


_n = _plain  # coordinates print like numbers, but always dot-decimal: short, no trailing zeros
