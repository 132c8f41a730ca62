"""History survives edits: answer every kind of item, edit the content, reload, reopen every old result.

Each edit is what an author really does: reorder options, remove the very option a learner chose,
add options, steps, items, categories and key points, remove key points, even flip a 判断 key.
Every page that shows an old answer must still open, show what was answered on the version it
was answered on, keep the grade given then, and say that the item has changed since.
"""
from __future__ import annotations

import copy
import re

import pytest

from training.content.sync import sync_content
from training.extensions import db
from training.grading.drawing import PaperSection
from training.models import ExamAttempt, ItemVersion, PaperBlueprint, Question, Response

from support import csrf_from, right_fields, wrong_key

TYPES = ("单选", "多选", "判断", "排序", "匹配")


def pick(content, qtype):
    return next(q for q in content.questions if q.qtype == qtype)


def edit_everything(content, question_ids: set[str], case_ids: set[str], chosen: dict[str, str]):
    """A copy of content where the given questions and cases are edited as an author might."""
    edited = copy.deepcopy(content)
    for q in edited.questions:
        if q.id not in question_ids:
            continue
        if q.qtype in ("单选", "多选"):
            options = q.data["options"]
            gone = chosen.get(q.id) or next(o["key"] for o in options if o["key"] not in q.answer)
            if gone in (q.answer if isinstance(q.answer, list) else [q.answer]):
                gone = next(o["key"] for o in options if o["key"] not in q.answer)
            options = [o for o in reversed(options) if o["key"] != gone] + [{"key": "new", "text": "新增的干扰项"}]
            q.data = {"options": options}
        elif q.qtype == "判断":
            q.answer = not q.answer  # the key was wrong: a new version, old answers keep their grade
        elif q.qtype == "排序":
            steps = q.data["steps"][1:] + [{"key": "s-new", "text": "新增的最后一步"}]
            q.data, q.answer = {"steps": steps}, [s["key"] for s in steps]
        elif q.qtype == "匹配":
            items = q.data["items"][1:]
            q.data = {"items": items, "categories": q.data["categories"] + [{"key": "c-new", "text": "新增类别"}]}
            q.answer = {i["key"]: q.answer[i["key"]] for i in items}
        q.explanation_html += "<p>（修订）</p>"
    for c in edited.cases:
        if c.id in case_ids:
            first, *rest = c.key_points
            added = copy.deepcopy(first)
            added.key, added.label = "added", "新增的要点"
            c.key_points = list(reversed(rest)) + [added]
            c.followups = [f for f in c.followups if f.target != first.key]
    return edited


def practice_answer(client, qtype, fields_of):
    token = csrf_from(client.get("/practice/").get_data(as_text=True))
    url = client.post("/practice/start", data={"area": "", "topic": "", "qtype": qtype, "difficulty": "",
                                               "order": "seq", "csrf_token": token}).headers["Location"]
    html = client.get(url).get_data(as_text=True)
    qid = re.search(r'name="question_id" value="([^"]+)"', html).group(1)
    version = re.search(r'name="version_id" value="(\d+)"', html).group(1)
    q = db.session.get(Question, qid)
    r = client.post(url + "/answer", data={"csrf_token": csrf_from(html), "question_id": qid, "version_id": version,
                                           "started": "0", **fields_of(q.payload)})
    assert r.status_code == 302
    return q, r.headers["Location"]


@pytest.fixture
def learner(as_role, loaded):
    return as_role("candidate")


def test_practice_results_of_every_type_survive_every_edit(learner, loaded):
    answered = {}
    for qtype in TYPES:
        # a wrong answer to choice questions, so the chosen option is the one that will be removed
        fields = (lambda p: {"choice": wrong_key(p)}) if qtype == "单选" else right_fields
        q, url = practice_answer(learner, qtype, fields)
        before = learner.get(url).get_data(as_text=True)
        row = db.session.execute(db.select(Response).where(Response.question_id == q.id)).scalar_one()
        answered[q.id] = (url, before, row.score, row.answer, q.payload)
    chosen = {qid: a[3] for qid, a in answered.items() if isinstance(a[3], str)}
    sync_content(db.session, edit_everything(loaded, set(answered), set(), chosen))
    db.session.commit()
    for qid, (url, before, score, answer, payload) in answered.items():
        page = learner.get(url)
        html = page.get_data(as_text=True)
        assert page.status_code == 200, (qid, html[:300])
        assert "此题已更新" in html, qid
        assert db.session.get(Question, qid).version_id != db.session.execute(
            db.select(Response.version_id).where(Response.question_id == qid)).scalar_one()
        row = db.session.execute(db.select(Response).where(Response.question_id == qid)).scalar_one()
        assert (row.score, row.answer) == (score, answer)  # never re-graded
        verdict = re.search(r'<p class="verdict[^>]*>\s*(.*?)\s*</p>', before, re.S).group(1)
        assert verdict in html
        for part in payload.options + payload.steps + payload.items:
            assert part.text in html, (qid, part.text)  # the version answered, removed parts included
        assert "新增的干扰项" not in html and "新增的最后一步" not in html and "（修订）" not in html


def theory_blueprint():
    db.session.add(PaperBlueprint(
        id="t-all", title="五种题型", paper="理论知识", time_limit=30, pass_mark=60, source_path="t", source_line=1,
        position=0, retired=False, fingerprint="t", intro_html="",
        sections=[PaperSection(t, 1, 20) for t in TYPES]))
    db.session.commit()


def start_paper(client, blueprint="t-all"):
    token = csrf_from(client.get("/mock/").get_data(as_text=True))
    url = client.post(f"/mock/start/{blueprint}", data={"csrf_token": token}).headers["Location"]
    page = client.get(url).get_data(as_text=True)
    attempt = db.session.get(ExamAttempt, int(url.rsplit("/", 1)[1]))
    return url, page, attempt


def answer_paper(client, url, page, attempt):
    for i, item in enumerate(attempt.items):
        q = db.session.get(ItemVersion, item.version_id).question
        fields = {f"i{i}-choice": wrong_key(q)} if q.qtype == "单选" else right_fields(q, prefix=f"i{i}-")
        r = client.post(url + "/save", data={"csrf_token": csrf_from(page), "index": str(i), **fields},
                        headers={"Accept": "application/json"})
        assert r.status_code == 200, r.get_data(as_text=True)


def test_an_open_paper_whose_questions_changed_is_handed_in_on_the_drawn_versions(learner, loaded):
    theory_blueprint()
    done_url, done_page, done = start_paper(learner)
    answer_paper(learner, done_url, done_page, done)
    learner.post(done_url + "/submit", data={"csrf_token": csrf_from(done_page)})
    report_before = learner.get(done_url + "/report").get_data(as_text=True)
    points_before = db.session.get(ExamAttempt, done.id).points
    assert points_before == 80  # the 单选 answered wrong on purpose
    ids = {i.id for i in done.items}
    chosen = {r.question_id: r.answer for r in db.session.execute(db.select(Response)).scalars()
              if isinstance(r.answer, str)}
    # a second paper with the same questions, left open while the content changes under it
    open_url, open_page, open_attempt = start_paper(learner)
    # the same questions as the first paper, for a sharp test (a new list: JSON values are replaced, not mutated)
    open_attempt.items = [next(d for d in done.items if d.qtype == item.qtype) for item in open_attempt.items]
    db.session.commit()
    answer_paper(learner, open_url, learner.get(open_url).get_data(as_text=True), open_attempt)
    sync_content(db.session, edit_everything(loaded, ids, set(), chosen))
    db.session.commit()
    page = learner.get(open_url).get_data(as_text=True)
    assert "新增的干扰项" not in page  # still the drawn version while sitting the paper
    handed = learner.post(open_url + "/submit", data={"csrf_token": csrf_from(page)})
    assert handed.status_code == 302
    db.session.expire_all()
    assert db.session.get(ExamAttempt, open_attempt.id).points == 80
    for url, attempt_id in ((done_url, done.id), (open_url, open_attempt.id)):
        report = learner.get(url + "/report")
        html = report.get_data(as_text=True)
        assert report.status_code == 200, html[:300]
        assert "此题已更新" in html and "在你考试之后更新过" in html, html[html.find("<main"):][:3000]
        assert "新增的干扰项" not in html and "（修订）" not in html
        assert db.session.get(ExamAttempt, attempt_id).points == points_before
    assert "80 / 100 分" in report_before


DEFENSE_CASE = "case-complaint-yoghurt-fly"
ANSWER = "先请顾客坐下，耐心倾听，真诚道歉；当面核实并封存剩余酸奶留作证据；按规定退货并补偿，事后回访。"


def test_defense_and_written_answers_survive_key_point_edits(learner, loaded):
    token = csrf_from(learner.get("/defense/").get_data(as_text=True))
    url = learner.post("/defense/start", data={"count": "1", "prep_minutes": "0", "answer_minutes": "5",
                                               "case": DEFENSE_CASE, "csrf_token": token}).headers["Location"]
    learner.post(url + "/begin", data={"csrf_token": token})
    page = learner.get(url).get_data(as_text=True)
    aid = re.search(r'name="answer_id" value="(\d+)"', page).group(1)
    review_url = learner.post(url + "/answer", data={"csrf_token": token, "answer_id": aid, "text": ANSWER}).headers["Location"]
    row = db.session.get(Response, int(aid))
    points = row.version.case.key_points
    learner.post(review_url + "/confirm", data={"csrf_token": token, "covered": [p.key for p in points[:2]]})
    db.session.expire_all()
    score = int(db.session.get(Response, int(aid)).points)
    assert score == points[0].weight + points[1].weight
    sync_content(db.session, edit_everything(loaded, set(), {DEFENSE_CASE}, {}))
    db.session.commit()
    for page_url in (review_url, "/defense/history", url, "/defense/"):
        page = learner.get(page_url, follow_redirects=True)
        assert page.status_code == 200, page_url
    html = learner.get(review_url).get_data(as_text=True)
    assert "此题已更新" in html and f"得分 {score} / 100" in html
    assert all(p.label in html for p in points) and "新增的要点" not in html
    assert f"得分 {score}" in learner.get("/defense/history").get_data(as_text=True)
    # confirming again grades against the version answered, with its keys
    learner.post(review_url + "/confirm", data={"csrf_token": token, "covered": [points[0].key]})
    db.session.expire_all()
    assert db.session.get(Response, int(aid)).points == points[0].weight
    refused = learner.post(review_url + "/confirm", data={"csrf_token": token, "covered": ["added"]})
    assert refused.status_code == 400  # a key point of the new version is not one of this answer's


def test_a_written_exam_answer_survives_key_point_edits(learner, loaded):
    db.session.add(PaperBlueprint(
        id="t-written", title="案例小测", paper="专业能力", time_limit=60, pass_mark=60, source_path="t", source_line=1,
        position=0, retired=False, fingerprint="t", intro_html="",
        sections=[PaperSection("案例分析", 1)]))
    db.session.commit()
    url, page, attempt = start_paper(learner, "t-written")
    case = db.session.get(ItemVersion, attempt.items[0].version_id).case
    learner.post(url + "/save", data={"csrf_token": csrf_from(page), "index": "0", "i0-text": ANSWER})
    learner.post(url + "/submit", data={"csrf_token": csrf_from(page)})
    first = case.key_points[0]
    learner.post(url + "/confirm/0", data={"csrf_token": csrf_from(page), "covered": [first.key]})
    db.session.expire_all()
    assert db.session.get(ExamAttempt, attempt.id).points == first.weight
    sync_content(db.session, edit_everything(loaded, set(), {attempt.items[0].id}, {}))
    db.session.commit()
    html = learner.get(url + "/report").get_data(as_text=True)
    assert "此题已更新" in html and first.label in html and "新增的要点" not in html
    assert f"{first.weight} / 100 分" in html
    assert re.search(rf'value="{first.key}" checked', html)  # the confirmation given, on the version answered


def test_regrading_is_explicit_and_keeps_both_grades(learner, loaded, runner):
    from training.models import Regrade
    q, url = practice_answer(learner, "判断", right_fields)
    row = db.session.execute(db.select(Response)).scalar_one()
    assert row.score == 1.0
    edited = edit_everything(loaded, {q.id}, set(), {})  # the 判断 key is flipped: the old key "was wrong"
    sync_content(db.session, edited)
    db.session.commit()
    assert db.session.get(Response, row.id).score == 1.0  # a new version changes no old grade by itself
    dry = runner.invoke(args=["content", "regrade", q.id, "--reason", "原答案有误", "--dry-run"])
    assert "将按" in dry.output and "得分变化 1 条" in dry.output
    assert db.session.execute(db.select(db.func.count()).select_from(Regrade)).scalar_one() == 0
    done = runner.invoke(args=["content", "regrade", q.id, "--reason", "原答案有误"])
    assert done.exit_code == 0 and "练习 1 条" in done.output, done.output
    db.session.expire_all()
    row = db.session.get(Response, row.id)
    (g,) = db.session.execute(db.select(Regrade)).scalars().all()
    assert (g.old_score, g.new_score, g.reason) == (1.0, 0.0, "原答案有误")
    assert row.score == 0.0 and row.version_id == db.session.get(Question, q.id).version_id
    page = learner.get(url).get_data(as_text=True)
    assert "已按更新后的题目重新评分" in page and "原来得 100%，现在得 0%" in page
    again = runner.invoke(args=["content", "regrade", q.id, "--reason", "再来一次"])
    assert "已是当前版本 1 条" in again.output  # nothing is graded twice
    assert runner.invoke(args=["content", "regrade", "no-such-q", "--reason", "x"]).exit_code != 0


def test_an_answer_that_names_a_removed_option_cannot_be_regraded(learner, loaded, runner):
    q, _ = practice_answer(learner, "单选", lambda p: {"choice": wrong_key(p)})
    row = db.session.execute(db.select(Response)).scalar_one()
    sync_content(db.session, edit_everything(loaded, {q.id}, set(), {q.id: row.answer}))
    db.session.commit()
    out = runner.invoke(args=["content", "regrade", q.id, "--reason", "改题"]).output
    assert "无法重新评分 1 条" in out
    db.session.expire_all()
    assert db.session.get(Response, row.id).version_id == row.version_id


def test_regrading_a_paper_question_updates_the_paper_total(learner, loaded, runner):
    theory_blueprint()
    url, page, attempt = start_paper(learner)
    answer_paper(learner, url, page, attempt)
    learner.post(url + "/submit", data={"csrf_token": csrf_from(page)})
    judge = next(i for i in attempt.items if i.qtype == "判断")
    sync_content(db.session, edit_everything(loaded, {judge.id}, set(), {}))
    db.session.commit()
    assert runner.invoke(args=["content", "regrade", judge.id, "--reason", "原答案有误"]).exit_code == 0
    db.session.expire_all()
    assert db.session.get(ExamAttempt, attempt.id).points == 60  # 80 less the 判断's 20 points
    assert "已重新评分：原 20 分（原答案有误）" in learner.get(url + "/report").get_data(as_text=True)
