"""Shared fixtures: app on a fresh schema, clients, users per role, loaded content.

Set TEST_DATABASE_URL (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test) to run
everything against PostgreSQL; the default is in-memory SQLite.
"""
from __future__ import annotations

import pytest
from flask import g
from sqlalchemy import text

from training import create_app
from training.config import TestConfig
from training.content.validate import read_content
from training.extensions import db as _db, limiter
from training.models import Role

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


@pytest.fixture
def app():
    app = create_app(TestConfig)
    app.before_request_funcs.setdefault(None, []).insert(0, forget_per_request_state)
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
