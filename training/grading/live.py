"""课堂互动 (live classroom quiz), the pure part: points, ranking, the answer window, nicknames, codes.

No Flask and no database: the views gather rows, call these, store or show the result.
Only the choice types are played live (单选, 多选, 判断): one tap on a phone, a distribution to chart.
A 多选 answer is right only when exactly the right options are chosen (as in the real paper).
"""
from __future__ import annotations

import math
import random
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterable

LIVE_TYPES = ("单选", "多选", "判断")
SPEED, ACCURACY = "speed", "accuracy"
MODES = {SPEED: "速度加分", ACCURACY: "只看正确率"}
MAX_POINTS = 1000
MODE_RULES = {
    SPEED: "答对得分 = round(1000 × (1 − 用时 ÷ (2 × 限时)))：一开题就答对得 1000 分，最后一刻答对得 500 分；"
           "答错或未答得 0 分。用时按服务器时钟从开始作答算起。",
    ACCURACY: "答对得 1000 分，答错或未答得 0 分，与快慢无关。",
}
# Answers that reach the server up to this long after the deadline still count (network latency);
# they are scored as if given at the last moment.
GRACE_SECONDS = 1.0

NICKNAME_MAX = 12
CODE_DIGITS = 6

LOBBY, QUESTION, REVEAL, FINISHED = "lobby", "question", "reveal", "finished"
PHASES = (LOBBY, QUESTION, REVEAL, FINISHED)


def points_for(correct: bool, elapsed_ms: int, limit_ms: int, mode: str) -> int:
    """The points one answer earns: see MODE_RULES (elapsed is clamped to 0 … limit)."""
    if not correct:
        return 0
    if mode == ACCURACY:
        return MAX_POINTS
    elapsed = min(max(elapsed_ms, 0), limit_ms)
    return math.floor(MAX_POINTS * (1 - elapsed / (2 * limit_ms)) + 0.5)  # half up, not Python's half-even


# ------------------------------------------------------------------ the answer window


EARLY, OPEN, LATE = "early", "open", "late"


def window(now: datetime, opens_at: datetime, deadline_at: datetime, grace_s: float = GRACE_SECONDS) -> str:
    """Where `now` (server clock) falls: before the question opens, inside its time (+ grace), or after."""
    if now < opens_at:
        return EARLY
    if (now - deadline_at).total_seconds() > grace_s:
        return LATE
    return OPEN


def elapsed_ms(now: datetime, opens_at: datetime, limit_ms: int) -> int:
    """Time taken by the server's clock, clamped to the question's limit."""
    return max(0, min(limit_ms, int((now - opens_at).total_seconds() * 1000)))


# ------------------------------------------------------------------ ranking


@dataclass(frozen=True)
class Tally:
    """One player's totals over the questions revealed so far."""

    player_id: int
    nickname: str
    points: int = 0
    correct: int = 0
    answered: int = 0
    time_ms: int = 0  # total time of the right answers: the tie-breaker


@dataclass(frozen=True)
class Standing:
    rank: int
    tally: Tally


def rank(tallies: Iterable[Tally]) -> list[Standing]:
    """Most points first; then more right answers; then less time on them. Players equal on all
    three share a rank (1, 2, 2, 4); the list is then in nickname order so it never jumps about."""
    def key(t: Tally) -> tuple:
        return (-t.points, -t.correct, t.time_ms)
    ordered = sorted(tallies, key=lambda t: (key(t), t.nickname, t.player_id))
    out: list[Standing] = []
    for i, t in enumerate(ordered):
        same = out and key(out[-1].tally) == key(t)
        out.append(Standing(out[-1].rank if same else i + 1, t))
    return out


# ------------------------------------------------------------------ one question's answers


@dataclass(frozen=True)
class QuestionStats:
    answered: int
    correct: int
    counts: dict[str, int]  # option key (判断: "true"/"false") → how many chose it
    top_wrong: str | None  # the most-chosen wrong option, None if nobody chose a wrong one

    @property
    def correct_rate(self) -> float | None:
        return self.correct / self.answered if self.answered else None


def option_keys(qtype: str, options: list[str]) -> list[str]:
    return ["true", "false"] if qtype == "判断" else list(options)


def right_keys(qtype: str, answer: Any) -> set[str]:
    if qtype == "判断":
        return {"true" if answer else "false"}
    return set(answer) if isinstance(answer, list) else {answer}


def chosen_keys(qtype: str, response: Any) -> list[str]:
    if qtype == "判断":
        return ["true" if response else "false"]
    return list(response) if isinstance(response, list) else [response]


def question_stats(qtype: str, options: list[str], answer: Any, rows: Iterable[tuple[Any, bool]]) -> QuestionStats:
    """rows: (stored response, right?) for each answer given. Counts per option and the favourite mistake."""
    keys = option_keys(qtype, options)
    counts = {k: 0 for k in keys}
    answered = correct = 0
    for response, right in rows:
        answered += 1
        correct += bool(right)
        for k in chosen_keys(qtype, response):
            if k in counts:
                counts[k] += 1
    wrong = [k for k in keys if k not in right_keys(qtype, answer) and counts[k] > 0]
    top_wrong = max(wrong, key=lambda k: (counts[k], -keys.index(k))) if wrong else None
    return QuestionStats(answered, correct, counts, top_wrong)


# ------------------------------------------------------------------ joining


class BadNickname(ValueError):
    """The nickname cannot be used; the message says why, in Chinese."""


def clean_nickname(raw: str | None) -> str:
    """A nickname as shown: trimmed, inner spaces collapsed, NFKC (full-width letters become plain)."""
    text = unicodedata.normalize("NFKC", raw or "")
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")  # control and format characters
    text = re.sub(r"\s+", " ", text).strip()
    if not text:
        raise BadNickname("请填写昵称。")
    if "<" in text or ">" in text:
        raise BadNickname("昵称不能包含 < 或 >，请只用文字、字母和数字。")
    if len(text) > NICKNAME_MAX:
        raise BadNickname(f"昵称最多 {NICKNAME_MAX} 个字（现在 {len(text)} 个）。")
    return text


def free_nickname(wanted: str, taken: Iterable[str]) -> str:
    """wanted, or wanted with the smallest suffix 2, 3, … that nobody in the room has."""
    used = set(taken)
    if wanted not in used:
        return wanted
    n = 2
    while True:
        suffix = f" {n}"
        candidate = wanted[: NICKNAME_MAX - len(suffix)] + suffix
        if candidate not in used:
            return candidate
        n += 1


def new_code(rng: random.Random | None = None) -> str:
    """A 6-digit join code (leading zeros allowed)."""
    return f"{(rng or random.SystemRandom()).randrange(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"


def clean_code(raw: str | None) -> str | None:
    """What a person typed as a code (spaces and full-width digits allowed); None if it cannot be one."""
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", raw or ""))
    return text if re.fullmatch(rf"\d{{{CODE_DIGITS}}}", text) else None
