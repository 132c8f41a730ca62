"""错题本: which questions a learner got wrong and has not yet mastered. Pure.

The rule, as the page states it: a question enters the book when an answer to it is wrong (in
practice, a mock exam or a live classroom quiz); it leaves after it has been answered right on two different days
since the last wrong answer. A new wrong answer puts it back. Days are calendar days in the
learner's time zone, so two right answers a minute apart count once.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import Iterable

RIGHT_DAYS_TO_LEAVE = 2
RULE_TEXT = ("答错的题会进入错题本（练习、模拟考试和课堂互动都算）；之后在两个不同的日子各答对一次，就会移出错题本。"
             "再答错会重新进入。")


@dataclass(frozen=True)
class Attempt:
    """One answer to an objective question: enough to place it in the book."""
    response_id: int
    question_id: str
    correct: bool
    answered_at: datetime  # aware


@dataclass
class WrongEntry:
    question_id: str
    last_wrong: int  # response id of the latest wrong answer (shown beside the right one)
    wrong_times: int
    right_days_since: int  # distinct days answered right since the latest wrong answer


def wrong_book(attempts: Iterable[Attempt], tz: tzinfo) -> list[WrongEntry]:
    """Questions still in the book, the most recently missed first."""
    by_question: dict[str, list[Attempt]] = {}
    for a in attempts:
        by_question.setdefault(a.question_id, []).append(a)
    entries: list[tuple[datetime, WrongEntry]] = []
    for qid, answers in by_question.items():
        answers.sort(key=lambda a: (a.answered_at, a.response_id))
        wrong = [a for a in answers if not a.correct]
        if not wrong:
            continue
        last = wrong[-1]
        days: set[date] = {a.answered_at.astimezone(tz).date() for a in answers
                           if a.correct and (a.answered_at, a.response_id) > (last.answered_at, last.response_id)}
        if len(days) >= RIGHT_DAYS_TO_LEAVE:
            continue
        entries.append((last.answered_at, WrongEntry(qid, last.response_id, len(wrong), len(days))))
    entries.sort(key=lambda e: e[0], reverse=True)
    return [e for _, e in entries]
