"""Counts of live content per syllabus area and type, as rows and as a text table."""
from __future__ import annotations

from unicodedata import east_asian_width

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import Area, Case, Question, Topic
from .items import CASE_KINDS, QUESTION_TYPES

COLUMNS = ["知识点", *CASE_KINDS, *QUESTION_TYPES, "题目合计"]


def area_counts(session: Session) -> dict[str, dict[str, int]]:
    """{area id: {column: count}} for live areas, in syllabus order."""
    return {area_id: counts for area_id, _, counts in _area_rows(session)}


def stats_rows(session: Session) -> list[tuple[str, dict[str, int]]]:
    """[(area title, {column: count})] in syllabus order, with a 合计 row last."""
    rows = [(f"{title}({area_id})", counts) for area_id, title, counts in _area_rows(session)]
    total = {col: sum(c[col] for _, c in rows) for col in COLUMNS}
    rows.append(("合计", total))
    return rows


def _area_rows(session: Session) -> list[tuple[str, str, dict[str, int]]]:
    areas = session.execute(select(Area).where(Area.retired.is_(False)).order_by(Area.position)).scalars().all()
    counts: dict[str, dict[str, int]] = {a.id: {c: 0 for c in COLUMNS} for a in areas}

    def add(stmt) -> None:
        for area_id, column, n in session.execute(stmt):
            if area_id in counts:
                counts[area_id][column] = n

    for area_id, n in session.execute(select(Topic.area_id, func.count()).where(Topic.retired.is_(False)).group_by(Topic.area_id)):
        if area_id in counts:
            counts[area_id]["知识点"] = n
    add(select(Case.area_id, Case.kind, func.count()).where(Case.retired.is_(False)).group_by(Case.area_id, Case.kind))
    add(select(Question.area_id, Question.qtype, func.count()).where(Question.retired.is_(False))
        .group_by(Question.area_id, Question.qtype))
    for c in counts.values():
        c["题目合计"] = sum(c[t] for t in QUESTION_TYPES)
    return [(a.id, a.title, counts[a.id]) for a in areas]


def _width(text: str) -> int:
    return sum(2 if east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    space = " " * (width - _width(text))
    return space + text if right else text + space


def text_table(rows: list[tuple[str, dict[str, int]]], columns: list[str], head: str = "领域") -> str:
    """Rows of counts as an aligned plain-text table (CJK characters count double)."""
    first = max([_width(head)] + [_width(name) for name, _ in rows])
    widths = [max(_width(c), 3) for c in columns]
    lines = ["  ".join([_pad(head, first)] + [_pad(c, w, True) for c, w in zip(columns, widths, strict=True)])]
    lines.append("-" * _width(lines[0]))
    for name, c in rows:
        if name == "合计":
            lines.append("-" * _width(lines[0]))
        lines.append("  ".join([_pad(name, first)] + [_pad(str(c[col]), w, True) for col, w in zip(columns, widths, strict=True)]))
    return "\n".join(lines)


def stats_table(session: Session) -> str:
    return text_table(stats_rows(session), COLUMNS)
