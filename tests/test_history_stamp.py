"""users.history_stamp moves on with every change to a learner's history, and the memoized 学习进度 page
follows it: a repeat view is the memo, any new answer, review, sitting or class change renders afresh,
and nobody is ever served another learner's page."""
from __future__ import annotations

import re
import time
from datetime import timedelta

from sqlalchemy import delete, select, update

from support import Auth, make_attempt, make_practice_set, make_user, wrong_key
from test_dashboard import answer, single_choice
from training.extensions import db
from training.models import ExamAttempt, Membership, Question, Response, ReviewCard, Star, User
from training.models.base import utcnow


def stamp(user) -> int:
    return db.session.execute(select(User.history_stamp).where(User.id == user.id)).scalar_one()


def test_a_new_answer_moves_only_its_learners_stamp(app, loaded):
    a, b = make_user(username="a@example.com"), make_user(username="b@example.com")
    ps = make_practice_set(a, [])
    before_a, before_b = stamp(a), stamp(b)
    q = single_choice(1)[0]
    answer(a, ps, q, q.payload.answer, True)
    assert stamp(a) > before_a
    assert stamp(b) == before_b


def test_changing_or_deleting_a_row_moves_the_stamp(app, loaded):
    user = make_user()
    ps = make_practice_set(user, [])
    q = single_choice(1)[0]
    row = answer(user, ps, q, wrong_key(q.payload), False)
    before = stamp(user)
    row.score = 1.0
    db.session.commit()
    assert stamp(user) == before + 1
    db.session.delete(row)
    db.session.commit()
    assert stamp(user) == before + 2


def test_reading_rows_or_touching_them_without_a_change_leaves_it(app, loaded):
    user = make_user()
    ps = make_practice_set(user, [])
    q = single_choice(1)[0]
    row = answer(user, ps, q, q.payload.answer, True)
    before = stamp(user)
    row.score = row.score  # same value: no UPDATE
    db.session.execute(select(Response).where(Response.user_id == user.id)).scalars().all()
    db.session.commit()
    assert stamp(user) == before


def test_a_guarded_update_statement_moves_the_stamps_of_the_rows_owners_only(app, loaded):
    """The claims (hand-in, confirming an answer) are UPDATE statements, not flushes."""
    a, b = make_user(username="a@example.com"), make_user(username="b@example.com")
    qs = single_choice(1)
    attempt_a = make_attempt(a, "exam-theory", qs)
    make_attempt(b, "exam-theory", qs)
    before_a, before_b = stamp(a), stamp(b)
    db.session.execute(update(ExamAttempt).where(ExamAttempt.id == attempt_a.id).values(points=55.0))
    db.session.commit()
    assert (stamp(a), stamp(b)) == (before_a + 1, before_b)
    db.session.execute(delete(ReviewCard).where(ReviewCard.user_id == b.id))  # b has no cards: nothing changed
    db.session.commit()
    assert (stamp(a), stamp(b)) == (before_a + 1, before_b)
    db.session.execute(delete(ExamAttempt).where(ExamAttempt.user_id == b.id))
    db.session.commit()
    assert (stamp(a), stamp(b)) == (before_a + 1, before_b + 1)


def test_joining_or_leaving_a_class_moves_the_stamp(app, loaded, users):
    from class_builders import make_class
    user = make_user()
    c = make_class(users["instructor"])
    before = stamp(user)
    db.session.add(Membership(class_id=c.id, user_id=user.id, joined_at=utcnow(), answers_from=utcnow()))
    db.session.commit()
    assert stamp(user) == before + 1
    db.session.execute(delete(Membership).where(Membership.user_id == user.id))
    db.session.commit()
    assert stamp(user) == before + 2


def total_answered(html: str) -> int:
    return int(re.search(r"<strong>(\d+)</strong><span>累计作答", html).group(1))


def test_progress_page_is_memoized_until_the_learner_answers_again(app, loaded):
    user = make_user(username="memo@example.com", nickname="记忆测试")
    client = app.test_client()
    Auth(client).login(user.username)
    ps = make_practice_set(user, [])
    q1, q2 = single_choice(2)
    answer(user, ps, q1, q1.payload.answer, True)
    first = client.get("/progress/").get_data(as_text=True)
    assert total_answered(first) == 1
    memo = app.extensions["personal_pages"]
    assert len(memo) == 1
    again = client.get("/progress/").get_data(as_text=True)
    assert total_answered(again) == 1 and len(memo) == 1  # served from the memo
    answer(user, ps, q2, wrong_key(q2.payload), False)
    third = client.get("/progress/").get_data(as_text=True)
    assert total_answered(third) == 2  # the new answer is there at once
    assert "记忆测试" in third


def test_progress_memo_is_never_served_to_another_learner(app, loaded):
    ps_users = []
    for name, nick, n in (("wang@example.com", "王小明", 1), ("zhao@example.com", "赵大伟", 2)):
        user = make_user(username=name, nickname=nick)
        ps = make_practice_set(user, [])
        for q in single_choice(n):
            answer(user, ps, q, q.payload.answer, True, utcnow() - timedelta(hours=1))
        client = app.test_client()
        Auth(client).login(user.username)
        ps_users.append((client, nick, n))
    for _ in range(2):
        for client, nick, n in ps_users:
            html = client.get("/progress/").get_data(as_text=True)
            assert total_answered(html) == n and nick in html
            other = "赵大伟" if nick == "王小明" else "王小明"
            assert other not in html


def test_home_due_count_follows_a_new_card_at_once(app, loaded):
    user = make_user(username="due@example.com", nickname="复习测试")
    client = app.test_client()
    Auth(client).login(user.username)
    ids = db.session.execute(select(Question.id).order_by(Question.id).limit(2)).scalars().all()
    db.session.add(ReviewCard(user_id=user.id, question_id=ids[0], card={}, due_at=utcnow() - timedelta(hours=1),
                              reviews=1))
    db.session.commit()
    assert "今日复习 1 题" in client.get("/").get_data(as_text=True)
    assert "今日复习 1 题" in client.get("/").get_data(as_text=True)  # the memo
    db.session.add(ReviewCard(user_id=user.id, question_id=ids[1], card={}, due_at=utcnow() - timedelta(hours=1),
                              reviews=1))
    db.session.commit()
    assert "今日复习 2 题" in client.get("/").get_data(as_text=True)


def test_archiving_a_class_moves_its_members_stamps(app, loaded, users):
    from class_builders import make_class
    member, outsider = make_user(username="m@example.com"), make_user(username="o@example.com")
    c = make_class(users["instructor"])
    db.session.add(Membership(class_id=c.id, user_id=member.id, joined_at=utcnow(), answers_from=utcnow()))
    db.session.commit()
    before_member, before_outsider = stamp(member), stamp(outsider)
    c.archived_at = utcnow()
    db.session.commit()
    assert (stamp(member), stamp(outsider)) == (before_member + 1, before_outsider)


def test_memoized_pages_carry_each_sessions_own_csrf_token(app, loaded):
    """One learner on two devices: the memo is shared, the token in its forms is each session's own."""
    user = make_user(username="two-devices@example.com", nickname="两台设备")
    ps = make_practice_set(user, [])
    for q in single_choice(3):
        for day in range(6):  # enough answers on one knowledge point for a "practise it" form
            answer(user, ps, q, wrong_key(q.payload), False, utcnow() - timedelta(days=day, hours=1))
    phone, laptop = app.test_client(), app.test_client()
    for c in (phone, laptop):
        Auth(c).login(user.username)
    pages = {name: c.get("/progress/").get_data(as_text=True) for name, c in (("phone", phone), ("laptop", laptop))}
    assert len(app.extensions["personal_pages"]) == 1
    tokens = {name: set(re.findall(r'name="csrf_token" value="([^"]+)"', html)) for name, html in pages.items()}
    assert tokens["phone"] and tokens["laptop"] and tokens["phone"].isdisjoint(tokens["laptop"])
    topic = re.search(r'name="topic" value="([^"]+)"', pages["phone"]).group(1)

    def start(c, token):
        return c.post("/practice/start", data={"csrf_token": token, "topic": topic, "order": "random"}).status_code
    assert start(laptop, next(iter(tokens["phone"]))) == 400  # the other device's token is refused
    assert start(phone, next(iter(tokens["phone"]))) == 302
    assert start(laptop, next(iter(tokens["laptop"]))) == 302


def test_practice_question_page_is_memoized_with_a_fresh_clock_and_own_token(app, loaded):
    user = make_user(username="practice-memo@example.com")
    qs = single_choice(2)
    ps = make_practice_set(user, [q.id for q in qs])
    client = app.test_client()
    Auth(client).login(user.username)
    first = client.get(f"/practice/s/{ps.id}").get_data(as_text=True)
    time.sleep(0.01)
    second = client.get(f"/practice/s/{ps.id}").get_data(as_text=True)
    started = [int(re.search(r'name="started" value="(\d+)"', h).group(1)) for h in (first, second)]
    assert started[1] > started[0]  # the clock is a slot, not part of the memo
    assert any(key[0].startswith(f"/practice/s/{ps.id}") for key in app.extensions["personal_pages"])
    db.session.add(Star(user_id=user.id, question_id=qs[0].id))
    db.session.commit()
    assert "已收藏" in client.get(f"/practice/s/{ps.id}").get_data(as_text=True)  # a star moves the stamp on


def test_a_set_moved_on_elsewhere_shows_its_new_place_at_once(app, loaded):
    """The practice page's memo key reads nothing of the set: any change to it (another device's 下一题, a
    new round, the guarded skip of a retired question) moves the learner's stamp on in its transaction."""
    from training.models import PracticeSession
    user = make_user(username="moved-on@example.com")
    qs = single_choice(2)
    ps = make_practice_set(user, [q.id for q in qs])
    client = app.test_client()
    Auth(client).login(user.username)
    shown = 'name="question_id" value="{}"'.format
    assert shown(qs[0].id) in client.get(f"/practice/s/{ps.id}").get_data(as_text=True)
    before = stamp(user)
    db.session.execute(update(PracticeSession).where(PracticeSession.id == ps.id).values(position=1))
    db.session.commit()
    assert stamp(user) > before
    page = client.get(f"/practice/s/{ps.id}").get_data(as_text=True)
    assert shown(qs[1].id) in page and shown(qs[0].id) not in page
    other = make_user(username="not-the-owner@example.com")
    intruder = app.test_client()
    Auth(intruder).login(other.username)
    assert intruder.get(f"/practice/s/{ps.id}").status_code == 403  # the memo is the owner's only
