"""练习: choosing a set, answering every type, feedback, resuming, stars, bad input."""
from __future__ import annotations

import re

import pytest

from training.extensions import db
from training.models import AnswerEvent, PracticeSession, Question, Star

from support import csrf_from


@pytest.fixture
def learner(as_role, loaded):
    return as_role("candidate")


def start(client, **filters):
    token = csrf_from(client.get("/practice/").get_data(as_text=True))
    data = {"area": "", "topic": "", "qtype": "", "difficulty": "", "order": "seq", "csrf_token": token}
    data.update({k: v for k, v in filters.items() if v is not False})
    response = client.post("/practice/start", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return response.headers["Location"]


def current(client, url):
    html = client.get(url).get_data(as_text=True)
    qid = re.search(r'name="question_id" value="([^"]+)"', html).group(1)
    return html, db.session.get(Question, qid)


def right_response(q: Question) -> dict:
    if q.qtype == "单选":
        return {"choice": str(q.answer)}
    if q.qtype == "多选":
        return {"choice": [str(i) for i in q.answer]}
    if q.qtype == "判断":
        return {"choice": "true" if q.answer else "false"}
    if q.qtype == "排序":
        return {f"rank-{k}": str(k + 1) for k in range(len(q.data["steps"]))}
    return {f"cat-{i}": str(c) for i, c in enumerate(q.answer)}


def submit(client, url, html, q, fields):
    data = {"csrf_token": csrf_from(html), "question_id": q.id, "started": "0", **fields}
    return client.post(url.rstrip("/") + "/answer", data=data)


@pytest.mark.parametrize("qtype", ["单选", "多选", "判断", "排序", "匹配"])
def test_a_right_answer_of_every_type_is_recorded_and_praised(learner, qtype):
    url = start(learner, qtype=qtype)
    html, q = current(learner, url)
    assert q.qtype == qtype and "计分规则" in html
    response = submit(learner, url, html, q, right_response(q))
    assert response.status_code == 302
    feedback = learner.get(response.headers["Location"]).get_data(as_text=True)
    assert "✓ 回答正确" in feedback and "解析" in feedback
    event = db.session.execute(db.select(AnswerEvent)).scalar_one()
    assert (event.question_id, event.score, event.correct, event.mode) == (q.id, 1.0, True, "practice")
    assert event.time_ms == 30 * 60 * 1000  # "started" 0 means "long ago": capped


def test_wrong_answer_shows_the_right_one(learner):
    url = start(learner, qtype="单选")
    html, q = current(learner, url)
    wrong = (q.answer + 1) % len(q.data["options"])
    feedback = learner.get(submit(learner, url, html, q, {"choice": str(wrong)}).headers["Location"]).get_data(as_text=True)
    assert "✗ 回答错误" in feedback and "正确答案" in feedback and q.data["options"][q.answer] in feedback
    assert db.session.execute(db.select(AnswerEvent.correct)).scalar_one() is False


def test_multiple_choice_partial_credit_is_shown(learner):
    url = start(learner, qtype="多选")
    html, q = current(learner, url)
    feedback = learner.get(submit(learner, url, html, q, {"choice": [str(q.answer[0])]}).headers["Location"])
    text = feedback.get_data(as_text=True)
    assert "部分正确" in text and "漏选" in text


def test_order_answer_of_a_shuffled_display(learner):
    url = start(learner, qtype="排序")
    html, q = current(learner, url)
    shown = [int(k) for k in re.findall(r'data-step="(\d+)"', html)]
    assert sorted(shown) == list(range(len(q.data["steps"]))) and shown != sorted(shown)


@pytest.mark.parametrize("qtype,fields,message", [
    ("单选", {}, "请先选择一个选项"),
    ("单选", {"choice": "9"}, "选项 9 不存在"),
    ("单选", {"choice": "abc"}, "请先选择一个选项"),
    ("多选", {}, "请至少选择一个选项"),
    ("判断", {"choice": "maybe"}, "请选择 对 或 错"),
    ("排序", {"rank-0": "1", "rank-1": "1", "rank-2": "2", "rank-3": "3", "rank-4": "4", "rank-5": "5"}, "每个位置只能放一个步骤"),
    ("匹配", {"cat-0": "0"}, "请先为每一项选择类别"),
])
def test_bad_responses_are_refused_with_a_message_and_nothing_stored(learner, qtype, fields, message):
    url = start(learner, qtype=qtype)
    html, q = current(learner, url)
    response = submit(learner, url, html, q, fields)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert db.session.execute(db.select(db.func.count()).select_from(AnswerEvent)).scalar_one() == 0


def test_resubmitting_an_answered_question_is_a_conflict(learner):
    url = start(learner)
    html, q = current(learner, url)
    assert submit(learner, url, html, q, right_response(q)).status_code == 302
    again = submit(learner, url, html, q, right_response(q))
    assert again.status_code == 409 and "已经作答过" in again.get_data(as_text=True)
    assert db.session.execute(db.select(db.func.count()).select_from(AnswerEvent)).scalar_one() == 1


def test_sequential_practice_resumes_where_it_stopped(learner):
    url = start(learner, area="plan")
    html, q = current(learner, url)
    submit(learner, url, html, q, right_response(q))
    again = start(learner, area="plan")
    assert again == url
    _, q2 = current(learner, again)
    assert q2.id != q.id and db.session.get(PracticeSession, int(url.rsplit("/", 1)[1])).position == 1


def test_random_practice_makes_a_new_set(learner):
    assert start(learner, order="random") != start(learner, order="random")


def test_another_users_set_is_forbidden_and_unknown_sets_404(learner, as_role):
    url = start(learner)
    other = as_role("instructor")
    assert other.get(url).status_code == 403
    assert learner.get("/practice/s/999999").status_code == 404


def test_star_and_practise_only_starred(learner):
    url = start(learner, area="plan")
    html, q = current(learner, url)
    learner.post(f"/practice/star/{q.id}", data={"csrf_token": csrf_from(html), "next": url})
    assert db.session.get(Star, (db.session.execute(db.select(Star.user_id)).scalar(), q.id)) is not None
    starred_url = start(learner, starred="y")
    _, only = current(learner, starred_url)
    assert only.id == q.id
    learner.post(f"/practice/star/{q.id}", data={"csrf_token": csrf_from(html), "next": url})
    assert db.session.execute(db.select(db.func.count()).select_from(Star)).scalar_one() == 0


def test_memorize_mode_shows_answers_without_a_form(learner):
    url = start(learner, memorize="y")
    html = learner.get(url).get_data(as_text=True)
    assert "答案" in html and "解析" in html and "提交答案" not in html


def test_empty_selection_is_explained(learner):
    token = csrf_from(learner.get("/practice/").get_data(as_text=True))
    response = learner.post("/practice/start", data={"area": "plan", "topic": "kp-team-recruit-train", "qtype": "",
                                                     "difficulty": "", "order": "seq", "csrf_token": token},
                            follow_redirects=True)
    assert "没有符合这些条件的题目" in response.get_data(as_text=True)


def test_unknown_filter_values_are_rejected(learner):
    token = csrf_from(learner.get("/practice/").get_data(as_text=True))
    response = learner.post("/practice/start", data={"area": "nowhere", "order": "seq", "csrf_token": token})
    assert response.status_code == 400
