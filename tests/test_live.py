"""课堂互动 through the app: building a session, joining, polling, answering at most once, results.

Each rule that must hold with many workers is checked on what is stored, not only on status codes.
"""
from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy.exc import IntegrityError

from training.extensions import db
from training.grading.live import ACCURACY, SPEED
from training.live.service import create_session
from training.models import LIVE, LivePlayer, LiveSession, Question, Response, ReviewCard
from training.models.base import utcnow

from support import csrf_from


def db_url_is_postgresql() -> bool:
    from training.config import TestConfig
    return TestConfig.SQLALCHEMY_DATABASE_URI.startswith("postgresql")


def connection_of_the_test():
    """The fast lane's statements run on the test's own connection, inside its transaction (PostgreSQL)."""
    conn = db.session.connection()
    return conn.connection.driver_connection if conn.dialect.name == "postgresql" else None


@pytest.fixture
def live_app(app):
    app.config.update(LIVE_LEAD_SECONDS=0, LIVE_VERSION_TTL=0)
    app.extensions.pop("live_cache", None)  # ids come round again after each test's rollback
    app.extensions["live_fast_connection"] = connection_of_the_test
    yield app
    app.extensions.pop("live_fast_connection", None)


def questions(n: int = 3) -> list[Question]:
    return list(db.session.execute(db.select(Question).where(Question.qtype.in_(("单选", "多选", "判断")),
                                                             Question.retired.is_(False))
                                   .order_by(Question.qtype.desc(), Question.id).limit(n)).scalars())


def make_live(owner, qs=None, mode=SPEED, seconds=20) -> LiveSession:
    """Test data builder: a session in its lobby over the given questions."""
    qs = qs or questions()
    live = create_session(db.session, owner.id, "测试课堂", [q.id for q in qs], seconds, mode)
    db.session.commit()
    return live


class Phone:
    """A phone: its own client, the token it keeps, and the ETag it saw last."""

    def __init__(self, app, live: LiveSession, nickname: str, client=None):
        self.client = client or app.test_client()
        self.live = live
        page = self.client.get(f"/play/{live.code}").get_data(as_text=True)
        self.join_response = self.client.post("/play/join", data={"code": live.code, "nickname": nickname,
                                                                  "csrf_token": csrf_from(page)})
        cookie = self.client.get_cookie(f"live_{live.id}", path="/play/")
        self.token = cookie.value if cookie else ""
        self.etag = None

    def state(self, token=None):
        headers = {"X-Player-Token": self.token if token is None else token}
        if self.etag:
            headers["If-None-Match"] = self.etag
        r = self.client.get(f"/play/s/{self.live.id}/state", headers=headers)
        if r.status_code == 200:
            self.etag = r.headers["ETag"]
        return r

    def answer(self, slot, value, token=None):
        return self.client.post(f"/play/s/{self.live.id}/answer", json={"slot": slot, "answer": value},
                                headers={"X-Player-Token": self.token if token is None else token})

    @property
    def player(self) -> LivePlayer:
        from training.live.service import token_hash
        return db.session.execute(db.select(LivePlayer).where(LivePlayer.token_hash == token_hash(self.token))).scalar_one()


def control(client, live: LiveSession, action: str, version: int | None = None):
    token = csrf_from(client.get(f"/live/{live.id}").get_data(as_text=True))
    data = {"action": action, "csrf_token": token}
    if version is not None:
        data["version"] = str(version)
    return client.post(f"/live/{live.id}/control", data=data)


def right_answer(q: Question):
    answer = q.payload.answer
    return ("true" if answer else "false") if q.qtype == "判断" else answer


def wrong_answer(q: Question):
    p = q.payload
    if q.qtype == "判断":
        return "false" if p.answer else "true"
    right = p.answer if isinstance(p.answer, list) else [p.answer]
    wrong = next(o.key for o in p.options if o.key not in right)
    return [wrong] if q.qtype == "多选" else wrong


@pytest.fixture
def teacher(as_role):
    return as_role("instructor")


# ------------------------------------------------------------------ building and the projector


def test_instructor_builds_a_session_and_the_projector_shows_code_and_qr(live_app, loaded, teacher, users):
    page = teacher.get("/live/").get_data(as_text=True)
    assert "速度加分" in page and "round(1000 × (1 − 用时 ÷ (2 × 限时)))" in page
    r = teacher.post("/live/new", data={"title": "周三晚课", "source": "filter", "area": "", "topic": "", "qtype": "单选",
                                        "count": "4", "order": "seq", "seconds": "20", "mode": "speed",
                                        "csrf_token": csrf_from(page)})
    assert r.status_code == 302
    live = db.session.execute(db.select(LiveSession).where(LiveSession.title == "周三晚课")).scalar_one()
    assert len(live.question_ids) == 4 and live.phase == "lobby" and re.fullmatch(r"\d{6}", live.code)
    assert all(db.session.get(Question, q).qtype == "单选" for q in live.question_ids)
    host = teacher.get(r.headers["Location"]).get_data(as_text=True)
    assert live.code[:3] in host and live.code[3:] in host and "人已加入" in host
    assert f"/live/{live.id}/qr.svg" in host and f"/play/{live.code}" in host
    svg = teacher.get(f"/live/{live.id}/qr.svg")
    assert svg.mimetype == "image/svg+xml" and b"<svg" in svg.data


def test_an_empty_choice_is_refused_next_to_the_field(live_app, loaded, teacher):
    page = teacher.get("/live/").get_data(as_text=True)
    r = teacher.post("/live/new", data={"title": "", "source": "filter", "count": "0", "seconds": "20", "mode": "speed",
                                        "order": "seq", "csrf_token": csrf_from(page)})
    assert r.status_code == 400
    text = r.get_data(as_text=True)
    assert "请填写课堂名称" in text and "题数在 1 到 50 之间" in text


def test_another_instructors_session_is_refused(live_app, loaded, users, as_role):
    from support import make_user
    from training.models import Role
    other = make_user(Role.instructor)
    live = make_live(other)
    assert as_role("instructor").get(f"/live/{live.id}").status_code == 403
    assert as_role("admin").get(f"/live/{live.id}").status_code == 200


# ------------------------------------------------------------------ joining


def test_join_sets_a_token_and_rejoining_is_the_same_player(live_app, loaded, users):
    live = make_live(users["instructor"])
    phone = Phone(live_app, live, "小明")
    assert phone.join_response.status_code == 302 and phone.token
    page = phone.client.get(f"/play/{live.code}").get_data(as_text=True)
    assert f'data-token="{phone.token}"' in page
    # a reload, a closed browser, another network: the same token → the same player, no new row
    again = phone.client.post("/play/join", data={"code": live.code, "nickname": "", "token": phone.token,
                                                  "csrf_token": csrf_from(page)})
    assert again.status_code == 302
    # localStorage only (the cookie was lost): the join form carries the token
    fresh = live_app.test_client()
    form = fresh.get(f"/play/{live.code}").get_data(as_text=True)
    fresh.post("/play/join", data={"code": live.code, "nickname": "小明", "token": phone.token,
                                   "csrf_token": csrf_from(form)})
    assert fresh.get_cookie(f"live_{live.id}", path="/play/").value == phone.token
    assert db.session.execute(db.select(db.func.count()).select_from(LivePlayer)
                              .where(LivePlayer.session_id == live.id)).scalar_one() == 1


def test_a_signed_in_candidate_rejoins_on_another_device_as_the_same_player(live_app, loaded, users, as_role):
    live = make_live(users["instructor"])
    live_app.config["LIVE_VERSION_TTL"] = 60  # the old token is cached by this worker: still refused
    first = Phone(live_app, live, "考生甲", client=as_role("candidate"))
    player_id = first.player.id
    assert first.state().status_code == 200
    second = Phone(live_app, live, "别的名字", client=as_role("candidate"))
    assert second.player.id == player_id and second.player.user_id == users["candidate"].id
    assert second.player.nickname == "考生甲"
    moved = first.state()
    assert moved.status_code == 403 and "另一台设备" in moved.json["message"]  # the token moved to the newer device
    assert second.state().status_code == 200


def test_a_duplicate_nickname_is_suffixed(live_app, loaded, users):
    live = make_live(users["instructor"])
    names = [Phone(live_app, live, "小明").player.nickname for _ in range(3)]
    assert names == ["小明", "小明 2", "小明 3"]


@pytest.mark.parametrize("code, nickname, status, message", [
    ("999999", "小明", 404, "没有找到这个课堂码"),
    ("12ab", "小明", 400, "6 位数字课堂码"),
    ("", "小明", 400, "6 位数字课堂码"),
    (None, "", 400, "请填写昵称"),
    (None, "长" * 200, 400, "最多 12 个字"),
    (None, "<img src=x onerror=alert(1)>", 400, "不能包含 &lt; 或 &gt;"),
])
def test_bad_joins_are_answered_in_chinese_and_keep_what_was_typed(live_app, loaded, users, code, nickname,
                                                                  status, message):
    live = make_live(users["instructor"])
    if live.code == "999999":
        pytest.skip("the random code happened to be the unknown one")
    client = live_app.test_client()
    token = csrf_from(client.get("/play/").get_data(as_text=True))
    r = client.post("/play/join", data={"code": live.code if code is None else code, "nickname": nickname,
                                        "csrf_token": token})
    text = r.get_data(as_text=True)
    assert r.status_code == status and message in text
    assert "<img src=x" not in text  # what was typed is shown escaped
    assert db.session.execute(db.select(db.func.count()).select_from(LivePlayer)).scalar_one() == 0


def test_a_finished_session_and_a_locked_room(live_app, loaded, users, teacher):
    live = make_live(users["instructor"])
    inside = Phone(live_app, live, "先到")
    control(teacher, live, "lock")
    late = Phone(live_app, live, "后到")
    assert late.join_response.status_code == 403 and "老师已锁定课堂" in late.join_response.get_data(as_text=True)
    page = inside.client.get(f"/play/{live.code}").get_data(as_text=True)
    assert inside.client.post("/play/join", data={"code": live.code, "nickname": "先到", "csrf_token": csrf_from(page)}
                              ).status_code == 302  # those inside may come back
    control(teacher, live, "finish")
    ended = Phone(live_app, live, "太晚")
    assert ended.join_response.status_code == 410 and "已经结束" in ended.join_response.get_data(as_text=True)
    assert live_app.test_client().get(f"/play/{live.code}").status_code == 410


# ------------------------------------------------------------------ polling


def test_polls_are_304_until_the_state_changes(live_app, loaded, users, teacher):
    live = make_live(users["instructor"])
    phone = Phone(live_app, live, "小明")
    first = phone.state()
    assert first.status_code == 200 and first.json["phase"] == "lobby" and first.json["me"]["nickname"] == "小明"
    assert phone.state().status_code == 304
    control(teacher, live, "start")
    changed = phone.state()
    assert changed.status_code == 200 and changed.json["phase"] == "question"
    q = changed.json["question"]
    assert q["number"] == 1 and q["options"] and "answer" not in q and changed.json["clock"]["closes_in_ms"] > 15000
    assert phone.state().status_code == 304


@pytest.mark.parametrize("token, message", [("", "身份凭证无效"), ("forged-token-123", "身份凭证无效")])
def test_a_missing_or_forged_token_is_refused(live_app, loaded, users, token, message):
    live = make_live(users["instructor"])
    phone = Phone(live_app, live, "小明")
    for r in (phone.state(token=token), phone.answer(0, "a", token=token)):
        assert r.status_code == 403 and message in r.json["message"]


def test_a_token_of_another_session_is_refused(live_app, loaded, users):
    one, two = make_live(users["instructor"]), make_live(users["instructor"])
    phone = Phone(live_app, one, "小明")
    r = phone.client.get(f"/play/s/{two.id}/state", headers={"X-Player-Token": phone.token})
    assert r.status_code == 403


# ------------------------------------------------------------------ answering


def open_first(teacher, live, phone):
    control(teacher, live, "start")
    return phone.state().json["question"]


def test_an_answer_is_stored_once_and_a_repeat_gets_the_first(live_app, loaded, users, teacher):
    qs = questions()
    live = make_live(users["instructor"], qs)
    phone = Phone(live_app, live, "小明")
    open_first(teacher, live, phone)
    first = phone.answer(0, right_answer(qs[0]))
    assert first.status_code == 200 and first.json["first"] is True
    again = phone.answer(0, wrong_answer(qs[0]))
    assert again.status_code == 200 and again.json["first"] is False and "第一次提交为准" in again.json["message"]
    rows = db.session.execute(db.select(Response).where(Response.live_session_id == live.id)).scalars().all()
    assert len(rows) == 1
    row = rows[0]
    assert (row.context, row.slot, row.question_id, row.version_id, row.score) == (LIVE, 0, qs[0].id, qs[0].version_id, 1.0)
    assert row.user_id is None and row.live_player_id == phone.player.id
    assert 500 <= row.points <= 1000 and row.points_possible == 1000 and row.time_ms is not None


def test_the_database_refuses_a_second_answer_and_a_live_row_without_a_player(live_app, loaded, users, teacher):
    qs = questions()
    live = make_live(users["instructor"], qs)
    phone = Phone(live_app, live, "小明")
    open_first(teacher, live, phone)
    phone.answer(0, right_answer(qs[0]))
    common = dict(context=LIVE, live_session_id=live.id, slot=0, question_id=qs[0].id, version_id=qs[0].version_id)
    for row in (Response(live_player_id=phone.player.id, **common),  # one answer per player and question
                Response(**common),  # a live answer names its player
                Response(context="practice", slot=0, question_id=qs[0].id, version_id=qs[0].version_id,
                         practice_session_id=None)):  # nobody answered, and no context
        with pytest.raises(IntegrityError):
            with db.session.begin_nested():
                db.session.add(row)


def test_speed_and_accuracy_points(live_app, loaded, users, teacher):
    qs = questions()
    for mode in (SPEED, ACCURACY):
        live = make_live(users["instructor"], qs, mode=mode)
        right, wrong = Phone(live_app, live, "对"), Phone(live_app, live, "错")
        open_first(teacher, live, right)
        live.opens_at = utcnow() - timedelta(seconds=10)  # ten of twenty seconds gone
        live.deadline_at = live.opens_at + timedelta(seconds=20)
        db.session.commit()
        right.answer(0, right_answer(qs[0]))
        wrong.answer(0, wrong_answer(qs[0]))
        points = dict(db.session.execute(db.select(Response.live_player_id, Response.points)
                                         .where(Response.live_session_id == live.id)).all())
        expected = range(745, 751) if mode == SPEED else range(1000, 1001)
        assert points[right.player.id] in expected and points[wrong.player.id] == 0


@pytest.mark.parametrize("when, message", [
    ("lobby", "还没有开始"), ("early", "还没到作答时间"), ("late", "作答时间已到"), ("revealed", "已经结束"),
    ("next_slot", "还没有开始"),
])
def test_answers_outside_the_window_are_refused_and_not_counted(live_app, loaded, users, teacher, when, message):
    qs = questions()
    live = make_live(users["instructor"], qs)
    phone = Phone(live_app, live, "小明")
    slot = 0
    if when != "lobby":
        control(teacher, live, "start")
        db.session.refresh(live)
    if when == "early":
        live.opens_at = utcnow() + timedelta(seconds=5)
        live.deadline_at = live.opens_at + timedelta(seconds=20)
    elif when == "late":
        live.deadline_at = utcnow() - timedelta(seconds=1.5)  # past the one-second grace
    elif when == "revealed":
        control(teacher, live, "reveal")
    elif when == "next_slot":
        slot = 1
    db.session.commit()
    r = phone.answer(slot, right_answer(qs[slot]))
    assert r.status_code == 409 and message in r.json["message"]
    assert db.session.execute(db.select(db.func.count()).select_from(Response)
                              .where(Response.live_session_id == live.id)).scalar_one() == 0


@pytest.mark.parametrize("value", [None, "zz", ["a", "a"], {"x": 1}, 12, "<script>"])
def test_an_answer_that_cannot_be_one_is_a_400(live_app, loaded, users, teacher, value):
    live = make_live(users["instructor"])
    phone = Phone(live_app, live, "小明")
    open_first(teacher, live, phone)
    r = phone.answer(0, value)
    assert r.status_code == 400 and r.json["message"]
    assert phone.answer("x", "a").status_code == 400


def test_a_signed_in_candidates_answer_goes_into_their_history(live_app, loaded, users, teacher, as_role):
    qs = questions()
    live = make_live(users["instructor"], qs)
    phone = Phone(live_app, live, "考生", client=as_role("candidate"))
    open_first(teacher, live, phone)
    phone.answer(0, wrong_answer(qs[0]))
    row = db.session.execute(db.select(Response).where(Response.live_session_id == live.id)).scalar_one()
    assert row.user_id == users["candidate"].id and row.score == 0
    card = db.session.execute(db.select(ReviewCard).where(ReviewCard.user_id == users["candidate"].id,
                                                          ReviewCard.question_id == qs[0].id)).scalar_one()
    assert card.last_response_id == row.id and card.reviews == 1
    wrong = phone.client.get("/practice/wrong").get_data(as_text=True)
    assert qs[0].title in wrong and "（课堂互动）" in wrong
    csv = phone.client.get("/progress/export.csv").get_data(as_text=True)
    assert "课堂互动" in csv and qs[0].title in csv


def test_a_flood_from_one_phone_is_limited(live_app, loaded, users, teacher):
    live_app.config["LIVE_ANSWER_LIMIT"] = "5 per minute"
    live = make_live(users["instructor"])
    phone, other = Phone(live_app, live, "刷屏"), Phone(live_app, live, "安静")
    open_first(teacher, live, phone)
    codes = [phone.answer(0, "no-such-option").status_code for _ in range(8)]
    assert codes[:5] == [400] * 5 and codes[5:] == [429] * 3
    assert "太频繁" in phone.answer(0, "x").json["message"] or phone.answer(0, "x").status_code == 429
    assert other.answer(0, "no-such-option").status_code == 400  # another phone is not held up


# ------------------------------------------------------------------ the instructor's controls, reveal, results


def test_a_double_click_moves_the_session_once(live_app, loaded, users, teacher):
    live = make_live(users["instructor"])
    version = live.state_version
    control(teacher, live, "start", version)
    control(teacher, live, "reveal", version + 1)
    control(teacher, live, "next", version + 2)
    control(teacher, live, "next", version + 2)  # the same click again, from the page drawn before
    db.session.refresh(live)
    assert (live.phase, live.position, live.state_version) == ("question", 1, version + 3)


def test_reveal_tells_each_phone_its_result_and_rank(live_app, loaded, users, teacher):
    qs = questions()
    live = make_live(users["instructor"], qs)
    a, b, c = Phone(live_app, live, "甲"), Phone(live_app, live, "乙"), Phone(live_app, live, "丙")
    open_first(teacher, live, a)
    a.answer(0, right_answer(qs[0]))
    b.answer(0, wrong_answer(qs[0]))
    control(teacher, live, "reveal")
    sa, sb, sc = a.state().json, b.state().json, c.state().json
    assert sa["phase"] == "reveal" and sa["me"]["correct"] is True and sa["me"]["rank"] == 1 and sa["me"]["points"] > 0
    assert sb["me"]["correct"] is False and sb["me"]["points"] == 0 and sb["me"]["rank"] == 2
    assert sc["me"]["answered"] is False and sc["me"]["rank"] == 2
    assert sa["reveal"]["answered"] == 2 and sa["reveal"]["correct"] == 1 and sa["top"][0]["nickname"] == "甲"
    host = teacher.get(f"/live/{live.id}").get_data(as_text=True)
    assert "✓ 正确答案" in host and "前 5 名" in host and "2 人作答，1 人答对" in host


def test_a_removed_player_is_told_and_left_out(live_app, loaded, users, teacher):
    qs = questions()
    live = make_live(users["instructor"], qs)
    keep, out = Phone(live_app, live, "留下"), Phone(live_app, live, "捣乱")
    page = teacher.get(f"/live/{live.id}").get_data(as_text=True)
    r = teacher.post(f"/live/{live.id}/players/{out.player.id}/remove", data={"csrf_token": csrf_from(page)})
    assert r.status_code == 302
    denied = out.state()
    assert denied.status_code == 403 and "移出" in denied.json["message"]
    status = teacher.get(f"/live/{live.id}/status").json
    assert status["players"] == 1 and [n["nickname"] for n in status["names"]] == ["留下"]
    assert keep.state().status_code == 200


def test_results_page_and_downloads(live_app, loaded, users, teacher):
    qs = questions(2)
    live = make_live(users["instructor"], qs)
    a, b = Phone(live_app, live, "甲"), Phone(live_app, live, "=1+1")
    open_first(teacher, live, a)
    a.answer(0, right_answer(qs[0]))
    b.answer(0, wrong_answer(qs[0]))
    for action in ("reveal", "next", "reveal", "next"):
        control(teacher, live, action)
    db.session.refresh(live)
    assert live.phase == "finished" and live.finished_at is not None
    page = teacher.get(f"/live/{live.id}/results").get_data(as_text=True)
    assert "逐题统计" in page and "50%（1 人答对）" in page and "选得最多的错误选项" in page
    players = teacher.get(f"/live/{live.id}/results.csv").get_data(as_text=True)
    assert players.startswith("\ufeff名次,昵称") and "'=1+1" in players  # a formula is defused
    per_q = teacher.get(f"/live/{live.id}/results.csv?part=questions").get_data(as_text=True)
    assert per_q.count("\r\n") == 3 and "50%" in per_q
    book = load_workbook(io.BytesIO(teacher.get(f"/live/{live.id}/results.xlsx").data))
    assert book.sheetnames == ["玩家", "题目", "说明"]
    rows = list(book["玩家"].iter_rows(values_only=True))
    assert rows[1][1] == "甲" and rows[1][0] == 1 and rows[2][1] == "'=1+1"
    final = a.state().json
    assert final["phase"] == "finished" and final["me"]["rank"] == 1


def test_the_poll_shortcut_answers_304_without_the_app_and_never_for_a_removed_player(live_app, loaded, users, teacher):
    live_app.config["LIVE_VERSION_TTL"] = 60  # this worker trusts the version it read: polls may skip Flask
    live = make_live(users["instructor"])
    phone, other = Phone(live_app, live, "小明"), Phone(live_app, live, "小红")
    assert phone.state().status_code == 200 and other.state().status_code == 200
    statements = []
    from sqlalchemy import event
    listen = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listen)
    try:
        quiet = phone.state()
        assert quiet.status_code == 304 and quiet.headers["ETag"] == phone.etag
        assert "Content-Security-Policy" not in quiet.headers  # answered before the app: nothing ran
        assert statements == []
        forged = phone.client.get(f"/play/s/{live.id}/state", headers={"X-Player-Token": "forged",
                                                                      "If-None-Match": phone.etag})
        assert forged.status_code == 403  # an unknown token goes on to the view
    finally:
        event.remove(db.engine, "before_cursor_execute", listen)
    page = teacher.get(f"/live/{live.id}").get_data(as_text=True)
    teacher.post(f"/live/{live.id}/players/{other.player.id}/remove", data={"csrf_token": csrf_from(page)})
    assert other.state().status_code == 403
    assert phone.state().status_code == 200  # the version moved on: the whole state again


on_postgresql = pytest.mark.skipif(not db_url_is_postgresql(), reason="the fast lane's statements are PostgreSQL's")


def answered_before_the_app(response) -> bool:
    return "Content-Security-Policy" not in response.headers  # the app's after_request hook never ran


@on_postgresql
def test_the_fast_lane_stores_an_answer_in_one_statement_and_a_repeat_gets_the_first(live_app, loaded, users, teacher):
    live_app.config["LIVE_VERSION_TTL"] = 60
    qs = questions()
    live = make_live(users["instructor"], qs)
    phone, other = Phone(live_app, live, "小明"), Phone(live_app, live, "小红")
    open_first(teacher, live, phone)
    other.state()
    right, wrong_value = right_answer(qs[0]), wrong_answer(qs[0])
    statements = []
    from sqlalchemy import event
    listen = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listen)
    try:
        first, again = phone.answer(0, right), phone.answer(0, wrong_value)
        wrong = other.answer(0, wrong_value)
    finally:
        event.remove(db.engine, "before_cursor_execute", listen)
    assert statements == []  # no ORM, no Flask: the fast lane's own statements only
    assert all(map(answered_before_the_app, (first, again, wrong)))
    assert first.status_code == 200 and first.json["first"] is True and first.json["slot"] == 0
    assert again.status_code == 200 and again.json["first"] is False and "第一次提交为准" in again.json["message"]
    assert again.json["answer"] == first.json["answer"]
    rows = {r.live_player_id: r for r in db.session.execute(
        db.select(Response).where(Response.live_session_id == live.id)).scalars()}
    mine, theirs = rows[phone.player.id], rows[other.player.id]
    assert len(rows) == 2 and mine.score == 1.0 and theirs.score == 0.0 and theirs.points == 0
    assert (mine.context, mine.slot, mine.question_id, mine.version_id, mine.user_id) == (LIVE, 0, qs[0].id,
                                                                                         qs[0].version_id, None)
    assert 500 <= mine.points <= 1000 and mine.points_possible == 1000 and 0 <= mine.time_ms <= 20000
    assert mine.answered_at is not None and mine.graded_at == mine.answered_at and not mine.overtime


@on_postgresql
def test_an_answer_after_another_worker_revealed_is_refused_by_the_database(live_app, loaded, users, teacher):
    """This worker still trusts its snapshot of the open question; the session row says otherwise."""
    live_app.config["LIVE_VERSION_TTL"] = 60
    qs = questions()
    live = make_live(users["instructor"], qs)
    phone = Phone(live_app, live, "小明")
    open_first(teacher, live, phone)
    db.session.execute(db.update(LiveSession).where(LiveSession.id == live.id)
                       .values(phase="reveal", state_version=LiveSession.state_version + 1))  # as _bump does
    late = phone.answer(0, right_answer(qs[0]))
    assert late.status_code == 409 and late.json["error"] == "closed"
    assert db.session.execute(db.select(Response).where(Response.live_session_id == live.id)).first() is None


@on_postgresql
def test_while_a_thread_builds_the_new_version_other_polls_get_the_one_before(live_app, loaded, users, teacher):
    live = make_live(users["instructor"])
    phone = Phone(live_app, live, "小明")
    assert phone.state().json["phase"] == "lobby"
    control(teacher, live, "start")
    store = live_app.extensions["live_cache"]
    with store.lock:  # another thread of this worker is building the new version
        waiting = phone.state()
    assert waiting.status_code == 304 and answered_before_the_app(waiting)
    assert phone.state().json["phase"] == "question"  # built now: the new state


def test_a_flood_of_polls_is_limited_per_phone(live_app, loaded, users):
    live_app.config["LIVE_POLL_LIMIT"] = "5 per minute"
    live = make_live(users["instructor"])
    phone, other = Phone(live_app, live, "刷新"), Phone(live_app, live, "安静")
    codes = [phone.state().status_code for _ in range(7)]
    assert codes[:1] == [200] and set(codes[1:5]) == {304} and codes[5:] == [429, 429]
    assert "太频繁" in phone.state().json["message"]
    assert other.state().status_code == 200


def test_a_new_question_reaches_phones_without_a_query_before_it_opens(live_app, loaded, users, teacher):
    live_app.config.update(LIVE_VERSION_TTL=60, LIVE_LEAD_SECONDS=30)
    live = make_live(users["instructor"])
    phone = Phone(live_app, live, "小明")
    phone.state()
    control(teacher, live, "start")
    assert phone.state().json["phase"] == "question"  # the view: this worker reads the new version
    phone.etag = None  # a reload: the whole state again
    statements = []
    from sqlalchemy import event
    listen = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listen)
    try:
        again = phone.state()
    finally:
        event.remove(db.engine, "before_cursor_execute", listen)
    assert again.status_code == 200 and statements == []
    body = again.json
    assert body["question"]["number"] == 1 and body["me"]["answered"] is False and body["clock"]["opens_in_ms"] > 20000


def test_a_session_run_for_a_class_counts_in_its_item_statistics(live_app, loaded, users, teacher, as_role):
    from class_builders import add_member, make_class
    from support import make_user
    from training.models import Role
    mine = make_class(users["instructor"], name="周三晚班")
    others = make_class(make_user(Role.instructor), name="别人的班")
    page = teacher.get("/live/").get_data(as_text=True)
    assert "周三晚班" in page and "别人的班" not in page and "不关联班级" in page
    form = {"title": "班级课堂", "source": "filter", "area": "", "topic": "", "qtype": "判断", "count": "1",
            "order": "seq", "seconds": "20", "mode": "accuracy", "csrf_token": csrf_from(page)}
    refused = teacher.post("/live/new", data={**form, "klass": str(others.id)})
    assert refused.status_code == 400 and not db.session.execute(
        db.select(LiveSession).where(LiveSession.title == "班级课堂")).first()
    assert teacher.post("/live/new", data={**form, "klass": str(mine.id)}).status_code == 302
    live = db.session.execute(db.select(LiveSession).where(LiveSession.title == "班级课堂")).scalar_one()
    assert live.class_id == mine.id
    q = db.session.get(Question, live.question_ids[0])
    add_member(mine, users["candidate"])
    member = Phone(live_app, live, "学员", client=as_role("candidate"))
    guest = Phone(live_app, live, "旁听")
    open_first(teacher, live, member)
    assert member.answer(0, right_answer(q)).status_code == 200
    assert guest.answer(0, wrong_answer(q)).status_code == 200
    stats = teacher.get(f"/classes/{mine.id}/stats/questions").get_data(as_text=True)
    row = next(r for r in re.findall(r"<tr>.*?</tr>", stats, flags=re.S) if q.id in r)
    assert 'data-label="作答人数">2<' in row and 'data-label="作答次数">2<' in row  # the guest counts too
    assert "班级课堂" in stats and "课堂互动" in stats
    assert "周三晚班" in teacher.get(f"/live/{live.id}/results").get_data(as_text=True)
    # another class's statistics do not see the session
    other_rows = as_role("admin").get(f"/classes/{others.id}/stats/questions").get_data(as_text=True)
    assert q.id not in other_rows and "班级课堂" not in other_rows


def test_regrading_a_live_answer_applies_the_sessions_scoring_rule(live_app, loaded, users, teacher, runner):
    from test_history import edit_everything
    from training.content.sync import sync_content
    q = db.session.execute(db.select(Question).where(Question.qtype == "判断", Question.retired.is_(False))
                           .order_by(Question.id)).scalars().first()
    live = make_live(users["instructor"], [q], mode=SPEED, seconds=20)
    phone = Phone(live_app, live, "小红")
    open_first(teacher, live, phone)
    phone.answer(0, wrong_answer(q))
    row = db.session.execute(db.select(Response).where(Response.live_session_id == live.id)).scalar_one()
    assert (row.score, row.points) == (0.0, 0)
    sync_content(db.session, edit_everything(loaded, {q.id}, set(), {}))  # the key is flipped
    db.session.commit()
    done = runner.invoke(args=["content", "regrade", q.id, "--reason", "答案有误"])
    assert done.exit_code == 0 and "课堂互动 1 条" in done.output, done.output
    db.session.expire_all()
    row = db.session.get(Response, row.id)
    expected = round(1000 * (1 - min(row.time_ms, 20000) / 40000))  # the speed rule, not 1000 × score
    assert row.score == 1.0 and abs(row.points - expected) <= 1 and row.points > 500
