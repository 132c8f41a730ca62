"""Defense rehearsal views. The clock runs in the browser; the server keeps the start time,
so a reload shows the time really left, and an answer sent late is kept and marked overtime."""
from __future__ import annotations

import random
from datetime import timedelta

from flask import redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from ..access import login_required
from ..errors import user_abort
from ..extensions import db
from ..forms import EmptyForm, require_csrf
from ..grading.keypoints import pick_followup, suggest_point, suggest_points, weighted_score
from ..models import Blueprint, Case, DefenseAnswer, DefenseSession
from ..models.base import as_utc, utcnow
from . import bp
from .forms import SetupForm

MAX_ANSWER_CHARS = 5000
GRACE_SECONDS = 15  # network and clock skew before an answer counts as overtime


def defense_blueprint() -> Blueprint | None:
    return db.session.execute(db.select(Blueprint).where(Blueprint.paper == "综合评审", Blueprint.retired.is_(False))
                              .order_by(Blueprint.position).limit(1)).scalar()


def setup_form() -> SetupForm:
    form = SetupForm()
    cases = db.session.execute(db.select(Case).where(Case.kind == "答辩", Case.retired.is_(False))
                               .order_by(Case.area_id, Case.position)).scalars()
    form.case.choices = [SelectChoice("", "随机抽题")] + [SelectChoice(c.id, c.title) for c in cases]
    return form


def own(session_id: int) -> DefenseSession:
    ds = db.get_or_404(DefenseSession, session_id)
    if ds.user_id != current_user.id:
        user_abort(403, "这场模拟答辩属于另一位用户。")
    return ds


@bp.route("/")
@login_required
def setup():
    """Choose how many questions and how much time; defaults come from the 综合评审 blueprint."""
    form = setup_form()
    bp_ = defense_blueprint()
    if bp_ is not None and not form.is_submitted():
        form.count.data = sum(s["count"] for s in bp_.sections)
        form.prep_minutes.data = bp_.prep_minutes
        form.answer_minutes.data = bp_.answer_minutes
    history = db.session.execute(
        db.select(DefenseAnswer).join(DefenseSession).where(DefenseSession.user_id == current_user.id,
                                                            DefenseAnswer.score.is_not(None))
        .order_by(DefenseAnswer.submitted_at.desc()).limit(20)).scalars().all()
    titles = dict(db.session.execute(db.select(Case.id, Case.title).where(
        Case.id.in_({a.case_id for a in history}))).all()) if history else {}
    return render_template("defense/setup.html", form=form, history=history, titles=titles)


@bp.route("/start", methods=["POST"])
@login_required
def start():
    """Draw the cases and begin."""
    form = setup_form()
    if not form.validate_on_submit():
        return render_template("defense/setup.html", form=form, history=[], titles={}), 400
    pool = list(db.session.execute(db.select(Case.id).where(Case.kind == "答辩", Case.retired.is_(False))).scalars())
    if form.case.data:
        ids = [form.case.data]
    else:
        if not pool:
            user_abort(409, "还没有可用的答辩题。")
        ids = random.sample(pool, min(form.count.data, len(pool)))
    bp_ = defense_blueprint()
    ds = DefenseSession(user_id=current_user.id, case_ids=ids, prep_seconds=form.prep_minutes.data * 60,
                        answer_seconds=form.answer_minutes.data * 60, pass_mark=bp_.pass_mark if bp_ else 60)
    db.session.add(ds)
    db.session.commit()
    return redirect(url_for("defense.current", session_id=ds.id))


def current_answer(ds: DefenseSession) -> DefenseAnswer | None:
    return next((a for a in ds.answers if a.position == ds.position), None)


@bp.route("/s/<int:session_id>")
@login_required
def current(session_id: int):
    """Where the candidate is: preparing, answering, reviewing, or done."""
    ds = own(session_id)
    if ds.position >= len(ds.case_ids):
        return render_template("defense/summary.html", ds=ds)
    case = db.session.get(Case, ds.case_ids[ds.position])
    answer = current_answer(ds)
    if answer is None:
        return render_template("defense/prepare.html", ds=ds, case=case, form=EmptyForm())
    if answer.submitted_at is None:
        deadline = as_utc(answer.started_at) + timedelta(seconds=ds.answer_seconds)
        remaining = max(0, int((deadline - utcnow()).total_seconds()))
        return render_template("defense/answer.html", ds=ds, case=case, answer=answer, remaining=remaining,
                               max_chars=MAX_ANSWER_CHARS, form=EmptyForm())
    return redirect(url_for("defense.review", session_id=ds.id, answer_id=answer.id))


@bp.route("/s/<int:session_id>/begin", methods=["POST"])
@login_required
def begin(session_id: int):
    """Preparation is over: start the answer clock (once; a second click changes nothing)."""
    ds = own(session_id)
    require_csrf()
    if ds.position < len(ds.case_ids) and current_answer(ds) is None:
        db.session.add(DefenseAnswer(session_id=ds.id, position=ds.position, case_id=ds.case_ids[ds.position],
                                     started_at=utcnow()))
        db.session.commit()
    return redirect(url_for("defense.current", session_id=ds.id))


def answer_text(field: str) -> str:
    text = request.form.get(field, "")
    if len(text) > MAX_ANSWER_CHARS:
        user_abort(413, f"答案太长了：最多 {MAX_ANSWER_CHARS} 个字，现在是 {len(text)} 个字。请精简后再提交。")
    return text.strip()


@bp.route("/s/<int:session_id>/answer", methods=["POST"])
@login_required
def submit(session_id: int):
    """Keep the answer (even a late one), then show the key points beside it."""
    ds = own(session_id)
    require_csrf()
    answer = current_answer(ds)
    if answer is None or str(answer.id) != request.form.get("answer_id"):
        user_abort(409, "这道题还没开始作答，或已经切换到别的题。请回到模拟答辩页面。")
    if answer.submitted_at is not None:
        return redirect(url_for("defense.review", session_id=ds.id, answer_id=answer.id))  # sent twice: once
    text = answer_text("text")
    case = db.session.get(Case, answer.case_id)
    now = utcnow()
    answer.text = text
    answer.submitted_at = now
    answer.overtime = (now - as_utc(answer.started_at)).total_seconds() > ds.answer_seconds + GRACE_SECONDS
    answer.key_points = [{k: p[k] for k in ("label", "weight", "explanation_html", "hints")} for p in case.key_points]
    answer.suggested = [{"covered": s.covered, "found": s.found, "negated": s.negated}
                        for s in suggest_points(text, case.key_points)]
    db.session.commit()
    return redirect(url_for("defense.review", session_id=ds.id, answer_id=answer.id))


def get_answer(ds: DefenseSession, answer_id: int) -> DefenseAnswer:
    answer = db.get_or_404(DefenseAnswer, answer_id)
    if answer.session_id != ds.id:
        user_abort(404, "这条答辩记录不属于这场模拟答辩。")
    if answer.submitted_at is None:
        user_abort(409, "这道题还没有提交答案。")
    return answer


@bp.route("/s/<int:session_id>/review/<int:answer_id>")
@login_required
def review(session_id: int, answer_id: int):
    """The answer beside the key points, suggestions ticked, for the candidate to confirm."""
    ds = own(session_id)
    answer = get_answer(ds, answer_id)
    case = db.session.get(Case, answer.case_id)
    missed = []
    if answer.confirmed is not None:
        missed = sorted((p for p, c in zip(answer.key_points, answer.confirmed, strict=True) if not c),
                        key=lambda p: -p["weight"])
    return render_template("defense/review.html", ds=ds, answer=answer, case=case, missed=missed,
                           form=EmptyForm(), max_chars=MAX_ANSWER_CHARS)


@bp.route("/s/<int:session_id>/review/<int:answer_id>/confirm", methods=["POST"])
@login_required
def confirm(session_id: int, answer_id: int):
    """The candidate's verdict on each point; the score follows, then the examiner's 追问."""
    ds = own(session_id)
    require_csrf()
    answer = get_answer(ds, answer_id)
    n = len(answer.key_points)
    chosen = request.form.getlist("covered")
    if any(not c.isdigit() or not 0 <= int(c) < n for c in chosen):
        user_abort(400, "所选的要点不存在。")
    covered = [str(i) in chosen for i in range(n)]
    answer.confirmed = covered
    answer.score = weighted_score(answer.key_points, covered)
    case = db.session.get(Case, answer.case_id)
    if answer.followup is None:
        answer.followup = pick_followup(answer.key_points, case.followups, covered)
    db.session.commit()
    return redirect(url_for("defense.review", session_id=ds.id, answer_id=answer.id) + "#result")


@bp.route("/s/<int:session_id>/review/<int:answer_id>/followup", methods=["POST"])
@login_required
def followup(session_id: int, answer_id: int):
    """Answer the 追问; the matcher suggests, the candidate confirms in the next step."""
    ds = own(session_id)
    require_csrf()
    answer = get_answer(ds, answer_id)
    if answer.followup is None:
        user_abort(409, "请先确认参考要点，考官才会追问。")
    if "confirm" in request.form:
        answer.followup_confirmed = request.form.get("confirm") == "yes"
    else:
        text = answer_text("followup_text")
        s = suggest_point(0, answer.followup["hints"], text)
        answer.followup_text, answer.followup_suggested, answer.followup_found = text, s.covered, s.found
        answer.followup_confirmed = None
    db.session.commit()
    return redirect(url_for("defense.review", session_id=ds.id, answer_id=answer.id) + "#followup")


@bp.route("/s/<int:session_id>/next", methods=["POST"])
@login_required
def next_case(session_id: int):
    """On to the next drawn case (or the summary)."""
    ds = own(session_id)
    require_csrf()
    answer = current_answer(ds)
    if answer is not None and answer.score is not None:
        ds.position += 1
        db.session.commit()
    return redirect(url_for("defense.current", session_id=ds.id))


@bp.route("/history")
@login_required
def history():
    """Every rehearsed answer with its text, confirmed points and score."""
    answers = db.session.execute(
        db.select(DefenseAnswer).join(DefenseSession).where(DefenseSession.user_id == current_user.id,
                                                            DefenseAnswer.submitted_at.is_not(None))
        .order_by(DefenseAnswer.submitted_at.desc())).scalars().all()
    cases = {c.id: c for c in db.session.execute(db.select(Case).where(
        Case.id.in_({a.case_id for a in answers}))).scalars()} if answers else {}
    return render_template("defense/history.html", answers=answers, cases=cases)
