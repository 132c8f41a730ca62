"""在线编写: documents checked as they are typed, drafts kept whatever the checker says, publishing as new
versions, optimistic locking, ownership, copies of file items, and the file loader leaving them alone."""
from __future__ import annotations

import re

import pytest

from training.content.authoring import STARTERS, Known, check_document
from training.extensions import db
from training.models import AuthoredDoc, Case, ItemVersion, Question, Role

from support import CONTENT, csrf_from, make_user

KNOWN = Known(areas={"plan": "客户服务计划"}, topics={"kp-plan-concept"},
              owners={"case-plan-write-service-plan": "content/cases/plan/write-service-plan.md"})


def starter(kind: str) -> str:
    return STARTERS[kind].format(area="plan", topic="kp-plan-concept")


@pytest.mark.parametrize("kind", ["topic", "case", "bank"])
def test_every_starter_document_is_valid(kind):
    checked = check_document("web/x.md", starter(kind), KNOWN)
    assert checked.ok and checked.kind == kind and checked.problems == []


def test_the_checker_reports_cross_file_problems_with_their_lines():
    text = starter("case").replace("id: case-plan-new", "id: case-plan-write-service-plan").replace(
        "area: plan", "area: nowhere").replace("type: 答辩", "type: 答辩\nknowledge: [kp-nope]")
    checked = check_document("web/x.md", text, KNOWN)
    messages = [(p.line, p.message) for p in checked.problems]
    assert any(line == 1 and "已被 content/cases/plan/write-service-plan.md 使用" in m for line, m in messages)
    assert any("'nowhere'" in m for _, m in messages) and any("kp-nope" in m for _, m in messages)
    raw = check_document("web/x.md", starter("topic") + "\n<b>粗</b>\n", KNOWN)
    assert any("不能直接写 HTML" in p.message and p.line == starter("topic").count("\n") + 2 for p in raw.problems)
    blueprint = check_document("web/x.md", "---\nkind: blueprint\nid: b\ntitle: t\npaper: 理论知识\n---\n", KNOWN)
    assert not blueprint.ok


@pytest.fixture
def instructor(as_role, loaded):
    return as_role("instructor")


def new_doc(client, kind="case", area="plan") -> tuple[str, AuthoredDoc]:
    token = csrf_from(client.get("/manage/docs/").get_data(as_text=True))
    r = client.post("/manage/docs/new", data={"kind": kind, "area": area, "csrf_token": token})
    assert r.status_code == 302, r.get_data(as_text=True)[:300]
    url = r.headers["Location"]
    return url, db.session.get(AuthoredDoc, int(url.rstrip("/").rsplit("/", 1)[1]))


def save(client, url, text, action="save", revision=None):
    page = client.get(url).get_data(as_text=True)
    rev = revision if revision is not None else re.search(r'name="revision" value="(\d+)"', page).group(1)
    return client.post(url + "/save", data={"csrf_token": csrf_from(page), "text": text, "revision": rev,
                                            "action": action})


def test_write_fix_publish_and_edit_a_case_with_versions_kept(instructor, as_role, users):
    url, doc = new_doc(instructor)
    case_id = f"case-plan-new-w{doc.id}"
    assert case_id in doc.draft_text and doc.draft_problems == []
    broken = doc.draft_text.replace("（40分）", "（30分）")
    r = save(instructor, url, broken, action="publish")
    assert r.status_code == 302
    db.session.expire_all()
    doc = db.session.get(AuthoredDoc, doc.id)
    assert doc.draft_text == broken and doc.published_text is None  # kept, not published
    assert "分值合计应为 100" in doc.draft_problems[0]["message"]
    page = instructor.get(url).get_data(as_text=True)
    assert "没有发布" in page and "分值合计应为 100" in page and f'data-line="{doc.draft_problems[0]["line"]}"' in page
    assert db.session.get(Case, case_id) is None

    fixed = broken.replace("（30分）", "（40分）")
    r = save(instructor, url, fixed, action="publish")
    assert r.status_code == 302
    db.session.expire_all()
    case = db.session.get(Case, case_id)
    assert case is not None and case.origin == "web" and case.source_path == doc.path and not case.retired
    first_version = case.version_id
    guest_page = as_role(None).get(f"/cases/{case_id}").get_data(as_text=True)
    assert "新案例" in guest_page

    # a student answers it; the instructor edits and publishes; the old answer keeps its version
    from training.models import DefenseSession, Response
    from training.models.base import utcnow
    ds = DefenseSession(user_id=users["candidate"].id, case_ids=[case_id], prep_seconds=0, answer_seconds=300, pass_mark=60)
    db.session.add(ds)
    db.session.flush()
    row = Response(user_id=users["candidate"].id, context="defense", defense_session_id=ds.id, slot=0, case_id=case_id,
                   version_id=case.version_id, text="我会先了解情况", answered_at=utcnow())
    db.session.add(row)
    db.session.commit()
    edited = fixed.replace("title: 新案例", "title: 改过的案例").replace("考生看到的题目。", "考生看到的新题目。")
    save(instructor, url, edited, action="publish")
    db.session.expire_all()
    case = db.session.get(Case, case_id)
    assert case.title == "改过的案例" and case.version_id != first_version
    assert db.session.get(type(row), row.id).version_id == first_version
    assert db.session.get(ItemVersion, first_version).payload["prompt_html"].count("新题目") == 0


def test_a_second_save_on_the_same_revision_is_a_conflict_that_loses_nothing(instructor):
    url, doc = new_doc(instructor)
    page = instructor.get(url).get_data(as_text=True)
    token, rev = csrf_from(page), re.search(r'name="revision" value="(\d+)"', page).group(1)
    mine = doc.draft_text.replace("新案例", "甲的修改")
    theirs = doc.draft_text.replace("新案例", "乙的修改")
    first = instructor.post(url + "/save", data={"csrf_token": token, "text": mine, "revision": rev, "action": "save"})
    assert first.status_code == 302
    second = instructor.post(url + "/save", data={"csrf_token": token, "text": theirs, "revision": rev, "action": "save"})
    assert second.status_code == 409
    html = second.get_data(as_text=True)
    assert "保存冲突" in html and "甲的修改" in html and "乙的修改" in html  # both texts on the page
    db.session.expire_all()
    assert "甲的修改" in db.session.get(AuthoredDoc, doc.id).draft_text


def test_only_owners_coauthors_and_admins_may_edit(instructor, as_role, users):
    url, doc = new_doc(instructor)
    other = make_user(Role.instructor, username="other-teacher@test.local")
    from support import Auth
    other_client = as_role(None)
    Auth(other_client).login(other.username)
    assert other_client.get(url).status_code == 403
    assert as_role("candidate").get(url).status_code == 403
    assert as_role(None).get(url).status_code == 302  # to the login page
    assert as_role("admin").get(url).status_code == 200
    page = instructor.get(url).get_data(as_text=True)
    instructor.post(url + "/coauthors", data={"csrf_token": csrf_from(page), "username": other.username})
    assert other_client.get(url).status_code == 200
    other_token = csrf_from(other_client.get(url).get_data(as_text=True))
    assert other_client.post(url + "/coauthors", data={"csrf_token": other_token, "username": "x"}).status_code == 403
    bad = instructor.post(url + "/coauthors", data={"csrf_token": csrf_from(page), "username": users["candidate"].username})
    assert bad.status_code == 400  # a candidate cannot be a co-author


def test_the_live_check_and_the_try_box(instructor):
    url, doc = new_doc(instructor)
    page = instructor.get(url).get_data(as_text=True)
    token = csrf_from(page)
    r = instructor.post(url + "/check", data={"csrf_token": token, "text": doc.draft_text.replace("（40分）", "（41分）")})
    data = r.get_json()
    assert r.status_code == 200 and data["problems"][0]["message"].startswith("案例") and "新案例" in data["preview"]
    sample = "说法一很重要，另一组也要做，第三组和第四组都有。"
    r = instructor.post(url + "/try", data={"csrf_token": token, "text": doc.draft_text, "sample": sample})
    assert r.status_code == 200 and "✓ 第一个要点" in r.get_data(as_text=True)
    wrong = sample + "考生常写的话就这样说。"  # the starter's 误区 (考生常写…这样说)
    r = instructor.post(url + "/try", data={"csrf_token": token, "text": doc.draft_text, "sample": wrong})
    assert "✗ 第一个要点" in r.get_data(as_text=True)
    assert "这里的说法是常见误区</span>：“考生常写的话就这样说”，即误区“考生常写的那句话这样说”" in r.get_data(as_text=True)
    assert instructor.post(url + "/check", data={"text": "x"}).status_code == 400  # CSRF
    too_long = instructor.post(url + "/check", data={"csrf_token": token, "text": "长" * 200_001})
    assert too_long.status_code == 413


def test_copying_a_file_item_makes_an_editable_document_that_coexists(instructor):
    page = instructor.get("/manage/docs/").get_data(as_text=True)
    r = instructor.post("/manage/docs/copy", data={"csrf_token": csrf_from(page), "item": "plan-q001"})
    assert r.status_code == 302
    doc = db.session.get(AuthoredDoc, int(r.headers["Location"].rsplit("/", 1)[1]))
    assert doc.kind == "bank" and f"plan-q001-w{doc.id}" in doc.draft_text and doc.copied_from
    assert doc.draft_problems == [], doc.draft_problems
    save(instructor, r.headers["Location"], doc.draft_text, action="publish")
    db.session.expire_all()
    assert db.session.get(Question, f"plan-q001-w{doc.id}").origin == "web"
    assert db.session.get(Question, "plan-q001").origin == "file"
    missing = instructor.post("/manage/docs/copy", data={"csrf_token": csrf_from(page), "item": "nope"})
    assert missing.status_code == 404


def test_a_question_dropped_from_a_published_bank_is_retired_and_files_leave_web_items_alone(instructor, loaded):
    url, doc = new_doc(instructor, kind="bank")
    one, doc_id = doc.draft_text, doc.id
    second = one.split("\n## ", 1)[1].replace(f"plan-new-q001-w{doc_id}", f"plan-new-q002-w{doc_id}")
    save(instructor, url, one + "\n## " + second, action="publish")
    assert db.session.get(Question, f"plan-new-q002-w{doc.id}") is not None
    save(instructor, url, one, action="publish")
    db.session.expire_all()
    assert db.session.get(Question, f"plan-new-q002-w{doc.id}").retired
    assert not db.session.get(Question, f"plan-new-q001-w{doc.id}").retired
    # reloading content/ from files retires nothing written in the browser
    from training.content.sync import sync_content
    sync_content(db.session, loaded)
    db.session.commit()
    assert not db.session.get(Question, f"plan-new-q001-w{doc.id}").retired


def test_bad_input_gets_clear_messages(instructor):
    token = csrf_from(instructor.get("/manage/docs/").get_data(as_text=True))
    assert instructor.post("/manage/docs/new", data={"kind": "exam", "area": "plan", "csrf_token": token}).status_code == 400
    assert instructor.post("/manage/docs/new", data={"kind": "case", "area": "zz", "csrf_token": token}).status_code == 400
    assert instructor.get("/manage/docs/999999").status_code == 404
    url, doc = new_doc(instructor)
    r = save(instructor, url, doc.draft_text, revision="x")
    assert r.status_code == 400 and "版本号" in r.get_data(as_text=True)
    r = save(instructor, url, doc.draft_text.replace("kind: case", "kind: topic"), action="publish")
    db.session.expire_all()
    assert "kind 不能改" in db.session.get(AuthoredDoc, doc.id).draft_problems[0]["message"]
    assert CONTENT.is_dir()


def test_the_editor_lists_synonyms_the_hints_do_not_have():
    from training.content.authoring import synonym_suggestions
    text = starter("case").replace("说法一/说法二，另一组/另一种说法", "倾听/听完，道歉")
    checked = check_document("web/x.md", text, KNOWN)
    suggested = dict(synonym_suggestions(checked.content))
    assert "聆听" in suggested["第一个要点"] and "倾听" not in suggested["第一个要点"]


def test_an_import_plan_says_what_is_new_updated_unchanged_or_wrong():
    from training.content.importing import MyDoc, plan_import, summary
    topic = starter("topic").replace("kp-plan-new", "kp-plan-imported")
    bank = starter("bank").replace("kp-plan-concept", "kp-plan-imported").replace("plan-new-q001", "plan-imp-q001")
    case = starter("case")
    mine = [MyDoc(7, "web/case-7.md", "cases/plan/mine.md", case, ["case-plan-new"])]
    files = {"topics/plan/a.md": topic, "questions/plan/b.md": bank, "cases/plan/mine.md": case,
             "cases/plan/clash.md": case.replace("case-plan-new", "case-plan-write-service-plan"),
             "areas.yaml": "- id: x", "questions/plan/dup.md": bank.replace("bank-plan-new", "bank-plan-two")}
    plans = {p.path: p for p in plan_import(files, KNOWN, mine)}
    assert plans["topics/plan/a.md"].status == "new"  # and the bank may name the topic it brings
    assert plans["cases/plan/mine.md"].status == "unchanged" and plans["cases/plan/mine.md"].doc_id == 7
    assert "已被" in plans["cases/plan/clash.md"].problems[0].message
    assert plans["areas.yaml"].status == "error"
    assert plans["questions/plan/dup.md"].status == "error" and plans["questions/plan/b.md"].status == "error"
    assert summary(list(plans.values()))["error"] == 4
    twice = plan_import({"cases/plan/a.md": case, "cases/plan/b.md": case}, KNOWN, [])
    assert [p.status for p in twice] == ["error", "error"]  # one id in two files
    alone = plan_import({"cases/plan/edited.md": case.replace("新案例", "改过")}, KNOWN, mine)
    assert alone[0].status == "update" and alone[0].doc_id == 7
