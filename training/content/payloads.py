"""What a learner is shown of a question or a case, as typed data: the payload of one version.

These classes are the schema of the JSON stored for questions, cases and their versions;
every read and write goes through from_json / to_json. Things inside an item are named by
their stable keys, never by position. Pure: no Flask, no database.
"""
from __future__ import annotations

import hashlib
import json
import random
from dataclasses import asdict, dataclass, field
from typing import Any

from .source import KEY_REF

LETTERS = "ABCDEFGH"


@dataclass(frozen=True)
class Choice:
    key: str
    text: str

    @classmethod
    def many(cls, raw: list[dict[str, str]] | None) -> tuple["Choice", ...]:
        return tuple(cls(c["key"], c["text"]) for c in raw or [])

    def to_json(self) -> dict[str, str]:
        return {"key": self.key, "text": self.text}  # asdict() deep-copies: 10 000 questions notice


@dataclass(frozen=True)
class QuestionPayload:
    """An objective question as shown and graded. answer is in keys:
    单选 str · 多选 sorted [str] · 判断 bool · 排序 [str] in the right order · 匹配 {item key: category key}."""

    qtype: str
    title: str
    difficulty: str
    stem_html: str
    explanation_html: str
    answer: Any
    options: tuple[Choice, ...] = ()
    steps: tuple[Choice, ...] = ()
    items: tuple[Choice, ...] = ()
    categories: tuple[Choice, ...] = ()

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> "QuestionPayload":
        return cls(qtype=d["qtype"], title=d.get("title", ""), difficulty=d.get("difficulty", ""),
                   stem_html=d.get("stem_html", ""), explanation_html=d.get("explanation_html", ""),
                   answer=d.get("answer"), options=Choice.many(d.get("options")), steps=Choice.many(d.get("steps")),
                   items=Choice.many(d.get("items")), categories=Choice.many(d.get("categories")))

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"qtype": self.qtype, "title": self.title, "difficulty": self.difficulty,
                               "stem_html": self.stem_html, "explanation_html": self.explanation_html,
                               "answer": self.answer}
        for name in ("options", "steps", "items", "categories"):
            values = getattr(self, name)
            if values:
                out[name] = [c.to_json() for c in values]
        return out

    @property
    def shuffled_parts(self) -> tuple[Choice, ...]:
        """What is shown in a per-learner order: options (单选/多选) or steps (排序)."""
        return self.options or self.steps

    def text(self, key: str) -> str:
        for c in self.options + self.steps + self.items + self.categories:
            if c.key == key:
                return c.text
        return ""

    def keys(self, name: str) -> list[str]:
        return [c.key for c in getattr(self, name)]

    def in_order(self, order: list[str] | None) -> list[Choice]:
        """The options (or steps) in the order a learner was shown them; unknown keys are skipped
        and parts missing from the order go last, so an order saved on another version still reads."""
        parts = {c.key: c for c in self.shuffled_parts}
        shown = [parts[k] for k in order or [] if k in parts]
        return shown + [c for c in self.shuffled_parts if c not in shown]


def with_letters(html: str, letters: dict[str, str]) -> str:
    """Replace `{b}` references to options by the letter the learner saw (unknown keys stay)."""
    return KEY_REF.sub(lambda m: letters.get(m.group("key"), m.group(0)), html)


def presented_order(keys: list[str], seed: str) -> list[str]:
    """A shuffled order of keys, the same for the same seed (one learner, one attempt, one item).

    For 排序 the right order is never shown as it is, so the answer is not given away.
    """
    order = list(keys)
    rng = random.Random(seed)
    for _ in range(10):
        rng.shuffle(order)
        if order != keys or len(keys) < 2:
            break
    return order


@dataclass(frozen=True)
class KeyPointData:
    key: str
    label: str
    weight: int
    explanation_html: str
    hints: list[list[str]]
    # common misconceptions (content/FORMAT.md, 误区): {"says": a sentence, "wordings": ["fragment…fragment", …]}
    misconceptions: list[dict] = field(default_factory=list)


@dataclass(frozen=True)
class FollowupData:
    key: str
    question: str
    target: str | None  # key of the key point it probes
    answer_html: str
    hints: list[list[str]]


@dataclass(frozen=True)
class CasePayload:
    """A case (答辩 / 案例分析 / 方案设计) as shown and graded."""

    kind: str
    title: str
    difficulty: str
    prompt_html: str
    background_html: str
    key_points: tuple[KeyPointData, ...] = field(default_factory=tuple)
    followups: tuple[FollowupData, ...] = field(default_factory=tuple)

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> "CasePayload":
        return cls(kind=d["kind"], title=d.get("title", ""), difficulty=d.get("difficulty", ""),
                   prompt_html=d.get("prompt_html", ""), background_html=d.get("background_html", ""),
                   key_points=tuple(KeyPointData(**p) for p in d.get("key_points", [])),
                   followups=tuple(FollowupData(**f) for f in d.get("followups", [])))

    def to_json(self) -> dict[str, Any]:
        # What asdict() gives, without its deep copy of every hint string: a load notices.
        return {"kind": self.kind, "title": self.title, "difficulty": self.difficulty,
                "prompt_html": self.prompt_html, "background_html": self.background_html,
                "key_points": [{"key": p.key, "label": p.label, "weight": p.weight,
                                "explanation_html": p.explanation_html, "hints": _hints(p.hints)}
                               # only when written: a case without 误区 keeps its fingerprint
                               | ({"misconceptions": [{"says": m["says"], "wordings": list(m["wordings"])}
                                                      for m in p.misconceptions]} if p.misconceptions else {})
                               for p in self.key_points],
                "followups": [{"key": f.key, "question": f.question, "target": f.target,
                               "answer_html": f.answer_html, "hints": _hints(f.hints)} for f in self.followups]}

    def point(self, key: str) -> KeyPointData | None:
        return next((p for p in self.key_points if p.key == key), None)

    def followup(self, key: str) -> FollowupData | None:
        return next((f for f in self.followups if f.key == key), None)

    def points_as_dicts(self) -> list[dict[str, Any]]:
        """The shape the key-point matcher reads."""
        return [asdict(p) for p in self.key_points]


def _hints(hints: list[list[str]]) -> list[list[str]]:
    """A copy of hint groups (lists of words), as asdict() makes it."""
    return [type(group)(group) for group in hints]


def fingerprint(payload: dict[str, Any]) -> str:
    """Identity of a version: a hash of what the learner sees and how it is graded."""
    raw = json.dumps(payload, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(raw.encode()).hexdigest()


def question_payload(q: Any) -> QuestionPayload:
    """The payload of a parsed question (a QuestionItem)."""
    return QuestionPayload(qtype=q.qtype, title=q.title, difficulty=q.difficulty, stem_html=q.stem_html,
                           explanation_html=q.explanation_html, answer=q.answer,
                           **{name: Choice.many(q.data.get(name)) for name in ("options", "steps", "items", "categories")})


def case_payload(c: Any) -> CasePayload:
    """The payload of a parsed case (a CaseItem)."""
    return CasePayload(
        kind=c.kind, title=c.title, difficulty=c.difficulty, prompt_html=c.prompt_html, background_html=c.background_html,
        key_points=tuple(KeyPointData(p.key, p.label, p.weight, p.explanation_html, p.hints, p.misconceptions)
                          for p in c.key_points),
        followups=tuple(FollowupData(f.key, f.question, f.target, f.answer_html, f.hints) for f in c.followups))
