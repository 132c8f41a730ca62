"""identities: stable keys, item versions, one answer record

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 00:45:03.576603

Carries existing rows over. Every question and case gets version 1, built from the row as it
is stored, with the keys `flask content add-keys` gives (options a, b, c… in their stored
order; steps s1…, match items i1…, categories c1…, key points p1…, 追问 f1…). An answer is
moved onto that version when it is knowable that it was given on it: it was given after the
row last changed (and, for 答辩, the key points it was graded on are those of the row). Any
other answer keeps its grade and text but is marked legacy, with its stored response as it
was: nothing is re-graded or guessed.

The conversions are written out here, not imported from the app, so this file keeps
meaning what it meant when it ran.
"""
import hashlib
import json
from datetime import timezone

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

LETTERS = "abcdefgh"
UTC = sa.DateTime(timezone=True)


def fingerprint(payload):
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def aware(value):
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def keyed(texts, prefix):
    return [{"key": (LETTERS[i] if prefix == "" else f"{prefix}{i + 1}"), "text": t} for i, t in enumerate(texts)]


def question_payload(row):
    """Version 1 of a question from its stored row (data and answer by position)."""
    data, answer = row.data or {}, row.answer
    payload = {"qtype": row.qtype, "title": row.title, "difficulty": row.difficulty, "stem_html": row.stem_html,
               "explanation_html": row.explanation_html, "answer": None}
    if row.qtype in ("单选", "多选"):
        payload["options"] = keyed(data.get("options", []), "")
        payload["answer"] = LETTERS[answer] if row.qtype == "单选" else sorted(LETTERS[i] for i in answer)
    elif row.qtype == "判断":
        payload["answer"] = bool(answer)
    elif row.qtype == "排序":
        payload["steps"] = keyed(data.get("steps", []), "s")
        payload["answer"] = [f"s{i + 1}" for i in range(len(data.get("steps", [])))]
    elif row.qtype == "匹配":
        payload["items"] = keyed(data.get("items", []), "i")
        payload["categories"] = keyed(data.get("categories", []), "c")
        payload["answer"] = {f"i{i + 1}": f"c{c + 1}" for i, c in enumerate(answer)}
    return payload


def case_payload(row):
    """Version 1 of a case: key points and 追问 get keys in their stored order; 针对 names a key."""
    points = [{"key": f"p{i + 1}", "label": p["label"], "weight": p["weight"],
               "explanation_html": p["explanation_html"], "hints": p["hints"]} for i, p in enumerate(row.key_points)]
    followups = [{"key": f"f{i + 1}", "question": f["question"],
                  "target": f"p{f['target']}" if f.get("target") else None,
                  "answer_html": f["answer_html"], "hints": f["hints"]} for i, f in enumerate(row.followups)]
    return {"kind": row.kind, "title": row.title, "difficulty": row.difficulty, "prompt_html": row.prompt_html,
            "background_html": row.background_html, "key_points": points, "followups": followups}


def response_in_keys(qtype, response, payload):
    """A stored positional response in the keys of version 1, or None when it does not fit."""
    try:
        if qtype == "单选":
            return [o["key"] for o in payload["options"]][response]
        if qtype == "多选":
            keys = [o["key"] for o in payload["options"]]
            return sorted(keys[i] for i in response)
        if qtype == "判断":
            return response if isinstance(response, bool) else None
        if qtype == "排序":
            steps = [s["key"] for s in payload["steps"]]
            out = [steps[i] for i in response]
            return out if sorted(out) == sorted(steps) else None
        if qtype == "匹配":
            items, cats = payload["items"], payload["categories"]
            if len(response) != len(items):
                return None
            return {items[i]["key"]: cats[c]["key"] for i, c in enumerate(response)}
    except (IndexError, TypeError, KeyError):
        return None
    return None


def create_new_tables():
    op.create_table('item_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('item_id', sa.String(length=64), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('origin', sa.String(length=8), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_item_versions')),
    sa.UniqueConstraint('kind', 'item_id', 'fingerprint', name='uq_item_versions_fingerprint'),
    sa.UniqueConstraint('kind', 'item_id', 'number', name=op.f('uq_item_versions_kind'))
    )
    op.create_table('responses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('context', sa.String(length=12), nullable=False),
    sa.Column('practice_session_id', sa.Integer(), nullable=True),
    sa.Column('exam_attempt_id', sa.Integer(), nullable=True),
    sa.Column('defense_session_id', sa.Integer(), nullable=True),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('slot', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.String(length=64), nullable=True),
    sa.Column('case_id', sa.String(length=64), nullable=True),
    sa.Column('version_id', sa.Integer(), nullable=True),
    sa.Column('legacy', sa.Boolean(), nullable=False),
    sa.Column('answer', sa.JSON(none_as_null=True), nullable=True),
    sa.Column('text', sa.Text(), nullable=True),
    sa.Column('presented', sa.JSON(), nullable=True),
    sa.Column('score', sa.Float(), nullable=True),
    sa.Column('points', sa.Float(), nullable=True),
    sa.Column('points_possible', sa.Float(), nullable=True),
    sa.Column('time_ms', sa.Integer(), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('graded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('overtime', sa.Boolean(), nullable=False),
    sa.CheckConstraint("(context = 'practice' AND practice_session_id IS NOT NULL AND exam_attempt_id IS NULL AND defense_session_id IS NULL) OR (context = 'exam' AND exam_attempt_id IS NOT NULL AND practice_session_id IS NULL AND defense_session_id IS NULL) OR (context = 'defense' AND defense_session_id IS NOT NULL AND practice_session_id IS NULL AND exam_attempt_id IS NULL)", name=op.f('ck_responses_one_context')),
    sa.CheckConstraint('(question_id IS NULL) <> (case_id IS NULL)', name=op.f('ck_responses_one_item')),
    sa.CheckConstraint('legacy OR version_id IS NOT NULL', name=op.f('ck_responses_versioned')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_responses_case_id_cases')),
    sa.ForeignKeyConstraint(['defense_session_id'], ['defense_sessions.id'], name=op.f('fk_responses_defense_session_id_defense_sessions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['exam_attempt_id'], ['exam_attempts.id'], name=op.f('fk_responses_exam_attempt_id_exam_attempts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['practice_session_id'], ['practice_sessions.id'], name=op.f('fk_responses_practice_session_id_practice_sessions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_responses_question_id_questions')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_responses_user_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['version_id'], ['item_versions.id'], name=op.f('fk_responses_version_id_item_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_responses')),
    sa.UniqueConstraint('defense_session_id', 'slot', name='uq_responses_defense'),
    sa.UniqueConstraint('exam_attempt_id', 'slot', name='uq_responses_exam'),
    sa.UniqueConstraint('practice_session_id', 'round', 'question_id', name='uq_responses_practice')
    )
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.create_index('ix_responses_case_answered', ['case_id', 'answered_at'], unique=False)
        batch_op.create_index('ix_responses_question_answered', ['question_id', 'answered_at'], unique=False)
        batch_op.create_index('ix_responses_user_answered', ['user_id', 'answered_at'], unique=False)

    op.create_table('followup_answers',
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('followup_key', sa.String(length=20), nullable=False),
    sa.Column('text', sa.Text(), nullable=True),
    sa.Column('suggested', sa.Boolean(), nullable=True),
    sa.Column('found', sa.JSON(), nullable=True),
    sa.Column('confirmed', sa.Boolean(), nullable=True),
    sa.Column('asked_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['response_id'], ['responses.id'], name=op.f('fk_followup_answers_response_id_responses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('response_id', name=op.f('pk_followup_answers'))
    )
    op.create_table('keypoint_results',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.String(length=64), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=True),
    sa.Column('point_key', sa.String(length=20), nullable=False),
    sa.Column('weight', sa.Integer(), nullable=False),
    sa.Column('suggested', sa.Boolean(), nullable=False),
    sa.Column('found', sa.JSON(), nullable=False),
    sa.Column('negated', sa.JSON(), nullable=False),
    sa.Column('confirmed', sa.Boolean(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_keypoint_results_case_id_cases')),
    sa.ForeignKeyConstraint(['response_id'], ['responses.id'], name=op.f('fk_keypoint_results_response_id_responses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_keypoint_results_user_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['version_id'], ['item_versions.id'], name=op.f('fk_keypoint_results_version_id_item_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_keypoint_results')),
    sa.UniqueConstraint('response_id', 'point_key', name=op.f('uq_keypoint_results_response_id'))
    )
    with op.batch_alter_table('keypoint_results', schema=None) as batch_op:
        batch_op.create_index('ix_keypoint_results_user_point', ['user_id', 'case_id', 'point_key'], unique=False)

    op.create_table('regrades',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('from_version_id', sa.Integer(), nullable=False),
    sa.Column('to_version_id', sa.Integer(), nullable=False),
    sa.Column('old_score', sa.Float(), nullable=True),
    sa.Column('new_score', sa.Float(), nullable=False),
    sa.Column('old_points', sa.Float(), nullable=True),
    sa.Column('new_points', sa.Float(), nullable=True),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('regraded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['from_version_id'], ['item_versions.id'], name=op.f('fk_regrades_from_version_id_item_versions')),
    sa.ForeignKeyConstraint(['response_id'], ['responses.id'], name=op.f('fk_regrades_response_id_responses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['to_version_id'], ['item_versions.id'], name=op.f('fk_regrades_to_version_id_item_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_regrades'))
    )
    with op.batch_alter_table('regrades', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_regrades_response_id'), ['response_id'], unique=False)


def tables():
    """Light table objects over the old and new columns the data steps read and write."""
    m = sa.MetaData()
    t = {}
    t["questions"] = sa.Table("questions", m, sa.Column("id", sa.String(64)), sa.Column("title", sa.String(200)),
                              sa.Column("qtype", sa.String(8)), sa.Column("difficulty", sa.String(4)),
                              sa.Column("stem_html", sa.Text), sa.Column("explanation_html", sa.Text),
                              sa.Column("data", sa.JSON), sa.Column("answer", sa.JSON),
                              sa.Column("updated_at", UTC), sa.Column("version_id", sa.Integer))
    t["cases"] = sa.Table("cases", m, sa.Column("id", sa.String(64)), sa.Column("title", sa.String(200)),
                          sa.Column("kind", sa.String(16)), sa.Column("difficulty", sa.String(4)),
                          sa.Column("prompt_html", sa.Text), sa.Column("background_html", sa.Text),
                          sa.Column("key_points", sa.JSON), sa.Column("followups", sa.JSON),
                          sa.Column("updated_at", UTC), sa.Column("version_id", sa.Integer))
    t["versions"] = sa.Table("item_versions", m, sa.Column("id", sa.Integer, primary_key=True), sa.Column("kind", sa.String(8)),
                             sa.Column("item_id", sa.String(64)), sa.Column("number", sa.Integer),
                             sa.Column("fingerprint", sa.String(64)), sa.Column("payload", sa.JSON),
                             sa.Column("origin", sa.String(8)), sa.Column("created_at", UTC))
    t["events"] = sa.Table("answer_events", m, sa.Column("id", sa.Integer), sa.Column("user_id", sa.Integer),
                           sa.Column("question_id", sa.String(64)), sa.Column("mode", sa.String(12)),
                           sa.Column("session_id", sa.Integer), sa.Column("response", sa.JSON),
                           sa.Column("score", sa.Float), sa.Column("correct", sa.Boolean), sa.Column("time_ms", sa.Integer),
                           sa.Column("created_at", UTC))
    t["sessions"] = sa.Table("practice_sessions", m, sa.Column("id", sa.Integer), sa.Column("question_ids", sa.JSON),
                             sa.Column("round", sa.Integer))
    t["attempts"] = sa.Table("exam_attempts", m, sa.Column("id", sa.Integer), sa.Column("user_id", sa.Integer),
                             sa.Column("items", sa.JSON), sa.Column("started_at", UTC),
                             sa.Column("submitted_at", UTC), sa.Column("score", sa.Float), sa.Column("points", sa.Float))
    t["exam_responses"] = sa.Table("exam_responses", m, sa.Column("attempt_id", sa.Integer),
                                   sa.Column("index", sa.Integer), sa.Column("response", sa.JSON),
                                   sa.Column("text", sa.Text), sa.Column("saved_at", UTC), sa.Column("score", sa.Float),
                                   sa.Column("suggested", sa.JSON), sa.Column("confirmed", sa.JSON))
    t["defense_sessions"] = sa.Table("defense_sessions", m, sa.Column("id", sa.Integer), sa.Column("user_id", sa.Integer))
    t["defense_answers"] = sa.Table(
        "defense_answers", m, sa.Column("session_id", sa.Integer), sa.Column("position", sa.Integer),
        sa.Column("case_id", sa.String(64)), sa.Column("started_at", UTC), sa.Column("submitted_at", UTC),
        sa.Column("overtime", sa.Boolean), sa.Column("text", sa.Text), sa.Column("key_points", sa.JSON),
        sa.Column("suggested", sa.JSON), sa.Column("confirmed", sa.JSON), sa.Column("score", sa.Integer),
        sa.Column("followup", sa.JSON), sa.Column("followup_text", sa.Text), sa.Column("followup_suggested", sa.Boolean),
        sa.Column("followup_found", sa.JSON), sa.Column("followup_confirmed", sa.Boolean))
    t["responses"] = sa.Table(
        "responses", m, sa.Column("id", sa.Integer, primary_key=True), sa.Column("user_id", sa.Integer), sa.Column("context", sa.String(12)),
        sa.Column("practice_session_id", sa.Integer), sa.Column("exam_attempt_id", sa.Integer),
        sa.Column("defense_session_id", sa.Integer), sa.Column("round", sa.Integer), sa.Column("slot", sa.Integer),
        sa.Column("question_id", sa.String(64)), sa.Column("case_id", sa.String(64)), sa.Column("version_id", sa.Integer),
        sa.Column("legacy", sa.Boolean), sa.Column("answer", sa.JSON(none_as_null=True)), sa.Column("text", sa.Text),
        sa.Column("presented", sa.JSON), sa.Column("score", sa.Float), sa.Column("points", sa.Float),
        sa.Column("points_possible", sa.Float), sa.Column("time_ms", sa.Integer), sa.Column("started_at", UTC),
        sa.Column("answered_at", UTC), sa.Column("graded_at", UTC), sa.Column("overtime", sa.Boolean))
    t["keypoints"] = sa.Table(
        "keypoint_results", m, sa.Column("response_id", sa.Integer), sa.Column("user_id", sa.Integer),
        sa.Column("case_id", sa.String(64)), sa.Column("version_id", sa.Integer), sa.Column("point_key", sa.String(20)),
        sa.Column("weight", sa.Integer), sa.Column("suggested", sa.Boolean), sa.Column("found", sa.JSON),
        sa.Column("negated", sa.JSON), sa.Column("confirmed", sa.Boolean))
    t["followups"] = sa.Table(
        "followup_answers", m, sa.Column("response_id", sa.Integer), sa.Column("followup_key", sa.String(20)),
        sa.Column("text", sa.Text), sa.Column("suggested", sa.Boolean), sa.Column("found", sa.JSON),
        sa.Column("confirmed", sa.Boolean), sa.Column("asked_at", UTC), sa.Column("answered_at", UTC))
    return t


def first_versions(conn, t, kind, rows, make):
    """Version 1 of every item; returns {item id: (version id, payload, row updated_at)}."""
    out = {}
    for row in rows:
        payload = make(row)
        result = conn.execute(t["versions"].insert().values(
            kind=kind, item_id=row.id, number=1, fingerprint=fingerprint(payload), payload=payload, origin="file",
            created_at=aware(row.updated_at)))
        version_id = result.inserted_primary_key[0]
        conn.execute(t[kind + "s"].update().where(t[kind + "s"].c.id == row.id).values(version_id=version_id))
        out[row.id] = (version_id, payload, aware(row.updated_at))
    return out


def insert_response(conn, t, **values):
    values.setdefault("round", 0)
    values.setdefault("legacy", False)
    values.setdefault("overtime", False)
    return conn.execute(t["responses"].insert().values(**values)).inserted_primary_key[0]


def carry_practice(conn, t, questions):
    """Practice answers: one Response each. Several answers to one question in one set (the set was
    started again) become successive rounds, as the new model counts them."""
    qtypes = dict(conn.execute(sa.select(t["questions"].c.id, t["questions"].c.qtype)).all())
    sessions = {r.id: r.question_ids or [] for r in conn.execute(sa.select(t["sessions"]))}
    rounds = {}
    for e in conn.execute(sa.select(t["events"]).where(t["events"].c.mode == "practice",
                                                      t["events"].c.session_id.is_not(None)).order_by(t["events"].c.id)):
        version_id, payload, changed_at = questions[e.question_id]
        answered = aware(e.created_at)
        answer = response_in_keys(qtypes[e.question_id], e.response, payload) if answered >= changed_at else None
        n = rounds[(e.session_id, e.question_id)] = rounds.get((e.session_id, e.question_id), -1) + 1
        ids = sessions.get(e.session_id, [])
        insert_response(conn, t, user_id=e.user_id, context="practice", practice_session_id=e.session_id, round=n,
                        slot=ids.index(e.question_id) if e.question_id in ids else 0, question_id=e.question_id,
                        version_id=version_id if answer is not None else None, legacy=answer is None,
                        answer=answer if answer is not None else e.response, score=e.score, time_ms=e.time_ms,
                        answered_at=answered, graded_at=answered)
    for (session_id, _), n in rounds.items():
        conn.execute(t["sessions"].update().where(t["sessions"].c.id == session_id,
                                                  t["sessions"].c.round < n).values(round=n))


def carry_keypoints(conn, t, response_id, user_id, case_id, version_id, payload, suggested, confirmed):
    for i, point in enumerate(payload["key_points"]):
        s = (suggested or [])[i] if i < len(suggested or []) else {}
        conn.execute(t["keypoints"].insert().values(
            response_id=response_id, user_id=user_id, case_id=case_id, version_id=version_id, point_key=point["key"],
            weight=point["weight"], suggested=bool(s.get("covered")), found=s.get("found") or [],
            negated=s.get("negated") or [], confirmed=confirmed[i] if confirmed is not None and i < len(confirmed) else None))


def carry_exams(conn, t, questions, cases):
    """Attempts keep their drawn items, now each with the version drawn; answers move to Response."""
    qtypes = dict(conn.execute(sa.select(t["questions"].c.id, t["questions"].c.qtype)).all())
    for a in conn.execute(sa.select(t["attempts"])).all():
        started = aware(a.started_at)
        items, knowable = [], []
        for item in a.items:
            version_id, _, changed_at = (questions if item["kind"] == "question" else cases)[item["id"]]
            items.append(dict(item, version_id=version_id))
            knowable.append(started >= changed_at)
        conn.execute(t["attempts"].update().where(t["attempts"].c.id == a.id).values(items=items, points=a.score))
        for r in conn.execute(sa.select(t["exam_responses"]).where(t["exam_responses"].c.attempt_id == a.id)).all():
            item = items[r.index]
            kind = item["kind"]
            version_id, payload, _ = (questions if kind == "question" else cases)[item["id"]]
            answer = None
            if kind == "question" and r.response is not None and knowable[r.index]:
                answer = response_in_keys(qtypes[item["id"]], r.response, payload)
            legacy = not knowable[r.index] or (kind == "question" and r.response is not None and answer is None)
            points = r.score
            response_id = insert_response(
                conn, t, user_id=a.user_id, context="exam", exam_attempt_id=a.id, slot=r.index,
                question_id=item["id"] if kind == "question" else None, case_id=item["id"] if kind == "case" else None,
                version_id=None if legacy else version_id, legacy=legacy,
                answer=(r.response if legacy else answer) if kind == "question" else None, text=r.text,
                score=None if points is None or not item["points"] else points / item["points"], points=points,
                points_possible=item["points"], answered_at=aware(r.saved_at),
                graded_at=aware(a.submitted_at) if points is not None else None)
            if kind == "case" and not legacy and (r.suggested or r.confirmed is not None):
                carry_keypoints(conn, t, response_id, a.user_id, item["id"], version_id, payload, r.suggested, r.confirmed)


def same_points(snapshot, payload):
    keep = ("label", "weight", "explanation_html", "hints")
    return [{k: p.get(k) for k in keep} for p in snapshot] == [{k: p[k] for k in keep} for p in payload["key_points"]]


def carry_defense(conn, t, cases):
    users = dict(conn.execute(sa.select(t["defense_sessions"].c.id, t["defense_sessions"].c.user_id)).all())
    for d in conn.execute(sa.select(t["defense_answers"])).all():
        version_id, payload, changed_at = cases[d.case_id]
        knowable = aware(d.started_at) >= changed_at and same_points(d.key_points or [], payload)
        user_id = users[d.session_id]
        response_id = insert_response(
            conn, t, user_id=user_id, context="defense", defense_session_id=d.session_id, slot=d.position,
            case_id=d.case_id, version_id=version_id if knowable else None, legacy=not knowable, text=d.text,
            score=None if d.score is None else d.score / 100, points=d.score, points_possible=100,
            started_at=aware(d.started_at), answered_at=aware(d.submitted_at), overtime=d.overtime,
            graded_at=aware(d.submitted_at) if d.score is not None else None)
        if knowable and d.submitted_at is not None:
            carry_keypoints(conn, t, response_id, user_id, d.case_id, version_id, payload, d.suggested, d.confirmed)
        if d.followup:
            match = [f["key"] for f in payload["followups"] if f["question"] == d.followup.get("question")]
            conn.execute(t["followups"].insert().values(
                response_id=response_id, followup_key=match[0] if knowable and match else "legacy",
                text=d.followup_text, suggested=d.followup_suggested, found=d.followup_found,
                confirmed=d.followup_confirmed, asked_at=aware(d.submitted_at) or aware(d.started_at),
                answered_at=aware(d.submitted_at) if d.followup_text is not None else None))


def carry_rows():
    conn = op.get_bind()
    t = tables()
    questions = first_versions(conn, t, "question", conn.execute(sa.select(t["questions"])).all(), question_payload)
    cases = first_versions(conn, t, "case", conn.execute(sa.select(t["cases"])).all(), case_payload)
    carry_practice(conn, t, questions)
    carry_exams(conn, t, questions, cases)
    carry_defense(conn, t, cases)


def upgrade():
    create_new_tables()
    for table in ("topics", "cases", "question_banks", "questions", "blueprints"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('origin', sa.String(length=8), server_default='file', nullable=False))
    for table in ("questions", "cases"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('version_id', sa.Integer(), nullable=True))
    with op.batch_alter_table('practice_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('round', sa.Integer(), server_default='0', nullable=False))
    with op.batch_alter_table('exam_attempts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('points', sa.Float(), nullable=True))

    carry_rows()

    op.drop_table('exam_responses')
    with op.batch_alter_table('defense_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_defense_answers_case_id'))
    op.drop_table('defense_answers')
    with op.batch_alter_table('answer_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_answer_events_user_created'))
        batch_op.drop_index(batch_op.f('ix_answer_events_user_question'))
    op.drop_table('answer_events')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.alter_column('version_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(batch_op.f('fk_cases_version_id_item_versions'), 'item_versions', ['version_id'], ['id'])
        batch_op.drop_column('followups')
        batch_op.drop_column('key_points')
    with op.batch_alter_table('exam_attempts', schema=None) as batch_op:
        batch_op.create_index('uq_exam_attempts_open', ['user_id', 'blueprint_id'], unique=True, sqlite_where=sa.text('submitted_at IS NULL'), postgresql_where=sa.text('submitted_at IS NULL'))
        batch_op.drop_column('score')
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.alter_column('version_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(batch_op.f('fk_questions_version_id_item_versions'), 'item_versions', ['version_id'], ['id'])
        batch_op.drop_column('data')
        batch_op.drop_column('answer')


def positions(payload, answer):
    """An answer in keys back to the positions of the version's lists (for the old schema)."""
    qtype = payload["qtype"]
    if qtype == "判断":
        return answer
    if qtype in ("单选", "多选"):
        keys = [o["key"] for o in payload["options"]]
        return keys.index(answer) if qtype == "单选" else sorted(keys.index(k) for k in answer)
    if qtype == "排序":
        keys = [s["key"] for s in payload["steps"]]
        return [keys.index(k) for k in answer]
    items, cats = [i["key"] for i in payload["items"]], [c["key"] for c in payload["categories"]]
    return [cats.index(answer[i]) for i in items]


def restore_rows():
    """Content columns from the current versions; answers back into the old tables (positions by version)."""
    conn = op.get_bind()
    t = tables()
    versions = {v.id: v.payload for v in conn.execute(sa.select(t["versions"]))}
    for q in conn.execute(sa.select(t["questions"].c.id, t["questions"].c.version_id)).all():
        p = versions[q.version_id]
        data = {name: [c["text"] for c in p[name]] for name in ("options", "steps", "items", "categories") if name in p}
        answer = list(range(len(p["steps"]))) if p["qtype"] == "排序" else positions(p, p["answer"])
        conn.execute(t["questions"].update().where(t["questions"].c.id == q.id).values(data=data, answer=answer))
    for c in conn.execute(sa.select(t["cases"].c.id, t["cases"].c.version_id)).all():
        p = versions[c.version_id]
        keys = [k["key"] for k in p["key_points"]]
        points = [{k: v for k, v in point.items() if k != "key"} for point in p["key_points"]]
        followups = [{"question": f["question"], "target": keys.index(f["target"]) + 1 if f["target"] in keys else None,
                      "answer_html": f["answer_html"], "hints": f["hints"]} for f in p["followups"]]
        conn.execute(t["cases"].update().where(t["cases"].c.id == c.id).values(key_points=points, followups=followups))
    for a in conn.execute(sa.select(t["attempts"])).all():
        items = [{k: v for k, v in item.items() if k != "version_id"} for item in a.items]
        conn.execute(t["attempts"].update().where(t["attempts"].c.id == a.id).values(items=items, score=a.points))
    kps = {}
    for k in conn.execute(sa.select(t["keypoints"])):
        kps.setdefault(k.response_id, {})[k.point_key] = k
    for r in conn.execute(sa.select(t["responses"])).all():
        p = versions.get(r.version_id)
        answer = r.answer if r.legacy or p is None or r.answer is None else positions(p, r.answer)
        if r.context == "practice":
            conn.execute(t["events"].insert().values(
                user_id=r.user_id, question_id=r.question_id, mode="practice", session_id=r.practice_session_id,
                response=answer, score=r.score or 0.0, correct=(r.score or 0) >= 1 - 1e-9, time_ms=r.time_ms or 0,
                created_at=r.answered_at))
            continue
        results = kps.get(r.id, {})
        keys = [k["key"] for k in p["key_points"]] if p is not None and r.case_id else []
        suggested = [{"covered": results[k].suggested, "found": results[k].found, "negated": results[k].negated}
                     for k in keys if k in results] or None
        confirmed = [bool(results[k].confirmed) for k in keys if k in results] if any(
            x.confirmed is not None for x in results.values()) else None
        if r.context == "exam":
            conn.execute(t["exam_responses"].insert().values(
                attempt_id=r.exam_attempt_id, index=r.slot, response=answer, text=r.text, saved_at=r.answered_at,
                score=r.points, suggested=suggested, confirmed=confirmed))
        else:
            snapshot = [{k: v for k, v in point.items() if k != "key"} for point in p["key_points"]] if p else []
            conn.execute(t["defense_answers"].insert().values(
                session_id=r.defense_session_id, position=r.slot, case_id=r.case_id, started_at=r.started_at,
                submitted_at=r.answered_at, overtime=r.overtime, text=r.text or "", key_points=snapshot,
                suggested=suggested or [], confirmed=confirmed, score=r.points))


def downgrade():
    op.create_table('answer_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.String(length=64), nullable=False),
    sa.Column('mode', sa.String(length=12), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=True),
    sa.Column('response', sa.JSON(), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('correct', sa.Boolean(), nullable=False),
    sa.Column('time_ms', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_answer_events_question_id_questions')),
    sa.ForeignKeyConstraint(['session_id'], ['practice_sessions.id'], name=op.f('fk_answer_events_session_id_practice_sessions'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_answer_events_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_answer_events'))
    )
    with op.batch_alter_table('answer_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_answer_events_user_question'), ['user_id', 'question_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_answer_events_user_created'), ['user_id', 'created_at'], unique=False)

    op.create_table('defense_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.String(length=64), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('overtime', sa.Boolean(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('key_points', sa.JSON(), nullable=False),
    sa.Column('suggested', sa.JSON(), nullable=False),
    sa.Column('confirmed', sa.JSON(), nullable=True),
    sa.Column('score', sa.Integer(), nullable=True),
    sa.Column('followup', sa.JSON(), nullable=True),
    sa.Column('followup_text', sa.Text(), nullable=True),
    sa.Column('followup_suggested', sa.Boolean(), nullable=True),
    sa.Column('followup_found', sa.JSON(), nullable=True),
    sa.Column('followup_confirmed', sa.Boolean(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_defense_answers_case_id_cases')),
    sa.ForeignKeyConstraint(['session_id'], ['defense_sessions.id'], name=op.f('fk_defense_answers_session_id_defense_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_defense_answers')),
    sa.UniqueConstraint('session_id', 'position', name=op.f('uq_defense_answers_session_id'))
    )
    with op.batch_alter_table('defense_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_defense_answers_case_id'), ['case_id'], unique=False)

    op.create_table('exam_responses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=False),
    sa.Column('index', sa.Integer(), nullable=False),
    sa.Column('response', sa.JSON(), nullable=False),
    sa.Column('text', sa.Text(), nullable=True),
    sa.Column('saved_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('score', sa.Float(), nullable=True),
    sa.Column('suggested', sa.JSON(), nullable=True),
    sa.Column('confirmed', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['attempt_id'], ['exam_attempts.id'], name=op.f('fk_exam_responses_attempt_id_exam_attempts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exam_responses')),
    sa.UniqueConstraint('attempt_id', 'index', name=op.f('uq_exam_responses_attempt_id'))
    )
    for table, columns in (("questions", ("data", "answer")), ("cases", ("key_points", "followups"))):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in columns:
                batch_op.add_column(sa.Column(column, sa.JSON(), nullable=True))
    with op.batch_alter_table('exam_attempts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('score', sa.Float(), nullable=True))

    restore_rows()

    for table, columns in (("questions", ("data", "answer")), ("cases", ("key_points", "followups"))):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in columns:
                batch_op.alter_column(column, existing_type=sa.JSON(), nullable=False)
            batch_op.drop_constraint(batch_op.f(f'fk_{table}_version_id_item_versions'), type_='foreignkey')
            batch_op.drop_column('version_id')
    for table in ("topics", "cases", "question_banks", "questions", "blueprints"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('origin')
    with op.batch_alter_table('practice_sessions', schema=None) as batch_op:
        batch_op.drop_column('round')
    with op.batch_alter_table('exam_attempts', schema=None) as batch_op:
        batch_op.drop_index('uq_exam_attempts_open', sqlite_where=sa.text('submitted_at IS NULL'), postgresql_where=sa.text('submitted_at IS NULL'))
        batch_op.drop_column('points')
    with op.batch_alter_table('regrades', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_regrades_response_id'))
    op.drop_table('regrades')
    with op.batch_alter_table('keypoint_results', schema=None) as batch_op:
        batch_op.drop_index('ix_keypoint_results_user_point')
    op.drop_table('keypoint_results')
    op.drop_table('followup_answers')
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.drop_index('ix_responses_user_answered')
        batch_op.drop_index('ix_responses_question_answered')
        batch_op.drop_index('ix_responses_case_answered')
    op.drop_table('responses')
    op.drop_table('item_versions')
