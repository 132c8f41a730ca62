"""今日复习: spaced repetition of objective questions with FSRS-6 (the `fsrs` library). Pure.

Every graded answer to an objective question is a review of that question's card. The rating
comes from correctness and answer time, as the review page states:
- wrong (or partly right)                         → Again (忘了)
- right, slower than SLOW seconds for its type    → Hard  (想了很久)
- right, faster than FAST seconds for its type    → Easy  (一眼就会)
- right otherwise                                  → Good
A mock-exam answer has no time of its own (the paper is timed as a whole): right is Good.

Written and 答辩 cases are scheduled per key point: the candidate's confirmed verdict on a point is
its rating (made → Good, missed → Again), so a case comes back when any of its points is weak.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from fsrs import Card, Rating, Scheduler, State

DESIRED_RETENTION = 0.9
# Seconds: (fast, slow) per type; reading a 多选 or ordering steps takes longer than a 判断.
PACE = {"判断": (6, 30), "单选": (8, 40), "多选": (15, 60), "排序": (20, 90), "匹配": (20, 90)}
POINT_RULE_TEXT = ("答辩题和案例分析题按要点分别安排：你确认答到的要点间隔拉长，没答到的要点很快再练；"
                   "一道题里只要有一个要点到期，这道题就会出现在复习里，并标出要重点练的要点。")
RETENTION_CHOICES = (0.8, 0.85, 0.9, 0.95)
RULE_TEXT = ("每次作答都会安排这道题下次复习的时间（FSRS 间隔重复算法）：答错安排很快重做；答对但想了很久（如单选超过 40 秒）"
             "间隔较短；答对且很快（如单选 8 秒内）间隔最长；其余答对为正常间隔。模拟考试中的答对按正常间隔计。")


def rating_for(correct: bool, qtype: str, time_ms: int | None) -> Rating:
    if not correct:
        return Rating.Again
    if time_ms is None or time_ms <= 0:
        return Rating.Good
    fast, slow = PACE.get(qtype, (10, 60))
    seconds = time_ms / 1000
    if seconds > slow:
        return Rating.Hard
    if seconds < fast:
        return Rating.Easy
    return Rating.Good


def point_rating(made: bool) -> Rating:
    """A key point the candidate confirmed as made is remembered (Good); one missed is forgotten (Again)."""
    return Rating.Good if made else Rating.Again


def scheduler(retention: float = DESIRED_RETENTION) -> Scheduler:
    # No fuzzing: the same answers give the same schedule (tests, and a learner comparing devices).
    return Scheduler(desired_retention=retention, enable_fuzzing=False,
                     learning_steps=(timedelta(minutes=10),), relearning_steps=(timedelta(minutes=10),))


def review(card: dict[str, Any] | None, rating: Rating, at: datetime,
           retention: float = DESIRED_RETENTION) -> tuple[dict[str, Any], datetime]:
    """The card after one review at `at` (a new card if None), and when it is due next."""
    at = at.astimezone(timezone.utc)  # fsrs wants datetime.timezone.utc itself, not an equal offset
    current = Card.from_dict(card) if card else Card(due=at)
    updated, _ = scheduler(retention).review_card(current, rating, at)
    return updated.to_dict(), updated.due


def retrievability(card: dict[str, Any], at: datetime, retention: float = DESIRED_RETENTION) -> float:
    """How likely the learner still knows it at `at` (0–1), by the card's memory state."""
    at = at.astimezone(timezone.utc)
    return scheduler(retention).get_card_retrievability(Card.from_dict(card), at)


def retarget(card: dict[str, Any], retention: float) -> tuple[dict[str, Any], datetime]:
    """The card rescheduled for another desired retention: a card in review comes back when its
    retrievability falls to `retention` (same memory state, new interval from its last review);
    a card still in (re)learning keeps its short step."""
    current = Card.from_dict(card)
    if current.state != State.Review or current.stability is None or current.last_review is None:
        return card, current.due
    days = scheduler(retention)._next_interval(stability=current.stability)  # fsrs's own interval rule
    current.due = current.last_review + timedelta(days=days)
    return current.to_dict(), current.due
