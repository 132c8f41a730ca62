"""班级 data in SQL: members, what each has done of an assignment, and the inputs of the class statistics.

No Flask: every function takes a Session. Every query that reads answers joins the class's
memberships and keeps only answers given at or after the member's answers_from (the start of
the joining day), so the privacy line is drawn in one place: `in_scope()`. The item statistics
also take every answer given in a 课堂互动 session the instructor ran for the class
(`item_scope()`): the room answered the class's questions together, accounts or not.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterable

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import Session

from ..models import (
    EXAM_TASK, Area, Assignment, Case, Classroom, ExamAttempt, KeypointResult, LiveSession, Membership, Question, Response,
    User,
)
from ..models.base import as_utc
from ..progress.classstats import ExamScore, StudentFigures, Tally
from ..progress.stats import FULL_MARKS

OPTION_TYPES = ("单选", "多选", "判断")


def in_scope(class_id: int, user_column, at_column):
    """Join condition: the row's user is a member of the class and the row is from answers_from on."""
    return and_(Membership.class_id == class_id, Membership.user_id == user_column, at_column >= Membership.answers_from)


def members(session: Session, class_id: int) -> list[tuple[Membership, User]]:
    return list(session.execute(select(Membership, User).join(User, User.id == Membership.user_id)
                                .where(Membership.class_id == class_id)
                                .order_by(Membership.joined_at, Membership.id)).tuples())


def membership(session: Session, class_id: int, user_id: int) -> Membership | None:
    return session.execute(select(Membership).where(Membership.class_id == class_id,
                                                    Membership.user_id == user_id)).scalar()


def assignments(session: Session, class_ids: Iterable[int]) -> list[Assignment]:
    ids = list(class_ids)
    if not ids:
        return []
    return list(session.execute(select(Assignment).where(Assignment.class_id.in_(ids))
                                .order_by(Assignment.created_at.desc(), Assignment.id.desc())).scalars())


def live_ids(session: Session, question_ids: list[str]) -> list[str]:
    """The set's questions that can still be practised (retired ones are skipped by practice too), in set order."""
    live = set(session.execute(select(Question.id).where(Question.id.in_(question_ids),
                                                         Question.retired.is_(False))).scalars())
    return [q for q in question_ids if q in live]


# --- what each member has done of an assignment ------------------------------------------------------------

@dataclass(frozen=True)
class Progress:
    total: int = 0  # questions of a practice set (live ones); 1 for an exam
    answered: int = 0
    correct: int = 0  # practice: first answers right
    started: bool = False
    done: bool = False
    finished_at: datetime | None = None
    points: float | None = None  # exam: the marks of the paper handed in

    @property
    def share(self) -> str:
        return f"{self.answered} / {self.total}"

    def late(self, due_at: datetime | None) -> bool:
        """Finished, after the due time."""
        return bool(self.done and due_at and self.finished_at and self.finished_at > as_utc(due_at))


def _first_answers(class_id: int, user_ids: list[int], question_ids: list[str] | None, since: datetime | None):
    """SELECT of (user, question, score, answered_at) for each member's first graded answer per question in scope."""
    rn = func.row_number().over(partition_by=(Response.user_id, Response.question_id),
                                order_by=(Response.answered_at, Response.id)).label("rn")
    stmt = (select(Response.user_id, Response.question_id, Response.score, Response.answered_at, rn)
            .join(Membership, in_scope(class_id, Response.user_id, Response.answered_at))
            .where(Response.question_id.is_not(None), Response.score.is_not(None)))
    if user_ids is not None:
        stmt = stmt.where(Response.user_id.in_(user_ids))
    if question_ids is not None:
        stmt = stmt.where(Response.question_id.in_(question_ids))
    if since is not None:
        stmt = stmt.where(Response.answered_at >= since)
    inner = stmt.subquery()
    return select(inner.c.user_id, inner.c.question_id, inner.c.score, inner.c.answered_at).where(inner.c.rn == 1)


def practice_progress(rows: Iterable[tuple[str, float, datetime]], ids: list[str], since: datetime) -> Progress:
    """One learner's progress on a practice set from their graded answers (question id, score, answered_at),
    oldest first: the first answer to each question of `ids` given at or after `since` counts."""
    wanted, first = set(ids), {}
    for qid, score, at in rows:
        at = as_utc(at)
        if qid in wanted and qid not in first and at >= since:
            first[qid] = (score, at)
    done = bool(ids) and len(first) >= len(ids)
    return Progress(total=len(ids), answered=len(first), correct=sum(score >= FULL_MARKS for score, _ in first.values()),
                    started=bool(first), done=done, finished_at=max(at for _, at in first.values()) if done else None)


def exam_progress(rows: Iterable[tuple[datetime, datetime | None, float | None]], created: datetime,
                  answers_from: datetime) -> Progress:
    """One learner's progress on a mock-exam task from their attempts at its blueprint (started, submitted,
    points): done by the first paper handed in after the task was set; started by an open paper."""
    done, started = None, False
    for began, submitted, points in rows:
        if submitted is None:
            started = started or as_utc(began) >= answers_from
        elif as_utc(submitted) >= max(created, answers_from) and (done is None or as_utc(submitted) < done[0]):
            done = (as_utc(submitted), points)
    if done is not None:
        return Progress(total=1, answered=1, started=True, done=True, finished_at=done[0], points=done[1])
    return Progress(total=1, started=started)


def progress(session: Session, task: Assignment, user_ids: list[int]) -> dict[int, Progress]:
    """user id → Progress on the task for every member listed (the instructor's view), counting only what
    was done after the task was set and in scope. A practice set is done when every live question of it
    has a graded answer; a mock exam when a paper of its blueprint was handed in."""
    if not user_ids:
        return {}
    created = as_utc(task.created_at)
    rows: dict[int, list] = {uid: [] for uid in user_ids}
    if task.kind == EXAM_TASK:
        froms = dict(session.execute(select(Membership.user_id, Membership.answers_from).where(
            Membership.class_id == task.class_id, Membership.user_id.in_(user_ids))).tuples().all())
        for uid, began, submitted, points in session.execute(
                select(ExamAttempt.user_id, ExamAttempt.started_at, ExamAttempt.submitted_at, ExamAttempt.points)
                .where(ExamAttempt.blueprint_id == task.blueprint_id, ExamAttempt.user_id.in_(user_ids),
                       or_(ExamAttempt.submitted_at.is_(None), ExamAttempt.submitted_at >= created))):
            rows[uid].append((began, submitted, points))
        return {uid: exam_progress(rows[uid], created, as_utc(froms[uid])) if uid in froms else Progress(total=1)
                for uid in user_ids}
    ids = live_ids(session, task.question_ids)
    if ids:
        for uid, qid, score, at in session.execute(_first_answers(task.class_id, user_ids, ids, created)):
            rows[uid].append((qid, score, at))
    return {uid: practice_progress(sorted(rows[uid], key=lambda r: as_utc(r[2])), ids, created) for uid in user_ids}


def learner_progress(session: Session, user_id: int, tasks: list[tuple[Assignment, Membership]]) -> dict[int, Progress]:
    """task id → one learner's Progress on each of their tasks (any classes): three queries, whatever the count."""
    practice = [(t, m) for t, m in tasks if t.kind != EXAM_TASK]
    exams = [(t, m) for t, m in tasks if t.kind == EXAM_TASK]
    out: dict[int, Progress] = {}
    if practice:
        live = set(live_ids(session, sorted({q for t, _ in practice for q in t.question_ids})))
        since = {t.id: max(as_utc(t.created_at), as_utc(m.answers_from)) for t, m in practice}
        rows = session.execute(
            select(Response.question_id, Response.score, Response.answered_at)
            .where(Response.user_id == user_id, Response.question_id.in_(live), Response.score.is_not(None),
                   Response.answered_at >= min(since.values()))
            .order_by(Response.answered_at, Response.id)).tuples().all() if live else []
        for t, _ in practice:
            out[t.id] = practice_progress(rows, [q for q in t.question_ids if q in live], since[t.id])
    if exams:
        attempts = session.execute(
            select(ExamAttempt.blueprint_id, ExamAttempt.started_at, ExamAttempt.submitted_at, ExamAttempt.points)
            .where(ExamAttempt.user_id == user_id,
                   ExamAttempt.blueprint_id.in_({t.blueprint_id for t, _ in exams}))).tuples().all()
        for t, m in exams:
            out[t.id] = exam_progress([a[1:] for a in attempts if a[0] == t.blueprint_id], as_utc(t.created_at),
                                      as_utc(m.answers_from))
    return out


# --- per student -------------------------------------------------------------------------------------------

def student_figures(session: Session, class_id: int, people: list[tuple[Membership, User]]) -> list[StudentFigures]:
    """Last active, answers, objective accuracy overall and per area, and handed-in mock exams, per member."""
    ids = [u.id for _, u in people]
    figures = {u.id: StudentFigures(u.id, u.nickname, as_utc(m.joined_at)) for m, u in people}
    if not ids:
        return []
    scoped = in_scope(class_id, Response.user_id, Response.answered_at)
    for uid, n, last in session.execute(
            select(Response.user_id, func.count(), func.max(Response.answered_at)).join(Membership, scoped)
            .where(Response.user_id.in_(ids)).group_by(Response.user_id)):
        figures[uid].answers, figures[uid].last_active = n, as_utc(last)
    correct = func.sum(case((Response.score >= FULL_MARKS, 1), else_=0))
    for uid, area, n, c in session.execute(
            select(Response.user_id, Question.area_id, func.count(), correct).join(Membership, scoped)
            .join(Question, Question.id == Response.question_id)
            .where(Response.user_id.in_(ids), Response.score.is_not(None)).group_by(Response.user_id, Question.area_id)):
        tally = Tally(n, int(c or 0))
        figures[uid].by_area[area] = tally
        figures[uid].objective = figures[uid].objective + tally
    for uid, paper, title, at, points in session.execute(
            select(ExamAttempt.user_id, ExamAttempt.paper, ExamAttempt.title, ExamAttempt.submitted_at, ExamAttempt.points)
            .join(Membership, in_scope(class_id, ExamAttempt.user_id, ExamAttempt.submitted_at))
            .where(ExamAttempt.user_id.in_(ids)).order_by(ExamAttempt.submitted_at, ExamAttempt.id)):
        figures[uid].exams.append(ExamScore(paper, title, as_utc(at), points))
    return [figures[u.id] for _, u in people]


def area_titles(session: Session) -> list[tuple[str, str]]:
    """(id, title) of the live areas that have questions, in syllabus order."""
    with_questions = select(Question.area_id).where(Question.retired.is_(False))
    return list(session.execute(select(Area.id, Area.title).where(Area.retired.is_(False), Area.id.in_(with_questions))
                                .order_by(Area.position)).tuples())


# --- per question ------------------------------------------------------------------------------------------

@dataclass
class ItemInputs:
    first: dict[int, dict[str, bool]]  # student → question → first answer right
    attempts: dict[str, int]  # question → graded answers in scope
    wrong: dict[str, list[Any]]  # question → the wrong answers (option types only), in keys
    questions: dict[str, Question]


def item_scope(class_id: int):
    """WHERE clause of the answers the item statistics use: members' answers in scope (any context), and every
    answer given in a live session run for the class, by signed-in players or players without an account."""
    member = exists().where(in_scope(class_id, Response.user_id, Response.answered_at))
    live = Response.live_session_id.in_(select(LiveSession.id).where(LiveSession.class_id == class_id))
    return or_(member, live)


def item_inputs(session: Session, class_id: int) -> ItemInputs:
    """Per respondent (a user, or a live player without an account: a negative id) the first graded answer to
    each question, the attempts per question and the wrong answers, from the answers of item_scope()."""
    scope = item_scope(class_id)
    graded = (Response.question_id.is_not(None), Response.score.is_not(None))
    who = func.coalesce(Response.user_id, -Response.live_player_id)
    rn = func.row_number().over(partition_by=(who, Response.question_id),
                                order_by=(Response.answered_at, Response.id)).label("rn")
    inner = select(who.label("who"), Response.question_id, Response.score, rn).where(scope, *graded).subquery()
    first: dict[int, dict[str, bool]] = {}
    for uid, qid, score in session.execute(select(inner.c.who, inner.c.question_id, inner.c.score)
                                           .where(inner.c.rn == 1)):
        first.setdefault(uid, {})[qid] = score >= FULL_MARKS
    attempts = dict(session.execute(select(Response.question_id, func.count()).where(scope, *graded)
                                    .group_by(Response.question_id)).tuples().all())
    wrong: dict[str, list[Any]] = {}
    for qid, answer in session.execute(
            select(Response.question_id, Response.answer).join(Question, Question.id == Response.question_id)
            .where(scope, Response.score < FULL_MARKS, Question.qtype.in_(OPTION_TYPES))):
        wrong.setdefault(qid, []).append(answer)
    questions = {q.id: q for q in session.execute(select(Question).where(Question.id.in_(list(attempts)))).scalars()}
    return ItemInputs(first, attempts, wrong, questions)


def live_sessions(session: Session, class_id: int) -> list[LiveSession]:
    """课堂互动 sessions run for the class, newest first."""
    return list(session.execute(select(LiveSession).where(LiveSession.class_id == class_id)
                                .order_by(LiveSession.created_at.desc())).scalars())


# --- per key point -----------------------------------------------------------------------------------------

def point_counts(session: Session, class_id: int) -> list[tuple[str, str, int, int, int]]:
    """(case id, point key, answers, students, answers crediting it) over key-point results in scope. A point
    is credited by the candidate's confirmation where given, else by the matcher's suggestion."""
    credited = case((KeypointResult.confirmed.is_(None), case((KeypointResult.suggested, 1), else_=0)),
                    else_=case((KeypointResult.confirmed, 1), else_=0))
    return list(session.execute(
        select(KeypointResult.case_id, KeypointResult.point_key, func.count(),
               func.count(func.distinct(KeypointResult.user_id)), func.sum(credited))
        .join(Response, Response.id == KeypointResult.response_id)
        .join(Membership, in_scope(class_id, Response.user_id, Response.answered_at))
        .group_by(KeypointResult.case_id, KeypointResult.point_key)).tuples())


def cases(session: Session, case_ids: Iterable[str]) -> dict[str, Case]:
    return {c.id: c for c in session.execute(select(Case).where(Case.id.in_(list(case_ids)))).scalars()}


def teaching(session: Session, user_id: int, everyone: bool = False, active: bool = False) -> list[Classroom]:
    """Classes the user teaches (every class for an admin), active ones first, newest first; with `active`,
    only those not archived."""
    stmt = select(Classroom).order_by(Classroom.archived_at.is_not(None), Classroom.created_at.desc(), Classroom.id.desc())
    if not everyone:
        stmt = stmt.where(Classroom.owner_id == user_id)
    if active:
        stmt = stmt.where(Classroom.archived_at.is_(None))
    return list(session.execute(stmt).scalars())


def joined(session: Session, user_id: int) -> list[tuple[Membership, Classroom]]:
    return list(session.execute(select(Membership, Classroom).join(Classroom, Classroom.id == Membership.class_id)
                                .where(Membership.user_id == user_id)
                                .order_by(Classroom.archived_at.is_not(None), Membership.joined_at.desc())).tuples())


def member_counts(session: Session, class_ids: list[int]) -> dict[int, int]:
    if not class_ids:
        return {}
    return dict(session.execute(select(Membership.class_id, func.count()).where(Membership.class_id.in_(class_ids))
                                .group_by(Membership.class_id)).tuples().all())
