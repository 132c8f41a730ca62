"""Accounts: sign-up, login, logout, roles, CSRF, rate limits, cookies."""
from __future__ import annotations

import os

import pytest

from training.extensions import db
from training.models import Role, User

from support import PASSWORD, csrf_from, make_user


def signup(client, **overrides):
    data = {"nickname": "小王", "username": "wang@example.com", "password": PASSWORD, "confirm": PASSWORD}
    data.update(overrides)
    data["csrf_token"] = csrf_from(client.get("/auth/signup").get_data(as_text=True))
    return client.post("/auth/signup", data=data)


def test_signup_creates_a_candidate_logs_in_and_hashes_the_password(client):
    response = signup(client, username="  Wang@Example.COM ")
    assert response.status_code == 302
    user = db.session.execute(db.select(User)).scalar_one()
    assert user.username == "wang@example.com" and user.role == Role.candidate
    assert PASSWORD not in user.password_hash and user.password_hash.startswith("pbkdf2:sha256:")
    home = client.get("/").get_data(as_text=True)
    assert "小王" in home and "退出" in home


def test_signup_with_a_phone_number(client):
    assert signup(client, username="138-0013-8000").status_code == 302
    assert db.session.execute(db.select(User.username)).scalar_one() == "13800138000"


@pytest.mark.parametrize("field,value,message", [
    ("username", "not-an-address", "请输入有效的邮箱"),
    ("username", "", "请填写邮箱或手机号"),
    ("nickname", "", "请填写昵称"),
    ("nickname", "长" * 41, "昵称最多 40 个字"),
    ("password", "short", "密码长度应为 8–128 位"),
    ("confirm", "different-password", "两次输入的密码不一致"),
])
def test_signup_errors_show_next_to_the_field_and_keep_input(client, field, value, message):
    response = signup(client, **{field: value})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in html
    if field != "nickname":
        assert 'value="小王"' in html  # what the user typed is kept
    assert db.session.execute(db.select(db.func.count()).select_from(User)).scalar_one() == 0


def test_signup_rejects_a_taken_username(client):
    make_user(username="wang@example.com")
    response = signup(client)
    assert response.status_code == 400 and "已经注册" in response.get_data(as_text=True)


def test_login_and_logout(client, auth, users):
    response = auth.login("candidate@test.local")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "退出" in client.get("/").get_data(as_text=True)
    auth.logout()
    assert "登录" in client.get("/").get_data(as_text=True) and "退出" not in client.get("/").get_data(as_text=True)


def test_wrong_password_is_refused_without_saying_which_part_was_wrong(client, auth, users):
    response = auth.login("candidate@test.local", "wrong-password")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "登录名或密码不正确" in html
    assert auth.login("nobody@test.local").status_code == 400


def test_inactive_user_cannot_log_in(client, auth, users):
    users["candidate"].active = False
    db.session.commit()
    assert "已被停用" in auth.login("candidate@test.local").get_data(as_text=True)


@pytest.mark.parametrize("target,expected", [
    ("/kp/abc", "/kp/abc"),
    ("https://evil.example/", "/"),
    ("//evil.example/", "/"),
    ("javascript:alert(1)", "/"),
])
def test_login_follows_next_only_within_the_site(client, users, target, expected):
    token = csrf_from(client.get("/auth/login").get_data(as_text=True))
    response = client.post("/auth/login", query_string={"next": target},
                           data={"username": "candidate@test.local", "password": PASSWORD, "csrf_token": token})
    assert response.headers["Location"] == expected


def test_login_is_rate_limited(app, client, users):
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    token = csrf_from(client.get("/auth/login").get_data(as_text=True))
    codes = [client.post("/auth/login", data={"username": "candidate@test.local", "password": "bad-guess",
                                              "csrf_token": token}).status_code for _ in range(4)]
    assert codes == [400, 400, 400, 429]
    page = client.post("/auth/login", data={"username": "x", "password": "y", "csrf_token": token})
    assert page.status_code == 429 and "操作太频繁" in page.get_data(as_text=True)
    assert client.get("/auth/login").status_code == 200  # only POSTs count


@pytest.mark.parametrize("token", [None, "forged-token"])
def test_forms_without_a_valid_csrf_token_are_rejected(client, users, token):
    data = {"username": "candidate@test.local", "password": PASSWORD}
    if token:
        data["csrf_token"] = token
    response = client.post("/auth/login", data=data)
    assert response.status_code == 400
    assert "CSRF 校验失败" in response.get_data(as_text=True)


def test_logout_needs_post_with_csrf(client, auth, users):
    auth.login("candidate@test.local")
    assert client.get("/auth/logout").status_code == 405
    assert client.post("/auth/logout").status_code == 400
    assert "退出" in client.get("/").get_data(as_text=True)


def test_session_cookie_is_httponly_and_samesite(client, auth, users):
    response = auth.login("candidate@test.local")
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_admin_makes_a_user_an_instructor(as_role, users):
    admin = as_role("admin")
    target = users["candidate"]
    page = admin.get("/admin/users").get_data(as_text=True)
    assert target.username in page
    token = csrf_from(page)
    response = admin.post(f"/admin/users/{target.id}/role", data={f"u{target.id}-role": "instructor",
                                                                  f"u{target.id}-csrf_token": token})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, target.id).role == Role.instructor
    assert "设为讲师" in admin.get("/admin/users").get_data(as_text=True)


def test_admin_cannot_demote_themselves(as_role, users):
    admin = as_role("admin")
    me = users["admin"]
    token = csrf_from(admin.get("/admin/users").get_data(as_text=True))
    admin.post(f"/admin/users/{me.id}/role", data={f"u{me.id}-role": "candidate", f"u{me.id}-csrf_token": token})
    db.session.expire_all()
    assert db.session.get(User, me.id).role == Role.admin


def test_admin_role_change_rejects_unknown_roles_and_users(as_role, users):
    admin = as_role("admin")
    target = users["candidate"]
    token = csrf_from(admin.get("/admin/users").get_data(as_text=True))
    bad = admin.post(f"/admin/users/{target.id}/role", data={f"u{target.id}-role": "superuser",
                                                             f"u{target.id}-csrf_token": token})
    assert bad.status_code == 400 and "角色无效" in bad.get_data(as_text=True)
    assert admin.post("/admin/users/99999/role", data={"csrf_token": token}).status_code == 404


def test_cli_creates_users_and_sets_roles(runner):
    result = runner.invoke(args=["users", "create", "T@Example.com", "--nickname", "张老师", "--role", "instructor",
                                 "--password", "long-enough-pw"])
    assert result.exit_code == 0, result.output
    user = db.session.execute(db.select(User)).scalar_one()
    assert user.username == "t@example.com" and user.role == Role.instructor and user.check_password("long-enough-pw")
    assert runner.invoke(args=["users", "set-role", "t@example.com", "admin"]).exit_code == 0
    db.session.expire_all()
    assert db.session.execute(db.select(User)).scalar_one().role == Role.admin


def test_production_hashing_is_scrypt():
    from training import create_app
    app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with app.app_context():
        user = User(username="a@b.cn", nickname="a")
        user.set_password("long-enough-pw")
        assert user.password_hash.startswith("scrypt:") and user.check_password("long-enough-pw")


def login_attempts_across_workers(storage_uri: str) -> list[int]:
    """Three failed logins on one app, then one on a freshly built app (a second worker)."""
    from training import create_app
    from training.config import TestConfig
    from training.extensions import db as _db

    codes = []
    for attempts in (3, 1):
        app = create_app(TestConfig)  # init_app builds a new limiter storage from this config
        app.config.update(RATELIMIT_STORAGE_URI=storage_uri, LOGIN_RATE_LIMIT="3 per minute", WTF_CSRF_ENABLED=False)
        from training.extensions import limiter
        limiter.init_app(app)
        with app.app_context():
            _db.create_all()
            client = app.test_client()
            codes += [client.post("/auth/login", data={"username": "x@y.cn", "password": "bad-pass"}).status_code
                      for _ in range(attempts)]
    return codes


def test_in_memory_limits_do_not_cross_workers():
    """The control for the Redis test below: without shared storage a new worker starts from zero."""
    assert login_attempts_across_workers("memory://") == [400, 400, 400, 400]


@pytest.mark.skipif(not os.environ.get("TEST_REDIS_URL"), reason="set TEST_REDIS_URL to test shared rate limits")
def test_login_limits_are_shared_across_workers_through_redis():
    import redis
    url = os.environ["TEST_REDIS_URL"]
    redis.Redis.from_url(url).flushdb()
    try:
        assert login_attempts_across_workers(url) == [400, 400, 400, 429]
    finally:
        redis.Redis.from_url(url).flushdb()
