"""What every interchange format shares: the neutral form of a foreign question, notes, areas, ids.

A reader (gift.py, moodle_xml.py) turns a file into SourceQuestions; convert.py writes them as our
Markdown and runs our own parser on the result, so nothing reaches content/ that the checker refuses.
"""
from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..content.items import AreaItem
from ..content.source import ID_MAX, ID_RE, KEY_RE

QTYPE_NAMES = {  # Moodle's question types, named for a Chinese reader
    "multichoice": "选择题（multichoice）", "truefalse": "判断题（truefalse）", "match": "匹配题（matching）",
    "ordering": "排序题（ordering）", "shortanswer": "简答填空题（shortanswer）", "numerical": "数值题（numerical）",
    "essay": "论述题（essay）", "description": "说明文字（description）", "missingword": "完形填空题（missing word）",
    "multianswer": "嵌入式完形填空题（cloze）", "calculated": "计算题（calculated）",
    "calculatedsimple": "简单计算题（calculatedsimple）", "calculatedmulti": "计算选择题（calculatedmulti）",
    "ddwtos": "拖放填空题（ddwtos）", "gapselect": "下拉填空题（gapselect）", "ddimageortext": "图片拖放题（ddimageortext）",
    "ddmarker": "图片标记题（ddmarker）", "randomsamatch": "随机简答匹配题（randomsamatch）", "random": "随机题（random）",
}
# Why a type does not come in: each one-line reason finishes "……，未导入".
NOT_OBJECTIVE = {
    "shortanswer": "考生要自己输入文字，本站只有单选、多选、判断、排序、匹配五种客观题",
    "numerical": "考生要输入数字，本站只有单选、多选、判断、排序、匹配五种客观题",
    "missingword": "答案写在题干中间（完形填空），本站的选择题不支持题干里的空格",
    "essay": "论述题没有本站格式的参考要点（带分值和提示词），无法按要点评分",
    "description": "这是一段说明文字，不是题目",
}


class ImportRefused(ValueError):
    """The whole file cannot be read (not UTF-8, not XML, an XML entity or DTD): nothing is imported."""


@dataclass(frozen=True)
class Note:
    """Something about one question (or one category line) of a file, in Chinese.

    kept=False: the question was left out and message says why;
    kept=True: it went through, and message says what changed on the way.
    On export, path names the content file the item comes from.
    """

    line: int
    title: str
    message: str
    kept: bool = True
    path: str = ""
    export: bool = False

    def __str__(self) -> str:
        head = f"{self.path}:{self.line} " if self.path else f"第 {self.line} 行" if self.line else ""
        title = f"“{self.title}”" if self.title else ""
        verdict = "" if self.kept else "未导出：" if self.export else "未导入："
        return f"{head}{title}：{verdict}{self.message}"


@dataclass
class ImportResult:
    """Converted documents (path in the content/ layout → Markdown that parse_document accepts) and notes."""

    documents: dict[str, str] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)
    imported: int = 0

    @property
    def errors(self) -> list[Note]:
        """The questions that were not imported."""
        return [n for n in self.notes if not n.kept]

    @property
    def skipped(self) -> int:
        return len(self.errors)


@dataclass(frozen=True)
class ExportResult:
    """An exported file and what could not go into it (or changed on the way), in Chinese."""

    data: Any  # str for GIFT, bytes for Moodle XML
    notes: list[Note] = field(default_factory=list)


@dataclass
class Answer:
    """One answer of a Moodle question: Markdown text, a weight in percent, its own feedback."""

    text: str
    weight: float = 0.0
    feedback: str = ""


@dataclass
class SourceQuestion:
    """A question as read from a foreign file, texts already converted to our Markdown."""

    line: int
    name: str = ""
    idnumber: str = ""
    tags: list[str] = field(default_factory=list)
    kind: str = ""  # Moodle's type: multichoice, truefalse, match, ordering, essay, shortanswer, …
    single: bool = True  # multichoice: one right answer (radio buttons) or several (check boxes)
    text: str = ""
    general_feedback: str = ""
    answers: list[Answer] = field(default_factory=list)  # multichoice; ordering (in the right order)
    truth: bool | None = None  # truefalse
    true_feedback: str = ""  # shown to whoever answered 对
    false_feedback: str = ""
    pairs: list[tuple[str, str]] = field(default_factory=list)  # match: (item, category); item "" = extra category
    grader_info: str = ""  # essay: our 参考要点 / 追问 sections when the file came from us
    keys: list[list[str]] = field(default_factory=list)  # our stable keys (read_keys), when the file came from us
    area: str = ""
    notes: list[str] = field(default_factory=list)  # what conversion changed, for the question's Note
    error: str = ""  # set by a reader when the question cannot be read at all

    @property
    def title(self) -> str:
        """What a person recognises the question by in a message."""
        if self.name:
            return self.name[:40]
        text = re.sub(r"\s+", " ", html.unescape(re.sub(r"[*`\\]|^#+\s*", "", self.text))).strip()
        return text[:24] + ("…" if len(text) > 24 else "")


# Tags carry what Moodle has no field for: knowledge points (kp-…), 难度:易|中|难, and for a case
# 类型:答辩|案例分析|方案设计 and 顺序:N (its order among the area's cases).
DIFFICULTY_TAG, CASE_TYPE_TAG, ORDER_TAG = "难度:", "类型:", "顺序:"


def is_id(value: str) -> bool:
    return bool(value) and len(value) <= ID_MAX and bool(ID_RE.match(value))


def stable_id(prefix: str, *parts: str) -> str:
    """An id from a hash of the question's own text: the same question imported twice gets the same id."""
    digest = hashlib.sha256("\x1f".join(re.sub(r"\s+", " ", p).strip() for p in parts).encode()).hexdigest()
    return f"{prefix}-{digest[:12]}"


def keys_line(*groups: Iterable[str]) -> str:
    """Our stable keys, written into a comment of an exported file so that a round trip keeps them:
    `编号：a b c d`, or for 匹配 `编号：i1 i2 | c2 c1 | c1 c2` (items; categories in the order the file lists
    them; the same keys in the order of our 类别 line)."""
    return "编号：" + " | ".join(" ".join(g) for g in groups)


KEYS_COMMENT = re.compile(r"^\s*编号[:：]\s*(?P<keys>.*?)\s*$")


def read_keys(comment: str) -> list[list[str]]:
    """The key groups of a keys comment; [] when the comment is not one or a key is malformed."""
    m = KEYS_COMMENT.match(comment)
    if not m:
        return []
    groups = [g.split() for g in m.group("keys").split("|")]
    flat = [k for g in groups for k in g]
    if not flat or not all(KEY_RE.match(k) for k in flat) or any(len(set(g)) != len(g) for g in groups):
        return []
    return groups


class Areas:
    """The syllabus areas a category may name: by id or by title (Moodle categories are often titles)."""

    def __init__(self, areas: Iterable[AreaItem] | Mapping[str, str] | None, default_area: str):
        if isinstance(areas, Mapping):
            self.titles = dict(areas)
        else:
            self.titles = {a.id: a.title for a in areas} if areas is not None else {}
        self.known = areas is not None
        if not is_id(default_area) or (self.known and default_area not in self.titles):
            raise ValueError(f"默认领域 {default_area!r} 不是考纲领域的编号")
        self.default = default_area

    def title(self, area: str) -> str:
        return self.titles.get(area, area)

    def resolve(self, category: str) -> tuple[str, str | None]:
        """(area, message or None) for a Moodle category path such as `$course$/top/客户服务计划`."""
        segments = [s.strip() for s in category.replace("//", "\x00").split("/") if s.strip()]  # "//": a "/" in a name
        last = segments[-1].replace("\x00", "/") if segments else ""
        if not last or last in ("top", "$course$", "$system$", "$module$", "$cat1$") or last.startswith("Default for"):
            return self.default, None  # Moodle's own default categories
        if self.known:
            if last in self.titles:
                return last, None
            by_title = [a for a, t in self.titles.items() if t == last]
            if by_title:
                return by_title[0], None
        elif is_id(last):
            return last, None
        return self.default, (f"分类 “{last}” 不对应任何考纲领域（写领域编号如 {self.default}，或领域名称"
                              f"如 “{self.title(self.default)}”），这一分类下的题目归入默认领域 {self.default}")
