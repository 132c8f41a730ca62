"""What learners do with questions: every answer given, stars, practice sessions."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UTCDateTime, utcnow


class AnswerEvent(db.Model):
    """One answer to one objective question, whatever the mode; the raw material of progress.

    Never updated: a second try is a second row. time_ms is how long the question was
    on screen before the answer was sent (capped), for pace statistics.
    """

    __tablename__ = "answer_events"
    __table_args__ = (
        Index("ix_answer_events_user_question", "user_id", "question_id"),
        Index("ix_answer_events_user_created", "user_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(ForeignKey("questions.id"))
    mode: Mapped[str] = mapped_column(String(12))  # practice / exam
    session_id: Mapped[int | None] = mapped_column(ForeignKey("practice_sessions.id", ondelete="SET NULL"))
    response: Mapped[Any] = mapped_column(JSON)
    score: Mapped[float] = mapped_column()  # 0 … 1
    correct: Mapped[bool] = mapped_column()
    time_ms: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Star(db.Model):
    """A question the learner starred (收藏)."""

    __tablename__ = "stars"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    question_id: Mapped[str] = mapped_column(ForeignKey("questions.id"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PracticeSession(db.Model):
    """A chosen set of questions worked through in order; resumable from any device.

    For 顺序练习 the same filter reuses the same session, so the learner picks up
    where they stopped; 随机练习 makes a fresh shuffled session each time.
    """

    __tablename__ = "practice_sessions"
    __table_args__ = (Index("ix_practice_sessions_user_key", "user_id", "filter_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    filter_key: Mapped[str] = mapped_column(String(200))  # canonical form of the chosen filters
    filters: Mapped[dict[str, Any]] = mapped_column(JSON)
    question_ids: Mapped[list[str]] = mapped_column(JSON)
    position: Mapped[int] = mapped_column(default=0)  # index of the current question
    memorize: Mapped[bool] = mapped_column(default=False)  # 背题模式: answers shown at once
    shuffled: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
