"""作业: setting assignments, starting them through the practice and mock-exam paths, status and completion."""
from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
import time_machine

from training.extensions import db
from training.grading.drawing import PaperSection
from training.models import Assignment, ExamAttempt, PaperBlueprint, PracticeSession, Question, Response
from training.models.base import as_utc, utcnow

from class_builders import add_member, answer, make_class, make_task, single_choice
from support import csrf_from, right_fields


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def small_paper(loaded):
    db.session.add(PaperBlueprint(id="t-quiz", title="理论小测", paper="理论知识", time_limit=30, pass_mark=60,
                                  sections=[PaperSection("判断", 2, 50)], source_path="t", source_line=1, position=0,
                                  retired=False, fingerprint="t", intro_html=""))
    db.session.commit()


@pytest.fixture
def klass(app, loaded, users):
    c = make_class(users["instructor"])
    add_member(c, users["candidate"])
    return c


def soon() -> str:
    """A date a month from now (due times must lie in the next three years)."""
    return (utcnow() + timedelta(days=30)).date().isoformat()


def set_task(client, c, **fields):
    page = text(client.get(f"/classes/{c.id}/assignments/new"))
    data = {"title": "", "kind": "practice", "area": "", "topic": "", "qtype": "", "question_ids": "", "blueprint": "",
            "due": "", "csrf_token": csrf_from(page), **fields}
    return client.post(f"/classes/{c.id}/assignments/new", data=data)


def only_task() -> Assignment:
    return db.session.execute(db.select(Assignment)).scalar_one()


def test_a_practice_set_by_area_and_type_is_frozen_when_set(klass, as_role):
    teacher = as_role("instructor")
    page = text(teacher.get(f"/classes/{klass.id}/assignments/new"))
    assert "布置作业" in page and 'data-area="plan"' in page and "理论知识" in page  # choose.js narrows the topics
    day = soon()
    response = set_task(teacher, klass, area="plan", qtype="单选", due=f"{day} 20:00")
    assert response.status_code == 302
    task = only_task()
    expected = db.session.execute(db.select(Question.id).where(Question.area_id == "plan", Question.qtype == "单选",
                                                               Question.retired.is_(False)).order_by(Question.position)).scalars().all()
    assert task.question_ids == expected and task.kind == "practice" and task.scope.area == "plan"
    assert task.title.startswith("练习：") and "单选" in task.title
    assert as_utc(task.due_at) == datetime.fromisoformat(f"{day}T12:00:00+00:00")  # 20:00 in Beijing, stored in UTC
    page = text(teacher.get(response.headers["Location"]))
    assert f"截止 {day} 20:00" in page and "未开始" in page and "考生" in page


def test_listed_questions_and_an_exam(klass, as_role, small_paper):
    teacher = as_role("instructor")
    qs = single_choice(3)
    assert set_task(teacher, klass, title="三道题", question_ids=f"{qs[0].id}, {qs[1].id}\n{qs[2].id} {qs[0].id}").status_code == 302
    task = db.session.execute(db.select(Assignment).where(Assignment.title == "三道题")).scalar_one()
    assert task.question_ids == [q.id for q in qs] and task.scope.chosen
    assert set_task(teacher, klass, kind="exam", blueprint="t-quiz").status_code == 302
    exam = db.session.execute(db.select(Assignment).where(Assignment.kind == "exam")).scalar_one()
    assert (exam.blueprint_id, exam.title, exam.question_ids) == ("t-quiz", "模拟考试：理论小测", [])
    page = text(teacher.get(f"/classes/{klass.id}"))
    assert "三道题" in page and "指定的 3 道题" in page and "模拟考试：理论小测" in page and "0 / 1 人已完成" in page


@pytest.mark.parametrize("fields,message", [
    ({"question_ids": "no-such-q plan-q001"}, "找不到这些题目（编号有误或已下线）：no-such-q"),
    ({"question_ids": "plan-q001", "area": "plan"}, "按范围选题和指定题目只能二选一"),
    ({"question_ids": " ".join(f"x{i}" for i in range(201))}, "一份作业最多 200 道题"),
    ({}, "一份作业最多 200 道"),  # the whole bank
    ({"area": "plan", "topic": "kp-complaint-basics"}, "这个范围里没有题目"),
    ({"area": "no-such-area"}, "请从列表中选择考纲领域"),
    ({"qtype": "填空"}, "请从列表中选择题型"),
    ({"kind": "exam"}, "请选择一份模拟考试试卷"),
    ({"kind": "exam", "blueprint": "nope"}, "请选择一份模拟考试试卷"),
    ({"kind": "homework"}, "请选择作业内容"),
    ({"area": "plan", "due": "明天"}, "请按“2026-03-01 20:00”的格式填写截止时间"),
    ({"area": "plan", "due": "2020-01-01 08:00"}, "这个截止时间已经过去了"),
    ({"area": "plan", "due": "9999-12-31 23:59"}, "截止时间太远了"),
    ({"area": "plan", "due": "0001-01-01 00:00"}, "请按“2026-03-01 20:00”的格式填写截止时间"),
    ({"area": "plan", "title": "长" * 101}, "标题最多 100 个字"),
])
def test_bad_assignments_are_explained_next_to_the_field(klass, as_role, fields, message):
    response = set_task(as_role("instructor"), klass, **fields)
    page = text(response)
    assert response.status_code == 400 and message in page, page[page.find("error"):][:300]
    assert db.session.execute(db.select(Assignment)).first() is None


def test_a_date_alone_means_the_end_of_that_day(klass, as_role):
    day = soon()
    assert set_task(as_role("instructor"), klass, area="plan", qtype="单选", due=day).status_code == 302
    assert as_utc(only_task().due_at) == datetime.fromisoformat(f"{day}T15:59:00+00:00")  # 23:59 in Beijing


def start(client, c, task):
    page = text(client.get(f"/classes/{c.id}"))
    return client.post(f"/classes/{c.id}/assignments/{task.id}/start", data={"csrf_token": csrf_from(page)})


def answer_current(client, url):
    html = text(client.get(url))
    qid = re.search(r'name="question_id" value="([^"]+)"', html).group(1)
    q = db.session.get(Question, qid)
    version = re.search(r'name="version_id" value="(\d+)"', html).group(1)
    response = client.post(url + "/answer", data={"csrf_token": csrf_from(html), "question_id": q.id,
                                                  "version_id": version, "started": "0", **right_fields(q.payload)})
    assert response.status_code == 302
    return q


def test_a_student_starts_a_practice_assignment_and_finishes_it(klass, users, as_role):
    qs = single_choice(2)
    task = make_task(klass, qs, title="两道单选", due_at=utcnow() + timedelta(days=2))
    student = as_role("candidate")
    home = text(student.get("/"))
    assert "班级作业" in home and "两道单选" in home and "未开始" in home and "开始练习" in home
    response = start(student, klass, task)
    assert response.status_code == 302 and "/practice/s/" in response.headers["Location"]
    url = response.headers["Location"]
    ps = db.session.execute(db.select(PracticeSession)).scalar_one()
    assert ps.question_ids == [q.id for q in qs] and ps.filter_key == f"assignment={task.id}"
    answer_current(student, url)
    home = text(student.get("/"))
    assert "进行中" in home and "已做 1 / 2" in home and "继续练习" in home
    assert start(student, klass, task).headers["Location"] == url  # resumed, not a new set
    answer_current(student, url)
    home = text(student.get("/"))
    assert "已完成" in home and "再做一遍" in home
    page = text(as_role("instructor").get(f"/classes/{klass.id}/assignments/{task.id}"))
    assert "已完成" in page and "2 / 2" in page
    assert "1 / 1 人已完成" in text(as_role("instructor").get(f"/classes/{klass.id}"))


def test_answers_given_before_the_assignment_do_not_complete_it(klass, users, as_role):
    qs = single_choice(2)
    for q in qs:
        answer(users["candidate"], q, True, at=utcnow() - timedelta(minutes=10))
    task = make_task(klass, qs, created_at=utcnow() - timedelta(minutes=5))
    page = text(as_role("candidate").get(f"/classes/{klass.id}"))
    assert "未开始" in page and "已做 0 / 2" in page
    answer(users["candidate"], qs[0], False)
    page = text(as_role("candidate").get(f"/classes/{klass.id}"))
    assert "进行中" in page and "已做 1 / 2" in page
    assert task.id


def test_overdue_and_late(klass, users, as_role):
    qs = single_choice(1)
    task = make_task(klass, qs, title="昨天截止", due_at=utcnow() - timedelta(hours=1),
                     created_at=utcnow() - timedelta(days=1))
    student = as_role("candidate")
    assert "已逾期" in text(student.get("/"))
    answer(users["candidate"], qs[0], True)
    page = text(student.get(f"/classes/{klass.id}"))
    assert "已完成" in page and "晚于截止时间完成" in page
    assert "晚交" in text(as_role("instructor").get(f"/classes/{klass.id}/assignments/{task.id}"))


def test_the_home_page_shows_open_work_only(app, loaded, users, as_role):
    klass = make_class(users["instructor"])
    add_member(klass, users["candidate"], joined_at=utcnow() - timedelta(days=40))
    qs = single_choice(2)
    make_task(klass, qs[:1], title="早就逾期", due_at=utcnow() - timedelta(days=20), created_at=utcnow() - timedelta(days=30))
    make_task(klass, qs[1:], title="早就做完", created_at=utcnow() - timedelta(days=10))
    answer(users["candidate"], qs[1], True, at=utcnow() - timedelta(days=5))
    make_task(klass, qs, title="现在的作业")
    home = text(as_role("candidate").get("/"))
    assert "现在的作业" in home and "早就逾期" not in home and "早就做完" not in home
    assert "班级作业" not in text(as_role("admin").get("/"))  # not a member of any class
    klass.archived_at = utcnow()
    db.session.commit()
    assert "现在的作业" not in text(as_role("candidate").get("/"))


def test_the_home_page_is_unchanged_for_guests(client, klass):
    make_task(klass, single_choice(1), title="现在的作业")
    assert "班级作业" not in text(client.get("/"))


def test_an_exam_assignment_starts_the_mock_exam(klass, users, as_role, small_paper):
    task = make_task(klass, blueprint_id="t-quiz", title="小测")
    student = as_role("candidate")
    home = text(student.get("/"))
    assert 'action="/mock/start/t-quiz"' in home and "开始考试" in home
    response = student.post("/mock/start/t-quiz", data={"csrf_token": csrf_from(home)})
    assert response.status_code == 302
    attempt = db.session.execute(db.select(ExamAttempt)).scalar_one()
    assert "进行中" in text(student.get("/"))
    via_class = start(student, klass, task)  # the class's own start route hands over to the exam's (307 keeps the POST)
    assert via_class.status_code == 307 and via_class.headers["Location"].endswith("/mock/start/t-quiz")
    page = text(student.get(f"/mock/a/{attempt.id}"))
    assert student.post(f"/mock/a/{attempt.id}/submit", data={"csrf_token": csrf_from(page)}).status_code == 302
    home = text(student.get("/"))
    assert "已完成" in home
    page = text(as_role("instructor").get(f"/classes/{klass.id}/assignments/{task.id}"))
    assert "已完成" in page and "0 分" in page


def test_a_paper_handed_in_before_the_task_does_not_count(klass, users, as_role, small_paper):
    from support import make_attempt
    make_attempt(users["candidate"], "t-quiz", single_choice(1), submitted_at=utcnow() - timedelta(minutes=10), points=90)
    task = make_task(klass, blueprint_id="t-quiz", created_at=utcnow() - timedelta(minutes=5))
    assert "未开始" in text(as_role("candidate").get(f"/classes/{klass.id}"))
    assert task.id


def test_starting_needs_membership_an_open_class_and_live_questions(klass, users, as_role):
    qs = single_choice(1)
    task = make_task(klass, qs)
    teacher = as_role("instructor")
    refused = start(teacher, klass, task)  # the instructor is not a member: the page is theirs, the work is not
    assert refused.status_code == 403
    qs[0].retired = True
    db.session.commit()
    gone = start(as_role("candidate"), klass, task)
    assert gone.status_code == 409 and "题目都已下线" in text(gone)
    qs[0].retired = False
    klass.archived_at = utcnow()
    db.session.commit()
    archived = start(as_role("candidate"), klass, task)
    assert archived.status_code == 409 and "已归档" in text(archived)


def test_a_retired_question_leaves_the_count(klass, users, as_role):
    qs = single_choice(2)
    make_task(klass, qs)
    answer(users["candidate"], qs[0], True)
    qs[1].retired = True
    db.session.commit()
    assert "已完成" in text(as_role("candidate").get(f"/classes/{klass.id}"))


def test_withdrawing_an_assignment_keeps_the_answers(klass, users, as_role):
    qs = single_choice(1)
    task = make_task(klass, qs, title="要撤回的")
    answer(users["candidate"], qs[0], True)
    teacher = as_role("instructor")
    page = text(teacher.get(f"/classes/{klass.id}/assignments/{task.id}"))
    response = teacher.post(f"/classes/{klass.id}/assignments/{task.id}/delete", data={"csrf_token": csrf_from(page)})
    assert response.status_code == 302 and db.session.execute(db.select(Assignment)).first() is None
    assert db.session.execute(db.select(db.func.count()).select_from(Response)).scalar_one() == 1
    assert "作业“要撤回的”已撤回" in text(teacher.get(response.headers["Location"]))


def test_assignments_of_another_class_are_404(klass, users, as_role):
    other = make_class(users["instructor"], name="另一个班")
    task = make_task(other, single_choice(1))
    response = as_role("instructor").get(f"/classes/{klass.id}/assignments/{task.id}")
    assert response.status_code == 404 and "这个班级里没有这份作业" in text(response)


def test_due_times_are_shown_in_beijing_time(klass, as_role):
    with time_machine.travel("2026-03-01 10:00:00+00:00", tick=False):
        assert set_task(as_role("instructor"), klass, area="plan", qtype="单选", due="2026-03-02T08:30").status_code == 302
    assert as_utc(only_task().due_at).isoformat() == "2026-03-02T00:30:00+00:00"


def statements_for(client, url: str) -> int:
    from sqlalchemy import event
    seen = []

    def count(conn, cursor, statement, *_):
        # the signed-in user is read again after a commit between requests: not the page's own cost
        if not statement.startswith(("SAVEPOINT", "RELEASE")) and "FROM users" not in statement:
            seen.append(statement)
    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen)


def test_the_home_page_costs_the_same_for_one_or_many_assignments(klass, users, as_role, small_paper):
    qs = single_choice(12)
    make_task(klass, qs[:2])
    make_task(klass, blueprint_id="t-quiz")
    student = as_role("candidate")
    statements_for(student, "/")  # the page's shared content is cached from here on: count the personal part
    few = statements_for(student, "/")
    for n in range(10):
        make_task(klass, qs[n:n + 3], title=f"第{n}份")
        make_task(klass, blueprint_id="t-quiz", title=f"考试{n}")
    assert statements_for(student, "/") == few
    assert statements_for(student, f"/classes/{klass.id}") <= few + 3


def test_progress_from_rows():
    from training.classes.queries import exam_progress, practice_progress
    t0 = utcnow()
    rows = [("a", 0.0, t0 - timedelta(hours=1)), ("a", 1.0, t0), ("b", 1.0, t0 + timedelta(minutes=1)),
            ("a", 0.0, t0 + timedelta(minutes=2)), ("x", 1.0, t0)]
    p = practice_progress(rows, ["a", "b"], t0)
    assert (p.answered, p.correct, p.done, p.finished_at) == (2, 2, True, t0 + timedelta(minutes=1))
    p = practice_progress(rows, ["a", "b", "c"], t0)
    assert (p.answered, p.started, p.done, p.finished_at) == (2, True, False, None)
    assert practice_progress([], [], t0) == practice_progress([], [], t0) and not practice_progress([], [], t0).done
    before, after = t0 - timedelta(days=1), t0 + timedelta(hours=1)
    assert exam_progress([(before, before, 90.0)], t0, before).done is False  # handed in before the task
    p = exam_progress([(after, after + timedelta(hours=2), 55.0), (after, after, 70.0), (after, None, None)], t0, before)
    assert (p.done, p.points, p.finished_at) == (True, 70.0, after)  # the first paper after the task counts
    assert exam_progress([(before, None, None)], t0, t0).started is False  # an open paper from before joining
    assert exam_progress([(after, None, None)], t0, t0).started is True


def test_an_archived_class_keeps_its_assignments(klass, as_role):
    task = make_task(klass, single_choice(1), title="留下的作业")
    klass.archived_at = utcnow()
    db.session.commit()
    teacher = as_role("instructor")
    page = text(teacher.get(f"/classes/{klass.id}/assignments/{task.id}"))
    refused = teacher.post(f"/classes/{klass.id}/assignments/{task.id}/delete", data={"csrf_token": csrf_from(page)})
    assert refused.status_code == 409 and "已归档" in text(refused)
    assert teacher.get(f"/classes/{klass.id}/assignments/new").status_code == 409
    assert db.session.get(Assignment, task.id) is not None
