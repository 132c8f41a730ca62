"""Moodle XML ↔ our banks and cases.

parse() reads the file with defusedxml and no DTD at all: an entity declaration, an external entity or
a DOCTYPE is refused (ImportRefused) before anything is expanded or fetched. Questions go through
convert.py like GIFT's. An essay becomes a case only when its grader information is our own 参考要点
Markdown (as export() writes it); any other essay cannot be graded here and is reported, not imported.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import DefusedXMLParser, ParseError

from ..content.items import DEFAULT_ORDER, CaseItem, ContentSet, Item, QuestionItem
from .common import (
    ORDER_TAG,
    Answer,
    Areas,
    ExportResult,
    ImportRefused,
    ImportResult,
    SourceQuestion,
    keys_line,
    read_keys,
)
from .convert import Converter
from .outgoing import (
    by_area,
    case_key_points,
    case_prompt,
    category_path,
    choice_weights,
    gather,
    match_categories,
    name_options,
    tags,
    weight,
)
from .textconv import to_markdown, to_plain


class _LinedTreeBuilder:
    """A TreeBuilder target that also records the line each element starts on, and keeps comments."""

    def __init__(self) -> None:
        self.builder = ET.TreeBuilder(insert_comments=True)
        self.parser: DefusedXMLParser | None = None
        self.lines: dict[int, int] = {}

    def start(self, tag, attrs):
        element = self.builder.start(tag, attrs)
        self.lines[id(element)] = self.parser.parser.CurrentLineNumber if self.parser else 0
        return element

    def end(self, tag):
        return self.builder.end(tag)

    def data(self, data):
        self.builder.data(data)

    def comment(self, text):
        return self.builder.comment(text)

    def close(self):
        return self.builder.close()


def read_tree(data: bytes | str) -> tuple[ET.Element, dict[int, int]]:
    """The XML tree and each element's line; refuses DTDs, entities and malformed XML with ImportRefused."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    builder = _LinedTreeBuilder()
    parser = DefusedXMLParser(target=builder, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    builder.parser = parser
    try:
        parser.feed(data)
        root = parser.close()
    except (EntitiesForbidden, ExternalReferenceForbidden, DTDForbidden):
        raise ImportRefused("文件里有 DTD 或实体声明（<!DOCTYPE …>、<!ENTITY …>）。它们可以引用服务器上的文件或"
                            "层层展开耗尽内存，出于安全原因不读取；Moodle 导出的 XML 文件没有这些内容") from None
    except ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else 0
        raise ImportRefused(f"不是格式正确的 XML（第 {line} 行附近出错），请确认是 Moodle 导出的 XML 文件") from None
    if root.tag != "quiz":
        raise ImportRefused(f"不是 Moodle XML：最外层应是 <quiz>，这个文件是 <{root.tag}>")
    return root, builder.lines


def _text(element: ET.Element | None, path: str = "text") -> str:
    """The text of a <text> element; HTML written in it without CDATA parses as child elements,
    whose text is kept (their tags cannot be told from XML any more)."""
    node = element.find(path) if element is not None else None
    return "".join(node.itertext()) if node is not None else ""


def _field(element: ET.Element, path: str, default_format: str = "html") -> tuple[str, str]:
    """(format, text) of a Moodle text field such as <questiontext format="html"><text>…</text>."""
    node = element.find(path)
    if node is None:
        return default_format, ""
    return node.get("format", default_format), _text(node)


def parse(data: bytes | str, default_area: str, *, areas=None, knowledge: str | None = None,
          name: str = "imported") -> ImportResult:
    """Moodle XML → our Markdown documents, with a note for every question that did not come in or
    changed on the way (parameters as gift.parse). Raises ImportRefused for a file that cannot be read."""
    root, lines = read_tree(data)
    area_map = Areas(areas, default_area)
    converter = Converter(area_map, name, knowledge)
    area = area_map.default
    for element in root:
        if element.tag != "question":
            continue
        line = lines.get(id(element), 0)
        if element.get("type") == "category":
            category = (element.findtext("category/text") or "").strip()
            area, message = area_map.resolve(category)
            if message:
                converter.note(line, category, message)
            continue
        converter.add(read_question(element, line, area))
    return converter.finish()


def read_question(element: ET.Element, line: int, area: str) -> SourceQuestion:
    q = SourceQuestion(line=line, area=area, kind=element.get("type", ""))
    q.kind = {"matching": "match"}.get(q.kind, q.kind)
    q.name = (element.findtext("name/text") or "").strip()
    q.idnumber = (element.findtext("idnumber") or "").strip()
    q.tags = [(t.findtext("text") or "").strip() for t in element.findall("tags/tag")]
    comments = [c.text or "" for c in element if c.tag is ET.Comment]
    q.keys = next((k for k in map(read_keys, comments) if k), [])
    fmt, text = _field(element, "questiontext")
    q.text = to_markdown(text, fmt, q.notes)
    g_format, general = _field(element, "generalfeedback", fmt)
    q.general_feedback = to_markdown(general, g_format, q.notes)
    if element.find(".//file") is not None:
        q.notes.append("附带的文件（图片等）没有导入")
    if q.kind == "multichoice":
        q.single = (element.findtext("single") or "true").strip().lower() in ("true", "1")
        q.answers = [_answer(a, q) for a in element.findall("answer")]
    elif q.kind == "truefalse":
        for a in element.findall("answer"):
            word = _text(a).strip().lower()
            f_format, f_text = _field(a, "feedback")
            feedback = to_markdown(f_text, f_format, q.notes)
            right = _fraction(a, q) > 0
            if word == "true":
                q.true_feedback = feedback
                q.truth = True if right else q.truth
            elif word == "false":
                q.false_feedback = feedback
                q.truth = False if right else q.truth
    elif q.kind == "match":
        for sub in element.findall("subquestion"):
            item = to_plain(_text(sub), sub.get("format", "html"), q.notes, "匹配项目")
            q.pairs.append((item, to_plain(_text(sub, "answer/text"), "plain", q.notes, "类别")))
    elif q.kind == "ordering":
        answers = element.findall("answer")
        fractions = [_fraction(a, q) for a in answers]
        if len(set(fractions)) == len(fractions) and all(f > 0 for f in fractions):
            answers = [a for _, a in sorted(zip(fractions, answers, strict=True), key=lambda fa: fa[0])]
        q.answers = [Answer(to_plain(_text(a), a.get("format", "html"), q.notes, "步骤")) for a in answers]
    elif q.kind == "essay":
        info_format, info = _field(element, "graderinfo")
        if info_format == "markdown":  # ours are Markdown; graded cases need 参考要点 written our way
            q.grader_info = info.strip()
    return q


def _fraction(answer: ET.Element, q: SourceQuestion) -> float:
    raw = answer.get("fraction", "0")
    try:
        return float(raw)
    except ValueError:
        q.error = f"答案的得分 fraction=“{raw}” 不是数字"
        return 0.0


def _answer(a: ET.Element, q: SourceQuestion) -> Answer:
    f_format, feedback = _field(a, "feedback")
    text = to_plain(_text(a), a.get("format", "html"), q.notes, "选项")
    return Answer(text, _fraction(a, q), to_markdown(feedback, f_format, q.notes) if feedback.strip() else "")


# ---- export -----------------------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = _CONTROL.sub("", text)
    return element


def _text_field(parent: ET.Element, tag: str, text: str, fmt: str = "markdown") -> ET.Element:
    element = _sub(parent, tag, format=fmt)
    _sub(element, "text", text)
    return element


def _keys_comment(question: ET.Element, *groups: Iterable[str]) -> None:
    text = keys_line(*groups)
    if "--" not in text:  # an XML comment cannot hold "--"; such keys are then given anew on import
        question.append(ET.Comment(f" {text} "))


def _head(quiz: ET.Element, qtype: str, item: QuestionItem | CaseItem, name: str, text: str,
          general: str) -> ET.Element:
    question = _sub(quiz, "question", type=qtype)
    _sub(_sub(question, "name"), "text", name)
    _text_field(question, "questiontext", text)
    _text_field(question, "generalfeedback", general)
    _sub(question, "defaultgrade", "1")
    _sub(question, "penalty", "0.3333333" if qtype != "truefalse" else "1")
    _sub(question, "hidden", "0")
    _sub(question, "idnumber", item.id)
    return question


def _tags(question: ET.Element, values: list[str]) -> None:
    node = _sub(question, "tags")
    for value in values:
        _sub(_sub(node, "tag"), "text", value)


def _question(quiz: ET.Element, q: QuestionItem) -> None:
    qtype = {"单选": "multichoice", "多选": "multichoice", "判断": "truefalse", "匹配": "matching",
             "排序": "ordering"}[q.qtype]
    question = _head(quiz, qtype, q, q.id, name_options(q.stem_md, q), name_options(q.explanation_md, q))
    if q.qtype in ("单选", "多选"):
        _keys_comment(question, [o["key"] for o in q.data["options"]])
        _sub(question, "single", "true" if q.qtype == "单选" else "false")
        _sub(question, "shuffleanswers", "true")
        _sub(question, "answernumbering", "ABCD")
        for option, value in zip(q.data["options"], choice_weights(q), strict=True):
            answer = _sub(question, "answer", fraction=weight(value), format="plain_text")
            _sub(answer, "text", option["text"])
            _text_field(answer, "feedback", "")
    elif q.qtype == "判断":
        for word, right in (("true", q.answer), ("false", not q.answer)):
            answer = _sub(question, "answer", fraction="100" if right else "0", format="moodle_auto_format")
            _sub(answer, "text", word)
            _text_field(answer, "feedback", "")
    elif q.qtype == "匹配":
        categories = match_categories(q)
        _keys_comment(question, [i["key"] for i in q.data["items"]], [c["key"] for c in categories],
                      [c["key"] for c in q.data["categories"]])
        _sub(question, "shuffleanswers", "true")
        texts = {c["key"]: c["text"] for c in categories}
        pairs = [(i["text"], texts[q.answer[i["key"]]]) for i in q.data["items"]]
        pairs += [("", c["text"]) for c in categories if c["key"] not in set(q.answer.values())]
        for item, category in pairs:
            sub = _text_field(question, "subquestion", item, "plain_text")
            _sub(_sub(sub, "answer"), "text", category)
    else:  # 排序: Moodle's ordering type; "relative to the next" grades adjacent pairs, as our practice does
        _keys_comment(question, [s["key"] for s in q.data["steps"]])
        for tag, value in (("layouttype", "VERTICAL"), ("selecttype", "ALL"), ("selectcount", "0"),
                           ("gradingtype", "RELATIVE_NEXT_EXCLUDE_LAST"), ("showgrading", "SHOW"),
                           ("numberingstyle", "none")):
            _sub(question, tag, value)
        for i, step in enumerate(q.data["steps"], start=1):
            answer = _sub(question, "answer", fraction=str(i), format="plain_text")
            _sub(answer, "text", step["text"])
    _tags(question, tags(q))


def _case(quiz: ET.Element, case: CaseItem) -> None:
    question = _head(quiz, "essay", case, case.title, case_prompt(case), "")
    for tag, value in (("responseformat", "editor"), ("responserequired", "1"), ("responsefieldlines", "15"),
                       ("attachments", "0"), ("attachmentsrequired", "0")):
        _sub(question, tag, value)
    _text_field(question, "graderinfo", case_key_points(case))
    _text_field(question, "responsetemplate", "", "html")
    _tags(question, tags(case) + ([f"{ORDER_TAG}{case.order}"] if case.order != DEFAULT_ORDER else []))


def export(items: Iterable[Item] | ContentSet) -> bytes:
    """Our questions and cases as a Moodle XML file (UTF-8), one category per area."""
    return export_with_notes(items).data


def export_with_notes(items: Iterable[Item] | ContentSet) -> ExportResult:
    questions, cases, notes = gather(items)
    quiz = ET.Element("quiz")
    quiz.append(ET.Comment(" 客服管理师备考 题库导出（Moodle XML）。选项编号写在注释里，知识点、难度写在标签里，再导入时保留。 "))
    for area, group in by_area([*questions, *cases]).items():
        category = _sub(quiz, "question", type="category")
        _sub(_sub(category, "category"), "text", category_path(area))
        for item in group:
            (_case if isinstance(item, CaseItem) else _question)(quiz, item)
    ET.indent(quiz, "  ")
    body = ET.tostring(quiz, encoding="unicode")
    return ExportResult(('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8"), notes)
