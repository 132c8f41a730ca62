"""The database is down: every page says so in Chinese with a 503, renders without it, and the
app comes back by itself. The full story (a real PostgreSQL stopped and started under gunicorn,
answers kept in the browser and re-sent) is bench/outage.py, run by .ci/run."""
from __future__ import annotations

import pytest

from training import create_app
from training.config import TestConfig


@pytest.fixture
def down_app(tmp_path):
    """An app whose database cannot be opened (its directory does not exist)."""
    return create_app({**{k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()},
                       "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/missing/dir/db.sqlite"})


@pytest.mark.parametrize("url", ["/", "/areas/plan", "/kp/kp-plan-concept", "/search?q=投诉"])
def test_guest_pages_say_maintenance_with_503(down_app, url):
    response = down_app.test_client().get(url)
    html = response.get_data(as_text=True)
    assert response.status_code == 503, (url, response.status_code)
    assert "系统维护中" in html and "保存在这台设备的浏览器中" in html and 'lang="zh-CN"' in html
    assert response.headers["Retry-After"] == "30" and response.headers["Cache-Control"] == "no-store"


def test_a_signed_in_user_gets_the_page_not_a_bare_error(down_app):
    client = down_app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = "1:some-session-token"
        session["_fresh"] = True
    response = client.get("/practice/")
    assert response.status_code == 503 and "系统维护中" in response.get_data(as_text=True)
    assert "Internal Server Error" not in response.get_data(as_text=True)


def test_json_clients_get_a_json_503(down_app):
    client = down_app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = "1:some-session-token"
    response = client.post("/mock/a/1/save", data={"index": "0"}, headers={"Accept": "application/json"})
    assert response.status_code == 503 and response.headers["Retry-After"] == "30"
    body = response.get_json()
    assert body["status"] == 503 and body["error"] == "系统维护中"


def test_guest_pages_in_the_cache_are_served_stale_while_the_database_is_down(app, client, loaded, monkeypatch):
    fresh = client.get("/areas/plan")
    assert fresh.status_code == 200 and "X-Served-Stale" not in fresh.headers
    from support import database_down
    database_down(app, monkeypatch)
    app.config["PAGE_CACHE_CHECK_SECONDS"] = 0.0
    stale = client.get("/areas/plan")
    assert stale.status_code == 200 and stale.headers["X-Served-Stale"] == "1"
    assert stale.get_data() == fresh.get_data()
    assert client.get("/areas/team").status_code == 503  # not in the cache: nothing to serve
