"""The in-memory search index finds exactly what the database finds, in the same order, and is rebuilt
when content changes."""
from __future__ import annotations

import pytest

from training.extensions import db
from training.models import SearchEntry
from training.search import load_index, search
from training.study.routes import site_search

QUERIES = ["投诉", "服务", "服务 质量", "计划 作用", "首问负责制", "客户", "满意度", "流失", "量子力学", "a", "%", "_",
           "服务 投诉 客户", "SERVQUAL", "servqual"]


@pytest.mark.parametrize("kinds", [("topic", "case", "question"), ("case",), ("question",), ("topic",)])
def test_the_index_finds_what_the_database_finds_in_the_same_order(loaded, kinds):
    index = load_index(db.session)
    for query in QUERIES:
        for limit in (5, 200, 10_000):
            in_db = search(db.session, query, kinds, limit=limit)
            in_memory = search(db.session, query, kinds, limit=limit, index=index)
            assert [(h.kind, h.ref_id, h.title, h.snippet, h.count) for h in in_memory[1]] == \
                   [(h.kind, h.ref_id, h.title, h.snippet, h.count) for h in in_db[1]], (query, kinds, limit)
            assert in_memory[2] == in_db[2] and in_memory[0] == in_db[0]


def test_some_queries_really_match(loaded):
    _, hits, total = site_search("投诉")
    assert total > 10 and hits[0].title_hit


def test_the_site_search_sees_a_content_change(app, loaded):
    before = site_search("独一无二的测试词")[2]
    entry = db.session.execute(db.select(SearchEntry).limit(1)).scalar_one()
    entry.text_lc += " 独一无二的测试词"
    from training.models import ContentState
    db.session.get(ContentState, 1).version += 1  # what a content load does
    db.session.commit()
    assert before == 0 and site_search("独一无二的测试词")[2] == 1
