"""模拟答辩: draw, prepare, answer, confirm key points, score, 追问, history, bad input."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from training.extensions import db
from training.models import DefenseSession, Response
from training.models.base import utcnow

from support import csrf_from

CASE = "case-plan-write-service-plan"
GOOD = ("计划就是事先定好的做法、步骤和措施，写成书面文件。计划有指导作用、推动作用、保证与监督作用。"
        "计划书包括标题、前言、主体和结尾，最后是落款和日期。主体写目标和任务、方法和措施、步骤和时间安排；"
        "结尾写检查和考核办法、奖惩办法，对大家提出希望。")


@pytest.fixture
def candidate(as_role, loaded):
    return as_role("candidate")


def begin(client, case=CASE, count="1"):
    token = csrf_from(client.get("/defense/").get_data(as_text=True))
    r = client.post("/defense/start", data={"count": count, "prep_minutes": "1", "answer_minutes": "3",
                                             "case": case, "csrf_token": token})
    assert r.status_code == 302, r.get_data(as_text=True)[:400]
    url = r.headers["Location"]
    page = client.get(url).get_data(as_text=True)
    assert "准备时间" in page
    client.post(url + "/begin", data={"csrf_token": csrf_from(page)})
    page = client.get(url).get_data(as_text=True)
    answer_id = re.search(r'name="answer_id" value="(\d+)"', page).group(1)
    return url, page, answer_id


def answer_row(aid) -> Response:
    db.session.expire_all()
    return db.session.get(Response, int(aid))


def suggested(row: Response) -> dict[str, bool]:
    return {k.point_key: k.suggested for k in row.keypoints}


def send(client, url, page, answer_id, text):
    return client.post(url + "/answer", data={"csrf_token": csrf_from(page), "answer_id": answer_id, "text": text})


def test_full_rehearsal_from_draw_to_score(candidate):
    url, page, aid = begin(candidate)
    remaining = int(re.search(r'data-countdown="(\d+)"', page).group(1))
    assert "作答剩余" in page and 170 <= remaining <= 180  # 3 minutes, as the server counts them
    review_url = send(candidate, url, page, aid, GOOD).headers["Location"]
    review = candidate.get(review_url).get_data(as_text=True)
    answer = answer_row(aid)
    points = answer.version.case.key_points
    assert answer.text == GOOD and not answer.overtime and answer.context == "defense"
    assert sum(suggested(answer).values()) >= 5  # a full answer: almost every point suggested
    assert review.count('name="covered"') == len(points) and "系统提示" in review
    # the candidate confirms all but the first point
    confirm = candidate.post(review_url + "/confirm", data={"csrf_token": csrf_from(review),
                                                            "covered": [p.key for p in points[1:]]})
    assert confirm.status_code == 302
    answer = answer_row(aid)
    score = 100 - points[0].weight
    assert answer.points == score and answer.score == pytest.approx(score / 100)
    assert {k.point_key: k.confirmed for k in answer.keypoints} == {p.key: p is not points[0] for p in points}
    result = candidate.get(review_url).get_data(as_text=True)
    assert f"得分 {score} / 100" in result, result[result.find("<main"):][:1500]
    assert "漏掉的要点" in result and points[0].label in result
    assert "考官追问" in result and answer.followup is not None
    follow = candidate.post(review_url + "/followup", data={"csrf_token": csrf_from(result),
                                                            "followup_text": "每月按考核指标检查，结果和奖惩挂钩，发现偏差及时调整。"})
    assert follow.status_code == 302
    answer = answer_row(aid)
    assert answer.followup.text and answer.followup.found
    candidate.post(review_url + "/followup", data={"csrf_token": csrf_from(result), "confirm": "yes"})
    assert answer_row(aid).followup.confirmed is True
    candidate.post(url + "/next", data={"csrf_token": csrf_from(result)})
    summary = candidate.get(url).get_data(as_text=True)
    assert "本场模拟答辩成绩" in summary and f"平均 {score} 分" in summary
    history = candidate.get("/defense/history").get_data(as_text=True)
    assert "撰写客户服务计划书" in history and f"得分 {score}" in history


def test_negated_answer_is_not_suggested(candidate):
    url, page, aid = begin(candidate, case="case-complaint-yoghurt-fly")
    send(candidate, url, page, aid, "我不会道歉，也没有必要安抚她，直接让她去找厂家。")
    answer = answer_row(aid)
    first = answer.keypoints[0]
    assert first.point_key == answer.version.case.key_points[0].key
    assert first.suggested is False and first.negated


def test_answer_over_the_limit_is_413_and_the_answer_stays_open(candidate):
    url, page, aid = begin(candidate)
    r = send(candidate, url, page, aid, "长" * 5001)
    assert r.status_code == 413 and "最多 5000 个字" in r.get_data(as_text=True)
    assert answer_row(aid).answered_at is None


def test_submitting_twice_counts_once(candidate):
    url, page, aid = begin(candidate)
    send(candidate, url, page, aid, GOOD)
    send(candidate, url, page, aid, "第二次的不同内容")
    row = answer_row(aid)
    assert row.text == GOOD and len(row.keypoints) == len(row.version.case.key_points)


def test_late_answers_are_kept_and_marked_overtime(candidate):
    url, page, aid = begin(candidate)
    answer = answer_row(aid)
    answer.started_at = utcnow() - timedelta(minutes=10)
    db.session.commit()
    send(candidate, url, page, aid, GOOD)
    answer = answer_row(aid)
    assert answer.overtime and answer.text == GOOD


def test_begin_twice_makes_one_answer(candidate):
    url, page, _ = begin(candidate)
    candidate.post(url + "/begin", data={"csrf_token": csrf_from(page)})
    assert db.session.execute(db.select(db.func.count()).select_from(Response)).scalar_one() == 1


def test_answer_for_another_slot_is_a_conflict(candidate):
    url, page, aid = begin(candidate)
    r = send(candidate, url, page, str(int(aid) + 1000), GOOD)
    assert r.status_code == 409


def test_confirming_an_unknown_point_is_400(candidate):
    url, page, aid = begin(candidate)
    review_url = send(candidate, url, page, aid, GOOD).headers["Location"]
    r = candidate.post(review_url + "/confirm", data={"csrf_token": csrf_from(page), "covered": ["p1", "p99"]})
    assert r.status_code == 400 and "所选的要点不存在" in r.get_data(as_text=True)


def test_other_users_rehearsal_is_forbidden(candidate, as_role):
    url, _, _ = begin(candidate)
    assert as_role("instructor").get(url).status_code == 403
    assert candidate.get("/defense/s/999999").status_code == 404


def test_random_draw_uses_defense_cases_only(candidate):
    token = csrf_from(candidate.get("/defense/").get_data(as_text=True))
    candidate.post("/defense/start", data={"count": "3", "prep_minutes": "0", "answer_minutes": "5", "case": "",
                                           "csrf_token": token})
    ds = db.session.execute(db.select(DefenseSession)).scalar_one()
    from training.models import Case
    kinds = {db.session.get(Case, cid).kind for cid in ds.case_ids}
    assert kinds == {"答辩"} and len(set(ds.case_ids)) == len(ds.case_ids)


@pytest.mark.parametrize("field,value,message", [
    ("count", "0", "题数应为 1–10"), ("answer_minutes", "99", "作答时间应为 1–30 分钟"), ("prep_minutes", "x", ""),
])
def test_setup_validation(candidate, field, value, message):
    token = csrf_from(candidate.get("/defense/").get_data(as_text=True))
    data = {"count": "3", "prep_minutes": "5", "answer_minutes": "5", "case": "", "csrf_token": token, field: value}
    r = candidate.post("/defense/start", data=data)
    assert r.status_code == 400 and message in r.get_data(as_text=True)


def test_the_review_explains_each_point_in_the_candidates_own_words(candidate):
    url, page, aid = begin(candidate)
    text = "计划就是事先定好的做法和步骤，写成书面文件。检查和奖惩办法没必要写进计划书。"
    review = candidate.get(send(candidate, url, page, aid, text).headers["Location"]).get_data(as_text=True)
    row = answer_row(aid)
    reasons = {k.point_key: k.reason for k in row.keypoints}
    assert reasons["p1"] == "covered" and reasons["p3"] == "none" and "opposite" in reasons.values(), reasons
    credited = [k for k in row.keypoints if k.suggested]
    assert credited and all(k.spans["found"] for k in credited)
    start, end = credited[0].spans["found"][0]
    assert f"<mark>{text[start:end]}</mark>" in review  # highlighted where the candidate wrote it
    assert "找到了相关表述" in review and "没有找到相关表述" in review and "与这个要点相反" in review


def test_an_answer_that_says_a_misconception_is_told_which_one(candidate, loaded):
    """A point whose 误区 the answer says is not suggested; the review quotes the candidate's words and names the
    misconception, as stored with the result (the examiner sees the same later)."""
    case = next(c for c in loaded.cases if c.id == CASE)
    point = next(p for p in case.key_points if p.misconceptions)
    wording, says = point.misconceptions[0]["wordings"][0], point.misconceptions[0]["says"]
    said = "，".join(wording.split("…"))
    url, page, aid = begin(candidate)
    review_url = send(candidate, url, page, aid, f"{GOOD}我认为{said}。").headers["Location"]
    row = next(k for k in answer_row(aid).keypoints if k.point_key == point.key)
    assert row.suggested is False and row.reason == "misconception"
    text = f"{GOOD}我认为{said}。"
    assert row.spans["misconception"] == {"wording": says, "said": said,
                                          "span": [text.index(said), text.index(said) + len(said)]}
    review = candidate.get(review_url).get_data(as_text=True)
    assert f"你写的“{said}”，正是常见误区“{says}”" in review
    assert f'<mark class="wrong">{said}</mark>' in review and "红色波浪线标出的是常见误区的说法" in review
