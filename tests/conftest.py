"""Shared fixtures: app on a fresh schema, clients, users per role, loaded content.

Set TEST_DATABASE_URL (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test) to run
everything against PostgreSQL; the default is in-memory SQLite.
"""
from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
from sqlalchemy import text

from training import create_app
from training.config import TestConfig
from training.content.validate import read_content
from training.extensions import db as _db, limiter
from training.models import Role, User

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
PASSWORD = "correct-horse-42"
_serial = itertools.count(1)
CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def reset_schema() -> None:
    """Drop everything, including Alembic's bookkeeping, then create the current schema."""
    _db.session.remove()
    _db.drop_all()
    with _db.engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    _db.create_all()


@pytest.fixture
def app():
    app = create_app(TestConfig)
    with app.app_context():
        reset_schema()
        limiter.reset()
        yield app
        _db.session.remove()
        _db.drop_all()


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
    """The app with the shipped content in the database."""
    from training.content.sync import sync_content
    assert shipped_content.ok, "\n".join(map(str, shipped_content.problems))
    sync_content(_db.session, shipped_content)
    _db.session.commit()
    return shipped_content


def make_user(role: Role = Role.candidate, username: str | None = None, nickname: str = "测试用户",
              password: str = PASSWORD) -> User:
    """Test data builder: a saved user."""
    username = username or f"{role.value}-{next(_serial)}@test.local"
    user = User(username=username, nickname=nickname, role=role)
    user.set_password(password)
    _db.session.add(user)
    _db.session.commit()
    return user


def csrf_from(html: str) -> str:
    m = CSRF_RE.search(html)
    assert m, "page has no CSRF token"
    return m.group(1) or m.group(2)


class Auth:
    """Log a test client in and out through the real forms."""

    def __init__(self, client):
        self.client = client

    def token(self, url: str = "/auth/login") -> str:
        return csrf_from(self.client.get(url).get_data(as_text=True))

    def login(self, username: str, password: str = PASSWORD):
        return self.client.post("/auth/login", data={"username": username, "password": password,
                                                     "csrf_token": self.token()})

    def logout(self):
        return self.client.post("/auth/logout", data={"csrf_token": self.token("/")})


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
