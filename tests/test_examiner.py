"""考官评分: a candidate sends a confirmed 答辩 or 专业能力 answer to a class; its instructor grades each key point.

The pure core (training/grading/examiner.py) is tested directly; the views per route and role, with bad
input, the candidate's record left untouched, the version answered after an edit, and the queue order.
"""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from training.content.sync import sync_content
from training.extensions import db
from training.grading.drawing import PaperSection
from training.grading.examiner import (
    OVERALL_COMMENT_MAX, POINT_COMMENT_MAX, PointMark, UnknownPoint, compare, examiner_score, read_examiner_form,
)
from training.grading.keypoints import weighted_score
from training.models import Case, ExamAttempt, ItemVersion, KeypointResult, PaperBlueprint, Response, Role
from training.models.base import utcnow
from training.models.examiner import PointGrade, Submission

from class_builders import add_member, defense_answer, make_class
from support import Auth, csrf_from, make_user
from test_history import edit_everything

CASE_ID = "case-complaint-yoghurt-fly"
POINTS = [{"key": "a", "label": "甲", "weight": 30}, {"key": "b", "label": "乙", "weight": 50},
          {"key": "c", "label": "丙", "weight": 20}]


# --- the pure core ----------------------------------------------------------------------------------------

def test_the_form_gives_every_point_a_mark_and_keeps_comments():
    form = read_examiner_form("abc", ["a", "c"], {"comment-a": "  说得好 ", "comment-b": "漏了\r\n补偿"}, " 总评 ")
    assert form.errors == {}
    assert form.marks == {"a": PointMark(True, "说得好"), "b": PointMark(False, "漏了\n补偿"), "c": PointMark(True, "")}
    assert form.comment == "总评"


@pytest.mark.parametrize("credited, fields", [
    (["zz"], {}),  # a point the version does not have
    (["a"], {"comment-zz": "评语"}),  # a comment on such a point
])
def test_unknown_points_are_refused(credited, fields):
    with pytest.raises(UnknownPoint) as exc:
        read_examiner_form(["a", "b"], credited, fields, "")
    assert str(exc.value) == "zz"


def test_too_long_comments_are_errors_beside_their_field_and_kept_as_typed():
    long_point, long_overall = "长" * (POINT_COMMENT_MAX + 1), "总" * (OVERALL_COMMENT_MAX + 1)
    form = read_examiner_form(["a", "b"], ["a"], {"comment-b": long_point}, long_overall)
    assert set(form.errors) == {"b", ""}
    assert f"最多 {POINT_COMMENT_MAX} 个字" in form.errors["b"] and f"现在是 {POINT_COMMENT_MAX + 1}" in form.errors["b"]
    assert form.marks["b"].comment == long_point  # nothing the examiner typed is lost
    ok = read_examiner_form(["a"], [], {"comment-a": "好" * POINT_COMMENT_MAX}, "总" * OVERALL_COMMENT_MAX)
    assert ok.errors == {}


def test_the_examiner_score_is_the_matcher_paths_weighted_rule():
    marks = {"a": PointMark(True), "b": PointMark(False), "c": PointMark(True)}
    assert examiner_score(POINTS, marks) == weighted_score(POINTS, [True, False, True]) == 50
    assert examiner_score(POINTS, {}) == 0


def test_compare_lines_up_three_verdicts_with_their_totals():
    cmp = compare(POINTS, {"a": True, "b": True, "c": False}, {"a": True, "b": True, "c": False},
                  {"a": PointMark(True, "好"), "b": PointMark(False, "没说补偿"), "c": PointMark(True)})
    assert (cmp.matcher_total, cmp.candidate_total, cmp.examiner_total) == (80, 80, 50)
    assert [r.disagrees for r in cmp.rows] == [False, True, True] and cmp.disagreements == 2
    assert cmp.rows[1].comment == "没说补偿"


def test_compare_before_grading_and_before_the_candidate_confirmed():
    cmp = compare(POINTS, {"a": True, "b": False, "c": False}, {"a": True, "b": None, "c": False}, None)
    assert cmp.examiner_total is None and cmp.candidate_total is None and cmp.matcher_total == 30
    assert all(r.examiner is None and not r.disagrees for r in cmp.rows)
    # a point graded before a mark existed for it counts as not credited, not as unknown
    assert compare(POINTS, {}, {}, {"a": PointMark(True)}).examiner_total == 30


# --- the scene ----------------------------------------------------------------------------------------------

def confirmed_answer(user, case: Case, covered: set[str], at=None) -> Response:
    """A rehearsed 答辩 answer, confirmed by the candidate: covered points credited, the score set as confirming does."""
    row = defense_answer(user, case, {p.key: p.key in covered for p in case.payload.key_points}, at=at)
    row.text = "先请顾客坐下，耐心倾听，真诚道歉；按规定退货并补偿。"
    row.points_possible = 100
    row.points = float(weighted_score(case.payload.points_as_dicts(), [p.key in covered for p in case.payload.key_points]))
    row.score, row.graded_at = row.points / 100, utcnow()
    db.session.commit()
    return row


@pytest.fixture
def scene(app, loaded, users):
    owner = users["instructor"]
    c = make_class(owner, name="答辩班")
    member = make_user(nickname="小张", username="member@test.local")
    add_member(c, member)
    case = db.session.get(Case, CASE_ID)
    keys = [p.key for p in case.payload.key_points]
    row = confirmed_answer(member, case, set(keys[:2]))
    other_class = make_class(make_user(Role.instructor, username="other-teacher@test.local", nickname="别的老师"),
                             name="别的班")
    return {"class": c, "member": member, "case": case, "keys": keys, "row": row, "owner": owner,
            "other_class": other_class, "users": users}


def login(app, username: str | None):
    client = app.test_client()
    if username is not None:
        assert Auth(client).login(username).status_code == 302
    return client


def review_url(row: Response) -> str:
    return f"/defense/s/{row.defense_session_id}/review/{row.id}"


def submit(client, row: Response, class_id, token=None):
    token = token or csrf_from(client.get(review_url(row)).get_data(as_text=True))
    data = {"csrf_token": token}
    if class_id is not None:
        data["class_id"] = str(class_id)
    return client.post(f"/examiner/submit/{row.id}", data=data)


def grade_url(sub_or_class, response_id=None) -> str:
    if isinstance(sub_or_class, Submission):
        return f"/examiner/{sub_or_class.class_id}/answers/{sub_or_class.response_id}"
    return f"/examiner/{sub_or_class}/answers/{response_id}"


def submitted(scene) -> Submission:
    sub = Submission(response_id=scene["row"].id, class_id=scene["class"].id, user_id=scene["member"].id)
    db.session.add(sub)
    db.session.commit()
    return sub


def grade(client, sub: Submission, credit: list[str], **fields):
    token = csrf_from(client.get(grade_url(sub)).get_data(as_text=True))
    return client.post(grade_url(sub), data={"csrf_token": token, "credit": credit, **fields})


# --- the candidate submits ------------------------------------------------------------------------------------

def test_a_member_submits_from_the_review_page_and_a_repeat_shows_the_first(app, scene):
    member = login(app, scene["member"].username)
    page = member.get(review_url(scene["row"])).get_data(as_text=True)
    assert "提交给老师评分" in page and f'name="class_id" value="{scene["class"].id}"' in page
    assert "答辩班" in page
    r = submit(member, scene["row"], scene["class"].id)
    assert r.status_code == 302 and r.headers["Location"].endswith(review_url(scene["row"]) + "#examiner")
    page = member.get(r.headers["Location"]).get_data(as_text=True)
    assert "已提交给班级“答辩班”的老师评分" in page and "待评" in page and "老师还没有评分" in page
    assert "提交给老师评分</button>" not in page  # nowhere left to send it
    again = submit(member, scene["row"], scene["class"].id, token=csrf_from(page))
    assert again.status_code == 302
    assert "已经提交给班级“答辩班”了（待评）" in member.get(again.headers["Location"]).get_data(as_text=True)
    assert db.session.execute(db.select(db.func.count(Submission.id))).scalar_one() == 1
    mine = member.get("/examiner/mine").get_data(as_text=True)
    assert "待评" in mine and scene["case"].title in mine and "答辩班" in mine


def test_no_button_without_a_class_and_a_choice_with_several(app, scene, users):
    loner = make_user(username="loner@test.local")
    row = confirmed_answer(loner, scene["case"], set())
    assert "提交给老师评分" not in login(app, loner.username).get(review_url(row)).get_data(as_text=True)
    second = make_class(scene["owner"], name="晚班")
    add_member(second, scene["member"])
    page = login(app, scene["member"].username).get(review_url(scene["row"])).get_data(as_text=True)
    assert re.search(r'<select id="ex-class-\d+" name="class_id">', page)
    assert f'<option value="{second.id}">晚班</option>' in page


def test_an_unconfirmed_answer_waits_for_the_candidates_confirmation(app, scene):
    row = defense_answer(scene["member"], scene["case"], {})  # the matcher's suggestions, nothing confirmed
    member = login(app, scene["member"].username)
    assert "提交给老师评分" not in member.get(review_url(row)).get_data(as_text=True)  # no score yet: no button
    r = submit(member, row, scene["class"].id, token=csrf_from(member.get(review_url(scene["row"])).get_data(as_text=True)))
    assert r.status_code == 409 and "请先对照参考要点确认并计分" in r.get_data(as_text=True)


@pytest.mark.parametrize("who, class_key, status, message", [
    ("member", None, 400, "请选择要提交给哪个班级"),
    ("member", "nonsense", 400, "请选择要提交给哪个班级"),
    ("member", 999999, 404, "没有这个班级"),
    ("member", "other_class", 403, "你不在这个班级里"),
    ("member", "archived", 409, "已归档"),
    ("candidate", "class", 403, "属于另一位考生"),
])
def test_bad_submissions_are_refused_in_chinese(app, scene, who, class_key, status, message):
    if class_key == "archived":
        scene["class"].archived_at = utcnow()
        db.session.commit()
        class_id = scene["class"].id
    elif class_key in ("class", "other_class"):
        class_id = scene[class_key].id
    else:
        class_id = class_key
    user = scene["member"] if who == "member" else scene["users"]["candidate"]
    client = login(app, user.username)
    token = csrf_from(client.get("/defense/").get_data(as_text=True))
    r = submit(client, scene["row"], class_id, token=token)
    assert r.status_code == status and message in r.get_data(as_text=True)
    assert db.session.execute(db.select(Submission)).first() is None


def test_submitting_needs_a_login_and_a_csrf_token(app, scene):
    guest = app.test_client().post(f"/examiner/submit/{scene['row'].id}", data={"class_id": scene["class"].id})
    assert guest.status_code == 302 and "/auth/login" in guest.headers["Location"]
    member = login(app, scene["member"].username)
    forged = member.post(f"/examiner/submit/{scene['row'].id}", data={"class_id": scene["class"].id})
    assert forged.status_code == 400 and "表单已失效" in forged.get_data(as_text=True)
    token = csrf_from(member.get("/defense/").get_data(as_text=True))
    unknown = member.post("/examiner/submit/999999", data={"csrf_token": token, "class_id": scene["class"].id})
    assert unknown.status_code == 404 and "没有找到这条记录" in unknown.get_data(as_text=True)


# --- who may open the queue and the grading page --------------------------------------------------------------

ROLE_USERS = {"guest": None, "candidate": "candidate", "member": "member", "other_instructor": "other",
              "owner": "instructor", "admin": "admin"}


def username_of(scene, role):
    if role == "guest":
        return None
    if role == "member":
        return scene["member"].username
    if role == "other_instructor":
        return "other-teacher@test.local"
    return scene["users"][ROLE_USERS[role]].username


@pytest.mark.parametrize("role, status", [("guest", 302), ("candidate", 403), ("member", 403),
                                          ("other_instructor", 403), ("owner", 200), ("admin", 200)])
def test_who_may_open_the_grading_page(app, scene, role, status):
    sub = submitted(scene)
    r = login(app, username_of(scene, role)).get(grade_url(sub))
    assert r.status_code == status
    html = r.get_data(as_text=True)
    if status == 200:
        assert "逐条评分" in html and scene["row"].text in html and "小张" in html
    elif status == 302:
        assert "/auth/login" in r.headers["Location"]
    else:
        assert scene["row"].text not in html and "没有权限" in html


@pytest.mark.parametrize("role, sees", [("other_instructor", False), ("owner", True), ("admin", True)])
def test_the_queue_shows_only_ones_own_classes(app, scene, role, sees):
    submitted(scene)
    html = login(app, username_of(scene, role)).get("/examiner/").get_data(as_text=True)
    assert ("小张" in html) is sees and ("待评（1）" in html) is sees


@pytest.mark.parametrize("role, status", [("guest", 302), ("candidate", 403), ("member", 403)])
def test_candidates_have_no_queue(app, scene, role, status):
    assert login(app, username_of(scene, role)).get("/examiner/").status_code == status


def test_another_instructor_cannot_grade_or_filter_by_a_foreign_class(app, scene):
    sub = submitted(scene)
    other = login(app, "other-teacher@test.local")
    token = csrf_from(other.get("/examiner/").get_data(as_text=True))
    r = other.post(grade_url(sub), data={"csrf_token": token, "credit": scene["keys"]})
    assert r.status_code == 403 and "另一位讲师" in r.get_data(as_text=True)
    assert other.get(f"/examiner/?class={scene['class'].id}").status_code == 403
    db.session.expire_all()
    assert db.session.get(Submission, sub.id).graded_at is None


@pytest.mark.parametrize("url, message", [
    ("/examiner/{c}/answers/{other_row}", "没有提交给这个班级评分"),  # an answer never submitted
    ("/examiner/999999/answers/{row}", "没有这个班级"),
    ("/examiner/?class=abc", "没有这个班级"),
])
def test_grading_what_was_not_submitted_is_not_found(app, scene, url, message):
    submitted(scene)
    other_row = confirmed_answer(scene["member"], scene["case"], set())
    owner = login(app, scene["owner"].username)
    r = owner.get(url.format(c=scene["class"].id, row=scene["row"].id, other_row=other_row.id))
    assert r.status_code == 404 and message in r.get_data(as_text=True)


def test_a_student_who_left_takes_the_submission_out_of_the_class(app, scene):
    sub = submitted(scene)
    member = login(app, scene["member"].username)
    token = csrf_from(member.get(f"/classes/{scene['class'].id}").get_data(as_text=True))
    member.post(f"/classes/{scene['class'].id}/leave", data={"csrf_token": token})
    owner = login(app, scene["owner"].username)
    r = owner.get(grade_url(sub))
    assert r.status_code == 404 and "已经退出班级" in r.get_data(as_text=True)
    assert "小张" not in owner.get("/examiner/").get_data(as_text=True)
    assert "考官评分</a>" in owner.get(f"/classes/{scene['class'].id}").get_data(as_text=True)
    assert "份待评" not in owner.get(f"/classes/{scene['class'].id}").get_data(as_text=True)
    # the candidate still sees what they sent
    assert "待评" in member.get("/examiner/mine").get_data(as_text=True)


# --- grading ------------------------------------------------------------------------------------------------

def candidate_record(row_id: int):
    db.session.expire_all()
    row = db.session.get(Response, row_id)
    return (row.score, row.points, row.graded_at, row.text,
            sorted((k.point_key, k.suggested, k.confirmed) for k in row.keypoints))


def test_grading_is_stored_beside_the_answer_and_shown_beside_the_candidates_own(app, scene):
    sub = submitted(scene)
    keys, case = scene["keys"], scene["case"].payload
    before = candidate_record(scene["row"].id)
    owner = login(app, scene["owner"].username)
    page = owner.get(grade_url(sub)).get_data(as_text=True)
    assert "已按考生自己的确认预先勾选" in page
    for k in keys[:2]:
        assert re.search(rf'value="{k}" checked', page)  # the candidate's own confirmation, to start from
    assert all(p.label in page for p in case.key_points) and "考生确认" in page and "系统提示" in page
    r = grade(owner, sub, [keys[0]], **{f"comment-{keys[1]}": "没有提到补偿方案", "comment": "整体思路清楚。"})
    assert r.status_code == 302 and r.headers["Location"].endswith(grade_url(sub))
    db.session.expire_all()
    sub = db.session.get(Submission, sub.id)
    weight0 = case.key_points[0].weight
    assert sub.graded and sub.examiner_id == scene["owner"].id and sub.score == weight0 / 100
    assert sub.points == weight0 and sub.comment == "整体思路清楚。"
    assert {g.point_key: (g.credited, g.comment) for g in sub.grades}[keys[1]] == (False, "没有提到补偿方案")
    assert len(sub.grades) == len(keys)
    assert candidate_record(scene["row"].id) == before  # the examiner never overwrites the candidate's record
    html = login(app, scene["member"].username).get(review_url(scene["row"])).get_data(as_text=True)
    own = case.key_points[0].weight + case.key_points[1].weight
    assert f"老师给分 {weight0} / 100" in html and f"你自己的确认 {own} / 100" in html
    assert "没有提到补偿方案" in html and "整体思路清楚。" in html and "1 个要点判断不同" in html
    assert f"得分 {own} / 100" in html  # the candidate's own score, unchanged
    mine = login(app, scene["member"].username).get("/examiner/mine").get_data(as_text=True)
    assert "已评" in mine and f"老师给分 {weight0} / 100" in mine


def test_regrading_moves_graded_at_and_replaces_the_marks(app, scene):
    sub = submitted(scene)
    owner = login(app, scene["owner"].username)
    grade(owner, sub, scene["keys"])
    db.session.expire_all()
    first = db.session.get(Submission, sub.id).graded_at
    db.session.get(Submission, sub.id).graded_at = first - timedelta(hours=1)
    db.session.commit()
    page = owner.get(grade_url(sub)).get_data(as_text=True)
    assert "重新保存评分" in page and "你已保存的评分" in page
    admin = login(app, scene["users"]["admin"].username)
    grade(admin, sub, [])
    db.session.expire_all()
    sub = db.session.get(Submission, sub.id)
    assert sub.score == 0 and sub.examiner_id == scene["users"]["admin"].id and sub.graded_at > first - timedelta(hours=1)
    assert not any(g.credited for g in sub.grades) and len(sub.grades) == len(scene["keys"])


@pytest.mark.parametrize("fields, status, message", [
    ({"credit": ["nope"]}, 400, "不是这道题（考生作答的版本）的要点"),
    ({"comment-nope": "x"}, 400, "不是这道题（考生作答的版本）的要点"),
    ({"comment-{k0}": "长" * (POINT_COMMENT_MAX + 1)}, 400, f"评语最多 {POINT_COMMENT_MAX} 个字"),
    ({"comment": "总" * (OVERALL_COMMENT_MAX + 1)}, 400, f"总评最多 {OVERALL_COMMENT_MAX} 个字"),
    ({"csrf_token": "forged"}, 400, "表单已失效"),
])
def test_bad_grades_are_refused_and_nothing_is_stored(app, scene, fields, status, message):
    sub = submitted(scene)
    owner = login(app, scene["owner"].username)
    token = csrf_from(owner.get(grade_url(sub)).get_data(as_text=True))
    data = {"csrf_token": token, **{k.format(k0=scene["keys"][0]): v for k, v in fields.items()}}
    r = owner.post(grade_url(sub), data=data)
    html = r.get_data(as_text=True)
    assert r.status_code == status and message in html
    if "长" in str(fields) or "总" in str(fields):
        assert "评分没有保存" in html and ("长" * (POINT_COMMENT_MAX + 1) in html or "总" * 100 in html)
    db.session.expire_all()
    assert db.session.get(Submission, sub.id).graded_at is None
    assert db.session.execute(db.select(PointGrade)).first() is None


def test_the_version_answered_is_graded_and_shown_after_the_case_is_edited(app, scene, loaded):
    sub = submitted(scene)
    old = scene["case"].payload.key_points
    sync_content(db.session, edit_everything(loaded, set(), {CASE_ID}, {}))
    db.session.commit()
    assert db.session.get(Case, CASE_ID).version_id != scene["row"].version_id
    owner = login(app, scene["owner"].username)
    page = owner.get(grade_url(sub)).get_data(as_text=True)
    assert "此题在考生作答后更新过" in page and all(p.label in page for p in old) and "新增的要点" not in page
    refused = grade(owner, sub, ["added"])
    assert refused.status_code == 400  # a point of the new version is not one of this answer's
    assert grade(owner, sub, [old[0].key]).status_code == 302
    html = login(app, scene["member"].username).get(review_url(scene["row"])).get_data(as_text=True)
    assert f"老师给分 {old[0].weight} / 100" in html and "新增的要点" not in html


def test_the_queue_is_oldest_first_and_leads_to_the_next(app, scene):
    case, member = scene["case"], scene["member"]
    now = utcnow()
    rows = [scene["row"]] + [confirmed_answer(member, case, set()) for _ in range(2)]
    ages = [2, 30, 10]  # minutes ago: the second answer was sent first
    subs = []
    for row, minutes in zip(rows, ages):
        subs.append(Submission(response_id=row.id, class_id=scene["class"].id, user_id=member.id,
                               submitted_at=now - timedelta(minutes=minutes)))
    db.session.add_all(subs)
    db.session.commit()
    owner = login(app, scene["owner"].username)
    html = owner.get("/examiner/").get_data(as_text=True)
    order = [int(m) for m in re.findall(rf'/examiner/{scene["class"].id}/answers/(\d+)', html)]
    assert order == [rows[1].id, rows[2].id, rows[0].id] and "待评（3）" in html
    assert "考官评分 · 3 份待评" in owner.get(f"/classes/{scene['class'].id}").get_data(as_text=True)
    assert "3 份待评" in owner.get("/classes/").get_data(as_text=True)
    # 保存并评下一份: on to the oldest still waiting
    token = csrf_from(owner.get(grade_url(subs[1])).get_data(as_text=True))
    r = owner.post(grade_url(subs[1]), data={"csrf_token": token, "credit": [], "then": "next"})
    assert r.headers["Location"].endswith(grade_url(subs[2]))
    html = owner.get("/examiner/").get_data(as_text=True)
    assert "待评（2）" in html and f"/answers/{rows[1].id}" not in html
    graded = owner.get("/examiner/?show=graded").get_data(as_text=True)
    assert f"/answers/{rows[1].id}" in graded and "老师给分 0 / 100" in graded
    assert "下一份待评" in owner.get(grade_url(subs[2])).get_data(as_text=True)


# --- 专业能力: a written answer of a mock exam ---------------------------------------------------------------

WRITTEN = "先倾听再道歉，核实后给出补偿方案，并建立投诉处理制度和首问负责制，事后回访。"


def test_a_written_exam_answer_is_submitted_graded_and_shown_in_item_points(app, scene):
    db.session.add(PaperBlueprint(
        id="t-written", title="案例小测", paper="专业能力", time_limit=60, pass_mark=60, source_path="t", source_line=1,
        position=0, retired=False, fingerprint="t", intro_html="", sections=[PaperSection("案例分析", 1)]))
    db.session.commit()
    member = login(app, scene["member"].username)
    token = csrf_from(member.get("/mock/").get_data(as_text=True))
    url = member.post("/mock/start/t-written", data={"csrf_token": token}).headers["Location"]
    attempt = db.session.execute(db.select(ExamAttempt).where(ExamAttempt.user_id == scene["member"].id)).scalar_one()
    case = db.session.get(ItemVersion, attempt.items[0].version_id).case
    member.post(url + "/save", data={"csrf_token": token, "index": "0", "i0-text": WRITTEN})
    member.post(url + "/submit", data={"csrf_token": token})
    report = member.get(url + "/report").get_data(as_text=True)
    assert "请先对照参考要点确认并计分" in report
    first = case.key_points[0]
    member.post(url + "/confirm/0", data={"csrf_token": token, "covered": [first.key]})
    row = db.session.execute(db.select(Response).where(Response.exam_attempt_id == attempt.id)).scalar_one()
    assert "提交给老师评分" in member.get(url + "/report").get_data(as_text=True)
    r = member.post(f"/examiner/submit/{row.id}", data={"csrf_token": token, "class_id": scene["class"].id})
    assert r.headers["Location"].endswith("/report#item-0")
    owner = login(app, scene["owner"].username)
    sub = db.session.execute(db.select(Submission)).scalar_one()
    page = owner.get(grade_url(sub)).get_data(as_text=True)
    # the case is drawn at random: the words its key points match are marked inside the answer
    assert "模拟考试《案例小测》第 1 题" in page and WRITTEN in re.sub(r"</?mark>", "", page)
    keys = [p.key for p in case.key_points]
    grade(owner, sub, keys)
    db.session.expire_all()
    sub = db.session.get(Submission, sub.id)
    assert sub.score == 1.0 and sub.points == attempt.items[0].points
    html = member.get(url + "/report").get_data(as_text=True)
    assert "老师给分 100 / 100" in html
    if attempt.items[0].points != 100:
        assert f"折合本题 {attempt.items[0].points:g} / {attempt.items[0].points:g} 分" in html
    db.session.expire_all()
    assert db.session.get(ExamAttempt, attempt.id).points == db.session.get(Response, row.id).points  # unchanged


def test_the_matchers_stored_reasons_are_shown_to_the_examiner(app, scene):
    sub = submitted(scene)
    kp = db.session.execute(db.select(KeypointResult).where(KeypointResult.response_id == scene["row"].id)
                            .order_by(KeypointResult.id)).scalars().first()
    kp.suggested, kp.found, kp.reason = True, ["倾听", "道歉"], "covered"
    db.session.commit()
    page = login(app, scene["owner"].username).get(grade_url(sub)).get_data(as_text=True)
    assert "找到了相关表述" in page and "考生写的：“倾听”“道歉”" in page


def test_a_misconception_the_candidate_wrote_is_named_to_the_examiner(app, scene):
    sub = submitted(scene)
    kp = db.session.execute(db.select(KeypointResult).where(KeypointResult.response_id == scene["row"].id)
                            .order_by(KeypointResult.id)).scalars().first()
    kp.suggested, kp.reason = False, "misconception"
    kp.spans = {"found": [], "negated": [], "misconception": {"wording": "先把事情办完，再安抚顾客的情绪",
                                                              "said": "先处理事情，再处理情绪"}}
    db.session.commit()
    page = login(app, scene["owner"].username).get(grade_url(sub)).get_data(as_text=True)
    assert "这里的说法是常见误区（考生写的“先处理事情，再处理情绪”，即常见误区“先把事情办完，再安抚顾客的情绪”）" in page


def test_the_nav_counts_what_awaits_this_instructor_on_cached_pages_too(app, scene):
    owner = login(app, scene["owner"].username)
    other = login(app, "other-teacher@test.local")
    badge = re.compile(r'考官评分<span class="count"[^>]*>(\d+)</span>')
    assert not badge.search(owner.get("/kp/kp-plan-concept").get_data(as_text=True))
    sub = submitted(scene)
    for page in ("/kp/kp-plan-concept", "/"):  # a cached study page and the home page
        assert badge.search(owner.get(page).get_data(as_text=True)).group(1) == "1"
        assert not badge.search(other.get(page).get_data(as_text=True))
    grade(owner, sub, scene["keys"][:1])
    assert not badge.search(owner.get("/kp/kp-plan-concept").get_data(as_text=True))
    member = login(app, scene["member"].username)
    assert "考官评分" not in member.get("/kp/kp-plan-concept").get_data(as_text=True)
