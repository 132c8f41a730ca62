"""Defense rehearsal views. The clock runs in the browser; the server keeps the start time,
so a reload shows the time really left, and an answer sent late is kept and marked overtime.
Each answer is a Response (context "defense") on the case version drawn when the clock started."""
from __future__ import annotations

import random
from dataclasses import asdict
from datetime import timedelta

from flask import redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from ..access import get_owned_or_404, login_required
from ..answers.store import claim, insert_once
from ..answers.written import confirm_keypoints, suggest_keypoints
from ..errors import user_abort
from ..extensions import db
from ..forms import EmptyForm, require_csrf
from ..grading.keypoints import pick_followup, suggest_point
from ..models import DEFENSE, Case, DefenseSession, FollowupAnswer, PaperBlueprint, Response
from ..models.base import as_utc, utcnow
from . import bp
from .forms import SetupForm, ThesisForm

MAX_ANSWER_CHARS = 5000
THESIS_AREA = "thesis"  # panel questions about the candidate's own paper; drawn only in a 论文答辩
GRACE_SECONDS = 15  # network and clock skew before an answer counts as overtime


def defense_blueprint() -> PaperBlueprint | None:
    return db.session.execute(db.select(PaperBlueprint).where(PaperBlueprint.paper == "综合评审",
                                                              PaperBlueprint.retired.is_(False))
                              .order_by(PaperBlueprint.position).limit(1)).scalar()


def defense_cases(thesis: bool):
    """答辩 cases of the drawn kind: the syllabus areas, or the panel questions about one's paper."""
    area = Case.area_id == THESIS_AREA if thesis else Case.area_id != THESIS_AREA
    return db.select(Case).where(Case.kind == "答辩", Case.retired.is_(False), area)


def setup_form() -> SetupForm:
    form = SetupForm()
    cases = db.session.execute(defense_cases(False).order_by(Case.area_id, Case.position)).scalars()
    form.case.choices = [SelectChoice("", "随机抽题")] + [SelectChoice(c.id, c.title) for c in cases]
    return form


def thesis_form() -> ThesisForm:
    return ThesisForm(prefix="paper")


def own(session_id: int) -> DefenseSession:
    return get_owned_or_404(DefenseSession, session_id, "这场模拟答辩属于另一位用户。")


def history_rows(limit: int | None = None) -> list[Response]:
    stmt = (db.select(Response).where(Response.user_id == current_user.id, Response.context == DEFENSE,
                                      Response.answered_at.is_not(None))
            .order_by(Response.answered_at.desc()))
    return list(db.session.execute(stmt.limit(limit) if limit else stmt).scalars())


@bp.route("/")
@login_required
def setup():
    """Choose how many questions and how much time; defaults come from the 综合评审 blueprint."""
    form = setup_form()
    bp_ = defense_blueprint()
    if bp_ is not None and not form.is_submitted():
        form.count.data = sum(s.count for s in bp_.sections)
        form.prep_minutes.data = bp_.prep_minutes
        form.answer_minutes.data = bp_.answer_minutes
    history = [r for r in history_rows(20) if r.points is not None]
    has_thesis = db.session.execute(defense_cases(True).limit(1)).first() is not None
    return render_template("defense/setup.html", form=form, thesis=thesis_form() if has_thesis else None,
                           history=history)


@bp.route("/start", methods=["POST"])
@login_required
def start():
    """Draw the cases and begin: a 答辩 over the syllabus, or a 论文答辩 about the candidate's paper."""
    if request.form.get("mode") == "thesis":
        return start_thesis()
    form = setup_form()
    if not form.validate_on_submit():
        return render_template("defense/setup.html", form=form, thesis=thesis_form(), history=[]), 400
    pool = list(db.session.execute(defense_cases(False).with_only_columns(Case.id)).scalars())
    if form.case.data:
        ids = [form.case.data]
    else:
        if not pool:
            user_abort(409, "还没有可用的答辩题。")
        ids = random.sample(pool, min(form.count.data, len(pool)))
    return begin_session(ids, form.prep_minutes.data, form.answer_minutes.data)


@bp.route("/review-case", methods=["POST"])
@login_required
def review_case():
    """今日复习 of one case whose key points are due: a one-question rehearsal of it, whatever its type
    (答辩 or a written 案例分析), with the 综合评审 blueprint's times."""
    require_csrf()
    case_id = (request.form.get("case") or "").strip()
    case = db.session.get(Case, case_id) if case_id else None
    if case is None or case.retired or case.area_id == THESIS_AREA:
        user_abort(404, "没有这道题，或者它已经下线。")
    bp_ = defense_blueprint()
    return begin_session([case.id], bp_.prep_minutes if bp_ else 5, bp_.answer_minutes if bp_ else 5)


def start_thesis():
    form = thesis_form()
    if not form.validate_on_submit():
        return render_template("defense/setup.html", form=setup_form(), thesis=form, history=[]), 400
    pool = list(db.session.execute(defense_cases(True).order_by(Case.position).with_only_columns(Case.id)).scalars())
    if not pool:
        user_abort(409, "还没有论文答辩的提问题。")
    # The panel opens with the candidate's own account of the paper when there is such a question.
    first, rest = pool[:1], pool[1:]
    ids = first + random.sample(rest, min(form.count.data - 1, len(rest)))
    return begin_session(ids, form.prep_minutes.data, form.answer_minutes.data,
                         paper_title=form.title.data, paper_abstract=form.abstract.data or None)


def begin_session(ids: list[str], prep_minutes: int, answer_minutes: int, **paper) -> object:
    bp_ = defense_blueprint()
    ds = DefenseSession(user_id=current_user.id, case_ids=ids, prep_seconds=prep_minutes * 60,
                        answer_seconds=answer_minutes * 60, pass_mark=bp_.pass_mark if bp_ else 60, **paper)
    db.session.add(ds)
    db.session.commit()
    return redirect(url_for("defense.current", session_id=ds.id))


def answer_at(ds: DefenseSession, slot: int) -> Response | None:
    return db.session.execute(db.select(Response).where(
        Response.defense_session_id == ds.id, Response.slot == slot)).scalar()


def session_answers(ds: DefenseSession) -> list[Response]:
    return list(db.session.execute(db.select(Response).where(Response.defense_session_id == ds.id)
                                   .order_by(Response.slot)).scalars())


@bp.route("/s/<int:session_id>")
@login_required
def current(session_id: int):
    """Where the candidate is: preparing, answering, reviewing, or done."""
    ds = own(session_id)
    if ds.position >= len(ds.case_ids):
        return render_template("defense/summary.html", ds=ds, answers=session_answers(ds))
    answer = answer_at(ds, ds.position)
    if answer is None:
        case = db.session.get(Case, ds.case_ids[ds.position])
        return render_template("defense/prepare.html", ds=ds, case=case.payload, form=EmptyForm())
    if answer.answered_at is None:
        deadline = as_utc(answer.started_at) + timedelta(seconds=ds.answer_seconds)
        remaining = max(0, int((deadline - utcnow()).total_seconds()))
        return render_template("defense/answer.html", ds=ds, case=answer.version.case, answer=answer,
                               remaining=remaining, max_chars=MAX_ANSWER_CHARS, form=EmptyForm())
    return redirect(url_for("defense.review", session_id=ds.id, answer_id=answer.id))


@bp.route("/s/<int:session_id>/begin", methods=["POST"])
@login_required
def begin(session_id: int):
    """Preparation is over: start the answer clock (once; a second click changes nothing)."""
    ds = own(session_id)
    require_csrf()
    if ds.position < len(ds.case_ids):
        slot = ds.position
        case = db.session.get(Case, ds.case_ids[slot])
        insert_once(db.session, Response(
            user_id=current_user.id, context=DEFENSE, defense_session_id=ds.id, slot=slot, case_id=case.id,
            version_id=case.version_id, points_possible=100, started_at=utcnow()), lambda: answer_at(ds, slot))
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
    """Keep the answer (even a late one), then show the key points beside it. The first submission stands."""
    ds = own(session_id)
    require_csrf()
    answer = answer_at(ds, ds.position) if ds.position < len(ds.case_ids) else None
    if answer is None or str(answer.id) != request.form.get("answer_id"):
        user_abort(409, "这道题还没开始作答，或已经切换到别的题。请回到模拟答辩页面。")
    text = answer_text("text")
    now = utcnow()
    overtime = (now - as_utc(answer.started_at)).total_seconds() > ds.answer_seconds + GRACE_SECONDS
    if claim(db.session, db.update(Response).where(Response.id == answer.id, Response.answered_at.is_(None))
             .values(text=text, answered_at=now, overtime=overtime)):
        db.session.refresh(answer)
        suggest_keypoints(answer, answer.version.case)
    db.session.commit()
    return redirect(url_for("defense.review", session_id=ds.id, answer_id=answer.id))


def get_answer(ds: DefenseSession, answer_id: int) -> Response:
    answer = db.session.get(Response, answer_id)
    if answer is None or answer.defense_session_id != ds.id:
        user_abort(404, "这条答辩记录不属于这场模拟答辩。")
    if answer.answered_at is None:
        user_abort(409, "这道题还没有提交答案。")
    return answer


@bp.route("/s/<int:session_id>/review/<int:answer_id>")
@login_required
def review(session_id: int, answer_id: int):
    """The answer beside the key points of the version answered, suggestions ticked, for the candidate to confirm."""
    ds = own(session_id)
    answer = get_answer(ds, answer_id)
    if answer.legacy:  # from before versions: the key points it was graded on cannot be shown
        return render_template("defense/review.html", ds=ds, answer=answer, case=answer.case.payload, results={},
                               missed=[], followup=None, followup_data=None, changed=False, legacy=True,
                               form=EmptyForm(), max_chars=MAX_ANSWER_CHARS)
    case = answer.version.case
    results = {k.point_key: k for k in answer.keypoints}
    missed = []
    if answer.score is not None:
        missed = sorted((p for p in case.key_points if p.key in results and not results[p.key].confirmed),
                        key=lambda p: -p.weight)
    current_version = db.session.execute(db.select(Case.version_id).where(Case.id == answer.case_id)).scalar()
    fu = answer.followup
    return render_template("defense/review.html", ds=ds, answer=answer, case=case, results=results, missed=missed,
                           followup=fu, followup_data=case.followup(fu.followup_key) if fu else None,
                           changed=current_version != answer.version_id, legacy=False, form=EmptyForm(),
                           max_chars=MAX_ANSWER_CHARS)


@bp.route("/s/<int:session_id>/review/<int:answer_id>/confirm", methods=["POST"])
@login_required
def confirm(session_id: int, answer_id: int):
    """The candidate's verdict on each point; the score follows, then the examiner's 追问."""
    ds = own(session_id)
    require_csrf()
    answer = get_answer(ds, answer_id)
    if answer.legacy:
        user_abort(409, "这是题目版本化之前的早期记录，当时对照的要点无法还原，不能重新计分。")
    case = answer.version.case
    chosen = set(request.form.getlist("covered"))
    if chosen - {p.key for p in case.key_points}:
        user_abort(400, "所选的要点不存在。")
    confirm_keypoints(answer, case, chosen)  # score 0–1 and points out of the 100 a rehearsal gives
    if answer.followup is None:
        picked = pick_followup(case.points_as_dicts(), [asdict(f) for f in case.followups],
                               [p.key in chosen for p in case.key_points])
        if picked is not None:
            insert_once(db.session, FollowupAnswer(response_id=answer.id, followup_key=picked["key"], asked_at=utcnow()),
                        lambda: db.session.get(FollowupAnswer, answer.id))
    db.session.commit()
    return redirect(url_for("defense.review", session_id=ds.id, answer_id=answer.id) + "#result")


@bp.route("/s/<int:session_id>/review/<int:answer_id>/followup", methods=["POST"])
@login_required
def followup(session_id: int, answer_id: int):
    """Answer the 追问; the matcher suggests, the candidate confirms in the next step."""
    ds = own(session_id)
    require_csrf()
    answer = get_answer(ds, answer_id)
    fu = answer.followup
    if fu is None or answer.legacy:
        user_abort(409, "请先确认参考要点，考官才会追问。")
    if "confirm" in request.form:
        fu.confirmed = request.form.get("confirm") == "yes"
    else:
        text = answer_text("followup_text")
        data = answer.version.case.followup(fu.followup_key)
        s = suggest_point(0, data.hints if data else [], text)
        fu.text, fu.suggested, fu.found, fu.confirmed, fu.answered_at = text, s.covered, s.found, None, utcnow()
    db.session.commit()
    return redirect(url_for("defense.review", session_id=ds.id, answer_id=answer.id) + "#followup")


@bp.route("/s/<int:session_id>/next", methods=["POST"])
@login_required
def next_case(session_id: int):
    """On to the next drawn case (or the summary); a repeated click moves on once."""
    ds = own(session_id)
    require_csrf()
    answer = answer_at(ds, ds.position) if ds.position < len(ds.case_ids) else None
    if answer is not None and answer.score is not None:
        claim(db.session, db.update(DefenseSession).where(
            DefenseSession.id == ds.id, DefenseSession.position == answer.slot).values(position=answer.slot + 1))
        db.session.commit()
    return redirect(url_for("defense.current", session_id=ds.id))


@bp.route("/history")
@login_required
def history():
    """Every rehearsed answer with its text, confirmed points and score."""
    return render_template("defense/history.html", answers=history_rows())
