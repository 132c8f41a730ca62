"""Mock exam views: start or resume, answer (each answer saved at once), hand in, report, review."""
from __future__ import annotations

import random
from datetime import timedelta

from flask import redirect, render_template, request, url_for
from flask_login import current_user

from ..access import login_required
from ..errors import user_abort
from ..extensions import db
from ..forms import EmptyForm, require_csrf
from ..grading.objective import InvalidResponse, grade
from ..grading.papers import CannotDraw, breakdown, draw_paper
from ..models import Area, Blueprint, Case, ExamAttempt, Question
from ..models.base import as_utc, utcnow
from ..practice.responses import display_order
from . import bp
from .marking import (
    GRACE_SECONDS, MAX_TEXT, confirm_written, expired, finalize, item_fields, parse_item, pending_written,
    save_all, store,
)

WRITTEN_PAPERS = ("理论知识", "专业能力")


def own(attempt_id: int) -> ExamAttempt:
    attempt = db.get_or_404(ExamAttempt, attempt_id)
    if attempt.user_id != current_user.id:
        user_abort(403, "这份试卷属于另一位考生。")
    return attempt


def pool_for(paper: str) -> list[dict]:
    if paper == "理论知识":
        rows = db.session.execute(db.select(Question.id, Question.qtype, Question.area_id)
                                  .where(Question.retired.is_(False)))
        return [{"kind": "question", "id": i, "qtype": t, "area": a} for i, t, a in rows]
    rows = db.session.execute(db.select(Case.id, Case.kind, Case.area_id).where(Case.retired.is_(False)))
    return [{"kind": "case", "id": i, "qtype": t, "area": a} for i, t, a in rows]


@bp.route("/")
@login_required
def index():
    """The papers on offer, an unfinished paper to resume, and past results."""
    blueprints = db.session.execute(db.select(Blueprint).where(Blueprint.retired.is_(False),
                                                               Blueprint.paper.in_(WRITTEN_PAPERS))
                                    .order_by(Blueprint.position)).scalars().all()
    attempts = db.session.execute(db.select(ExamAttempt).where(ExamAttempt.user_id == current_user.id)
                                  .order_by(ExamAttempt.started_at.desc()).limit(30)).scalars().all()
    return render_template("exams/index.html", blueprints=blueprints, attempts=attempts, form=EmptyForm(),
                           now=utcnow(), as_utc=as_utc)


@bp.route("/start/<blueprint_id>", methods=["POST"])
@login_required
def start(blueprint_id: str):
    """Draw a paper (or go back to the unfinished one for this blueprint)."""
    require_csrf()
    blueprint = db.get_or_404(Blueprint, blueprint_id)
    if blueprint.retired or blueprint.paper not in WRITTEN_PAPERS:
        user_abort(404, "没有这份考试。")
    open_attempt = db.session.execute(db.select(ExamAttempt).where(
        ExamAttempt.user_id == current_user.id, ExamAttempt.blueprint_id == blueprint.id,
        ExamAttempt.submitted_at.is_(None))).scalars().first()
    if open_attempt is not None:
        return redirect(url_for("exams.sit", attempt_id=open_attempt.id))
    try:
        items = draw_paper(blueprint.sections, pool_for(blueprint.paper), random.Random())
    except CannotDraw as exc:
        user_abort(409, f"题库里的题目不够组成这份试卷：{exc}")
    now = utcnow()
    attempt = ExamAttempt(user_id=current_user.id, blueprint_id=blueprint.id, paper=blueprint.paper,
                          title=blueprint.title, pass_mark=blueprint.pass_mark, items=items, started_at=now,
                          deadline_at=now + timedelta(minutes=blueprint.time_limit))
    db.session.add(attempt)
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
    questions = {q.id: q for q in db.session.execute(db.select(Question).where(
        Question.id.in_([i["id"] for i in attempt.items if i["kind"] == "question"]))).scalars()}
    cases = {c.id: c for c in db.session.execute(db.select(Case).where(
        Case.id.in_([i["id"] for i in attempt.items if i["kind"] == "case"]))).scalars()}
    saved = {r.index: r for r in attempt.responses}
    remaining = max(0, int((as_utc(attempt.deadline_at) - utcnow()).total_seconds()))
    orders = {i: display_order(len(questions[it["id"]].data["steps"]), f"exam-{attempt.id}-{i}")
              for i, it in enumerate(attempt.items) if it["kind"] == "question" and it["qtype"] == "排序"}
    return render_template("exams/sit.html", attempt=attempt, questions=questions, cases=cases, saved=saved,
                           remaining=remaining, orders=orders, max_text=MAX_TEXT, form=EmptyForm())


@bp.route("/a/<int:attempt_id>/save", methods=["POST"])
@login_required
def save(attempt_id: int):
    """Save one answer the moment it is given (called by the page's script)."""
    attempt = own(attempt_id)
    require_csrf()
    if attempt.submitted_at is not None:
        user_abort(409, "这份试卷已经交卷，不能再修改答案。")
    if expired(attempt, GRACE_SECONDS):
        user_abort(409, "考试时间已到，答案没有保存。系统会自动交卷。")
    index = request.form.get("index", "")
    if not index.isdigit() or int(index) >= len(attempt.items):
        user_abort(400, "这道题不在这份试卷里。")
    try:
        response, text = parse_item(attempt, int(index), item_fields(request.form, int(index)))
    except InvalidResponse as exc:
        user_abort(400, str(exc))
    except OverflowError as exc:
        user_abort(413, str(exc))
    row = store(attempt, int(index), response, text)
    db.session.commit()
    return {"saved": True, "index": int(index), "saved_at": row.saved_at.isoformat()}


@bp.route("/a/<int:attempt_id>/submit", methods=["POST"])
@login_required
def submit(attempt_id: int):
    """Hand in: keep what the form carries, mark, show the report. A second hand-in changes nothing."""
    attempt = own(attempt_id)
    require_csrf()
    if attempt.submitted_at is None:
        if not expired(attempt, GRACE_SECONDS):
            save_all(attempt, request.form)
        finalize(attempt, auto=expired(attempt, GRACE_SECONDS))
        db.session.commit()
    return redirect(url_for("exams.report", attempt_id=attempt.id))


@bp.route("/a/<int:attempt_id>/report")
@login_required
def report(attempt_id: int):
    """Score against the pass line, by area and by type, and every item to review with its 解析."""
    attempt = own(attempt_id)
    if attempt.submitted_at is None:
        user_abort(409, "这份试卷还没有交卷。")
    questions = {q.id: q for q in db.session.execute(db.select(Question).where(
        Question.id.in_([i["id"] for i in attempt.items if i["kind"] == "question"]))).scalars()}
    cases = {c.id: c for c in db.session.execute(db.select(Case).where(
        Case.id.in_([i["id"] for i in attempt.items if i["kind"] == "case"]))).scalars()}
    saved = {r.index: r for r in attempt.responses}
    earned = [saved[i].score if i in saved else None for i in range(len(attempt.items))]
    grades = {i: grade(it["qtype"], questions[it["id"]].data, questions[it["id"]].answer, saved[i].response, exam=True)
              for i, it in enumerate(attempt.items)
              if it["kind"] == "question" and i in saved and saved[i].response is not None}
    areas = dict(db.session.execute(db.select(Area.id, Area.title)).all())
    orders = {i: display_order(len(questions[it["id"]].data["steps"]), f"exam-{attempt.id}-{i}")
              for i, it in enumerate(attempt.items) if it["kind"] == "question" and it["qtype"] == "排序"}
    return render_template("exams/report.html", attempt=attempt, questions=questions, cases=cases, saved=saved,
                           grades=grades, by_area=breakdown(attempt.items, earned, "area"),
                           by_type=breakdown(attempt.items, earned, "qtype"), areas=areas, orders=orders,
                           pending=pending_written(attempt), form=EmptyForm())


@bp.route("/a/<int:attempt_id>/confirm/<int:index>", methods=["POST"])
@login_required
def confirm(attempt_id: int, index: int):
    """The candidate confirms which key points a written answer covers; its marks follow."""
    attempt = own(attempt_id)
    require_csrf()
    if attempt.submitted_at is None:
        user_abort(409, "交卷后才能对照参考要点。")
    if index >= len(attempt.items) or attempt.items[index]["kind"] != "case":
        user_abort(400, "这道题不是需要对照要点的主观题。")
    case = db.session.get(Case, attempt.items[index]["id"])
    chosen = request.form.getlist("covered")
    if any(not c.isdigit() or int(c) >= len(case.key_points) for c in chosen):
        user_abort(400, "所选的要点不存在。")
    confirm_written(attempt, index, [str(i) in chosen for i in range(len(case.key_points))])
    db.session.commit()
    return redirect(url_for("exams.report", attempt_id=attempt.id) + f"#item-{index}")
