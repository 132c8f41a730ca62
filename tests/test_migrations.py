"""The Alembic migrations build exactly the schema the models describe."""
from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from training.extensions import db


@pytest.fixture
def app(fresh_app):
    """These tests load, build or drop the schema: an empty one of their own."""
    return fresh_app


def test_upgrade_from_empty_matches_the_models_and_downgrades(app):
    db.drop_all()
    upgrade(directory=app.extensions["migrate"].directory)
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), db.metadata)
    assert diff == []
    downgrade(directory=app.extensions["migrate"].directory, revision="base")
    with db.engine.connect() as conn:
        remaining = set(db.inspect(conn).get_table_names()) - {"alembic_version"}
    assert remaining == set()


OLD_BANK = """---
kind: bank
id: bank-m
area: plan
title: 迁移题库
---

## mig-q1 · 单选 · 易
知识点：kp-m

题干一

- [ ] 甲 {#a}
- [x] 乙 {#b}
- [ ] 丙 {#c}

### 解析

理由一。

## mig-q2 · 匹配 · 中
知识点：kp-m
类别：甲类 {#c1} | 乙类 {#c2}

配对：

- 一 → 乙类 {#i1}
- 二 → 甲类 {#i2}
- 三 → 乙类 {#i3}

### 解析

理由二。
"""

OLD_CASE = """---
kind: case
id: case-m
area: plan
title: 迁移案例
---

## 题目

请回答。

## 参考要点

### 要点一（40分） {#p1}
提示词：道歉/致歉

说明一。

### 要点二（60分） {#p2}
提示词：回访

说明二。

## 追问

### 追问一？ {#f1}
针对：p2
提示词：回访

参考回答。
"""


def old_schema_with_answers(app):
    """The schema at 0006 with content and answers stored the old way (by position)."""
    from datetime import datetime, timedelta, timezone

    from training.content.parse import parse_document
    db.drop_all()
    upgrade(directory=app.extensions["migrate"].directory, revision="0006")
    meta = db.MetaData()
    meta.reflect(bind=db.engine)
    t = meta.tables
    (bank,), _ = parse_document("b.md", OLD_BANK)
    (case,), _ = parse_document("c.md", OLD_CASE)
    changed = datetime(2026, 11, 1, tzinfo=timezone.utc)
    before, after = changed - timedelta(days=3), changed + timedelta(days=3)
    common = dict(source_path="x", source_line=1, position=0, retired=False, fingerprint="old", updated_at=changed)
    with db.engine.begin() as conn:
        conn.execute(t["areas"].insert().values(id="plan", title="计划", summary="", position=0, core=True,
                                                retired=False, fingerprint="x"))
        conn.execute(t["users"].insert().values(id=1, username="u@test.local", nickname="u", password_hash="x",
                                                role="candidate", active=True, created_at=before))
        conn.execute(t["question_banks"].insert().values(id="bank-m", title="题库", area_id="plan", **common))
        q1, q2 = bank.questions
        conn.execute(t["questions"].insert(), [
            dict(id=q.id, title=q.title, area_id="plan", bank_id="bank-m", qtype=q.qtype, difficulty=q.difficulty,
                 stem_html=q.stem_html, explanation_html=q.explanation_html, **common,
                 data={k: [c["text"] for c in v] for k, v in q.data.items()},
                 answer=1 if q is q1 else [1, 0, 1]) for q in (q1, q2)])
        conn.execute(t["cases"].insert().values(
            id="case-m", title=case.title, area_id="plan", kind="答辩", difficulty="中", prompt_html=case.prompt_html,
            background_html="", **common,
            key_points=[{"label": p.label, "weight": p.weight, "explanation_html": p.explanation_html, "hints": p.hints}
                        for p in case.key_points],
            followups=[{"question": f.question, "target": 2, "answer_html": f.answer_html, "hints": f.hints}
                       for f in case.followups]))
        conn.execute(t["practice_sessions"].insert().values(
            id=1, user_id=1, filter_key="k", filters={}, question_ids=["mig-q1", "mig-q2"], position=2, memorize=False,
            shuffled=False, created_at=before, updated_at=after))
        conn.execute(t["answer_events"].insert(), [
            dict(user_id=1, question_id="mig-q1", mode="practice", session_id=1, response=0, score=0.0, correct=False,
                 time_ms=5, created_at=before),  # before the question last changed: not knowable
            dict(user_id=1, question_id="mig-q1", mode="practice", session_id=1, response=1, score=1.0, correct=True,
                 time_ms=5, created_at=after),
            dict(user_id=1, question_id="mig-q2", mode="practice", session_id=1, response=[1, 0, 0], score=2 / 3,
                 correct=False, time_ms=5, created_at=after),
            dict(user_id=1, question_id="mig-q2", mode="exam", session_id=None, response=[1, 0, 1], score=1.0,
                 correct=True, time_ms=0, created_at=after)])
        conn.execute(t["blueprints"].insert().values(id="exam-m", title="卷", paper="理论知识", time_limit=30,
                                                     pass_mark=60, sections=[], intro_html="", **common))
        conn.execute(t["exam_attempts"].insert().values(
            id=1, user_id=1, blueprint_id="exam-m", paper="理论知识", title="卷", pass_mark=60, started_at=after,
            deadline_at=after + timedelta(minutes=30), submitted_at=after, auto_submitted=False, score=50.0,
            items=[{"kind": "question", "id": "mig-q1", "qtype": "单选", "area": "plan", "points": 50},
                   {"kind": "question", "id": "mig-q2", "qtype": "匹配", "area": "plan", "points": 50}]))
        conn.execute(t["exam_responses"].insert().values(attempt_id=1, index=0, response=1, text=None, saved_at=after,
                                                         score=50.0))
        # A paper sat before the questions last changed: its answers are kept as legacy.
        conn.execute(t["exam_attempts"].insert().values(
            id=2, user_id=1, blueprint_id="exam-m", paper="理论知识", title="卷", pass_mark=60, started_at=before,
            deadline_at=before + timedelta(minutes=30), submitted_at=before, auto_submitted=False, score=50.0,
            items=[{"kind": "question", "id": "mig-q1", "qtype": "单选", "area": "plan", "points": 100}]))
        conn.execute(t["exam_responses"].insert().values(attempt_id=2, index=0, response=2, text=None, saved_at=before,
                                                         score=0.0))
        conn.execute(t["defense_sessions"].insert().values(id=1, user_id=1, case_ids=["case-m"], prep_seconds=0,
                                                           answer_seconds=300, pass_mark=60, position=1,
                                                           created_at=after))
        snapshot = [{"label": p.label, "weight": p.weight, "explanation_html": p.explanation_html, "hints": p.hints}
                    for p in case.key_points]
        conn.execute(t["defense_answers"].insert().values(
            session_id=1, position=0, case_id="case-m", started_at=after, submitted_at=after, overtime=False,
            text="我会回访客户。", key_points=snapshot,
            suggested=[{"covered": False, "found": [], "negated": []}, {"covered": True, "found": ["回访"], "negated": []}],
            confirmed=[False, True], score=60,
            followup={"question": "追问一？", "hints": [["回访"]], "answer_html": "", "target": 2},
            followup_text="回访。", followup_suggested=True, followup_found=["回访"], followup_confirmed=True))
        # A rehearsal graded on key points that are not the case's any more: legacy.
        conn.execute(t["defense_sessions"].insert().values(id=2, user_id=1, case_ids=["case-m"], prep_seconds=0,
                                                           answer_seconds=300, pass_mark=60, position=1,
                                                           created_at=after))
        conn.execute(t["defense_answers"].insert().values(
            session_id=2, position=0, case_id="case-m", started_at=after, submitted_at=after, overtime=False,
            text="旧的回答。", key_points=[dict(snapshot[0], label="旧要点")] + snapshot[1:], suggested=[],
            confirmed=[True, False], score=40))
    return bank, case


def test_the_identities_migration_carries_answers_over_in_keys(app):
    from flask_login import FlaskLoginClient  # noqa: F401  (documented below: log in through the form instead)
    from training.content.items import ContentSet
    from training.content.sync import record_versions
    from training.content.payloads import question_payload, case_payload
    from training.models import ExamAttempt, FollowupAnswer, ItemVersion, KeypointResult, PracticeSession, Response
    bank, case = old_schema_with_answers(app)
    upgrade(directory=app.extensions["migrate"].directory)
    db.session.remove()
    rows = db.session.execute(db.select(Response).order_by(Response.id)).scalars().all()
    practice = [r for r in rows if r.context == "practice"]
    assert [(r.legacy, r.answer, r.round) for r in practice] == [
        (True, 0, 0), (False, "b", 1), (False, {"i1": "c2", "i2": "c1", "i3": "c1"}, 0)]
    assert all(r.version_id for r in practice if not r.legacy) and practice[0].version_id is None
    assert db.session.get(PracticeSession, 1).round == 1  # new answers go to a round of their own
    exam = [r for r in rows if r.context == "exam"]
    assert [(r.exam_attempt_id, r.answer, r.points, r.legacy) for r in exam] == [
        (1, "b", 50.0, False), (2, 2, 0.0, True)]  # the exam's duplicate answer event is gone
    attempt = db.session.get(ExamAttempt, 1)
    assert attempt.points == 50 and all(i.version_id for i in attempt.items)
    defense, old = [r for r in rows if r.context == "defense"]
    assert (defense.points, defense.score, defense.legacy, defense.text) == (60, 0.6, False, "我会回访客户。")
    assert (old.points, old.legacy, old.version_id, old.text) == (40, True, None, "旧的回答。")
    kps = db.session.execute(db.select(KeypointResult.point_key, KeypointResult.confirmed)
                             .order_by(KeypointResult.point_key)).all()
    assert [tuple(k) for k in kps] == [("p1", False), ("p2", True)]
    assert db.session.get(FollowupAnswer, defense.id).followup_key == "f1"
    # Version 1 is what the new parser makes of the same files: loading them adds no version.
    assert record_versions(db.session, "question", {q.id: question_payload(q).to_json() for q in bank.questions})[1] == 0
    assert record_versions(db.session, "case", {case.id: case_payload(case).to_json()})[1] == 0
    assert db.session.execute(db.select(db.func.count()).select_from(ItemVersion)).scalar_one() == 3
    assert isinstance(ContentSet(), ContentSet)


def test_carried_over_answers_render_and_the_migration_goes_back(app, client):
    from training.models import Response, User
    old_schema_with_answers(app)
    upgrade(directory=app.extensions["migrate"].directory)
    db.session.remove()
    user = db.session.get(User, 1)
    user.set_password("pw-123456")
    db.session.commit()
    from support import Auth
    assert Auth(client).login("u@test.local", "pw-123456").status_code == 302
    for r in db.session.execute(db.select(Response)).scalars():
        url = {"practice": f"/practice/s/1/result/{r.id}", "exam": f"/mock/a/{r.exam_attempt_id}/report",
               "defense": f"/defense/s/{r.defense_session_id}/review/{r.id}"}[r.context]
        page = client.get(url)
        assert page.status_code == 200, (url, page.get_data(as_text=True)[:500])
        if r.legacy:
            assert "版本化之前" in page.get_data(as_text=True)
    for url in ("/defense/history", "/defense/", "/defense/s/1", "/defense/s/2", "/practice/s/1", "/mock/"):
        assert client.get(url).status_code in (200, 302), url
    db.session.remove()  # the requests shared this app context's session: end its transaction before DDL
    downgrade(directory=app.extensions["migrate"].directory, revision="0006")
    meta = db.MetaData()
    meta.reflect(bind=db.engine)
    with db.engine.connect() as conn:
        events = conn.execute(db.select(meta.tables["answer_events"].c.response)
                              .order_by(meta.tables["answer_events"].c.id)).scalars().all()
        assert events == [0, 1, [1, 0, 0]]
        answers = conn.execute(db.select(meta.tables["questions"].c.answer)
                               .order_by(meta.tables["questions"].c.id)).scalars().all()
        assert answers == [1, [1, 0, 1]]
    upgrade(directory=app.extensions["migrate"].directory)
