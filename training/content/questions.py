"""Parse one question block of a question bank: the five objective types."""
from __future__ import annotations

import re

from .items import DIFFICULTIES, QUESTION_TYPES, QuestionItem
from .markdown import plain_text, render
from .source import (
    KEY_REF, SUB_HEAD, KeyChecker, Line, Report, block_text, check_id, id_list, split_key, take_meta,
)

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
    _check_refs(what, n, stem + "\n" + block_text(explanation), data.get("options", []), report)
    text = " ".join([plain_text(stem_html)] + [c["text"] for c in data.get("options", data.get("steps", data.get("items", [])))])
    return QuestionItem(qid, plain_text(stem_html)[:120], "", n, area=area, bank=bank, qtype=qtype,
                        difficulty=difficulty, knowledge=knowledge, knowledge_line=knowledge_line,
                        stem_md=stem, stem_html=stem_html, data=data, answer=answer,
                        explanation_md=block_text(explanation), explanation_html=expl_html, text=text)


# "B 项", "A、C 两项", "选项 D": a letter means a place, and places are shuffled for every learner.
LETTER_REF = re.compile(r"(?<![A-Za-z])[A-H](?:\s*[、和与及,，]\s*[A-H])*\s*(?:两|三|四|五)?\s*项|选项\s*[A-H](?![A-Za-z])")


def _check_refs(what: str, n: int, text: str, options: list[dict[str, str]], report: Report) -> None:
    """`{b}` in a stem or 解析 must name an option of this question; letters must not."""
    keys = {o["key"] for o in options}
    if options:
        for m in LETTER_REF.finditer(text):
            report.add(n, f"{what}：“{m.group(0)}”用字母指代选项，但每位考生看到的选项顺序不同；"
                          "请写选项的编号，如 {b} 项（页面会显示成考生看到的字母）")
    for m in KEY_REF.finditer(text):
        if m.group("key") not in keys:
            known = "、".join(f"{{{k}}}" for k in sorted(keys)) or "（这道题没有选项）"
            report.add(n, f"{what}：{{{m.group('key')}}} 不是本题选项的编号；可用 {known}")


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
    line = run[0][0] if run else n
    if not MIN_OPTIONS <= len(run) <= MAX_OPTIONS:
        report.add(line, f"{what}：应有 {MIN_OPTIONS}–{MAX_OPTIONS} 个选项（写成 “- [ ] 选项 {{#a}}” / “- [x] 正确选项 {{#b}}”），现在有 {len(run)} 个")
        return None
    keys = KeyChecker(report, what)
    texts = _take_keys(run, lambda m: OPTION_LETTER.sub("", m.group("text")), keys, "")
    _no_empty_or_repeated(what, run, texts, "选项", report)
    options = _choices(keys.finish(), texts)
    correct = [o["key"] for o, (_, m) in zip(options, run, strict=True) if m.group("mark") in "xX"]
    if qtype == "单选" and len(correct) != 1:
        report.add(line, f"{what}：单选题必须恰好有 1 个正确选项(- [x])，现在有 {len(correct)} 个")
    if qtype == "多选" and len(correct) < 2:
        report.add(line, f"{what}：多选题至少要有 2 个正确选项(- [x])，现在有 {len(correct)} 个；只有一个就写成单选")
    answer = (correct[0] if correct else "") if qtype == "单选" else sorted(correct)
    _give_aways(what, line, qtype, [(o["key"], o["text"]) for o in options], set(correct), report)
    return block_text(stem_lines), {"options": options}, answer


# Options are shuffled for every learner, so an option that points at others by place is wrong.
POSITIONAL_OPTION = re.compile(r"^(?:以上|上述|前面|前述)(?:各项|选项|说法|几项|三项|四项)?(?:都|均|全|皆)"
                               r"|^(?:全部|都|均)(?:正确|不正确|对|错)|^[A-Ha-h]\s*[和与及、,，]\s*[A-Ha-h]")
LONG_FACTOR, LONG_MARGIN = 1.5, 6  # a key this much longer than every distractor gives itself away
# Qualified wording sounds careful and true; when only the key is qualified, test-wise candidates pick it.
HEDGE = re.compile(r"一般|通常|往往|可能|大多|多数|基本上|一定程度|较为|相对|有时|不一定|未必|有助于")
PARENTHESES = re.compile(r"（[^）]*）|\([^)]*\)")


def _give_aways(what: str, line: int, qtype: str, options: list[tuple[str, str]], correct: set[str],
                report: Report) -> None:
    """Patterns that let a candidate guess without knowing: a key far longer than every distractor,
    a 多选 where every option is right, options that only make sense in a fixed position."""
    for _, text in options:
        if POSITIONAL_OPTION.search(text):
            report.add(line, f"{what}：选项 “{text}” 依赖选项的位置，而页面会为每位考生打乱选项顺序；请改写成独立的说法")
    right = [len(t) for k, t in options if k in correct]
    wrong = [len(t) for k, t in options if k not in correct]
    if not right:
        return
    if not wrong:
        report.add(line, f"{what}：所有选项都是正确答案，“全选”就能得分；请加入至少一个干扰项")
    elif min(right) >= LONG_FACTOR * max(wrong) and min(right) - max(wrong) >= LONG_MARGIN:
        report.add(line, f"{what}：正确选项明显比所有干扰项长（{min(right)} 字对 {max(wrong)} 字），考生凭长度就能猜中；"
                         "请把干扰项写得同样具体，或精简正确选项")
    hedged = [k for k, t in options if HEDGE.search(PARENTHESES.sub("", t))]  # 普通（一般）竞争者 is a name
    if qtype == "单选" and len(options) >= 3 and hedged == sorted(correct):
        report.add(line, f"{what}：只有正确选项带“一般、通常、可能”这类留有余地的说法，考生凭措辞就能猜中；"
                         "请让一个干扰项也留有余地，或把正确选项说得同样肯定")


def _take_keys(run: list, text_of, keys: KeyChecker, prefix: str) -> list[str]:
    """The texts of an answer block's lines, each line's key handed to keys (read back with finish())."""
    texts = []
    for i, (ln, m) in enumerate(run):
        text, key = split_key(text_of(m))
        keys.take(ln, key, prefix, i + 1)
        texts.append(text)
    return texts


def _choices(keys: list[str], texts: list[str]) -> list[dict[str, str]]:
    return [{"key": k, "text": t} for k, t in zip(keys, texts, strict=True)]


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
    keys = KeyChecker(report, what)
    texts = _take_keys(run, lambda m: m.group("text"), keys, "s")
    _no_empty_or_repeated(what, run, texts, "步骤", report)
    steps = _choices(keys.finish(), texts)
    return block_text(stem_lines), {"steps": steps}, [s["key"] for s in steps]


def _match(what, qtype, n, body, meta, report):
    stem_lines, run = _tail_run(body, PAIR)
    if not _no_trailing_text(what, run, report, "配对列表"):
        return None
    if len(run) < MIN_PAIRS:
        report.add(run[0][0] if run else n, f"{what}：匹配题至少要有 {MIN_PAIRS} 行 “- 项目 → 类别”")
        return None
    keys = KeyChecker(report, what)
    # The key closes the line and names the item: `- 项目 → 类别 {#i1}`.
    split = [split_key(m.group("cat")) for _, m in run]
    given = [c for c, _ in split]
    item_texts = [m.group("item") for _, m in run]
    for i, ((ln, _), (_, key)) in enumerate(zip(run, split, strict=True)):
        keys.take(ln, key, "i", i + 1)
    if "类别" in meta:
        cat_line, value = meta["类别"]
        raw = [c for c in CAT_SPLIT.split(value) if c]
    else:
        cat_line, raw = n, list(dict.fromkeys(given))
        if not report.keys_optional:  # (add-keys writes the line: _categories_line_edits)
            report.add(n, f"{what}：匹配题缺少 “类别：” 行；每个类别带编号，写成 “类别：甲 {{#c1}} | 乙 {{#c2}}”")
    cat_texts = []
    for i, c in enumerate(raw):
        text, key = split_key(c)
        # with no 类别 line the categories have no line of their own: add-keys writes one for them
        keys.take(cat_line if "类别" in meta else -1, key, "c", i + 1)
        cat_texts.append(text)
    if len(set(cat_texts)) != len(cat_texts):
        report.add(cat_line, f"{what}：类别列表有重复")
    if len(cat_texts) < 2:
        report.add(cat_line, f"{what}：匹配题至少要有 2 个类别")
        return None
    all_keys = keys.finish()
    items = _choices(all_keys[:len(item_texts)], item_texts)
    categories = _choices(all_keys[len(item_texts):], cat_texts)
    _categories_line_edits(report, cat_line, meta, categories)
    answer = {}
    for i, (ln, _) in enumerate(run):
        if not given[i]:
            report.add(ln, f"{what}：项目 “{item_texts[i]}” 没有写类别（→ 后面为空）")
        elif given[i] not in cat_texts:
            report.add(ln, f"{what}：项目 “{item_texts[i]}” 的类别 “{given[i]}” 不在 “类别：” 列表中")
        if item_texts[i] in item_texts[:i]:
            report.add(ln, f"{what}：项目 “{item_texts[i]}” 重复")
        if given[i] in cat_texts:
            answer[items[i]["key"]] = categories[cat_texts.index(given[i])]["key"]
    return block_text(stem_lines), {"items": items, "categories": categories}, answer


def _categories_line_edits(report: Report, line: int, meta: dict, categories: list[dict[str, str]]) -> None:
    """add-keys: the 类别 line is (re)written whole, every category with its key."""
    if not report.keys_optional:
        return
    text = "类别：" + " | ".join(f"{c['text']} {{#{c['key']}}}" for c in categories)
    if "类别" in meta:
        if any(e[0] == line for e in report.edits):
            report.edits[:] = [e for e in report.edits if e[0] != line]
            report.edits.append((line, "replace", text))
    else:
        report.edits.append((meta.get("知识点", (line, ""))[0], "insert-after", text))
