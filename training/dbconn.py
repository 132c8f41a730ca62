"""How requests use database connections: as few round trips, and as little work, as the request needs.

A signed-in request for a cached page (study pages, 学习进度 from its memo) reads one row, the user's.
Run in a transaction, that single SELECT costs four round trips on PostgreSQL: a ping on checkout,
BEGIN, the SELECT and ROLLBACK. And through the pool and the ORM session, checkout, session set-up and
teardown cost the app more CPU than the rest of the request. Three rules bring it down to one round trip
and almost no work:

- **Reads made on nearly every request go on the thread's own connection** (OwnConnections, read_row):
  the signed-in user's row and the page cache's content version. One autocommit DBAPI connection per
  worker thread, outside the pool, one prepared statement, no session.
- **Ping only a connection that sat idle.** A connection checked in less than POOL_PING_IDLE_SECONDS
  ago was working a moment ago; one that idled longer (across a database restart, say) is pinged
  before use and replaced if dead, as pool_pre_ping would. A connection that dies while busy fails
  its request (a 503 in Chinese, see errors.database_unavailable) and SQLAlchemy drops the pool's
  other connections with it, so the next request connects afresh: no app restart.
- **Read-only views run in autocommit.** A view marked with read_only() (it and everything it
  calls only SELECT) gets its session's connection in AUTOCOMMIT on GET and HEAD: no BEGIN, no
  ROLLBACK, and no checkout at all until the view first uses the session. Each statement then sees
  the latest committed data, which is all a page of reads needs. Every view that writes keeps its
  transaction (the practice page, which may skip a retired question, is not marked): a write from a
  marked view would commit statement by statement.
"""
from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from functools import cache, partial
from typing import Callable

from flask import Flask, current_app, request
from sqlalchemy import event, exc

from .extensions import AUTOCOMMIT_WANTED, db, limiter

READ_ONLY = "_read_only_view"


def read_only(view: Callable) -> Callable:
    """Mark a view that only reads: on GET and HEAD it runs without a transaction."""
    setattr(view, READ_ONLY, True)
    return view


def read_only_request() -> bool:
    """A GET or HEAD of a view marked read_only()."""
    if request.method not in ("GET", "HEAD") or request.endpoint is None:
        return False
    view = current_app.view_functions.get(request.endpoint)
    return view is not None and getattr(view, READ_ONLY, False)


SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def limits_only_writes(app: Flask) -> None:
    """Every rate limit of the app is on a POST (login, sign-up, joining a room; tests/test_dbconn.py
    pins it), so on a GET, HEAD or OPTIONS Flask-Limiter's three per-request hooks are skipped: resolving
    the limits before the view, the rate-limit headers after it, and the reset of its request state
    (about 10 % of a cached page's cost, even where a request filter then exempts the request). Call
    after limiter.init_app."""
    def on_writes(hook, skipped=None):
        def hook_on_writes(*args, **kwargs):
            if request.method in SAFE_METHODS:
                return skipped(*args) if skipped is not None else None
            return hook(*args, **kwargs)
        return hook_on_writes

    before = app.before_request_funcs.setdefault(None, [])
    place = before.index(limiter._check_request_limit)  # the hooks limiter.init_app registered
    before[place] = on_writes(before[place])
    after = app.after_request_funcs.setdefault(None, [])
    place = next(i for i, f in enumerate(after) if isinstance(f, partial) and f.args and f.args[0] is limiter)
    after[place] = on_writes(after[place], skipped=lambda response: response)
    teardown = app.teardown_request_funcs.setdefault(None, [])
    place = teardown.index(limiter._Limiter__release_context)
    teardown[place] = on_writes(teardown[place])


def _ping_when_idle(engine, idle_seconds: float) -> None:
    @event.listens_for(engine, "checkin")
    def checked_in(_dbapi_connection, record) -> None:
        record.info["checked_in_at"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def checked_out(dbapi_connection, record, _proxy) -> None:
        since = record.info.get("checked_in_at")
        if since is not None and time.monotonic() - since < idle_seconds:
            return
        try:
            cursor = dbapi_connection.cursor()
            try:
                cursor.execute("SELECT 1")
            finally:
                cursor.close()
            if engine.dialect.name == "postgresql" and not dbapi_connection.autocommit:
                dbapi_connection.rollback()  # the ping opened a transaction: end it
        except Exception as error:  # noqa: BLE001  (any failure: this connection is gone)
            raise exc.DisconnectionError(f"connection failed its ping after idling: {error}") from error


RETRY_SECONDS = 1.0  # a thread that could not connect leaves its reads to the session this long


class OwnConnections:
    """Each worker thread's own autocommit DBAPI connection, made on first use, outside SQLAlchemy's pool.

    For the one-statement reads and writes made on nearly every request (the signed-in user's row, the
    live classroom's fast lane): no pool checkout and checkin, no reset, no BEGIN and ROLLBACK, no ORM
    session, and on PostgreSQL the statement is prepared once per connection. Only where it can see what
    the pool's connections see: PostgreSQL, or a SQLite file (not an in-memory database).
    A connection that failed is closed and made again on the next call; one that cannot be made now
    yields None for RETRY_SECONDS, and the caller goes the usual way (the views, the session), which
    reports what is wrong. app.extensions[hook], if set, is called instead for the connection to use
    (the tests give theirs, inside the test's transaction); returning None turns the connections off."""

    def __init__(self, app: Flask, hook: str, backends: tuple[str, ...] = ("postgresql", "sqlite")):
        self.app, self.hook, self.backends = app, hook, backends
        self.local = threading.local()
        self.connect: Callable | None = None
        self.backend: str | None = None  # None: not known yet (the engine is made on first use)

    def _connect(self):
        if self.backend is None:
            from sqlalchemy.engine import make_url
            url = make_url(self.app.config["SQLALCHEMY_DATABASE_URI"])
            backend = url.get_backend_name()
            if backend == "postgresql" and backend in self.backends:
                import psycopg
                conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
                self.connect = lambda: psycopg.connect(conninfo, autocommit=True, connect_timeout=3)
            elif backend == "sqlite" and backend in self.backends and url.database not in (None, "", ":memory:"):
                import sqlite3
                path = url.database
                self.connect = lambda: sqlite3.connect(path, isolation_level=None, timeout=5)
            self.backend = backend
        return self.connect() if self.connect is not None else None

    @contextmanager
    def cursor(self):
        """A cursor, or None when there is no own connection (none can be made here, or not now)."""
        given = self.app.extensions.get(self.hook)
        if given is not None:
            conn = given()
            if conn is None:
                yield None
                return
            cur = conn.cursor()
            try:
                yield cur
            finally:
                cur.close()
            return
        conn = getattr(self.local, "conn", None)
        if conn is None:
            if time.monotonic() < getattr(self.local, "retry_at", 0.0):
                yield None
                return
            try:
                conn = self.local.conn = self._connect()
                self.local.cur = conn.cursor() if conn is not None else None  # one per connection, reused
            except Exception:  # noqa: BLE001  the server is away: the usual way answers (and reports it)
                conn = self.local.conn = None
                self.local.retry_at = time.monotonic() + RETRY_SECONDS
            if conn is None:
                yield None
                return
        try:
            yield self.local.cur
        except Exception:
            self.local.conn = self.local.cur = None
            conn.close()
            raise


def own_connections(app: Flask) -> OwnConnections:
    """The app's own connections for the signed-in user's row (access.signed_in_user)."""
    conns = app.extensions.get("own_connections")
    if conns is None:
        conns = app.extensions["own_connections"] = OwnConnections(app, "own_connection")
    return conns


@cache
def _plain(statement, dialect) -> tuple:
    """A SELECT compiled once for a DBAPI cursor: its SQL and its compiled form (for the parameters: those
    given, and the literals of the statement itself)."""
    compiled = statement.compile(dialect=dialect)
    return compiled.string, compiled


_READERS: dict = {}


def _readers(statement, dialect, cursor) -> tuple:
    """Each column's name and result processor for the types the driver reported on the statement's first
    run (what SQLAlchemy does to a raw value: text to datetime on SQLite, a role to its Role, JSON text to
    a list, numeric to float …). Kept per statement: its columns' types do not change while the app runs,
    and reading a cursor's description costs psycopg more than the query itself."""
    key = (statement, dialect)
    readers = _READERS.get(key)
    if readers is None:
        readers = _READERS[key] = tuple(
            (c.name, c.type.dialect_impl(dialect).result_processor(dialect, d[1]))
            for c, d in zip(statement.selected_columns, cursor.description, strict=True))
    return readers


def _parameters(compiled, params: dict):
    values = compiled.construct_params(params)
    return tuple(values[name] for name in compiled.positiontup) if compiled.positional else values


def read_row(statement, params: dict) -> dict | None:
    """The first row of a SELECT built once (a cached statement object) as {column: value}: on the thread's
    own connection (OwnConnections: no pool checkout, no ORM session, no transaction), else (an in-memory
    database, or that connection just failed) through the session, which then reports what is wrong."""
    conns = own_connections(current_app)
    dialect = db.engine.dialect
    try:
        with conns.cursor() as cur:
            if cur is not None:
                sql, compiled = _plain(statement, dialect)
                cur.execute(sql, _parameters(compiled, params))
                rows = cur.fetchall()  # to the end: a SQLite statement left unfinished would hold its read lock
                if not rows:
                    return None
                raw = rows[0]
                columns = _readers(statement, dialect, cur)
                return {name: (read(value) if read is not None else value)
                        for (name, read), value in zip(columns, raw, strict=True)}
    except dialect.loaded_dbapi.Error:  # the connection is dropped; the session's attempt below says why
        pass
    row = db.session.connection().execute(statement, params).first()
    return dict(row._mapping) if row is not None else None


def init_db_connections(app: Flask) -> None:
    idle = app.config.get("POOL_PING_IDLE_SECONDS")
    if idle is not None:
        with app.app_context():
            _ping_when_idle(db.engine, float(idle))

    @app.before_request
    def autocommit_for_read_only_views() -> None:
        """The session's connection, if the view needs one at all, comes in AUTOCOMMIT
        (extensions.Session.get_bind); a database error then surfaces where the view uses it."""
        if current_app.config["READ_ONLY_AUTOCOMMIT"] and read_only_request():
            AUTOCOMMIT_WANTED.set(True)

    @app.teardown_request
    def end_autocommit(_error=None) -> None:
        """The next request on this thread starts without the wish; where an app context outlives the
        request (tests), its session must not keep an AUTOCOMMIT connection for the next one either."""
        if AUTOCOMMIT_WANTED.get():
            AUTOCOMMIT_WANTED.set(False)
            if db.session.registry.has():
                db.session.close()
