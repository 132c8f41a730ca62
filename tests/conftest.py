"""Shared fixtures: the app with content loaded once per session, clients, users per role.

`app` is one app whose database holds the schema and the shipped content, built once per
test session; every test runs inside a transaction that is rolled back at its end (the
app's own commits become savepoints), so tests see the content and never each other.
Tests that build or drop the schema themselves use `fresh_app`: an empty schema of their own, in a
database beside the shared one (on PostgreSQL `<name>_fresh`, made for the session and dropped after it),
so the shared database is never dropped under the tests and never has to be built again.

Set TEST_DATABASE_URL (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test) to run
everything against PostgreSQL; the default is in-memory SQLite.
"""
from __future__ import annotations

import inspect
import os
import re
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import g
from flask.testing import FlaskClient
from flask_sqlalchemy.session import _app_ctx_id
from sqlalchemy import create_engine, event, func, select, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import scoped_session, sessionmaker
from werkzeug.test import run_wsgi_app
from werkzeug.wsgi import get_current_url

from training import create_app
from training.config import TestConfig
from training.content.validate import read_content
from training.content.sync import sync_content
from training.extensions import db as _db, limiter
from training.models import Question, Role
from training.pagecache import page_cache

from support import CONTENT, Auth, make_user


def reset_schema() -> None:
    """Drop everything, including Alembic's bookkeeping, then create the current schema."""
    _db.session.remove()
    _db.drop_all()
    with _db.engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    _db.create_all()


def forget_per_request_state() -> None:
    """Requests made inside the test's app context share its `g`; Flask-Login caches the user
    and Flask-WTF the CSRF token there, so without this a second client would act as the first."""
    g.pop("_login_user", None)
    g.pop("csrf_token", None)


class Client(FlaskClient):
    """The test client, minus werkzeug working out each request's whole URL twice (query string percent-decoded)
    only to match and store cookies by host and path: with the query string left out, the same cookies go both
    ways. (A GET of tests/test_hostile.py, a 5 000-character encoded value in its query, spent a third of its
    time there.) Built on werkzeug's own cookie methods, pinned in requirements.txt."""

    def run_wsgi_app(self, environ, buffered=False):
        bare = {**environ, "QUERY_STRING": ""}
        self._add_cookies_to_wsgi(bare)
        if "HTTP_COOKIE" in bare:
            environ["HTTP_COOKIE"] = bare["HTTP_COOKIE"]
        else:
            environ.pop("HTTP_COOKIE", None)
        rv = run_wsgi_app(self.application, environ, buffered=buffered)
        url = urlsplit(get_current_url(bare))
        self._update_cookies_from_response(url.hostname or "localhost", url.path, rv[2].getlist("Set-Cookie"))
        return rv


def build_app(url: str | None = None):
    config = TestConfig if url is None else type("FreshConfig", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": url})
    app = create_app(config)
    app.test_client_class = Client
    app.before_request_funcs.setdefault(None, []).insert(0, forget_per_request_state)
    return app


def load_content(content) -> None:
    assert content.ok, "\n".join(map(str, content.problems))
    sync_content(_db.session, content)
    _db.session.commit()


def in_memory() -> bool:
    return TestConfig.SQLALCHEMY_DATABASE_URI in ("sqlite://", "sqlite:///:memory:")


def real_sqlite_transactions() -> None:
    """pysqlite starts transactions late and lets a SAVEPOINT commit on its own, so a rolled-back test
    would leak; SQLAlchemy's recipe: the driver leaves transactions alone and BEGIN is emitted."""
    raw = _db.engine.raw_connection()  # in memory: the pool's one connection
    raw.driver_connection.isolation_level = None
    raw.close()
    event.listen(_db.engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN"))


@pytest.fixture(scope="session")
def content_app(shipped_content):
    """The schema and the shipped content, built once per test session."""
    app = build_app()
    with app.app_context():
        reset_schema()
        load_content(shipped_content)
        _db.session.remove()
        if _db.engine.dialect.name == "sqlite":
            real_sqlite_transactions()
    return app


@pytest.fixture
def app(content_app):
    """The shared app; everything a test writes is rolled back when it ends."""
    config = dict(content_app.config)
    with content_app.app_context():
        connection = _db.engine.connect()
        outer = connection.begin()
        shared = _db.session
        _db.session = scoped_session(sessionmaker(bind=connection, join_transaction_mode="create_savepoint"),
                                     scopefunc=_app_ctx_id)
        forget_cached_pages(content_app)
        # the signed-in user's row (dbconn.OwnConnections) is read on the test's connection, in its transaction
        content_app.extensions["own_connection"] = lambda: connection.connection.driver_connection
        content_app.extensions["test_connection"] = connection  # for restore_point
        try:
            yield content_app
        finally:
            content_app.extensions.pop("own_connection", None)
            content_app.extensions.pop("test_connection", None)
            _db.session.remove()
            _db.session = shared
            outer.rollback()
            connection.close()
            content_app.config.clear()
            content_app.config.update(config)


def forget_cached_pages(app) -> None:
    limiter.reset()
    cache = page_cache()
    if cache is not None:
        cache.clear()  # pages rendered from another test's (rolled back) data
    app.extensions.get("personal_pages", {}).clear()


@pytest.fixture
def restore_point(app):
    """`with restore_point():` everything the block writes to the database is rolled back at its end, and the
    caches the app fixture empties for each test are emptied again: what follows sees the data as it was before
    the block, as a test of its own would. For checks that each need the same costly scene (built once, before
    the first block) and would otherwise be separate tests building it again. ORM objects read before the block
    may be expired by a commit inside it: take the plain values (ids) a block needs before it."""
    connection = app.extensions["test_connection"]

    @contextmanager
    def point():
        _db.session.commit()  # the session's own savepoint goes; the block's sessions nest inside this one
        saved = connection.begin_nested()
        try:
            yield
        finally:
            _db.session.rollback()
            _db.session.close()
            saved.rollback()
            forget_per_request_state()
            forget_cached_pages(app)
    return point


@pytest.fixture(scope="session")
def fresh_database():
    """The URL fresh_app's apps use: a database of their own beside content_app's, so dropping and building
    the schema there leaves the shared one alone. In memory every app has its own already; a SQLite file
    gets a sibling file; a PostgreSQL database a sibling database, made now and dropped at the end."""
    url = make_url(TestConfig.SQLALCHEMY_DATABASE_URI)
    if in_memory():
        yield TestConfig.SQLALCHEMY_DATABASE_URI
    elif url.get_backend_name() == "sqlite":
        yield url.set(database=f"{url.database}-fresh").render_as_string(hide_password=False)
    elif url.get_backend_name() == "postgresql":
        name = f"{url.database}_fresh"
        server = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with server.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        try:
            yield url.set(database=name).render_as_string(hide_password=False)
        finally:
            with server.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            server.dispose()
    else:
        raise pytest.UsageError(f"TEST_DATABASE_URL: no database for fresh_app beside {url.get_backend_name()}")


# Everything in the public schema that a test's DDL could change: relations, columns (type, NOT NULL, default),
# constraints, indexes, types and enum labels, triggers and functions. Equal fingerprints: the same schema.
SCHEMA_FINGERPRINT = """
SELECT md5(string_agg(x, E'\\n' ORDER BY x)) FROM (
  SELECT concat_ws(' ', 'r', c.relname, c.relkind) FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace
  UNION ALL
  SELECT concat_ws(' ', 'a', c.relname, a.attnum, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
                   pg_get_expr(d.adbin, d.adrelid))
  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
  LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
  WHERE c.relnamespace = 'public'::regnamespace AND a.attnum > 0 AND NOT a.attisdropped
  UNION ALL
  SELECT concat_ws(' ', 'k', conrelid::regclass, conname, pg_get_constraintdef(oid))
  FROM pg_constraint WHERE connamespace = 'public'::regnamespace
  UNION ALL
  SELECT concat_ws(' ', 'i', indexdef) FROM pg_indexes WHERE schemaname = 'public'
  UNION ALL
  SELECT concat_ws(' ', 't', t.typname, string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder))
  FROM pg_type t LEFT JOIN pg_enum e ON e.enumtypid = t.oid WHERE t.typnamespace = 'public'::regnamespace
  GROUP BY t.typname
  UNION ALL
  SELECT concat_ws(' ', 'g', pg_get_triggerdef(oid))
  FROM pg_trigger WHERE tgrelid IN (SELECT oid FROM pg_class WHERE relnamespace = 'public'::regnamespace)
  UNION ALL
  SELECT concat_ws(' ', 'f', oid::regprocedure, md5(prosrc)) FROM pg_proc WHERE pronamespace = 'public'::regnamespace
) s(x)
"""
_built_schema: dict[str, str] = {}  # fresh database URL -> fingerprint of the schema reset_schema() built there


def empty_fresh_schema(url: str) -> None:
    """reset_schema(), or on PostgreSQL, when the schema is still exactly the one reset_schema() built there
    last (the last test wrote rows, no DDL), the same result for less: every table emptied and every
    sequence restarted, instead of dropping and creating some forty tables and their indexes."""
    if _db.engine.dialect.name != "postgresql":
        reset_schema()
        return
    with _db.engine.begin() as conn:
        built = _built_schema.get(url)
        if built is not None and built == conn.exec_driver_sql(SCHEMA_FINGERPRINT).scalar_one():
            quote = conn.dialect.identifier_preparer.quote
            for table in reversed(_db.metadata.sorted_tables):  # children first; DELETE: TRUNCATE costs more here
                conn.exec_driver_sql(f"DELETE FROM {quote(table.name)}")
            for (sequence,) in conn.exec_driver_sql(
                    "SELECT relname FROM pg_class WHERE relkind = 'S' AND relnamespace = 'public'::regnamespace"):
                conn.exec_driver_sql(f"ALTER SEQUENCE {quote(sequence)} RESTART")
            return
    _built_schema.pop(url, None)
    reset_schema()
    with _db.engine.connect() as conn:
        _built_schema[url] = conn.exec_driver_sql(SCHEMA_FINGERPRINT).scalar_one()


@pytest.fixture
def fresh_app(fresh_database):
    """An app on an empty schema of its own, for tests that load, build or drop the schema."""
    app = build_app(fresh_database)
    with app.app_context():
        empty_fresh_schema(fresh_database)
        limiter.reset()
        try:
            yield app
        finally:
            _db.session.remove()
            if _db.engine.dialect.name != "postgresql":
                _db.drop_all()  # (on PostgreSQL the next fresh_app empties it, and the database goes at the end)
            _db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture(scope="session")
def shipped_content():
    """content/ parsed once per test session (it is read-only)."""
    return read_content(CONTENT)


@pytest.fixture
def loaded(app, shipped_content):
    """The shipped content in the database (already there in the shared app; loaded into a fresh one)."""
    if _db.session.execute(select(func.count()).select_from(Question)).scalar_one() == 0:
        load_content(shipped_content)
    return shipped_content


@pytest.fixture
def auth(client):
    return Auth(client)


@pytest.fixture
def users(app):
    """One saved user per role, keyed by role name."""
    return {role.value: make_user(role, username=f"{role.value}@test.local", nickname=role.label) for role in Role}


@pytest.fixture
def as_role(app, users):
    """A factory: a fresh client logged in as the given role (or a guest for None)."""
    def factory(role: str | None):
        client = app.test_client()
        if role is not None:
            response = Auth(client).login(users[role].username)
            assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return client
    return factory


# ---------------------------------------------------------------- tests that open no database
# A test that opens no database runs the same whatever TEST_DATABASE_URL says, so a second run on another
# database tests nothing new: `-m "not database_free"` leaves them out (.ci/run's PostgreSQL suite does;
# its SQLite suite, the README's command, runs them). The classification is conservative, and checked:
# a test marked database_free that opens the test database fails (guard_database_free below).
DATABASE_ROOTS = {"content_app", "fresh_database", "live_server"}  # every fixture that opens it starts here
MAKES_AN_APP = re.compile(r"create_app|TestConfig|DATABASE_URL")  # in the module: it may open one itself
RUNS_THE_APP = re.compile(r"create_app|TestConfig|DATABASE_URL|flask|bench|app_context")  # in a test or fixture
TESTS = Path(__file__).resolve().parent


def pytest_configure(config):
    config.addinivalue_line("markers", "database_free: opens no database (set by tests/conftest.py, not by hand)")
    if os.environ.get("TEST_SHARD"):
        config.pluginmanager.register(Shard(os.environ["TEST_SHARD"]), "test-shard")


@cache
def module_makes_an_app(path: str) -> bool:
    """Read once per test module, not once per test."""
    return bool(MAKES_AN_APP.search(Path(path).read_text(encoding="utf-8")))


def opens_no_database(item) -> bool:
    if DATABASE_ROOTS & set(getattr(item, "fixturenames", ())) or not hasattr(item, "function"):
        return False
    if module_makes_an_app(item.module.__file__):
        return False
    info = item._fixtureinfo
    for code in [item.function] + [d.func for name, defs in info.name2fixturedefs.items() for d in defs
                                   if name != "guard_database_free"]:
        try:
            source_file = Path(inspect.getsourcefile(code) or "")
        except TypeError:
            return False
        if TESTS in source_file.parents and RUNS_THE_APP.search(inspect.getsource(code)):
            return False
    return True


def pytest_collection_modifyitems(config, items):
    for item in items:
        if opens_no_database(item):
            item.add_marker("database_free")


@pytest.fixture(autouse=True)
def guard_database_free(request):
    """A test marked database_free must not open the test database: if it did, leaving it out of a run
    on another database would lose coverage, so it fails here and the classification has to be fixed."""
    if request.node.get_closest_marker("database_free") is None:
        yield
        return
    test_url = make_url(TestConfig.SQLALCHEMY_DATABASE_URI)
    opened = []

    def on_connect(conn):
        if conn.engine.url == test_url:
            opened.append(str(conn.engine.url))
    event.listen(Engine, "engine_connect", on_connect)
    try:
        yield
    finally:
        event.remove(Engine, "engine_connect", on_connect)
    if opened:
        pytest.fail(f"marked database_free but opened the test database ({opened[0]}): see opens_no_database")


# ---------------------------------------------------------------- shards
# TEST_SHARD=K/N runs the K-th of N shares of the tests this command selects (.ci/run runs each suite as two
# processes, so a suite is not one long single-threaded chain on a two-core machine). Every selected test
# lands in exactly one share: the same command collects the same list in every process, and the shares are
# cut from it by a fixed rule (longest first, each to the lightest share so far, by the rough seconds below;
# any other test counts as DEFAULT_SECONDS). Stale figures only unbalance the shares, they never lose a test.
SHARD_SECONDS = {  # (SQLite, PostgreSQL) seconds, measured with --durations
    "tests/test_hostile.py::test_no_hostile_value_gets_a_server_error[admin]": (8.5, 10.5),
    "tests/test_hostile.py::test_no_hostile_value_gets_a_server_error[candidate]": (6.0, 7.0),
    "tests/test_hostile.py::test_no_hostile_value_gets_a_server_error[None]": (3.0, 3.0),
    "tests/test_live_load.py::test_fifty_phones_lose_no_answer_and_count_none_twice": (0.0, 14.0),
    "tests/test_races.py::test_twenty_simultaneous_identical_writes_leave_one_row_and_no_500": (0.0, 13.0),
    "tests/test_classes_hostile.py::test_no_hostile_value_gets_a_server_error[owner]": (2.4, 3.3),
    "tests/test_study.py::test_every_loaded_page_renders": (2.0, 3.4),
}
DEFAULT_SECONDS = (0.045, 0.1)


class Shard:
    def __init__(self, spec: str):
        try:
            self.k, self.n = (int(x) for x in spec.split("/"))
        except ValueError:
            raise pytest.UsageError(f"TEST_SHARD={spec!r}: want K/N, e.g. 1/2") from None
        if not 1 <= self.k <= self.n:
            raise pytest.UsageError(f"TEST_SHARD={spec!r}: K must be 1..N")

    @pytest.hookimpl(trylast=True)  # after -m and -k have deselected theirs
    def pytest_collection_modifyitems(self, config, items):
        column = 1 if make_url(TestConfig.SQLALCHEMY_DATABASE_URI).get_backend_name() == "postgresql" else 0
        weight = [SHARD_SECONDS.get(item.nodeid, DEFAULT_SECONDS)[column] for item in items]
        load, share = [0.0] * self.n, {}
        for i in sorted(range(len(items)), key=lambda i: -weight[i]):  # stable: ties keep collection order
            share[i] = min(range(self.n), key=lambda s: load[s])
            load[share[i]] += weight[i]
        keep = [item for i, item in enumerate(items) if share[i] == self.k - 1]
        others = [item for i, item in enumerate(items) if share[i] != self.k - 1]
        if others:
            config.hook.pytest_deselected(items=others)
            items[:] = keep
