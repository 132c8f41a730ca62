"""班级: a class an instructor teaches, its members and its assignments.

A candidate joins with the class's 6-character code; the membership row records when, and from
which instant the instructor may see the member's answers (answers_from: the start of the local
day of joining). Leaving or being removed deletes the row, so the class sees nothing of them
any more. One membership per class and user is a unique constraint.
"""
from __future__ import annotations

import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow
from .jsontype import TypedJSON
from .users import User

# No 0/O, 1/I/L: a code read off a projector or typed on a phone cannot be misread.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 6
PRACTICE_TASK, EXAM_TASK = "practice", "exam"


def new_join_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(raw: str) -> str | None:
    """A typed code as stored (upper case; full-width letters, spaces and dashes forgiven), or None."""
    text = unicodedata.normalize("NFKC", raw or "").upper()
    text = "".join(ch for ch in text if not ch.isspace() and ch not in "-_·")
    if len(text) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in text):
        return None
    return text


class Classroom(db.Model):
    """A class (班级). Archived classes keep their data but take no new members or assignments."""

    __tablename__ = "classes"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    description: Mapped[str] = mapped_column(Text, default="")
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    join_code: Mapped[str] = mapped_column(String(CODE_LENGTH), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    owner: Mapped[User] = relationship()

    @property
    def archived(self) -> bool:
        return self.archived_at is not None


class Membership(db.Model):
    """One candidate in one class (at most once: a unique constraint)."""

    __tablename__ = "class_members"
    __table_args__ = (
        UniqueConstraint("class_id", "user_id", name="uq_class_members_class_user"),
        Index("ix_class_members_user", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The privacy line: the class sees this member's answers given from this instant on
    # (the start of the joining day in DISPLAY_TIMEZONE), never earlier ones.
    answers_from: Mapped[datetime] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
    classroom: Mapped[Classroom] = relationship()


@dataclass(frozen=True)
class TaskScope:
    """What a practice assignment was chosen by (for display); the questions themselves are frozen
    in Assignment.question_ids when it is set."""

    area: str = ""
    topic: str = ""
    qtype: str = ""
    chosen: bool = False  # the instructor listed the questions by id

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> "TaskScope":
        return cls(**{k: d[k] for k in ("area", "topic", "qtype", "chosen") if k in d})

    def to_json(self) -> dict[str, Any]:
        return {"area": self.area, "topic": self.topic, "qtype": self.qtype, "chosen": self.chosen}


class Assignment(db.Model):
    """作业: a practice set (its questions fixed when set) or a mock exam (a blueprint), with an optional due time."""

    __tablename__ = "class_assignments"
    __table_args__ = (
        CheckConstraint(f"(kind = '{PRACTICE_TASK}' AND blueprint_id IS NULL) OR "
                        f"(kind = '{EXAM_TASK}' AND blueprint_id IS NOT NULL)", name="one_task"),
        Index("ix_class_assignments_class", "class_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(12))  # practice / exam
    scope: Mapped[TaskScope] = mapped_column(TypedJSON(TaskScope), default=TaskScope)
    question_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    blueprint_id: Mapped[str | None] = mapped_column(ForeignKey("blueprints.id"))
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    classroom: Mapped[Classroom] = relationship()


