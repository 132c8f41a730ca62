"""The role matrix: every route declares who may use it, and the rule holds for every role."""
from __future__ import annotations

import pytest
from flask import Blueprint

from training import create_app
from training.access import LOGIN, PUBLIC, endpoint_rule, endpoints_without_rule
from training.config import TestConfig

from support import csrf_from

ROLES = [None, "candidate", "instructor", "admin"]
RANK = {None: 0, "candidate": 1, "instructor": 2, "admin": 3}
NEEDED = {PUBLIC: 0, LOGIN: 1, "instructor": 2, "admin": 3}


def sample_args(rule, users) -> dict:
    values = {"area_id": "plan", "topic_id": "kp-plan-concept", "case_id": "case-plan-write-service-plan",
              "question_id": "plan-q001", "user_id": users["candidate"].id, "session_id": 999999,
              "response_id": 999999, "answer_id": 999999, "attempt_id": 999999, "doc_id": 999999, "batch_id": 999999,
              "blueprint_id": "exam-theory", "token": "no-such-token", "index": 0, "class_id": 999999, "assignment_id": 999999,
              "code": "123456", "player_id": 999999}
    return {arg: values[arg] for arg in rule.arguments}


def routes(app):
    # Logging out would end the session the rest of the walk depends on: do it last.
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.endpoint == "auth.logout"):
        if rule.endpoint == "static":
            continue
        for method in sorted(rule.methods & {"GET", "POST"}):
            yield rule, method


def test_every_route_declares_an_access_rule(app):
    assert endpoints_without_rule(app) == []


def test_a_route_without_a_rule_is_caught_and_refused():
    app = create_app(TestConfig)
    bp = Blueprint("careless", __name__)

    @bp.route("/forgot-to-guard")
    def forgot():
        return "secret"

    app.register_blueprint(bp)
    assert endpoints_without_rule(app) == ["careless.forgot"]
    response = app.test_client().get("/forgot-to-guard")
    assert response.status_code == 403 and b"secret" not in response.data


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(app, loaded, users, as_role, role):
    client = as_role(role)
    token = csrf_from(client.get("/auth/signup" if role is None else "/").get_data(as_text=True))
    checked = 0
    for rule, method in routes(app):
        needed = NEEDED[endpoint_rule(app, rule.endpoint)]
        url = rule.build(sample_args(rule, users))[1]
        if method == "GET":
            response = client.get(url)
        else:
            response = client.post(url, data={"csrf_token": token})
        where = f"{method} {url} as {role or 'guest'}"
        if RANK[role] >= needed:
            assert response.status_code not in (401, 403), where
            assert "/auth/login" not in response.headers.get("Location", "") or rule.endpoint.startswith("auth."), where
        elif role is None:
            assert response.status_code == 302 and "/auth/login" in response.headers["Location"], where
        else:
            assert response.status_code == 403, where
            assert "没有权限" in response.get_data(as_text=True), where
        checked += 1
    assert checked >= 10


def test_instructor_and_admin_routes_exist_to_be_guarded(app):
    rules = {endpoint_rule(app, e) for e in app.view_functions}
    assert {"instructor", "admin", PUBLIC, LOGIN} <= rules
