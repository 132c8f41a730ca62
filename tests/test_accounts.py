"""Accounts hardened: password strength (zxcvbn), e-mail that looks like one, per-account login
throttle in the database, sessions that end on logout and password change, password reset by an
admin's one-time link, disabled accounts."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from training.auth.passwords import judge
from training.auth.throttle import FREE_ATTEMPTS, MAX_DELAY, delay_after
from training.extensions import db
from training.models import PasswordReset, User
from training.models.base import utcnow

from support import PASSWORD, csrf_from, make_response


def signup(client, **overrides):
    data = {"nickname": "小王", "username": "wang@example.com", "password": PASSWORD, "confirm": PASSWORD}
    data.update(overrides)
    data["csrf_token"] = csrf_from(client.get("/auth/signup").get_data(as_text=True))
    return client.post("/auth/signup", data=data)


def login(client, username, password=PASSWORD, **kw):
    token = csrf_from(client.get("/auth/login").get_data(as_text=True))
    return client.post("/auth/login", data={"username": username, "password": password, "csrf_token": token, **kw})


# --- passwords and login names ---------------------------------------------------------------

@pytest.mark.parametrize("password,message", [
    ("12345678", "最常用的 10 个密码之一"), ("password", "最常用的 10 个密码之一"), ("qwertyuiop", "密码太容易被猜到"),
    ("wang@example.com", "不能包含你的登录名或昵称"), ("wang-2026-wang", "不能包含你的登录名或昵称"),
])
def test_weak_passwords_are_refused_with_the_reason_in_chinese(client, password, message):
    response = signup(client, password=password, confirm=password)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and message in html
    assert "zxcvbn" in html  # the rule is on the form
    assert db.session.execute(db.select(db.func.count()).select_from(User)).scalar_one() == 0


def test_judge_takes_the_users_own_words_into_account():
    assert judge("xiaowang-1987", "xiaowang@163.com", "小王").ok is False
    assert judge("xiaowang-1987", "li@163.com", "小李").ok is True
    assert judge("correct-horse-42").score >= 2 and judge("Password1").ok is False


@pytest.mark.parametrize("username", ["a@b..com", '"<x>"@x.com', "a@-x.com", "a b@x.com", "a@x", "@x.com"])
def test_an_email_address_must_look_like_one(client, username):
    response = signup(client, username=username)
    assert response.status_code == 400 and "请输入有效的邮箱" in response.get_data(as_text=True)


def test_an_email_address_is_stored_normalised(client):
    assert signup(client, username="Wang@Example.COM").status_code == 302
    assert db.session.execute(db.select(User.username)).scalar_one() == "wang@example.com"


# --- the per-account throttle -------------------------------------------------------------------

def test_delay_doubles_after_the_free_attempts_up_to_the_cap():
    assert [delay_after(n) for n in range(1, FREE_ATTEMPTS)] == [None] * (FREE_ATTEMPTS - 1)
    assert delay_after(FREE_ATTEMPTS) == timedelta(seconds=30)
    assert delay_after(FREE_ATTEMPTS + 1) == timedelta(seconds=60)
    assert delay_after(FREE_ATTEMPTS + 20) == MAX_DELAY


def test_an_account_slows_down_after_wrong_passwords_from_any_address(app, users):
    victim = users["candidate"]
    codes = []
    for n in range(FREE_ATTEMPTS + 2):  # each guess from a different address: the address limit never sees two
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"10.0.{n}.1"
        codes.append(login(client, victim.username, "wrong-guess-1").status_code)
    assert codes == [400] * FREE_ATTEMPTS + [429, 429]
    refused = login(app.test_client(), victim.username)  # even the right password waits
    assert refused.status_code == 429 and "秒后再试" in refused.get_data(as_text=True)
    db.session.execute(db.update(User).where(User.id == victim.id).values(locked_until=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert login(app.test_client(), victim.username).status_code == 302  # the wait is over: right password works
    db.session.refresh(victim)
    assert victim.failed_logins == 0 and victim.locked_until is None


def test_a_wrong_guess_after_the_wait_doubles_it(app, users):
    victim = users["candidate"]
    victim.failed_logins, victim.locked_until = FREE_ATTEMPTS, utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert login(app.test_client(), victim.username, "wrong-guess-2").status_code == 400
    db.session.refresh(victim)
    left = (victim.locked_until.replace(tzinfo=None) - utcnow().replace(tzinfo=None)).total_seconds()
    assert 55 <= left <= 60


def test_the_address_limit_counts_failures_only(app, users):
    """Behind one NAT, people who type the right password are never held up by the limit."""
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    client = app.test_client()
    for _ in range(5):
        assert login(client, users["candidate"].username).status_code == 302
        client.post("/auth/logout", data={"csrf_token": csrf_from(client.get("/").get_data(as_text=True))})
    codes = [login(client, "nobody@test.local", "wrong-guess-1").status_code for _ in range(4)]
    assert codes == [400, 400, 400, 429]


# --- sessions -----------------------------------------------------------------------------------

def cookies_of(client) -> dict[str, str]:
    return {c.key: c.value for c in client._cookies.values()}


def with_cookies(app, cookies: dict[str, str]):
    client = app.test_client()
    for key, value in cookies.items():
        client.set_cookie(key, value)
    return client


def test_logout_ends_the_old_session_and_remember_cookies(app, users):
    client = app.test_client()
    assert login(client, users["candidate"].username, remember="y").status_code == 302
    old = cookies_of(client)
    assert "remember_token" in old and with_cookies(app, old).get("/practice/").status_code == 200
    second = app.test_client()
    login(second, users["candidate"].username, remember="y")
    client.post("/auth/logout", data={"csrf_token": csrf_from(client.get("/").get_data(as_text=True))})
    assert with_cookies(app, old).get("/practice/").status_code == 302  # replayed session cookie: signed out
    assert with_cookies(app, {"remember_token": old["remember_token"]}).get("/practice/").status_code == 302
    assert second.get("/practice/").status_code == 302  # logging out signs out every device


def test_the_remember_cookie_differs_between_logins_separated_by_a_logout(app, users):
    client = app.test_client()
    login(client, users["candidate"].username, remember="y")
    first = cookies_of(client)["remember_token"]
    client.post("/auth/logout", data={"csrf_token": csrf_from(client.get("/").get_data(as_text=True))})
    login(client, users["candidate"].username, remember="y")
    assert cookies_of(client)["remember_token"] != first


def test_changing_the_password_signs_out_other_devices_and_keeps_this_one(app, users):
    me, other = app.test_client(), app.test_client()
    login(me, users["candidate"].username)
    login(other, users["candidate"].username)
    page = me.get("/auth/password").get_data(as_text=True)
    weak = me.post("/auth/password", data={"current": PASSWORD, "password": "12345678", "confirm": "12345678",
                                           "csrf_token": csrf_from(page)})
    assert weak.status_code == 400 and "最常用的 10 个密码之一" in weak.get_data(as_text=True)
    wrong = me.post("/auth/password", data={"current": "not-it", "password": "lantern-river-77",
                                            "confirm": "lantern-river-77", "csrf_token": csrf_from(page)})
    assert wrong.status_code == 400 and "当前密码不正确" in wrong.get_data(as_text=True)
    done = me.post("/auth/password", data={"current": PASSWORD, "password": "lantern-river-77",
                                           "confirm": "lantern-river-77", "csrf_token": csrf_from(page)})
    assert done.status_code == 302
    assert me.get("/practice/").status_code == 200 and other.get("/practice/").status_code == 302
    assert login(app.test_client(), users["candidate"].username).status_code == 400
    assert login(app.test_client(), users["candidate"].username, "lantern-river-77").status_code == 302


# --- reset by an admin's link; disabling --------------------------------------------------------

def issue_link(admin, user) -> str:
    page = admin.get("/admin/users").get_data(as_text=True)
    response = admin.post(f"/admin/users/{user.id}/reset", data={"csrf_token": csrf_from(page)})
    assert response.status_code == 201
    return re.search(r'value="(http[^"]+/auth/reset/[^"]+)"', response.get_data(as_text=True)).group(1)


def test_an_admin_link_resets_a_forgotten_password_once(app, users, as_role):
    victim = users["candidate"]
    old_device = app.test_client()
    login(old_device, victim.username)
    link = issue_link(as_role("admin"), victim).replace("http://localhost", "")
    assert db.session.execute(db.select(PasswordReset.token_hash)).scalar_one() not in link  # only a hash is kept
    guest = app.test_client()
    page = guest.get(link)
    assert page.status_code == 200 and victim.username in page.get_data(as_text=True)
    form = {"password": "paper-kite-318", "confirm": "paper-kite-318", "csrf_token": csrf_from(page.get_data(as_text=True))}
    assert guest.post(link, data=form).status_code == 302
    assert old_device.get("/practice/").status_code == 302  # the old session ended
    assert login(app.test_client(), victim.username, "paper-kite-318").status_code == 302
    again = guest.get(link)
    assert again.status_code == 404 and "已经用过" in again.get_data(as_text=True)
    assert guest.post(link, data=form).status_code == 404


def test_an_expired_or_unknown_link_is_refused(app, users, as_role):
    link = issue_link(as_role("admin"), users["candidate"]).replace("http://localhost", "")
    db.session.execute(db.update(PasswordReset).values(expires_at=utcnow() - timedelta(minutes=1)))
    db.session.commit()
    assert app.test_client().get(link).status_code == 404
    assert app.test_client().get("/auth/reset/" + "x" * 43).status_code == 404


def test_a_disabled_account_is_signed_out_and_cannot_sign_in_but_keeps_its_history(app, users, as_role, loaded):
    from training.models import Question
    victim = users["candidate"]
    q = db.session.execute(db.select(Question).where(Question.qtype == "判断")).scalars().first()
    make_response(victim, q, True)
    device = app.test_client()
    login(device, victim.username)
    admin = as_role("admin")
    page = admin.get("/admin/users").get_data(as_text=True)
    assert admin.post(f"/admin/users/{victim.id}/active", data={"active": "0", "csrf_token": csrf_from(page)}).status_code == 302
    assert device.get("/practice/").status_code == 302
    refused = login(app.test_client(), victim.username)
    assert refused.status_code == 400 and "已被停用" in refused.get_data(as_text=True)
    from training.models import Response
    assert db.session.execute(db.select(db.func.count()).select_from(Response).where(Response.user_id == victim.id)).scalar_one() == 1
    admin.post(f"/admin/users/{victim.id}/active", data={"active": "1", "csrf_token": csrf_from(page)})
    assert login(app.test_client(), victim.username).status_code == 302


def test_an_admin_cannot_disable_themselves(as_role, users):
    admin = as_role("admin")
    page = admin.get("/admin/users").get_data(as_text=True)
    admin.post(f"/admin/users/{users['admin'].id}/active", data={"active": "0", "csrf_token": csrf_from(page)})
    assert admin.get("/admin/users").status_code == 200
    db.session.refresh(users["admin"])
    assert users["admin"].active


def test_behind_a_proxy_the_client_address_comes_from_x_forwarded_for():
    from flask import request

    from training import create_app
    from training.config import TestConfig
    app = create_app({**{k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}, "PROXY_COUNT": 1})
    seen = []
    app.before_request_funcs.setdefault(None, []).insert(0, lambda: seen.append(request.remote_addr))
    app.test_client().get("/auth/login", headers={"X-Forwarded-For": "203.0.113.9"})
    assert seen == ["203.0.113.9"]


def test_a_dead_rate_limit_store_does_not_break_login():
    """Redis down (nothing listens on port 1): logins are still answered, by the password check."""
    from training import create_app
    from training.config import TestConfig
    from training.extensions import db as _db, limiter
    # An in-memory database of its own: never the shared test database (whose tables other tests hold).
    app = create_app({**{k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()},
                      "SQLALCHEMY_DATABASE_URI": "sqlite://", "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:1/0",
                      "WTF_CSRF_ENABLED": False})
    limiter.init_app(app)  # the limiter is one object: its storage is now the dead one …
    try:
        with app.app_context():
            _db.create_all()
            response = app.test_client().post("/auth/login", data={"username": "x@y.cn", "password": "bad-pass-1"})
            assert response.status_code == 400 and "登录名或密码不正确" in response.get_data(as_text=True)
    finally:
        limiter.init_app(create_app(TestConfig))  # … so give the other tests back an in-memory store
