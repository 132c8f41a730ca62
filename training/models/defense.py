"""模拟答辩: a rehearsal of N drawn cases. Each answer is a Response row (context "defense")."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

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
    # 论文答辩: the candidate's own paper; its title replaces {论文题目} in the drawn panel questions.
    paper_title: Mapped[str | None] = mapped_column(String(100))
    paper_abstract: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
