"""Content written in the browser: one Markdown document per knowledge point, case or question bank.

A document holds the text in the content/ format (content/FORMAT.md) that instructors edit: the
draft (always kept, with the checker's problems, even when it does not validate) and the published
text (what learners see, synced into the content tables with origin "web"). Publishing an edit makes
new item versions, so earlier answers keep the version they were given on. `revision` is the
optimistic lock: a save names the revision it was based on and fails if someone saved in between.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow

DOC_KINDS = {"topic": "知识点", "case": "案例", "bank": "题库"}


class AuthoredDoc(db.Model):
    __tablename__ = "authored_docs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))  # topic / case / bank (the front matter's kind)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(String(200), default="")  # from the draft's front matter, for lists
    draft_text: Mapped[str] = mapped_column(Text)
    draft_problems: Mapped[list] = mapped_column(JSON, default=list)  # [{"line", "message"}] of the last save
    published_text: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_ids: Mapped[list] = mapped_column(JSON, default=list)  # item ids the published text defines
    copied_from: Mapped[str | None] = mapped_column(String(300))  # content/ path of the file item it copies
    import_path: Mapped[str | None] = mapped_column(String(300))  # its path in the content/ layout, when imported
    revision: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    coauthors: Mapped[list["DocCoauthor"]] = relationship(cascade="all, delete-orphan")

    @property
    def path(self) -> str:
        """Where its items say they are written (source_path of their rows; problems name it)."""
        return f"web/{self.kind}-{self.id}.md"

    @property
    def kind_label(self) -> str:
        return DOC_KINDS.get(self.kind, self.kind)

    @property
    def unpublished_changes(self) -> bool:
        return self.published_text != self.draft_text

    def editable_by(self, user) -> bool:
        from .users import Role
        return user.has_role(Role.admin) or user.id == self.owner_id or any(c.user_id == user.id for c in self.coauthors)


class DocCoauthor(db.Model):
    __tablename__ = "doc_coauthors"
    __table_args__ = (UniqueConstraint("doc_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    doc_id: Mapped[int] = mapped_column(ForeignKey("authored_docs.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))


class ImportBatch(db.Model):
    """An upload between its preview and the instructor's confirmation: nothing is written to content
    until then, and then all of it or nothing. Kept in the database so any worker can confirm it."""

    __tablename__ = "import_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(16))  # zip / gift / moodle-xml
    filename: Mapped[str] = mapped_column(String(200), default="")
    files: Mapped[dict] = mapped_column(JSON)  # path → Markdown text in the content/ format
    notes: Mapped[list] = mapped_column(JSON, default=list)  # converter messages [{"line", "title", "message"}]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
