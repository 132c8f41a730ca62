"""The answer record's rules live in the schema: what the database itself refuses."""
from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from training.answers.store import insert_once
from training.extensions import db
from training.models import Question, Response, Star
from training.models.base import utcnow

from support import make_attempt, make_practice_set, make_response


@pytest.fixture
def judge(loaded) -> Question:
    return db.session.execute(db.select(Question).where(Question.qtype == "判断")).scalars().first()


def refused(row) -> bool:
    db.session.add(row)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return True
    return False


def response(user, q, **kw) -> Response:
    values = {"user_id": user.id, "question_id": q.id, "version_id": q.version_id, "answer": True, "score": 1.0,
              "answered_at": utcnow(), "slot": 0, "context": "practice"}
    return Response(**{**values, **kw})


def test_one_answer_per_question_and_round_of_a_practice_set(users, judge):
    user = users["candidate"]
    first = make_response(user, judge, True)
    assert refused(response(user, judge, practice_session_id=first.practice_session_id))
    assert not refused(response(user, judge, practice_session_id=first.practice_session_id, round=1))


def test_one_answer_per_item_of_an_exam_attempt_and_one_open_attempt(users, judge, loaded):
    user = users["candidate"]
    from training.models import PaperBlueprint
    bp = db.session.execute(db.select(PaperBlueprint).where(PaperBlueprint.paper == "理论知识")).scalars().first()
    attempt = make_attempt(user, bp.id, [judge])
    make_response(user, judge, True, exam_attempt_id=attempt.id, slot=0)
    assert refused(response(user, judge, context="exam", exam_attempt_id=attempt.id, slot=0))
    from training.models import ExamAttempt
    second = ExamAttempt(user_id=user.id, blueprint_id=bp.id, paper="理论知识", title="t", items=[],
                         deadline_at=utcnow())
    assert refused(second)  # a second open attempt at the same paper
    attempt.submitted_at = utcnow()
    db.session.commit()
    assert not refused(ExamAttempt(user_id=user.id, blueprint_id=bp.id, paper="理论知识", title="t", items=[],
                                   deadline_at=utcnow()))  # once handed in, a new one may start


@pytest.mark.parametrize("change", [
    {"context": "exam"},  # says exam, belongs to a practice set
    {"exam_attempt_id": "ATTEMPT"},  # a real attempt, but two contexts at once
    {"version_id": None},  # no version and not marked legacy
    {"case_id": "case-complaint-yoghurt-fly"},  # a question and a case at once
])
def test_malformed_answer_rows_are_refused_by_the_schema(users, judge, change):
    user = users["candidate"]
    ps = make_practice_set(user, [judge.id])
    if change.get("exam_attempt_id") == "ATTEMPT":
        change = {"exam_attempt_id": make_attempt(user, "exam-theory", [judge]).id}
    assert refused(response(user, judge, practice_session_id=ps.id, **change))


def test_a_legacy_row_may_lack_a_version(users, judge):
    user = users["candidate"]
    ps = make_practice_set(user, [judge.id])
    assert not refused(response(user, judge, practice_session_id=ps.id, version_id=None, legacy=True))


def test_insert_once_hands_back_the_row_that_won(users, judge):
    user = users["candidate"]
    find = lambda: db.session.execute(db.select(Star).where(Star.user_id == user.id)).scalar()  # noqa: E731
    first, created = insert_once(db.session, Star(user_id=user.id, question_id=judge.id), find)
    db.session.commit()
    again, created_again = insert_once(db.session, Star(user_id=user.id, question_id=judge.id), find)
    assert created and not created_again and again is first
    # the constraint, not the pre-check, decides: a finder that misses once still ends with the winner
    misses = iter([None])
    late, made = insert_once(db.session, Star(user_id=user.id, question_id=judge.id),
                             lambda: next(misses, None) or find())
    assert not made and late.question_id == judge.id
    assert db.session.execute(db.select(db.func.count()).select_from(Star)).scalar_one() == 1


@pytest.mark.parametrize("url", ["/practice/s/99999999999999999999", "/mock/a/99999999999999999999",
                                 "/defense/s/99999999999999999999", "/practice/s/0"])
def test_ids_beyond_the_column_range_are_unknown_not_errors(as_role, url):
    assert as_role("candidate").get(url).status_code == 404
