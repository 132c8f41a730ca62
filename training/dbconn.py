"""How requests use database connections: as few round trips as the work needs.

A signed-in request for a cached page (study pages, 学习进度 from its memo) reads one row, the user's.
Run in a transaction, that single SELECT costs four round trips on PostgreSQL: a ping on checkout,
BEGIN, the SELECT and ROLLBACK. Two rules bring it down to one:

- **Ping only a connection that sat idle.** A connection checked in less than POOL_PING_IDLE_SECONDS
  ago was working a moment ago; one that idled longer (across a database restart, say) is pinged
  before use and replaced if dead, as pool_pre_ping would. A connection that dies while busy fails
  its request (a 503 in Chinese, see errors.database_unavailable) and SQLAlchemy drops the pool's
  other connections with it, so the next request connects afresh: no app restart.
- **Read-only views run in autocommit.** A view marked with read_only() (it and everything it
  calls only SELECT) gets its session's connection in AUTOCOMMIT on GET and HEAD: no BEGIN, no
  ROLLBACK. Each statement then sees the latest committed data, which is all a page of reads needs.
  Every view that writes keeps its transaction; a write from a read-only view commits statement by
  statement, so a view may carry the mark only if any write it makes is one self-contained statement
  (the practice page's guarded UPDATE that skips a retired question), never two that belong together.
"""
from __future__ import annotations

import time
from typing import Callable

from flask import Flask, current_app, request
from sqlalchemy import event, exc

from .errors import database_unavailable
from .extensions import db, limiter

READ_ONLY = "_read_only_view"


def read_only(view: Callable) -> Callable:
    """Mark a view that reads (and writes at most one self-contained statement): on GET and HEAD it runs
    without a transaction."""
    setattr(view, READ_ONLY, True)
    return view


def read_only_request() -> bool:
    """A GET or HEAD of a view marked read_only()."""
    if request.method not in ("GET", "HEAD") or request.endpoint is None:
        return False
    view = current_app.view_functions.get(request.endpoint)
    return view is not None and getattr(view, READ_ONLY, False)


@limiter.request_filter
def _reads_carry_no_limit() -> bool:
    """Every rate limit of the app is on a POST (login, sign-up, joining a room), so a read of a cached or
    memoized page skips Flask-Limiter's per-request resolution of limits (about 7 % of such a request)."""
    return read_only_request()


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


def init_db_connections(app: Flask) -> None:
    idle = app.config.get("POOL_PING_IDLE_SECONDS")
    if idle is not None:
        with app.app_context():
            _ping_when_idle(db.engine, float(idle))

    @app.before_request
    def autocommit_for_read_only_views() -> None:
        if current_app.config["READ_ONLY_AUTOCOMMIT"] and read_only_request() and not db.session().in_transaction():
            try:
                db.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
            except exc.SQLAlchemyError as error:
                if not database_unavailable(error):
                    raise
                db.session.rollback()  # the view decides: a cached page is served stale, else the 503 page
