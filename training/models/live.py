"""课堂互动: a live quiz session run by an instructor, and the phones that joined it.

Every answer is a Response row (context "live", models/answers.py): the database allows one per
player and question. All state is here, so any worker or host can answer any phone; each change of
phase bumps state_version, which phones compare (ETag) to learn that something happened.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..grading.live import LOBBY, PHASES
from .base import UTCDateTime, utcnow

_PHASE_SQL = "phase IN (" + ", ".join(f"'{p}'" for p in PHASES) + ")"


class LiveSession(db.Model):
    """One quiz: the questions (each pinned at the version chosen), timing, scoring mode and phase.

    position is the current question (-1 in the lobby); the question is answerable from opens_at
    to deadline_at (+ grace). A join code is unique among sessions not finished (a partial index).
    """

    __tablename__ = "live_sessions"
    __table_args__ = (
        Index("uq_live_sessions_open_code", "code", unique=True,
              sqlite_where=text("finished_at IS NULL"), postgresql_where=text("finished_at IS NULL")),
        CheckConstraint(_PHASE_SQL, name="phase"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # The class (班级) it was run for: its answers then count in that class's item statistics.
    class_id: Mapped[int | None] = mapped_column(ForeignKey("classes.id", ondelete="SET NULL"), index=True)
    title: Mapped[str] = mapped_column(String(100))
    klass: Mapped["Classroom | None"] = relationship()  # noqa: F821 (models/classes.py)
    code: Mapped[str] = mapped_column(String(6), index=True)
    mode: Mapped[str] = mapped_column(String(10))  # grading.live.SPEED / ACCURACY
    seconds: Mapped[int] = mapped_column()  # per question
    question_ids: Mapped[list[str]] = mapped_column(JSON)
    version_ids: Mapped[list[int]] = mapped_column(JSON)  # the version of each question, fixed at creation
    phase: Mapped[str] = mapped_column(String(10), default=LOBBY)
    position: Mapped[int] = mapped_column(default=-1)
    state_version: Mapped[int] = mapped_column(default=1)
    locked: Mapped[bool] = mapped_column(default=False)
    opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class LivePlayer(db.Model):
    """A phone in a session: a nickname unique in the room, and the hash of the token the phone keeps
    (the token itself is never stored). user_id is set when a signed-in candidate joined."""

    __tablename__ = "live_players"
    __table_args__ = (
        UniqueConstraint("session_id", "nickname", name="uq_live_players_nickname"),
        UniqueConstraint("session_id", "user_id", name="uq_live_players_user"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("live_sessions.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    nickname: Mapped[str] = mapped_column(String(24))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # taken out by the instructor
