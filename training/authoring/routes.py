"""Thin views over content/authoring.py (checking) and content/sync.py (publishing)."""
from __future__ import annotations

import re
from pathlib import Path

from flask import current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from ..access import instructor_required
from ..content.authoring import STARTERS, Checked, Known, check_document, synonym_suggestions
from ..content.payloads import case_payload, question_payload
from ..errors import user_abort
from ..extensions import db
from ..forms import require_csrf
from ..grading.display import ShownQuestion
from ..grading.keypoints import suggest_points
from ..models import Area, Case, Question, QuestionBank, Role, Topic, User
from ..models.authoring import DOC_KINDS, AuthoredDoc, DocCoauthor
from ..models.base import utcnow
from ..numbers import parse_int
from . import bp

MAX_TEXT = 200_000  # characters in one document (a large question bank is about 60 000)
MAX_SAMPLE = 5000


def known_content(exclude_path: str | None = None) -> Known:
    """What is live: areas, knowledge points, and which source holds each id (file path or web document)."""
    areas = dict(db.session.execute(select(Area.id, Area.title).where(Area.retired.is_(False))
                                    .order_by(Area.position)).all())
    owners: dict[str, str] = {}
    topics: set[str] = set()
    for model in (Topic, Case, QuestionBank, Question):
        for item_id, path, retired in db.session.execute(select(model.id, model.source_path, model.retired)):
            owners[item_id] = path  # retired ids stay taken: answers point at them
            if model is Topic and not retired:
                topics.add(item_id)
    for doc_id, kind, ids in db.session.execute(select(AuthoredDoc.id, AuthoredDoc.kind, AuthoredDoc.published_ids)):
        for item_id in ids or []:
            owners[item_id] = f"web/{kind}-{doc_id}.md"
    if exclude_path:
        owners = {k: v for k, v in owners.items() if v != exclude_path}
    return Known(areas=areas, topics=topics, owners=owners)


def own_doc(doc_id: int) -> AuthoredDoc:
    doc = db.session.get(AuthoredDoc, doc_id)
    if doc is None:
        user_abort(404, "没有这份文档。")
    if not doc.editable_by(current_user):
        user_abort(403, "这份文档属于另一位讲师；请作者把你加为合作者，或复制一份再改。")
    return doc


def text_field(name: str = "text", limit: int = MAX_TEXT) -> str:
    text = (request.form.get(name) or "").replace("\r\n", "\n")
    if len(text) > limit:
        user_abort(413, f"文档太长（{len(text)} 字），最多 {limit} 字；请拆成几份。")
    return text


def preview_items(checked: Checked) -> dict:
    """What the preview renders: the parsed items as learners will see them."""
    c = checked.content
    return {"topics": c.topics, "cases": [(x, case_payload(x)) for x in c.cases],
            "questions": [(q, ShownQuestion.as_presented(question_payload(q), None)) for q in c.questions]}


def problem_dicts(problems) -> list[dict]:
    return [{"line": p.line, "message": p.message} for p in problems]


@bp.route("/")
@instructor_required
def index():
    """My documents (an admin sees everyone's) and how to start a new one."""
    stmt = select(AuthoredDoc).order_by(AuthoredDoc.updated_at.desc())
    if not current_user.has_role(Role.admin):
        stmt = stmt.where(or_(AuthoredDoc.owner_id == current_user.id,
                              AuthoredDoc.id.in_(select(DocCoauthor.doc_id).where(DocCoauthor.user_id == current_user.id))))
    docs = db.session.execute(stmt).scalars().all()
    owners = dict(db.session.execute(select(User.id, User.nickname).where(User.id.in_({d.owner_id for d in docs}))).all())
    areas = db.session.execute(select(Area).where(Area.retired.is_(False)).order_by(Area.position)).scalars().all()
    return render_template("authoring/index.html", docs=docs, owners=owners, areas=areas, kinds=DOC_KINDS)


@bp.route("/new", methods=["POST"])
@instructor_required
def new():
    require_csrf()
    kind, area = request.form.get("kind", ""), request.form.get("area", "")
    if kind not in STARTERS:
        user_abort(400, "请选择要写知识点、案例还是题库。")
    area_row = db.session.get(Area, area)
    if area_row is None or area_row.retired:
        user_abort(400, "请选择一个考点领域。")
    topic = db.session.execute(select(Topic.id).where(Topic.area_id == area, Topic.retired.is_(False))
                               .order_by(Topic.position).limit(1)).scalar() or f"kp-{area}-new"
    text = STARTERS[kind].format(area=area, topic=topic)
    doc = AuthoredDoc(kind=kind, owner_id=current_user.id, title="", draft_text=text, draft_problems=[],
                      published_ids=[], updated_by=current_user.id)
    db.session.add(doc)
    db.session.flush()
    unique_ids(doc)
    db.session.commit()
    return redirect(url_for("authoring.edit", doc_id=doc.id))


def unique_ids(doc: AuthoredDoc) -> None:
    """A new or copied document's ids get the document number, so they never collide with anything live."""
    doc.draft_text = _ID_LINE.sub(lambda m: f"{m.group(1)}{m.group(2)}-w{doc.id}", doc.draft_text, count=1)
    doc.draft_text = _QUESTION_HEAD.sub(lambda m: f"{m.group(1)}{m.group(2)}-w{doc.id}{m.group(3)}", doc.draft_text)
    checked = check_document(doc.path, doc.draft_text, known_content(doc.path))
    doc.title, doc.draft_problems = checked.title, problem_dicts(checked.problems)


_ID_LINE = re.compile(r"^(id:\s*)([A-Za-z0-9][A-Za-z0-9_-]*)", re.M)
_QUESTION_HEAD = re.compile(r"^(##\s+)([A-Za-z0-9][A-Za-z0-9_-]*)(\s+·)", re.M)


@bp.route("/copy", methods=["POST"])
@instructor_required
def copy():
    """An item from content/ is read-only here; this copies its file into a new document of mine."""
    require_csrf()
    item_id = (request.form.get("item") or "").strip()
    found = None
    for model, kind in ((Topic, "topic"), (Case, "case"), (QuestionBank, "bank")):
        row = db.session.get(model, item_id) if item_id else None
        if row is not None:
            found = (row, kind)
            break
    if found is None and item_id:
        q = db.session.get(Question, item_id)
        if q is not None:
            found = (db.session.get(QuestionBank, q.bank_id), "bank")
    if found is None:
        user_abort(404, f"没有编号为 {item_id or '（空）'} 的知识点、案例、题库或题目。")
    row, kind = found
    if row.origin != "file":
        user_abort(409, "这是网页上编写的内容：请在它的文档里修改，或请作者把你加为合作者。")
    text = read_source(row.source_path)
    if text is None:
        user_abort(404, f"找不到它的源文件 {row.source_path}。")
    doc = AuthoredDoc(kind=kind, owner_id=current_user.id, title=row.title, draft_text=text, draft_problems=[],
                      published_ids=[], copied_from=row.source_path, updated_by=current_user.id)
    db.session.add(doc)
    db.session.flush()
    unique_ids(doc)
    db.session.commit()
    flash(f"已复制 {row.title}：编号已改成新的，发布后和原来的内容并存。", "success")
    return redirect(url_for("authoring.edit", doc_id=doc.id))


def read_source(source_path: str) -> str | None:
    root = Path(current_app.config["CONTENT_DIR"]).resolve()
    rel = Path(source_path)
    candidates = [rel if rel.is_absolute() else Path.cwd() / rel]
    if rel.parts and rel.parts[0] == "content":
        candidates.append(root.joinpath(*rel.parts[1:]))
    for path in candidates:
        path = path.resolve()
        if path.is_file() and root in path.parents:  # never outside the content folder
            return path.read_text(encoding="utf-8")
    return None


@bp.route("/<int:doc_id>")
@instructor_required
def edit(doc_id: int):
    doc = own_doc(doc_id)
    checked = check_document(doc.path, doc.draft_text, known_content(doc.path))
    return render_editor(doc, doc.draft_text, checked)


def render_editor(doc: AuthoredDoc, text: str, checked: Checked, status: int = 200, conflict: str | None = None):
    coauthors = db.session.execute(select(User).where(User.id.in_([c.user_id for c in doc.coauthors]))).scalars().all()
    owner = db.session.get(User, doc.owner_id)
    return render_template("authoring/edit.html", doc=doc, text=text, checked=checked, preview=preview_items(checked),
                           synonyms=synonym_suggestions(checked.content),
                           coauthors=coauthors, owner=owner, conflict=conflict, max_text=MAX_TEXT), status


@bp.route("/<int:doc_id>/check", methods=["POST"])
@instructor_required
def check(doc_id: int):
    """The checker's verdict and the preview of unsaved text (the editor calls this as the author types)."""
    doc = own_doc(doc_id)
    require_csrf()
    text = text_field()
    checked = check_document(doc.path, text, known_content(doc.path))
    return jsonify(problems=problem_dicts(checked.problems), warnings=problem_dicts(checked.warnings),
                   preview=render_template("authoring/_preview.html", preview=preview_items(checked)))


@bp.route("/<int:doc_id>/save", methods=["POST"])
@instructor_required
def save(doc_id: int):
    """Keep the draft (whatever the checker says) and, when asked and it is clean, publish it.

    The form names the revision it was based on; if another save came in between, nothing is
    overwritten: both texts are shown side by side."""
    doc = own_doc(doc_id)
    require_csrf()
    text = text_field()
    base = parse_int(request.form.get("revision", ""), lo=1)
    if base is None:
        user_abort(400, "缺少文档版本号：请刷新页面后再保存（先复制好你的修改）。")
    known = known_content(doc.path)
    checked = check_document(doc.path, text, known)
    if checked.kind is not None and checked.kind != doc.kind:
        checked.problems.insert(0, _kind_problem(doc))
    now = utcnow()
    claimed = db.session.execute(update(AuthoredDoc).where(
        AuthoredDoc.id == doc.id, AuthoredDoc.revision == base).values(
        draft_text=text, draft_problems=problem_dicts(checked.problems), title=checked.title or doc.title,
        revision=AuthoredDoc.revision + 1, updated_at=now, updated_by=current_user.id)).rowcount == 1
    if not claimed:
        db.session.rollback()
        doc = own_doc(doc_id)
        theirs = check_document(doc.path, doc.draft_text, known)
        return render_editor(doc, doc.draft_text, theirs, status=409, conflict=text)
    db.session.commit()
    db.session.refresh(doc)
    if request.form.get("action") != "publish":
        flash("草稿已保存。" + (f"还有 {len(checked.problems)} 个问题要改，改好才能发布。" if checked.problems else ""),
              "success" if not checked.problems else "error")
        return redirect(url_for("authoring.edit", doc_id=doc.id))
    if checked.problems or checked.kind is None:
        flash(f"草稿已保存，但有 {len(checked.problems)} 个问题，没有发布。学员看到的仍是上一次发布的版本。", "error")
        return redirect(url_for("authoring.edit", doc_id=doc.id))
    from ..content.sync import SyncConflict, publish_document
    try:
        report = publish_document(db.session, doc.path, checked.content, doc.published_ids or [])
    except SyncConflict as exc:  # an id taken between the check and the write
        db.session.rollback()
        flash(f"草稿已保存，但没有发布：{exc}", "error")
        return redirect(url_for("authoring.edit", doc_id=doc.id))
    doc.published_text, doc.published_at, doc.published_ids = text, utcnow(), checked.item_ids()
    db.session.commit()
    flash(f"已发布：{report}。之前的作答仍按当时的版本显示。", "success")
    return redirect(url_for("authoring.edit", doc_id=doc.id))


def _kind_problem(doc: AuthoredDoc):
    from ..content.items import Problem
    return Problem(doc.path, 1, f"这份文档是{doc.kind_label}，kind 不能改；要写别的种类请新建一份")


@bp.route("/<int:doc_id>/try", methods=["POST"])
@instructor_required
def try_answer(doc_id: int):
    """试答: what the key-point matcher would credit for a sample answer to the draft's case, and why."""
    doc = own_doc(doc_id)
    require_csrf()
    checked = check_document(doc.path, text_field(), known_content(doc.path))
    sample = text_field("sample", MAX_SAMPLE)
    if not checked.content.cases:
        user_abort(400, "文档里没有能试答的案例（先把案例写到能通过检查）。")
    case = case_payload(checked.content.cases[0])
    points = case.points_as_dicts()
    results = suggest_points(sample, points, f"{case.prompt_html}\n{case.background_html}")
    return render_template("authoring/_try.html", case=case, sample=sample, results=list(zip(case.key_points, results)))


@bp.route("/<int:doc_id>/coauthors", methods=["POST"])
@instructor_required
def coauthors(doc_id: int):
    """The owner (or an admin) adds or removes a co-author by login name."""
    doc = own_doc(doc_id)
    require_csrf()
    if doc.owner_id != current_user.id and not current_user.has_role(Role.admin):
        user_abort(403, "只有文档的作者可以管理合作者。")
    remove = parse_int(request.form.get("remove", ""), lo=1)
    if remove is not None:
        for c in list(doc.coauthors):
            if c.user_id == remove:
                doc.coauthors.remove(c)
        db.session.commit()
        return redirect(url_for("authoring.edit", doc_id=doc.id))
    name = (request.form.get("username") or "").strip()
    user = db.session.execute(select(User).where(User.username == name)).scalar() if name else None
    if user is None or not user.has_role(Role.instructor):
        user_abort(400, "没有这个讲师账号（填写对方的登录名）。")
    if user.id != doc.owner_id and all(c.user_id != user.id for c in doc.coauthors):
        try:
            with db.session.begin_nested():
                db.session.add(DocCoauthor(doc_id=doc.id, user_id=user.id))
        except IntegrityError:
            pass  # added at the same moment by another request: already a co-author
    db.session.commit()
    flash(f"已把 {user.nickname} 加为合作者。", "success")
    return redirect(url_for("authoring.edit", doc_id=doc.id))
