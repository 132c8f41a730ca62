"""Test data builders for the class tests (imported as `class_builders`)."""
from __future__ import annotations

from datetime import datetime, timedelta

from training.extensions import db
from training.models import Assignment, Classroom, Membership, Question, Response, TaskScope, User
from training.models.base import utcnow
from training.models.classes import new_join_code

from support import make_practice_set

_round = iter(range(1, 10**9))


def make_class(owner: User, name: str = "周末班", **kw) -> Classroom:
    c = Classroom(name=name, owner_id=owner.id, join_code=kw.pop("join_code", None) or new_join_code(), **kw)
    db.session.add(c)
    db.session.commit()
    return c


def add_member(c: Classroom, user: User, joined_at: datetime | None = None) -> Membership:
    """A membership as joining makes it: answers count from the start of the joining day (Asia/Shanghai)."""
    from zoneinfo import ZoneInfo

    from training.progress.stats import day_start
    joined_at = joined_at or utcnow()
    tz = ZoneInfo("Asia/Shanghai")
    m = Membership(class_id=c.id, user_id=user.id, joined_at=joined_at,
                   answers_from=day_start(joined_at.astimezone(tz).date(), tz))
    db.session.add(m)
    db.session.commit()
    return m


def make_task(c: Classroom, questions: list[Question] | None = None, blueprint_id: str | None = None,
              created_at: datetime | None = None, **kw) -> Assignment:
    task = Assignment(class_id=c.id, title=kw.pop("title", "作业一"), kind="exam" if blueprint_id else "practice",
                      blueprint_id=blueprint_id, question_ids=[q.id for q in questions or []],
                      scope=TaskScope(chosen=True), created_at=created_at or utcnow() - timedelta(minutes=5), **kw)
    db.session.add(task)
    db.session.commit()
    return task


def answer(user: User, q: Question, right: bool, at: datetime | None = None, ps=None, answer=None) -> Response:
    """A graded practice answer to q's current version (the right key, or a wrong one)."""
    from support import wrong_key
    payload = q.payload
    if answer is None:
        answer = payload.answer if right else (wrong_key(payload) if payload.options else (not payload.answer))
    at = at or utcnow()
    ps = ps or make_practice_set(user, [q.id])
    row = Response(user_id=user.id, context="practice", practice_session_id=ps.id, round=next(_round), slot=0,
                   question_id=q.id, version_id=q.version_id, answer=answer, score=1.0 if right else 0.0,
                   answered_at=at, graded_at=at)
    db.session.add(row)
    db.session.commit()
    return row


def single_choice(n: int) -> list[Question]:
    return db.session.execute(db.select(Question).where(Question.qtype == "单选", Question.retired.is_(False))
                              .order_by(Question.id).limit(n)).scalars().all()


def defense_answer(user: User, case, credited: dict[str, bool | None], suggested: bool = False,
                   at: datetime | None = None) -> Response:
    """A rehearsed 答辩 answer with one key-point result per point: confirmed as given (None: not confirmed,
    the matcher's `suggested` stands)."""
    from training.models import DefenseSession, KeypointResult
    ds = DefenseSession(user_id=user.id, case_ids=[case.id], prep_seconds=60, answer_seconds=60, position=1)
    db.session.add(ds)
    db.session.flush()
    row = Response(user_id=user.id, context="defense", defense_session_id=ds.id, slot=0, case_id=case.id,
                   version_id=case.version_id, text="回答", answered_at=at or utcnow())
    db.session.add(row)
    db.session.flush()
    for point in case.payload.key_points:
        db.session.add(KeypointResult(response_id=row.id, user_id=user.id, case_id=case.id, version_id=case.version_id,
                                      point_key=point.key, weight=point.weight, suggested=suggested,
                                      confirmed=credited.get(point.key)))
    db.session.commit()
    return row
