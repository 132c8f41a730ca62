"""The per-request work trimmed for signed-in pages (issue 12): the thread's own connection for the reads made on
every request (dbconn.OwnConnections, read_row), a session connection only when a view uses it, the session
cookie verified once per worker (cookies.py), and no rate-limit resolution on reads (dbconn.limits_only_writes)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import time_machine
from flask import g
from sqlalchemy import event

from support import Auth, make_user
from training import create_app
from training.access import _user_row_statement
from training.config import TestConfig
from training.content.sync import sync_content
from training.dbconn import own_connections, read_row
from training.extensions import db, limiter
from training.models import PracticeSession, Question, User


def test_read_row_gives_what_the_session_gives(app, loaded, users):
    """The plain statement on the DBAPI cursor and SQLAlchemy's result agree, types included (text to
    datetime on SQLite, the role enum, JSON lists, booleans)."""
    user = users["candidate"]
    q = db.session.execute(db.select(Question).order_by(Question.id).limit(2)).scalars().all()
    ps = PracticeSession(user_id=user.id, filter_key="t", question_ids=[x.id for x in q], shuffled=False)
    db.session.add(ps)
    db.session.commit()
    for statement, params in ((_user_row_statement(), {"user_id": user.id}),
                              (db.select(PracticeSession.position, PracticeSession.question_ids,
                                         PracticeSession.updated_at).where(PracticeSession.id == ps.id), {})):
        through_session = dict(db.session.execute(statement, params).first()._mapping)
        plain = read_row(statement, params)
        assert plain == through_session
        assert [type(v) for v in plain.values()] == [type(v) for v in through_session.values()]
    assert read_row(_user_row_statement(), {"user_id": 2_000_000_000}) is None


def forget_per_request_state() -> None:  # as conftest's: requests inside the test's app context share its g
    g.pop("_login_user", None)
    g.pop("csrf_token", None)


@pytest.fixture
def served_app(request, tmp_path, shipped_content):
    """An app as served: a database the threads' own connections can open, read-only views in autocommit,
    real transactions. On PostgreSQL, the shared test database with its content (committed by content_app)
    and a user of this test's own, deleted afterwards; on SQLite, a file of its own."""
    postgres = TestConfig.SQLALCHEMY_DATABASE_URI.startswith("postgresql")
    if postgres:
        request.getfixturevalue("content_app")  # the schema and content are there
        url = TestConfig.SQLALCHEMY_DATABASE_URI
    else:
        url = f"sqlite:///{tmp_path / 'served.sqlite'}"
    app = create_app({**{k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()},
                      "SQLALCHEMY_DATABASE_URI": url, "READ_ONLY_AUTOCOMMIT": True})
    app.before_request_funcs.setdefault(None, []).insert(0, forget_per_request_state)
    context = app.app_context()
    context.push()
    try:
        if not postgres:
            db.create_all()
            sync_content(db.session, shipped_content)
            db.session.commit()
        make_user(username="own@example.com", nickname="自有连接")
        db.session.remove()
        yield app
    finally:
        db.session.remove()
        if postgres:
            db.session.execute(db.delete(User).where(User.username == "own@example.com"))
            db.session.commit()
            db.session.remove()
        conn = getattr(own_connections(app).local, "conn", None)
        if conn is not None:
            conn.close()
        db.engine.dispose()
        context.pop()


def signed_in(app):
    client = app.test_client()
    assert Auth(client).login("own@example.com").status_code == 302
    db.session.remove()
    client.get("/")  # shows, and so clears, the welcome flash
    db.session.remove()
    return client


def test_a_cached_page_for_a_signed_in_user_takes_no_pooled_connection(served_app):
    client = signed_in(served_app)
    checkouts: list[int] = []

    def checked_out(*_args) -> None:
        checkouts.append(1)
    event.listen(db.engine, "checkout", checked_out)
    try:
        for path in ("/kp/kp-plan-concept", "/areas/plan", "/progress/"):
            db.session.remove()
            client.get(path)  # rendered (and memoized) now
            db.session.remove()
            checkouts.clear()
            page = client.get(path)
            assert page.status_code == 200 and "自有连接" in page.get_data(as_text=True)
            assert not checkouts, path  # the user's row came on the thread's own connection
    finally:
        event.remove(db.engine, "checkout", checked_out)
    assert getattr(own_connections(served_app).local, "conn", None) is not None


def test_a_broken_own_connection_fails_over_to_the_pool_and_is_made_again(served_app):
    client = signed_in(served_app)
    conns = own_connections(served_app)
    dead = conns.local.conn
    dead.close()  # the server restarted, say
    db.session.remove()
    page = client.get("/kp/kp-plan-concept")
    assert page.status_code == 200 and "自有连接" in page.get_data(as_text=True)  # read through the session
    db.session.remove()
    assert client.get("/areas/plan").status_code == 200
    assert conns.local.conn is not None and conns.local.conn is not dead  # dropped, and a new one made


def test_a_logout_elsewhere_is_seen_at_once_on_the_own_connection(served_app):
    client = signed_in(served_app)
    assert "自有连接" in client.get("/kp/kp-plan-concept").get_data(as_text=True)
    db.session.remove()
    db.session.execute(db.update(User).where(User.username == "own@example.com").values(session_token="elsewhere"))
    db.session.commit()
    db.session.remove()
    page = client.get("/kp/kp-plan-concept").get_data(as_text=True)
    assert "自有连接" not in page and "登录" in page


# ---------------------------------------------------------------- the session cookie, verified once

def session_cookie(client, app) -> str:
    return client.get_cookie(app.config.get("SESSION_COOKIE_NAME", "session")).value


def test_a_repeated_session_cookie_is_verified_once(app, users, monkeypatch):
    client = app.test_client()
    Auth(client).login(users["candidate"].username)
    client.get("/")
    from itsdangerous import URLSafeTimedSerializer
    calls: list[int] = []
    original = URLSafeTimedSerializer.loads
    monkeypatch.setattr(URLSafeTimedSerializer, "loads", lambda self, *a, **k: calls.append(1) or original(self, *a, **k))
    client.get("/practice/")
    calls.clear()
    cookie = session_cookie(client, app)
    for _ in range(3):
        assert users["candidate"].nickname in client.get("/practice/").get_data(as_text=True)
    assert session_cookie(client, app) == cookie  # a browser sends the same cookie while nothing changes …
    assert not calls  # … so its payload and age come from the memo
    client.set_cookie("session", session_cookie(client, app)[:-2] + "xx")  # a forged signature
    assert users["candidate"].nickname not in client.get("/practice/").get_data(as_text=True)
    assert calls  # checked in full, and refused


def test_a_memoized_cookie_still_expires(app, users):
    client = app.test_client()
    Auth(client).login(users["candidate"].username)
    assert users["candidate"].nickname in client.get("/practice/").get_data(as_text=True)
    later = datetime.now(timezone.utc) + app.permanent_session_lifetime + timedelta(minutes=1)
    with time_machine.travel(later, tick=False):
        page = client.get("/practice/")
    assert page.status_code in (302, 401)  # the signed-in session aged out: sent to log in


def test_each_request_gets_its_own_copy_of_the_cookie_payload(app):
    """flash() appends to the session's list in place: the memo's payload must not take the append."""
    from flask import session
    interface = app.session_interface
    with app.test_request_context("/"):
        session["_flashes"] = [("info", "一条消息")]
        response = app.response_class()
        interface.save_session(app, session, response)
        cookie = response.headers["Set-Cookie"].split(";")[0].split("=", 1)[1]
    for _ in range(2):
        with app.test_request_context("/", headers={"Cookie": f"session={cookie}"}):
            opened = interface.open_session(app, __import__("flask").request)
            assert opened["_flashes"] == [("info", "一条消息")]
            opened["_flashes"].append(("info", "又一条"))


# ---------------------------------------------------------------- rate limits only on writes

def test_reads_skip_the_rate_limiter_and_writes_do_not(app, users, monkeypatch):
    seen: list[str] = []
    original = limiter.identify_request
    monkeypatch.setattr(limiter, "identify_request", lambda: seen.append("checked") or original())
    signed = app.test_client()
    Auth(signed).login(users["candidate"].username)
    seen.clear()
    for path in ("/", "/areas/plan", "/kp/kp-plan-concept", "/practice/", "/search?q=投诉"):
        assert signed.get(path).status_code == 200
    signed.head("/areas/plan")
    assert not seen
    Auth(app.test_client()).login(users["candidate"].username, "a-wrong-password")
    assert seen  # a POST: its limits are resolved


def test_no_view_or_hook_is_a_coroutine(app):
    """training.App skips Flask's per-call check for async views and hooks: right only while there are none."""
    from inspect import iscoroutinefunction
    hooks = [*app.view_functions.values()]
    for registry in (app.before_request_funcs, app.after_request_funcs, app.teardown_request_funcs,
                     app.teardown_appcontext_funcs, app.url_value_preprocessors, app.url_default_functions,
                     app.template_context_processors):
        hooks += [f for funcs in (registry.values() if isinstance(registry, dict) else [registry]) for f in funcs]
    hooks += [f for handlers in app.error_handler_spec.values() for by_code in handlers.values()
              for f in by_code.values()]
    assert len(hooks) > 100 and not [f for f in hooks if iscoroutinefunction(f)]
