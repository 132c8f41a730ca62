"""考官评分 views: the candidate submits an answer to a class; the instructor works through the queue and grades.

Rules: an answer can be sent to each class the candidate belongs to once (a unique constraint; a repeat
shows the existing submission). Only the class's own instructor (and admins) may open or grade it, and
only while the candidate is still a member. Sending an answer is the candidate's consent to show that one
answer, so an answer from before joining may be sent too. Grades are stored beside the answer: the
candidate's own record (score, confirmations, review cards) is never touched.
"""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..access import get_owned_or_404, instructor_required, login_required
from ..answers.store import insert_once
from ..classes import queries as class_queries
from ..classes.guards import NOT_MEMBER, get_class, teacher_class
from ..content.payloads import CasePayload
from ..errors import user_abort
from ..extensions import db
from ..forms import require_csrf
from ..grading.examiner import (
    OVERALL_COMMENT_MAX, POINT_COMMENT_MAX, ExaminerForm, PointMark, UnknownPoint, examiner_score, read_examiner_form,
)
from ..models import Case, DefenseSession, Response, Role
from ..models.base import utcnow
from ..models.examiner import PointGrade, Submission
from ..numbers import parse_int
from . import bp, queries
from .forms import GradeForm
from .panel import answer_place, answer_url, comparison, marks_of, not_submittable

NOT_SUBMITTED = "这条回答没有提交给这个班级评分：链接可能有误，或考生没有提交。"
LEFT_CLASS = "这位考生已经退出班级：提交随之撤回，不能再查看或评分。"


def everyone() -> bool:
    return current_user.has_role(Role.admin)


@bp.route("/submit/<int:response_id>", methods=["POST"])
@login_required
def submit(response_id: int):
    """Send one of my confirmed 答辩 or 专业能力 answers to a class I belong to; a repeat shows the first."""
    r = get_owned_or_404(Response, response_id, "这条回答属于另一位考生。")
    require_csrf()
    reason = not_submittable(r)
    if reason:
        user_abort(409, reason)
    class_id = parse_int(request.form.get("class_id", ""), lo=1)
    if class_id is None:
        user_abort(400, "请选择要提交给哪个班级的老师。")
    c = get_class(class_id)
    if class_queries.membership(db.session, c.id, current_user.id) is None:
        user_abort(403, NOT_MEMBER)
    if c.archived:
        user_abort(409, f"班级“{c.name}”已归档，不再接收评分提交。")
    sub, inserted = insert_once(db.session, Submission(response_id=r.id, class_id=c.id, user_id=current_user.id,
                                                       submitted_at=utcnow(), comment=""),
                                lambda: queries.submission(db.session, c.id, r.id))
    db.session.commit()
    if inserted:
        flash(f"已提交给班级“{c.name}”的老师评分。老师评完后，评分会显示在这里。", "success")
    else:
        flash(f"这道题已经提交给班级“{c.name}”了（{sub.status}），不用重复提交。", "info")
    return redirect(answer_url(r))


@bp.route("/mine")
@login_required
def mine():
    """Everything I sent for grading, with its status and a link to the result page that shows the grade."""
    rows = queries.of_candidate(db.session, current_user.id)
    return render_template("examiner/mine.html", rows=rows, answer_url=answer_url, answer_place=answer_place)


@bp.route("/")
@instructor_required
def queue():
    """待评: submissions awaiting grading across my classes (every class for an admin), oldest first;
    ?show=graded lists the graded ones, most recent first; ?class=<id> narrows to one class."""
    class_id = request.args.get("class")
    only = None
    if class_id:
        only = parse_int(class_id, lo=1)
        if only is None:
            user_abort(404, "没有这个班级：链接可能有误，或班级已被删除。")
        only = teacher_class(only)
    graded = request.args.get("show") == "graded"
    rows = queries.queue(db.session, current_user.id, everyone(), only.id if only else None, graded=graded)
    pending = queries.pending_count(db.session, current_user.id, everyone(), only.id if only else None)
    return render_template("examiner/queue.html", rows=rows, graded=graded, only=only, pending=pending,
                           answer_place=answer_place)


def find_submission(class_id: int, response_id: int) -> Submission:
    c = teacher_class(class_id)
    sub = queries.submission(db.session, c.id, response_id)
    if sub is None:
        user_abort(404, NOT_SUBMITTED)
    if class_queries.membership(db.session, c.id, sub.user_id) is None:
        user_abort(404, LEFT_CLASS)
    return sub


def render_grading(sub: Submission, form: GradeForm, marks=None, errors=None, status: int = 200):
    r = sub.response
    case = r.version.case
    results = {k.point_key: k for k in r.keypoints}
    if marks is None:  # first opening: the examiner's saved marks, else the candidate's own confirmation
        marks = marks_of(sub) or {}
        if not sub.graded:
            marks = {p.key: PointMark(bool(results[p.key].confirmed) if p.key in results else False)
                     for p in case.key_points}
    paper = db.session.get(DefenseSession, r.defense_session_id).paper_title if r.defense_session_id else None
    current_version = db.session.execute(db.select(Case.version_id).where(Case.id == r.case_id)).scalar()
    fu = r.followup
    nxt = queries.next_pending(db.session, current_user.id, everyone(), sub)
    return render_template("examiner/grade.html", sub=sub, r=r, case=case, results=results, marks=marks,
                           errors=errors or {}, form=form, paper=paper, changed=current_version != r.version_id,
                           followup=fu, followup_data=case.followup(fu.followup_key) if fu else None,
                           cmp=comparison(r, sub), place=answer_place(r), nxt=nxt,
                           point_max=POINT_COMMENT_MAX, overall_max=OVERALL_COMMENT_MAX), status


@bp.route("/<int:class_id>/answers/<int:response_id>", methods=["GET", "POST"])
@instructor_required
def grade(class_id: int, response_id: int):
    """The grading page: the case as answered, the answer, and per key point the matcher's verdict and the
    candidate's own beside a box to credit it and a comment. Saving again re-grades (graded_at moves)."""
    sub = find_submission(class_id, response_id)
    form = GradeForm()
    if request.method == "GET":
        form.comment.data = sub.comment
        return render_grading(sub, form)
    if not form.validate_on_submit():
        user_abort(400, "表单已失效，请刷新页面后重试。")
    case = sub.response.version.case
    fields = {k: v for k, v in request.form.items() if k.startswith("comment-")}
    try:
        parsed = read_examiner_form([p.key for p in case.key_points], request.form.getlist("credit"), fields,
                                    request.form.get("comment"))
    except UnknownPoint as exc:
        user_abort(400, f"要点“{exc}”不是这道题（考生作答的版本）的要点。请刷新页面后重新评分。")
    if parsed.errors:
        form.comment.errors = [parsed.errors[""]] if "" in parsed.errors else []
        flash("评分没有保存：请按提示修改后再保存。", "error")
        return render_grading(sub, form, parsed.marks, parsed.errors, 400)
    save_grade(sub, case, parsed)
    db.session.commit()
    flash(f"已保存评分：{round(sub.score * 100)} / 100。考生现在能看到你的评分和评语。", "success")
    if request.form.get("then") == "next":
        nxt = queries.next_pending(db.session, current_user.id, everyone(), sub)
        if nxt is not None:
            return redirect(url_for("examiner.grade", class_id=nxt.class_id, response_id=nxt.response_id))
        flash("待评的提交都评完了。", "info")
        return redirect(url_for("examiner.queue"))
    return redirect(url_for("examiner.grade", class_id=sub.class_id, response_id=sub.response_id))


def save_grade(sub: Submission, case: CasePayload, parsed: ExaminerForm) -> None:
    """Write the marks beside the answer. The submission's row is locked first, so two saves at once
    (a double click, two tabs) go one after the other and the last one wins whole."""
    db.session.execute(db.select(Submission.id).where(Submission.id == sub.id).with_for_update())
    db.session.refresh(sub)
    existing = {g.point_key: g for g in sub.grades}
    for key, mark in parsed.marks.items():
        row = existing.get(key)
        if row is None:
            sub.grades.append(PointGrade(point_key=key, credited=mark.credited, comment=mark.comment))
        else:
            row.credited, row.comment = mark.credited, mark.comment
    score = examiner_score(case.points_as_dicts(), parsed.marks)
    sub.score = score / 100
    possible = sub.response.points_possible
    sub.points = possible * sub.score if possible is not None else None
    sub.comment, sub.graded_at, sub.examiner_id = parsed.comment, utcnow(), current_user.id

