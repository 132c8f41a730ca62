"""Mock exam views: start or resume, answer (each answer saved at once), hand in, report, review."""
from __future__ import annotations

import random
from datetime import timedelta

from flask import redirect, render_template, request, url_for
from flask_login import current_user

from ..access import get_owned_or_404, login_required
from ..answers.store import insert_once
from ..numbers import parse_int
from ..errors import user_abort
from ..extensions import db
from ..forms import EmptyForm, require_csrf
from ..grading.drawing import CannotDraw, ExamItem, breakdown, draw_paper, paper_headings
from ..grading.objective import InvalidResponse, grade
from ..models import Area, Case, ExamAttempt, PaperBlueprint, Question
from ..models.base import as_utc, utcnow
from . import bp
from .marking import (
    GRACE_SECONDS, MAX_TEXT, TooLong, confirm_written, expired, finalize, item_fields, lock, parse_item,
    pending_written, response_at, responses_of, save_all, shown_question, store, version_at, versions_of,
)

WRITTEN_PAPERS = ("理论知识", "专业能力")


def own(attempt_id: int) -> ExamAttempt:
    return get_owned_or_404(ExamAttempt, attempt_id, "这份试卷属于另一位考生。")


def pool_for(paper: str) -> list[dict]:
    if paper == "理论知识":
        rows = db.session.execute(db.select(Question.id, Question.qtype, Question.area_id, Question.version_id)
                                  .where(Question.retired.is_(False)))
        return [{"kind": "question", "id": i, "qtype": t, "area": a, "version_id": v} for i, t, a, v in rows]
    rows = db.session.execute(db.select(Case.id, Case.kind, Case.area_id, Case.version_id).where(Case.retired.is_(False)))
    return [{"kind": "case", "id": i, "qtype": t, "area": a, "version_id": v} for i, t, a, v in rows]


def open_attempt(blueprint_id: str) -> ExamAttempt | None:
    return db.session.execute(db.select(ExamAttempt).where(
        ExamAttempt.user_id == current_user.id, ExamAttempt.blueprint_id == blueprint_id,
        ExamAttempt.submitted_at.is_(None))).scalar()


@bp.route("/")
@login_required
def index():
    """The papers on offer, an unfinished paper to resume, and past results."""
    blueprints = db.session.execute(db.select(PaperBlueprint).where(PaperBlueprint.retired.is_(False),
                                                                    PaperBlueprint.paper.in_(WRITTEN_PAPERS))
                                    .order_by(PaperBlueprint.position)).scalars().all()
    attempts = db.session.execute(db.select(ExamAttempt).where(ExamAttempt.user_id == current_user.id)
                                  .order_by(ExamAttempt.started_at.desc()).limit(30)).scalars().all()
    return render_template("exams/index.html", blueprints=blueprints, attempts=attempts, form=EmptyForm(),
                           now=utcnow(), as_utc=as_utc)


@bp.route("/start/<blueprint_id>", methods=["POST"])
@login_required
def start(blueprint_id: str):
    """Draw a paper (or go back to the unfinished one for this blueprint: there is at most one)."""
    require_csrf()
    blueprint = db.session.get(PaperBlueprint, blueprint_id)
    if blueprint is None or blueprint.retired or blueprint.paper not in WRITTEN_PAPERS:
        user_abort(404, "没有这份考试。")
    existing = open_attempt(blueprint.id)
    if existing is not None:
        return redirect(url_for("exams.sit", attempt_id=existing.id))
    try:
        items = [ExamItem.from_json(d) for d in draw_paper(blueprint.sections, pool_for(blueprint.paper), random.Random())]
    except CannotDraw as exc:
        user_abort(409, f"题库里的题目不够组成这份试卷：{exc}")
    now = utcnow()
    attempt, _ = insert_once(db.session, ExamAttempt(
        user_id=current_user.id, blueprint_id=blueprint.id, paper=blueprint.paper, title=blueprint.title,
        pass_mark=blueprint.pass_mark, items=items, started_at=now,
        deadline_at=now + timedelta(minutes=blueprint.time_limit)), lambda: open_attempt(blueprint.id))
    db.session.commit()
    return redirect(url_for("exams.sit", attempt_id=attempt.id))


@bp.route("/a/<int:attempt_id>")
@login_required
def sit(attempt_id: int):
    """The paper with the time left; past the deadline the server hands it in itself."""
    attempt = own(attempt_id)
    if attempt.submitted_at is None and expired(attempt, GRACE_SECONDS):
        finalize(attempt, auto=True)
        db.session.commit()
    if attempt.submitted_at is not None:
        return redirect(url_for("exams.report", attempt_id=attempt.id))
    versions = versions_of(attempt)
    shown = {i: shown_question(attempt, i, versions[it.version_id])
             for i, it in enumerate(attempt.items) if it.kind == "question"}
    cases = {i: versions[it.version_id].case for i, it in enumerate(attempt.items) if it.kind == "case"}
    remaining = max(0, int((as_utc(attempt.deadline_at) - utcnow()).total_seconds()))
    saved = {i: row for i, row in responses_of(attempt).items() if not row.legacy}
    return render_template("exams/sit.html", attempt=attempt, shown=shown, cases=cases, saved=saved,
                           headings=paper_headings(attempt.items),
                           remaining=remaining, max_text=MAX_TEXT, form=EmptyForm())


def parse_index(raw: str, attempt: ExamAttempt) -> int:
    index = parse_int(raw, 0, len(attempt.items) - 1)
    if index is None:
        user_abort(400, "这道题不在这份试卷里。")
    return index


@bp.route("/a/<int:attempt_id>/save", methods=["POST"])
@login_required
def save(attempt_id: int):
    """Save one answer the moment it is given (called by the page's script); invalid answers are refused."""
    attempt = own(attempt_id)
    require_csrf()
    lock(attempt)
    if attempt.submitted_at is not None:
        user_abort(409, "这份试卷已经交卷，不能再修改答案。")
    if expired(attempt, GRACE_SECONDS):
        user_abort(409, "考试时间已到，答案没有保存。系统会自动交卷。")
    index = parse_index(request.form.get("index", ""), attempt)
    version = version_at(attempt, index)
    try:
        response, text = parse_item(attempt, index, item_fields(request.form, index), version)
    except InvalidResponse as exc:
        user_abort(400, f"第 {index + 1} 题的答案无效：{exc}")
    except TooLong as exc:
        user_abort(413, str(exc))
    row = store(attempt, index, response, text, version)
    db.session.commit()
    return {"saved": True, "index": index, "saved_at": row.answered_at.isoformat()}


@bp.route("/a/<int:attempt_id>/submit", methods=["POST"])
@login_required
def submit(attempt_id: int):
    """Hand in: keep what the form carries, mark, show the report. Repeating it changes nothing."""
    attempt = own(attempt_id)
    require_csrf()
    lock(attempt)
    if attempt.submitted_at is None:
        late = expired(attempt, GRACE_SECONDS)
        if not late:
            save_all(attempt, request.form)
        finalize(attempt, auto=late)
        db.session.commit()
    return redirect(url_for("exams.report", attempt_id=attempt.id))


@bp.route("/a/<int:attempt_id>/report")
@login_required
def report(attempt_id: int):
    """Score against the pass line, by area and by type, and every item as it was answered, with its 解析."""
    attempt = own(attempt_id)
    if attempt.submitted_at is None:
        user_abort(409, "这份试卷还没有交卷。")
    rows = responses_of(attempt)
    versions = versions_of(attempt)
    current = dict(db.session.execute(db.select(Question.id, Question.version_id).where(
        Question.id.in_([it.id for it in attempt.items if it.kind == "question"]))).all())
    current.update(db.session.execute(db.select(Case.id, Case.version_id).where(
        Case.id.in_([it.id for it in attempt.items if it.kind == "case"]))).all())
    shown, details, cases, points = {}, {}, {}, {}
    for i, it in enumerate(attempt.items):
        version = versions[it.version_id]
        if it.kind == "question":
            shown[i] = shown_question(attempt, i, version)
            row = rows.get(i)
            if row is not None and row.answer is not None and not row.legacy:
                details[i] = grade(version.question, row.answer, exam=True)  # same version: explains the stored mark
        else:
            cases[i] = version.case
            row = rows.get(i)
            points[i] = {k.point_key: k for k in row.keypoints} if row is not None else {}
    changed = {i for i, it in enumerate(attempt.items) if current.get(it.id) != it.version_id}
    legacy = {i for i, row in rows.items() if row.legacy}
    earned = [rows[i].points if i in rows else None for i in range(len(attempt.items))]
    areas = dict(db.session.execute(db.select(Area.id, Area.title)).all())
    # 只看错题: every item that did not earn its full marks (unanswered ones included).
    missed = {i for i, it in enumerate(attempt.items) if earned[i] is None or earned[i] < it.points - 1e-9}
    only_missed = request.args.get("only") == "missed"
    return render_template("exams/report.html", attempt=attempt, rows=rows, shown=shown, details=details,
                           missed=missed, only_missed=only_missed,
                           cases=cases, points=points, changed=changed, legacy=legacy,
                           by_area=breakdown(attempt.items, earned, "area"),
                           by_type=breakdown(attempt.items, earned, "qtype"), areas=areas,
                           pending=pending_written(attempt, rows), form=EmptyForm())


@bp.route("/a/<int:attempt_id>/confirm/<int:index>", methods=["POST"])
@login_required
def confirm(attempt_id: int, index: int):
    """The candidate confirms which key points a written answer covers; its marks follow."""
    attempt = own(attempt_id)
    require_csrf()
    if attempt.submitted_at is None:
        user_abort(409, "交卷后才能对照参考要点。")
    if index >= len(attempt.items) or attempt.items[index].kind != "case":
        user_abort(400, "这道题不是需要对照要点的主观题。")
    existing = response_at(attempt, index)
    if existing is not None and existing.legacy:
        user_abort(409, "这是题目版本化之前的早期记录，当时对照的要点无法还原，不能重新计分。")
    case = version_at(attempt, index).case
    chosen = set(request.form.getlist("covered"))
    if chosen - {p.key for p in case.key_points}:
        user_abort(400, "所选的要点不存在。")
    confirm_written(attempt, index, chosen)
    db.session.commit()
    return redirect(url_for("exams.report", attempt_id=attempt.id) + f"#item-{index}")
