"""Browser tests: a live server in a thread, driven by Playwright through Debian's Chromium.

Skipped when /usr/bin/chromium is missing, unless E2E_REQUIRED=1 (as in .ci/run),
in which case a missing browser is a failure, not a skip.

Screenshots (test-artifacts/, /tmp/classes-shots/, …) are for a developer to look at; they assert
nothing. E2E_SCREENSHOTS=0 leaves them out (.ci/run does: its clone is thrown away, and a full-page
shot of a phone page at device scale 2 costs Chromium more than the steps around it).
"""
from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from training import create_app
from training.config import TestConfig
from training.content.sync import sync_content
from training.content.validate import read_content
from training.extensions import db

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
SCREENSHOTS = os.environ.get("E2E_SCREENSHOTS", "1") != "0"


def pytest_collection_modifyitems(config, items):
    if shutil.which(CHROMIUM) or os.path.exists(CHROMIUM):
        return
    if os.environ.get("E2E_REQUIRED") == "1":
        raise pytest.UsageError(f"E2E_REQUIRED=1 but no Chromium at {CHROMIUM}: apt-get install -y chromium fonts-noto-cjk")
    skip = pytest.mark.skip(reason=f"no Chromium at {CHROMIUM} (apt-get install -y chromium fonts-noto-cjk)")
    for item in items:
        if "e2e" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path_factory.mktemp('e2e') / 'e2e.sqlite'}"

    class E2EConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = url
        READ_ONLY_AUTOCOMMIT = True  # a real server, as in production (dbconn.py)

    app = create_app(E2EConfig)
    with app.app_context():
        db.drop_all()
        db.create_all()
        sync_content(db.session, read_content(app.config["CONTENT_DIR"]))
        db.session.commit()
    _LIVE["app"] = app
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    with app.app_context():
        db.drop_all()


_LIVE: dict = {}


@pytest.fixture
def server_app(live_server):
    """The live server's app, to write test data straight into its database (inside its app context)."""
    return _LIVE["app"]


@pytest.fixture
def set_role(live_server):
    """Give an account made through the sign-up form another role (instructors are appointed by an admin)."""
    from training.models import Role, User

    def apply(username: str, role: str) -> None:
        with _LIVE["app"].app_context():
            user = db.session.execute(db.select(User).where(User.username == username)).scalar_one()
            user.role = Role(role)
            db.session.commit()
    return apply


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield b
        b.close()


@pytest.fixture(scope="session", autouse=True)
def screenshots_left_out():
    """With E2E_SCREENSHOTS=0, every page.screenshot(...) of the browser tests is a no-op."""
    if SCREENSHOTS:
        yield
        return
    from playwright.sync_api import Page
    taken = Page.screenshot
    Page.screenshot = lambda self, *args, **kwargs: b""
    try:
        yield
    finally:
        Page.screenshot = taken


@pytest.fixture
def shot():
    ARTIFACTS.mkdir(exist_ok=True)

    def take(page, name: str, full_page: bool = True):
        # A whole mock-exam paper is 30 000 px tall: its shots take the screen only (full_page=False).
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page)
    return take

