"""GIFT ↔ our banks (training/interchange/gift.py): a rich sample of every construct, and the shipped bank
through GIFT and back. Pure: no app, no database."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pytest

from training.content.markdown import raw_html_lines
from training.content.parse import parse_document
from training.content.punctuation import half_width_lines
from training.content.validate import read_content
from training.interchange import gift
from training.interchange.common import ImportRefused, ImportResult

ROOT = Path(__file__).resolve().parent.parent
RICH = ROOT / "tests" / "data" / "interchange" / "rich.gift"


@lru_cache(maxsize=1)
def shipped():
    content = read_content(ROOT / "content")
    assert content.ok, content.problems[:3]
    return content


@lru_cache(maxsize=1)
def rich() -> ImportResult:
    return gift.parse(RICH.read_text(encoding="utf-8"), "plan", areas=shipped().areas)


def questions(result: ImportResult) -> dict:
    """Every question of the result's documents, read back by our own parser (which must not complain)."""
    out = {}
    for path, text in result.documents.items():
        items, problems = parse_document(path, text)
        assert not problems, problems
        assert not raw_html_lines(text) and not half_width_lines(text), path
        for bank in items:
            out.update({q.id: q for q in getattr(bank, "questions", [])})
    return out


def line_of(name: str, nth: int = 1) -> int:
    """The line of the nth `::name::` in the sample: the line a note must point at."""
    lines = [i for i, t in enumerate(RICH.read_text(encoding="utf-8").split("\n"), start=1) if t.startswith(f"::{name}::")]
    return lines[nth - 1]


def test_rich_sample_becomes_one_bank_per_area_that_our_parser_accepts():
    result = rich()
    assert list(result.documents) == ["questions/competition/imported.md", "questions/plan/imported.md"]
    qs = questions(result)
    assert len(qs) == result.imported == 14
    assert {q.area for q in qs.values() if q.id in ("match-types", "one-right", "letters")} == {"competition"}


def test_choices_weights_feedback_and_tags():
    qs = questions(rich())
    single = qs["gift-single"]
    assert (single.qtype, single.answer, single.difficulty, single.knowledge) == ("单选", "a", "易", ["kp-plan-concept"])
    assert [o["text"] for o in single.data["options"]][:2] == ["指导作用", "推动作用"]
    assert "- {b}：推动作用侧重按时间节点推进。" in single.explanation_md  # per-answer feedback, in keys
    multi = next(q for q in qs.values() if q.stem_md.startswith("下列哪些属于客户服务计划书"))
    assert re.fullmatch(r"q-[0-9a-f]{12}", multi.id)  # ::Q 2 多选:: is not an id: one from the text's hash
    assert (multi.qtype, multi.answer) == ("多选", ["a", "b"])  # positive weights are the right set
    assert "{c}属于落款" in multi.explanation_md  # 【选项：…】 names an option: back to its key
    assert qs["one-right"].qtype == "单选" and qs["one-right"].answer == "a"


def test_letters_that_name_options_become_keys():
    q = questions(rich())["letters"]
    assert q.stem_md == "下列哪项是 {b} 项以外的正确说法？"
    assert q.explanation_md == "选项 {c} 正确；{b} 项侧重推进，{a}、{b} 两项都不对。"


def test_escapes_and_formats():
    qs = questions(rich())
    esc = qs["escapes"]
    assert "a = b ~ c" in esc.stem_md and "# 号" in esc.stem_md and "\n\n第二段。" in esc.stem_md
    assert "{x}" in esc.stem_html  # a brace pair that is no option key is shown as written
    assert [o["text"] for o in esc.data["options"]] == ["第一项 = 等号", "第二项 ~ 波浪", "第三项 # 井号"]
    assert "{花括号}" in esc.explanation_html
    html = qs["html-stem"]
    assert "<strong>品牌竞争者</strong>" in html.stem_html and "[图片：品牌]" in html.stem_html
    assert "alert" not in html.stem_md and "<" not in html.stem_md
    assert "<li>需求不同：愿望</li>" in html.explanation_html and "<em>品牌竞争者</em>" in html.explanation_html
    plain = qs["plain-stem"]
    assert "*星号*" in plain.stem_html and "<em>" not in plain.stem_html
    assert qs["moodle-format"].answer is True


@pytest.mark.parametrize("name, answer", [("moodle-format", True), ("true-long", True), ("false-short", False),
                                          ("false-long", False), ("last-one", True)])
def test_true_false(name, answer):
    q = questions(rich())[name]
    assert (q.qtype, q.answer) == ("判断", answer)


def test_true_false_feedback_goes_to_the_answer_it_belongs_to():
    expl = questions(rich())["false-short"].explanation_md
    assert "- 答“对”：选“对”不对：大服务不只售后。" in expl and "- 答“错”：答对了。" in expl


def test_matching_with_a_spare_category():
    q = questions(rich())["match-types"]
    cats = {c["key"]: c["text"] for c in q.data["categories"]}
    assert cats["c5"] == "潜在竞争者" and q.knowledge == ["kp-competition-types"]
    assert {i["text"][:4]: cats[q.answer[i["key"]]] for i in q.data["items"]}["同是 O"] == "品牌竞争者"


@pytest.mark.parametrize("name, fragment", [
    ("match-two", "匹配题至少要有 3 行"),
    ("short-answer", "简答填空题（shortanswer）"),
    ("numerical", "数值题（numerical）"),
    ("missing-word", "完形填空题（missing word）"),
    ("essay", "论述题（essay）"),
    ("description", "说明文字（description）"),
    ("broken", "大括号不成对"),
    ("no-feedback", "本站每道题都要写解析"),
    ("positional", "依赖选项的位置"),
])
def test_what_does_not_come_in_is_said_with_line_and_title(name, fragment):
    note = next(n for n in rich().errors if n.title == name)
    assert note.line == line_of(name) and fragment in note.message
    assert str(note).startswith(f"第 {note.line} 行“{name}”：未导入：")


def test_a_broken_question_leaves_the_rest_imported():
    result = rich()
    assert "last-one" in questions(result)
    duplicate = next(n for n in result.errors if n.line == line_of("gift-single", 2))
    assert "重复" in duplicate.message


@pytest.mark.parametrize("title, fragment", [
    ("Q 2 多选", "本站多选题没有部分得分权重"),
    ("one-right", "按单选题导入"),
    ("letters", "已改成选项编号"),
    ("html-stem", "图片没有导入"),
    ("$course$/top/未知分类", "不对应任何考纲领域"),
    ("questions/plan/imported.md", "暂填 kp-plan-imported"),
])
def test_what_changed_on_the_way_is_noted(title, fragment):
    assert any(n.kept and fragment in n.message for n in rich().notes if n.title == title)


def test_the_same_question_gets_the_same_id_wherever_it_comes_from():
    one = "::Q1::[markdown]同一道题？{=甲 ~乙 ####解析。}\n"
    two = "// 另一个文件\n\n$CATEGORY: quality\n\n::第 1 题::[markdown]同一道题？{\n  =甲\n  ~乙\n  ####解析。\n}\n"
    first, second = questions(gift.parse(one, "plan")), questions(gift.parse(two, "plan"))
    assert list(first) == list(second) and next(iter(first)).startswith("q-")


def test_category_names_an_area_by_id_or_title_and_unknown_default_area_is_refused():
    text = "$CATEGORY: $course$/top/客户投诉处理\n\n::x::[markdown]题？{=甲 ~乙 ####解析。}\n"
    assert list(gift.parse(text, "plan", areas=shipped().areas).documents) == ["questions/complaint/imported.md"]
    with pytest.raises(ValueError):
        gift.parse(text, "no-such-area", areas=shipped().areas)


def test_shipped_bank_through_gift_and_back_is_the_same_in_substance():
    content = shipped()
    exported = gift.export_with_notes(content)
    result = gift.parse(exported.data, "plan", areas=content.areas)
    assert not result.errors
    back = questions(result)
    carried = [q for q in content.questions if q.qtype != "排序"]
    assert {q.qtype for q in carried} == {"单选", "多选", "判断", "匹配"} and len(back) == len(carried)
    for q in carried:
        b = back[q.id]
        assert (b.qtype, b.stem_md, b.data, b.answer, b.explanation_md) == \
               (q.qtype, q.stem_md, q.data, q.answer, q.explanation_md), q.id
        assert (b.area, b.difficulty, b.knowledge) == (q.area, q.difficulty, q.knowledge), q.id


def test_export_says_what_gift_cannot_carry():
    content = shipped()
    exported = gift.export_with_notes(content)
    skipped = {n.title for n in exported.notes if not n.kept}
    assert skipped == {q.id for q in content.questions if q.qtype == "排序"} | {c.id for c in content.cases}
    assert all(f"// {n}" in exported.data for n in exported.notes)


def test_export_writes_weights_escapes_and_one_block_per_question():
    content = shipped()
    multi = next(q for q in content.questions if q.qtype == "多选" and len(q.answer) == 3)
    text = gift.export([multi])
    assert text.count("~%33.33333%") == 3 and "~%-100%" in text and "$CATEGORY: $course$/top/" in text
    single = next(q for q in content.questions if q.qtype == "单选" and ":" in q.stem_md + q.explanation_md)
    block = gift.export([single]).split("\n\n")[-1]
    assert "\\:" in block and "\n\n" not in block.strip()  # blank lines separate questions in GIFT


def test_bytes_must_be_utf8_and_a_double_slash_is_a_slash_in_a_category_name():
    text = "$CATEGORY: $course$/top/客服//投诉\n\n::x::[markdown]题？{=甲 ~乙 ####解析。}\n"
    result = gift.parse(text.encode("utf-8"), "plan", areas={"plan": "客户服务计划"})
    assert any("“客服/投诉”" in n.message for n in result.notes)  # one name, not two categories
    with pytest.raises(ImportRefused, match="不是 UTF-8 编码（第 1 行）"):
        gift.parse(text.encode("gbk"), "plan")


def test_a_given_knowledge_point_fills_questions_without_one():
    text = "::x::[markdown]题？{=甲 ~乙 ####解析。}\n"
    result = gift.parse(text, "plan", knowledge="kp-plan-concept", name="from-moodle")
    assert list(result.documents) == ["questions/plan/from-moodle.md"]
    assert questions(result)["x"].knowledge == ["kp-plan-concept"] and not result.notes
    with pytest.raises(ValueError):
        gift.parse(text, "plan", knowledge="知识点")
