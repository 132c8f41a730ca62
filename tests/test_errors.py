"""Bad requests get clear Chinese messages and the right status codes."""
from __future__ import annotations

import pytest
from flask import abort

from training.extensions import db
from training.models import User


@pytest.mark.parametrize("url", ["/kp/no-such-topic", "/cases/no-such-case", "/questions/nope", "/areas/nope", "/no/such/page"])
def test_unknown_ids_give_a_chinese_404_page(client, loaded, url):
    response = client.get(url)
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "页面不存在" in html and "返回首页" in html and 'lang="zh-CN"' in html


def test_json_clients_get_json_errors(client):
    response = client.get("/kp/nope", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.get_json() == {"error": "页面不存在", "message": response.get_json()["message"], "status": 404}


def test_a_body_over_the_limit_is_refused_with_413(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = client.post("/auth/signup", data={"nickname": "x" * 5000})
    assert response.status_code == 413 and "提交内容过大" in response.get_data(as_text=True)


def test_method_not_allowed(client):
    response = client.post("/")
    assert response.status_code == 405 and "请求方式不被允许" in response.get_data(as_text=True)


def test_server_error_rolls_back_and_shows_a_chinese_page(fresh_app):
    app = fresh_app  # a route of its own: an app that has served no request yet
    app.config["PROPAGATE_EXCEPTIONS"] = False
    from training.access import public

    @app.route("/boom")
    @public
    def boom():
        db.session.add(User(username="half@done", nickname="x", password_hash="x"))
        db.session.flush()
        raise RuntimeError("kaput")

    response = app.test_client().get("/boom")
    assert response.status_code == 500 and "服务器出错" in response.get_data(as_text=True)
    assert db.session.execute(db.select(User).where(User.username == "half@done")).first() is None


def test_user_abort_message_reaches_the_page(fresh_app):
    app = fresh_app
    from training.access import public
    from training.errors import user_abort

    @app.route("/conflict")
    @public
    def conflict():
        user_abort(409, "这份试卷已经交过了。")

    response = app.test_client().get("/conflict")
    assert response.status_code == 409 and "这份试卷已经交过了。" in response.get_data(as_text=True)


def test_security_headers_are_set(client):
    response = client.get("/")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"


def test_plain_abort_uses_the_generic_message(fresh_app):
    app = fresh_app
    from training.access import public

    @app.route("/gone")
    @public
    def gone():
        abort(404)

    assert "没有找到你要的内容" in app.test_client().get("/gone").get_data(as_text=True)
