"""Area pages list their questions a page at a time, with links to every page."""
from __future__ import annotations

import re

import training.study.routes as study


def question_links(html: str) -> list[str]:
    return re.findall(r'href="/questions/([^"]+)"', html)


def test_area_questions_are_paged_with_links(client, loaded, monkeypatch):
    monkeypatch.setattr(study, "AREA_PAGE_SIZE", 3)
    expected = [q for q in loaded.questions if q.area == "plan"]
    pages = -(-len(expected) // 3)
    assert pages >= 2
    seen = []
    for n in range(1, pages + 1):
        html = client.get(f"/areas/plan?page={n}").get_data(as_text=True)
        links = question_links(html)
        assert 0 < len(links) <= 3
        assert f"这是第 {n} / {pages} 页" in html
        if n < pages:
            assert f'/areas/plan?page={n + 1}#questions" rel="next"' in html
        seen += links
    assert sorted(seen) == sorted(q.id for q in expected) and len(seen) == len(set(seen))
    assert client.get(f"/areas/plan?page={pages + 1}").status_code == 404
    assert client.get("/areas/plan?page=0").status_code == 404


def test_a_short_area_has_no_page_links(client, loaded):
    html = client.get("/areas/plan").get_data(as_text=True)
    assert 'aria-label="题目分页"' not in html and len(question_links(html)) == len(
        [q for q in loaded.questions if q.area == "plan"])
