"""练习: choosing a set, answering every type, feedback, resuming, stars, bad input."""
from __future__ import annotations

import re

import pytest

from training.extensions import db
from training.models import PracticeSession, Question, Response, Star

from support import csrf_from, right_fields, wrong_key


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
    return right_fields(q.payload)


def submit(client, url, html, q, fields):
    version = re.search(r'name="version_id" value="(\d+)"', html).group(1)
    data = {"csrf_token": csrf_from(html), "question_id": q.id, "version_id": version, "started": "0", **fields}
    return client.post(url.rstrip("/") + "/answer", data=data)


def count(model) -> int:
    return db.session.execute(db.select(db.func.count()).select_from(model)).scalar_one()


@pytest.mark.parametrize("qtype", ["单选", "多选", "判断", "排序", "匹配"])
def test_a_right_answer_of_every_type_is_recorded_and_praised(learner, qtype):
    url = start(learner, qtype=qtype)
    html, q = current(learner, url)
    assert q.qtype == qtype and "计分规则" in html
    response = submit(learner, url, html, q, right_response(q))
    assert response.status_code == 302
    feedback = learner.get(response.headers["Location"]).get_data(as_text=True)
    assert "✓ 回答正确" in feedback and "解析" in feedback
    row = db.session.execute(db.select(Response)).scalar_one()
    assert (row.question_id, row.score, row.correct, row.context) == (q.id, 1.0, True, "practice")
    assert row.version_id == q.version_id and row.answer == q.payload.answer
    assert row.time_ms == 30 * 60 * 1000  # "started" 0 means "long ago": capped


def test_wrong_answer_shows_the_right_one(learner):
    url = start(learner, qtype="单选")
    html, q = current(learner, url)
    p = q.payload
    feedback = learner.get(submit(learner, url, html, q, {"choice": wrong_key(p)}).headers["Location"]).get_data(as_text=True)
    assert "✗ 回答错误" in feedback and "正确答案" in feedback and p.text(p.answer) in feedback
    assert db.session.execute(db.select(Response.score)).scalar_one() == 0


def test_multiple_choice_partial_credit_is_shown(learner):
    url = start(learner, qtype="多选")
    html, q = current(learner, url)
    feedback = learner.get(submit(learner, url, html, q, {"choice": [q.payload.answer[0]]}).headers["Location"])
    text = feedback.get_data(as_text=True)
    assert "部分正确" in text and "漏选" in text


def test_order_steps_are_shown_shuffled_and_the_same_on_reload(learner):
    url = start(learner, qtype="排序")
    html, q = current(learner, url)
    shown = re.findall(r'data-step="([a-z0-9-]+)"', html)
    assert sorted(shown) == sorted(q.payload.answer) and shown != q.payload.answer
    assert re.findall(r'data-step="([a-z0-9-]+)"', learner.get(url).get_data(as_text=True)) == shown


def test_options_are_shuffled_per_set_and_the_letters_in_the_explanation_follow(learner, monkeypatch):
    url = start(learner, qtype="单选")
    html, q = current(learner, url)
    shown = re.findall(r'name="choice" value="([a-z0-9-]+)"', html)
    assert sorted(shown) == sorted(q.payload.keys("options"))
    feedback = learner.get(submit(learner, url, html, q, right_response(q)).headers["Location"]).get_data(as_text=True)
    letter = "ABCDEFGH"[shown.index(q.payload.answer)]
    assert f"<strong>{letter}</strong>" in feedback or f"{letter}. {q.payload.text(q.payload.answer)}" in feedback
    assert "{" + q.payload.answer + "}" not in feedback  # option references are rendered as letters


@pytest.mark.parametrize("qtype,fields,message", [
    ("单选", {}, "请先选择一个选项"),
    ("单选", {"choice": "zz"}, "选项“zz”不存在"),
    ("单选", {"choice": "0"}, "选项“0”不存在"),
    ("多选", {}, "请至少选择一个选项"),
    ("多选", {"choice": ["a", "a"]}, "同一个选项选了两次"),
    ("判断", {"choice": "maybe"}, "请选择 对 或 错"),
    ("排序", {"rank-s1": "1", "rank-s2": "1", "rank-s3": "2", "rank-s4": "3", "rank-s5": "4", "rank-s6": "5"},
     "每个位置只能放一个步骤"),
    ("排序", {"rank-s1": "²"}, "请为每个步骤选好位置"),
    ("匹配", {"cat-i1": "c1"}, "请为每一项选择类别"),
])
def test_bad_responses_are_refused_with_a_message_and_nothing_stored(learner, qtype, fields, message):
    url = start(learner, qtype=qtype)
    html, q = current(learner, url)
    response = submit(learner, url, html, q, fields)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert count(Response) == 0


def test_match_with_an_unknown_category_key_is_refused(learner):
    url = start(learner, qtype="匹配")
    html, q = current(learner, url)
    fields = right_fields(q.payload)
    fields[next(iter(fields))] = "nope"
    response = submit(learner, url, html, q, fields)
    assert response.status_code == 400 and "类别“nope”不存在" in response.get_data(as_text=True)
    assert count(Response) == 0


def test_resubmitting_an_answered_question_shows_the_first_answer(learner):
    url = start(learner, qtype="单选")
    html, q = current(learner, url)
    first = submit(learner, url, html, q, right_response(q))
    again = submit(learner, url, html, q, {"choice": wrong_key(q.payload)})
    assert again.status_code == 302 and again.headers["Location"] == first.headers["Location"]
    assert count(Response) == 1 and db.session.execute(db.select(Response.score)).scalar_one() == 1.0
    ps = db.session.get(PracticeSession, int(url.rsplit("/", 1)[1]))
    assert ps.position == 1  # advanced once


def test_going_back_shows_the_answer_given_and_moving_on_works(learner):
    url = start(learner, area="plan")
    html, q = current(learner, url)
    result_url = submit(learner, url, html, q, right_response(q)).headers["Location"]
    token = csrf_from(html)
    learner.post(url + "/move", data={"csrf_token": token, "to": "prev"})
    back = learner.get(url)
    assert back.status_code == 302 and back.headers["Location"] == result_url
    page = learner.get(result_url).get_data(as_text=True)
    assert 'value="next"' in page  # a step forward, not a link back to this page
    learner.post(url + "/move", data={"csrf_token": token, "to": "next"})
    _, q2 = current(learner, url)
    assert q2.id != q.id


def test_starting_again_opens_a_new_round(learner):
    url = start(learner, area="plan")
    html, q = current(learner, url)
    submit(learner, url, html, q, right_response(q))
    learner.post(url + "/move", data={"csrf_token": csrf_from(html), "to": "restart"})
    html, again = current(learner, url)
    assert again.id == q.id
    submit(learner, url, html, q, {"choice": "false"} if q.qtype == "判断" else right_response(q))
    rounds = db.session.execute(db.select(Response.round).order_by(Response.id)).scalars().all()
    assert rounds == [0, 1]


def test_a_forged_version_is_refused(learner):
    url = start(learner, qtype="判断")
    html, q = current(learner, url)
    other = db.session.execute(db.select(Question).where(Question.id != q.id)).scalars().first()
    html = html.replace(f'name="version_id" value="{q.version_id}"', f'name="version_id" value="{other.version_id}"')
    response = submit(learner, url, html, q, right_response(q))
    assert response.status_code == 400 and "版本" in response.get_data(as_text=True) and count(Response) == 0


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
    for _ in range(2):  # starring twice is still one star
        learner.post(f"/practice/star/{q.id}", data={"csrf_token": csrf_from(html), "next": url, "on": "1"})
    assert count(Star) == 1
    starred_url = start(learner, starred="y")
    _, only = current(learner, starred_url)
    assert only.id == q.id
    for _ in range(2):
        learner.post(f"/practice/star/{q.id}", data={"csrf_token": csrf_from(html), "next": url, "on": "0"})
    assert count(Star) == 0


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


def test_memorize_mode_shows_every_option_with_the_key_marked(learner):
    url = start(learner, memorize="y", qtype="单选")
    html = learner.get(url).get_data(as_text=True)
    from training.models import Question
    q = next(q for q in db.session.execute(db.select(Question).where(Question.qtype == "单选")).scalars()
             if q.payload.title and q.payload.stem_html in html)
    for option in q.payload.options:
        assert option.text in html  # the distractors too
    assert html.count("✓ 正确答案") == 1


def test_recent_sets_name_the_area_not_its_id(learner):
    start(learner, area="complaint")
    html = learner.get("/practice/").get_data(as_text=True)
    assert "客户投诉处理" in html and ">complaint" not in html


def test_the_chooser_knows_the_area_of_each_knowledge_point(learner, loaded):
    page = learner.get("/practice/?area=plan").get_data(as_text=True)
    topic = next(t for t in loaded.topics if t.area == "plan")
    assert re.search(rf'<option data-area="plan" value="{topic.id}">', page) or \
        re.search(rf'<option value="{topic.id}" data-area="plan"', page)
    assert '<option selected value="plan">' in page or 'value="plan" selected' in page
    assert "js/choose.js" in page
