"""Chinese search: every page containing the query is found, title hits first, matches marked."""
from __future__ import annotations

import pytest

from training.extensions import db
from training.search import highlight, query_terms, search, snippet

QUERIES = ["投诉", "流失", "计划", "服务", "满意", "竞争"]


def expected_ids(content, term: str) -> set[tuple[str, str]]:
    """Brute force over the parsed items: which pages contain the term anywhere?"""
    found = set()
    for t in content.topics:
        if term in f"{t.title} {t.summary} {t.text}".casefold():
            found.add(("topic", t.id))
    for c in content.cases:
        if term in f"{c.title} {c.text}".casefold():
            found.add(("case", c.id))
    for q in content.questions:
        if term in f"{q.title} {q.text}".casefold():
            found.add(("question", q.id))
    return found


@pytest.mark.parametrize("term", QUERIES)
def test_every_page_containing_the_term_is_found(loaded, term):
    _, hits, total = search(db.session, term, limit=10_000)
    assert {(h.kind, h.ref_id) for h in hits} == expected_ids(loaded, term)
    assert total == len(hits)


@pytest.mark.parametrize("term", QUERIES)
def test_title_hits_rank_first(loaded, term):
    _, hits, _ = search(db.session, term, limit=10_000)
    flags = [h.title_hit for h in hits]
    assert flags == sorted(flags, reverse=True)


def test_the_two_character_queries_from_the_brief_find_pages(loaded):
    for term in ("投诉", "流失"):
        _, hits, _ = search(db.session, term)
        assert hits, f"nothing found for {term}"
        assert all("<mark>" in (h.snippet + h.title) for h in hits)


def test_all_terms_must_match(loaded):
    _, both, _ = search(db.session, "计划 作用")
    _, one, _ = search(db.session, "计划")
    assert both and len(both) <= len(one)
    assert {(h.kind, h.ref_id) for h in both} == expected_ids(loaded, "计划") & expected_ids(loaded, "作用")


@pytest.mark.parametrize("query", ["%", "_", "\\", "%%计划", "' OR 1=1 --", "24 小时"])
def test_like_wildcards_and_quotes_are_literal(loaded, query):
    terms, hits, _ = search(db.session, query, limit=10_000)
    expected = set.intersection(*(expected_ids(loaded, t) for t in terms))
    assert {(h.kind, h.ref_id) for h in hits} == expected


def test_highlight_escapes_html_and_marks_every_match():
    out = str(highlight("<b>投诉</b>处理与投诉管理", ["投诉"]))
    assert out == "&lt;b&gt;<mark>投诉</mark>&lt;/b&gt;处理与<mark>投诉</mark>管理"


def test_snippet_is_a_window_around_the_first_match():
    text = "甲" * 200 + "客户流失" + "乙" * 200
    out = str(snippet(text, ["流失"], width=40))
    assert out.startswith("…") and out.endswith("…") and "<mark>流失</mark>" in out
    assert len(out.replace("<mark>", "").replace("</mark>", "")) <= 42


def test_query_terms_are_deduplicated_casefolded_and_bounded():
    assert query_terms("  SERVQUAL  servqual 投诉 ") == ["servqual", "投诉"]
    assert query_terms("") == []
    assert len(query_terms(" ".join("abcdefghij"))) == 5


def test_search_page_shows_highlighted_results_and_counts(client, loaded):
    html = client.get("/search?q=投诉").get_data(as_text=True)
    assert "<mark>投诉</mark>" in html and "共找到" in html


def test_search_page_escapes_the_query(client, loaded):
    html = client.get("/search?q=<script>alert(1)</script>").get_data(as_text=True)
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html


def test_search_page_filters_by_kind(client, loaded):
    html = client.get("/search?q=计划&kind=case").get_data(as_text=True)
    assert "kind-case" in html and "kind-question" not in html and "kind-topic" not in html


def test_empty_search_page(client, loaded):
    response = client.get("/search")
    assert response.status_code == 200 and "共找到" not in response.get_data(as_text=True)


def test_marked_spans_merge_escape_and_let_a_misconception_win_where_they_overlap():
    from training.search import mark_spans
    assert str(mark_spans("ab<c>def", [(0, 2), (1, 4)])) == "<mark>ab&lt;c</mark>&gt;def"
    assert str(mark_spans("abcdef", [(0, 4)], [(2, 5)])) == '<mark>ab</mark><mark class="wrong">cde</mark>f'
    assert str(mark_spans("", [(0, 3)])) == "" and str(mark_spans("abc", [(5, 9)])) == "abc"
