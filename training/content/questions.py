"""Parse one question block of a question bank: the five objective types."""
from __future__ import annotations

import re

from .items import DIFFICULTIES, QUESTION_TYPES, QuestionItem
from .markdown import plain_text, render
from .source import SUB_HEAD, Line, Report, check_id, id_list, take_meta, block_text

OPTION = re.compile(r"^\s*[-*+]\s+\[(?P<mark>[ xX])\]\s*(?P<text>.*?)\s*$")
OPTION_LETTER = re.compile(r"^[A-Ha-h]\s*[.．、)）]\s*")
STEP = re.compile(r"^\s*(?P<num>\d+)\s*[.、)）]\s*(?P<text>.*?)\s*$")
PAIR = re.compile(r"^\s*[-*+]\s+(?P<item>.+?)\s*(?:→|->|=>)\s*(?P<cat>.*?)\s*$")
CAT_SPLIT = re.compile(r"\s*[|｜]\s*")
TRUE_WORDS = {"对", "正确", "√", "✓", "是"}
FALSE_WORDS = {"错", "错误", "×", "✗", "否"}
MIN_OPTIONS, MAX_OPTIONS = 2, 8
MIN_STEPS = 3
MIN_PAIRS = 3


def parse_question(n: int, head: str, lines: list[Line], bank: str, area: str, report: Report) -> QuestionItem | None:
    parts = [p.strip() for p in re.split(r"\s*[·|｜]\s*", head)]
    if len(parts) != 3:
        report.add(n, f"题目标题 “## {head}” 应写成 “## 编号 · 题型 · 难度”，例如 “## plan-q001 · 单选 · 易”")
        return None
    qid, qtype, difficulty = parts
    qid = check_id(qid, n, report, "题目")
    what = f"题目 {qid}({qtype})"
    if qtype not in QUESTION_TYPES:
        report.add(n, f"题目 {qid}：未知题型 {qtype!r}，应为 {' / '.join(QUESTION_TYPES)} 之一")
        return None
    if difficulty not in DIFFICULTIES:
        report.add(n, f"{what}：难度 {difficulty!r} 应为 易 / 中 / 难 之一")
    # Split off the explanation: everything under "### 解析".
    body, explanation, seen_expl = [], [], None
    for ln, t in lines:
        m = SUB_HEAD.match(t)
        if m:
            if m.group("name") != "解析":
                report.add(ln, f"{what}：未知小节 “### {m.group('name')}”，题目里只能有 “### 解析”")
            elif seen_expl:
                report.add(ln, f"{what}：“### 解析” 重复（第 {seen_expl} 行已有）")
            else:
                seen_expl = ln
            continue
        (explanation if seen_expl else body).append((ln, t))
    if not seen_expl or not block_text(explanation).strip():
        report.add(seen_expl or n, f"{what}：缺少解析（在题目末尾写 “### 解析” 和解析文字）")
    meta, body = take_meta(body, {"知识点", "答案", "类别"}, report, what)
    knowledge_line, knowledge_value = meta.get("知识点", (n, ""))
    knowledge = id_list(knowledge_value, knowledge_line, report, f"{what} 的知识点")
    if not knowledge:
        report.add(knowledge_line, f"{what}：缺少 “知识点：” 行（写出它考查的知识点编号）")
    parser = {"单选": _choice, "多选": _choice, "判断": _judge, "排序": _order, "匹配": _match}[qtype]
    parsed = parser(what, qtype, n, body, meta, report)
    if parsed is None or qid is None:
        return None
    stem, data, answer = parsed
    if not stem.strip():
        report.add(n, f"{what}：题干为空")
    stem_html, expl_html = render(stem), render(block_text(explanation))
    text = " ".join([plain_text(stem_html)] + [str(x) for x in data.get("options", data.get("steps", data.get("items", [])))])
    return QuestionItem(qid, plain_text(stem_html)[:120], "", n, area=area, bank=bank, qtype=qtype,
                        difficulty=difficulty, knowledge=knowledge, knowledge_line=knowledge_line,
                        stem_md=stem, stem_html=stem_html, data=data, answer=answer,
                        explanation_md=block_text(explanation), explanation_html=expl_html, text=text)


def _tail_run(body: list[Line], pattern: re.Pattern) -> tuple[list[Line], list[tuple[int, re.Match | None]]]:
    """The answer block is the last run of lines matching pattern (blank lines allowed inside)."""
    idx = [i for i, (_, t) in enumerate(body) if pattern.match(t)]
    if not idx:
        return body, []
    start = idx[-1]
    while start > 0 and (pattern.match(body[start - 1][1]) or not body[start - 1][1].strip()):
        start -= 1
    while not pattern.match(body[start][1]):
        start += 1
    run = [(n, pattern.match(t)) for n, t in body[start:] if t.strip()]
    return body[:start], run


def _no_trailing_text(what: str, run: list, report: Report, label: str) -> bool:
    bad = [(n, m) for n, m in run if m is None]
    for n, _ in bad[:1]:
        report.add(n, f"{what}：{label}之后不能再有其他文字（把题干写在{label}前面）")
    return not bad


def _no_empty_or_repeated(what: str, run: list, texts: list[str], noun: str, report: Report) -> None:
    for i, (ln, _) in enumerate(run):
        if not texts[i]:
            report.add(ln, f"{what}：第 {i + 1} 个{noun}为空")
        elif texts[i] in texts[:i]:
            report.add(ln, f"{what}：{noun} “{texts[i]}” 重复")


def _choice(what, qtype, n, body, meta, report):
    stem_lines, run = _tail_run(body, OPTION)
    if not _no_trailing_text(what, run, report, "选项"):
        return None
    options = [OPTION_LETTER.sub("", m.group("text")) for _, m in run]
    correct = [i for i, (_, m) in enumerate(run) if m.group("mark") in "xX"]
    line = run[0][0] if run else n
    if not MIN_OPTIONS <= len(options) <= MAX_OPTIONS:
        report.add(line, f"{what}：应有 {MIN_OPTIONS}–{MAX_OPTIONS} 个选项（写成 “- [ ] 选项” / “- [x] 正确选项”），现在有 {len(options)} 个")
        return None
    _no_empty_or_repeated(what, run, options, "选项", report)
    if qtype == "单选" and len(correct) != 1:
        report.add(line, f"{what}：单选题必须恰好有 1 个正确选项(- [x])，现在有 {len(correct)} 个")
    if qtype == "多选" and len(correct) < 2:
        report.add(line, f"{what}：多选题至少要有 2 个正确选项(- [x])，现在有 {len(correct)} 个；只有一个就写成单选")
    answer = correct[0] if qtype == "单选" and correct else correct
    return block_text(stem_lines), {"options": options}, answer


def _judge(what, qtype, n, body, meta, report):
    if "答案" not in meta:
        report.add(n, f"{what}：判断题缺少 “答案：对” 或 “答案：错” 行")
        return None
    line, value = meta["答案"]
    if value in TRUE_WORDS:
        answer = True
    elif value in FALSE_WORDS:
        answer = False
    else:
        report.add(line, f"{what}：答案 {value!r} 应为 对 或 错")
        return None
    return block_text(body), {}, answer


def _order(what, qtype, n, body, meta, report):
    stem_lines, run = _tail_run(body, STEP)
    if not _no_trailing_text(what, run, report, "步骤列表"):
        return None
    if len(run) < MIN_STEPS:
        report.add(run[0][0] if run else n, f"{what}：排序题至少要有 {MIN_STEPS} 个步骤，按正确顺序写成 “1. 步骤”")
        return None
    for i, (ln, m) in enumerate(run):
        if int(m.group("num")) != i + 1:
            report.add(ln, f"{what}：步骤编号应依次为 1、2、3……，第 {i + 1} 个步骤写成了 {m.group('num')}")
    steps = [m.group("text") for _, m in run]
    _no_empty_or_repeated(what, run, steps, "步骤", report)
    return block_text(stem_lines), {"steps": steps}, list(range(len(steps)))


def _match(what, qtype, n, body, meta, report):
    stem_lines, run = _tail_run(body, PAIR)
    if not _no_trailing_text(what, run, report, "配对列表"):
        return None
    if len(run) < MIN_PAIRS:
        report.add(run[0][0] if run else n, f"{what}：匹配题至少要有 {MIN_PAIRS} 行 “- 项目 → 类别”")
        return None
    items = [m.group("item") for _, m in run]
    given = [m.group("cat") for _, m in run]
    if "类别" in meta:
        cat_line, value = meta["类别"]
        categories = [c for c in CAT_SPLIT.split(value) if c]
        if len(set(categories)) != len(categories):
            report.add(cat_line, f"{what}：类别列表有重复")
    else:
        cat_line, categories = n, list(dict.fromkeys(given))
    if len(categories) < 2:
        report.add(cat_line, f"{what}：匹配题至少要有 2 个类别")
        return None
    answer = []
    for i, (ln, _) in enumerate(run):
        if not given[i]:
            report.add(ln, f"{what}：项目 “{items[i]}” 没有写类别（→ 后面为空）")
        elif given[i] not in categories:
            report.add(ln, f"{what}：项目 “{items[i]}” 的类别 “{given[i]}” 不在 “类别：” 列表中")
        if items[i] in items[:i]:
            report.add(ln, f"{what}：项目 “{items[i]}” 重复")
        answer.append(categories.index(given[i]) if given[i] in categories else -1)
    return block_text(stem_lines), {"items": items, "categories": categories}, answer
