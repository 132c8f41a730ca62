"""学习进度 (/progress/) and the CSV export: what a learner sees of their own answers, and nobody else's."""
from __future__ import annotations

import csv
import io
import itertools
import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy.orm import selectinload

from training.dashboard.charts import ELEMENTS, area_chart, clean_svg, ticks
from training.dashboard.export import readable_answer, safe_cell
from training.extensions import db
from training.models import Case, DefenseSession, Question, Response
from training.models.base import utcnow

from support import Auth, make_attempt, make_practice_set, make_user, wrong_key

ROUTES = ["/progress/", "/progress/export.csv"]
_round = itertools.count(1)


def answer(user, ps, q: Question, response, right: bool, at: datetime | None = None, **kw) -> Response:
    at = at or utcnow()
    row = Response(user_id=user.id, context="practice", practice_session_id=ps.id, round=next(_round), slot=0,
                   question_id=q.id, version_id=q.version_id, answer=response, score=1.0 if right else 0.0,
                   time_ms=12000, answered_at=at, graded_at=at, **kw)
    db.session.add(row)
    db.session.commit()
    return row


def single_choice(n: int, topic_count: int = 1) -> list[Question]:
    qs = db.session.execute(db.select(Question).where(Question.qtype == "单选", Question.retired.is_(False))
                            .options(selectinload(Question.topics))  # one query, not one per question
                            .order_by(Question.id)).scalars().all()
    return [q for q in qs if len(q.topics) == topic_count][:n]


@pytest.fixture
def studied(app, loaded, users):
    """The candidate of `users` with a week of practice, a mock exam and a rehearsal."""
    user = users["candidate"]
    ps = make_practice_set(user, [])
    qs = single_choice(3)
    now = utcnow()
    for day in range(7):
        for q in qs:
            right = q is not qs[0]  # the first one is always missed: its knowledge point is the weakest
            answer(user, ps, q, q.payload.answer if right else wrong_key(q.payload), right, now - timedelta(days=day))
    attempt = make_attempt(user, "exam-theory", qs[:2], submitted_at=now - timedelta(days=1), points=40.0)
    case = db.session.execute(db.select(Case).where(Case.kind == "答辩").order_by(Case.id).limit(1)).scalar()
    ds = DefenseSession(user_id=user.id, case_ids=[case.id], prep_seconds=60, answer_seconds=60, position=1)
    db.session.add(ds)
    db.session.flush()
    db.session.add(Response(user_id=user.id, context="defense", defense_session_id=ds.id, slot=0, case_id=case.id,
                            version_id=case.version_id, text="=HYPERLINK(\"http://evil\")先亮观点", score=0.72,
                            points=72, points_possible=100, answered_at=now - timedelta(hours=1)))
    db.session.commit()
    return {"user": user, "questions": qs, "attempt": attempt, "defense": ds, "case": case}


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.mark.parametrize("url", ROUTES)
def test_guests_are_sent_to_log_in(client, loaded, url):
    response = client.get(url)
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


@pytest.mark.parametrize("role", ["candidate", "instructor", "admin"])
def test_every_signed_in_role_sees_only_their_own_progress(studied, as_role, role):
    page = text(as_role(role).get("/progress/"))
    if role == "candidate":
        assert "各领域正确率与掌握度" in page and "测试卷" in page
    else:  # instructors and admins are learners too: their own (empty) progress, never the candidate's
        assert "你还没有作答记录" in page and "测试卷" not in page


def test_another_candidate_sees_nothing_of_the_first(studied, client):
    other = make_user(username="other@test.local")
    Auth(client).login(other.username)
    page = text(client.get("/progress/"))
    assert "你还没有作答记录" in page and "测试卷" not in page and "模拟答辩" in page
    rows = list(csv.reader(io.StringIO(text(client.get("/progress/export.csv")).lstrip("\ufeff"))))
    assert rows == [["作答时间", "场景", "题目", "题型", "我的答案", "结果", "得分", "用时（秒）"]]


def test_empty_state_for_a_new_learner(app, loaded, client):
    user = make_user()
    Auth(client).login(user.username)
    response = client.get("/progress/")
    page = text(response)
    assert response.status_code == 200
    assert "你还没有作答记录" in page and "<svg" not in page
    for part in ("理论知识", "专业能力", "综合评审"):
        assert part in page  # the readiness thresholds are stated up front
    assert 'href="/practice/"' in page and "下载作答记录" in page


def test_the_page_of_a_learner_with_answers(studied, as_role):
    page = text(as_role("candidate").get("/progress/"))
    qs = studied["questions"]
    # Charts: inline SVG with bars, nothing pygal would have run or styled inline.
    svg = re.findall(r"<svg.*?</svg>", page, flags=re.S)
    assert len(svg) >= 3
    assert 'class="rect' in svg[0] and "正确率" in svg[0] and "掌握度" in svg[0]
    assert "<script" not in page.split("<footer")[0] and "<style" not in page and " style=" not in page
    # Streak: a week up to today.
    assert re.search(r"<strong>7</strong><span>连续打卡", page)
    # Per-area table: the area of the questions answered, with its accuracy.
    area = qs[0].area.title
    assert re.search(rf"<td class=\"left\">{area}</td><td>\d+</td><td>\d+%</td>", page)
    # Sittings, linking to their reports, with the score against the pass line.
    assert f'href="/mock/a/{studied["attempt"].id}/report"' in page and "40 分 · 未达到及格线 60 分" in page
    assert f'href="/defense/s/{studied["defense"].id}"' in page and "72 分 · 达到及格线 60 分" in page
    # The weakest knowledge point, with a button that starts practice on it.
    weak = qs[0].topics[0]
    assert f'href="/kp/{weak.id}"' in page and "正确率 0%（0 / 7）" in page
    assert re.search(rf'<input type="hidden" name="topic" value="{weak.id}">', page)
    # Readiness: too little data for a number, and it says which threshold is missing.
    assert "数据不足，暂不估计" in page and "近 30 天至少 30 道已判分的单选、多选题" in page


def test_weak_point_button_starts_practice_on_it(studied, as_role):
    client = as_role("candidate")
    page = text(client.get("/progress/"))
    form = re.search(r'<form method="post" action="/practice/start">(.*?)</form>', page, flags=re.S).group(1)
    fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form))
    response = client.post("/practice/start", data=fields)
    assert response.status_code == 302 and "/practice/s/" in response.headers["Location"]
    question_page = text(client.get(response.headers["Location"]))
    weak = studied["questions"][0]
    assert weak.topics[0].id == fields["topic"] and "提交答案" in question_page


def test_readiness_number_once_enough(studied, as_role):
    user, qs = studied["user"], studied["questions"]
    ps = make_practice_set(user, [])
    for n in range(30):
        q = qs[1 + n % 2]
        answer(user, ps, q, q.payload.answer, True)
    page = text(as_role("candidate").get("/progress/"))
    card = re.search(r"<h3>理论知识</h3>(.*?)</article>", page, flags=re.S).group(1)
    assert re.search(r'<p class="ready-score"><strong>\d+</strong><span>/ 100 · ', card)
    assert "准备度 = 近期得分率 × 67% + 覆盖面 × 33%" in card  # fewer than 10 review cards: memory left out


def test_export_is_the_learners_history_made_safe(studied, as_role):
    response = as_role("candidate").get("/progress/export.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.is_streamed
    assert "attachment" in response.headers["Content-Disposition"]
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode("utf-8"))
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8").lstrip("\ufeff"))))
    assert rows[0] == ["作答时间", "场景", "题目", "题型", "我的答案", "结果", "得分", "用时（秒）"]
    assert len(rows) == 1 + 21 + 1  # 21 practice answers and one 答辩 (the exam paper has no answers here)
    assert {r[1] for r in rows[1:]} == {"练习", "模拟答辩"}
    q = studied["questions"][1]
    right = next(r for r in rows[1:] if r[2] == q.payload.title)
    assert right[3] == "单选" and right[5] == "正确" and right[6] == "100%" and right[7] == "12"
    assert right[4].endswith(q.payload.text(q.payload.answer)) and re.match(r"[A-F]\. ", right[4])
    oral = next(r for r in rows[1:] if r[1] == "模拟答辩")
    assert oral[4].startswith("'=HYPERLINK") and oral[5] == "72 分（满分 100）" and oral[6] == "72 / 100"
    # Times are Beijing time: the latest answer's hour matches now in Asia/Shanghai.
    shanghai_now = datetime.now(timezone(timedelta(hours=8)))
    assert any(r[0].startswith(shanghai_now.strftime("%Y-%m-%d")) for r in rows[1:])
    assert [r[0] for r in rows[1:]] == sorted(r[0] for r in rows[1:])


@pytest.mark.parametrize("value, expected", [
    ("=1+2", "'=1+2"), ("+86 123", "'+86 123"), ("-5", "'-5"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"),
    ("普通答案", "普通答案"), ("a=b", "a=b"), ("", ""), (None, ""), (12, "12"),
])
def test_formula_cells_are_defused(value, expected):
    assert safe_cell(value) == expected


def test_readable_answers_for_every_type(app, loaded):
    by_type = {}
    for q in db.session.execute(db.select(Question).where(Question.retired.is_(False))).scalars():
        by_type.setdefault(q.qtype, q)
    for qtype, q in by_type.items():
        p = q.payload
        shown = readable_answer(q.current.payload, p.answer, None)
        assert shown and "{" not in shown, (qtype, shown)
    judge = by_type["判断"].current.payload
    assert readable_answer(judge, True, None) == "对" and readable_answer(judge, False, None) == "错"
    single = by_type["单选"]
    assert readable_answer(single.current.payload, "no-such-key", None) == "?. "
    assert readable_answer(single.current.payload, None, None) == ""
    assert readable_answer(None, "b", None) == "b"  # an answer from before versions: as stored


@pytest.mark.parametrize("query", ["?page=-1", "?x=%00", "?days=99999999999999999999", "?user_id=1"])
def test_odd_queries_change_nothing(studied, as_role, query):
    client = as_role("candidate")
    for url in ROUTES:
        response = client.get(url + query)
        assert response.status_code == 200


def test_post_is_not_allowed(studied, as_role):
    assert as_role("candidate").post("/progress/").status_code == 405


def test_clean_svg_keeps_shapes_and_drops_everything_else():
    dirty = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" onload="alert(1)"><style>*{}</style>'
             '<script>alert(1)</script><defs><script>x</script></defs><title>Pygal</title>'
             '<g class="graph" style="opacity:0"><rect x="1" y="2" width="3" height="4" class="rect" onclick="x"/>'
             '<foreignObject><p>hi</p></foreignObject><a href="javascript:x"><text x="1">t</text></a>'
             '<g class="tooltip-overlay"><text>tip</text></g></g></svg>')
    clean = str(clean_svg(dirty, "图"))
    for bad in ("script", "style", "onload", "onclick", "foreignObject", "javascript", "Pygal", "tip", "<a"):
        assert bad not in clean
    assert '<rect x="1" y="2" width="3" height="4" class="rect" />' in clean
    assert 'role="img" aria-label="图"' in clean and "<title>图</title>" in clean
    assert {m for m in re.findall(r"<(\w+)", clean)} <= ELEMENTS


def test_area_chart_puts_the_first_area_on_top_with_readable_values():
    svg = str(area_chart(["客户服务计划", "客户服务组织与岗位设置"], [0.5, None], [0.25, 0.0]))
    labels = re.findall(r'<text x="-?[\d.]+" y="([\d.]+)"[^>]*>([^<]+)</text>', svg)
    ys = {label: float(y) for y, label in labels}
    assert ys["客户服务计划"] < ys["客户服务组织与岗位设置"]
    assert ">50%<" in svg and ">25%<" in svg and ">0%<" in svg
    assert 'text-anchor="start"' in svg


def test_a_chart_is_drawn_once_for_the_figures_it_prints():
    titles = ["客户服务计划", "客户服务组织与岗位设置"]
    first = area_chart(titles, [0.5, None], [0.25, 0.0])
    assert area_chart(titles, [0.5004, None], [0.2501, 0.0]) is first  # the same whole percents: kept
    other = area_chart(titles, [0.51, None], [0.25, 0.0])
    assert other is not first and ">51%<" in str(other) and ">51%<" not in str(first)


@pytest.mark.parametrize("top, expected", [(0, [0, 1]), (7, [0, 2, 4, 6, 8]), (99, [0, 20, 40, 60, 80, 100]),
                                           (260, [0, 100, 200, 300])])
def test_ticks(top, expected):
    assert ticks(top) == expected
