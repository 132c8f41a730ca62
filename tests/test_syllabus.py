"""content/SYLLABUS.md's mapping table and the coverage report built on it."""
from __future__ import annotations

from training.content.syllabus import parse_syllabus, row_coverage, uncovered_functions, unknown_areas

from support import CONTENT

TABLE = """# 考纲
说明文字。

| 模块（职业功能） | 工作内容 | 本平台领域 id | 级别 | 查证情况 |
|---|---|---|---|---|
| 职业道德 | 守则 | `ethics` | 三级、二级 | 已查证 |
| 客户服务策划 | 环境分析 | `plan`、`competition` | 二级 | 未查证 |
| 客户服务策划 | 计划编写 | `plan` | 二级 | 未查证 |
| 一级才有 | 战略 | `strategy` | 一级 | 未查证 |

正文。
"""
COUNTS = {"ethics": {"知识点": 4, "题目合计": 41, "答辩": 1}, "plan": {"知识点": 0, "题目合计": 0},
          "competition": {"知识点": 0, "题目合计": 0, "案例分析": 0}}


def test_rows_are_read_from_the_table_with_their_lines():
    rows = parse_syllabus(TABLE)
    assert [(r.function, r.areas, r.line) for r in rows] == [
        ("职业道德", ["ethics"], 6), ("客户服务策划", ["plan", "competition"], 7), ("客户服务策划", ["plan"], 8),
        ("一级才有", ["strategy"], 9)]
    assert row_coverage(rows[0], COUNTS) == {"知识点": 4, "题目": 41, "案例": 1}


def test_an_uncovered_function_of_the_level_is_reported_and_unknown_areas_too():
    rows = parse_syllabus(TABLE)
    assert uncovered_functions(rows, COUNTS, "二级") == ["客户服务策划"]
    assert uncovered_functions(rows, COUNTS, "三级") == []
    assert unknown_areas(rows, set(COUNTS)) == [(9, "strategy")]


def test_the_shipped_syllabus_maps_every_function_of_level_two_to_existing_areas(shipped_content):
    path = CONTENT / "SYLLABUS.md"
    rows = parse_syllabus(path.read_text(encoding="utf-8"))
    areas = {a.id for a in shipped_content.areas}
    assert len(rows) >= 10 and unknown_areas(rows, areas) == []
    counts: dict[str, dict[str, int]] = {a: {"知识点": 0, "题目合计": 0} for a in areas}
    for t in shipped_content.topics:
        counts[t.area]["知识点"] += 1
    for q in shipped_content.questions:
        counts[q.area]["题目合计"] += 1
    assert uncovered_functions(rows, counts, "二级") == []


def test_the_stats_command_checks_the_level(fresh_app, shipped_content):
    from training.content.sync import sync_content
    from training.extensions import db
    sync_content(db.session, shipped_content)  # not conftest's helper: e2e has a conftest module of its own
    db.session.commit()
    result = fresh_app.test_cli_runner().invoke(args=["content", "stats", "--check-level", "二级"])
    assert result.exit_code == 0, result.output
    assert "考纲对照" in result.output and "二级的每个职业功能都有内容覆盖" in result.output
