"""Full-width punctuation beside Chinese; numbers, code, URLs and Markdown syntax untouched."""
from __future__ import annotations

import pytest

from training.content.punctuation import fix_body, fix_line, half_width_lines


@pytest.mark.parametrize("before,after", [
    ("计划是事先制定的,包括:目标;措施?", "计划是事先制定的，包括：目标；措施？"),
    ("如:“凡事预则立”! 下一句", "如：“凡事预则立”！下一句"),
    ("### 计划的概念(15分)", "### 计划的概念（15分）"),
    ("SERVQUAL (服务质量) 模型", "SERVQUAL（服务质量）模型"),
    ("服务水平 80/20,即 80% 的电话", "服务水平 80/20，即 80% 的电话"),
    ("提示词: 事先/预先, 书面", "提示词：事先/预先，书面"),
])
def test_marks_beside_chinese_become_full_width(before, after):
    assert fix_line(before) == after


@pytest.mark.parametrize("line", [
    "1,000 元", "Hello, world: yes", "- [x] 指导作用", "## plan-q001 · 单选 · 易", "1. 标题",
    "[链接](https://example.com/a,b)", "见 `a,b:c` 代码", "- 买车 → 愿望竞争者", "1. 目标 (goal) 和任务", "![图](x.png)",
])
def test_syntax_numbers_code_and_latin_text_are_left_alone(line):
    assert fix_line(line) == line


def test_front_matter_keys_and_fenced_code_are_left_alone_but_titles_are_fixed():
    text = "---\ntitle: 标题:副标题\nnote: 备注:保留\n---\n正文,一\n```\n代码,保留\n```\n结尾:二\n"
    assert fix_body(text) == "---\ntitle: 标题：副标题\nnote: 备注:保留\n---\n正文，一\n```\n代码,保留\n```\n结尾：二\n"
    assert half_width_lines(text) == [2, 5, 9]


def test_fix_punctuation_command_rewrites_files(runner, tmp_path):
    path = tmp_path / "a.md"
    path.write_text("---\nkind: topic\n---\n正文,一。\n", encoding="utf-8")
    result = runner.invoke(args=["content", "fix-punctuation", str(path)])
    assert result.exit_code == 0 and "修正 1 行" in result.output
    assert path.read_text(encoding="utf-8") == "---\nkind: topic\n---\n正文，一。\n"
