"""The 学习进度 charts: pygal SVG, cut down to plain shapes and text so it can sit inline in the page.

The page's Content-Security-Policy allows no inline <style> or <script> (pygal emits both), so every
chart goes through clean_svg(): an allow-list of elements and attributes; colours and fonts come
from site.css (.chart …). Sizes are in SVG units and the chart is drawn for a phone-width box.
"""
from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from functools import lru_cache
from typing import Sequence

import pygal
from markupsafe import Markup

SVG_NS = "http://www.w3.org/2000/svg"
ELEMENTS = {"svg", "g", "rect", "path", "text", "tspan", "title", "line", "circle"}
ATTRIBUTES = {"x", "y", "width", "height", "rx", "ry", "d", "transform", "class", "viewBox", "text-anchor",
              "cx", "cy", "r", "x1", "x2", "y1", "y2"}
DROP_GROUPS = {"tooltip-overlay"}  # pygal's hover box: empty without its script
WIDTH = 340  # drawn for a phone; the CSS scales it to the box
LABEL_PX, VALUE_PX, LEGEND_PX = 14, 13, 14  # site.css uses the same sizes for .chart text
CJK_EXTRA = 0.45  # pygal sizes labels at 0.6 em a character; Chinese characters are 1 em wide
# Drawing is half the cost of the progress page, and a chart is a pure function of what it shows (whole
# percents, counts, labels): each is drawn once per worker for the same figures, kept in an LRU.
CHARTS_KEPT = 512


def percents(values: Sequence[float | None]) -> tuple[int | None, ...]:
    """Shares 0–1 as the whole percents a chart prints (None stays None)."""
    return tuple(None if v is None else round(100 * v) for v in values)


def _tag(el: ET.Element) -> str:
    return el.tag.rsplit("}", 1)[-1]


def clean_svg(svg: str, label: str, series_classes: dict[int, str] | None = None,
              values_after_bars: bool = False) -> Markup:
    """Keep only allowed elements and attributes; give the chart an accessible name; add classes to
    series by number (pygal's own per-series styles are inline, so they go). values_after_bars moves
    printed values of horizontal bars just past the bar's end, where a short bar leaves them readable."""
    root = ET.fromstring(svg)
    extra = {f"color-{n}": name for n, name in (series_classes or {}).items()}  # the series and its legend box
    if values_after_bars:
        for text in root.iter(f"{{{SVG_NS}}}text"):
            if "value" in (text.get("class") or "").split() and text.get("x"):
                text.set("x", f"{float(text.get('x')) + 4:.1f}")
                text.set("text-anchor", "start")

    def prune(el: ET.Element) -> None:
        for child in list(el):
            classes = set((child.get("class") or "").split())
            if _tag(child) not in ELEMENTS or classes & DROP_GROUPS or (_tag(child) == "title" and el is root):
                el.remove(child)
                continue
            prune(child)
        for name in list(el.attrib):
            if name not in ATTRIBUTES:
                del el.attrib[name]
        classes = (el.get("class") or "").split()
        added = [extra[c] for c in classes if c in extra]
        if added:
            el.set("class", " ".join(classes + added))

    prune(root)
    root.set("class", "pygal-chart")
    root.set("role", "img")
    root.set("aria-label", label)
    title = ET.Element(f"{{{SVG_NS}}}title")
    title.text = label
    root.insert(0, title)
    ET.register_namespace("", SVG_NS)
    return Markup(ET.tostring(root, encoding="unicode"))


def _config(**kw) -> dict:
    style = pygal.style.Style(label_font_size=LABEL_PX, major_label_font_size=LABEL_PX, value_font_size=VALUE_PX,
                              legend_font_size=LEGEND_PX, tooltip_font_size=LABEL_PX)
    return {"width": WIDTH, "js": [], "css": [], "no_prefix": True, "disable_xml_declaration": True,
            "style": style, "legend_at_bottom": True, "legend_at_bottom_columns": 2, "margin": 8,
            "truncate_label": -1, "truncate_legend": -1, "show_y_guides": False, **kw}


def _cjk_margin(labels: Sequence[str]) -> float:
    return max((len(s) for s in labels), default=0) * LABEL_PX * CJK_EXTRA + 8


def ticks(top: float, count: int = 5) -> list[int]:
    """Round tick values from 0 past `top`, at most about `count` steps of 1, 2 or 5 × 10ⁿ."""
    top = max(top, 1)
    magnitude = 10 ** math.floor(math.log10(top / count)) if top > count else 1
    step = next(m * magnitude for m in (1, 2, 5, 10) if top / (m * magnitude) <= count)
    return [n * step for n in range(math.ceil(top / step) + 1)]


PERCENT_TICKS = [0, 20, 40, 60, 80, 100]


def area_chart(titles: Sequence[str], accuracy: Sequence[float | None], mastery: Sequence[float | None]) -> Markup:
    """Horizontal bars per area, first area on top: 正确率 and 掌握度 in percent."""
    return _area_chart(tuple(titles), percents(accuracy), percents(mastery))


@lru_cache(maxsize=CHARTS_KEPT)
def _area_chart(titles: tuple[str, ...], accuracy: tuple[int | None, ...], mastery: tuple[int | None, ...]) -> Markup:
    height = 80 + 46 * len(titles)
    chart = pygal.HorizontalBar(**_config(height=height, range=(0, 100), y_labels=[0, 50, 100], print_values=True,
                                          print_values_position="top", print_zeroes=True,
                                          margin_left=_cjk_margin(titles), margin_right=44, spacing=6,
                                          legend_at_bottom_columns=1),
                                formatter=lambda v: f"{v:.0f}%")
    chart.x_labels = list(reversed(titles))  # pygal draws the first label at the bottom
    not_yet = {"value": 0, "formatter": lambda _: "未练"}  # no answers: say so rather than draw nothing
    chart.add("正确率", [not_yet if v is None else v for v in reversed(accuracy)])
    chart.add("掌握度", [not_yet if v is None else v for v in reversed(mastery)])
    return clean_svg(chart.render(is_unicode=True), "各领域正确率与掌握度条形图（数据见下表）", values_after_bars=True)


def _every(labels: Sequence[str], step: int) -> dict:
    return {"x_labels_major": [labels[i] for i in range(len(labels) - 1, -1, -step)], "show_minor_x_labels": False}


def daily_accuracy_chart(labels: Sequence[str], accuracy: Sequence[float | None]) -> Markup:
    """Objective accuracy per day (gaps on days without objective answers)."""
    return _daily_accuracy_chart(tuple(labels), percents(accuracy))


@lru_cache(maxsize=CHARTS_KEPT)
def _daily_accuracy_chart(labels: tuple[str, ...], accuracy: tuple[int | None, ...]) -> Markup:
    chart = pygal.Line(**_config(height=230, range=(0, 100), y_labels=PERCENT_TICKS, allow_interruptions=True,
                                 show_legend=False, dots_size=3, margin_right=18, **_every(labels, 7)),
                       formatter=lambda v: f"{v:.0f}%")
    chart.x_labels = list(labels)
    chart.add("正确率", list(accuracy))
    return clean_svg(chart.render(is_unicode=True), "近 30 天每天的正确率折线图")


def daily_count_chart(labels: Sequence[str], counts: Sequence[int]) -> Markup:
    return _daily_count_chart(tuple(labels), tuple(counts))


@lru_cache(maxsize=CHARTS_KEPT)
def _daily_count_chart(labels: tuple[str, ...], counts: tuple[int, ...]) -> Markup:
    chart = pygal.Bar(**_config(height=210, show_legend=False, spacing=2, margin_right=18, y_labels=ticks(max(counts, default=0)),
                                **_every(labels, 7)))
    chart.x_labels = list(labels)
    chart.add("答题数", list(counts))
    return clean_svg(chart.render(is_unicode=True), "近 30 天每天的答题数柱状图")


def _legend_rows(entries: int) -> dict:
    """One legend row for up to three entries, else two columns; pygal leaves out the room of a last,
    partly filled row (it floors entries / columns), so that room is added to the bottom margin."""
    if entries <= 3:
        return {"legend_at_bottom_columns": entries, "margin_bottom": 16}
    short = math.ceil(entries / 2) - entries // 2
    return {"legend_at_bottom_columns": 2, "margin_bottom": 16 + short * (LEGEND_PX + 10)}


def score_chart(series: dict[str, Sequence[float | None]], pass_mark: int) -> Markup:
    """Scores of successive sittings per paper, with the pass line."""
    shown = tuple((name, tuple(None if v is None else round(v) for v in values)) for name, values in series.items())
    return _score_chart(shown, pass_mark)


@lru_cache(maxsize=CHARTS_KEPT)
def _score_chart(series: tuple[tuple[str, tuple[int | None, ...]], ...], pass_mark: int) -> Markup:
    longest = max((len(v) for _, v in series), default=0)
    chart = pygal.Line(**_config(height=250, range=(0, 100), y_labels=PERCENT_TICKS, dots_size=3, margin_right=18,
                                 allow_interruptions=True, **_legend_rows(len(series) + 1),
                                 x_title="第几次（按先后）", **_every([str(n + 1) for n in range(longest)], 5)),
                       formatter=lambda v: f"{v:.0f}")
    chart.x_labels = [str(n + 1) for n in range(longest)]
    for name, values in series:
        chart.add(name, list(values))
    chart.add("及格线", [pass_mark] * longest, show_dots=False)
    return clean_svg(chart.render(is_unicode=True), "历次模拟考试与模拟答辩成绩折线图（数据见下方列表）",
                     {len(series): "passline"})
