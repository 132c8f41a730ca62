"""Who may use each class route: guest, candidate, member candidate, another instructor, the owner, an admin.

Every route of the classes blueprint is in ROUTES (a new route fails test_every_class_route_is_in_the_matrix
until it is), and each is tried as each role on a real class with a member, answers and an assignment.
"""
from __future__ import annotations

import pytest

from training.models import Role

from class_builders import add_member, answer, make_class, make_task, single_choice
from support import Auth, csrf_from, make_user

ROLES = ["guest", "candidate", "member", "other_instructor", "owner", "admin"]
TEACHERS = {"owner", "admin"}
ANYONE = {"candidate", "member", "other_instructor", "owner", "admin"}

# endpoint: (method, path with {c} {u} {t} {code}, roles allowed)
ROUTES = {
    "classes.index": ("GET", "/classes/", ANYONE),
    "classes.new": ("GET", "/classes/new", {"other_instructor", "owner", "admin"}),
    "classes.join_by_code": ("POST", "/classes/join", ANYONE),
    "classes.join_link": ("GET", "/classes/join/{code}", ANYONE),
    "classes.show": ("GET", "/classes/{c}", {"member", "owner", "admin"}),
    "classes.leave": ("POST", "/classes/{c}/leave", ANYONE),
    "classes.remove": ("POST", "/classes/{c}/students/{u}/remove", TEACHERS),
    "classes.new_code": ("POST", "/classes/{c}/code", TEACHERS),
    "classes.archive": ("POST", "/classes/{c}/archive", TEACHERS),
    "classes.new_assignment": ("GET", "/classes/{c}/assignments/new", TEACHERS),
    "classes.assignment": ("GET", "/classes/{c}/assignments/{t}", TEACHERS),
    "classes.delete_assignment": ("POST", "/classes/{c}/assignments/{t}/delete", TEACHERS),
    "classes.start_assignment": ("POST", "/classes/{c}/assignments/{t}/start", {"member"}),
    "classes.stats": ("GET", "/classes/{c}/stats", TEACHERS),
    "classes.question_stats": ("GET", "/classes/{c}/stats/questions", TEACHERS),
    "classes.point_stats": ("GET", "/classes/{c}/stats/points", TEACHERS),
    "classes.student": ("GET", "/classes/{c}/students/{u}", TEACHERS),
    "classes.export_csv": ("GET", "/classes/{c}/export.csv", TEACHERS),
    "classes.export_xlsx": ("GET", "/classes/{c}/export.xlsx", TEACHERS),
}
SECRET = "秘密学员"  # the member's nickname: must never reach anyone but the class's teachers (and the member)


@pytest.fixture
def scene(app, loaded, users):
    owner = users["instructor"]
    c = make_class(owner, name="隐私班")
    member = make_user(nickname=SECRET, username="member@test.local")
    add_member(c, member)
    qs = single_choice(2)
    for q in qs:
        answer(member, q, True)
    task = make_task(c, qs)
    people = {"candidate": users["candidate"], "member": member, "owner": owner, "admin": users["admin"],
              "other_instructor": make_user(Role.instructor, username="other@test.local", nickname="别的老师")}
    return {"class": c, "member": member, "task": task, "people": people}


def client_as(app, scene, role):
    client = app.test_client()
    if role != "guest":
        assert Auth(client).login(scene["people"][role].username).status_code == 302
    return client


def test_every_class_route_is_in_the_matrix(app):
    assert {e for e in app.view_functions if e.startswith("classes.")} == set(ROUTES)


def check_route(app, ids, usernames, role, endpoint) -> list[str]:
    """One cell of the matrix: a fresh client signed in as `role` asks for `endpoint`; what is wrong, if anything."""
    method, path, allowed = ROUTES[endpoint]
    url = path.format(**ids)
    client = app.test_client()
    if role != "guest":
        assert Auth(client).login(usernames[role]).status_code == 302
    token = csrf_from(client.get("/auth/signup" if role == "guest" else "/").get_data(as_text=True))
    response = client.get(url) if method == "GET" else client.post(url, data={"csrf_token": token})
    body = response.get_data(as_text=True) if not response.mimetype.endswith("sheet") else ""
    where = f"{method} {url} as {role}: {response.status_code}"
    problems = []
    if role == "guest":
        if not (response.status_code == 302 and "/auth/login" in response.headers["Location"]):
            problems.append(f"{where}, wanted a redirect to the login page")
    elif role in allowed:
        if response.status_code not in (200, 302, 307, 400):
            problems.append(f"{where}, wanted 200, 302, 307 or 400")
    else:
        if response.status_code != 403:
            problems.append(f"{where}, wanted 403")
        elif "没有权限" not in body:
            problems.append(f"{where} without 没有权限 on the page")
    if role not in TEACHERS | {"member"} and SECRET in body:
        problems.append(f"{where} shows the member's nickname")
    return problems


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(app, scene, restore_point, role):
    """Every class route as `role`. Each route is asked in a restore point: the scene as it was built, a new
    client and a new login, as if each were a test of its own (they were, at six times the set-up cost)."""
    c = scene["class"]
    ids = {"c": c.id, "u": scene["member"].id, "t": scene["task"].id, "code": c.join_code}
    usernames = {name: person.username for name, person in scene["people"].items()}
    problems = []
    for endpoint in sorted(ROUTES):
        with restore_point():
            problems += check_route(app, ids, usernames, role, endpoint)
    assert not problems, "\n".join(problems)


def test_a_member_sees_the_class_not_the_other_members(app, scene, users):
    other = make_user(nickname="同班同学", username="classmate@test.local")
    add_member(scene["class"], other)
    page = client_as(app, scene, "member").get(f"/classes/{scene['class'].id}").get_data(as_text=True)
    assert "隐私班" in page and "同班同学" not in page and "移出" not in page and scene["class"].join_code not in page


def test_an_instructor_sees_only_their_own_classes(app, scene):
    theirs = make_class(scene["people"]["other_instructor"], name="别人的班")
    add_member(theirs, scene["people"]["candidate"])
    client = client_as(app, scene, "owner")
    assert "别人的班" not in client.get("/classes/").get_data(as_text=True)
    refused = client.get(f"/classes/{theirs.id}/stats")
    assert refused.status_code == 403 and "另一位讲师" in refused.get_data(as_text=True)
    student = client.get(f"/classes/{scene['class'].id}/students/{scene['people']['candidate'].id}")
    assert student.status_code == 404  # a member of another class, not of this one
