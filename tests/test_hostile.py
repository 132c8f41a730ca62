"""Hostile and odd input at every route and every form field the app has: never a 5xx.

Routes come from the URL map and field names from the pages themselves (every `name="…"` a GET
page renders) plus every `request.args`/`request.form` key the code reads, so a new route or
field is attacked without anyone remembering to add it here.
"""
from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from training.access import LOGIN, PUBLIC, endpoint_rule

from support import ROOT, csrf_from

# "长" * 600 is longer than every length limit of a form field but the answer texts (5000, tested in their own
# modules); much longer values only cost time: each request unquotes them several times.
HOSTILE = [
    "\x00", "a\x00b", "\x1b[31m\x07\x7f", "\u202e\u200b\ufffe", "长" * 600, "-1", "--5", "0", "²", "１２",
    "99999999999999999999", "2147483648", "1e309", "NaN", "<script>alert(1)</script>", "<details><math><style>",
    "%_\\", "'; DROP TABLE users;--", "../../etc/passwd", "{{7*7}}", "[]", "   ",
]
# Values for path segments the int converter would take, besides the strings above.
HOSTILE_IDS = ["0", "2147483648", "9223372036854775808", "99999999999999999999"]
SOURCE_KEYS = re.compile(r"request\.(?:args|form)\.get(?:list)?\(\s*[\"']([^\"']+)")
NAME_ATTR = re.compile(r'name="([^"]+)"')


def keys_read_by_the_code() -> set[str]:
    keys = set()
    for path in (ROOT / "training").rglob("*.py"):
        keys |= set(SOURCE_KEYS.findall(path.read_text(encoding="utf-8")))
    return keys


@pytest.fixture
def world(app, loaded, users, as_role):
    """A candidate with a practice set, an exam in progress and a 答辩 in progress, so ids are real."""
    candidate = as_role("candidate")
    token = csrf_from(candidate.get("/practice/").get_data(as_text=True))
    practice = candidate.post("/practice/start", data={"area": "", "topic": "", "qtype": "", "difficulty": "",
                                                        "order": "seq", "csrf_token": token}).headers["Location"]
    exam = candidate.post("/mock/start/exam-theory", data={"csrf_token": token}).headers["Location"]
    defense = candidate.post("/defense/start", data={"count": "1", "prep_minutes": "0", "answer_minutes": "3",
                                                     "case": "", "csrf_token": token}).headers["Location"]
    candidate.post(defense + "/begin", data={"csrf_token": token})
    from training.content.authoring import STARTERS
    from training.extensions import db
    from training.models import AuthoredDoc
    doc = AuthoredDoc(kind="case", owner_id=users["instructor"].id, draft_text=STARTERS["case"].format(area="plan", topic=""),
                      draft_problems=[], published_ids=[])
    db.session.add(doc)
    from training.models import ImportBatch
    batch = ImportBatch(owner_id=users["admin"].id, source="zip", filename="x.zip", notes=[],
                        files={"cases/plan/x.md": STARTERS["case"].format(area="plan", topic="")})
    db.session.add(batch)
    db.session.commit()
    ids = {"session_id": int(practice.rsplit("/", 1)[1]), "attempt_id": int(exam.rsplit("/", 1)[1]), "doc_id": doc.id, "batch_id": batch.id}
    return {"candidate": candidate, "defense_session": int(defense.rsplit("/", 1)[1]), "ids": ids,
            "practice": practice, "exam": exam, "defense": defense}


def fewer_numbered(names: set[str], keep: int = 3) -> list[str]:
    """A paper renders item-0-choice … item-84-choice: attack three of each numbered family, not all."""
    families: dict[str, list[str]] = {}
    for name in sorted(names, key=lambda n: (len(n), n)):
        families.setdefault(re.sub(r"\d+", "N", name), []).append(name)
    return sorted(n for members in families.values() for n in members[:keep])


def sample_args(rule, users, world) -> dict:
    values = {"area_id": "plan", "topic_id": "kp-plan-concept", "case_id": "case-plan-write-service-plan",
              "question_id": "plan-q001", "user_id": users["candidate"].id, "session_id": world["ids"]["session_id"],
              "response_id": 1, "answer_id": 1, "attempt_id": world["ids"]["attempt_id"],
              "blueprint_id": "exam-theory", "index": 0, "token": "no-such-token", "doc_id": world["ids"]["doc_id"],
              "batch_id": world["ids"]["batch_id"], "class_id": 1, "assignment_id": 1, "code": "123456", "player_id": 1}
    if rule.rule.startswith("/defense/"):
        values["session_id"] = world["defense_session"]
    return {arg: values[arg] for arg in rule.arguments}


def hostile_paths(rule, args) -> list[str]:
    """The rule's URL with each argument replaced, in turn, by each hostile value (raw, percent-encoded)."""
    paths = []
    for arg in rule.arguments:
        converter = rule._converters.get(arg)
        values = HOSTILE_IDS if type(converter).__name__ == "IntegerConverter" else HOSTILE
        for value in values:
            url = rule.rule
            for name, real in args.items():
                piece = quote(value, safe="") if name == arg else quote(str(real), safe="")
                url = re.sub(rf"<(?:[^:<>]+:)?{name}>", lambda _: piece, url)
            paths.append(url)
    return paths


def rules(app):
    order = {"auth.logout": 2, "exams.submit": 1}  # ending the session or the exam: last
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (order.get(r.endpoint, 0), r.rule)):
        if rule.endpoint != "static":
            yield rule


# Each route is attacked by the role that may use it (the access hook answers everyone else before any
# view code runs, and tests/test_access.py covers that): guests the public pages, a candidate the
# signed-in ones, an admin the instructor and admin pages.
WALKER = {PUBLIC: None, LOGIN: "candidate", "instructor": "admin", "admin": "admin"}


@pytest.mark.parametrize("role", [None, "candidate", "admin"])
def test_no_hostile_value_gets_a_server_error(app, users, world, as_role, role):
    client = world["candidate"] if role == "candidate" else as_role(role)
    mine = [r for r in rules(app) if WALKER[endpoint_rule(app, r.endpoint)] == role]
    code_keys = keys_read_by_the_code() | {"page", "per_page"}
    urls, form_names = [], set(code_keys)
    for rule in mine:
        url = rule.build(sample_args(rule, users, world))[1]
        urls.append((rule, url))
        if "GET" in rule.methods:
            form_names |= set(NAME_ATTR.findall(client.get(url).get_data(as_text=True)))
    form_names.discard("csrf_token")
    names = fewer_numbered(form_names)
    token = csrf_from(client.get("/auth/login" if role is None else "/").get_data(as_text=True))
    failures = []

    def check(method, url, **kw):
        response = client.open(url, method=method, **kw)
        if response.status_code >= 500:
            failures.append(f"{method} {url[:120]!r} {str(kw)[:160]} -> {response.status_code}")

    for rule, url in urls:
        methods = sorted(rule.methods & {"GET", "POST"})
        for path in hostile_paths(rule, sample_args(rule, users, world)):
            for method in methods:
                check(method, path, data={"csrf_token": token} if method == "POST" else None)
        for k, value in enumerate(HOSTILE):
            if "GET" in methods:  # every query key the code reads: over the rounds, each key meets each value
                check("GET", url, query_string={name: HOSTILE[(i + k) % len(HOSTILE)]
                                                for i, name in enumerate(sorted(code_keys))})
            if "POST" in methods:  # every field any page renders: over the rounds, each field meets each value
                fields = {name: HOSTILE[(i + k) % len(HOSTILE)] for i, name in enumerate(names)}
                check("POST", url, data={**fields, "csrf_token": token}, query_string={"next": value, "q": value})
        if "POST" in methods:  # wrong types: repeated fields, JSON where a form is expected, no token at all
            check("POST", url, data={**{n: ["1", "x"] for n in names}, "csrf_token": token})
            check("POST", url, json={"csrf_token": token, "text": [1, {}], "index": {"a": None}})
            check("POST", url, data="\x00\xff\xfe", content_type="application/x-www-form-urlencoded")
            check("POST", url, data={n: "1" for n in names})
    assert len(urls) >= 4
    assert not failures, f"{len(failures)} responses >= 500:\n" + "\n".join(failures[:40])


@pytest.mark.parametrize("path", ["/kp/%00", "/areas/pl%00an", "/practice/s/99999999999999999999",
                                  "/practice/s/2147483648", "/defense/s/99999999999999999999",
                                  "/questions/%C0%AF", "/%ff%fe", "/mock/a/1/report%0a"])
def test_odd_paths_are_a_chinese_404(as_role, loaded, path):
    response = as_role("admin").get(path)
    assert response.status_code == 404, (path, response.status_code)
    assert "页面不存在" in response.get_data(as_text=True)


@pytest.mark.parametrize("query", ["q=%00", "q=a%00b", "q=" + "%E9%95%BF" * 3000, "q=a&page=99999999999999999999",
                                   "q=a&page=%C2%B2", "q=a&page=--5"])
def test_odd_queries_are_answered(client, loaded, query):
    response = client.get("/search?" + query)
    assert response.status_code in (200, 400), (query, response.status_code)
    assert "\x00" not in response.get_data(as_text=True)


def test_admin_search_takes_percent_and_underscore_literally(as_role, users, app):
    from support import make_user
    make_user(username="a_b@test.local", nickname="百分之%")
    make_user(username="axb@test.local", nickname="百分之九十")
    admin = as_role("admin")
    page = admin.get("/admin/users?q=a_b").get_data(as_text=True)
    assert "a_b@test.local" in page and "axb@test.local" not in page
    page = admin.get("/admin/users?q=%25").get_data(as_text=True)
    assert "百分之%" in page and "百分之九十" not in page and "candidate@test.local" not in page


def test_the_route_map_is_what_this_test_walks(app):
    """Guard against walking nothing: every non-static endpoint appears in the walk."""
    assert {r.endpoint for r in rules(app)} == set(app.view_functions) - {"static"}
    assert len(list(rules(app))) >= 30
