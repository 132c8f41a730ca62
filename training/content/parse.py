"""Parse content files (Markdown with YAML front matter) into plain items.

Every function here takes text and returns items plus Problems carrying the
file and line, so an author sees exactly what to fix. No Flask, no database.
"""
from __future__ import annotations

import hashlib
import pickle
import re
import threading
from collections import OrderedDict

import yaml

from .items import CASE_KINDS, DIFFICULTIES, KINDS, AreaItem, BankItem, CaseItem, Followup, KeyPoint, Problem, TopicItem
from .blueprints import parse_blueprint
from .markdown import plain_text, render
from .questions import parse_question
from .source import (
    SUB_HEAD, KeyChecker, Line, Report, Source, block_text, check_id, first_line, id_list, meta_choice, meta_order,
    meta_str, parse_hints, parse_misconceptions, split_key, split_source, take_meta,
)

QUESTION_HEAD = re.compile(r"^##\s+(?P<rest>.*?)\s*$")
SECTION_HEAD = re.compile(r"^##\s+(?P<name>.+?)\s*#*\s*$")
WEIGHT = re.compile(r"^(?P<label>.+?)\s*[（(]\s*(?P<weight>\d+)\s*分\s*[)）]$")


def parse_areas(path: str, text: str) -> tuple[list[AreaItem], list[Problem]]:
    """areas.yaml: the syllabus areas, in display order."""
    report = Report(path)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        report.add(mark.line + 1 if mark else 1, f"YAML 格式错误：{getattr(exc, 'problem', exc)}")
        return [], report.problems
    if not isinstance(data, list) or not data:
        report.add(1, "areas.yaml 应是一个非空列表，每项含 id、title、summary")
        return [], report.problems
    lines = text.split("\n")
    areas = []
    for pos, entry in enumerate(data):
        line = 1
        if isinstance(entry, dict) and entry.get("id"):
            line = next((i + 1 for i, t in enumerate(lines) if re.match(rf"^\s*-?\s*id:\s*{re.escape(str(entry['id']))}\s*$", t)), 1)
        if not isinstance(entry, dict):
            report.add(line, f"第 {pos + 1} 项应是 id/title/summary 的映射")
            continue
        area_id = check_id(entry.get("id"), line, report, "考点领域")
        title = str(entry.get("title") or "").strip()
        if not title:
            report.add(line, f"考点领域 {area_id} 缺少 title")
        if area_id and title:
            areas.append(AreaItem(area_id, title, path, line, summary=str(entry.get("summary") or "").strip(),
                                  core=bool(entry.get("core", False)), position=pos,
                                  objective=entry.get("questions", True) is not False))
    return areas, report.problems


def parse_document(path: str, text: str, keys_optional: bool = False) -> tuple[list, list[Problem]]:
    """Parse one Markdown content file of any kind; returns ([item], problems)."""
    items, report = parse_with_report(path, text, keys_optional)
    return items, report.problems


# Parsed files, kept by (path, hash of the text) as pickles, for the callers that parse the same text
# again soon: an import parses its files for the preview and again to confirm. Pickled, so every caller
# gets items of its own to number and re-path; loading a pickle is ~15x faster than parsing. Bounded by
# size: a 10 000-question import takes about 20 MB. A content load parses each file once and skips it.
PARSE_CACHE_BYTES = 64 * 1024 * 1024
_parsed: OrderedDict[tuple[str, bytes], bytes] = OrderedDict()
_parsed_bytes = 0
_parsed_lock = threading.Lock()


def parse_document_kept(path: str, text: str) -> tuple[list, list[Problem]]:
    """parse_document, from the kept parse of the same path and text when there is one."""
    global _parsed_bytes
    key = (path, hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest())
    with _parsed_lock:
        kept = _parsed.get(key)
        if kept is not None:
            _parsed.move_to_end(key)
    if kept is not None:
        return pickle.loads(kept)
    items, problems = parse_document(path, text)
    kept = pickle.dumps((items, problems), protocol=pickle.HIGHEST_PROTOCOL)
    with _parsed_lock:
        if key not in _parsed and len(kept) <= PARSE_CACHE_BYTES:
            _parsed[key] = kept
            _parsed_bytes += len(kept)
            while _parsed_bytes > PARSE_CACHE_BYTES:
                _parsed_bytes -= len(_parsed.popitem(last=False)[1])
    return items, problems


def forget_parsed() -> None:
    """Empty the caches of parsed files and rendered Markdown (benchmarks measure cold parses)."""
    global _parsed_bytes
    with _parsed_lock:
        _parsed.clear()
        _parsed_bytes = 0
    render.cache_clear()
    plain_text.cache_clear()


def parse_with_report(path: str, text: str, keys_optional: bool = False) -> tuple[list, Report]:
    """parse_document, returning the whole Report (with the edits add-keys would make)."""
    report = Report(path, keys_optional)
    items, _ = _parse(path, text, report)
    return items, report


def _parse(path: str, text: str, report: Report) -> tuple[list, list[Problem]]:
    src = split_source(path, text, report)
    if src is None:
        return [], report.problems
    kind = src.meta.get("kind")
    if kind not in KINDS:
        report.add(src.meta_lines.get("kind", 1), f"kind 为 {kind!r}，应为 {' / '.join(KINDS)} 之一（知识点/案例/题库/考试蓝图）")
        return [], report.problems
    parsers = {"topic": _parse_topic, "case": _parse_case, "bank": _parse_bank, "blueprint": parse_blueprint}
    item = parsers[kind](src, report)
    return ([item] if item is not None else []), report.problems


def _common(src: Source, report: Report, what: str) -> tuple[str | None, str, str]:
    item_id = check_id(src.meta.get("id"), src.meta_lines.get("id", 1), report, what)
    title = meta_str(src, "title", report)
    area = meta_str(src, "area", report)
    return item_id, title, area


def _parse_topic(src: Source, report: Report) -> TopicItem | None:
    item_id, title, area = _common(src, report, "知识点")
    body = block_text(src.body)
    if not body.strip():
        report.add(first_line(src.body, 1), "知识点正文为空")
    if not (item_id and title and area):
        return None
    html = render(body)
    return TopicItem(item_id, title, src.path, 1, order=meta_order(src, report), area=area,
                     summary=meta_str(src, "summary", report, False),
                     body_md=body, body_html=html, text=plain_text(html))


def _sections(lines: list[Line], pattern: re.Pattern, report: Report, where: str) -> list[tuple[int, str, list[Line]]]:
    """Split lines at headings: [(heading line, heading text, lines under it)]."""
    out: list[tuple[int, str, list[Line]]] = []
    for n, t in lines:
        m = pattern.match(t)
        if m:
            out.append((n, m.group(1).strip(), []))
        elif out:
            out[-1][2].append((n, t))
        elif t.strip():
            report.add(n, f"{where}：这一行前面缺少小节标题")
    return out


def _parse_case(src: Source, report: Report) -> CaseItem | None:
    item_id, title, area = _common(src, report, "案例")
    kind = meta_choice(src, "type", CASE_KINDS, "答辩", report)
    difficulty = meta_choice(src, "difficulty", DIFFICULTIES, "中", report)
    knowledge = id_list(src.meta.get("knowledge"), src.meta_lines.get("knowledge", 1), report, "knowledge ")
    sections = _sections(src.body, SECTION_HEAD, report, f"案例 {item_id}")
    seen: dict[str, int] = {}
    for n, name, _ in sections:
        if name not in ("题目", "背景", "参考要点", "追问"):
            report.add(n, f"案例 {item_id}：未知小节 “## {name}”，只能是 题目 / 背景 / 参考要点 / 追问")
        elif name in seen:
            report.add(n, f"案例 {item_id}：小节 “## {name}” 重复（第 {seen[name]} 行已有）")
        seen.setdefault(name, n)
    by_name = {name: (n, lines) for n, name, lines in reversed(sections)}
    end = sections[0][0] if sections else first_line(src.body, 1)
    prompt = block_text(by_name.get("题目", (0, []))[1])
    if not prompt.strip():
        report.add(by_name.get("题目", (end, []))[0], f"案例 {item_id}：缺少 “## 题目” 或题目为空")
    background = block_text(by_name.get("背景", (0, []))[1])
    points = []
    keys = KeyChecker(report, f"案例 {item_id}")
    if "参考要点" not in by_name:
        report.add(end, f"案例 {item_id}：缺少 “## 参考要点”")
    else:
        head, lines = by_name["参考要点"]
        points = _parse_key_points(item_id, head, lines, keys, report)
    followups, targets = [], []
    if "追问" in by_name:
        head, lines = by_name["追问"]
        followups, targets = _parse_followups(item_id, head, lines, keys, report)
    for part, key in zip(points + followups, keys.finish(), strict=True):
        part.key = key
    _resolve_targets(followups, targets, points, report)
    if not (item_id and title and area):
        return None
    prompt_html, background_html = render(prompt), render(background)
    text = " ".join([plain_text(prompt_html), plain_text(background_html)]
                    + [f"{p.label} {plain_text(p.explanation_html)}" for p in points])
    return CaseItem(item_id, title, src.path, 1, order=meta_order(src, report), area=area, kind=kind, difficulty=difficulty,
                    knowledge=knowledge, prompt_md=prompt, prompt_html=prompt_html,
                    background_md=background, background_html=background_html,
                    key_points=points, followups=followups, text=text)


def _parse_key_points(case_id: str | None, head: int, lines: list[Line], keys: KeyChecker,
                      report: Report) -> list[KeyPoint]:
    """Key points, their keys handed to keys (filled in once keys.finish() has run)."""
    points = []
    for n, raw_heading, block in _sections(lines, SUB_HEAD, report, f"案例 {case_id} 参考要点"):
        heading, key = split_key(raw_heading)
        what = f"案例 {case_id} 要点 “{heading}”"
        m = WEIGHT.match(heading)
        if not m:
            report.add(n, f"{what} 缺少分值，标题应写成 “### 要点名称（20分）”")
            continue
        meta, rest = take_meta(block, {"提示词", "误区"}, report, what)
        label = m.group("label").strip()
        if "提示词" not in meta:
            report.add(n, f"要点 “{label}” 缺少 “提示词：” 行（关键词与同义词，用于提示答案覆盖了哪些要点）")
            hints: list[list[str]] = []
        else:
            hints = parse_hints(meta["提示词"][1], meta["提示词"][0], report, f"要点 “{label}”")
        explanation = block_text(rest)
        if not explanation.strip():
            report.add(n, f"要点 “{label}” 缺少说明文字")
        weight = int(m.group("weight"))
        if weight <= 0:
            report.add(n, f"要点 “{label}” 的分值必须大于 0")
        keys.take(n, key, "p", len(points) + 1)
        misconceptions = (parse_misconceptions(meta["误区"][1], meta["误区"][0], report, f"要点 “{label}”")
                          if "误区" in meta else [])
        points.append(KeyPoint("", label, weight, explanation, render(explanation), hints, n, misconceptions))
    if not points:
        report.add(head, f"案例 {case_id}：参考要点为空，至少写一个 “### 要点（分值分）”")
    elif sum(p.weight for p in points) != 100:
        detail = " + ".join(str(p.weight) for p in points)
        report.add(head, f"案例 {case_id}：参考要点分值合计应为 100，现在是 {detail} = {sum(p.weight for p in points)}")
    return points


def _parse_followups(case_id: str | None, head: int, lines: list[Line], keys: KeyChecker,
                     report: Report) -> tuple[list[Followup], list[tuple[int, str] | None]]:
    """追问, and each one's 针对 as written ((line, text) or None) for _resolve_targets to check."""
    out, targets = [], []
    for n, raw_question, block in _sections(lines, SUB_HEAD, report, f"案例 {case_id} 追问"):
        question, key = split_key(raw_question)
        what = f"追问 “{question}”"
        meta, rest = take_meta(block, {"提示词", "针对"}, report, what)
        targets.append(meta.get("针对"))
        hints: list[list[str]] = []
        if "提示词" not in meta:
            report.add(n, f"{what} 缺少 “提示词：” 行")
        else:
            hints = parse_hints(meta["提示词"][1], meta["提示词"][0], report, what)
        answer = block_text(rest)
        if not answer.strip():
            report.add(n, f"{what} 缺少参考回答")
        keys.take(n, key, "f", len(out) + 1)
        out.append(Followup("", question, None, answer, render(answer), hints, n))
    if not out:
        report.add(head, f"案例 {case_id}：“## 追问” 下没有追问，每个追问写成 “### 问题”")
    return out, targets


def _resolve_targets(followups: list[Followup], targets: list[tuple[int, str] | None], points: list[KeyPoint],
                     report: Report) -> None:
    """针对 names a key point by its key (add-keys turns the old 1-based numbers into keys)."""
    keys = [p.key for p in points]
    for f, target in zip(followups, targets, strict=True):
        if target is None:
            continue
        line, value = target
        if value in keys:
            f.target = value
        elif report.keys_optional and value.isdigit() and 1 <= int(value) <= len(keys):
            f.target = keys[int(value) - 1]
            report.edits.append((line, "replace", f"针对：{f.target}"))
        else:
            known = "、".join(keys) or "（没有参考要点）"
            report.add(line, f"追问 “{f.question}” 的 “针对” 应是参考要点的编号（{known}），现在是 {value!r}")


def _parse_bank(src: Source, report: Report) -> BankItem | None:
    item_id, title, area = _common(src, report, "题库")
    blocks: list[tuple[int, str, list[Line]]] = []
    for n, t in src.body:
        m = QUESTION_HEAD.match(t)
        if m and not t.startswith("###"):
            blocks.append((n, m.group("rest"), []))
        elif blocks:
            blocks[-1][2].append((n, t))
    questions = []
    for n, head, lines in blocks:
        q = parse_question(n, head, lines, item_id or "", area, report)
        if q is not None:
            q.path = src.path
            questions.append(q)
    if not blocks:
        report.add(first_line(src.body, 1), f"题库 {item_id} 没有题目；每道题以 “## 编号 · 题型 · 难度” 开头")
    if not (item_id and title and area):
        return None
    return BankItem(item_id, title, src.path, 1, order=meta_order(src, report), area=area, questions=questions)


