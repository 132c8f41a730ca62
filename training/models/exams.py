"""模拟考试: an attempt at a blueprint's paper, and each answer saved as it is given."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow


class ExamAttempt(db.Model):
    """One sitting of a paper. items fixes the drawn paper: [{kind, id, qtype, area, points}]."""

    __tablename__ = "exam_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    blueprint_id: Mapped[str] = mapped_column(ForeignKey("blueprints.id"))
    paper: Mapped[str] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(String(200))
    pass_mark: Mapped[int] = mapped_column(default=60)
    items: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deadline_at: Mapped[datetime] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    auto_submitted: Mapped[bool] = mapped_column(default=False)
    score: Mapped[float | None] = mapped_column()

    responses: Mapped[list["ExamResponse"]] = relationship(back_populates="attempt", order_by="ExamResponse.index")


class ExamResponse(db.Model):
    """The current answer to one item of an attempt (overwritten until the paper is handed in)."""

    __tablename__ = "exam_responses"
    __table_args__ = (UniqueConstraint("attempt_id", "index"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("exam_attempts.id", ondelete="CASCADE"))
    index: Mapped[int] = mapped_column()
    response: Mapped[Any] = mapped_column(JSON)  # objective items
    text: Mapped[str | None] = mapped_column(Text)  # written items
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    score: Mapped[float | None] = mapped_column()  # points earned, after marking
    suggested: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    confirmed: Mapped[list[bool] | None] = mapped_column(JSON)

    attempt: Mapped[ExamAttempt] = relationship(back_populates="responses")
