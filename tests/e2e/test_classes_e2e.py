"""班级 in a browser: an instructor creates a class on a phone and sets a practice assignment, a candidate joins
by typing the code and does the assignment from the home page, one more joins by the link (four more are written
into the database), and the instructor reads the statistics on a 360×740 phone and a 1280×800 laptop.
Screenshots go to /tmp/classes-shots/."""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import create_engine, text

from browser_helpers import no_horizontal_scroll, sign_up

PHONE_360 = {"width": 360, "height": 740}
LAPTOP = {"width": 1280, "height": 800}
SHOTS = Path("/tmp/classes-shots")
QUESTIONS = 5  # 宏观环境分析 · 判断 in the shipped content


@pytest.fixture
def promote(tmp_path_factory):
    """Make a signed-up account an instructor, writing to the live server's database (tests/e2e/conftest.py)."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        url = f"sqlite:///{next(tmp_path_factory.getbasetemp().glob('e2e*/e2e.sqlite'))}"
    engine = create_engine(url)

    def to_instructor(nickname: str) -> None:
        with engine.begin() as conn:
            assert conn.execute(text("UPDATE users SET role = 'instructor' WHERE nickname = :n"), {"n": nickname}).rowcount == 1
    yield to_instructor
    engine.dispose()


def nickname(page) -> str:
    return page.locator(".who").first.inner_text().splitlines()[0].replace("考生", "").strip()


def answer_set(page, pattern: list[bool]) -> None:
    """Answer the open practice set's 判断 questions: 对 where the pattern says True, else 错."""
    for says_true in pattern:
        page.get_by_text("对" if says_true else "错", exact=True).click()
        page.get_by_role("button", name="提交答案").click()
        expect(page.locator(".verdict")).to_be_visible()
        page.locator(".next-row .btn.primary").click()


def seed_classmates(app, class_id: int, patterns: list[list[bool]]) -> None:
    """Members who answered the class's assignment, one per pattern (right / wrong per question in set order),
    written into the live server's database with the test builders."""
    from class_builders import add_member, answer
    from support import make_user
    from training.extensions import db
    from training.models import Assignment, Classroom, Question
    with app.app_context():
        c = db.session.get(Classroom, class_id)
        task = db.session.execute(db.select(Assignment).where(Assignment.class_id == class_id)).scalar_one()
        questions = [db.session.get(Question, qid) for qid in task.question_ids]
        for n, pattern in enumerate(patterns):
            user = make_user(username=f"seeded-{class_id}-{n}@test.local", nickname=f"同学{n + 1}")
            add_member(c, user)
            for q, right in zip(questions, pattern):
                answer(user, q, right)
        db.session.remove()


def phone_context(browser, **kw):
    return browser.new_context(viewport=PHONE_360, device_scale_factor=2, is_mobile=True, has_touch=True,
                               locale="zh-CN", **kw)


def test_a_class_from_creation_to_statistics(live_server, browser, promote, server_app):
    SHOTS.mkdir(exist_ok=True)
    base = live_server
    # The instructor, on a phone.
    teacher_ctx = phone_context(browser)
    teacher = teacher_ctx.new_page()
    sign_up(teacher, base, "teacher")
    promote(nickname(teacher))
    teacher.goto(base + "/")
    teacher.get_by_role("link", name="班级", exact=True).click()
    teacher.get_by_role("link", name="创建班级").click()
    teacher.get_by_label("班级名称").fill("2026 春季周末班")
    teacher.get_by_label("说明（可不填）").fill("每周六上午 9:00，线上答疑。")
    teacher.get_by_role("button", name="创建班级").click()
    expect(teacher.get_by_text("已创建")).to_be_visible()
    code = teacher.locator("#join-code").inner_text().strip()
    assert re.fullmatch(r"[2-9A-HJKMNP-Z]{6}", code)
    expect(teacher.locator("svg.qr")).to_be_visible()
    assert no_horizontal_scroll(teacher)
    teacher.screenshot(path=str(SHOTS / "01-teacher-class-phone.png"), full_page=True)
    class_url = teacher.url

    teacher.get_by_role("link", name="布置作业").click()
    teacher.get_by_label("作业标题（可不填）").fill("宏观环境判断题")
    teacher.get_by_label("考纲领域").select_option("macro")
    teacher.get_by_label("题型").select_option("判断")
    teacher.get_by_label("截止时间（北京时间，可不填）").fill("2099-12-31 20:00")
    teacher.screenshot(path=str(SHOTS / "02-assignment-form-phone.png"), full_page=True)
    teacher.get_by_role("button", name="布置作业").click()
    expect(teacher.get_by_text("截止时间太远了")).to_be_visible()  # a typo'd year is caught next to the field
    teacher.get_by_label("截止时间（北京时间，可不填）").fill("")
    teacher.get_by_role("button", name="布置作业").click()
    expect(teacher.get_by_role("heading", level=1)).to_have_text("宏观环境判断题")
    assignment_url = teacher.url

    # A candidate joins by typing the code (lower case, with a space) and does the assignment from the home page.
    student_ctx = phone_context(browser)
    student = student_ctx.new_page()
    sign_up(student, base, "student")
    student.goto(base + "/classes/")
    student.get_by_label("邀请码").fill(code[:3].lower() + " " + code[3:].lower())
    student.get_by_role("button", name="加入班级").click()
    expect(student.get_by_text("已加入班级“2026 春季周末班”")).to_be_visible()
    student.goto(base + "/")
    tasks = student.locator(".home-tasks")
    expect(tasks.get_by_text("宏观环境判断题")).to_be_visible()
    expect(tasks.get_by_text("未开始")).to_be_visible()
    assert no_horizontal_scroll(student)
    tasks.screenshot(path=str(SHOTS / "03-student-home-phone.png"))
    tasks.get_by_role("button", name="开始练习").click()
    answer_set(student, [True, False])
    student.goto(base + "/")
    expect(tasks.get_by_text("进行中")).to_be_visible()
    expect(tasks.get_by_text(f"已做 2 / {QUESTIONS}")).to_be_visible()
    tasks.get_by_role("button", name="继续练习").click()
    answer_set(student, [True] * (QUESTIONS - 2))
    student.goto(base + "/")
    expect(tasks.get_by_text("已完成")).to_be_visible()
    tasks.screenshot(path=str(SHOTS / "04-student-done-phone.png"))
    student_ctx.close()

    # Five more, each answering differently: one joins through the link in a browser (a guest logs in
    # first and comes back); four are written straight into the database, as their answers would be.
    teacher.goto(class_url)
    link = teacher.locator("#join-link").input_value()
    patterns = [[k < n + 1 for k in range(QUESTIONS)][::-1 if n % 2 else 1] for n in range(5)]
    ctx = browser.new_context(viewport=LAPTOP, locale="zh-CN")
    page = ctx.new_page()
    page.goto(link)
    expect(page).to_have_url(re.compile(r"/auth/login\?next="))
    sign_up(page, base, "classmate")
    page.goto(link)
    page.get_by_role("button", name="加入这个班级").click()
    expect(page.get_by_text("已加入")).to_be_visible()
    page.get_by_role("button", name="开始练习").click()
    answer_set(page, patterns[0])
    ctx.close()
    seed_classmates(server_app, int(class_url.rstrip("/").rsplit("/", 1)[1]), patterns[1:])

    # The instructor reads the statistics on the phone.
    teacher.goto(assignment_url)
    expect(teacher.locator(".task-counts strong").first).to_have_text("6")  # 已完成
    assert no_horizontal_scroll(teacher)
    teacher.screenshot(path=str(SHOTS / "05-assignment-progress-phone.png"), full_page=True)
    teacher.goto(class_url)
    teacher.get_by_role("link", name="班级统计").click()
    expect(teacher.get_by_role("heading", level=1)).to_have_text("班级统计")
    expect(teacher.locator("#areas svg")).to_be_visible()
    assert no_horizontal_scroll(teacher)
    teacher.screenshot(path=str(SHOTS / "06-stats-students-phone.png"), full_page=True)
    teacher.get_by_role("link", name="题目分析").click()
    rows = teacher.locator("table.stats tbody tr")
    expect(rows).to_have_count(QUESTIONS)
    expect(rows.first.locator('td[data-label="通过率"]')).to_have_text(re.compile(r"\d+%"))
    expect(rows.first.locator('td[data-label="区分度"]')).to_have_text(re.compile(r"-?\d\.\d\d|—"))
    assert no_horizontal_scroll(teacher)
    teacher.screenshot(path=str(SHOTS / "07-stats-questions-phone.png"), full_page=True)
    with teacher.expect_download() as download:
        teacher.get_by_role("link", name="导出 CSV").click()
    assert download.value.suggested_filename.endswith(".csv")
    signed_in = teacher_ctx.storage_state()
    teacher_ctx.close()

    # … and on a laptop.
    laptop = browser.new_context(viewport=LAPTOP, locale="zh-CN", storage_state=signed_in)
    page = laptop.new_page()
    for name, path in (("08-class-laptop", class_url), ("09-stats-students-laptop", class_url + "/stats"),
                       ("10-stats-questions-laptop", class_url + "/stats/questions"),
                       ("11-assignment-laptop", assignment_url)):
        page.goto(path)
        assert no_horizontal_scroll(page), name
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    page.goto(class_url + "/stats")
    page.locator("#matrix summary").click()
    page.screenshot(path=str(SHOTS / "12-stats-matrix-laptop.png"), full_page=True)
    laptop.close()
