"""模拟答辩: a rehearsal of N defense questions, each answer kept with its confirmed key points."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow


class DefenseSession(db.Model):
    """One sitting: the drawn cases, the timing chosen, where the candidate is."""

    __tablename__ = "defense_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    case_ids: Mapped[list[str]] = mapped_column(JSON)
    prep_seconds: Mapped[int] = mapped_column()
    answer_seconds: Mapped[int] = mapped_column()
    pass_mark: Mapped[int] = mapped_column(default=60)
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    answers: Mapped[list["DefenseAnswer"]] = relationship(back_populates="session", order_by="DefenseAnswer.position")


class DefenseAnswer(db.Model):
    """The answer to one case: text, what the matcher suggested, what the candidate confirmed.

    key_points is a snapshot of the case's points at answer time, so the record stays
    readable and its score explainable after the case is edited.
    """

    __tablename__ = "defense_answers"
    __table_args__ = (UniqueConstraint("session_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("defense_sessions.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column()
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)  # answer phase began
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    overtime: Mapped[bool] = mapped_column(default=False)
    text: Mapped[str] = mapped_column(Text, default="")
    key_points: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    suggested: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # per point: covered, found, negated
    confirmed: Mapped[list[bool] | None] = mapped_column(JSON)
    score: Mapped[int | None] = mapped_column()
    followup: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # question, hints, answer_html, target
    followup_text: Mapped[str | None] = mapped_column(Text)
    followup_suggested: Mapped[bool | None] = mapped_column()
    followup_found: Mapped[list[str] | None] = mapped_column(JSON)
    followup_confirmed: Mapped[bool | None] = mapped_column()

    session: Mapped[DefenseSession] = relationship(back_populates="answers")
