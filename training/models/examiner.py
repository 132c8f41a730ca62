"""考官评分: a candidate sends one written or 答辩 answer to a class's instructor, who grades it point by point.

The examiner's judgement is stored beside the answer, never in it: the Response and its
KeypointResults (the matcher's suggestion and the candidate's own confirmation) stay as the
candidate left them. One answer is submitted at most once per class (a unique constraint);
per-point grades are keyed by the stable key-point key of the version answered.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..grading.examiner import POINT_COMMENT_MAX
from .answers import Response
from .base import UTCDateTime, utcnow
from .classes import Classroom
from .users import User

PENDING, GRADED = "待评", "已评"


class Submission(db.Model):
    """One answer sent to one class for grading: 待评 until an examiner saves a grade (re-grading allowed)."""

    __tablename__ = "examiner_submissions"
    __table_args__ = (
        UniqueConstraint("response_id", "class_id", name="uq_examiner_submissions_response_class"),
        # the instructor's queue: a class's ungraded submissions, oldest first
        Index("ix_examiner_submissions_queue", "class_id", "graded_at", "submitted_at"),
        Index("ix_examiner_submissions_user", "user_id", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"))
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))  # the candidate
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    graded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # last saved grade; NULL: 待评
    examiner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    comment: Mapped[str] = mapped_column(Text, default="")  # overall comment, at most OVERALL_COMMENT_MAX
    score: Mapped[float | None] = mapped_column()  # 0 … 1 by the matcher path's rule (weighted key points)
    points: Mapped[float | None] = mapped_column()  # score × the answer's points_possible

    response: Mapped[Response] = relationship()
    classroom: Mapped[Classroom] = relationship()
    candidate: Mapped[User] = relationship(foreign_keys=[user_id])
    examiner: Mapped[User | None] = relationship(foreign_keys=[examiner_id])
    grades: Mapped[list["PointGrade"]] = relationship(back_populates="submission", order_by="PointGrade.id",
                                                      cascade="all, delete-orphan")

    @property
    def status(self) -> str:
        return GRADED if self.graded_at is not None else PENDING

    @property
    def graded(self) -> bool:
        return self.graded_at is not None


class PointGrade(db.Model):
    """The examiner's verdict on one key point (by its stable key) with a short comment."""

    __tablename__ = "examiner_point_grades"
    __table_args__ = (UniqueConstraint("submission_id", "point_key", name="uq_examiner_point_grades_point"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("examiner_submissions.id", ondelete="CASCADE"))
    point_key: Mapped[str] = mapped_column(String(20))
    credited: Mapped[bool] = mapped_column()
    comment: Mapped[str] = mapped_column(String(POINT_COMMENT_MAX), default="")

    submission: Mapped[Submission] = relationship(back_populates="grades")
