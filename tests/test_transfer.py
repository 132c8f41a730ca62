"""Import and export of content: the Markdown zip round trip through an empty database, the preview that
writes nothing, all-or-nothing confirmation, GIFT and Moodle XML uploads, and bad uploads."""
from __future__ import annotations

import io
import re
import zipfile

import pytest

from training.extensions import db
from training.interchange.mdzip import export_zip, layout_files
from training.models import AuthoredDoc, ImportBatch, Question, Role

from support import CONTENT, Auth, csrf_from, make_user

ITEM_DIRS = ("topics/", "cases/", "questions/")


def upload(client, data: bytes, name: str, **form):
    token = csrf_from(client.get("/manage/docs/import").get_data(as_text=True))
    return client.post("/manage/docs/import", data={"csrf_token": token, "file": (io.BytesIO(data), name), **form},
                       content_type="multipart/form-data")


def confirm(client, preview_url):
    page = client.get(preview_url).get_data(as_text=True)
    return client.post(preview_url + "/confirm", data={"csrf_token": csrf_from(page)})


@pytest.fixture
def areas_only(fresh_app, shipped_content):
    """An empty database with the syllabus areas (app configuration, loaded by `flask setup`) and an instructor."""
    from training.content.items import ContentSet
    from training.content.sync import sync_content
    sync_content(db.session, ContentSet(areas=shipped_content.areas))
    db.session.commit()
    teacher = make_user(Role.instructor, username="importer@test.local")
    client = fresh_app.test_client()
    Auth(client).login(teacher.username)
    return client


def test_the_shipped_bank_round_trips_byte_for_byte_through_an_empty_database(areas_only):
    original = {p: t for p, t in layout_files(CONTENT).items() if p.startswith(ITEM_DIRS)}
    r = upload(areas_only, export_zip(original), "content.zip")
    assert r.status_code == 302, r.get_data(as_text=True)[:500]
    preview = r.headers["Location"]
    page = areas_only.get(preview).get_data(as_text=True)
    assert "有错误" not in page.split("<tbody>")[1] and f"<strong>{len(original)}</strong>" in page
    assert db.session.execute(db.select(db.func.count()).select_from(Question)).scalar_one() == 0  # nothing yet
    assert confirm(areas_only, preview).status_code == 302
    n_questions = sum(t.count("\n## ") for p, t in original.items() if p.startswith("questions/"))
    assert db.session.execute(db.select(db.func.count()).select_from(Question)).scalar_one() == n_questions
    r = areas_only.get("/manage/docs/export/download?selection=mine&format=zip")
    assert r.status_code == 200 and r.mimetype == "application/zip"
    again = {i.filename: zipfile.ZipFile(io.BytesIO(r.data)).read(i).decode() for i in zipfile.ZipFile(io.BytesIO(r.data)).infolist()}
    assert again == original
    assert r.data == export_zip(original)  # the same bytes, zip and all


def test_a_preview_with_an_error_confirms_nothing_and_names_file_and_line(areas_only, shipped_content):
    good = {p: t for p, t in layout_files(CONTENT).items() if p.startswith("topics/plan/")}
    bad = dict(good, **{"cases/plan/broken.md": "---\nkind: case\nid: case-x\narea: plan\ntitle: 坏\n---\n\n## 题目\n\n题。\n"})
    preview = upload(areas_only, export_zip(bad), "bad.zip").headers["Location"]
    page = areas_only.get(preview).get_data(as_text=True)
    assert "cases/plan/broken.md" in page and "第 " in page and "/confirm\"" not in page
    r = confirm(areas_only, preview)
    assert r.status_code == 302
    assert db.session.execute(db.select(db.func.count()).select_from(AuthoredDoc)).scalar_one() == 0


def test_gift_and_moodle_xml_uploads_become_documents(areas_only):
    gift = ("$CATEGORY: $course$/客户服务计划\n::plan-g1::计划的核心是什么？{=目标 ~口号 ~形式####计划先定目标。}\n\n"
            "::plan-g2::计划书必须有落款。{T####落款写单位和日期。}\n\n::short::简答{=目标}\n")
    r = upload(areas_only, gift.encode(), "bank.gift", area="plan")
    assert r.status_code == 302
    page = areas_only.get(r.headers["Location"]).get_data(as_text=True)
    assert "未导入" in page and "short" in page  # a short answer is said, not dropped
    from training.interchange import moodle_xml
    from training.content.validate import read_content
    shipped = read_content(CONTENT)
    from training.content.items import ContentSet
    xml = moodle_xml.export(ContentSet(banks=[b for b in shipped.banks if b.area == "plan"][:1]))
    assert upload(areas_only, xml, "plan.xml", area="plan").status_code == 302


@pytest.mark.parametrize("name,data,message", [
    ("evil.zip", None, "..") ,
    ("x.xml", b'<?xml version="1.0"?><!DOCTYPE q [<!ENTITY x SYSTEM "file:///etc/passwd">]><quiz>&x;</quiz>', "实体"),
    ("x.gift", "题目{=对".encode("gbk"), "UTF-8"),
    ("x.doc", b"hello", "格式"),
])
def test_bad_uploads_get_a_clear_message_and_change_nothing(areas_only, name, data, message):
    if data is None:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr("../etc/x.md", "x")
        data = buf.getvalue()
    r = upload(areas_only, data, name, area="plan")
    assert r.status_code == 400 and message in r.get_data(as_text=True)
    assert db.session.execute(db.select(db.func.count()).select_from(ImportBatch)).scalar_one() == 0


def test_an_upload_over_the_limit_is_refused(areas_only, fresh_app):
    fresh_app.config["IMPORT_MAX_BYTES"] = 1000
    r = upload(areas_only, b"x" * 2000, "big.zip")
    assert r.status_code == 413 and "太大" in r.get_data(as_text=True)


def test_a_batch_belongs_to_its_importer_and_confirms_once(areas_only, fresh_app):
    files = {p: t for p, t in layout_files(CONTENT).items() if p.startswith("topics/plan/")}
    preview = upload(areas_only, export_zip(files), "t.zip").headers["Location"]
    other = fresh_app.test_client()
    Auth(other).login(make_user(Role.instructor, username="other-importer@test.local").username)
    assert other.get(preview).status_code == 403
    assert confirm(areas_only, preview).status_code == 302
    n = db.session.execute(db.select(db.func.count()).select_from(AuthoredDoc)).scalar_one()
    assert confirm(areas_only, preview).status_code == 302  # again: nothing more
    assert db.session.execute(db.select(db.func.count()).select_from(AuthoredDoc)).scalar_one() == n == len(files)


def test_export_formats_and_selections(as_role, loaded):
    teacher = as_role("instructor")
    r = teacher.get("/manage/docs/export/download?selection=area&area=plan&format=gift")
    assert r.status_code == 200 and "::plan-q001::" in r.get_data(as_text=True)
    r = teacher.get("/manage/docs/export/download?selection=all&format=xml")
    assert r.status_code == 200 and b"<quiz>" in r.data
    r = teacher.get("/manage/docs/export/download?selection=all&format=zip")
    names = zipfile.ZipFile(io.BytesIO(r.data)).namelist()
    assert "areas.yaml" in names and any(re.match(r"blueprints/", n) for n in names)
    assert teacher.get("/manage/docs/export/download?selection=mine&format=zip").status_code == 404  # nothing of mine
    assert teacher.get("/manage/docs/export/download?selection=x&format=zip").status_code == 400
    assert as_role("candidate").get("/manage/docs/export/download?selection=all&format=zip").status_code == 403


def test_export_of_a_class_holds_its_questions_and_only_its_teachers_may_ask(as_role, loaded, users):
    from class_builders import make_class, make_task
    from training.live.service import create_session
    mine = make_class(users["instructor"], name="导出班")
    others = make_class(make_user(Role.instructor), name="别人的班")
    assigned = db.session.get(Question, "plan-q001")
    played = db.session.execute(db.select(Question).where(Question.qtype == "判断", Question.area_id != "plan")
                                .order_by(Question.id)).scalars().first()
    make_task(mine, [assigned])
    create_session(db.session, users["instructor"].id, "课堂", [played.id], 20, "speed", class_id=mine.id)
    db.session.commit()
    teacher = as_role("instructor")
    assert "导出班" in teacher.get("/manage/docs/export").get_data(as_text=True)
    gift_text = teacher.get(f"/manage/docs/export/download?selection=class&class_id={mine.id}&format=gift")\
        .get_data(as_text=True)
    assert sorted(re.findall(r"::([\w-]+)::", gift_text)) == sorted([assigned.id, played.id])
    xml = teacher.get(f"/manage/docs/export/download?selection=class&class_id={mine.id}&format=xml").data
    assert xml.count(b"<question type=\"multichoice\"") + xml.count(b"<question type=\"truefalse\"") == 2
    zipped = zipfile.ZipFile(io.BytesIO(teacher.get(
        f"/manage/docs/export/download?selection=class&class_id={mine.id}&format=zip").data))
    texts = {n: zipped.read(n).decode() for n in zipped.namelist()}
    assert len(texts) == 2 and all(n.startswith("questions/") for n in texts)  # the two banks, whole
    assert any(f"## {assigned.id} " in t for t in texts.values()) and any(f"## {played.id} " in t for t in texts.values())
    assert teacher.get(f"/manage/docs/export/download?selection=class&class_id={others.id}&format=zip").status_code == 403
    assert teacher.get("/manage/docs/export/download?selection=class&format=zip").status_code == 400
    empty = make_class(users["instructor"], name="空班")
    r = teacher.get(f"/manage/docs/export/download?selection=class&class_id={empty.id}&format=gift")
    assert r.status_code == 404 and "还没有布置练习作业" in r.get_data(as_text=True)
