"""导出作答记录: one learner's answers as CSV rows (UTF-8 with BOM for Excel), streamed. No Flask.

Each answer is written as the learner gave it, on the version they answered: options by the
letter and text they saw, 判断 as 对/错, 排序 as the order given, 匹配 as pairs, written and
答辩 answers as their text. Cells that a spreadsheet would run as a formula are defused.
"""
from __future__ import annotations

import csv
import io
from datetime import tzinfo
from typing import Any, Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..content.payloads import QuestionPayload
from ..grading.display import ShownQuestion
from ..grading.objective import full_marks
from ..models import CONTEXT_LABELS, ItemVersion, Response
from ..models.base import as_utc

BOM = "\ufeff"
HEADER = ["作答时间", "场景", "题目", "题型", "我的答案", "结果", "得分", "用时（秒）"]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
BATCH = 500
MAX_CELL = 32000  # Excel's limit per cell is 32 767 characters


def safe_cell(value: Any) -> str:
    """Text for one cell: a leading = + - @ (or tab, CR) gets an apostrophe so Excel shows it, never runs it."""
    text = "" if value is None else str(value)
    text = text[:MAX_CELL]
    return "'" + text if text.startswith(FORMULA_START) else text


def readable_answer(payload: dict[str, Any] | None, answer: Any, presented: list[str] | None) -> str:
    """An objective answer in words, on the version it was given on (keys the version lacks show as ?)."""
    if answer is None:
        return ""
    if not payload:
        return str(answer)
    sq = ShownQuestion.as_presented(QuestionPayload.from_json(payload), presented)
    qtype = sq.q.qtype
    if qtype == "单选":
        return f"{sq.letter(answer)}. {sq.text(answer)}"
    if qtype == "多选" and isinstance(answer, list):
        return "；".join(f"{sq.letter(k)}. {sq.text(k)}" for k in sorted(answer, key=sq.letter))
    if qtype == "判断":
        return "对" if answer is True else "错" if answer is False else str(answer)
    if qtype == "排序" and isinstance(answer, list):
        return " → ".join(sq.text(k) or "?" for k in answer)
    if qtype == "匹配" and isinstance(answer, dict):
        return "；".join(f"{sq.text(item) or '?'} → {sq.text(cat) or '?'}" for item, cat in answer.items())
    return str(answer)


def result_text(score: float | None, objective: bool) -> str:
    if score is None:
        return "未判分"
    if objective:
        return "正确" if full_marks(score) else "部分正确" if score > 0 else "错误"
    return f"{round(score * 100)} 分（满分 100）"


def answer_row(row: Any, payload: dict[str, Any] | None, tz: tzinfo) -> list[str]:
    """One CSV row (cells already defused) from a selected answer and its version's payload."""
    objective = row.question_id is not None
    title = (payload or {}).get("title") or row.question_id or row.case_id or ""
    kind = (payload or {}).get("qtype" if objective else "kind", "")
    answer = readable_answer(payload, row.answer, row.presented) if objective else (row.text or "")
    if row.points is not None and row.points_possible:
        points = f"{row.points:g} / {row.points_possible:g}"
    else:
        points = "" if row.score is None else f"{row.score * 100:.0f}%"
    seconds = "" if row.time_ms is None else f"{row.time_ms / 1000:.0f}"
    when = as_utc(row.answered_at).astimezone(tz).strftime("%Y-%m-%d %H:%M:%S")
    cells = [when, CONTEXT_LABELS.get(row.context, row.context), title, kind, answer,
             result_text(row.score, objective), points, seconds]
    return [safe_cell(c) for c in cells]


def export_lines(session: Session, user_id: int, tz: tzinfo) -> Iterator[str]:
    """The CSV text in pieces: the BOM and header, then the learner's answers oldest first, in batches."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(HEADER)
    yield BOM + flush()
    stmt = (select(Response.id, Response.context, Response.question_id, Response.case_id, Response.version_id,
                   Response.answer, Response.text, Response.presented, Response.score, Response.points,
                   Response.points_possible, Response.time_ms, Response.answered_at)
            .where(Response.user_id == user_id, Response.answered_at.is_not(None))
            .order_by(Response.answered_at, Response.id))
    answered = select(Response.version_id).where(Response.user_id == user_id).distinct()
    payloads: dict[int, dict[str, Any]] = dict(session.execute(
        select(ItemVersion.id, ItemVersion.payload).where(ItemVersion.id.in_(answered))).all())
    for n, row in enumerate(session.execute(stmt.execution_options(yield_per=BATCH)), 1):
        writer.writerow(answer_row(row, payloads.get(row.version_id) if row.version_id else None, tz))
        if n % BATCH == 0:
            yield flush()
    yield flush()
