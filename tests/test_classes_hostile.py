"""Hostile input at every class route, on a real class (tests/test_hostile.py reaches them only with unknown
ids): every field and query key the class pages read, each set to every hostile value. Never a 5xx."""
from __future__ import annotations

import pytest

from test_classes_access import ROUTES, client_as, scene  # noqa: F401  (scene is a fixture)
from test_hostile import HOSTILE

from support import csrf_from

FIELDS = ["code", "name", "description", "title", "kind", "area", "topic", "qtype", "question_ids", "blueprint", "due",
          "on", "sort", "table"]
# Routes that end what the walk needs (membership, the assignment, the class itself) go last.
LAST = {"classes.leave": 1, "classes.remove": 1, "classes.delete_assignment": 2, "classes.archive": 3}


@pytest.mark.parametrize("role", ["owner", "member"])
def test_no_hostile_value_gets_a_server_error(app, scene, role):  # noqa: F811
    client = client_as(app, scene, role)
    token = csrf_from(client.get("/").get_data(as_text=True))
    c = scene["class"]
    failures = []
    for endpoint in sorted(ROUTES, key=lambda e: (LAST.get(e, 0), e)):
        method, path, allowed = ROUTES[endpoint]
        if role not in allowed:
            continue
        url = path.format(c=c.id, u=scene["member"].id, t=scene["task"].id, code=c.join_code)
        for k, value in enumerate(HOSTILE):
            fields = {name: HOSTILE[(i + k) % len(HOSTILE)] for i, name in enumerate(FIELDS)}
            if method == "GET":
                response = client.get(url, query_string={name: value for name in FIELDS})
            else:
                response = client.post(url, data={**fields, "csrf_token": token}, query_string={"sort": value})
            if response.status_code >= 500:
                failures.append(f"{method} {url} {value[:20]!r} -> {response.status_code}")
        if method == "POST":
            for data in ({n: ["1", "x"] for n in FIELDS} | {"csrf_token": token}, {n: "1" for n in FIELDS}):
                response = client.post(url, data=data)
                if response.status_code >= 500:
                    failures.append(f"{method} {url} {str(data)[:60]} -> {response.status_code}")
    assert not failures, "\n".join(failures[:30])


@pytest.mark.parametrize("due", ["2099-02-30 10:00", "9999-12-31 23:59", "0001-01-01 00:00", "2099-13-01", "2099-01-01T25:00"])
def test_odd_due_dates_are_a_400(app, scene, due):  # noqa: F811
    client = client_as(app, scene, "owner")
    c = scene["class"]
    page = client.get(f"/classes/{c.id}/assignments/new").get_data(as_text=True)
    response = client.post(f"/classes/{c.id}/assignments/new", data={
        "kind": "practice", "area": "plan", "qtype": "单选", "due": due, "csrf_token": csrf_from(page)})
    assert response.status_code in (302, 400), response.status_code
