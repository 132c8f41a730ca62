"""Mock-exam blueprints (kind: blueprint): how many items of which type and area, and the timing.

A blueprint is YAML front matter describing the paper plus a Markdown body with
the instructions a candidate reads before starting. Counts and times are data,
because examination centres differ.
"""
from __future__ import annotations

from typing import Any

from .items import CASE_KINDS, QUESTION_TYPES, BlueprintItem, BlueprintSection
from .markdown import render
from .source import Report, Source, block_text, check_id, meta_order, meta_str

PAPERS = ("理论知识", "专业能力", "综合评审")
PAPER_TYPES = {"理论知识": QUESTION_TYPES, "专业能力": ("案例分析", "方案设计"), "综合评审": ("答辩",)}
assert set(PAPER_TYPES["专业能力"]) | set(PAPER_TYPES["综合评审"]) == set(CASE_KINDS)
MAX_COUNT = 500
MAX_MINUTES = 600


def _positive_int(value: Any, line: int, report: Report, what: str, upper: int) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= upper:
        report.add(line, f"{what} 应是 1–{upper} 的整数，现在是 {value!r}")
        return None
    return value


def _section_line(src: Source, index: int) -> int:
    """The line of the index-th `- type:` entry under sections, for precise messages."""
    seen = -1
    start = src.meta_lines.get("sections", 1)
    for n, text in src.front:
        if n > start and text.lstrip().startswith("- "):
            seen += 1
            if seen == index:
                return n
    return start


def parse_blueprint(src: Source, report: Report) -> BlueprintItem | None:
    bp_id = check_id(src.meta.get("id"), src.meta_lines.get("id", 1), report, "考试蓝图")
    title = meta_str(src, "title", report)
    paper = meta_str(src, "paper", report)
    if paper and paper not in PAPERS:
        report.add(src.meta_lines.get("paper", 1), f"paper 为 {paper!r}，应为 {' / '.join(PAPERS)} 之一")
        return None
    what = f"考试蓝图 {bp_id}"
    time_limit = prep = answer = None
    if paper == "综合评审":
        prep = _positive_int(src.meta.get("prep_minutes"), src.meta_lines.get("prep_minutes", 1), report,
                             f"{what} 的 prep_minutes（每题准备时间，分钟）", MAX_MINUTES)
        answer = _positive_int(src.meta.get("answer_minutes"), src.meta_lines.get("answer_minutes", 1), report,
                               f"{what} 的 answer_minutes（每题作答时间，分钟）", MAX_MINUTES)
    elif paper:
        time_limit = _positive_int(src.meta.get("time_limit"), src.meta_lines.get("time_limit", 1), report,
                                   f"{what} 的 time_limit（考试时长，分钟）", MAX_MINUTES)
    pass_mark = src.meta.get("pass_mark", 60)
    if isinstance(pass_mark, bool) or not isinstance(pass_mark, int) or not 0 < pass_mark <= 100:
        report.add(src.meta_lines.get("pass_mark", 1), f"{what} 的 pass_mark 应是 1–100 的整数")
        pass_mark = 60
    raw_sections = src.meta.get("sections")
    if not isinstance(raw_sections, list) or not raw_sections:
        report.add(src.meta_lines.get("sections", 1), f"{what} 缺少 sections（各题型的题量与分值）")
        return None
    sections = []
    for i, raw in enumerate(raw_sections):
        line = _section_line(src, i)
        section = _parse_section(raw, line, paper, report, f"{what} 第 {i + 1} 部分")
        if section is not None:
            sections.append(section)
    if len(sections) == len(raw_sections):
        _check_points(sections, src.meta_lines.get("sections", 1), report, what)
        # A type may span several sections (职业道德 单选, then the other 单选), but only side by side:
        # the paper numbers one type's items in one run (第1题～第60题).
        types = [s.qtype for s in sections]
        runs = [t for i, t in enumerate(types) if i == 0 or types[i - 1] != t]
        if len(set(runs)) != len(runs):
            report.add(src.meta_lines.get("sections", 1), f"{what}：同一题型的各部分要排在一起")
    if not (bp_id and title and paper) or len(sections) != len(raw_sections):
        return None
    intro = block_text(src.body)
    return BlueprintItem(bp_id, title, src.path, 1, order=meta_order(src, report), paper=paper, time_limit=time_limit, prep_minutes=prep,
                         answer_minutes=answer, pass_mark=pass_mark, sections=sections,
                         intro_md=intro, intro_html=render(intro))


def _parse_section(raw: Any, line: int, paper: str, report: Report, what: str) -> BlueprintSection | None:
    if not isinstance(raw, dict):
        report.add(line, f"{what} 应写成 type/count/points 的映射")
        return None
    qtype = str(raw.get("type", "")).strip()
    allowed = PAPER_TYPES.get(paper, ())
    if qtype not in allowed:
        report.add(line, f"{what}：{paper}试卷的题型只能是 {' / '.join(allowed)}，现在是 {qtype!r}")
        return None
    count = _positive_int(raw.get("count"), line, report, f"{what} 的 count（题量）", MAX_COUNT)
    points = raw.get("points")
    if points is not None and (isinstance(points, bool) or not isinstance(points, (int, float)) or points <= 0):
        report.add(line, f"{what} 的 points（每题分值）应是正数，现在是 {points!r}")
        return None
    areas = raw.get("areas") or {}
    if not isinstance(areas, dict) or not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in areas.values()):
        report.add(line, f"{what} 的 areas 应写成 领域编号：题量 的映射")
        return None
    if count is None:
        return None
    if areas and sum(areas.values()) != count:
        report.add(line, f"{what}:areas 各领域题量之和为 {sum(areas.values())}，与 count {count} 不一致")
        return None
    title = raw.get("title")
    if title is not None and (not isinstance(title, str) or not title.strip() or len(title) > 20):
        report.add(line, f"{what} 的 title（试卷上的部分标题）应是 20 字以内的文字")
        return None
    exclude = raw.get("exclude") or []
    if not isinstance(exclude, list) or not all(isinstance(a, str) for a in exclude):
        report.add(line, f"{what} 的 exclude 应是领域编号的列表")
        return None
    return BlueprintSection(qtype=qtype, count=count, points=points, areas={str(k): v for k, v in areas.items()}, line=line,
                            title=title.strip() if title else None, exclude=list(exclude))


def _check_points(sections: list[BlueprintSection], line: int, report: Report, what: str) -> None:
    given = [s.points is not None for s in sections]
    if any(given) and not all(given):
        report.add(line, f"{what}：要么每个部分都写 points，要么都不写（不写时每题等分 100 分）")
    elif all(given):
        total = sum(s.count * s.points for s in sections)
        if abs(total - 100) > 1e-6:
            detail = " + ".join(f"{s.count}×{s.points:g}" for s in sections)
            report.add(line, f"{what}：满分应为 100，现在是 {detail} = {total:g}")
