"""考官评分 in SQL: the queue, one submission, what a candidate sent. No Flask: every function takes a Session.

A submission is visible to the class only while its candidate is still a member: the queries join the
membership, so a candidate who leaves takes their pending and graded submissions out of the class's
view (they come back if the candidate rejoins). The candidate always sees their own.
"""
from __future__ import annotations

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from ..models import Classroom, Membership, Response, User
from ..models.examiner import Submission

QUEUE_LIMIT = 200


def _member_join():
    return and_(Membership.class_id == Submission.class_id, Membership.user_id == Submission.user_id)


def _scope(stmt, teacher_id: int, everyone: bool, class_id: int | None):
    stmt = stmt.join(Membership, _member_join()).join(Classroom, Classroom.id == Submission.class_id)
    if not everyone:
        stmt = stmt.where(Classroom.owner_id == teacher_id)
    if class_id is not None:
        stmt = stmt.where(Submission.class_id == class_id)
    return stmt


def queue(session: Session, teacher_id: int, everyone: bool = False, class_id: int | None = None,
          graded: bool = False, limit: int = QUEUE_LIMIT) -> list[tuple[Submission, Response, Classroom, User]]:
    """Submissions awaiting grading in the teacher's classes (every class for an admin), oldest first;
    graded=True: the graded ones, most recently graded first."""
    stmt = select(Submission, Response, Classroom, User).join(Response, Response.id == Submission.response_id) \
        .join(User, User.id == Submission.user_id)
    stmt = _scope(stmt, teacher_id, everyone, class_id)
    if graded:
        stmt = stmt.where(Submission.graded_at.is_not(None)).order_by(Submission.graded_at.desc(), Submission.id.desc())
    else:
        stmt = stmt.where(Submission.graded_at.is_(None)).order_by(Submission.submitted_at, Submission.id)
    return list(session.execute(stmt.limit(limit)).tuples())


def pending_count(session: Session, teacher_id: int, everyone: bool = False, class_id: int | None = None) -> int:
    stmt = _scope(select(func.count(Submission.id)), teacher_id, everyone, class_id)
    return session.execute(stmt.where(Submission.graded_at.is_(None))).scalar_one()


def next_pending(session: Session, teacher_id: int, everyone: bool, after: Submission) -> Submission | None:
    """The oldest submission still awaiting grading other than `after` (the next one to open)."""
    stmt = _scope(select(Submission), teacher_id, everyone, None)
    return session.execute(stmt.where(Submission.graded_at.is_(None), Submission.id != after.id)
                           .order_by(Submission.submitted_at, Submission.id).limit(1)).scalar()


def submission(session: Session, class_id: int, response_id: int) -> Submission | None:
    return session.execute(select(Submission).where(Submission.class_id == class_id,
                                                    Submission.response_id == response_id)).scalar()


def of_response(session: Session, response_id: int) -> list[Submission]:
    """Every submission of one answer (one per class at most), oldest first."""
    return list(session.execute(select(Submission).where(Submission.response_id == response_id)
                                .order_by(Submission.submitted_at, Submission.id)).scalars())


def of_candidate(session: Session, user_id: int) -> list[tuple[Submission, Response, Classroom]]:
    """What a candidate sent, newest first, whatever became of their membership."""
    return list(session.execute(select(Submission, Response, Classroom)
                                .join(Response, Response.id == Submission.response_id)
                                .join(Classroom, Classroom.id == Submission.class_id)
                                .where(Submission.user_id == user_id)
                                .order_by(Submission.submitted_at.desc(), Submission.id.desc())).tuples())
