"""Write parsed content into the database: upsert by stable id, version, retire what is gone.

Nothing is ever deleted: a learner's answers keep pointing at retired items and at the
version they answered. A question or case whose payload (what a learner sees, how it is
graded) changed gets a new ItemVersion. Only rows that came from files are retired when
they are gone from content/; items written in the browser are never touched by a load.
The caller owns the transaction, so a load is all or nothing.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, delete, insert, select, update
from sqlalchemy.orm import Session

from ..grading.drawing import PaperSection
from ..models import (
    ORIGIN_FILE, ORIGIN_WEB, Area, Case, ContentState, ItemVersion, PaperBlueprint, Question, QuestionBank, SearchEntry, Topic,
    case_topics, question_topics,
)
from ..models.base import utcnow
from .gcwindow import old_objects_frozen
from .items import ContentSet
from .payloads import case_payload, fingerprint, question_payload


class SyncConflict(ValueError):
    """A file item has the id of an item written in the browser."""


@dataclass
class SyncReport:
    added: Counter = field(default_factory=Counter)
    versions: Counter = field(default_factory=Counter)  # new versions of questions and cases
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    retired: Counter = field(default_factory=Counter)

    def lines(self) -> list[str]:
        kinds = ["area", "topic", "case", "bank", "question", "blueprint"]
        labels = {"area": "领域", "topic": "知识点", "case": "案例", "bank": "题库", "question": "题目", "blueprint": "考试蓝图"}
        return [
            f"{labels[k]}：新增 {self.added[k]}，更新 {self.updated[k]}，未变 {self.unchanged[k]}，停用 {self.retired[k]}"
            + (f"，新版本 {self.versions[k]}" if k in ("question", "case") else "")
            for k in kinds
        ]


def record_versions(session: Session, kind: str, payloads: dict[str, dict[str, Any]],
                    origin: str = ORIGIN_FILE) -> tuple[dict[str, int], int]:
    """The ItemVersion id for each item's payload, adding versions for payloads not seen before.

    Returns ({item id: version id}, number of versions added).
    """
    known: dict[tuple[str, str], int] = {}
    last: dict[str, int] = {}
    for vid, item_id, number, fp in session.execute(
            select(ItemVersion.id, ItemVersion.item_id, ItemVersion.number, ItemVersion.fingerprint)
            .where(ItemVersion.kind == kind)):
        known[(item_id, fp)] = vid
        last[item_id] = max(last.get(item_id, 0), number)
    fingerprints = {item_id: fingerprint(payload) for item_id, payload in payloads.items()}
    new: list[dict[str, Any]] = []
    now = utcnow()
    for item_id, payload in payloads.items():
        if (item_id, fingerprints[item_id]) not in known:
            last[item_id] = last.get(item_id, 0) + 1
            new.append(dict(kind=kind, item_id=item_id, number=last[item_id], fingerprint=fingerprints[item_id],
                            payload=payload, origin=origin, created_at=now))
    insert_rows(session, ItemVersion.__table__, new)
    # Read back by (item, fingerprint), which is unique: RETURNING in parameter order costs one round
    # trip per row on SQLite and cannot follow a COPY.
    for chunk in _chunks(sorted({row["item_id"] for row in new})):
        known.update(((item_id, fp), vid) for vid, item_id, fp in session.execute(
            select(ItemVersion.id, ItemVersion.item_id, ItemVersion.fingerprint)
            .where(ItemVersion.kind == kind, ItemVersion.item_id.in_(chunk))))
    return {item_id: known[(item_id, fp)] for item_id, fp in fingerprints.items()}, len(new)


def insert_rows(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """INSERT many rows in the session's transaction: COPY on PostgreSQL, one executemany elsewhere.

    Every row names the same columns, and every column that has a default in Python (not in the
    database), since COPY bypasses SQLAlchemy's defaults.
    """
    if not rows:
        return
    names = list(rows[0])
    missing = [c.name for c in table.columns if c.name not in names and c.default is not None]
    if missing:  # the same rule on every database, so a test on SQLite catches what COPY would miss
        raise ValueError(f"insert_rows into {table.name}: rows lack {', '.join(missing)}")
    session.flush()  # what the ORM holds goes first, as it would before an ORM INSERT
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        _executemany(connection, table, names, rows)
        return
    columns = [table.c[name] for name in names]
    processors = [c.type.bind_processor(connection.dialect) for c in columns]  # JSON → text, as an INSERT would
    quoted = ", ".join(connection.dialect.identifier_preparer.quote(name) for name in names)
    with connection.connection.driver_connection.cursor() as cursor:
        with cursor.copy(f"COPY {table.name} ({quoted}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([row[name] if process is None else process(row[name])
                                for name, process in zip(names, processors, strict=True)])


def _executemany(connection, table: Table, names: list[str], rows: list[dict[str, Any]]) -> None:
    """One driver executemany of the INSERT, compiled once, each value through its column type's bind
    processor: what connection.execute(insert(table), rows) sends, without SQLAlchemy building and
    processing a parameter dict per row (a third of the insert time on SQLite)."""
    dialect = connection.dialect
    compiled = insert(table).compile(dialect=dialect, column_keys=names)
    order = [compiled.binds[name].key for name in compiled.positiontup or ()]
    if sorted(order) != sorted(names):  # not a plain positional INSERT of these columns: the usual way
        connection.execute(insert(table), rows)
        return
    processors = [table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in order]
    connection.exec_driver_sql(str(compiled), [
        tuple(row[name] if process is None else process(row[name]) for name, process in zip(order, processors))
        for row in rows])


def _rows(content: ContentSet, versions: dict[str, dict[str, int]],
          origin: str = ORIGIN_FILE) -> dict[str, tuple[type, list[dict[str, Any]]]]:
    now = utcnow()
    areas = [dict(id=a.id, title=a.title, summary=a.summary, position=a.position, core=a.core,
                  retired=False, fingerprint=a.fingerprint()) for a in content.areas]

    def base(item, version: int | None = None) -> dict[str, Any]:
        # The row's fingerprint covers where it is written too; its version only what learners see.
        fp = item.fingerprint() if version is None else fingerprint({"row": item.fingerprint(), "version": version})
        return dict(id=item.id, title=item.title, source_path=item.path, source_line=item.line, origin=origin,
                    position=item.position, retired=False, fingerprint=fp, updated_at=now)

    topics = [dict(base(t), area_id=t.area, summary=t.summary, body_html=t.body_html) for t in content.topics]
    banks = [dict(base(b), area_id=b.area) for b in content.banks]
    qv, cv = versions["question"], versions["case"]
    questions = [dict(base(q, qv[q.id]), area_id=q.area, bank_id=q.bank, qtype=q.qtype, difficulty=q.difficulty,
                      stem_html=q.stem_html, explanation_html=q.explanation_html, version_id=qv[q.id])
                 for q in content.questions]
    cases = [dict(base(c, cv[c.id]), area_id=c.area, kind=c.kind, difficulty=c.difficulty, prompt_html=c.prompt_html,
                  background_html=c.background_html, version_id=cv[c.id])
             for c in content.cases]
    blueprints = [dict(base(b), paper=b.paper, time_limit=b.time_limit, prep_minutes=b.prep_minutes,
                       answer_minutes=b.answer_minutes, pass_mark=b.pass_mark, intro_html=b.intro_html,
                       sections=[PaperSection(s.qtype, s.count, s.points, s.areas, s.title, s.exclude or None)
                                 for s in b.sections])
                  for b in content.blueprints]
    return {"area": (Area, areas), "topic": (Topic, topics), "bank": (QuestionBank, banks),
            "question": (Question, questions), "case": (Case, cases), "blueprint": (PaperBlueprint, blueprints)}


@old_objects_frozen()
def sync_content(session: Session, content: ContentSet) -> SyncReport:
    """Bring the database in line with content; content must have no problems."""
    if content.problems:
        raise ValueError("content has problems; refusing to load")
    report = SyncReport()
    versions = {}
    for kind, items, make in (("question", content.questions, question_payload), ("case", content.cases, case_payload)):
        versions[kind], report.versions[kind] = record_versions(session, kind, {i.id: make(i).to_json() for i in items})
    changed: dict[str, set[str]] = {}
    fresh: dict[str, set[str]] = {}
    for kind, (model, rows) in _rows(content, versions).items():
        origin = getattr(model, "origin", None)
        columns = [model.id, model.fingerprint, model.retired] + ([origin] if origin is not None else [])
        existing = {r[0]: (r[1], r[2], r[3] if origin is not None else ORIGIN_FILE)
                    for r in session.execute(select(*columns))}
        clash = sorted(r["id"] for r in rows if r["id"] in existing and existing[r["id"]][2] != ORIGIN_FILE)
        if clash:
            raise SyncConflict(f"这些编号已被在网页上编写的内容使用，文件里的条目请换一个编号：{'、'.join(clash[:20])}")
        live = {r["id"] for r in rows}
        gone = [i for i, (_, retired, where) in existing.items()
                if i not in live and not retired and where == ORIGIN_FILE]
        new, upd = _write(session, model, rows, existing, gone)
        report.added[kind], report.updated[kind] = len(new), len(upd)
        report.unchanged[kind], report.retired[kind] = len(rows) - len(new) - len(upd), len(gone)
        changed[kind] = {r["id"] for r in new + upd} | set(gone)
        fresh[kind] = {r["id"] for r in new}
    _finish(session, content, changed, fresh)
    return report


def _write(session: Session, model: type, rows: list[dict[str, Any]], existing: dict[str, tuple],
           gone: list[str]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Insert the rows not there yet, update those whose fingerprint changed or that were retired, retire
    `gone`. `existing` maps an id to (fingerprint, retired, …). Returns (inserted, updated)."""
    new = [r for r in rows if r["id"] not in existing]
    upd = [r for r in rows if r["id"] in existing and (existing[r["id"]][0] != r["fingerprint"] or existing[r["id"]][1])]
    insert_rows(session, model.__table__, new)
    if upd:
        session.execute(update(model), upd)
    if gone:
        session.execute(update(model), [{"id": i, "retired": True} for i in gone])
    return new, upd


def _finish(session: Session, content: ContentSet, changed: dict[str, set[str]], fresh: dict[str, set[str]]) -> None:
    """Links and search entries of the changed items (those in `fresh` are new: they have none to
    remove); tell every worker the content changed."""
    stale = {kind: ids - fresh.get(kind, set()) for kind, ids in changed.items()}
    _sync_links(session, content, changed, stale)
    _sync_search(session, content, changed, stale)
    if any(changed.values()):
        bump_content_version(session)
    session.flush()


def bump_content_version(session: Session) -> None:
    """Tell every worker that pages rendered from the old content are stale."""
    state = session.get(ContentState, 1)
    if state is None:
        session.add(ContentState(id=1, version=1, loaded_at=utcnow()))
    else:
        state.version += 1
        state.loaded_at = utcnow()


def _sync_links(session: Session, content: ContentSet, changed: dict[str, set[str]],
                stale: dict[str, set[str]]) -> None:
    for table, column, items, kind in ((question_topics, "question_id", content.questions, "question"),
                                       (case_topics, "case_id", content.cases, "case")):
        ids = changed[kind]
        col = table.c[column]
        for chunk in _chunks(sorted(stale[kind])):
            session.execute(delete(table).where(col.in_(chunk)))
        insert_rows(session, table, [{column: i.id, "topic_id": t}
                                     for i in items if i.id in ids for t in dict.fromkeys(i.knowledge)])


def _sync_search(session: Session, content: ContentSet, changed: dict[str, set[str]],
                 stale: dict[str, set[str]]) -> None:
    docs = [("topic", t, f"{t.summary} {t.text}") for t in content.topics]
    docs += [("case", c, c.text) for c in content.cases]
    docs += [("question", q, q.text) for q in content.questions]
    for kind in ("topic", "case", "question"):
        for chunk in _chunks(sorted(stale[kind])):
            session.execute(delete(SearchEntry).where(SearchEntry.kind == kind, SearchEntry.ref_id.in_(chunk)))
    insert_rows(session, SearchEntry.__table__, [
        dict(kind=kind, ref_id=item.id, area_id=item.area, title=item.title, title_lc=item.title.casefold(),
             text=text, text_lc=text.casefold(), position=item.position)
        for kind, item, text in docs if item.id in changed[kind]])


def _chunks(ids: list[str], size: int = 500):
    for i in range(0, len(ids), size):
        yield ids[i:i + size]


WEB_POSITION = 100_000  # items written in the browser come after the files' items of their area


def publish_document(session: Session, path: str, content: ContentSet, previous_ids: list[str]) -> str:
    """Publish one browser document; see publish_documents."""
    return publish_documents(session, [(path, content, previous_ids)])


@old_objects_frozen()
def publish_documents(session: Session, docs: list[tuple[str, ContentSet, list[str]]]) -> str:
    """Publish browser documents (each checked: no problems) as live items with origin "web" (caller commits).

    Each document is (its path, its parsed items, the item ids its previous publication had). Items are
    upserted by id like file items, with a new version when what learners see changed; items a previous
    publication had and this one lacks are retired, never deleted. An id held by a file or by another
    document is refused (SyncConflict), whatever the checker said a moment ago. Versions are recorded for
    all documents at once, so an import of many files reads the version table once.
    Returns a one-line summary in Chinese."""
    merged = ContentSet()
    where: dict[str, str] = {}
    for path, content, _ in docs:
        for n, item in enumerate(content.topics + content.cases + content.banks + content.questions):
            item.position = WEB_POSITION + n
            where[item.id] = path
        merged.topics += content.topics
        merged.cases += content.cases
        merged.banks += content.banks
    previous = {i: path for path, _, ids in docs for i in ids}
    versions = {}
    added = 0
    for kind, items, make in (("question", merged.questions, question_payload), ("case", merged.cases, case_payload)):
        versions[kind], n_new = record_versions(session, kind, {i.id: make(i).to_json() for i in items}, ORIGIN_WEB)
        added += n_new
    changed: dict[str, set[str]] = {"topic": set(), "case": set(), "question": set(), "bank": set()}
    fresh: dict[str, set[str]] = {}
    counts = {"new": 0, "updated": 0, "retired": 0}
    for kind, (model, rows) in _rows(merged, versions, ORIGIN_WEB).items():
        if kind not in changed:  # areas and blueprints are never written in the browser
            continue
        existing = {}
        for chunk in _chunks(sorted({r["id"] for r in rows} | set(previous))):
            existing.update({i: (fp, retired, origin, path) for i, fp, retired, origin, path in session.execute(
                select(model.id, model.fingerprint, model.retired, model.origin, model.source_path)
                .where(model.id.in_(chunk)))})
        clash = sorted(r["id"] for r in rows if r["id"] in existing
                       and (existing[r["id"]][2] != ORIGIN_WEB or existing[r["id"]][3] != where[r["id"]]))
        if clash:
            raise SyncConflict(f"这些编号已被别的文件或文档使用：{'、'.join(clash[:20])}")
        live = {r["id"] for r in rows}
        gone = [i for i, (_, retired, origin, path) in existing.items()
                if i not in live and not retired and origin == ORIGIN_WEB and previous.get(i) == path]
        new, upd = _write(session, model, rows, existing, gone)
        counts["new"] += len(new)
        counts["updated"] += len(upd)
        counts["retired"] += len(gone)
        changed[kind] = {r["id"] for r in new + upd} | set(gone)
        fresh[kind] = {r["id"] for r in new}
    _finish(session, merged, changed, fresh)
    return (f"新增 {counts['new']} 条，更新 {counts['updated']} 条，停用 {counts['retired']} 条，"
            f"新版本 {added} 个")
