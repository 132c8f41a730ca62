"""Plain data for parsed content, independent of Flask and the database."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, fields
from functools import cache
from typing import Any

QUESTION_TYPES = ("单选", "多选", "判断", "排序", "匹配")
DIFFICULTIES = ("易", "中", "难")
CASE_KINDS = ("答辩", "案例分析", "方案设计")
KINDS = ("topic", "case", "bank", "blueprint")
KIND_LABELS = {"topic": "知识点", "case": "案例", "bank": "题库", "question": "题目", "area": "考点领域",
               "blueprint": "考试蓝图"}


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the content, reported as `path:line: message`."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass
class Item:
    id: str
    title: str
    path: str
    line: int

    def fingerprint(self) -> str:
        """A hash of everything stored for this item, so an unchanged item is not rewritten.

        A bank's questions are items of their own and are left out of the bank's hash.
        """
        payload = {name: getattr(self, name) for name in _hashed_fields(type(self))}
        raw = json.dumps(payload, ensure_ascii=False, sort_keys=True, default=_plain)
        return hashlib.sha256(raw.encode()).hexdigest()


@cache
def _hashed_fields(cls: type) -> tuple[str, ...]:
    """The fields Item.fingerprint hashes, in order (fields() builds its answer anew on every call)."""
    return tuple(f.name for f in fields(cls) if f.name != "questions")


def _plain(value: Any) -> Any:
    """JSON fallback for nested dataclasses (key points, follow-ups)."""
    return value.__dict__ if hasattr(value, "__dataclass_fields__") else str(value)


DEFAULT_ORDER = 1000


@dataclass
class AreaItem(Item):
    summary: str = ""
    core: bool = False
    position: int = 0
    objective: bool = True  # `questions: false` in areas.yaml: no objective questions (the 论文 and its defense)


@dataclass
class TopicItem(Item):
    order: int = DEFAULT_ORDER
    area: str = ""
    summary: str = ""
    body_md: str = ""
    body_html: str = ""
    text: str = ""
    position: int = 0


@dataclass
class KeyPoint:
    key: str
    label: str
    weight: int
    explanation_md: str
    explanation_html: str
    hints: list[list[str]]
    line: int
    # Common misconceptions (误区 line): {"says": the sentence learners read, "wordings": ["fragment…fragment", …]}
    # (source.parse_misconceptions)
    misconceptions: list[dict] = field(default_factory=list)


@dataclass
class Followup:
    key: str
    question: str
    target: str | None  # key of the key point it probes
    answer_md: str
    answer_html: str
    hints: list[list[str]]
    line: int


@dataclass
class CaseItem(Item):
    order: int = DEFAULT_ORDER
    area: str = ""
    kind: str = "答辩"
    difficulty: str = "中"
    knowledge: list[str] = field(default_factory=list)
    prompt_md: str = ""
    prompt_html: str = ""
    background_md: str = ""
    background_html: str = ""
    key_points: list[KeyPoint] = field(default_factory=list)
    followups: list[Followup] = field(default_factory=list)
    text: str = ""
    position: int = 0


@dataclass
class QuestionItem(Item):
    area: str = ""
    bank: str = ""
    qtype: str = ""
    difficulty: str = ""
    knowledge: list[str] = field(default_factory=list)
    knowledge_line: int = 0
    stem_md: str = ""
    stem_html: str = ""
    # {"options"|"steps"|"items"|"categories": [{"key", "text"}]}; see training/content/payloads.py
    data: dict[str, Any] = field(default_factory=dict)
    answer: Any = None  # in keys: 单选 str, 多选 [str], 判断 bool, 排序 [str] (right order), 匹配 {item: category}
    explanation_md: str = ""
    explanation_html: str = ""
    text: str = ""
    position: int = 0


@dataclass
class BankItem(Item):
    order: int = DEFAULT_ORDER
    area: str = ""
    questions: list[QuestionItem] = field(default_factory=list)
    position: int = 0


@dataclass
class BlueprintSection:
    qtype: str
    count: int
    points: float | None  # per item; None on every section means items share 100 points equally
    areas: dict[str, int]  # optional per-area counts, summing to count
    line: int
    title: str | None = None  # a part heading on the paper (职业道德); items keep one running number
    exclude: list[str] = field(default_factory=list)  # areas this section never draws from


@dataclass
class BlueprintItem(Item):
    """A mock-exam paper: what to draw and how long it takes."""

    order: int = DEFAULT_ORDER
    paper: str = ""
    time_limit: int | None = None  # minutes, for 理论知识 and 专业能力
    prep_minutes: int | None = None  # per question, for 综合评审
    answer_minutes: int | None = None
    pass_mark: int = 60
    sections: list[BlueprintSection] = field(default_factory=list)
    intro_md: str = ""
    intro_html: str = ""
    position: int = 0


@dataclass
class ContentSet:
    """Everything parsed from one content directory, plus what was wrong with it."""

    areas: list[AreaItem] = field(default_factory=list)
    topics: list[TopicItem] = field(default_factory=list)
    cases: list[CaseItem] = field(default_factory=list)
    banks: list[BankItem] = field(default_factory=list)
    blueprints: list[BlueprintItem] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)  # worth fixing, but content with them still loads

    @property
    def questions(self) -> list[QuestionItem]:
        return [q for bank in self.banks for q in bank.questions]

    def add(self, item) -> None:
        """Put a parsed knowledge point, case, bank or blueprint in its list."""
        {TopicItem: self.topics, CaseItem: self.cases, BankItem: self.banks,
         BlueprintItem: self.blueprints}[type(item)].append(item)

    @property
    def ok(self) -> bool:
        return not self.problems
