"""Practice views: choose a set, answer one question at a time, see feedback at once."""
from __future__ import annotations

import time
from functools import cache

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import Select, bindparam
from wtforms.fields.choices import SelectChoice

from ..access import get_owned_or_404, login_required, own_user_row
from ..answers.reviews import day_ends, due_cases, record_review, review_counts, set_retention
from ..answers.stamp import history_key
from ..answers.store import claim, insert_once
from ..errors import user_abort
from ..extensions import db
from ..forms import EmptyForm, require_csrf
from ..grading.display import ShownQuestion
from ..grading.objective import PARTIAL_CREDIT_RULES, InvalidResponse, full_marks, grade
from ..grading.responses import parse_form
from ..numbers import parse_int
from ..pagecache import personal_page
from ..models import EXAM, LIVE, PRACTICE, Area, ItemVersion, PracticeSession, Question, Response, ReviewCard, Star, Topic
from ..models.base import as_utc, display_tz, utcnow
from ..progress.review import POINT_RULE_TEXT as POINT_RULE, RETENTION_CHOICES, RULE_TEXT as REVIEW_RULE
from ..progress.wrongbook import RULE_TEXT as WRONG_RULE, Attempt, WrongEntry, wrong_book
from . import bp
from .forms import ChooseForm
from .sets import resume_position, select_ids

MAX_TIME_MS = 30 * 60 * 1000
RECENT = 8


def chooser() -> ChooseForm:
    form = ChooseForm()
    with_questions = db.select(Question.area_id).where(Question.retired.is_(False))
    areas = db.session.execute(db.select(Area).where(Area.retired.is_(False), Area.id.in_(with_questions))
                               .order_by(Area.position)).scalars()  # not the 论文 workshop, which has none
    form.area.choices = [SelectChoice("", "全部领域")] + [SelectChoice(a.id, a.title) for a in areas]
    topics = db.session.execute(db.select(Topic).where(Topic.retired.is_(False)).order_by(Topic.position)).scalars()
    # each knowledge point carries its area: static/js/choose.js offers only those of the chosen area
    form.topic.choices = [SelectChoice("", "全部知识点")] + [SelectChoice(t.id, t.title, render_kw={"data-area": t.area_id})
                                                          for t in topics]
    return form


def matching_ids(filters, user_id: int) -> list[tuple[str]]:
    stmt = db.select(Question.id).where(Question.retired.is_(False)).order_by(Question.position)
    if filters.area:
        stmt = stmt.where(Question.area_id == filters.area)
    if filters.topic:
        stmt = stmt.where(Question.topics.any(Topic.id == filters.topic))
    if filters.qtype:
        stmt = stmt.where(Question.qtype == filters.qtype)
    if filters.difficulty:
        stmt = stmt.where(Question.difficulty == filters.difficulty)
    if filters.starred:
        stmt = stmt.where(Question.id.in_(db.select(Star.question_id).where(Star.user_id == user_id)))
    if filters.wrong:
        stmt = stmt.where(Question.id.in_([e.question_id for e in wrong_entries(user_id)]))
    if filters.review:
        stmt = stmt.where(Question.id.in_(db.select(ReviewCard.question_id).where(
            ReviewCard.user_id == user_id, ReviewCard.due_at <= day_ends(display_tz(), 1)[0])))
    return db.session.execute(stmt).all()


@bp.route("/review")
@login_required
def review_page():
    """今日复习: how many questions and cases are due, the rules that schedule them, a set of the due
    questions to do now, and each due case with the key points to focus on."""
    return render_template("practice/review.html", counts=review_counts(db.session, current_user.id, display_tz()),
                           cases=due_cases(db.session, current_user.id, display_tz()),
                           rule=REVIEW_RULE, point_rule=POINT_RULE, retention=current_user.desired_retention,
                           choices=RETENTION_CHOICES, form=EmptyForm())


@bp.route("/review/retention", methods=["POST"])
@login_required
def review_retention():
    """The learner's desired retention: every card in review is rescheduled for it."""
    require_csrf()
    raw = (request.form.get("retention") or "").strip()
    chosen = next((c for c in RETENTION_CHOICES if raw == f"{c:g}"), None)
    if chosen is None:
        user_abort(400, "请选择列出的记忆保持率之一。")
    moved = set_retention(db.session, own_user_row(), chosen)
    db.session.commit()
    flash(f"已改为 {chosen:.0%}，重新安排了 {moved} 张复习卡。", "success")
    return redirect(url_for("practice.review_page"))


def wrong_entries(user_id: int) -> list[WrongEntry]:
    """The learner's 错题本 from every graded answer to an objective question (practice, mock exams, live quizzes)."""
    rows = db.session.execute(db.select(Response.id, Response.question_id, Response.score, Response.answered_at).where(
        Response.user_id == user_id, Response.question_id.is_not(None), Response.score.is_not(None),
        Response.answered_at.is_not(None), Response.context.in_((PRACTICE, EXAM, LIVE)))).all()
    attempts = [Attempt(rid, qid, full_marks(score), as_utc(at)) for rid, qid, score, at in rows]
    return wrong_book(attempts, display_tz())


@bp.route("/wrong")
@login_required
def wrong_list():
    """错题本: every question still missed, grouped by area and type, the wrong answer beside the right one."""
    entries = wrong_entries(current_user.id)
    rows = db.session.execute(db.select(Response).where(Response.id.in_([e.last_wrong for e in entries]))).scalars()
    last = {r.id: r for r in rows}
    questions = {q.id: q for q in db.session.execute(
        db.select(Question).where(Question.id.in_([e.question_id for e in entries]))).scalars()}
    areas = {a.id: a for a in db.session.execute(db.select(Area).order_by(Area.position)).scalars()}
    groups: dict[tuple[int, str, str], list] = {}
    for e in entries:
        q, row = questions.get(e.question_id), last.get(e.last_wrong)
        if q is None or row is None:
            continue
        area = areas.get(q.area_id)
        key = (area.position if area else 999, area.title if area else q.area_id, q.qtype)
        groups.setdefault(key, []).append({"entry": e, "q": q, "row": row, **answer_view(row, q, exam=row.context == EXAM)})
    ordered = [(title, qtype, items) for (_, title, qtype), items in sorted(groups.items())]
    return render_template("practice/wrong.html", groups=ordered, total=sum(len(i) for *_, i in ordered),
                           rule=WRONG_RULE, form=EmptyForm())


@bp.route("/stars")
@login_required
def star_list():
    """收藏: the starred questions, by area, to review or practise as a set."""
    stmt = (db.select(Question, Area).join(Star, Star.question_id == Question.id).join(Area, Area.id == Question.area_id)
            .where(Star.user_id == current_user.id, Question.retired.is_(False))
            .order_by(Area.position, Question.position))
    groups: dict[str, list[Question]] = {}
    for q, area in db.session.execute(stmt).all():
        groups.setdefault(area.title, []).append(q)
    return render_template("practice/stars.html", groups=groups, total=sum(map(len, groups.values())), form=EmptyForm())


def starred(question_id: str) -> bool:
    return db.session.get(Star, (current_user.id, question_id)) is not None


def answered(ps: PracticeSession, question_id: str) -> Response | None:
    """This round's answer to a question of the set, if there is one."""
    return db.session.execute(db.select(Response).where(
        Response.practice_session_id == ps.id, Response.round == ps.round,
        Response.question_id == question_id)).scalar()


def shown(ps: PracticeSession, q_id: str, payload) -> ShownQuestion:
    """Options and steps in this learner's order for this round (the same on every reload)."""
    return ShownQuestion.shuffled(payload, f"practice-{ps.id}-{ps.round}-{q_id}")


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
    areas = dict(db.session.execute(db.select(Area.id, Area.title)).all())  # titles, not internal ids
    return render_template("practice/choose.html", form=form, recent=recent, area_titles=areas)


@bp.route("/start", methods=["POST"])
@login_required
def start():
    """Create (or, for 顺序练习, resume) a practice set."""
    form = chooser()
    if not form.validate_on_submit():
        return render_template("practice/choose.html", form=form, recent=[]), 400
    filters = form.filters()
    shuffle = form.order.data == "random"
    rows = matching_ids(filters, current_user.id)
    if not rows:
        flash("没有符合这些条件的题目，请放宽条件再试。", "error")
        return redirect(url_for("practice.choose"))
    ids = select_ids(rows, shuffle, f"{current_user.id}-{time.time_ns()}")
    ps = None
    if not shuffle:
        ps = db.session.execute(db.select(PracticeSession).where(
            PracticeSession.user_id == current_user.id, PracticeSession.filter_key == filters.key(),
            PracticeSession.shuffled.is_(False)).order_by(PracticeSession.id.desc()).limit(1)).scalar()
    if ps is None:
        ps = PracticeSession(user_id=current_user.id, filter_key=filters.key(), filters=filters, question_ids=ids,
                             shuffled=shuffle)
        db.session.add(ps)
    else:
        if ps.question_ids != ids:  # content (or the 错题本) changed since: keep the learner at the same question
            ps.position = resume_position(ps.question_ids, ps.position, ids)
            ps.question_ids = ids
        if ps.position >= len(ps.question_ids):  # a finished set chosen again: a new round from the start
            ps.position, ps.round = 0, ps.round + 1
    ps.memorize = bool(form.memorize.data)
    ps.updated_at = utcnow()
    db.session.commit()
    return redirect(url_for("practice.show", session_id=ps.id))


def render_question(ps: PracticeSession, q: Question, error: str | None = None, response=None, status: int = 200,
                    is_starred: bool | None = None, area_title: str | None = None):
    sq = shown(ps, q.id, q.payload)
    return render_template("practice/question.html", ps=ps, q=q, sq=sq, error=error, response=response,
                           rule=PARTIAL_CREDIT_RULES[q.qtype],
                           is_starred=starred(q.id) if is_starred is None else is_starred,
                           area_title=q.area.title if area_title is None else area_title), status


@cache
def _question_statement() -> Select:
    """The question with its current version (joined), its area's title, the learner's star and this round's
    answer to it, in one round trip. Built once: a statement object memoizes its cache key, where a statement
    built per request is rebuilt and re-keyed by SQLAlchemy every time (most of the page's cost in a profile)."""
    user_id, question_id = bindparam("user_id"), bindparam("question_id")
    starred_by = db.select(Star.question_id).where(Star.user_id == user_id, Star.question_id == Question.id).exists()
    answered_id = db.select(Response.id).where(
        Response.practice_session_id == bindparam("ps_id"), Response.round == bindparam("round"),
        Response.question_id == Question.id).limit(1).scalar_subquery()
    return db.select(Question, Area.title, starred_by, answered_id).join(Area, Area.id == Question.area_id) \
        .where(Question.id == question_id)


OTHERS_SET = "这组练习属于另一位用户。"


def own_session(session_id: int) -> PracticeSession:
    return get_owned_or_404(PracticeSession, session_id, OTHERS_SET)


def question_memo_key() -> tuple:
    """A set's page (its current question, or the summary at the end) is memoized under the learner and
    their history stamp, which moves on with every change to their sets (place, round, mode: a tracked
    table, answers/stamp.py), answers and stars, and with the set's id. No query: the users row is read
    anyway. A hit can only be the same learner's page of a set they were shown before, so it is theirs;
    anyone else's request misses and meets the view's 404 or 403. The CSRF token and the clock the answer
    time is measured from are slots, filled per request."""
    return (*history_key(current_user), request.view_args["session_id"])


@bp.route("/s/<int:session_id>")
@login_required
@personal_page(question_memo_key, read_only=False)  # a miss may skip a retired question: in a transaction,
def show(session_id: int):                         # with the stamp that the skip moves on
    """The current question of a set (its feedback if already answered this round; the summary at the end)."""
    ps = own_session(session_id)
    if ps.position >= len(ps.question_ids):
        responses = db.session.execute(db.select(Response).where(
            Response.practice_session_id == ps.id, Response.round == ps.round)).scalars().all()
        return render_template("practice/done.html", ps=ps, responses=responses, form=EmptyForm())
    row = db.session.execute(_question_statement(), {
        "question_id": ps.question_ids[ps.position], "user_id": current_user.id, "ps_id": ps.id,
        "round": ps.round}).first()
    if row is None or row[0].retired:  # retired since the set was made: skip it
        claim(db.session, db.update(PracticeSession).where(
            PracticeSession.id == ps.id, PracticeSession.position == ps.position).values(position=ps.position + 1))
        db.session.commit()
        return redirect(url_for("practice.show", session_id=ps.id))
    q, area_title, is_starred, done_id = row
    if done_id is not None and not ps.memorize:
        return redirect(url_for("practice.result", session_id=ps.id, response_id=done_id))
    return render_question(ps, q, is_starred=bool(is_starred), area_title=area_title)


def submitted_version(q: Question) -> ItemVersion:
    """The version the learner was shown (sent back by the form); the current one if none was sent."""
    raw = request.form.get("version_id", "")
    if not raw:
        return q.current
    version_id = parse_int(raw, lo=1)
    version = db.session.get(ItemVersion, version_id) if version_id is not None else None
    if version is None or version.kind != "question" or version.item_id != q.id:
        user_abort(400, "提交的题目版本不对：请刷新页面后重新作答。")
    return version


@bp.route("/s/<int:session_id>/answer", methods=["POST"])
@login_required
def answer(session_id: int):
    """Grade the answer to the current question, store it once, then show the feedback."""
    ps = own_session(session_id)
    require_csrf()
    qid = request.form.get("question_id", "")
    done = answered(ps, qid) if qid in ps.question_ids else None
    if done is not None:  # sent twice: the first answer stands
        return redirect(url_for("practice.result", session_id=ps.id, response_id=done.id))
    if ps.position >= len(ps.question_ids) or ps.question_ids[ps.position] != qid:
        user_abort(409, "这道题不在这组练习的当前位置。请回到练习继续。")
    q = db.session.get(Question, qid)
    if q is None:
        user_abort(404, "没有这道题。")
    version = submitted_version(q)
    sq = shown(ps, q.id, version.question)
    try:
        response = parse_form(version.question, request.form, request.form.getlist)
    except InvalidResponse as exc:
        return render_question(ps, q, error=str(exc), status=400)
    result = grade(version.question, response)
    started = parse_int(request.form.get("started", ""), lo=0, hi=2**53)
    elapsed = int(time.time() * 1000) - started if started is not None else 0
    now = utcnow()
    row, inserted = insert_once(db.session, Response(
        user_id=current_user.id, context=PRACTICE, practice_session_id=ps.id, round=ps.round, slot=ps.position,
        question_id=q.id, version_id=version.id, answer=response, presented=sq.presented, score=result.score,
        time_ms=max(0, min(elapsed, MAX_TIME_MS)), answered_at=now, graded_at=now), lambda: answered(ps, q.id))
    if inserted:
        claim(db.session, db.update(PracticeSession).where(
            PracticeSession.id == ps.id, PracticeSession.position == row.slot).values(
            position=row.slot + 1, updated_at=now))
        record_review(db.session, row, q.qtype)
    db.session.commit()
    return redirect(url_for("practice.result", session_id=ps.id, response_id=row.id))


@bp.route("/s/<int:session_id>/result/<int:response_id>")
@login_required
def result(session_id: int, response_id: int):
    """Feedback on one answer, on the version it was given on, with the grade given then."""
    ps = own_session(session_id)
    row = db.session.get(Response, response_id)
    if row is None or row.practice_session_id != ps.id:
        user_abort(404, "这条作答记录不属于这组练习。")
    q = db.session.get(Question, row.question_id)
    return render_template("practice/result.html", ps=ps, q=q, row=row, **answer_view(row, q),
                           rule=PARTIAL_CREDIT_RULES[q.qtype], is_starred=starred(q.id), form=EmptyForm())


def answer_view(row: Response, q: Question, exam: bool = False) -> dict:
    """What a page needs to show a stored objective answer: the version answered, in the order shown,
    the grade detail on that version, and whether the question has changed since."""
    if row.legacy or row.version is None:
        return {"legacy": True, "sq": None, "detail": None, "changed": True}
    sq = ShownQuestion.as_presented(row.version.question, row.presented)
    detail = grade(sq.q, row.answer, exam=exam)  # the same version: this explains the stored score, never replaces it
    return {"legacy": False, "sq": sq, "detail": detail, "changed": row.version_id != q.version_id}


@bp.route("/s/<int:session_id>/move", methods=["POST"])
@login_required
def move(session_id: int):
    """Skip ahead, go back one question, or start the set again (a new round)."""
    ps = own_session(session_id)
    require_csrf()
    step = request.form.get("to", "next")
    if step == "next":
        ps.position = min(ps.position + 1, len(ps.question_ids))
    elif step == "prev":
        ps.position = max(ps.position - 1, 0)
    elif step == "restart":
        ps.position = 0
        ps.round += 1
    else:
        user_abort(400, "未知的操作。")
    ps.updated_at = utcnow()
    db.session.commit()
    return redirect(url_for("practice.show", session_id=ps.id))


@bp.route("/star/<question_id>", methods=["POST"])
@login_required
def star(question_id: str):
    """Star or unstar a question (收藏). The form says which (on=1/0), so a repeated request changes nothing."""
    require_csrf()
    q = db.session.get(Question, question_id)
    if q is None:
        user_abort(404, "没有这道题。")
    want = request.form.get("on")
    if want not in ("0", "1"):  # an old page without the field: toggle
        want = "0" if starred(q.id) else "1"
    if want == "1":
        insert_once(db.session, Star(user_id=current_user.id, question_id=q.id), lambda: db.session.execute(
            db.select(Star).where(Star.user_id == current_user.id, Star.question_id == q.id)).scalar())
        message = "已收藏这道题。"
    else:
        db.session.execute(db.delete(Star).where(Star.user_id == current_user.id, Star.question_id == q.id))
        message = "已取消收藏。"
    db.session.commit()
    if request.accept_mimetypes.best == "application/json":
        return {"starred": want == "1"}
    flash(message, "success")
    target = request.form.get("next", "")
    return redirect(target if target.startswith("/") and not target.startswith("//") else url_for("practice.choose"))
