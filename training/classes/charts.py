"""Class statistics charts: pygal SVG through the 学习进度 helpers (clean_svg for the CSP, phone-width config)."""
from __future__ import annotations

from typing import Sequence

import pygal
from markupsafe import Markup

from ..dashboard.charts import _cjk_margin, _config, clean_svg, ticks
from ..progress.classstats import Figure

LABEL_CHARS = 9  # longer labels are cut with … so the bars keep their room on a phone


def short(label: str, limit: int = LABEL_CHARS) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _bar_value(figure: Figure) -> dict | int:
    if figure.value is None:  # below the sample (or undefined): say so rather than draw a 0 bar
        return {"value": 0, "formatter": lambda _, text=figure.missing: text}
    return round(100 * figure.value)


def percent_bars(labels: Sequence[str], series: dict[str, Sequence[Figure]], label: str) -> Markup:
    """Horizontal bars in percent, first label on top; one or two series."""
    titles = [short(t) for t in labels]
    height = 70 + (26 + 20 * len(series)) * len(titles)
    chart = pygal.HorizontalBar(**_config(height=height, range=(0, 100), y_labels=[0, 50, 100], print_values=True,
                                          print_values_position="top", print_zeroes=True,
                                          margin_left=_cjk_margin(titles), margin_right=64, spacing=6,
                                          show_legend=len(series) > 1, legend_at_bottom_columns=len(series)),
                                formatter=lambda v: f"{v:.0f}%")
    chart.x_labels = list(reversed(titles))
    for name, figures in series.items():
        chart.add(name, [_bar_value(f) for f in reversed(list(figures))])
    return clean_svg(chart.render(is_unicode=True), label, values_after_bars=True)


def facility_histogram(counts: Sequence[int], bands: Sequence[str]) -> Markup:
    chart = pygal.Bar(**_config(height=220, show_legend=False, spacing=4, margin_right=18, print_values=True,
                                y_labels=ticks(max(counts, default=0)), x_title="通过率（%）"))
    chart.x_labels = list(bands)
    chart.add("题数", list(counts))
    return clean_svg(chart.render(is_unicode=True), "题目通过率分布柱状图（每个区间的题数）")

