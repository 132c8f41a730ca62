"""Assignments (作业): set one, see who has done what, start one (through the practice and mock-exam paths)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from ..access import instructor_required, login_required
from ..errors import user_abort
from ..exams.routes import WRITTEN_PAPERS
from ..extensions import db
from ..forms import EmptyForm, require_csrf
from ..models import (
    EXAM_TASK, PRACTICE_TASK, Area, Assignment, Classroom, Membership, PaperBlueprint, PracticeFilters,
    PracticeSession, Question, TaskScope, Topic, User,
)
from ..models.base import as_utc, display_tz, utcnow
from ..practice.routes import chooser, matching_ids
from ..practice.sets import resume_position
from ..progress import classstats as cs
from . import bp, queries
from .forms import MAX_DUE_DAYS, MAX_SET, AssignmentForm, parse_due
from .guards import class_assignment, member_class, teacher_class, writable

HOME_LIMIT = 6
HOME_OVERDUE_DAYS = 14  # an unfinished task stays on the home page this long past its due time
HOME_DONE_DAYS = 3  # a finished one this long after it was finished


@dataclass
class TaskView:
    task: Assignment
    what: str  # the content in words
    progress: queries.Progress | None = None
    status: str = ""
    done: int = 0  # members who finished (instructor's view)
    members: int = 0
    classroom: Classroom | None = None

    @property
    def late(self) -> bool:
        """Finished after the due time."""
        return self.progress is not None and self.progress.late(self.task.due_at)


@bp.app_template_filter("status_class")
def status_class(status: str) -> str:
    """The CSS class of an assignment status (colour is never its only sign: the tag says it in words)."""
    return cs.STATUS_CLASS.get(status, "")


def describe(task: Assignment, areas: dict[str, str], topics: dict[str, str], blueprints: dict[str, str]) -> str:
    if task.kind == EXAM_TASK:
        return f"模拟考试：{blueprints.get(task.blueprint_id, task.blueprint_id)}"
    s = task.scope
    if s.chosen:
        return f"指定的 {len(task.question_ids)} 道题"
    parts = [areas.get(s.area, s.area) if s.area else "", topics.get(s.topic, s.topic) if s.topic else "", s.qtype]
    scope = " · ".join(p for p in parts if p) or "全部题目"
    return f"{scope}，共 {len(task.question_ids)} 道题"


def names(tasks: list[Assignment]) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """Titles of the areas, knowledge points and blueprints the tasks name (only those)."""
    def titles(model, ids: set[str]) -> dict[str, str]:
        ids.discard("")
        return dict(db.session.execute(db.select(model.id, model.title).where(model.id.in_(ids))).tuples().all()) if ids else {}
    return (titles(Area, {t.scope.area for t in tasks}), titles(Topic, {t.scope.topic for t in tasks}),
            titles(PaperBlueprint, {t.blueprint_id or "" for t in tasks}))


def views_of(tasks: list[Assignment]) -> list[TaskView]:
    areas, topics, blueprints = names(tasks)
    return [TaskView(t, describe(t, areas, topics, blueprints)) for t in tasks]


def status_of(task: Assignment, p: queries.Progress, now: datetime) -> str:
    return cs.task_status(p.done, p.started, as_utc(task.due_at) if task.due_at else None, now)


def assignment_summaries(c: Classroom, people: list[tuple[Membership, User]]) -> list[TaskView]:
    """Every assignment of the class with how many members finished it."""
    ids = [u.id for _, u in people]
    out = views_of(queries.assignments(db.session, [c.id]))
    for view in out:
        done = queries.progress(db.session, view.task, ids)
        view.done, view.members = sum(p.done for p in done.values()), len(ids)
    return out


def with_learner_progress(views: list[TaskView], memberships: list[Membership], user_id: int) -> list[TaskView]:
    """Fill each view with this learner's own progress and status (a fixed number of queries)."""
    done = queries.learner_progress(db.session, user_id, [(v.task, m) for v, m in zip(views, memberships)])
    now = utcnow()
    for view in views:
        view.progress = done[view.task.id]
        view.status = status_of(view.task, view.progress, now)
    return views


def member_tasks(c: Classroom, m: Membership) -> list[TaskView]:
    """The class's assignments with this member's own progress and status."""
    views = views_of(queries.assignments(db.session, [c.id]))
    return with_learner_progress(views, [m] * len(views), m.user_id)


def open_assignments(user_id: int) -> list[TaskView]:
    """For the home page: assignments of the user's active classes still to do (overdue ones for
    HOME_OVERDUE_DAYS), and those finished in the last HOME_DONE_DAYS; worst status first."""
    rows = db.session.execute(db.select(Assignment, Classroom, Membership)
                              .join(Classroom, Classroom.id == Assignment.class_id)
                              .join(Membership, Membership.class_id == Classroom.id)
                              .where(Membership.user_id == user_id, Classroom.archived_at.is_(None))
                              .order_by(Assignment.created_at.desc())).tuples().all()
    if not rows:
        return []
    views = views_of([t for t, _, _ in rows])
    for view, (_, c, _) in zip(views, rows):
        view.classroom = c
    with_learner_progress(views, [m for _, _, m in rows], user_id)
    now = utcnow()
    out = []
    for view in views:
        p = view.progress
        if p.done and p.finished_at and (now - p.finished_at).days >= HOME_DONE_DAYS:
            continue
        if view.status == cs.OVERDUE and (now - as_utc(view.task.due_at)).days >= HOME_OVERDUE_DAYS:
            continue
        out.append(view)
    far = datetime.max.replace(tzinfo=now.tzinfo)
    out.sort(key=lambda v: (cs.STATUS_ORDER[v.status], as_utc(v.task.due_at) if v.task.due_at else far))
    return out[:HOME_LIMIT]


def assignment_form() -> AssignmentForm:
    form = AssignmentForm()
    choices = chooser()  # the practice chooser's areas and knowledge points (each with its area for choose.js)
    form.area.choices, form.topic.choices = choices.area.choices, choices.topic.choices
    blueprints = db.session.execute(db.select(PaperBlueprint).where(
        PaperBlueprint.retired.is_(False), PaperBlueprint.paper.in_(WRITTEN_PAPERS)).order_by(PaperBlueprint.position)).scalars()
    form.blueprint.choices = [("", "请选择试卷")] + [(b.id, f"{b.title}（{b.paper}）") for b in blueprints]
    return form


def resolve(form: AssignmentForm) -> Assignment | None:
    """The assignment the form describes, or None with the problems next to their fields."""
    valid = form.validate_on_submit()
    tz, now = display_tz(), utcnow()
    due = None
    if form.due.data:
        due = parse_due(form.due.data, tz)
        if due is None:
            form.due.errors.append("请按“2026-03-01 20:00”的格式填写截止时间，或者留空。")
        elif due <= now:
            form.due.errors.append("这个截止时间已经过去了，请选一个以后的时间。")
        elif due > now + timedelta(days=MAX_DUE_DAYS):
            form.due.errors.append("截止时间太远了：请选三年以内的时间。")
    task = Assignment(title=form.title.data or "", kind=form.kind.data, due_at=due, created_by=current_user.id,
                      scope=TaskScope(), question_ids=[])
    if form.kind.data == PRACTICE_TASK:
        practice_questions(form, task)
    elif form.kind.data == EXAM_TASK:
        form.check_choice(form.blueprint, "请选择一份模拟考试试卷。")
        if not form.blueprint.data:
            form.blueprint.errors.append("请选择一份模拟考试试卷。")
        task.blueprint_id = form.blueprint.data
    else:
        form.kind.errors.append("请选择作业内容：练习题组或模拟考试。")
    if not valid or any(f.errors for f in form):
        return None
    if not task.title:
        areas, topics, blueprints = names([task])
        what = describe(task, areas, topics, blueprints)
        task.title = ("练习：" + what.split("，")[0] if task.kind == PRACTICE_TASK else what)[:100]
    return task


def practice_questions(form: AssignmentForm, task: Assignment) -> None:
    listed = form.listed_ids()
    chosen_range = form.area.data or form.topic.data or form.qtype.data
    if listed:
        if chosen_range:
            form.question_ids.errors.append("按范围选题和指定题目只能二选一：请清空上面的领域、知识点和题型，或清空题目编号。")
            return
        if len(listed) > MAX_SET:
            form.question_ids.errors.append(f"一份作业最多 {MAX_SET} 道题，这里有 {len(listed)} 道。")
            return
        live = set(db.session.execute(db.select(Question.id).where(Question.id.in_(listed),
                                                                   Question.retired.is_(False))).scalars())
        missing = [q for q in listed if q not in live]
        if missing:
            shown = "、".join(missing[:10]) + ("……" if len(missing) > 10 else "")
            form.question_ids.errors.append(f"找不到这些题目（编号有误或已下线）：{shown}")
            return
        task.question_ids, task.scope = listed, TaskScope(chosen=True)
        return
    for field, message in ((form.area, "请从列表中选择考纲领域。"), (form.topic, "请从列表中选择知识点。"),
                           (form.qtype, "请从列表中选择题型。")):
        form.check_choice(field, message)
    if form.area.errors or form.topic.errors or form.qtype.errors:
        return
    scope = TaskScope(area=form.area.data or "", topic=form.topic.data or "", qtype=form.qtype.data or "")
    rows = matching_ids(PracticeFilters(area=scope.area, topic=scope.topic, qtype=scope.qtype), current_user.id)
    if not rows:
        form.area.errors.append("这个范围里没有题目：领域、知识点和题型的组合可能对不上，请换一个范围。")
    elif len(rows) > MAX_SET:
        form.area.errors.append(f"这个范围有 {len(rows)} 道题，一份作业最多 {MAX_SET} 道：请再选知识点或题型缩小范围。")
    else:
        task.question_ids, task.scope = [r[0] for r in rows], scope


@bp.route("/<int:class_id>/assignments/new", methods=["GET", "POST"])
@instructor_required
def new_assignment(class_id: int):
    """Set an assignment: a practice set (by area / knowledge point / type, or listed questions) or a mock exam."""
    c = teacher_class(class_id)
    writable(c)
    form = assignment_form()
    if not form.is_submitted():
        return render_template("classes/assignment_new.html", c=c, form=form, max_set=MAX_SET)
    task = resolve(form)
    if task is None:
        return render_template("classes/assignment_new.html", c=c, form=form, max_set=MAX_SET), 400
    task.class_id = c.id
    db.session.add(task)
    db.session.commit()
    flash(f"作业“{task.title}”已布置，班级成员会在首页看到它。", "success")
    return redirect(url_for("classes.assignment", class_id=c.id, assignment_id=task.id))


@bp.route("/<int:class_id>/assignments/<int:assignment_id>")
@instructor_required
def assignment(class_id: int, assignment_id: int):
    """Who has done what of one assignment: status, progress and result per student, the worst first."""
    c = teacher_class(class_id)
    task = class_assignment(c, assignment_id)
    people = queries.members(db.session, c.id)
    done = queries.progress(db.session, task, [u.id for _, u in people])
    now = utcnow()
    rows = [(u, done[u.id], status_of(task, done[u.id], now), done[u.id].late(task.due_at)) for _, u in people]
    rows.sort(key=lambda r: (cs.STATUS_ORDER[r[2]], r[1].answered, r[0].nickname, r[0].id))
    counts = {s: sum(1 for r in rows if r[2] == s) for s in cs.STATUS_ORDER}
    return render_template("classes/assignment.html", c=c, view=views_of([task])[0], rows=rows, counts=counts,
                           form=EmptyForm())


@bp.route("/<int:class_id>/assignments/<int:assignment_id>/delete", methods=["POST"])
@instructor_required
def delete_assignment(class_id: int, assignment_id: int):
    """Withdraw an assignment (the answers given for it stay in each learner's history)."""
    c = teacher_class(class_id)
    require_csrf()
    writable(c)
    task = class_assignment(c, assignment_id)
    db.session.delete(task)
    db.session.commit()
    flash(f"作业“{task.title}”已撤回。学员做过的题仍留在他们自己的记录里。", "success")
    return redirect(url_for("classes.show", class_id=c.id) + "#tasks")


@bp.route("/<int:class_id>/assignments/<int:assignment_id>/start", methods=["POST"])
@login_required
def start_assignment(class_id: int, assignment_id: int):
    """Start (or resume) an assignment: a practice set of its questions, or the mock exam's own start path."""
    c, m = member_class(class_id)
    require_csrf()
    task = class_assignment(c, assignment_id)
    if c.archived:
        user_abort(409, "这个班级已归档，作业不能再开始。")
    if task.kind == EXAM_TASK:  # the mock-exam start path itself (it draws or resumes the paper)
        return redirect(url_for("exams.start", blueprint_id=task.blueprint_id), 307)
    ids = queries.live_ids(db.session, task.question_ids)
    if not ids:
        user_abort(409, "这份作业里的题目都已下线，没有可以做的题。请联系讲师。")
    key = f"assignment={task.id}"
    ps = db.session.execute(db.select(PracticeSession).where(
        PracticeSession.user_id == current_user.id, PracticeSession.filter_key == key)
        .order_by(PracticeSession.id.desc()).limit(1)).scalar()
    if ps is None:
        s = task.scope
        ps = PracticeSession(user_id=current_user.id, filter_key=key, question_ids=ids, shuffled=False,
                             filters=PracticeFilters(area=s.area, topic=s.topic, qtype=s.qtype))
        db.session.add(ps)
    else:  # the same set resumed, as 顺序练习 does: at the same question, or a new round once finished
        if ps.question_ids != ids:
            ps.position, ps.question_ids = resume_position(ps.question_ids, ps.position, ids), ids
        if ps.position >= len(ps.question_ids):
            ps.position, ps.round = 0, ps.round + 1
    ps.updated_at = utcnow()
    db.session.commit()
    return redirect(url_for("practice.show", session_id=ps.id))
