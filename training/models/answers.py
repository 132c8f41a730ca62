"""The answer record: one Response per answer in every context, and key-point results.

Practice, mock exam, 模拟答辩 and the live classroom (课堂互动) all write Response rows:
who answered (a user; in the live classroom a player, who may have no account), which item at
which version, in which context (exactly one), the response
in keys, the grade given then (score 0–1, and points where a paper gives points), how
long it took and when. Written and 答辩 answers add one KeypointResult per key point.
"At most once" is enforced here by unique constraints; the views treat a violation as
"already done".
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..grading.objective import full_marks
from ..extensions import db
from .base import UTCDateTime, utcnow
from .content import Case, ItemVersion, Question

PRACTICE, EXAM, DEFENSE, LIVE = "practice", "exam", "defense", "live"
CONTEXT_COLUMNS = {PRACTICE: "practice_session_id", EXAM: "exam_attempt_id", DEFENSE: "defense_session_id",
                   LIVE: "live_session_id"}
CONTEXT_LABELS = {PRACTICE: "练习", EXAM: "模拟考试", DEFENSE: "模拟答辩", LIVE: "课堂互动"}


def _one_context_sql() -> str:
    parts = []
    for context, column in CONTEXT_COLUMNS.items():
        others = " AND ".join(f"{c} IS NULL" for c in CONTEXT_COLUMNS.values() if c != column)
        parts.append(f"(context = '{context}' AND {column} IS NOT NULL AND {others})")
    return " OR ".join(parts)


class Response(db.Model):
    __tablename__ = "responses"
    __table_args__ = (
        CheckConstraint(_one_context_sql(), name="one_context"),
        CheckConstraint("(question_id IS NULL) <> (case_id IS NULL)", name="one_item"),
        CheckConstraint("legacy OR version_id IS NOT NULL", name="versioned"),
        # Someone answered: a user, or a live player (phones in the classroom need no account);
        # a live answer always names its player, and only live answers do.
        CheckConstraint("user_id IS NOT NULL OR live_player_id IS NOT NULL", name="answerer"),
        CheckConstraint("(live_player_id IS NULL) = (live_session_id IS NULL)", name="live_player"),
        # One answer per question per round of a practice set, per item of an exam paper,
        # per drawn case of a rehearsal, per player and question of a live session (NULL contexts never collide).
        UniqueConstraint("practice_session_id", "round", "question_id", name="uq_responses_practice"),
        UniqueConstraint("exam_attempt_id", "slot", name="uq_responses_exam"),
        UniqueConstraint("defense_session_id", "slot", name="uq_responses_defense"),
        UniqueConstraint("live_player_id", "slot", name="uq_responses_live"),
        Index("ix_responses_live_slot", "live_session_id", "slot"),
        Index("ix_responses_user_answered", "user_id", "answered_at"),
        # 学习进度 aggregates a learner's answers per question without reading the rows (covering index)
        Index("ix_responses_user_item", "user_id", "question_id", "case_id", "answered_at", "score"),
        Index("ix_responses_question_answered", "question_id", "answered_at"),
        Index("ix_responses_case_answered", "case_id", "answered_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))  # NULL: a live player without an account
    context: Mapped[str] = mapped_column(String(12))
    practice_session_id: Mapped[int | None] = mapped_column(ForeignKey("practice_sessions.id", ondelete="CASCADE"))
    exam_attempt_id: Mapped[int | None] = mapped_column(ForeignKey("exam_attempts.id", ondelete="CASCADE"))
    defense_session_id: Mapped[int | None] = mapped_column(ForeignKey("defense_sessions.id", ondelete="CASCADE"))
    live_session_id: Mapped[int | None] = mapped_column(ForeignKey("live_sessions.id", ondelete="CASCADE"))
    live_player_id: Mapped[int | None] = mapped_column(ForeignKey("live_players.id", ondelete="CASCADE"))
    round: Mapped[int] = mapped_column(default=0)
    slot: Mapped[int] = mapped_column()  # place in the set / paper / rehearsal / live session
    question_id: Mapped[str | None] = mapped_column(ForeignKey("questions.id"))
    case_id: Mapped[str | None] = mapped_column(ForeignKey("cases.id"))
    version_id: Mapped[int | None] = mapped_column(ForeignKey("item_versions.id"))
    legacy: Mapped[bool] = mapped_column(default=False)  # carried over from before versions; not regradable
    answer: Mapped[Any] = mapped_column(JSON(none_as_null=True), nullable=True)  # objective, in keys: grading/objective.py
    text: Mapped[str | None] = mapped_column(Text)  # written and 答辩 answers
    presented: Mapped[list[str] | None] = mapped_column(JSON)  # option/step keys in the order shown
    score: Mapped[float | None] = mapped_column()  # 0 … 1, the grade given on this version
    points: Mapped[float | None] = mapped_column()  # marks earned, where a paper gives marks
    points_possible: Mapped[float | None] = mapped_column()
    time_ms: Mapped[int | None] = mapped_column()
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # 答辩: the answer clock started
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # given (exam: last saved)
    graded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    overtime: Mapped[bool] = mapped_column(default=False)

    version: Mapped[ItemVersion | None] = relationship(lazy="joined")
    case: Mapped["Case | None"] = relationship()
    question: Mapped["Question | None"] = relationship()
    keypoints: Mapped[list["KeypointResult"]] = relationship(back_populates="response", order_by="KeypointResult.id")
    followup: Mapped["FollowupAnswer | None"] = relationship(back_populates="response")
    regrades: Mapped[list["Regrade"]] = relationship(order_by="Regrade.id", viewonly=True)

    @property
    def case_title(self) -> str:
        """The case's title as the candidate saw it (today's title for records from before versions)."""
        if self.version is not None:
            return self.version.payload.get("title", "")
        return self.case.title if self.case is not None else (self.case_id or "")

    @property
    def correct(self) -> bool:
        return self.score is not None and full_marks(self.score)


class KeypointResult(db.Model):
    """One key point of a written or 答辩 answer: what the matcher suggested, what the candidate confirmed."""

    __tablename__ = "keypoint_results"
    __table_args__ = (
        UniqueConstraint("response_id", "point_key"),
        Index("ix_keypoint_results_user_point", "user_id", "case_id", "point_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"))
    version_id: Mapped[int | None] = mapped_column(ForeignKey("item_versions.id"))
    point_key: Mapped[str] = mapped_column(String(20))
    weight: Mapped[int] = mapped_column()
    suggested: Mapped[bool] = mapped_column()
    found: Mapped[list[str]] = mapped_column(JSON, default=list)  # hint words the matcher found
    negated: Mapped[list[str]] = mapped_column(JSON, default=list)  # found only where the answer rejected them
    # Why the matcher decided as it did (a key of grading.keypoints.REASONS) and where in the answer's own
    # text it found the point ({"found": [[start, end]], "negated": [[start, end]]}); NULL on older rows.
    reason: Mapped[str | None] = mapped_column(String(16))
    spans: Mapped[dict | None] = mapped_column(JSON)
    confirmed: Mapped[bool | None] = mapped_column()

    response: Mapped[Response] = relationship(back_populates="keypoints")


class FollowupAnswer(db.Model):
    """The examiner's 追问 after a 答辩 answer and the candidate's reply (at most one per answer)."""

    __tablename__ = "followup_answers"

    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"), primary_key=True)
    followup_key: Mapped[str] = mapped_column(String(20))
    text: Mapped[str | None] = mapped_column(Text)
    suggested: Mapped[bool | None] = mapped_column()
    found: Mapped[list[str] | None] = mapped_column(JSON)
    confirmed: Mapped[bool | None] = mapped_column()
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    response: Mapped[Response] = relationship(back_populates="followup")


class Regrade(db.Model):
    """An explicit re-grade of an old answer against another version: both grades are kept."""

    __tablename__ = "regrades"

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"), index=True)
    from_version_id: Mapped[int] = mapped_column(ForeignKey("item_versions.id"))
    to_version_id: Mapped[int] = mapped_column(ForeignKey("item_versions.id"))
    old_score: Mapped[float | None] = mapped_column()
    new_score: Mapped[float] = mapped_column()
    old_points: Mapped[float | None] = mapped_column()
    new_points: Mapped[float | None] = mapped_column()
    reason: Mapped[str] = mapped_column(String(200), default="")
    regraded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
