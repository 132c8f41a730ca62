"""Suggest which reference key points a free-text answer covers.

Each key point carries hint groups written by the author: [["道歉", "致歉"], ["倾听"]].
A group is found when any of its words occurs in the answer, exactly or as a near
match (the word's characters in order with at most one character between them,
e.g. 耐心倾听 ~ 耐心地倾听). An occurrence does not count when the same clause
negates it (没有道歉, 不会先道歉, 道歉就不必了). A point is suggested as covered
when enough of its groups are found. The candidate confirms or corrects every
suggestion; this only saves them work and keeps them honest.
"""
from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field

# Share of a point's hint groups that must be found (at least one group always).
COVER_SHARE = 0.3
NEGATION_WINDOW = 6
CLAUSE_BREAK = re.compile(r"[,.;!?\n，。；！？：:]")
NEGATORS = ("没有", "没", "不", "未", "无", "别", "勿", "莫", "拒绝", "忽视", "忽略", "并非", "而非", "免得")
# Words that start with a negator but do not negate what follows.
NOT_NEGATING = (
    "不断", "不仅", "不但", "不少", "不同", "不满", "不足", "不良", "不当", "不周", "不快", "不适", "不舒服",
    "不好意思", "不得不", "不管", "不论", "不久", "不安", "不便", "不利", "无论", "无条件", "没关系", "不只",
    "未来", "别人", "别的", "无法", "不得", "不对劲", "不对", "不行", "不够", "不好", "不了",
)
AFTER_NEGATORS = ("没必要", "没有必要", "不必", "不用", "不需要", "多余", "省了", "算了", "不是主要", "不重要", "不是关键")
DOUBLE_NEGATION = ("不能不", "不得不", "不会不", "没有不", "不可不")


def normalise(text: str) -> str:
    """Full-width letters and digits to ASCII, lower case, no spaces (voice input adds odd spaces)."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"[ \t\u3000]+", "", text)


@dataclass
class PointSuggestion:
    index: int  # 0-based position of the key point
    covered: bool
    found: list[str] = field(default_factory=list)  # hint words found (one per group)
    negated: list[str] = field(default_factory=list)  # hint words found only in a negated clause
    groups: int = 0

    @property
    def share(self) -> float:
        return len(self.found) / self.groups if self.groups else 0.0


def _occurrences(word: str, text: str) -> list[tuple[int, int]]:
    """(start, end) of exact matches, else of near matches: the word's characters in order with
    at most one extra character in between (words of 3+ characters), else one wrong character
    (words of 4+ characters)."""
    spans = [(m.start(), m.start() + len(word)) for m in re.finditer(re.escape(word), text)]
    if spans or len(word) < 3:
        return spans
    pattern = "".join(re.escape(ch) + ("" if i == len(word) - 1 else r"[^,.;!?，。；！？]?")
                      for i, ch in enumerate(word))
    spans = [(m.start(), m.end()) for m in re.finditer(pattern, text) if m.end() - m.start() <= len(word) + 1]
    if spans or len(word) < TYPO_MIN:
        return spans
    # One wrong character, as voice keyboards produce (客户挡案 for 客户档案).
    n = len(word)
    return [(i, i + n) for i in range(len(text) - n + 1)
            if sum(a != b for a, b in zip(text[i:i + n], word, strict=True)) == 1]


def _clause_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    left = max((m.end() for m in CLAUSE_BREAK.finditer(text, 0, start)), default=0)
    right = next((m.start() for m in CLAUSE_BREAK.finditer(text, end)), len(text))
    return left, right


def is_negated(text: str, start: int, end: int, word: str) -> bool:
    """Is the occurrence text[start:end] negated within its clause?"""
    if any(word.startswith(n) for n in NEGATORS):  # the hint itself is a negative phrase (不推诿)
        return False
    left, right = _clause_bounds(text, start, end)
    before = text[max(left, start - NEGATION_WINDOW):start]
    after = text[end:min(right, end + NEGATION_WINDOW + 2)]
    if any(d in text[max(left, start - NEGATION_WINDOW - 2):start] for d in DOUBLE_NEGATION):
        return False
    cleaned = before
    for phrase in NOT_NEGATING:
        cleaned = cleaned.replace(phrase, "#" * len(phrase))
    # A negator that is itself the tail of a non-negating word cut by the window edge is ignored.
    if any(n in cleaned for n in NEGATORS):
        return True
    return any(a in after for a in AFTER_NEGATORS)


# A point phrased as a lack ("没有明确处理时限") is made by answers that say "没有…".
ABSENCE = re.compile(r"没有|缺少|缺乏")
SPECIFIC = 4  # a hint phrase this long is specific enough to carry a point on its own
TYPO_MIN = 4  # shortest hint matched despite one wrong character (shorter ones would collide: 有形性/无形性)


def suggest_point(index: int, hints: list[list[str]], answer: str, label: str = "") -> PointSuggestion:
    text = normalise(answer)
    about_absence = bool(ABSENCE.search(label))
    found, negated = [], []
    for group in hints:
        hit = neg = None
        for word in group:
            w = normalise(word)
            if not w:
                continue
            for start, end in _occurrences(w, text):
                if not about_absence and is_negated(text, start, end, w):
                    neg = neg or word
                else:
                    hit = word
                    break
            if hit:
                break
        if hit:
            found.append(hit)
        elif neg:
            negated.append(neg)
    needed = max(1, math.ceil(len(hints) * COVER_SHARE - 1e-9))
    covered = bool(hints) and (len(found) >= needed or any(len(normalise(w)) >= SPECIFIC for w in found))
    return PointSuggestion(index, covered, found, negated, len(hints))


def suggest_points(answer: str, key_points: list[dict]) -> list[PointSuggestion]:
    """One suggestion per key point ({"label", "weight", "hints"} as stored for a case)."""
    return [suggest_point(i, p.get("hints") or [], answer, p.get("label", "")) for i, p in enumerate(key_points)]


def weighted_score(key_points: list[dict], covered: list[bool]) -> int:
    """The score out of 100 for the points the candidate confirmed."""
    return sum(p["weight"] for p, c in zip(key_points, covered, strict=True) if c)


def pick_followup(key_points: list[dict], followups: list[dict], covered: list[bool]) -> dict | None:
    """The examiner's 追问: aimed at the heaviest point the answer missed, if one targets it.

    Falls back to a follow-up with no particular target, then to the first one, so a
    candidate who covered everything is still questioned further.
    """
    if not followups:
        return None
    missed = sorted((i for i, c in enumerate(covered) if not c), key=lambda i: -key_points[i]["weight"])
    for i in missed:
        for f in followups:
            if f.get("target") == i + 1:
                return f
    return next((f for f in followups if not f.get("target")), followups[0])
