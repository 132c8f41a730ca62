"""Study pages: guests can read everything; key points stay folded until asked for."""
from __future__ import annotations

import re

from training.content.markdown import plain_text


def text_of(response) -> str:
    return response.get_data(as_text=True)


def fold(html: str, fold_id: str) -> str:
    """The whole <details class="reveal" id=...> of a page, with the <details> nested in it."""
    start = html.index(f'<details class="reveal" id="{fold_id}">')
    depth = 0
    for tag in re.finditer(r"<(/?)details\b", html[start:]):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            return html[start:start + tag.end()]
    raise AssertionError(f"#{fold_id} is not closed")


def test_home_lists_every_area_with_its_counts(client, loaded):
    html = text_of(client.get("/"))
    for area in loaded.areas:
        assert area.title in html
    n_plan = sum(1 for q in loaded.questions if q.area == "plan")
    assert f"题目 {n_plan}" in html


def test_area_page_lists_its_topics_cases_and_questions_by_type(client, loaded):
    html = text_of(client.get("/areas/plan"))
    for item in loaded.topics + loaded.cases:
        if item.area == "plan":
            assert item.title in html
    for qtype in {q.qtype for q in loaded.questions if q.area == "plan"}:
        assert f"{qtype}题" in html


def test_topic_page_renders_markdown_and_links_its_questions(client, loaded):
    html = text_of(client.get("/kp/kp-plan-concept"))
    assert "<h1>计划的概念与作用</h1>" in html and "<strong>指导作用</strong>" in html
    assert "/questions/plan-q001" in html  # a question that tests this knowledge point
    assert "/cases/case-plan-write-service-plan" in html


def test_case_page_folds_key_points_and_followups(client, loaded):
    case = next(c for c in loaded.cases if c.id == "case-plan-write-service-plan")
    html = text_of(client.get(f"/cases/{case.id}"))
    folded = fold(html, "keypoints")  # key points sit inside a closed <details>
    assert "<details class=\"reveal\" id=\"keypoints\" open" not in html
    for point in case.key_points:
        assert point.label in folded
        assert f"{point.weight} 分" in folded
    assert "显示参考要点" in html and "显示考官追问" in html
    prompt_text = plain_text(case.prompt_html)[:20]
    assert html.index(prompt_text) < html.index('id="keypoints"')


def test_case_page_lists_each_points_misconceptions_inside_the_fold(client, loaded):
    case = next(c for c in loaded.cases if c.id == "case-plan-write-service-plan")
    html = text_of(client.get(f"/cases/{case.id}"))
    folded = fold(html, "keypoints")
    assert all(p.misconceptions for p in case.key_points)
    assert folded.count('class="misconceptions"') == len(case.key_points)
    for p in case.key_points:
        for m in p.misconceptions:
            assert f"<li>{m['says']}</li>" in folded and m["says"]


def test_question_page_folds_answer_and_explanation(client, loaded):
    html = text_of(client.get("/questions/plan-q001"))
    answer = re.search(r'<details class="reveal" id="answer">(.*?)</details>', html, re.S).group(1)
    assert "解析" in answer and "指导作用" in answer
    before = html[:html.index('id="answer"')]
    assert "显示答案与解析" in html and "明确目标、要求和先后顺序" not in before


def test_every_loaded_page_renders(client, loaded):
    for t in loaded.topics:
        assert client.get(f"/kp/{t.id}").status_code == 200, t.id
    for c in loaded.cases:
        assert client.get(f"/cases/{c.id}").status_code == 200, c.id
    for q in loaded.questions:
        assert client.get(f"/questions/{q.id}").status_code == 200, q.id
    for a in loaded.areas:
        assert client.get(f"/areas/{a.id}").status_code == 200, a.id


def test_pages_carry_title_favicon_viewport_and_a_way_home(client, loaded):
    html = text_of(client.get("/kp/kp-plan-concept"))
    assert "<title>计划的概念与作用 · 客服管理师备考</title>" in html
    assert 'rel="icon"' in html and 'name="viewport"' in html and 'href="/"' in html


def test_guest_sees_login_and_signup_links(client, loaded):
    html = text_of(client.get("/"))
    assert "/auth/login" in html and "/auth/signup" in html


def test_instructor_content_page_shows_counts_and_reloads(as_role, loaded):
    from support import csrf_from
    teacher = as_role("instructor")
    html = text_of(teacher.get("/manage/content"))
    assert "全部内容校验通过" in html and "客户服务计划(plan)" in html
    response = teacher.post("/manage/content/reload", data={"csrf_token": csrf_from(html)}, follow_redirects=True)
    assert "已重新导入内容" in text_of(response)


def test_guest_pages_are_cached_until_content_changes(app, client, loaded, tmp_path):
    from support import load_edited_copy
    first = client.get("/kp/kp-plan-concept").get_data(as_text=True)
    cache = app.extensions["page_cache"]
    assert "/kp/kp-plan-concept" in "".join(cache.pages)  # stored after the first guest view
    load_edited_copy(tmp_path, "topics/plan/concept-functions.md", "计划的三项作用", "计划的三大作用")
    second = client.get("/kp/kp-plan-concept").get_data(as_text=True)
    assert "计划的三项作用" in first and "计划的三大作用" in second


def test_a_page_cached_by_a_guest_shows_a_candidate_their_own_nav(as_role, client, loaded):
    client.get("/kp/kp-plan-concept")  # warm the cache as a guest
    html = as_role("candidate").get("/kp/kp-plan-concept").get_data(as_text=True)
    assert "退出" in html and "小李" not in html and "考生" in html


def test_exam_structure_page_shows_each_paper(client, loaded):
    assert client.get("/exams").headers["Location"].endswith("/exam-guide")  # the old address still works
    html = text_of(client.get("/exam-guide"))
    for bp in loaded.blueprints:
        assert bp.title in html
    assert "考试时长 90 分钟" in html and "每题准备 5 分钟" in html


def test_area_and_topic_pages_lead_to_practice_of_their_questions(client, loaded):
    assert 'href="/practice/?area=plan"' in text_of(client.get("/areas/plan"))
    topic = next(q.knowledge[0] for q in loaded.questions if q.knowledge)
    area = next(t.area for t in loaded.topics if t.id == topic)
    html = text_of(client.get(f"/kp/{topic}"))
    assert "练本节题目" in html and f"/practice/?area={area}&amp;topic={topic}" in html


def test_the_study_question_page_offers_a_self_check_of_real_choices(client, loaded):
    import html as html_lib
    import json
    q = next(q for q in loaded.questions if q.qtype == "多选")
    page = text_of(client.get(f"/questions/{q.id}"))
    assert page.count('type="checkbox"') == len(q.data["options"]) and "核对答案" in page and "js/selfcheck.js" in page
    answer = re.search(r'data-answer="([^"]*)"', page).group(1)
    assert json.loads(html_lib.unescape(answer)) == sorted(q.answer)
    judge = next(q for q in loaded.questions if q.qtype == "判断")
    page = text_of(client.get(f"/questions/{judge.id}"))
    assert json.loads(html_lib.unescape(re.search(r'data-answer="([^"]*)"', page).group(1))) is judge.answer


def hint_rows(html: str) -> list[str]:
    """Each key point's and follow-up's hint block on the study case page, in page order."""
    return re.findall(r'<div class="hint-terms">(.*?)</div>', html, re.S)


def test_the_case_page_shows_each_hint_groups_key_term_and_folds_every_phrasing(client, loaded):
    case = next(c for c in loaded.cases if c.id == "case-plan-write-service-plan")
    html = text_of(client.get(f"/cases/{case.id}"))
    owners = list(case.key_points) + list(case.followups)
    rows = hint_rows(fold(html, "keypoints")) + hint_rows(fold(html, "followups"))
    assert len(rows) == len(owners) and case.followups
    for owner, row in zip(owners, rows):
        assert re.findall(r'<span class="chip">([^<]*)</span>', row) == [g[0] for g in owner.hints], owner
        assert " / " not in row.split("<details")[0]  # no chip holds a whole group
        listed = re.search(r'<details class="hint-all"><summary>常见说法（(\d+)）</summary>(.*?)</details>', row, re.S)
        assert listed, "every phrasing sits in a closed <details>"
        assert int(listed.group(1)) == sum(len(g) for g in owner.hints)
        lines = re.findall(r"<li>(.*?)</li>", listed.group(2))
        assert len(lines) == len(owner.hints)
        for group, line in zip(owner.hints, lines):
            assert line.replace("<b>", "").replace("</b>", "").split("&nbsp;/ ") == group
    assert "hint-all\" open" not in html


def test_the_case_page_shows_a_prohibited_phrasing_as_something_to_avoid(app, client, loaded):
    from flask import render_template_string
    case = next(c for c in loaded.cases if c.id == "case-complaint-chain-store-policy")
    assert any(w.startswith("-") for p in case.key_points for g in p.hints for w in g)
    html = text_of(client.get(f"/cases/{case.id}"))
    assert '<span class="no">避免</span>推诿' in html and "-推诿" not in html
    macro = '{% from "_macros.html" import hint_terms %}{{ hint_terms(g) }}'
    with app.test_request_context():  # a group led by its prohibition: no shipped case has one yet
        shown = render_template_string(macro, g=[["-诱导", "-暗示", "不诱导"], ["中立"]])
        terms_only = render_template_string(macro, g=[["中立"], ["客观"]])
    assert '<span class="chip avoid"><span class="no">避免</span>诱导</span>' in shown
    assert '<span class="chip">中立</span>' in shown and "-" not in re.sub(r"<[^>]*>", "", shown)
    assert "常见说法（4）" in shown and "<li><b>中立</b></li>" in shown
    assert "<details" not in terms_only  # the chips already say everything


def test_the_authoring_preview_still_shows_every_phrasing_of_each_group(as_role, loaded):
    from support import csrf_from
    teacher = as_role("instructor")
    page = text_of(teacher.get("/manage/docs/"))
    r = teacher.post("/manage/docs/copy", data={"csrf_token": csrf_from(page), "item": "case-plan-write-service-plan"})
    assert r.status_code == 302
    preview = text_of(teacher.get(r.headers["Location"])).split("data-preview", 1)[1]
    case = next(c for c in loaded.cases if c.id == "case-plan-write-service-plan")
    for owner in list(case.key_points) + list(case.followups):
        for group in owner.hints:
            assert f'<span class="chip">{" / ".join(group)}</span>' in preview, group
    assert "hint-terms" not in preview and "常见说法" not in preview
