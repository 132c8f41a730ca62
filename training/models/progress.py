"""What the platform remembers for review: FSRS cards per learner and question, and per case key point."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UTCDateTime, utcnow


class ReviewCard(db.Model):
    """The memory state of one objective question for one learner (fsrs.Card.to_dict())."""

    __tablename__ = "review_cards"
    __table_args__ = (UniqueConstraint("user_id", "question_id"), Index("ix_review_cards_user_due", "user_id", "due_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(ForeignKey("questions.id"))
    card: Mapped[dict] = mapped_column(JSON)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reviews: Mapped[int] = mapped_column(default=0)
    last_rating: Mapped[int | None] = mapped_column()
    last_response_id: Mapped[int | None] = mapped_column()  # the answer reviewed last: a repeat is ignored
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class PointCard(db.Model):
    """The memory state of one key point of a written or 答辩 case for one learner: each point is
    scheduled on its own, so a case comes back when any of its points is weak."""

    __tablename__ = "point_cards"
    __table_args__ = (UniqueConstraint("user_id", "case_id", "point_key"),
                      Index("ix_point_cards_user_due", "user_id", "due_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"))
    point_key: Mapped[str] = mapped_column(String(20))
    card: Mapped[dict] = mapped_column(JSON)
    # The card as it was before the last answer was rated: a candidate who corrects their verdict on
    # that answer re-rates it from here instead of counting a second review.
    card_before: Mapped[dict | None] = mapped_column(JSON)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reviews: Mapped[int] = mapped_column(default=0)
    last_rating: Mapped[int | None] = mapped_column()
    last_response_id: Mapped[int | None] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
