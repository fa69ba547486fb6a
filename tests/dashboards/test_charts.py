"""The dashboards' SVG charts: well-formed, titled, scalable, safe under the CSP, and drawn to scale."""

import itertools
import xml.etree.ElementTree as ET

import pytest

from apps.dashboards import charts
from apps.dashboards.charts import funnel_chart, horizontal_bar_chart, nice_ticks, scatter_chart, stacked_bar_chart

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg):
    return ET.fromstring(str(svg))  # noqa: S314 - our own output, and parsing it proves it is well-formed


def marks(root, tag, css_class):
    return [e for e in root.iter(SVG + tag) if css_class in e.get("class", "").split()]


def texts(root):
    return [e.text for e in root.iter(SVG + "text")]


def tooltips(root):
    """The <title> of each bar or point (the chart's own title is the first <title>)."""
    return [e.text for e in root.iter(SVG + "title")][1:]


def hrefs(root):
    return [a.get("href") for a in root.iter(SVG + "a")]


def view_height(root):
    return float(root.get("viewBox").split()[3])


def f(element, attribute):
    return float(element.get(attribute))


def stacked(**kwargs):
    return stacked_bar_chart(
        title="Customer hours by month",
        description="Hours with customers per month, by kind of time.",
        **{"categories": ["Jan 26", "Feb 26"], "series": [("Visits", [4, 2]), ("Calls", [6, 0])], **kwargs},
    )


def horizontal(**kwargs):
    return horizontal_bar_chart(title="Hours per leader", description="Each leader's hours with customers.", **kwargs)


def scatter(points):
    return scatter_chart(
        title="Presence and NPS",
        description="Leader hours against NPS per location.",
        points=points,
        x_label="Leader hours",
        y_label="NPS",
    )


def funnel(steps, **kwargs):
    return funnel_chart(
        title="From learning to done", description="How learnings become results.", steps=steps, **kwargs
    )


EVERY_CHART = {
    "stacked": lambda: stacked(),
    "horizontal": lambda: horizontal(labels=["Ann", "Bo"], values=[3, 5], unit="h", links={0: "/e/?leader=1"}),
    "scatter": lambda: scatter([("Leeds", 12, 40), ("York", 3, -20)]),
    "funnel": lambda: funnel([("Learnings", 40), ("Actions", 10)]),
}
EMPTY_CHART = {
    "stacked": lambda: stacked(categories=[], series=[]),
    "stacked without series": lambda: stacked(series=[]),
    "horizontal": lambda: horizontal(labels=[], values=[]),
    "scatter": lambda: scatter([]),
    "scatter without any complete point": lambda: scatter([("Leeds", 12, None)]),
    "funnel": lambda: funnel([]),
}


# --- nice_ticks ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("max_value", "expected"),
    [
        (10, [0, 5, 10]),
        (12, [0, 5, 10, 15]),
        (7, [0, 2, 4, 6, 8]),
        (3, [0, 1, 2, 3]),
        (37, [0, 10, 20, 30, 40]),
        (100, [0, 50, 100]),
        (1234, [0, 500, 1000, 1500]),
        (1, [0, 0.5, 1]),
        (0.3, [0, 0.1, 0.2, 0.3]),
        (0, [0, 1, 2, 3, 4]),
        (-5, [0, 1, 2, 3, 4]),
    ],
)
def test_nice_ticks_are_round_and_reach_the_maximum(max_value, expected):
    assert nice_ticks(max_value) == expected


def test_nice_ticks_follow_count_and_min_value():
    assert nice_ticks(100, count=10) == [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]
    assert nice_ticks(100, min_value=-100) == [-100, -50, 0, 50, 100]
    assert nice_ticks(90, min_value=-10) == [-50, 0, 50, 100]


def test_nice_ticks_are_ints_when_whole():
    assert [type(t) for t in nice_ticks(40)] == [int] * 5


# --- every chart --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("build", EVERY_CHART.values(), ids=EVERY_CHART.keys())
def test_chart_is_titled_scalable_svg(build):
    root = parse(build())

    assert root.tag == SVG + "svg"
    assert root.get("width") == "100%"
    assert root.get("height") is None
    assert root.get("viewBox").split()[:3] == ["0", "0", "480"]
    # An image may hold nothing interactive: a chart whose marks are links is a group of those links.
    assert root.get("role") == ("group" if root.find(f".//{SVG}a") is not None else "img")
    title_id, desc_id = root.get("aria-labelledby").split()
    by_id = {e.get("id"): e for e in root.iter() if e.get("id")}
    assert by_id[title_id].tag == SVG + "title"
    assert by_id[desc_id].tag == SVG + "desc"
    assert by_id[title_id].text == root.find(SVG + "title").text
    assert texts(root)[0] == by_id[title_id].text  # the title is visible too


@pytest.mark.parametrize("build", [*EVERY_CHART.values(), *EMPTY_CHART.values()])
def test_chart_has_no_inline_style_or_script(build):
    root = parse(build())

    assert [e for e in root.iter() if "style" in e.attrib] == []
    assert [e.tag for e in root.iter() if e.tag in (SVG + "style", SVG + "script")] == []


@pytest.mark.parametrize("build", EVERY_CHART.values(), ids=EVERY_CHART.keys())
def test_chart_text_reads_at_least_11_px_on_a_360_px_screen(build):
    root = parse(build())
    scale = 360 / float(root.get("viewBox").split()[2])

    sizes = [float(e.get("font-size")) for e in root.iter() if e.get("font-size")]

    assert float(root.get("font-size")) * scale >= 11
    assert min(sizes) * scale >= 11


def test_ids_are_stable_and_differ_between_charts():
    first, again, other = parse(stacked()), parse(stacked()), parse(stacked(categories=["Mar 26", "Apr 26"]))

    assert first.get("aria-labelledby") == again.get("aria-labelledby")
    assert first.get("aria-labelledby") != other.get("aria-labelledby")


@pytest.mark.parametrize("build", EMPTY_CHART.values(), ids=EMPTY_CHART.keys())
def test_empty_data_renders_a_titled_no_data_chart(build):
    root = parse(build())

    assert root.find(SVG + "title").text in texts(root)
    assert "No data" in texts(root)
    assert marks(root, "rect", "chart-bar") == []
    assert marks(root, "circle", "chart-point") == []


def test_text_is_escaped():
    svg = str(horizontal(labels=["<script>alert('x')</script>"], values=[1], links={0: "/e/?a=1&b=<2>"}))
    root = parse(svg)

    assert "<script" not in svg
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in svg
    assert texts(root)[1] == "<script>alert('x')</script>"
    assert hrefs(root) == ["/e/?a=1&b=<2>"]


def test_control_characters_and_newlines_do_not_break_the_xml():
    root = parse(horizontal(labels=["Ann\x00\x0b\nLee"], values=[1]))

    assert texts(root)[1] == "Ann Lee"


# --- stacked bars -------------------------------------------------------------------------------------------------


def test_stacked_bars_are_proportional_and_stacked():
    # Totals 10 and 2: the axis runs 0, 5, 10 over 200 units, so 1 h is 20 units.
    root = parse(stacked())
    bars = marks(root, "rect", "chart-bar")

    assert [f(b, "height") for b in bars] == [80, 120, 40]  # Jan visits, Jan calls, Feb visits; Feb calls is 0
    jan_visits, jan_calls, feb_visits = bars
    assert f(jan_calls, "y") + f(jan_calls, "height") == f(jan_visits, "y")
    assert f(jan_visits, "y") + f(jan_visits, "height") == f(feb_visits, "y") + f(feb_visits, "height")
    assert [b.get("fill") for b in bars] == ["#0072B2", "#E69F00", "#0072B2"]
    assert tooltips(root) == ["Jan 26 · Visits: 4 h", "Jan 26 · Calls: 6 h", "Feb 26 · Visits: 2 h"]


def test_stacked_axis_has_nice_ticks_with_unit_and_totals():
    root = parse(stacked())

    assert texts(root)[1:4] == ["0 h", "5 h", "10 h"]
    assert [t for t in texts(root) if t in ("10", "2")] == ["10", "2"]


def test_stacked_legend_names_every_series_with_its_colour():
    root = parse(stacked())

    swatches = marks(root, "rect", "chart-swatch")

    assert [s.get("fill") for s in swatches] == ["#0072B2", "#E69F00"]
    assert texts(root)[-2:] == ["Visits", "Calls"]


def test_stacked_links_by_category_and_series():
    links = {(0, 0): "/entries/?month=2026-01&kind=visit", (1, 0): "/entries/?month=2026-02&kind=visit"}

    root = parse(stacked(links=links))

    assert hrefs(root) == ["/entries/?month=2026-01&kind=visit", "/entries/?month=2026-02&kind=visit"]
    linked = root.find(SVG + "a")
    assert [child.tag for child in linked] == [SVG + "title", SVG + "rect"]
    assert linked.find(SVG + "title").text == "Jan 26 · Visits: 4 h"


def test_stacked_links_from_a_function():
    root = parse(stacked(links=lambda month, kind: f"/entries/?m={month}&k={kind}"))

    assert hrefs(root) == ["/entries/?m=0&k=0", "/entries/?m=0&k=1", "/entries/?m=1&k=0"]


def test_stacked_one_category_and_all_zero():
    root = parse(stacked(categories=["Jan 26"], series=[("Visits", [0]), ("Calls", [0])]))

    assert marks(root, "rect", "chart-bar") == []
    assert texts(root)[1:6] == ["0 h", "1 h", "2 h", "3 h", "4 h"]
    assert "Jan 26" in texts(root)


def test_stacked_24_months_turn_their_labels_upright_and_show_every_other():
    months = [f"M{i:02d} 26" for i in range(24)]

    root = parse(stacked(categories=months, series=[("Visits", list(range(24)))]))

    assert len(marks(root, "rect", "chart-bar")) == 23  # the first month is 0
    upright = [e.text for e in root.iter(SVG + "text") if (e.get("transform") or "").startswith("rotate(-90")]
    assert upright == months[::2]


def test_stacked_long_category_label_is_truncated():
    long_name = "A very long category name that cannot fit"

    root = parse(stacked(categories=[long_name, "B", "C", "D", "E", "F"], series=[("Visits", [1] * 6)]))

    label = next(t for t in texts(root) if t.startswith("A very"))
    assert label.endswith("…")
    assert long_name.startswith(label[:-1])
    assert tooltips(root)[0] == f"{long_name} · Visits: 1 h"


def test_stacked_series_length_must_match_categories():
    with pytest.raises(ValueError, match="has 1 values for 2 categories"):
        stacked(series=[("Visits", [1])])


# --- horizontal bars ----------------------------------------------------------------------------------------------


def test_horizontal_bars_are_proportional_with_values_at_their_end():
    root = parse(horizontal(labels=["Ann", "Bo", "Cy"], values=[10, 5, 0], unit="h"))
    bars = marks(root, "rect", "chart-bar")

    assert len(bars) == 2  # Cy's 0 draws no bar
    assert f(bars[1], "width") * 2 == f(bars[0], "width")
    assert f(bars[0], "x") == f(bars[1], "x")
    assert [t for t in texts(root) if t.endswith(" h")] == ["10 h", "5 h", "0 h"]
    assert tooltips(root) == ["Ann: 10 h", "Bo: 5 h", "Cy: 0 h"]
    value_text = next(e for e in root.iter(SVG + "text") if e.text == "10 h")
    assert f(value_text, "x") == f(bars[0], "x") + f(bars[0], "width") + 6


def test_horizontal_max_value_fixes_the_scale():
    root = parse(horizontal(labels=["Ann", "Bo"], values=[100, 25], unit="%", max_value=100))
    full, quarter = marks(root, "rect", "chart-bar")

    assert f(quarter, "width") * 4 == f(full, "width")
    assert [t for t in texts(root) if t.endswith("%")] == ["100%", "25%"]


def test_horizontal_height_grows_one_row_per_label():
    def chart(n):
        return parse(horizontal(labels=[f"Leader {i}" for i in range(n)], values=list(range(1, n + 1))))

    few, many = chart(4), chart(40)

    assert view_height(many) - view_height(few) == 36 * charts.BAR_ROW
    ys = [f(b, "y") for b in marks(many, "rect", "chart-bar")]
    assert len(ys) == 40
    assert {b - a for a, b in itertools.pairwise(ys)} == {charts.BAR_ROW}


def test_horizontal_long_label_is_truncated_and_kept_whole_in_the_tooltip():
    label = "x" * 100

    root = parse(horizontal(labels=[label], values=[3]))

    assert texts(root)[1] == "x" * 49 + "…"
    assert tooltips(root) == [f"{label}: 3"]


def test_horizontal_secondary_draws_a_marker_per_bar_with_a_legend():
    root = parse(horizontal(labels=["Ann", "Bo"], values=[5, 10], unit="h", secondary=("Target", [10, None])))
    markers = marks(root, "line", "chart-marker")
    bars = marks(root, "rect", "chart-bar")

    assert len(markers) == 1
    assert f(markers[0], "x1") == f(bars[1], "x") + f(bars[1], "width")  # Ann's target is Bo's hours
    assert "Target" in texts(root)
    assert tooltips(root) == ["Ann: 5 h (Target: 10 h)", "Bo: 10 h"]


def test_horizontal_links_wrap_each_row():
    root = parse(horizontal(labels=["Ann", "Bo"], values=[1, 2], links=lambda i: f"/entries/?leader={i}"))

    assert hrefs(root) == ["/entries/?leader=0", "/entries/?leader=1"]
    assert [len(marks(a, "rect", "chart-bar")) for a in root.iter(SVG + "a")] == [1, 1]


def test_horizontal_missing_value_prints_a_dash():
    root = parse(horizontal(labels=["Never visited"], values=[None], unit="days"))

    assert marks(root, "rect", "chart-bar") == []
    assert tooltips(root) == ["Never visited: –"]


# --- scatter ------------------------------------------------------------------------------------------------------


def test_scatter_places_points_on_the_axes_including_negative_y():
    root = parse(scatter([("Zero", 0, 0), ("Top", 10, 100), ("Bottom", 5, -100)]))
    zero, top, bottom = marks(root, "circle", "chart-point")

    assert len(marks(root, "circle", "chart-point")) == 3
    assert f(bottom, "cx") == (f(zero, "cx") + f(top, "cx")) / 2
    assert f(zero, "cy") == (f(top, "cy") + f(bottom, "cy")) / 2  # y runs -100..100, so 0 is midway
    assert f(top, "cy") < f(zero, "cy") < f(bottom, "cy")
    assert texts(root)[1:] == ["NPS", "-100", "-50", "0", "50", "100", "0", "5", "10", "Leader hours"]
    assert tooltips(root) == [
        "Zero: Leader hours 0, NPS 0",
        "Top: Leader hours 10, NPS 100",
        "Bottom: Leader hours 5, NPS -100",
    ]


def test_scatter_links_by_point_index_and_skips_incomplete_points():
    root = scatter_chart(
        title="t",
        description="d",
        points=[("Leeds", 1, 2), ("York", None, 3), ("Hull", 2, 1)],
        x_label="x",
        y_label="y",
        links={0: "/l/1", 2: "/l/3"},
    )

    root = parse(root)

    assert len(marks(root, "circle", "chart-point")) == 2
    assert hrefs(root) == ["/l/1", "/l/3"]


# --- funnel -------------------------------------------------------------------------------------------------------


def test_funnel_narrows_with_count_and_share_of_the_first_step():
    root = parse(funnel([("Learnings", 40), ("Actions", 20), ("Pilots", 10), ("Done", 0)]))
    bars = marks(root, "rect", "chart-bar")

    assert [f(b, "width") for b in bars] == [456, 228, 114]
    assert {f(b, "x") + f(b, "width") / 2 for b in bars} == {240}
    assert texts(root)[1:] == ["Learnings — 40 · 100%", "Actions — 20 · 50%", "Pilots — 10 · 25%", "Done — 0 · 0%"]
    assert tooltips(root)[1] == "Actions: 20 (50% of Learnings)"


def test_funnel_with_nothing_at_the_first_step_has_no_share():
    root = parse(funnel([("Learnings", 0), ("Actions", 0)]))

    assert marks(root, "rect", "chart-bar") == []
    assert texts(root)[1:] == ["Learnings — 0 · –", "Actions — 0 · –"]


def test_funnel_links_by_step():
    root = parse(funnel([("Learnings", 4), ("Actions", 2)], links={1: "/actions/"}))

    assert hrefs(root) == ["/actions/"]
    assert root.find(SVG + "a").find(SVG + "title").text == "Actions: 2 (50% of Learnings)"


def test_long_title_wraps_onto_a_second_line_and_moves_the_chart_down():
    title = "Longest without a visit (3 not visited for 90 days) in the North region"
    short = parse(horizontal_bar_chart(title="Short", description="d", labels=["A"], values=[1]))
    root = parse(horizontal_bar_chart(title=title, description="d", labels=["A"], values=[1]))

    first, second = texts(root)[:2]
    assert f"{first} {second}" == title
    assert float(root.get("viewBox").split()[3]) == float(short.get("viewBox").split()[3]) + 22
