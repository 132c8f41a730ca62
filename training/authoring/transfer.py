"""Import (Markdown zip, GIFT, Moodle XML: preview first, then all or nothing) and export of content."""
from __future__ import annotations

from pathlib import Path

from flask import Response as HTTPResponse, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import or_, select, update

from ..access import instructor_required
from ..classes.guards import teacher_class
from ..classes.queries import teaching
from ..content.importing import MyDoc, plan_import, summary
from ..content.parse import parse_document
from ..content.items import ContentSet
from ..content.sync import SyncConflict, publish_documents
from ..edge import accepts_uploads
from ..errors import user_abort
from ..extensions import db
from ..forms import require_csrf
from ..interchange import gift, moodle_xml
from ..interchange.common import ImportRefused
from ..interchange.mdzip import DEFAULT_LIMITS, MAX_UPLOAD_BYTES, export_zip, read_zip
from ..models import Area, Role
from ..numbers import parse_int
from ..models.authoring import AuthoredDoc, DocCoauthor, ImportBatch
from ..models.base import utcnow
from . import bp
from .exporting import SELECTIONS, class_question_ids, export_files
from .routes import known_content

FORMATS = {"zip": "Markdown 压缩包（content/ 目录结构）", "gift": "Moodle GIFT", "xml": "Moodle XML"}


def my_docs() -> list[MyDoc]:
    docs = db.session.execute(select(AuthoredDoc).where(or_(
        AuthoredDoc.owner_id == current_user.id,
        AuthoredDoc.id.in_(select(DocCoauthor.doc_id).where(DocCoauthor.user_id == current_user.id))))).scalars()
    return [MyDoc(d.id, d.path, d.import_path, d.published_text, d.published_ids or []) for d in docs]


def areas() -> list[Area]:
    return db.session.execute(select(Area).where(Area.retired.is_(False)).order_by(Area.position)).scalars().all()


@bp.route("/import")
@instructor_required
def import_form():
    return render_template("authoring/import.html", formats=FORMATS, areas=areas(),
                           max_mb=current_app.config.get("IMPORT_MAX_BYTES", MAX_UPLOAD_BYTES) // (1024 * 1024))


@bp.route("/import", methods=["POST"])
@instructor_required
@accepts_uploads("IMPORT_MAX_BYTES")
def import_upload():
    """Read and convert the upload, keep it as a batch, and show the preview; nothing is published yet."""
    limit = current_app.config.get("IMPORT_MAX_BYTES", MAX_UPLOAD_BYTES)
    if request.content_length and request.content_length > limit:
        user_abort(413, f"文件太大：最多 {limit // (1024 * 1024)} MB。")
    require_csrf()
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        user_abort(400, "请选择要导入的文件。")
    data = upload.read(limit + 1)
    if len(data) > limit:
        user_abort(413, f"文件太大：最多 {limit // (1024 * 1024)} MB。")
    name = upload.filename.rsplit("/", 1)[-1][:200]
    fmt = request.form.get("format") or {"zip": "zip", "gift": "gift", "txt": "gift", "xml": "xml"}.get(
        name.rsplit(".", 1)[-1].lower(), "")
    if fmt not in FORMATS:
        user_abort(400, "请选择文件格式：Markdown 压缩包、GIFT 或 Moodle XML。")
    known_areas = {a.id: a.title for a in areas()}
    default_area = request.form.get("area") or next(iter(known_areas), "")
    if fmt != "zip" and default_area not in known_areas:
        user_abort(400, "请选择默认的考点领域（没有分类的题目归入它）。")
    notes = []
    try:
        if fmt == "zip":
            files = read_zip(data, DEFAULT_LIMITS)
        else:
            parser = gift.parse if fmt == "gift" else moodle_xml.parse
            result = parser(data, default_area, areas=known_areas, name=Path(name).stem[:40] or "imported")
            files = {path: text for path, text in result.documents.items()}
            notes = [{"line": n.line, "title": n.title, "message": str(n), "kept": n.kept} for n in result.notes]
    except ImportRefused as exc:
        user_abort(400, str(exc))
    if not files:
        user_abort(400, "文件里没有可以导入的内容。" + (f"（{len(notes)} 条说明：{notes[0]['message']}）" if notes else ""))
    batch = ImportBatch(owner_id=current_user.id, source=fmt, filename=name, files=files, notes=notes)
    db.session.add(batch)
    db.session.commit()
    return redirect(url_for("authoring.import_preview", batch_id=batch.id))


def own_batch(batch_id: int) -> ImportBatch:
    batch = db.session.get(ImportBatch, batch_id)
    if batch is None:
        user_abort(404, "没有这次导入（可能已经过期）。")
    if batch.owner_id != current_user.id:
        user_abort(403, "这次导入属于另一位讲师。")
    return batch


@bp.route("/import/<int:batch_id>")
@instructor_required
def import_preview(batch_id: int):
    batch = own_batch(batch_id)
    plans = plan_import(batch.files, known_content(), my_docs())
    return render_template("authoring/import_preview.html", batch=batch, plans=plans, total=summary(plans),
                           notes=batch.notes, formats=FORMATS)


@bp.route("/import/<int:batch_id>/confirm", methods=["POST"])
@instructor_required
def import_confirm(batch_id: int):
    """Write every file of the batch as published documents, in one transaction, or nothing."""
    batch = own_batch(batch_id)
    require_csrf()
    if batch.confirmed_at is not None:
        flash("这次导入已经完成。", "success")
        return redirect(url_for("authoring.index"))
    plans = plan_import(batch.files, known_content(), my_docs())  # again: the live content may have changed
    if any(p.status == "error" for p in plans):
        flash("有文件存在错误，没有导入任何内容。请改正后重新上传。", "error")
        return redirect(url_for("authoring.import_preview", batch_id=batch.id))
    claimed = db.session.execute(update(ImportBatch).where(ImportBatch.id == batch.id, ImportBatch.confirmed_at.is_(None))
                                 .values(confirmed_at=utcnow())).rowcount == 1
    if not claimed:  # a second click, or another tab
        db.session.rollback()
        return redirect(url_for("authoring.index"))
    now, docs, publish = utcnow(), {d.id: d for d in db.session.execute(select(AuthoredDoc).where(
        AuthoredDoc.id.in_([p.doc_id for p in plans if p.doc_id]))).scalars()}, []
    plans = [p for p in plans if p.status != "unchanged"]
    created = {p.path: AuthoredDoc(kind=p.kind, owner_id=current_user.id, title=p.title, draft_text=batch.files[p.path],
                                   draft_problems=[], published_ids=[], import_path=p.path, updated_by=current_user.id)
               for p in plans if docs.get(p.doc_id) is None}
    db.session.add_all(created.values())
    db.session.flush()  # the new documents' ids name their paths; one round trip for all of them
    for plan in plans:
        text = batch.files[plan.path]
        doc = created.get(plan.path) or docs[plan.doc_id]
        previous = list(doc.published_ids or [])
        content = plan.checked.content
        for item in content.topics + content.cases + content.banks + content.questions:
            item.path = doc.path  # parsed under the upload's name; live under the document's
        doc.draft_text, doc.published_text, doc.published_at = text, text, now
        doc.title, doc.published_ids, doc.draft_problems = plan.title, plan.ids, []
        doc.import_path, doc.updated_at, doc.revision = plan.path, now, (doc.revision or 0) + 1
        publish.append((doc.path, content, previous))
    try:
        report = publish_documents(db.session, publish) if publish else "没有需要更新的内容"
    except SyncConflict as exc:
        db.session.rollback()
        flash(f"没有导入任何内容：{exc}", "error")
        return redirect(url_for("authoring.import_preview", batch_id=batch.id))
    db.session.commit()
    flash(f"导入完成：{len(publish)} 个文件，{report}。", "success")
    return redirect(url_for("authoring.index"))


@bp.route("/export")
@instructor_required
def export_form():
    classes = teaching(db.session, current_user.id, current_user.has_role(Role.admin), active=True)
    return render_template("authoring/export.html", selections=SELECTIONS, formats=FORMATS, areas=areas(),
                           classes=classes)


@bp.route("/export/download")
@instructor_required
def export_download():
    selection, fmt, area = request.args.get("selection", ""), request.args.get("format", ""), request.args.get("area", "")
    if selection not in SELECTIONS or fmt not in FORMATS:
        user_abort(400, "请选择导出的范围和格式。")
    if selection == "area" and db.session.get(Area, area) is None:
        user_abort(400, "请选择一个考点领域。")
    wanted = None
    if selection == "class":
        class_id = parse_int(request.args.get("class_id", ""), lo=1)
        if class_id is None:
            user_abort(400, "请选择一个班级。")
        wanted = class_question_ids(db.session, teacher_class(class_id).id)
    files = export_files(db.session, Path(current_app.config["CONTENT_DIR"]), selection, current_user.id, area or None,
                         wanted)
    if not files:
        user_abort(404, "所选范围里没有内容可以导出：班级还没有布置练习作业或开过课堂互动。" if selection == "class"
                   else "所选范围里没有内容可以导出。")
    stamp = utcnow().strftime("%Y%m%d")
    if fmt == "zip":
        return download(export_zip(files), f"content-{selection}-{stamp}.zip", "application/zip")
    content = ContentSet()
    for path, text in sorted(files.items()):
        if not path.endswith(".md"):
            continue
        for item in parse_document(path, text)[0]:
            if wanted is not None:  # a class: exactly its questions, not the rest of their banks
                item.questions = [q for q in getattr(item, "questions", []) if q.id in wanted]
                if not item.questions:
                    continue
            content.add(item)  # blueprints too: GIFT and Moodle XML exports take only questions and cases
    if fmt == "gift":
        return download(gift.export(content).encode("utf-8"), f"questions-{selection}-{stamp}.gift.txt",
                        "text/plain; charset=utf-8")
    return download(moodle_xml.export(content), f"questions-{selection}-{stamp}.xml", "application/xml")


def download(data: bytes, name: str, mimetype: str) -> HTTPResponse:
    return HTTPResponse(data, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"',
                                                          "Cache-Control": "no-store"})
