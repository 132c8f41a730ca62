"""Practice views: choose a set, answer one question at a time, see feedback at once."""
from __future__ import annotations

import time

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from ..access import login_required
from ..errors import user_abort
from ..extensions import db
from ..forms import EmptyForm, require_csrf
from ..grading.objective import PARTIAL_CREDIT_RULES, InvalidResponse, grade
from ..models import AnswerEvent, Area, PracticeSession, Question, Star, Topic
from ..models.base import utcnow
from . import bp
from .forms import ChooseForm
from .responses import display_order, parse_response, select_ids

MAX_TIME_MS = 30 * 60 * 1000
RECENT = 8


def filter_key(filters: dict) -> str:
    return "|".join(f"{k}={filters[k]}" for k in sorted(filters))


def chooser() -> ChooseForm:
    form = ChooseForm()
    areas = db.session.execute(db.select(Area).where(Area.retired.is_(False)).order_by(Area.position)).scalars()
    form.area.choices = [SelectChoice("", "全部领域")] + [SelectChoice(a.id, a.title) for a in areas]
    topics = db.session.execute(db.select(Topic).where(Topic.retired.is_(False)).order_by(Topic.position)).scalars()
    form.topic.choices = [SelectChoice("", "全部知识点")] + [SelectChoice(t.id, t.title) for t in topics]
    return form


def matching_ids(filters: dict, user_id: int) -> list[tuple[str]]:
    stmt = db.select(Question.id).where(Question.retired.is_(False)).order_by(Question.position)
    if filters["area"]:
        stmt = stmt.where(Question.area_id == filters["area"])
    if filters["topic"]:
        stmt = stmt.where(Question.topics.any(Topic.id == filters["topic"]))
    if filters["qtype"]:
        stmt = stmt.where(Question.qtype == filters["qtype"])
    if filters["difficulty"]:
        stmt = stmt.where(Question.difficulty == filters["difficulty"])
    if filters["starred"]:
        stmt = stmt.where(Question.id.in_(db.select(Star.question_id).where(Star.user_id == user_id)))
    return db.session.execute(stmt).all()


def own_session(session_id: int) -> PracticeSession:
    """A practice session of the current user: 404 if unknown, 403 if someone else's."""
    ps = db.get_or_404(PracticeSession, session_id)
    if ps.user_id != current_user.id:
        user_abort(403, "这组练习属于另一位用户。")
    return ps


def starred(question_id: str) -> bool:
    return db.session.get(Star, (current_user.id, question_id)) is not None


@bp.route("/")
@login_required
def choose():
    """Pick what to practise; recent sets can be resumed."""
    recent = db.session.execute(
        db.select(PracticeSession).where(PracticeSession.user_id == current_user.id)
        .order_by(PracticeSession.updated_at.desc()).limit(RECENT)).scalars().all()
    form = chooser()
    form.area.data = request.args.get("area", form.area.data)
    form.topic.data = request.args.get("topic", form.topic.data)
    form.qtype.data = request.args.get("qtype", form.qtype.data)
    return render_template("practice/choose.html", form=form, recent=recent)


@bp.route("/start", methods=["POST"])
@login_required
def start():
    """Create (or, for 顺序练习, resume) a practice set."""
    form = chooser()
    if not form.validate_on_submit():
        return render_template("practice/choose.html", form=form, recent=[]), 400
    filters = form.filters()
    shuffle = form.order.data == "random"
    key = filter_key(filters)
    rows = matching_ids(filters, current_user.id)
    if not rows:
        flash("没有符合这些条件的题目，请放宽条件再试。", "error")
        return redirect(url_for("practice.choose"))
    ids = select_ids(rows, shuffle, f"{current_user.id}-{time.time_ns()}")
    ps = None
    if not shuffle:
        ps = db.session.execute(db.select(PracticeSession).where(
            PracticeSession.user_id == current_user.id, PracticeSession.filter_key == key,
            PracticeSession.shuffled.is_(False)).order_by(PracticeSession.id.desc()).limit(1)).scalar()
    if ps is None:
        ps = PracticeSession(user_id=current_user.id, filter_key=key, filters=filters, question_ids=ids,
                             shuffled=shuffle)
        db.session.add(ps)
    elif ps.question_ids != ids:  # content changed since: keep the learner at the same question
        current = ps.question_ids[ps.position] if ps.position < len(ps.question_ids) else None
        ps.question_ids = ids
        ps.position = ids.index(current) if current in ids else min(ps.position, len(ids))
    ps.memorize = bool(form.memorize.data)
    ps.updated_at = utcnow()
    db.session.commit()
    return redirect(url_for("practice.show", session_id=ps.id))


def render_question(ps: PracticeSession, q: Question, error: str | None = None, response=None, status: int = 200):
    steps = display_order(len(q.data["steps"]), f"{ps.id}-{q.id}") if q.qtype == "排序" else None
    return render_template("practice/question.html", ps=ps, q=q, steps=steps, error=error, response=response,
                           rule=PARTIAL_CREDIT_RULES[q.qtype], started=int(time.time() * 1000),
                           is_starred=starred(q.id), form=EmptyForm()), status


@bp.route("/s/<int:session_id>")
@login_required
def show(session_id: int):
    """The current question of a set (or the summary when it is finished)."""
    ps = own_session(session_id)
    if ps.position >= len(ps.question_ids):
        events = db.session.execute(db.select(AnswerEvent).where(AnswerEvent.session_id == ps.id)).scalars().all()
        return render_template("practice/done.html", ps=ps, events=events, form=EmptyForm())
    q = db.session.get(Question, ps.question_ids[ps.position])
    if q is None or q.retired:  # retired since the set was made: skip it
        ps.position += 1
        db.session.commit()
        return redirect(url_for("practice.show", session_id=ps.id))
    return render_question(ps, q)


@bp.route("/s/<int:session_id>/answer", methods=["POST"])
@login_required
def answer(session_id: int):
    """Grade the answer to the current question, store it, then show the feedback."""
    ps = own_session(session_id)
    require_csrf()
    qid = request.form.get("question_id", "")
    if ps.position >= len(ps.question_ids) or ps.question_ids[ps.position] != qid:
        user_abort(409, "这道题已经作答过（可能是重复提交），或不在这组练习的当前位置。请回到练习继续。")
    q = db.session.get(Question, qid)
    try:
        response = parse_response(q.qtype, q.data, request.form, request.form.getlist)
        result = grade(q.qtype, q.data, q.answer, response)
    except InvalidResponse as exc:
        return render_question(ps, q, error=str(exc), status=400)
    try:
        elapsed = int(time.time() * 1000) - int(request.form.get("started", "0"))
    except ValueError:
        elapsed = 0
    event = AnswerEvent(user_id=current_user.id, question_id=q.id, mode="practice", session_id=ps.id,
                        response=response, score=result.score, correct=result.correct,
                        time_ms=max(0, min(elapsed, MAX_TIME_MS)))
    db.session.add(event)
    ps.position += 1
    ps.updated_at = utcnow()
    db.session.commit()
    return redirect(url_for("practice.result", session_id=ps.id, event_id=event.id))


@bp.route("/s/<int:session_id>/result/<int:event_id>")
@login_required
def result(session_id: int, event_id: int):
    """Feedback on one answer: right or wrong, the right answer, the 解析."""
    ps = own_session(session_id)
    event = db.get_or_404(AnswerEvent, event_id)
    if event.session_id != ps.id:
        user_abort(404, "这条作答记录不属于这组练习。")
    q = db.session.get(Question, event.question_id)
    result = grade(q.qtype, q.data, q.answer, event.response)
    steps = display_order(len(q.data["steps"]), f"{ps.id}-{q.id}") if q.qtype == "排序" else None
    return render_template("practice/result.html", ps=ps, q=q, event=event, result=result, steps=steps,
                           rule=PARTIAL_CREDIT_RULES[q.qtype], is_starred=starred(q.id), form=EmptyForm())


@bp.route("/s/<int:session_id>/move", methods=["POST"])
@login_required
def move(session_id: int):
    """Skip ahead, go back one question, or start the set again (背题模式 moves this way too)."""
    ps = own_session(session_id)
    require_csrf()
    step = request.form.get("to", "next")
    if step == "next":
        ps.position = min(ps.position + 1, len(ps.question_ids))
    elif step == "prev":
        ps.position = max(ps.position - 1, 0)
    elif step == "restart":
        ps.position = 0
    else:
        user_abort(400, "未知的操作。")
    ps.updated_at = utcnow()
    db.session.commit()
    return redirect(url_for("practice.show", session_id=ps.id))


@bp.route("/star/<question_id>", methods=["POST"])
@login_required
def star(question_id: str):
    """Star or unstar a question (收藏)."""
    require_csrf()
    q = db.session.get(Question, question_id)
    if q is None:
        user_abort(404, "没有这道题。")
    existing = db.session.get(Star, (current_user.id, q.id))
    if existing:
        db.session.delete(existing)
        message = "已取消收藏。"
    else:
        db.session.add(Star(user_id=current_user.id, question_id=q.id))
        message = "已收藏这道题。"
    db.session.commit()
    if request.accept_mimetypes.best == "application/json":
        return {"starred": existing is None}
    flash(message, "success")
    target = request.form.get("next", "")
    return redirect(target if target.startswith("/") and not target.startswith("//") else url_for("practice.choose"))
