"""班级: create a class, join by code or link (at most once), leave, remove, new code, archive."""
from __future__ import annotations

import os
import re
import threading
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.exc import IntegrityError

from training.classes import queries
from training.extensions import db
from training.models import Classroom, Membership, Role
from training.models.base import as_utc
from training.models.classes import CODE_ALPHABET, CODE_LENGTH, new_join_code, normalise_code

from class_builders import add_member, make_class
from support import Auth, csrf_from, make_user


def text(response) -> str:
    return response.get_data(as_text=True)


def client_for(app, user):
    client = app.test_client()
    assert Auth(client).login(user.username).status_code == 302
    return client


def post(client, url: str, data: dict | None = None, page: str = "/classes/"):
    return client.post(url, data={**(data or {}), "csrf_token": csrf_from(text(client.get(page)))})


def members_of(c) -> set[int]:
    return set(db.session.execute(db.select(Membership.user_id).where(Membership.class_id == c.id)).scalars())


def test_the_code_alphabet_has_no_look_alikes():
    assert not set("0O1IL") & set(CODE_ALPHABET)
    codes = {new_join_code() for _ in range(200)}
    assert all(len(c) == CODE_LENGTH and set(c) <= set(CODE_ALPHABET) for c in codes) and len(codes) > 190


@pytest.mark.parametrize("typed,stored", [("abcdef", "ABCDEF"), ("k7m2pq", "K7M2PQ"), (" K7M-2PQ ", "K7M2PQ"),
                                          ("ｋ７ｍ２ｐｑ", "K7M2PQ"), ("K7M 2PQ", "K7M2PQ"), ("K7M2P", None),
                                          ("K7M2PQQ", None), ("K0M2PQ", None), ("KIM2PQ", None), ("", None)])
def test_typed_codes_are_forgiven_for_case_spaces_and_full_width(typed, stored):
    assert normalise_code(typed) == stored


def test_an_instructor_creates_a_class_with_code_link_and_qr(app, loaded, users, as_role):
    teacher = as_role("instructor")
    page = text(teacher.get("/classes/new"))
    response = teacher.post("/classes/new", data={"name": "  2026 春季二级周末班 ", "description": "每周六上午",
                                                  "csrf_token": csrf_from(page)})
    assert response.status_code == 302
    c = db.session.execute(db.select(Classroom)).scalar_one()
    assert (c.name, c.description, c.owner_id) == ("2026 春季二级周末班", "每周六上午", users["instructor"].id)
    assert re.fullmatch(f"[{CODE_ALPHABET}]{{{CODE_LENGTH}}}", c.join_code)
    page = text(teacher.get(response.headers["Location"]))
    assert c.join_code in page and f"/classes/join/{c.join_code}" in page
    qr = re.search(r"<svg[^>]*class=\"qr\".*?</svg>", page, flags=re.S)
    assert qr and "加入班级的二维码" in qr.group(0) and " style=" not in qr.group(0)
    assert "还没有学员加入" in page and "班级统计" in page


@pytest.mark.parametrize("name,message", [("", "请填写班级名称"), ("长" * 61, "班级名称最多 60 个字"), ("   ", "请填写班级名称")])
def test_a_class_needs_a_name(app, loaded, as_role, name, message):
    teacher = as_role("instructor")
    response = teacher.post("/classes/new", data={"name": name, "csrf_token": csrf_from(text(teacher.get("/classes/new")))})
    assert response.status_code == 400 and message in text(response)
    assert db.session.execute(db.select(Classroom)).first() is None


def test_candidates_cannot_create_classes(app, loaded, as_role):
    response = as_role("candidate").get("/classes/new")
    assert response.status_code == 403 and "没有权限" in text(response)


def test_a_candidate_joins_by_typed_code_once(app, loaded, users, as_role):
    c = make_class(users["instructor"], join_code="K7M2PQ")
    student = as_role("candidate")
    response = post(student, "/classes/join", {"code": "k7m 2pq"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/classes/{c.id}")
    page = text(student.get(response.headers["Location"]))
    assert "已加入班级“周末班”" in page and "讲师还没有布置作业" in page
    again = post(student, "/classes/join", {"code": "K7M2PQ"})
    assert again.status_code == 302
    assert "你已经在班级“周末班”里了" in text(student.get(again.headers["Location"]))
    assert members_of(c) == {users["candidate"].id}
    m = queries.membership(db.session, c.id, users["candidate"].id)
    beijing = ZoneInfo("Asia/Shanghai")  # answers count from the start of the joining day in Beijing time
    start = as_utc(m.answers_from).astimezone(beijing)
    assert (start.hour, start.minute, start.date()) == (0, 0, as_utc(m.joined_at).astimezone(beijing).date())


@pytest.mark.parametrize("code,status,message", [
    ("", 400, "请输入讲师给你的邀请码"), ("ABC", 400, "邀请码是 6 位"), ("0OIL11", 400, "不含容易看错的"),
    ("<script>", 400, "邀请码是 6 位"), ("ZZZZZZ", 404, "没有使用这个邀请码的班级"),
])
def test_bad_codes_are_explained(app, loaded, users, as_role, code, status, message):
    make_class(users["instructor"], join_code="K7M2PQ")
    response = post(as_role("candidate"), "/classes/join", {"code": code})
    page = text(response)
    assert response.status_code == status and message in page
    assert 'aria-invalid="true"' in page  # next to the field, keeping what was typed
    assert db.session.execute(db.select(Membership)).first() is None


def test_a_guest_with_the_link_logs_in_and_comes_back_to_join(app, loaded, users, client):
    c = make_class(users["instructor"], join_code="K7M2PQ")
    response = client.get("/classes/join/K7M2PQ")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    assert "next=" in response.headers["Location"] and "K7M2PQ" in response.headers["Location"]
    login = client.get(response.headers["Location"])
    back = client.post(response.headers["Location"], data={"username": users["candidate"].username,
                                                             "password": "correct-horse-42", "csrf_token": csrf_from(text(login))})
    assert back.status_code == 302 and back.headers["Location"].endswith("/classes/join/K7M2PQ")
    page = text(client.get("/classes/join/K7M2PQ"))
    assert "加入班级“周末班”" in page and "从加入当天起" in page
    assert members_of(c) == set()  # looking is not joining
    joined = client.post("/classes/join/K7M2PQ", data={"csrf_token": csrf_from(page)})
    assert joined.status_code == 302 and members_of(c) == {users["candidate"].id}
    assert "你已经在这个班级里了" in text(client.get("/classes/join/k7m2pq"))


@pytest.mark.parametrize("token", ["ZZZZZZ", "abc", "%00", "长长长长长长"])
def test_an_unknown_link_is_a_chinese_404(app, loaded, users, as_role, token):
    response = as_role("candidate").get(f"/classes/join/{token}")
    assert response.status_code == 404 and ("邀请链接无效" in text(response) or "页面不存在" in text(response))


def test_a_lost_race_to_join_is_already_joined_not_a_500(app, loaded, users, as_role, monkeypatch):
    """Two tabs join at once: the second INSERT hits the unique constraint and is told it is a member."""
    c = make_class(users["instructor"], join_code="K7M2PQ")
    add_member(c, users["candidate"])  # the other request won
    real = queries.membership
    calls = []

    def not_yet_then_real(session, class_id, user_id):
        calls.append(1)
        return None if len(calls) == 1 else real(session, class_id, user_id)

    monkeypatch.setattr(queries, "membership", not_yet_then_real)
    student = as_role("candidate")
    response = post(student, "/classes/join", {"code": "K7M2PQ"})
    assert response.status_code == 302 and len(calls) >= 2
    monkeypatch.setattr(queries, "membership", real)
    assert "你已经在班级“周末班”里了" in text(student.get(response.headers["Location"]))
    assert members_of(c) == {users["candidate"].id}


def test_the_database_refuses_a_second_membership(app, loaded, users):
    c = make_class(users["instructor"])
    add_member(c, users["candidate"])
    with pytest.raises(IntegrityError):
        with db.session.begin_nested():
            db.session.add(Membership(class_id=c.id, user_id=users["candidate"].id, answers_from=c.created_at))


def test_the_owner_need_not_join(app, loaded, users, as_role):
    c = make_class(users["instructor"], join_code="K7M2PQ")
    teacher = as_role("instructor")
    response = post(teacher, "/classes/join", {"code": "K7M2PQ"})
    assert "你是这个班级的讲师，不需要加入" in text(teacher.get(response.headers["Location"]))
    assert members_of(c) == set()


def test_lists_of_classes(app, loaded, users, as_role):
    mine = make_class(users["instructor"], name="我的班")
    other_teacher = make_user(Role.instructor, nickname="李老师")
    theirs = make_class(other_teacher, name="别人的班")
    add_member(theirs, users["candidate"])
    teacher_page = text(as_role("instructor").get("/classes/"))
    assert "我的班" in teacher_page and "别人的班" not in teacher_page and mine.join_code in teacher_page
    admin_page = text(as_role("admin").get("/classes/"))
    assert "我的班" in admin_page and "别人的班" in admin_page and "讲师 李老师" in admin_page
    student_page = text(as_role("candidate").get("/classes/"))
    assert "别人的班" in student_page and "讲师 李老师" in student_page and "我的班" not in student_page
    assert "创建班级" not in student_page and "加入班级" in student_page


def test_a_member_leaves_and_the_class_no_longer_sees_them(app, loaded, users, as_role):
    c = make_class(users["instructor"])
    add_member(c, users["candidate"])
    student = as_role("candidate")
    response = post(student, f"/classes/{c.id}/leave", page=f"/classes/{c.id}")
    assert response.status_code == 302 and members_of(c) == set()
    assert "已退出班级“周末班”" in text(student.get("/classes/"))
    again = post(student, f"/classes/{c.id}/leave")
    assert again.status_code == 302 and "你不在班级“周末班”里" in text(student.get("/classes/"))
    assert student.get(f"/classes/{c.id}").status_code == 403
    assert "班级里还没有学员" in text(as_role("instructor").get(f"/classes/{c.id}/stats"))


def test_the_instructor_removes_a_student(app, loaded, users, as_role):
    c = make_class(users["instructor"])
    add_member(c, users["candidate"])
    teacher = as_role("instructor")
    page = text(teacher.get(f"/classes/{c.id}"))
    assert "确认移出 考生" in page
    response = post(teacher, f"/classes/{c.id}/students/{users['candidate'].id}/remove", page=f"/classes/{c.id}")
    assert response.status_code == 302 and members_of(c) == set()
    assert "已将考生移出班级" in text(teacher.get(f"/classes/{c.id}"))
    again = post(teacher, f"/classes/{c.id}/students/{users['candidate'].id}/remove", page=f"/classes/{c.id}")
    assert again.status_code == 302 and "考生已经不在班级里了" in text(teacher.get(f"/classes/{c.id}"))


def test_a_new_code_retires_the_old_one(app, loaded, users, as_role):
    c = make_class(users["instructor"], join_code="K7M2PQ")
    add_member(c, users["candidate"])
    teacher = as_role("instructor")
    assert post(teacher, f"/classes/{c.id}/code", page=f"/classes/{c.id}").status_code == 302
    db.session.refresh(c)
    assert c.join_code != "K7M2PQ" and members_of(c) == {users["candidate"].id}
    other = client_for(app, make_user())
    assert other.get("/classes/join/K7M2PQ").status_code == 404
    assert post(other, "/classes/join", {"code": "K7M2PQ"}).status_code == 404
    assert post(other, "/classes/join", {"code": c.join_code}).status_code == 302
    assert len(members_of(c)) == 2


def test_a_taken_code_is_drawn_again(app, loaded, users, as_role, monkeypatch):
    make_class(users["instructor"], join_code="K7M2PQ")
    codes = iter(["K7M2PQ", "K7M2PQ", "HHHHHH"])
    monkeypatch.setattr("training.classes.routes.new_join_code", lambda: next(codes))
    teacher = as_role("instructor")
    response = teacher.post("/classes/new", data={"name": "第二个班", "csrf_token": csrf_from(text(teacher.get("/classes/new")))})
    assert response.status_code == 302
    assert db.session.execute(db.select(Classroom.join_code).where(Classroom.name == "第二个班")).scalar() == "HHHHHH"


def test_an_archived_class_takes_no_one_and_can_be_restored(app, loaded, users, as_role):
    c = make_class(users["instructor"], join_code="K7M2PQ")
    teacher = as_role("instructor")
    assert post(teacher, f"/classes/{c.id}/archive", {"on": "1"}, page=f"/classes/{c.id}").status_code == 302
    db.session.refresh(c)
    assert c.archived
    response = post(as_role("candidate"), "/classes/join", {"code": "K7M2PQ"})
    assert response.status_code == 409 and "已归档，不再接收新成员" in text(response)
    refused = post(teacher, f"/classes/{c.id}/code", page=f"/classes/{c.id}")
    assert refused.status_code == 409 and "已归档" in text(refused)
    assert post(teacher, f"/classes/{c.id}/archive", {"on": "0"}, page=f"/classes/{c.id}").status_code == 302
    db.session.refresh(c)
    assert not c.archived
    bad = post(teacher, f"/classes/{c.id}/archive", {"on": "maybe"}, page=f"/classes/{c.id}")
    assert bad.status_code == 400 and "未知的操作" in text(bad)


@pytest.mark.parametrize("url", ["/classes/999999", "/classes/999999/stats", "/classes/2147483648"])
def test_unknown_classes_are_404(app, loaded, as_role, url):
    response = as_role("admin").get(url)
    assert response.status_code == 404 and ("没有这个班级" in text(response) or "页面不存在" in text(response))


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
                    reason="real concurrent requests need PostgreSQL")
def test_simultaneous_joins_make_one_membership(fresh_app):
    """Twenty tabs of one candidate press 加入 at once: one row, and every request ends in a redirect."""
    app = fresh_app
    teacher = make_user(Role.instructor, username="t@race.local")
    student = make_user(username="s@race.local")
    c = make_class(teacher, join_code="RACE22")
    clients = [client_for(app, student) for _ in range(20)]
    tokens = [csrf_from(text(cl.get("/classes/"))) for cl in clients]
    barrier = threading.Barrier(len(clients))
    statuses = []

    def join(cl, token):
        barrier.wait()
        statuses.append(cl.post("/classes/join", data={"code": "RACE22", "csrf_token": token}).status_code)

    threads = [threading.Thread(target=join, args=pair) for pair in zip(clients, tokens)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert statuses == [302] * len(clients)
    db.session.expire_all()
    assert members_of(c) == {student.id}
