"""Template globals and filters shared by every page."""
from __future__ import annotations

import html
from datetime import datetime
from typing import Iterable

from flask import Flask
from markupsafe import Markup

from .content.items import KIND_LABELS, QUESTION_TYPES
from .content.markdown import plain_text
from .grading.keypoints import REASONS
from .grading.misconceptions import misconception_text
from .models import CONTEXT_LABELS, Role
from .models.base import as_utc, display_tz
from .search import mark_spans


def local_time(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """UTC in the database, Beijing time (or DISPLAY_TIMEZONE) on the page."""
    if value is None:
        return ""
    return as_utc(value).astimezone(display_tz()).strftime(fmt)


PAPER_PLACEHOLDER = "{论文题目}"  # in 论文答辩 questions (content/cases/thesis/), replaced by the paper's title


def with_paper(safe_html: str | None, title: str | None = None) -> Markup:
    """Sanitized content HTML with {论文题目} replaced by the candidate's paper title (escaped), or by a
    neutral stand-in on study pages, where there is no paper."""
    shown = html.escape(title) if title else "你的论文题目"
    return Markup((safe_html or "").replace(PAPER_PLACEHOLDER, shown))


def found_spans(results: Iterable) -> list[list[int]]:
    """The spans of every point the matcher credited, from stored key-point results."""
    return [span for r in results if r.suggested and r.spans for span in r.spans.get("found", [])]


def misconception_spans(results: Iterable) -> list[list[int]]:
    """Where the answer repeats a point's 误区, from stored key-point results."""
    return [r.spans["misconception"]["span"] for r in results
            if r.spans and "span" in (r.spans.get("misconception") or {})]


def init_templating(app: Flask) -> None:
    app.add_template_filter(local_time, "local_time")
    app.add_template_filter(mark_spans, "highlight_spans")
    app.add_template_filter(with_paper, "with_paper")
    app.add_template_filter(plain_text, "plain")
    app.add_template_global(found_spans, "found_spans")
    app.add_template_global(misconception_spans, "misconception_spans")
    app.add_template_global(misconception_text, "misconception_text")
    app.jinja_env.globals.update(KIND_LABELS=KIND_LABELS, Role=Role, REASONS=REASONS, QUESTION_TYPES=QUESTION_TYPES,
                           CONTEXT_LABELS=CONTEXT_LABELS, SITE_NAME="客服管理师备考")
