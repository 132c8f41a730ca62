"""dbconn.py: read-only views run without a transaction, views that write keep theirs, and a pooled
connection that idled is pinged (a dead one replaced) while a busy one is not pinged at all."""
from __future__ import annotations

import re
import time

import pytest
from sqlalchemy import create_engine, event, text

from support import Auth, csrf_from, make_user, right_fields
from training.content.sync import sync_content
from training.dbconn import _ping_when_idle
from training.extensions import db
from training.models import PracticeSession, Question


@pytest.fixture
def real_app(fresh_app, shipped_content):
    """An app whose requests use real transactions, as in production (the shared test app cannot:
    each test's session lives inside one rolled-back transaction)."""
    sync_content(db.session, shipped_content)  # (not conftest's helper: with tests/e2e collected too,
    db.session.commit()                         # `conftest` names the browser tests' module)
    fresh_app.config["READ_ONLY_AUTOCOMMIT"] = True
    return fresh_app


def isolation_per_statement(app):
    seen: list[tuple[str, str | None]] = []

    def record(conn, _cursor, statement, _params, _context, _many):
        seen.append((statement.split()[0].upper(), conn.get_execution_options().get("isolation_level")))
    event.listen(db.engine, "before_cursor_execute", record)
    return seen, lambda: event.remove(db.engine, "before_cursor_execute", record)


def test_read_only_pages_run_in_autocommit_and_writes_in_a_transaction(real_app):
    user = make_user(username="rw@example.com", nickname="读写测试")
    db.session.commit()
    client = real_app.test_client()
    assert Auth(client).login(user.username).status_code == 302
    q = db.session.execute(db.select(Question).where(Question.qtype == "单选", Question.retired.is_(False))
                           .order_by(Question.id).limit(1)).scalar_one()
    ps = PracticeSession(user_id=user.id, filter_key="t", question_ids=[q.id], shuffled=False)
    db.session.add(ps)
    db.session.commit()
    ps_id, q_id, payload = ps.id, q.id, q.payload
    seen, stop = isolation_per_statement(real_app)

    def request(method, path, **kw):  # each request with a session of its own, as in a server
        db.session.remove()
        return getattr(client, method)(path, **kw)
    try:
        for path in ("/", "/kp/kp-plan-concept", "/progress/", "/search?q=投诉"):
            response = request("get", path)
            assert response.status_code == 200 and "读写测试" in response.get_data(as_text=True)
        assert seen and all(level == "AUTOCOMMIT" for _, level in seen), seen
        seen.clear()
        page = request("get", f"/practice/s/{ps_id}").get_data(as_text=True)
        version = re.search(r'name="version_id" value="(\d+)"', page).group(1)
        response = request("post", f"/practice/s/{ps_id}/answer", data={
            "csrf_token": csrf_from(page), "question_id": q_id, "version_id": version, "started": "0",
            **right_fields(payload)})
        assert response.status_code in (200, 302), response.get_data(as_text=True)[:300]
        writes = [level for verb, level in seen if verb in ("INSERT", "UPDATE")]
        assert writes and not any(level == "AUTOCOMMIT" for level in writes), seen
    finally:
        stop()


def test_a_busy_connection_is_not_pinged_and_an_idle_dead_one_is_replaced(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'ping.sqlite'}", pool_size=1, max_overflow=0)
    _ping_when_idle(engine, idle_seconds=0.2)
    pings: list[str] = []
    event.listen(engine, "connect", lambda *_: pings.append("connect"))

    def checkout_twice():
        with engine.connect() as conn:
            assert conn.execute(text("select 42")).scalar() == 42
    checkout_twice()
    with engine.connect() as conn:  # at once: no ping, the same connection
        raw = conn.connection.dbapi_connection
        conn.execute(text("select 1"))
    raw.close()  # the connection dies while it sits in the pool
    time.sleep(0.3)
    checkout_twice()  # idled: pinged, found dead, replaced without an error
    assert pings == ["connect", "connect"]


def test_a_dead_connection_used_at_once_fails_the_request_only(tmp_path):
    """Without a ping (it was busy a moment ago) the failure reaches the statement: one request fails,
    the pool is invalidated, and the next checkout connects afresh."""
    engine = create_engine(f"sqlite:///{tmp_path / 'dead.sqlite'}", pool_size=1, max_overflow=0)
    _ping_when_idle(engine, idle_seconds=60)
    with engine.connect() as conn:
        conn.execute(text("select 1"))
        raw = conn.connection.dbapi_connection
    raw.close()
    with pytest.raises(Exception):
        with engine.connect() as conn:
            conn.execute(text("select 1"))
    with engine.connect() as conn:
        assert conn.execute(text("select 7")).scalar() == 7


def test_every_rate_limit_is_on_a_post_so_cached_reads_may_skip_them(app):
    """dbconn.limits_only_writes lets every GET, HEAD and OPTIONS skip Flask-Limiter: right only while no
    limit applies to a read. A limit on a GET would need that filter to go."""
    from training.extensions import limiter
    manager = limiter.limit_manager
    assert manager._decorated_limits and not manager._default_limits and not manager._application_limits
    for name, limits in manager._decorated_limits.items():
        for limit in limits:
            assert limit.methods and set(limit.methods) <= {"post"}, (name, limit.methods)


def refuse_every_connection(app, monkeypatch):
    """The database goes away: the pool's engine (and its AUTOCOMMIT variant) cannot connect, and the
    threads' own connections (dbconn.OwnConnections) are dropped and cannot be made again."""
    from sqlalchemy.engine import Engine

    from support import refuse_connection
    from training.dbconn import own_connections
    monkeypatch.setattr(Engine, "connect", refuse_connection)
    conns = own_connections(app)
    monkeypatch.setattr(conns, "_connect", refuse_connection)
    conns.local.__dict__.clear()


def test_cached_pages_are_served_stale_when_the_database_is_down_in_autocommit(real_app, monkeypatch):
    """With no database, a read-only view gets no connection: that must leave the answer to the view
    (the page cache serves what it has), not turn every read into a 503."""
    client = real_app.test_client()
    db.session.remove()
    fresh = client.get("/areas/plan")
    assert fresh.status_code == 200
    db.session.remove()
    refuse_every_connection(real_app, monkeypatch)
    real_app.config["PAGE_CACHE_CHECK_SECONDS"] = 0.0
    stale = client.get("/areas/plan")
    assert stale.status_code == 200 and stale.headers["X-Served-Stale"] == "1"
    db.session.remove()
    missing = client.get("/areas/team")
    assert missing.status_code == 503 and "系统维护中" in missing.get_data(as_text=True)


def test_the_signed_in_user_is_a_read_only_snapshot_that_follows_its_row(app, loaded):
    """access.signed_in_user: one Core SELECT per request; the same snapshot while the row is unchanged,
    a new one as soon as anything in it changes (role, token, anything)."""
    from training.models import Role, User
    user = make_user(username="snap@example.com", nickname="快照")
    client = app.test_client()
    Auth(client).login(user.username)
    assert client.get("/manage/content").status_code == 403  # a candidate
    memo = app.extensions["signed_in_users"]
    first = memo[user.id][1]
    client.get("/")
    assert memo[user.id][1] is first  # unchanged row: the same snapshot
    with pytest.raises(AttributeError, match="read-only snapshot"):
        first.nickname = "改名"
    db.session.execute(db.update(User).where(User.id == user.id).values(role=Role.instructor))
    db.session.commit()
    assert client.get("/manage/content").status_code == 200  # the next request sees the new role
    assert memo[user.id][1] is not first
    db.session.execute(db.update(User).where(User.id == user.id).values(session_token="another-device-logged-out"))
    db.session.commit()
    assert client.get("/manage/content").status_code in (302, 401)  # the old cookie signs in nobody
