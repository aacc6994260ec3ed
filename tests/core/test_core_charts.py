"""Bar charts as SVG: well-formed, labels escaped, nothing active, n/a never drawn as 0."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from desktop.core.charts import Chart, counts_chart

SVG = "{http://www.w3.org/2000/svg}"


def parse(chart: Chart) -> ET.Element:
    return ET.fromstring(chart.svg())


def bars(root: ET.Element) -> list[float]:
    return [float(r.get("width", 0)) for r in root.iter(f"{SVG}rect")
            if r.get("fill") not in ("white", "#999") and r.get("height") == "14"]


def test_counts_draw_one_bar_per_series_and_row_in_proportion():
    chart = counts_chart("Tags per analyst", {"evidence": {"ann": 10, "bob": 5},
                                              "opinion": {"ann": 2}}, ["ann", "bob"],
                         unit="passages")
    root = parse(chart)
    widths = bars(root)
    assert len(widths) == 4
    assert abs(widths[0] / widths[1] - 2) < 0.05  # 10 against 5
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "Tags per analyst" in texts and "evidence" in texts and "ann" in texts
    assert "0 … 10 passages" in texts


def test_labels_are_escaped_and_nothing_is_active():
    evil = "<script>alert(1)</script> & <a href='x'>y</a>"
    chart = Chart("Agreement & more", (evil,), ((evil, (0.5,)),), lowest=-1.0, highest=1.0)
    svg = chart.svg()
    root = ET.fromstring(svg)  # well-formed whatever the names
    assert not list(root.iter(f"{SVG}script")) and not list(root.iter(f"{SVG}a"))
    assert "<script>" not in svg and "<a href" not in svg
    assert "&lt;script&gt;alert(1)" in svg
    assert any(t.text and t.text.startswith("<script>alert(1)")
               for t in root.iter(f"{SVG}text"))  # read back as the text it was


def test_a_value_that_could_not_be_computed_is_not_a_zero_bar():
    chart = Chart("Cohen's kappa by tag", ("kappa",),
                  (("evidence", (0.4,)), ("opinion", (None,))),
                  lowest=-1.0, highest=1.0, notes={"opinion": "n/a: nobody used this tag"})
    root = parse(chart)
    assert len(bars(root)) == 1
    assert "n/a: nobody used this tag" in [t.text for t in root.iter(f"{SVG}text")]


def test_negative_values_extend_left_of_the_zero_line():
    chart = Chart("Kappa", ("k",), (("a", (-0.5,)), ("b", (0.5,))), lowest=-1.0, highest=1.0)
    root = parse(chart)
    rects = [r for r in root.iter(f"{SVG}rect") if r.get("height") == "14"]
    zero = float(next(root.iter(f"{SVG}line")).get("x1"))
    assert float(rects[0].get("x")) < zero <= float(rects[1].get("x")) + 0.5


def test_an_empty_chart_says_so():
    root = parse(Chart("Disagreements per article", ("units",), ()))
    assert "nothing to show" in [t.text for t in root.iter(f"{SVG}text")]
