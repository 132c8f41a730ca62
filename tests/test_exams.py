"""模拟考试: drawing, autosave and resume, deadline enforced on the server, marking, review."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from training.extensions import db
from training.grading.drawing import PaperSection
from training.models import ExamAttempt, ItemVersion, PaperBlueprint, Response
from training.models.base import utcnow

from support import csrf_from, right_fields as fields_for


@pytest.fixture
def papers(loaded):
    """Small blueprints the shipped content can always satisfy."""
    common = dict(source_path="t", source_line=1, position=0, retired=False, fingerprint="t", intro_html="")
    db.session.add_all([
        PaperBlueprint(id="t-theory", title="理论小测", paper="理论知识", time_limit=30, pass_mark=60,
                  sections=[PaperSection("判断", 2, 20), PaperSection("多选", 3, 20)], **common),
        PaperBlueprint(id="t-skills", title="能力小测", paper="专业能力", time_limit=60, pass_mark=60,
                  sections=[PaperSection("案例分析", 1)], **common),
    ])
    db.session.commit()


@pytest.fixture
def candidate(as_role, papers):
    return as_role("candidate")


def start(client, bp="t-theory"):
    token = csrf_from(client.get("/mock/").get_data(as_text=True))
    r = client.post(f"/mock/start/{bp}", data={"csrf_token": token})
    assert r.status_code == 302, r.get_data(as_text=True)[:300]
    url = r.headers["Location"]
    return url, client.get(url).get_data(as_text=True)


def attempt_of(url) -> ExamAttempt:
    db.session.expire_all()
    return db.session.get(ExamAttempt, int(re.search(r"/a/(\d+)", url).group(1)))


def right_fields(i: int, item) -> dict:
    return fields_for(db.session.get(ItemVersion, item.version_id).question, prefix=f"i{i}-")


def count_responses() -> int:
    return db.session.execute(db.select(db.func.count()).select_from(Response)).scalar_one()


def save(client, url, page, i, fields):
    return client.post(url + "/save", data={"csrf_token": csrf_from(page), "index": str(i), **fields},
                       headers={"Accept": "application/json"})


def test_paper_is_drawn_by_the_blueprint_and_resumed(candidate):
    url, page = start(candidate)
    attempt = attempt_of(url)
    assert [i.qtype for i in attempt.items].count("判断") == 2 and len(attempt.items) == 5
    assert all(i.version_id for i in attempt.items)
    remaining = int(re.search(r'data-countdown="(\d+)"', page).group(1))
    assert "剩余时间" in page and 1790 <= remaining <= 1800
    again, _ = start(candidate)
    assert again == url  # the unfinished paper, not a new one


def test_answers_are_saved_one_by_one_and_survive_a_reload(candidate):
    url, page = start(candidate)
    attempt = attempt_of(url)
    r = save(candidate, url, page, 0, right_fields(0, attempt.items[0]))
    assert r.status_code == 200 and r.get_json()["saved"] is True
    reloaded = candidate.get(url).get_data(as_text=True)
    assert "已保存" in reloaded and re.search(r'name="i0-choice" value="[\w-]+" checked', reloaded)
    row = db.session.execute(db.select(Response)).scalar_one()
    assert (row.context, row.exam_attempt_id, row.slot, row.version_id) == ("exam", attempt.id, 0, attempt.items[0].version_id)
    assert save(candidate, url, page, 0, right_fields(0, attempt.items[0])).status_code == 200
    assert count_responses() == 1  # a second save overwrites


def test_marking_by_exam_rules_and_report(candidate):
    url, page = start(candidate)
    attempt = attempt_of(url)
    fields = {}
    for i, item in enumerate(attempt.items):
        fields.update(right_fields(i, item))
    multi = next(i for i, it in enumerate(attempt.items) if it.qtype == "多选")
    q = db.session.get(ItemVersion, attempt.items[multi].version_id).question
    fields[f"i{multi}-choice"] = [q.answer[0]]  # one right option missed: nothing in the exam
    r = candidate.post(url + "/submit", data={"csrf_token": csrf_from(page), **fields})
    report = candidate.get(r.headers["Location"]).get_data(as_text=True)
    attempt = attempt_of(url)
    assert attempt.points == 80 and "80 / 100 分" in report and "达到 60 分及格线" in report
    assert "按领域" in report and "按题型" in report and "正确答案与解析" in report
    assert candidate.post(url + "/submit", data={"csrf_token": csrf_from(page)}).status_code == 302
    assert attempt_of(url).points == 80  # handing in twice counts once
    rows = db.session.execute(db.select(Response).order_by(Response.slot)).scalars().all()
    assert len(rows) == 5 and [r.points for r in rows].count(0) == 1 and all(r.graded_at for r in rows)
    assert save(candidate, url, page, 0, right_fields(0, attempt.items[0])).status_code == 409
    only = candidate.get(r.headers["Location"] + "?only=missed").get_data(as_text=True)
    assert "只看错题（1 题）" in only and only.count('class="doc exam-item"') == 1 and f'id="item-{multi}"' in only


def test_the_server_hands_the_paper_in_at_the_deadline(candidate):
    url, page = start(candidate)
    attempt = attempt_of(url)
    save(candidate, url, page, 0, right_fields(0, attempt.items[0]))
    attempt.deadline_at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    assert save(candidate, url, page, 1, right_fields(1, attempt.items[1])).status_code == 409
    report = candidate.get(url, follow_redirects=True).get_data(as_text=True)
    attempt = attempt_of(url)
    assert attempt.auto_submitted and attempt.points == 20 and "到时自动交卷" in report


MULTI = 2  # the t-theory paper: items 0–1 are 判断, 2–4 多选


@pytest.mark.parametrize("index,fields,status,message", [
    ("99", {}, 400, "不在这份试卷里"), ("x", {}, 400, "不在这份试卷里"), ("²", {}, 400, "不在这份试卷里"),
    ("99999999999999999999", {}, 400, "不在这份试卷里"),
    ("0", {"i0-choice": "maybe"}, 400, "请选择 对 或 错"),
    ("0", {}, 400, "请选择 对 或 错"),
    (str(MULTI), {f"i{MULTI}-choice": "7"}, 400, "选项“7”不存在"),
    (str(MULTI), {f"i{MULTI}-choice": ["a", "a"]}, 400, "同一个选项选了两次"),
    (str(MULTI), {f"i{MULTI}-choice": "zz"}, 400, "选项“zz”不存在"),
])
def test_invalid_autosaves_are_refused_and_nothing_is_stored(candidate, index, fields, status, message):
    url, page = start(candidate)
    assert attempt_of(url).items[MULTI].qtype == "多选"
    r = candidate.post(url + "/save", data={"csrf_token": csrf_from(page), "index": index, **fields},
                       headers={"Accept": "application/json"})
    assert r.status_code == status and message in r.get_json()["message"]
    assert count_responses() == 0
    r = candidate.post(url + "/submit", data={"csrf_token": csrf_from(page)})
    assert r.status_code == 302 and candidate.get(r.headers["Location"]).status_code == 200


def test_other_users_paper_is_forbidden(candidate, as_role):
    url, page = start(candidate)
    other = as_role("instructor")
    assert other.get(url).status_code == 403
    assert candidate.get("/mock/a/999999").status_code == 404


def test_written_paper_graded_by_confirmed_key_points(candidate):
    url, page = start(candidate, "t-skills")
    attempt = attempt_of(url)
    case = db.session.get(ItemVersion, attempt.items[0].version_id).case
    too_long = save(candidate, url, page, 0, {"i0-text": "长" * 5001})
    assert too_long.status_code == 413
    text = "；".join(p.label for p in case.key_points)
    assert save(candidate, url, page, 0, {"i0-text": text}).status_code == 200
    r = candidate.post(url + "/submit", data={"csrf_token": csrf_from(page)})
    report = candidate.get(r.headers["Location"]).get_data(as_text=True)
    assert "对照参考要点" in report and "还有 1 道主观题" in report
    assert "待确认" in report and "未达到" not in report  # no red verdict before the marks exist
    first, second = case.key_points[0], case.key_points[1]
    candidate.post(url + "/confirm/0", data={"csrf_token": csrf_from(report), "covered": [first.key, second.key]})
    attempt = attempt_of(url)
    assert attempt.points == pytest.approx(first.weight + second.weight)
    assert "分及格线" in candidate.get(r.headers["Location"]).get_data(as_text=True)  # now a verdict
    row = db.session.execute(db.select(Response)).scalar_one()
    confirmed = {k.point_key: k.confirmed for k in row.keypoints}
    assert confirmed == {p.key: p.key in (first.key, second.key) for p in case.key_points}
    assert row.score == pytest.approx((first.weight + second.weight) / 100)
    bad = candidate.post(url + "/confirm/0", data={"csrf_token": csrf_from(report), "covered": ["42"]})
    assert bad.status_code == 400


def test_the_written_report_names_a_misconception_the_answer_repeats(candidate):
    url, page = start(candidate, "t-skills")
    attempt = attempt_of(url)
    case = db.session.get(ItemVersion, attempt.items[0].version_id).case
    point = next(p for p in case.key_points if p.misconceptions)
    wrong = point.misconceptions[0]
    said = "，".join(wrong["wordings"][0].split("…"))
    assert save(candidate, url, page, 0, {"i0-text": f"我认为{said}。"}).status_code == 200
    r = candidate.post(url + "/submit", data={"csrf_token": csrf_from(page)})
    report = candidate.get(r.headers["Location"]).get_data(as_text=True)
    assert f'<mark class="wrong">{said}</mark>' in report
    assert f"你写的“{said}”，正是常见误区“{wrong['says']}”" in report


def test_the_shipped_theory_paper_looks_like_a_real_one(as_role, loaded):
    """职业道德 first, 单项选择题 numbered 1–60 at 1 point, then 多项选择题 61–80 at 2 points; no 判断."""
    client = as_role("candidate")
    url, page = start(client, "exam-theory")
    attempt = attempt_of(url)
    assert [it.area for it in attempt.items[:8]] == ["ethics"] * 8
    assert [it.qtype for it in attempt.items] == ["单选"] * 60 + ["多选"] * 20
    assert "ethics" not in {it.area for it in attempt.items[8:]}
    assert "一、单项选择题<small>（第1题～第60题。选择一个正确的答案。每题1分，共60分。）" in page
    assert "二、多项选择题<small>（第61题～第80题。" in page and "每题2分，共40分。" in page
    assert page.index('<h3 class="paper-part">职业道德</h3>') < page.index('id="item-0"')
