"""错题本: the rule (enter when wrong; leave after right on two different days) and its pages."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from training.progress.wrongbook import Attempt, wrong_book

TZ = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 20, 2, 0, tzinfo=timezone.utc)  # 10:00 in Beijing


def at(n: int, hours: float, correct: bool, qid: str = "q1") -> Attempt:
    return Attempt(n, qid, correct, T0 + timedelta(hours=hours))


def test_a_wrong_answer_enters_and_two_right_days_take_it_out():
    assert [e.question_id for e in wrong_book([at(1, 0, False)], TZ)] == ["q1"]
    same_day = [at(1, 0, False), at(2, 1, True), at(3, 2, True)]
    [entry] = wrong_book(same_day, TZ)
    assert entry.right_days_since == 1  # twice on one day counts once
    assert wrong_book(same_day + [at(4, 24, True)], TZ) == []


def test_days_are_the_learners_calendar_days():
    # 23:30 and 00:30 Beijing time are two days, though only an hour apart.
    late = T0.replace(hour=15, minute=30)  # 23:30 Beijing
    answers = [Attempt(1, "q1", False, late - timedelta(hours=3)), Attempt(2, "q1", True, late),
               Attempt(3, "q1", True, late + timedelta(hours=1))]
    assert wrong_book(answers, TZ) == []


def test_a_new_wrong_answer_puts_it_back_and_right_answers_before_it_do_not_count():
    answers = [at(1, 0, False), at(2, 24, True), at(3, 48, True), at(4, 72, False), at(5, 96, True)]
    [entry] = wrong_book(answers, TZ)
    assert entry.last_wrong == 4 and entry.wrong_times == 2 and entry.right_days_since == 1


def test_questions_never_missed_are_not_in_the_book_and_the_latest_miss_comes_first():
    answers = [at(1, 0, True, "a"), at(2, 1, False, "b"), at(3, 5, False, "c")]
    assert [e.question_id for e in wrong_book(answers, TZ)] == ["c", "b"]


@pytest.fixture
def candidate(as_role, loaded):
    return as_role("candidate")


def answer_once(client, qtype: str, right: bool):
    """Start a set of one type, answer its first question right or wrong; returns the question id."""
    import re
    from training.extensions import db
    from training.models import Question
    from support import csrf_from, right_fields, wrong_key
    token = csrf_from(client.get("/practice/").get_data(as_text=True))
    url = client.post("/practice/start", data={"area": "", "topic": "", "qtype": qtype, "difficulty": "",
                                               "order": "random", "csrf_token": token}).headers["Location"]
    html = client.get(url).get_data(as_text=True)
    qid = re.search(r'name="question_id" value="([^"]+)"', html).group(1)
    q = db.session.get(Question, qid).payload
    if right:
        fields = right_fields(q)
    elif qtype == "判断":
        fields = {"choice": "false" if q.answer else "true"}
    else:
        fields = {"choice": wrong_key(q)}
    client.post(url + "/answer", data={"csrf_token": csrf_from(html), "question_id": qid,
                                       "version_id": re.search(r'name="version_id" value="(\d+)"', html).group(1),
                                       **fields})
    return qid, q


def test_a_missed_question_is_listed_with_both_answers_and_can_be_practised(candidate):
    from support import csrf_from
    assert "错题本是空的" in candidate.get("/practice/wrong").get_data(as_text=True)
    qid, q = answer_once(candidate, "单选", right=False)
    page = candidate.get("/practice/wrong").get_data(as_text=True)
    assert "错题本 <small class=\"muted\">1 题</small>" in page and "两个不同的日子各答对一次" in page
    assert "✗ 你的选择" in page and "正确答案" in page
    assert f"/questions/{qid}" in page
    r = candidate.post("/practice/start", data={"order": "seq", "wrong": "y", "csrf_token": csrf_from(page)})
    assert r.status_code == 302
    practice = candidate.get(r.headers["Location"]).get_data(as_text=True)
    assert f'name="question_id" value="{qid}"' in practice and "/ 1 题" in practice


def test_answering_right_on_two_days_takes_it_out(candidate, users):
    from datetime import timedelta
    from training.extensions import db
    from training.models import Response
    from training.models.base import utcnow
    qid, q = answer_once(candidate, "判断", right=False)
    wrong_row = db.session.execute(db.select(Response).where(Response.question_id == qid)).scalar_one()
    wrong_row.answered_at = utcnow() - timedelta(days=3)
    db.session.commit()
    from support import make_response
    user = users["candidate"]
    from training.models import Question
    question = db.session.get(Question, qid)
    earlier = make_response(user, question, q.answer)
    earlier.answered_at = utcnow() - timedelta(days=2)
    db.session.commit()
    assert "1 题" in candidate.get("/practice/wrong").get_data(as_text=True)  # right on one day: still in
    make_response(user, question, q.answer)
    assert "错题本是空的" in candidate.get("/practice/wrong").get_data(as_text=True)


def test_the_star_list_shows_starred_questions_and_practises_them(candidate):
    from support import csrf_from
    assert "还没有收藏的题目" in candidate.get("/practice/stars").get_data(as_text=True)
    token = csrf_from(candidate.get("/practice/").get_data(as_text=True))
    candidate.post("/practice/star/plan-q001", data={"csrf_token": token, "on": "1"})
    page = candidate.get("/practice/stars").get_data(as_text=True)
    assert "/questions/plan-q001" in page and "练习全部收藏（1 题）" in page
    r = candidate.post("/practice/start", data={"order": "seq", "starred": "y", "csrf_token": csrf_from(page)})
    assert 'value="plan-q001"' in candidate.get(r.headers["Location"]).get_data(as_text=True)
