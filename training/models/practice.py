"""Practice sets and stars (收藏). The answers themselves are Response rows (models/answers.py)."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UTCDateTime, utcnow
from .jsontype import TypedJSON


@dataclass(frozen=True)
class PracticeFilters:
    """What a practice set was chosen by; key() is the same for the same choice."""

    area: str = ""
    topic: str = ""
    qtype: str = ""
    difficulty: str = ""
    starred: bool = False
    wrong: bool = False  # only the questions in the learner's 错题本
    review: bool = False  # only the questions due for review today (今日复习)

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> "PracticeFilters":
        return cls(**{k: d[k] for k in ("area", "topic", "qtype", "difficulty", "starred", "wrong", "review") if k in d})

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def key(self) -> str:
        d = self.to_json()
        for newer in ("wrong", "review"):  # sets chosen before these filters existed keep their key (and place)
            if not d[newer]:
                del d[newer]
        return "|".join(f"{k}={d[k]}" for k in sorted(d))


class Star(db.Model):
    """A question the learner starred (收藏); the primary key makes it at most once."""

    __tablename__ = "stars"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    question_id: Mapped[str] = mapped_column(ForeignKey("questions.id"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PracticeSession(db.Model):
    """A chosen set of questions worked through in order; resumable from any device.

    For 顺序练习 the same filter reuses the same session, so the learner picks up
    where they stopped; 随机练习 makes a fresh shuffled session each time. Starting
    the set again opens a new round: a question is answered at most once per round.
    """

    __tablename__ = "practice_sessions"
    __table_args__ = (Index("ix_practice_sessions_user_key", "user_id", "filter_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    filter_key: Mapped[str] = mapped_column(String(200))  # PracticeFilters.key()
    filters: Mapped[PracticeFilters] = mapped_column(TypedJSON(PracticeFilters))
    question_ids: Mapped[list[str]] = mapped_column(JSON)
    position: Mapped[int] = mapped_column(default=0)  # index of the current question
    round: Mapped[int] = mapped_column(default=0, server_default="0")  # 再做一遍 opens the next round
    memorize: Mapped[bool] = mapped_column(default=False)  # 背题模式: answers shown at once
    shuffled: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
