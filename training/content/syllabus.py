"""content/SYLLABUS.md's mapping table (职业功能 → our areas) and how well the content covers it. Pure.

The table is the first Markdown table whose header has a column 本平台领域 id; its rows are
| 职业功能 | 工作内容 | `area`、`area` | 级别 | 查证情况 |. Coverage per row is the sum over its areas
of knowledge points, questions and cases; a 职业功能 is covered when any of its rows has content.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

AREA_COLUMN = "本平台领域"
_CODE = re.compile(r"`([a-z0-9-]+)`")


@dataclass
class SyllabusRow:
    function: str  # 职业功能 (模块)
    content: str  # 工作内容
    areas: list[str]
    levels: str
    line: int


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def parse_syllabus(text: str) -> list[SyllabusRow]:
    rows: list[SyllabusRow] = []
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if not line.lstrip().startswith("|") or AREA_COLUMN not in line:
            continue
        head = _cells(line)
        col = next(k for k, c in enumerate(head) if AREA_COLUMN in c)
        level_col = next((k for k, c in enumerate(head) if "级别" in c), None)
        for n in range(i + 2, len(lines)):  # skip the |---| line
            if not lines[n].lstrip().startswith("|"):
                break
            cells = _cells(lines[n])
            if len(cells) <= col:
                continue
            rows.append(SyllabusRow(cells[0], cells[1] if len(cells) > 1 else "", _CODE.findall(cells[col]),
                                    cells[level_col] if level_col is not None and len(cells) > level_col else "",
                                    n + 1))
        break
    return rows


def row_coverage(row: SyllabusRow, counts: dict[str, dict[str, int]]) -> dict[str, int]:
    """{知识点, 题目, 案例} summed over the row's areas (unknown areas count nothing)."""
    out = {"知识点": 0, "题目": 0, "案例": 0}
    for area in row.areas:
        c = counts.get(area, {})
        out["知识点"] += c.get("知识点", 0)
        out["题目"] += c.get("题目合计", 0)
        out["案例"] += sum(v for k, v in c.items() if k in ("答辩", "案例分析", "方案设计"))
    return out


def uncovered_functions(rows: list[SyllabusRow], counts: dict[str, dict[str, int]], level: str) -> list[str]:
    """职业功能 of `level` (e.g. 二级) that no knowledge point, question or case covers."""
    covered: dict[str, bool] = {}
    for row in rows:
        if level not in row.levels:
            continue
        has = any(row_coverage(row, counts).values())
        covered[row.function] = covered.get(row.function, False) or has
    return [f for f, ok in covered.items() if not ok]


def unknown_areas(rows: list[SyllabusRow], known: set[str]) -> list[tuple[int, str]]:
    return [(row.line, a) for row in rows for a in row.areas if a not in known]
