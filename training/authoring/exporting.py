"""Which files an export holds, in the content/ layout: content/ files as they are on disk, browser
documents as published (at the path they were imported from, else topics|cases|questions/<area>/<id>.md)."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..content.parse import parse_document
from ..interchange.mdzip import layout_files
from ..models import Assignment, LiveSession
from ..models.authoring import AuthoredDoc, DocCoauthor

FOLDERS = {"topic": "topics", "case": "cases", "bank": "questions"}
SELECTIONS = {"mine": "我编写的全部内容", "area": "一个考点领域", "class": "一个班级用到的题目（作业与课堂互动）",
              "all": "全部内容（content/ 与网页编写的）"}


def class_question_ids(session: Session, class_id: int) -> set[str]:
    """The questions a class works on: those of its practice assignments and of the live quizzes run for it
    (a mock-exam assignment draws from the whole bank, so it names no questions of its own)."""
    ids: set[str] = set()
    for rows in (session.execute(select(Assignment.question_ids).where(Assignment.class_id == class_id)).scalars(),
                 session.execute(select(LiveSession.question_ids).where(LiveSession.class_id == class_id)).scalars()):
        for listed in rows:
            ids.update(listed or [])
    return ids


def holds_any(items: list, wanted: set[str]) -> bool:
    """Whether a file's parsed items define one of the wanted questions."""
    return any(q.id in wanted for item in items for q in getattr(item, "questions", []))


def first_item(path: str, text: str):
    """The first item a file defines (its area and id name it), or None."""
    items, _ = parse_document(path, text)
    return items[0] if items else None


def doc_export_path(doc: AuthoredDoc, first) -> str:
    if doc.import_path:
        return doc.import_path
    area = getattr(first, "area", "misc") if first else "misc"
    return f"{FOLDERS.get(doc.kind, 'misc')}/{area}/{first.id if first else f'doc-{doc.id}'}.md"


def export_files(session: Session, root: Path, selection: str, user_id: int,
                 area: str | None = None, wanted: set[str] | None = None) -> dict[str, str]:
    """path → text for the selection: "mine" (documents I own or co-author), "area" (content/ files and
    published documents of one area), "class" (whole files holding one of the `wanted` questions, so that
    the zip imports back without retiring the rest of a bank), "all" (everything, areas.yaml and
    blueprints included)."""
    files: dict[str, str] = {}
    wanted = wanted or set()
    if selection in ("area", "all", "class"):
        for rel, text in layout_files(root).items():  # exact bytes: line endings kept
            if selection == "all" or (
                    rel.startswith(tuple(FOLDERS.values()))
                    and (holds_any(parse_document(rel, text)[0], wanted) if selection == "class"
                         else getattr(first_item(rel, text), "area", None) == area)):
                files[rel] = text
    stmt = select(AuthoredDoc).where(AuthoredDoc.published_text.is_not(None))
    if selection == "mine":  # published documents of others are public content: in "area" and "all"
        stmt = stmt.where(or_(AuthoredDoc.owner_id == user_id, AuthoredDoc.id.in_(
            select(DocCoauthor.doc_id).where(DocCoauthor.user_id == user_id))))
    for doc in session.execute(stmt.order_by(AuthoredDoc.id)).scalars():
        items, _ = parse_document(doc.path, doc.published_text or "")  # parsed once: area, path, questions
        first = items[0] if items else None
        if selection == "area" and getattr(first, "area", None) != area:
            continue
        if selection == "class" and not holds_any(items, wanted):
            continue
        path = doc_export_path(doc, first)
        while path in files:  # a content/ file of the same name: keep both
            path = path[:-3] + f"-web{doc.id}.md"
        files[path] = doc.published_text or ""
    return files
