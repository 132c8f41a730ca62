"""SourceQuestions → our Markdown documents, each question checked by our own parser before it is kept.

A question that our parser (or checker) refuses is reported with its source line and title and left
out; the rest still come in. One bank file per area; a case (from a Moodle essay we exported) is a
file of its own.
"""
from __future__ import annotations

import json
import re

from ..content.items import CASE_KINDS, DIFFICULTIES
from ..content.markdown import raw_html_lines
from ..content.parse import parse_document
from ..content.punctuation import fix_body, fix_line
from ..content.questions import LETTER_REF, OPTION, PAIR, STEP
from ..content.source import KEY_REF, META_LINE
from .common import (
    CASE_TYPE_TAG,
    DIFFICULTY_TAG,
    NOT_OBJECTIVE,
    ORDER_TAG,
    QTYPE_NAMES,
    Areas,
    ImportResult,
    Note,
    SourceQuestion,
    is_id,
    stable_id,
)
from .textconv import entity_first

HEADING = re.compile(r"^\s{0,3}#{1,3}(?:\s+(?P<text>.*?))?\s*#*\s*$")
OPTION_REF = re.compile(r"【选项[:：](?P<text>[^【】\n]+)】")
ARROW = re.compile(r"→|->|=>")
LETTERS = "abcdefgh"


def guard_lines(text: str, tail: re.Pattern | None = None, meta: bool = True) -> str:
    """Lines our parser would read as structure (a new question, a 知识点: line, an option of this
    type) are made into text: headings become bold paragraphs, the others start with an entity."""
    out = []
    for line in text.split("\n"):
        m = HEADING.match(line)
        if m:
            line = f"**{m.group('text')}**" if m.group("text") else ""
        elif (meta and META_LINE.match(line)) or (tail is not None and tail.match(line)):
            line = entity_first(line)
        out.append(line)
    return "\n".join(out).strip()


def resolve_refs(text: str, options: list[tuple[str, str]]) -> str:
    """【选项：文字】 (how our exports name an option) → {key}; any other {word} is shown as written."""
    by_text: dict[str, list[str]] = {}
    for key, option_text in options:
        by_text.setdefault(option_text, []).append(key)
    keys = {k for k, _ in options}

    def to_key(m: re.Match) -> str:
        found = by_text.get(m.group("text").strip(), [])
        return f"{{{found[0]}}}" if len(found) == 1 else m.group(0)

    text = OPTION_REF.sub(to_key, text)
    return KEY_REF.sub(lambda m: m.group(0) if m.group("key") in keys else f"{{{m.group('key')}\\}}", text)


def _tags(q: SourceQuestion) -> tuple[list[str], str, str]:
    """(knowledge ids, difficulty, case type) from Moodle tags."""
    knowledge = [t for t in q.tags if t.startswith("kp-") and is_id(t)]
    difficulty = next((t[len(DIFFICULTY_TAG):] for t in q.tags if t.startswith(DIFFICULTY_TAG)
                       and t[len(DIFFICULTY_TAG):] in DIFFICULTIES), "中")
    case_type = next((t[len(CASE_TYPE_TAG):] for t in q.tags if t.startswith(CASE_TYPE_TAG)
                      and t[len(CASE_TYPE_TAG):] in CASE_KINDS), "答辩")
    return knowledge, difficulty, case_type


def _keys(q: SourceQuestion, group: int, count: int, prefix: str) -> list[str]:
    """Our own keys when the file came from us and still fits; otherwise a, b, c… / s1, s2… / i1… / c1…."""
    if len(q.keys) > group and len(q.keys[group]) == count:
        return q.keys[group]
    return [LETTERS[i] if not prefix and i < len(LETTERS) else f"{prefix or 'o'}{i + 1}" for i in range(count)]


class _Refused(Exception):
    """This question cannot come in; the message says why."""


def _explanation(q: SourceQuestion, extra: list[str]) -> str:
    parts = [q.general_feedback.strip()] if q.general_feedback.strip() else []
    if extra:
        parts.append("\n".join(extra))
        q.notes.append("各选项的反馈已写进解析")
    if not parts:
        raise _Refused("原题没有解析（GIFT 的 ####总体反馈，或 Moodle XML 的 generalfeedback），本站每道题都要写解析")
    return "\n\n".join(parts)


def _choice(q: SourceQuestion) -> tuple[str, str, str, str, list[str]]:
    """(qtype, stem, answer block, explanation, option texts) of a multichoice question."""
    if len(q.answers) < 2:
        raise _Refused("选择题至少要有 2 个选项")
    if q.single:
        right = [a for a in q.answers if a.weight >= 100 - 1e-6]
        if len(right) != 1:
            raise _Refused("单选题没有得满分（100%）的选项" if not right else
                           f"有 {len(right)} 个选项都得满分，本站单选题只能有一个正确选项")
        if any(0 < a.weight < 100 - 1e-6 for a in q.answers):
            q.notes.append("得部分分的选项按错误选项导入：本站单选题只有一个正确选项")
        qtype = "单选"
    else:
        right = [a for a in q.answers if a.weight > 0]
        if not right:
            raise _Refused("多选题没有得分为正的选项")
        if len(right) == 1:
            qtype = "单选"
            q.notes.append("只有一个得分为正的选项，按单选题导入")
        else:
            qtype = "多选"
            q.notes.append("本站多选题没有部分得分权重：得分为正的选项都算正确答案，原题各选项的百分比不保留")
    keys = _keys(q, 0, len(q.answers), "")
    options = list(zip(keys, (a.text for a in q.answers), strict=True))
    stem = resolve_refs(_letters_to_keys(guard_lines(q.text, OPTION), keys, q), options)
    right_ids = {id(a) for a in right}
    lines = [f"- [{'x' if id(a) in right_ids else ' '}] {a.text} {{#{k}}}" for k, a in zip(keys, q.answers, strict=True)]
    extra = [f"- {{{k}}}：{a.feedback.strip()}" for k, a in zip(keys, q.answers, strict=True) if a.feedback.strip()]
    explanation = resolve_refs(_letters_to_keys(guard_lines(_explanation(q, extra), meta=False), keys, q), options)
    return qtype, stem, "\n".join(lines), explanation, [a.text for a in q.answers]


def _letters_to_keys(text: str, keys: list[str], q: SourceQuestion) -> str:
    """“B 项”“A、C 两项”“选项 D” mean the options in the order the file lists them; written as {b}, each
    is shown with the letter the learner sees (our checker refuses bare letters: pages shuffle options)."""
    def to_keys(m: re.Match) -> str:
        return re.sub(r"[A-H]", lambda c: f"{{{keys[ord(c.group()) - 65]}}}" if ord(c.group()) - 65 < len(keys)
                      else c.group(), m.group(0))

    changed = LETTER_REF.sub(to_keys, text)
    if changed != text:
        q.notes.append("用字母指代选项的地方（如“B 项”）已改成选项编号，页面会显示成考生看到的字母")
    return changed


def _judge(q: SourceQuestion) -> tuple[str, str, str, str, list[str]]:
    if q.truth is None:
        raise _Refused("判断题没有答案")
    extra = [f"- 答“{word}”：{fb.strip()}" for word, fb in (("对", q.true_feedback), ("错", q.false_feedback))
             if fb.strip()]
    explanation = resolve_refs(guard_lines(_explanation(q, extra), meta=False), [])
    return "判断", resolve_refs(guard_lines(q.text), []), f"答案：{'对' if q.truth else '错'}", explanation, []


def _order(q: SourceQuestion) -> tuple[str, str, str, str, list[str]]:
    keys = _keys(q, 0, len(q.answers), "s")
    lines = [f"{i + 1}. {a.text} {{#{k}}}" for i, (k, a) in enumerate(zip(keys, q.answers, strict=True))]
    explanation = resolve_refs(guard_lines(_explanation(q, []), meta=False), [])
    return "排序", resolve_refs(guard_lines(q.text, STEP), []), "\n".join(lines), explanation, [a.text for a in q.answers]


def _match(q: SourceQuestion) -> tuple[str, str, str, str, list[str], str]:
    items = [(item, cat) for item, cat in q.pairs if item]
    categories = list(dict.fromkeys([cat for _, cat in items] + [cat for item, cat in q.pairs if not item]))
    for item, cat in items:
        if ARROW.search(item):
            raise _Refused(f"匹配项目 “{item}” 里有箭头（→、->、=>），本站用箭头分隔项目和类别")
        if not cat:
            raise _Refused(f"匹配项目 “{item}” 没有对应的类别")
    for cat in categories:
        if re.search(r"[|｜]", cat):
            raise _Refused(f"类别 “{cat}” 里有竖线 |，本站用竖线分隔类别")
    item_keys = _keys(q, 0, len(items), "i")
    cat_keys = _keys(q, 1, len(categories), "c")
    if len(q.keys) > 2 and sorted(q.keys[2]) == sorted(cat_keys):  # our export: the 类别 line's own order
        order = {k: i for i, k in enumerate(q.keys[2])}
        pairs = sorted(zip(cat_keys, categories, strict=True), key=lambda kc: order[kc[0]])
        cat_keys, categories = [k for k, _ in pairs], [c for _, c in pairs]
    cat_line = "类别：" + " | ".join(f"{c} {{#{k}}}" for c, k in zip(categories, cat_keys, strict=True))
    lines = [f"- {item} → {cat} {{#{k}}}" for (item, cat), k in zip(items, item_keys, strict=True)]
    explanation = resolve_refs(guard_lines(_explanation(q, []), meta=False), [])
    stem = resolve_refs(guard_lines(q.text, PAIR), [])
    return "匹配", stem, "\n".join(lines), explanation, [i for i, _ in items], cat_line


def question_block(q: SourceQuestion, qid: str | None, knowledge: list[str], difficulty: str) -> tuple[str, str]:
    """(id, Markdown block) of an objective question; raises _Refused."""
    cat_line = ""
    if q.kind == "multichoice":
        qtype, stem, answer, explanation, texts = _choice(q)
    elif q.kind == "truefalse":
        qtype, stem, answer, explanation, texts = _judge(q)
    elif q.kind == "ordering":
        qtype, stem, answer, explanation, texts = _order(q)
    else:
        qtype, stem, answer, explanation, texts, cat_line = _match(q)
    qid = qid or stable_id("q", qtype, q.text, *texts)
    head = [f"## {qid} · {qtype} · {difficulty}", "知识点：" + ", ".join(knowledge)]
    if cat_line:
        head.append(cat_line)
    parts = ["\n".join(head), stem, answer, "### 解析", explanation]
    return qid, "\n\n".join(p for p in parts if p)


def _front(meta: dict[str, str]) -> str:
    """YAML front matter; the title is written as a JSON string (also YAML), so a colon or quote in it stays text."""
    lines = [f"{k}: {json.dumps(v, ensure_ascii=False) if k == 'title' else v}" for k, v in meta.items()]
    return "---\n" + "\n".join(lines) + "\n---\n"


def case_document(q: SourceQuestion, qid: str, knowledge: list[str], difficulty: str,
                  case_type: str) -> tuple[str, str]:
    """(front matter, body) of a case rebuilt from an essay whose grader information is our 参考要点."""
    text = q.text.strip()
    if not re.search(r"^##\s+题目\s*$", text, re.MULTILINE):
        text = "## 题目\n\n" + guard_lines(text)
    meta = {"kind": "case", "id": qid, "area": q.area, "title": fix_line(q.name or q.title), "type": case_type,
            "difficulty": difficulty}
    order = next((t[len(ORDER_TAG):] for t in q.tags if t.startswith(ORDER_TAG) and t[len(ORDER_TAG):].isdigit()), "")
    if order:
        meta["order"] = order
    if knowledge:
        meta["knowledge"] = "[" + ", ".join(knowledge) + "]"
    return _front(meta), text + "\n\n" + q.grader_info.strip()


def _checked(path: str, front: str, body: str, q: SourceQuestion) -> str:
    """body with Chinese punctuation fixed, refused (_Refused) if, under front, our parser or checker
    finds a problem."""
    fixed = fix_body(body)
    if fixed != body:
        q.notes.append("中文旁的半角标点已改为全角")
    html = raw_html_lines(fixed)
    if html:
        raise _Refused(f"含有 HTML 标签 {html[0][1]}")
    _, problems = parse_document(path, front + "\n" + fixed + "\n")
    if problems:
        raise _Refused("本站检查器不接受：" + "；".join(p.message for p in problems))
    return fixed


class Converter:
    """Collects converted questions per area, then writes the documents of an ImportResult."""

    def __init__(self, areas: Areas, name: str = "imported", knowledge: str | None = None):
        if not is_id(name):
            raise ValueError(f"题库名 {name!r} 只能用小写字母、数字和连字符")
        if knowledge is not None and not is_id(knowledge):
            raise ValueError(f"知识点编号 {knowledge!r} 只能用小写字母、数字和连字符")
        self.areas, self.name, self.knowledge = areas, name, knowledge
        self.result = ImportResult()
        self.blocks: dict[str, list[str]] = {}
        self.seen: dict[str, int] = {}
        self.placeholder: set[str] = set()

    def note(self, line: int, title: str, message: str, kept: bool = True) -> None:
        self.result.notes.append(Note(line, title, message, kept))

    def add(self, q: SourceQuestion) -> None:
        try:
            self._add(q)
        except _Refused as refused:
            self.note(q.line, q.title, str(refused), kept=False)
            return
        self.result.imported += 1
        if q.notes:
            self.note(q.line, q.title, "；".join(dict.fromkeys(q.notes)))

    def _add(self, q: SourceQuestion) -> None:
        if q.error:
            raise _Refused(q.error)
        known = q.idnumber if is_id(q.idnumber) else q.name if is_id(q.name) else None
        if q.idnumber and not is_id(q.idnumber):
            q.notes.append(f"Moodle 编号 “{q.idnumber}” 不合本站编号的写法（小写字母、数字和连字符），另取了编号")
        knowledge, difficulty, case_type = _tags(q)
        if q.kind == "essay" and re.search(r"^##\s+参考要点\s*$", q.grader_info, re.MULTILINE):
            qid = known or stable_id("case", q.text, q.grader_info)
            self._unique(qid, q)
            path = f"cases/{q.area}/{qid}.md"
            front, body = case_document(q, qid, knowledge, difficulty, case_type)
            self.result.documents[path] = front + "\n" + _checked(path, front, body, q) + "\n"
            return
        if q.kind not in ("multichoice", "truefalse", "match", "ordering"):
            reason = NOT_OBJECTIVE.get(q.kind, "本站没有对应的题型")
            raise _Refused(f"{QTYPE_NAMES.get(q.kind, q.kind)}：{reason}")
        placeholder = not knowledge and not self.knowledge
        knowledge = knowledge or [self.knowledge or f"kp-{q.area}-imported"]
        qid, block = question_block(q, known, knowledge, difficulty)
        self._unique(qid, q)
        path = f"questions/{q.area}/{self.name}.md"
        self.blocks.setdefault(q.area, []).append(_checked(path, self._bank_front(q.area), block, q))
        if placeholder:
            self.placeholder.add(q.area)

    def _unique(self, qid: str, q: SourceQuestion) -> None:
        if qid in self.seen:
            raise _Refused(f"编号 {qid} 与第 {self.seen[qid]} 行的题目相同（重复的题目只导入一次）")
        self.seen[qid] = q.line

    def _bank_front(self, area: str) -> str:
        return _front({"kind": "bank", "id": f"bank-{area}-{self.name}", "area": area,
                       "title": f"{self.areas.title(area)} · 导入题"})

    def finish(self) -> ImportResult:
        for area, blocks in self.blocks.items():
            path = f"questions/{area}/{self.name}.md"
            text = self._bank_front(area) + "\n" + "\n\n".join(blocks) + "\n"
            _, problems = parse_document(path, text)
            for p in problems:  # each block passed alone; together they must too
                self.note(p.line, path, p.message, kept=False)
            self.result.documents[path] = text
            if area in self.placeholder:
                self.note(0, path, f"原文件没有写知识点，“知识点：”暂填 kp-{area}-imported；"
                                   "保存到 content/ 之前请改成题目实际考查的知识点编号")
        self.result.documents = dict(sorted(self.result.documents.items()))
        return self.result
