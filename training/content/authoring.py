"""Checking a document written in the browser against the live content. Pure: no Flask, no database.

The editor's text is one file in the content/ format; it goes through the same parser as content/
(parse_document), then through the checks read_content applies across files, made against what is
already live (`Known`): the area exists, every knowledge point it names exists (live or in this
document), and no id it defines belongs to another file or document.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .items import ContentSet, Problem
from .markdown import raw_html_lines
from .parse import parse_document
from ..grading.synonyms import synonyms
from .validate import check_longest_keys, hint_warnings, punctuation_problems

ALLOWED_KINDS = {"TopicItem": "topic", "CaseItem": "case", "BankItem": "bank"}
STARTERS = {
    "topic": """---
kind: topic
id: kp-{area}-new
area: {area}
title: 新知识点
---

用自己的话写清这个知识点：定义、要点、例子。
""",
    "case": """---
kind: case
id: case-{area}-new
area: {area}
title: 新案例
type: 答辩
---

## 背景

案例材料（可选）。

## 题目

考生看到的题目。

## 参考要点

### 第一个要点（60分） {{#p1}}
提示词：说法一/说法二，另一组/另一种说法，第三组，第四组
误区：考生常写…这样说/另一种写法（考生常写的那句话这样说）

这个要点的完整说明。

### 第二个要点（40分） {{#p2}}
提示词：说法一/说法二，另一组，第三组，第四组

这个要点的完整说明。
""",
    "bank": """---
kind: bank
id: bank-{area}-new
area: {area}
title: 新题库
---

## {area}-new-q001 · 单选 · 中
知识点：{topic}

题干。

- [ ] 选项一 {{#a}}
- [x] 选项二（正确） {{#b}}
- [ ] 选项三 {{#c}}
- [ ] 选项四 {{#d}}

### 解析

为什么选二，其余为什么不对。
""",
}


@dataclass
class Known:
    """What is live besides the document being checked."""

    areas: dict[str, str]  # id → title
    topics: set[str]  # live knowledge point ids
    owners: dict[str, str] = field(default_factory=dict)  # item id → source_path of the item that has it


@dataclass
class Checked:
    kind: str | None
    content: ContentSet  # the document's items (topics, cases, banks)
    problems: list[Problem]
    warnings: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.problems and self.kind is not None

    @property
    def title(self) -> str:
        items = self.content.topics + self.content.cases + self.content.banks
        return items[0].title if items else ""

    def item_ids(self) -> list[str]:
        c = self.content
        return [t.id for t in c.topics] + [x.id for x in c.cases] + [b.id for b in c.banks] + [q.id for q in c.questions]


def check_document(path: str, text: str, known: Known) -> Checked:
    """Parse and check one browser document; problems carry line numbers in `text`."""
    items, problems = parse_document(path, text)
    return check_parsed(path, text, items, problems, known)


def check_parsed(path: str, text: str, items: list, problems: list[Problem], known: Known) -> Checked:
    """check_document for a file already parsed (an import parses all its files at once, in parallel)."""
    problems = list(problems) + punctuation_problems(path, text)
    problems += [Problem(path, n, f"不能直接写 HTML（{tag}）：页面会原样显示它；请改用 Markdown：**粗体**、==标记==、列表、表格")
                 for n, tag in raw_html_lines(text)]
    content = ContentSet()
    kind = None
    for item in items:
        name = type(item).__name__
        if name not in ALLOWED_KINDS:
            problems.append(Problem(path, item.line, "网页上只能编写知识点（topic）、案例（case）和题库（bank）"))
            continue
        kind = ALLOWED_KINDS[name]
        content.add(item)
    own_topics = {t.id for t in content.topics}
    defined = [(t, "知识点") for t in content.topics] + [(c, "案例") for c in content.cases]
    defined += [(b, "题库") for b in content.banks] + [(q, "题目") for q in content.questions]
    for item, what in defined:
        owner = known.owners.get(item.id)
        if owner is not None and owner != path:
            problems.append(Problem(path, item.line, f"{what}编号 {item.id} 已被 {owner} 使用，请换一个编号"))
        area = getattr(item, "area", None)
        if area is not None and area not in known.areas:
            problems.append(Problem(path, item.line, f"考点领域 {area!r} 不存在（可用：{'、'.join(known.areas)}）"))
    for case in content.cases:
        problems += [Problem(path, case.line, f"knowledge 引用了不存在的知识点 {ref}")
                     for ref in case.knowledge if ref not in known.topics | own_topics]
    for q in content.questions:
        problems += [Problem(path, q.knowledge_line, f"题目 {q.id} 的知识点 {ref} 不存在")
                     for ref in q.knowledge if ref not in known.topics | own_topics]
    check_longest_keys(content, problems)
    if not items and not problems:
        problems.append(Problem(path, 1, "文档是空的"))
    return Checked(kind, content, sorted(set(problems), key=lambda p: (p.line, p.message)), hint_warnings(content))


def synonym_suggestions(content: ContentSet, limit: int = 8) -> list[tuple[str, list[str]]]:
    """Per key point, 同义词词林 synonyms of its hint words that the hints do not list yet: the matcher
    already accepts them (it expands hints itself), but an author may want to see and curate them."""
    out = []
    for case in content.cases:
        for p in case.key_points:
            written = {w for g in p.hints for w in g}
            extra = list(dict.fromkeys(s for g in p.hints for w in g if not w.startswith("-")
                                       for s in synonyms(w) if s not in written))
            if extra:
                out.append((p.label, extra[:limit]))
    return out
