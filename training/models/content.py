"""Study content: areas, knowledge points, cases, questions, and the versions learners answered.

Rows are keyed by the stable ids written in the Markdown files. Loading upserts
by id; an item that disappears from content/ is marked retired, never deleted,
so learners' history keeps pointing at it. Questions and cases point at their
current ItemVersion; every answer points at the version it was given on.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Index, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..content.payloads import CasePayload, QuestionPayload
from ..extensions import db
from ..grading.drawing import PaperSection
from .base import UTCDateTime, utcnow
from .jsontype import TypedJSON

ID = String(64)
ORIGIN_FILE, ORIGIN_WEB = "file", "web"


class ContentMixin:
    """Columns every loaded item carries: where it came from and whether it is live.

    origin is "file" for items loaded from content/ (a load retires those gone from the files)
    and "web" for items written in the browser, which a load never touches.
    """

    title: Mapped[str] = mapped_column(String(200))
    origin: Mapped[str] = mapped_column(String(8), default=ORIGIN_FILE, server_default=ORIGIN_FILE)
    source_path: Mapped[str] = mapped_column(String(300))
    source_line: Mapped[int] = mapped_column(default=1)
    position: Mapped[int] = mapped_column(default=0)
    retired: Mapped[bool] = mapped_column(default=False)
    fingerprint: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Area(db.Model):
    __tablename__ = "areas"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    title: Mapped[str] = mapped_column(String(100))
    summary: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)
    core: Mapped[bool] = mapped_column(default=False)
    retired: Mapped[bool] = mapped_column(default=False)
    fingerprint: Mapped[str] = mapped_column(String(64))


question_topics = Table(
    "question_topics",
    db.metadata,
    Column("question_id", ID, ForeignKey("questions.id", ondelete="CASCADE"), primary_key=True),
    Column("topic_id", ID, ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True),
)

case_topics = Table(
    "case_topics",
    db.metadata,
    Column("case_id", ID, ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True),
    Column("topic_id", ID, ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True),
)


class ItemVersion(db.Model):
    """One version of a question or a case: the full payload as the learner saw it.

    A load that changes what a learner sees or how it is graded adds a version (number 1, 2, …);
    a change back to an earlier text reuses that version. Rows are never updated or deleted.
    """

    __tablename__ = "item_versions"
    __table_args__ = (
        UniqueConstraint("kind", "item_id", "number"),
        UniqueConstraint("kind", "item_id", "fingerprint", name="uq_item_versions_fingerprint"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))  # question / case
    item_id: Mapped[str] = mapped_column(ID)
    number: Mapped[int] = mapped_column()
    fingerprint: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)  # QuestionPayload / CasePayload .to_json()
    origin: Mapped[str] = mapped_column(String(8), default=ORIGIN_FILE)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def question(self) -> QuestionPayload:
        return QuestionPayload.from_json(self.payload)

    @property
    def case(self) -> CasePayload:
        return CasePayload.from_json(self.payload)


class Topic(ContentMixin, db.Model):
    """A knowledge point (知识点): one study page."""

    __tablename__ = "topics"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    area_id: Mapped[str] = mapped_column(ForeignKey("areas.id"), index=True)
    summary: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text)

    area: Mapped[Area] = relationship()


class Case(ContentMixin, db.Model):
    """A case or defense question (案例/答辩题) with weighted reference key points."""

    __tablename__ = "cases"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    area_id: Mapped[str] = mapped_column(ForeignKey("areas.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # 答辩 / 案例分析 / 方案设计
    difficulty: Mapped[str] = mapped_column(String(4))
    prompt_html: Mapped[str] = mapped_column(Text)
    background_html: Mapped[str] = mapped_column(Text, default="")
    version_id: Mapped[int] = mapped_column(ForeignKey("item_versions.id"))

    area: Mapped[Area] = relationship()
    topics: Mapped[list[Topic]] = relationship(secondary=case_topics, order_by=Topic.position)
    current: Mapped[ItemVersion] = relationship(lazy="joined", innerjoin=True)

    @property
    def payload(self) -> CasePayload:
        """The current version: key points, 追问 and texts as learners see them now."""
        return self.current.case


class QuestionBank(ContentMixin, db.Model):
    """One question-bank file: a titled group of questions in one area."""

    __tablename__ = "question_banks"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    area_id: Mapped[str] = mapped_column(ForeignKey("areas.id"), index=True)


class Question(ContentMixin, db.Model):
    """An objective question: 单选, 多选, 判断, 排序 or 匹配."""

    __tablename__ = "questions"
    __table_args__ = (Index("ix_questions_area_type", "area_id", "qtype"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    area_id: Mapped[str] = mapped_column(ForeignKey("areas.id"))
    bank_id: Mapped[str] = mapped_column(ForeignKey("question_banks.id"), index=True)
    qtype: Mapped[str] = mapped_column(String(8))
    difficulty: Mapped[str] = mapped_column(String(4))
    stem_html: Mapped[str] = mapped_column(Text)
    explanation_html: Mapped[str] = mapped_column(Text)
    version_id: Mapped[int] = mapped_column(ForeignKey("item_versions.id"))

    area: Mapped[Area] = relationship()
    bank: Mapped[QuestionBank] = relationship()
    topics: Mapped[list[Topic]] = relationship(secondary=question_topics, order_by=Topic.position)
    current: Mapped[ItemVersion] = relationship(lazy="joined", innerjoin=True)

    @property
    def payload(self) -> QuestionPayload:
        """The current version: options, answer and texts as learners see them now."""
        return self.current.question


class SearchEntry(db.Model):
    """One searchable page, its text flattened and lower-cased at load time.

    Kept as its own table so a search is one indexed scan whatever the kind,
    and behaves the same on SQLite and PostgreSQL (plain LIKE on lower-cased text).
    """

    __tablename__ = "search_entries"
    __table_args__ = (Index("ix_search_entries_kind_ref", "kind", "ref_id", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # topic / case / question
    ref_id: Mapped[str] = mapped_column(ID)
    area_id: Mapped[str] = mapped_column(ID)
    title: Mapped[str] = mapped_column(String(200))
    title_lc: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    text_lc: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(default=0)


class ContentState(db.Model):
    """One row: bumped whenever a load changes anything, so every worker can tell its cached pages are stale."""

    __tablename__ = "content_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(default=0)
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PaperBlueprint(ContentMixin, db.Model):
    """A mock-exam paper definition (考试蓝图): sections with counts per type and area, timing."""

    __tablename__ = "blueprints"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    paper: Mapped[str] = mapped_column(String(8))  # 理论知识 / 专业能力 / 综合评审
    time_limit: Mapped[int | None] = mapped_column()  # minutes
    prep_minutes: Mapped[int | None] = mapped_column()
    answer_minutes: Mapped[int | None] = mapped_column()
    pass_mark: Mapped[int] = mapped_column(default=60)
    sections: Mapped[list[PaperSection]] = mapped_column(TypedJSON(PaperSection, many=True))
    intro_html: Mapped[str] = mapped_column(Text, default="")
