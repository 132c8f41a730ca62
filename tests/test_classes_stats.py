"""班级统计 pages and exports: figures from the class's answers in scope, sorting, minimum samples, CSV and Excel."""
from __future__ import annotations

import csv
import io
import math
import re
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from training.content.payloads import LETTERS
from training.extensions import db
from training.models import Case, Role
from training.models.base import utcnow

from class_builders import add_member, answer, defense_answer, make_class, make_task, single_choice
from support import make_attempt, make_user

# The hand-worked example of tests/test_classstats.py: five students, questions q, p1, p2.
FIRST = {"A": (1, 1, 1), "B": (1, 1, 0), "C": (1, 0, 0), "D": (0, 1, 0), "E": (0, 0, 0)}


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def world(app, loaded, users):
    """A class of five who answered three questions as in FIRST, plus people and answers it must not see."""
    teacher = users["instructor"]
    c = make_class(teacher, name="统计班")
    qs = single_choice(3)
    students = {}
    for name, marks in FIRST.items():
        s = make_user(nickname=f"学员{name}")
        add_member(c, s)
        students[name] = s
        for q, right in zip(qs, marks):
            answer(s, q, bool(right))
    # Before joining: answered q wrong three days before joining today (not in scope), then right today.
    late = make_user(nickname="后来的")
    answer(late, qs[0], False, at=utcnow() - timedelta(days=3))
    add_member(c, late)
    answer(late, qs[0], True)
    # Someone outside the class: never seen.
    outsider = make_user(nickname="外人")
    for q in qs:
        answer(outsider, q, False)
    return {"class": c, "questions": qs, "students": students, "late": late, "outsider": outsider}


def rows_of(page: str) -> list[str]:
    return re.findall(r"<tr>.*?</tr>", page, flags=re.S)


def row_for(page: str, needle: str) -> str:
    return next(r for r in rows_of(page) if needle in r)


def test_question_figures_on_the_page(world, as_role):
    c, (q, _, p2) = world["class"], world["questions"]
    page = text(as_role("instructor").get(f"/classes/{c.id}/stats/questions"))
    assert "题目分析" in page and "第一次作答" in page and "其他所有题" in page and "5 名学员" in page
    row = row_for(page, q.id)
    # q: the five of FIRST (3 right) and 后来的 (right today; the wrong answer before joining is not seen)
    assert re.search(r'data-label="作答人数">6<', row) and re.search(r'data-label="作答次数">6<', row)
    assert 'data-label="通过率">67%<' in row
    row = row_for(page, p2.id)
    assert 'data-label="通过率">20%<' in row and 'data-label="区分度">0.53<' in row  # √(2/7), worked by hand
    # the wrong option: the builder answers with the first option that is not right, shown as written now
    wrong = next(o for o in p2.payload.options if o.key != p2.payload.answer)
    letter = LETTERS[[o.key for o in p2.payload.options].index(wrong.key)]
    assert f"{letter}. {wrong.text}（4 次，占错误作答 100%）" in row
    assert "外人" not in page


def test_worst_first_and_other_sorts(world, as_role):
    c, (q, _, p2) = world["class"], world["questions"]
    teacher = as_role("instructor")
    page = text(teacher.get(f"/classes/{c.id}/stats/questions"))
    assert page.index(p2.id) < page.index(q.id)  # 20 % before 67 %
    page = text(teacher.get(f"/classes/{c.id}/stats/questions?sort=discrimination"))
    assert 'aria-current="true">区分度（低→高）' in page
    for sort in ("facility", "discrimination", "attempts"):
        assert teacher.get(f"/classes/{c.id}/stats/questions?sort={sort}").status_code == 200
    for url in ("stats", "stats/questions", "stats/points"):
        bad = teacher.get(f"/classes/{c.id}/{url}?sort=%27;DROP")
        assert bad.status_code == 400 and "不支持这种排序方式" in text(bad)


def test_below_the_sample_the_page_says_so(app, loaded, users, as_role):
    c = make_class(users["instructor"])
    qs = single_choice(2)
    for n in range(4):
        s = make_user(nickname=f"四人之{n}")
        add_member(c, s)
        for q in qs:
            answer(s, q, n % 2 == 0)
    page = text(as_role("instructor").get(f"/classes/{c.id}/stats/questions"))
    row = row_for(page, qs[0].id)
    assert 'data-label="通过率"><span class="few">样本不足</span>' in row
    assert 'data-label="区分度"><span class="few">样本不足</span>' in row


def test_everyone_right_has_no_discrimination(app, loaded, users, as_role):
    c = make_class(users["instructor"])
    qs = single_choice(2)
    for n in range(5):
        s = make_user(nickname=f"全对{n}")
        add_member(c, s)
        answer(s, qs[0], True)
        answer(s, qs[1], n < 2)
    page = text(as_role("instructor").get(f"/classes/{c.id}/stats/questions"))
    row = row_for(page, qs[0].id)
    assert 'data-label="通过率">100%<' in row and 'data-label="区分度"><span class="few">—</span>' in row
    assert 'data-label="最常选的错误选项" class="left wrong-option">—<' in row


def test_student_table_and_page(world, users, as_role):
    c = world["class"]
    a = world["students"]["A"]
    make_attempt(a, "exam-theory", world["questions"][:1], submitted_at=utcnow(), points=72.0)
    make_task(c, world["questions"][:2], title="两题")
    teacher = as_role("instructor")
    page = text(teacher.get(f"/classes/{c.id}/stats"))
    assert "全班各领域正确率" in page and "<svg" in page and " style=" not in page
    row = row_for(page, "学员A")
    assert "1 次 · 最近 72 分 · 最好 72 分" in row and 'data-label="作答数">3<' in row
    assert "样本不足" in row  # three objective answers: below the five needed for an accuracy
    assert 'data-label="完成作业">1 / 1<' in row
    assert 'data-label="完成作业">1 / 1<' in row_for(page, "学员E")  # answered both, if wrongly: done
    assert 'data-label="完成作业">0 / 1<' in row_for(page, "后来的")
    assert "外人" not in page
    # worst first: by accuracy every student is below the sample, so the tie is broken by name
    names = re.findall(r'<th scope="row" class="left"><a href="/classes/\d+/students/\d+">([^<]+)</a>', page)
    assert names == sorted(names)
    page = text(teacher.get(f"/classes/{c.id}/stats?sort=exam"))
    names = re.findall(r'<th scope="row" class="left"><a href="/classes/\d+/students/\d+">([^<]+)</a>', page)
    assert names[0] == "学员A"
    student = text(teacher.get(f"/classes/{c.id}/students/{a.id}"))
    assert "学员A" in student and "各领域正确率" in student and "72 分" in student and "两题" in student
    assert "已完成" in student
    gone = teacher.get(f"/classes/{c.id}/students/{world['outsider'].id}")
    assert gone.status_code == 404 and "这位学员不在这个班级里" in text(gone)


def test_accuracy_shows_from_five_answers(app, loaded, users, as_role):
    c = make_class(users["instructor"])
    s = make_user(nickname="勤快")
    add_member(c, s)
    qs = single_choice(5)
    for n, q in enumerate(qs):
        answer(s, q, n != 0)
    page = text(as_role("instructor").get(f"/classes/{c.id}/stats"))
    assert "80%" in row_for(page, "勤快") and "（4 / 5）" in row_for(page, "勤快")


def test_key_point_credit(app, loaded, users, as_role):
    c = make_class(users["instructor"])
    case = db.session.execute(db.select(Case).where(Case.kind == "答辩").order_by(Case.id).limit(1)).scalar()
    first, second = case.payload.key_points[0], case.payload.key_points[1]
    for n in range(5):
        s = make_user(nickname=f"答辩{n}")
        add_member(c, s)
        # the first point confirmed by all but one; the second never confirmed: the matcher said yes for two
        defense_answer(s, case, {first.key: n != 0, second.key: None}, suggested=n < 2)
    page = text(as_role("instructor").get(f"/classes/{c.id}/stats/points"))
    assert "得分率最低的要点" in page and case.title in page
    assert 'data-label="得分率">80%<' in row_for(page, first.label)
    assert 'data-label="得分率">40%<' in row_for(page, second.label)
    table = page.split("<table")[1]
    assert table.index(second.label) < table.index(first.label)  # worst first
    assert text(as_role("instructor").get(f"/classes/{c.id}/stats/points?sort=case")).count(case.title) >= 2


def test_empty_statistics(app, loaded, users, as_role):
    c = make_class(users["instructor"])
    teacher = as_role("instructor")
    assert "班级里还没有学员" in text(teacher.get(f"/classes/{c.id}/stats"))
    assert "还没有作答客观题" in text(teacher.get(f"/classes/{c.id}/stats/questions"))
    assert "还没有答辩或主观题的回答" in text(teacher.get(f"/classes/{c.id}/stats/points"))


def test_csv_export_is_excel_friendly_and_defused(world, as_role):
    c = world["class"]
    world["students"]["A"].nickname = "=HYPERLINK(\"http://evil\",\"点我\")"
    db.session.commit()
    teacher = as_role("instructor")
    response = teacher.get(f"/classes/{c.id}/export.csv?table=students")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"] and "UTF-8''" in response.headers["Content-Disposition"]
    body = response.get_data().decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0][:6] == ["学员", "加入时间", "最近活跃", "作答数", "客观题作答", "客观题正确率"]
    assert ["'=HYPERLINK(\"http://evil\",\"点我\")"] == [r[0] for r in rows if "HYPERLINK" in r[0]]
    assert "外人" not in body and len(rows) == 1 + 6  # the five and 后来的
    questions = list(csv.reader(io.StringIO(text(teacher.get(f"/classes/{c.id}/export.csv?table=questions")).lstrip("\ufeff"))))
    p2 = next(r for r in questions if r[0] == world["questions"][2].id)
    assert p2[6:8] == ["20%", "0.53"]
    q = next(r for r in questions if r[0] == world["questions"][0].id)
    assert q[4:7] == ["6", "6", "67%"]
    for table in ("areas", "points"):
        assert teacher.get(f"/classes/{c.id}/export.csv?table={table}").status_code == 200
    bad = teacher.get(f"/classes/{c.id}/export.csv?table=users")
    assert bad.status_code == 400 and "没有这张表" in text(bad)


def test_excel_export(world, as_role):
    c = world["class"]
    world["students"]["B"].nickname = "=1+1"
    db.session.commit()
    response = as_role("instructor").get(f"/classes/{c.id}/export.xlsx")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    book = load_workbook(io.BytesIO(response.get_data()))
    assert book.sheetnames == ["学员", "各领域正确率", "题目分析", "答辩要点"]
    students = book["学员"]
    cell = next(row[0] for row in students.iter_rows(min_row=2) if row[0].value == "=1+1")
    assert cell.data_type == "s"  # text, never a formula
    questions = book["题目分析"]
    header = [c.value for c in questions[1]]
    p2 = next(row for row in questions.iter_rows(min_row=2) if row[0].value == world["questions"][2].id)
    facility, discrimination = p2[header.index("通过率")], p2[header.index("区分度")]
    assert facility.value == pytest.approx(0.2) and facility.number_format == "0%"
    assert discrimination.value == pytest.approx(math.sqrt(2 / 7))
    assert "外人" not in [r[0].value for r in students.iter_rows()]


def test_admin_sees_every_class_and_candidates_none(world, as_role, users):
    c = world["class"]
    assert "学员A" in text(as_role("admin").get(f"/classes/{c.id}/stats"))
    other = make_user(Role.instructor, username="other-teacher@test.local")
    from support import Auth
    client = as_role(None)
    Auth(client).login(other.username)
    refused = client.get(f"/classes/{c.id}/stats")
    assert refused.status_code == 403 and "另一位讲师" in text(refused) and "学员A" not in text(refused)
