"""模拟考试: an attempt at a blueprint's paper. Its answers are Response rows (models/answers.py)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..grading.drawing import ExamItem
from .base import UTCDateTime, utcnow
from .jsontype import TypedJSON


class ExamAttempt(db.Model):
    """One sitting of a paper; items fixes the drawn paper, each item at the version drawn.

    At most one open (not handed in) attempt per user and blueprint: a partial unique index.
    """

    __tablename__ = "exam_attempts"
    __table_args__ = (
        Index("uq_exam_attempts_open", "user_id", "blueprint_id", unique=True,
              sqlite_where=text("submitted_at IS NULL"), postgresql_where=text("submitted_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    blueprint_id: Mapped[str] = mapped_column(ForeignKey("blueprints.id"))
    paper: Mapped[str] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(String(200))
    pass_mark: Mapped[int] = mapped_column(default=60)
    items: Mapped[list[ExamItem]] = mapped_column(TypedJSON(ExamItem, many=True))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deadline_at: Mapped[datetime] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    auto_submitted: Mapped[bool] = mapped_column(default=False)
    points: Mapped[float | None] = mapped_column()  # marks earned out of the paper's 100
