"""users.history_stamp: a number that changes whenever anything a learner's personal pages are computed
from changes (answers, key-point results, review cards, mock exams, 答辩 rehearsals, class memberships, stars,
practice sets).

Personal pages and regions (学习进度, the home page's 今日复习, a practice set's page) are memoized per worker under the
learner's id and this stamp: the user loader reads the users row on every request anyway, so checking
that a memo is still right costs no query. The stamp is bumped in the same transaction as the change,
by two session hooks, so no write path has to remember it:

- after every flush, for each new, changed or deleted row of a tracked table, its user's stamp (for a
  changed class, its members');
- for an UPDATE or DELETE statement on a tracked table (the guarded claims: hand-in, confirming an
  answer), the stamps of the users whose rows the statement's WHERE clause selects, before it runs.

A write that goes around the ORM session (a Core statement on a bare Connection) must call bump()
itself. No Flask here: the hooks are plain SQLAlchemy events.
"""
from __future__ import annotations

from typing import Iterable

from sqlalchemy import event, select, update
from sqlalchemy.orm import ORMExecuteState, Session

from ..models import (
    Classroom, DefenseSession, ExamAttempt, KeypointResult, Membership, PointCard, PracticeSession, Response,
    ReviewCard, Star, User,
)

TRACKED = (Response, KeypointResult, ReviewCard, PointCard, ExamAttempt, DefenseSession, Membership, Star,
           PracticeSession)
TRACKED_TABLES = {m.__table__.name: m for m in TRACKED}


def history_key(user) -> tuple:
    """What a memo of a learner's personal page is keyed by, besides its own inputs: the learner, their
    history stamp, and created_at, so that an id reused after an account is deleted is another learner."""
    return (user.id, user.created_at, user.history_stamp)


def bump(session: Session, user_ids: Iterable[int | None]) -> None:
    """Move these users' stamps on, in the session's transaction."""
    ids = sorted({u for u in user_ids if u is not None})
    if ids:
        session.connection().execute(update(User.__table__).where(User.__table__.c.id.in_(ids))
                                     .values(history_stamp=User.__table__.c.history_stamp + 1))


def _changed_users(session: Session) -> set[int]:
    users: set[int] = set()
    classes = [c.id for c in session.dirty if isinstance(c, Classroom) and session.is_modified(c)]
    if classes:  # archived or back: what its members' home pages show of classes
        users.update(session.connection().execute(
            select(Membership.user_id).where(Membership.class_id.in_(classes))).scalars())
    for obj in session.new:
        if isinstance(obj, TRACKED):
            users.add(obj.user_id)
    for obj in session.deleted:
        if isinstance(obj, TRACKED):
            users.add(obj.user_id)
    for obj in session.dirty:
        if isinstance(obj, TRACKED) and session.is_modified(obj, include_collections=False):
            users.add(obj.user_id)
    return users


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context) -> None:
    bump(session, _changed_users(session))


@event.listens_for(Session, "do_orm_execute")
def _before_statement(state: ORMExecuteState) -> None:
    if not (state.is_update or state.is_delete):
        return
    model = TRACKED_TABLES.get(getattr(state.statement.table, "name", None))
    if model is None:
        return
    where = state.statement.whereclause
    owners = select(model.__table__.c.user_id).distinct()
    if where is not None:
        owners = owners.where(where)
    bump(state.session, state.session.connection().execute(owners, state.parameters or {}).scalars())
