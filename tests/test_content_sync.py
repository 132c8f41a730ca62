"""Loading content: upsert by id, retire instead of delete, all or nothing."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from training.content.sync import sync_content
from training.content.validate import read_content
from training.extensions import db
from training.models import Case, Question, SearchEntry, Topic

from support import CONTENT


@pytest.fixture
def app(fresh_app):
    """These tests load, build or drop the schema: an empty one of their own."""
    return fresh_app


@pytest.fixture
def content_copy(tmp_path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(CONTENT, target)
    return target


def load(root: Path):
    report = sync_content(db.session, read_content(root))
    db.session.commit()
    return report


def count(model, **where) -> int:
    stmt = db.select(db.func.count()).select_from(model)
    for k, v in where.items():
        stmt = stmt.where(getattr(model, k) == v)
    return db.session.execute(stmt).scalar_one()


def test_shipped_content_loads_and_reloading_changes_nothing(app, content_copy, shipped_content):
    first = load(content_copy)
    assert first.added["question"] == len(shipped_content.questions) > 0
    assert first.added["topic"] == len(shipped_content.topics)
    second = load(content_copy)
    assert sum(second.added.values()) == sum(second.updated.values()) == sum(second.retired.values()) == 0
    assert count(Question) == len(shipped_content.questions)


def test_editing_a_question_updates_it_in_place(app, content_copy):
    load(content_copy)
    path = content_copy / "questions/plan/basics.md"
    path.write_text(path.read_text(encoding="utf-8").replace("这主要体现了计划的哪一项作用", "这体现了计划的哪项作用"), encoding="utf-8")
    report = load(content_copy)
    assert report.updated["question"] == 1 and report.added["question"] == 0
    q = db.session.get(Question, "plan-q001")
    assert "这体现了计划的哪项作用" in q.stem_html
    hit = db.session.execute(db.select(SearchEntry).where(SearchEntry.ref_id == "plan-q001")).scalar_one()
    assert "哪项作用" in hit.text


def test_removed_items_are_retired_not_deleted_and_come_back(app, content_copy, client):
    load(content_copy)
    topic_file = content_copy / "topics/plan/environment.md"
    saved = {p: p.read_text(encoding="utf-8") for p in content_copy.rglob("*.md")}
    topic_file.unlink()
    for path, text in saved.items():  # repoint everything that cited the removed topic
        if path != topic_file and "kp-plan-environment" in text:
            path.write_text(text.replace("kp-plan-environment", "kp-plan-concept"), encoding="utf-8")
    report = load(content_copy)
    assert report.retired["topic"] == 1
    topic = db.session.get(Topic, "kp-plan-environment")
    assert topic is not None and topic.retired
    assert client.get("/kp/kp-plan-environment").status_code == 404
    assert db.session.execute(db.select(SearchEntry).where(SearchEntry.ref_id == "kp-plan-environment")).first() is None
    for path, text in saved.items():
        path.write_text(text, encoding="utf-8")
    report = load(content_copy)
    assert report.added["topic"] == 0 and report.updated["topic"] >= 1
    assert not db.session.get(Topic, "kp-plan-environment").retired
    assert client.get("/kp/kp-plan-environment").status_code == 200


def test_moving_a_question_to_another_file_keeps_its_row(app, content_copy):
    load(content_copy)
    bank = content_copy / "questions/plan/basics.md"
    text = bank.read_text(encoding="utf-8")
    head, rest = text.split("## plan-q001", 1)
    q1, tail = rest.split("## plan-q002", 1)
    bank.write_text(head + "## plan-q002" + tail, encoding="utf-8")
    (content_copy / "questions/plan/more.md").write_text(
        "---\nkind: bank\nid: bank-plan-more\narea: plan\ntitle: 更多\n---\n\n## plan-q001" + q1, encoding="utf-8")
    load(content_copy)
    q = db.session.get(Question, "plan-q001")
    assert q.bank_id == "bank-plan-more" and not q.retired and q.source_path.endswith("more.md")


def cli_load(runner, root: Path):
    return runner.invoke(args=["content", "load", str(root)])


def test_load_with_any_problem_loads_nothing(app, runner, content_copy):
    bank = content_copy / "questions/plan/basics.md"
    bank.write_text(bank.read_text(encoding="utf-8").replace("- [ ] 推动作用", "- [x] 推动作用"), encoding="utf-8")
    result = cli_load(runner, content_copy)
    assert result.exit_code == 1
    assert "questions/plan/basics.md:" in result.output and "单选题必须恰好有 1 个正确选项" in result.output
    assert "未导入任何内容" in result.output
    assert count(Question) == count(Topic) == count(Case) == 0


def test_check_command_prints_file_line_and_exits_nonzero(app, runner, content_copy):
    case = content_copy / "cases/plan/write-service-plan.md"
    case.write_text(case.read_text(encoding="utf-8").replace("（15分）", "（25分）", 1), encoding="utf-8")
    result = runner.invoke(args=["content", "check", str(content_copy)])
    assert result.exit_code == 1
    line = next(l for l in result.output.splitlines() if "分值合计应为 100" in l)
    path, lineno, _ = line.split(":", 2)
    assert path.endswith(case.name) and lineno.isdigit()
    assert case.read_text(encoding="utf-8").splitlines()[int(lineno) - 1].startswith("## 参考要点")


def test_check_command_on_shipped_content_passes(app, runner):
    result = runner.invoke(args=["content", "check"])
    assert result.exit_code == 0, result.output
    assert "内容检查通过" in result.output


def test_check_single_file_against_the_rest(app, runner, content_copy, tmp_path):
    draft = tmp_path / "draft.md"
    draft.write_text("---\nkind: bank\nid: bank-draft\narea: plan\ntitle: 草稿\n---\n\n## draft-q1 · 判断 · 易\n"
                     "知识点: kp-plan-concept\n\n计划是事后总结。\n\n答案: 错\n\n### 解析\n计划产生在行动之前。\n", encoding="utf-8")
    app.config["CONTENT_DIR"] = str(content_copy)
    ok = runner.invoke(args=["content", "check", str(draft)])
    assert ok.exit_code == 0, ok.output
    draft.write_text(draft.read_text(encoding="utf-8").replace("kp-plan-concept", "kp-nope"), encoding="utf-8")
    bad = runner.invoke(args=["content", "check", str(draft)])
    assert bad.exit_code == 1 and "知识点 kp-nope 不存在" in bad.output and "draft.md:9:" in bad.output


def test_stats_table_counts_per_area_and_type(app, runner, loaded):
    result = runner.invoke(args=["content", "stats"])
    assert result.exit_code == 0
    plan_line = next(l for l in result.output.splitlines() if "(plan)" in l)
    numbers = [int(x) for x in plan_line.split(")", 1)[1].split()]
    plan_questions = [q for q in loaded.questions if q.area == "plan"]
    assert numbers[-1] == len(plan_questions)
    assert "合计" in result.output


def test_stats_explains_an_empty_or_unbuilt_database(app, runner):
    from training.extensions import db as _db
    empty = runner.invoke(args=["content", "stats"])  # schema built, nothing loaded
    assert empty.exit_code == 2 and "flask content load" in empty.output
    _db.session.remove()  # end the command's read transaction, or PostgreSQL's DROP waits on it
    _db.drop_all()
    unbuilt = runner.invoke(args=["content", "stats"])
    assert unbuilt.exit_code == 2 and "flask setup" in unbuilt.output
    assert "Traceback" not in unbuilt.output


def test_setup_is_idempotent_and_creates_demo_accounts_once(app, runner):
    from training.extensions import db as _db
    from training.models import User
    _db.drop_all()  # setup builds the schema itself, through the migrations
    first = runner.invoke(args=["setup", "--demo"])
    assert first.exit_code == 0, first.output
    second = runner.invoke(args=["setup", "--demo"])
    assert second.exit_code == 0, second.output
    assert "题目：新增 0，更新 0" in second.output
    assert _db.session.execute(_db.select(_db.func.count()).select_from(User)).scalar_one() == 3
    assert "teacher@demo.local" in second.output


def web_question(qid: str, version_id: int) -> Question:
    """A question as the browser editor (a later issue) will write it: origin "web"."""
    return Question(id=qid, title="网页题", source_path="", source_line=1, position=0, retired=False, fingerprint="w",
                    origin="web", area_id="plan", bank_id="bank-plan-basics", qtype="判断", difficulty="易",
                    stem_html="<p>网页上写的题</p>", explanation_html="<p>理由</p>", version_id=version_id)


def test_a_load_never_retires_items_written_in_the_browser_and_refuses_their_ids(app, shipped_content):
    from training.content.sync import SyncConflict
    from training.models import ItemVersion
    sync_content(db.session, shipped_content)
    version = ItemVersion(kind="question", item_id="web-q1", number=1, fingerprint="w", origin="web",
                          payload={"qtype": "判断", "title": "网页题", "answer": True})
    db.session.add(version)
    db.session.flush()
    db.session.add(web_question("web-q1", version.id))
    db.session.commit()
    report = sync_content(db.session, shipped_content)
    assert report.retired["question"] == 0 and not db.session.get(Question, "web-q1").retired
    taken = shipped_content.questions[0].id
    db.session.execute(db.update(Question).where(Question.id == taken).values(origin="web"))
    with pytest.raises(SyncConflict, match=taken):
        sync_content(db.session, shipped_content)


def test_versions_follow_what_learners_see_not_where_it_is_written(app, content_copy):
    from training.models import ItemVersion
    load(content_copy)
    count = lambda: db.session.execute(db.select(db.func.count()).select_from(ItemVersion)).scalar_one()  # noqa: E731
    before = count()
    bank = content_copy / "questions/plan/basics.md"
    text = bank.read_text(encoding="utf-8")
    moved = text.replace("title: 客户服务计划 · 基础题\n", "title: 客户服务计划 · 基础题（修订）\norder: 5\n")
    bank.write_text(moved, encoding="utf-8")  # the bank's title and place change, lines move: no question changes
    report = load(content_copy)
    assert report.versions["question"] == 0 and count() == before
    bank.write_text(text.replace("- [x] 指导作用 {#b}", "- [x] 指导的作用 {#b}"), encoding="utf-8")
    report = load(content_copy)
    assert report.versions["question"] == 1 and count() == before + 1
    bank.write_text(text, encoding="utf-8")  # back to the earlier text: its version is reused, not a third one
    report = load(content_copy)
    assert report.versions["question"] == 0 and count() == before + 1
    q = db.session.get(Question, "plan-q001")
    assert db.session.get(ItemVersion, q.version_id).number == 1


def test_versions_are_written_in_bulk_and_read_back_by_item_and_fingerprint(app):
    """record_versions (COPY on PostgreSQL, executemany elsewhere): each item gets the id of its own
    payload, stored as given; an unchanged payload keeps its version, a changed one gets the next number."""
    from training.content.sync import record_versions
    from training.models import ItemVersion
    first = {"qtype": "单选", "title": "计划的作用", "answer": "b", "options": [{"key": "b", "text": "指导作用"}]}
    second = {"qtype": "判断", "title": "“引号”与\\反斜杠\t制表", "answer": False}
    ids, added = record_versions(db.session, "question", {"bulk-q1": first, "bulk-q2": second})
    assert added == 2
    stored = {v.item_id: v for v in db.session.execute(db.select(ItemVersion).where(
        ItemVersion.item_id.in_(["bulk-q1", "bulk-q2"]))).scalars()}
    assert {i: v.id for i, v in stored.items()} == ids
    assert stored["bulk-q1"].payload == first and stored["bulk-q2"].payload == second
    assert stored["bulk-q1"].created_at is not None and stored["bulk-q1"].origin == "file"
    again, added = record_versions(db.session, "question", {"bulk-q1": first, "bulk-q2": dict(second, answer=True)})
    assert added == 1 and again["bulk-q1"] == ids["bulk-q1"] and again["bulk-q2"] != ids["bulk-q2"]
    assert db.session.get(ItemVersion, again["bulk-q2"]).number == 2


def test_bulk_rows_belong_to_the_callers_transaction(app):
    """A load is all or nothing: rows written by COPY / executemany go when the transaction is rolled back."""
    from training.content.sync import record_versions
    from training.models import ItemVersion
    count = lambda: db.session.execute(db.select(db.func.count()).select_from(ItemVersion)).scalar_one()  # noqa: E731
    db.session.commit()
    before = count()
    record_versions(db.session, "question", {f"gone-q{i}": {"qtype": "判断", "answer": True} for i in range(50)})
    assert count() == before + 50
    db.session.rollback()
    assert count() == before


def test_bulk_rows_must_name_columns_with_python_defaults(app):
    """COPY bypasses SQLAlchemy's defaults, so rows without such a column are refused on every database."""
    from training.content.sync import insert_rows
    from training.models import ItemVersion
    with pytest.raises(ValueError, match="created_at"):
        insert_rows(db.session, ItemVersion.__table__, [dict(kind="question", item_id="x", number=1, fingerprint="f",
                                                             payload={}, origin="file")])


def test_json_columns_keep_chinese_as_text_and_lone_surrogates_escaped():
    """Stored JSON is UTF-8 (half the size of \\uXXXX escapes); a value UTF-8 cannot hold stays escaped."""
    from training.config import json_text
    assert json_text({"题干": "服务“质量”"}) == '{"题干": "服务“质量”"}'
    assert json_text(["\ud800"]) == '["\\ud800"]'


def test_case_payload_json_is_what_asdict_gives():
    """CasePayload.to_json builds its dicts by hand (asdict deep-copies every hint): same keys, same
    order, same values, and the hints are copies, for every shipped case."""
    from dataclasses import asdict

    from training.content.payloads import case_payload

    cases = read_content(CONTENT).cases
    assert cases
    for case in cases:
        payload = case_payload(case)
        made = payload.to_json()
        for name in ("key_points", "followups"):
            expected = [asdict(part) for part in getattr(payload, name)]
            assert made[name] == expected and [list(d) for d in made[name]] == [list(d) for d in expected]
            for part, d in zip(getattr(payload, name), made[name], strict=True):
                assert d["hints"] is not part.hints and all(a is not b for a, b in zip(d["hints"], part.hints))


def test_bulk_rows_are_stored_as_an_orm_insert_stores_them(app):
    """insert_rows (COPY on PostgreSQL, one driver executemany elsewhere) stores exactly what SQLAlchemy's
    own INSERT stores: JSON as text, datetimes and booleans in the database's format, NULLs."""
    from datetime import UTC, datetime

    from sqlalchemy import insert, text

    from training.content.sync import insert_rows
    from training.models import Area, ItemVersion

    when = datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=UTC)
    version = dict(kind="question", number=1, fingerprint="f", origin="file", created_at=when,
                   payload={"题干": "服务“质量”", "answer": [True, None, 1.5], "s": "\\ud800"})
    area = dict(title="标题", summary="", position=3, core=True, retired=False, fingerprint="g")
    insert_rows(db.session, ItemVersion.__table__, [dict(version, item_id="bulk-a")])
    db.session.execute(insert(ItemVersion.__table__), [dict(version, item_id="orm-a")])
    insert_rows(db.session, Area.__table__, [dict(area, id="bulk-area")])
    db.session.execute(insert(Area.__table__), [dict(area, id="orm-area")])
    raw = lambda sql, key: [tuple(r) for r in db.session.execute(text(sql), {"k": key})]  # noqa: E731
    versions = "SELECT kind, number, fingerprint, origin, created_at, CAST(payload AS TEXT) FROM item_versions WHERE item_id = :k"
    assert raw(versions, "bulk-a") == raw(versions, "orm-a") != []
    areas = "SELECT title, summary, position, core, retired, fingerprint FROM areas WHERE id = :k"
    assert raw(areas, "bulk-area") == raw(areas, "orm-area") != []
