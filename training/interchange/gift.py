"""Moodle's GIFT text format ↔ our question banks.

parse() reads GIFT as Moodle's own importer does (blank lines between questions, // comments with
[id:…] and [tag:…], $CATEGORY:, ::name::, the escapes \\~ \\= \\# \\{ \\} \\: \\n, [html]/[markdown]/
[plain]/[moodle], # answer feedback, #### general feedback, %weights%) and hands every question to
convert.py, which writes our Markdown and runs our parser on it. export() writes GIFT that Moodle imports.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from ..content.items import ContentSet, Item, QuestionItem
from .common import (
    Answer,
    Areas,
    ExportResult,
    ImportRefused,
    ImportResult,
    Note,
    SourceQuestion,
    keys_line,
    read_keys,
)
from .convert import Converter
from .outgoing import (
    by_area,
    category_path,
    choice_weights,
    gather,
    match_categories,
    name_options,
    tags,
    weight,
)
from .textconv import to_markdown, to_plain

# Escaped characters become private-use placeholders before parsing, and come back after (as Moodle does).
_ESCAPES = {"\\:": "\ue001", "\\#": "\ue002", "\\=": "\ue003", "\\{": "\ue004", "\\}": "\ue005", "\\~": "\ue006",
            "\\n": "\ue007"}
_BACK = {"\ue001": ":", "\ue002": "#", "\ue003": "=", "\ue004": "{", "\ue005": "}", "\ue006": "~", "\ue007": "\n"}
_FORMATS = ("html", "moodle", "plain", "markdown")
_WEIGHT = re.compile(r"^%(?P<w>-?\d+(?:\.\d+)?)%")
_ID = re.compile(r"\[id:(?P<v>(?:\\]|[^\]\x00-\x1f])+)\]")
_TAG = re.compile(r"\[tag:(?P<v>(?:\\]|[^\]<>\x00-\x1f])+)\]")


def _escape_pre(text: str) -> str:
    text = text.replace("\\\\", "\ue000")
    for raw, mark in _ESCAPES.items():
        text = text.replace(raw, mark)
    return text.replace("\ue000", "\\")


def _unescape(text: str) -> str:
    for mark, char in _BACK.items():
        text = text.replace(mark, char)
    return text


def _with_format(text: str, default: str) -> tuple[str, str]:
    """`[html]<p>…` → ("html", "<p>…"); no (known) format mark → (default, text)."""
    text = text.strip()
    m = re.match(r"^\[(?P<f>[a-z]+)\]", text)
    if m and m.group("f") in _FORMATS:
        return m.group("f"), text[m.end():]
    return default, text


def _blocks(text: str) -> list[list[tuple[int, str]]]:
    """Questions are separated by blank lines; each block keeps its 1-based line numbers."""
    blocks: list[list[tuple[int, str]]] = [[]]
    for n, line in enumerate(text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n"), start=1):
        if line.strip():
            blocks[-1].append((n, line))
        elif blocks[-1]:
            blocks.append([])
    return [b for b in blocks if b]


def parse(text: str | bytes, default_area: str, *, areas=None, knowledge: str | None = None,
          name: str = "imported") -> ImportResult:
    """GIFT text (or its UTF-8 bytes) → our Markdown documents (one bank per area) and a note for every
    question that did not come in or changed on the way. `areas` (AreaItems or {id: title}) lets a
    $CATEGORY name an area by its title and flags unknown ones; questions outside any known category go
    to default_area. `knowledge` fills “知识点：” for questions that have no kp-… tag."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = text[:exc.start].count(b"\n") + 1
            raise ImportRefused(f"GIFT 文件不是 UTF-8 编码（第 {line} 行）；Moodle 也只读 UTF-8，请另存为 UTF-8 后再导入") from None
    area_map = Areas(areas, default_area)
    converter = Converter(area_map, name, knowledge)
    area = area_map.default
    for block in _blocks(text):
        comments = [line.strip()[2:] for _, line in block if line.strip().startswith("//")]
        body = [(n, line) for n, line in block if not line.strip().startswith("//")]
        if body and body[0][1].strip().startswith("$CATEGORY:"):
            n, line = body.pop(0)
            category = line.strip()[len("$CATEGORY:"):].strip()
            area, message = area_map.resolve(category)
            if message:
                converter.note(n, category, message)
        if body:
            converter.add(read_question(body, comments, area))
    return converter.finish()


def read_question(body: list[tuple[int, str]], comments: list[str], area: str) -> SourceQuestion:
    """One GIFT question (its lines without comments) → a SourceQuestion, texts converted to Markdown."""
    q = SourceQuestion(line=body[0][0], area=area)
    text = _escape_pre("\n".join(line for _, line in body).strip())
    if text.startswith("::"):
        end = text.find("::", 2)
        if end >= 0:
            q.name = _unescape(text[2:end]).strip()
            text = text[end + 2:].strip()
    joined = "\n".join(comments)
    m = _ID.search(joined)
    q.idnumber = m.group("v").replace("\\]", "]").strip() if m else ""
    q.tags = [t.group("v").replace("\\]", "]").strip() for t in _TAG.finditer(joined)]
    q.keys = next((k for k in map(read_keys, comments) if k), [])
    start, finish = text.find("{"), text.find("}")
    if start < 0 and finish < 0:
        q.kind = "description"
        q.text = to_markdown(_unescape(text), "moodle", q.notes)
        return q
    if start < 0 or finish < start:
        q.text = _unescape(text)
        q.error = "大括号不成对：答案写在 { } 里，题目文字里的花括号要写成 \\{ \\}"
        return q
    answer = text[start + 1:finish].strip()
    before, after = text[:start].strip(), text[finish + 1:].strip()
    fmt, stem = _with_format(before, "moodle")
    q.text = to_markdown(_unescape(stem + (" _____ " + after if after else "")), fmt, q.notes)
    general = answer.rfind("####")
    if general >= 0:
        gf_format, gf_text = _with_format(answer[general + 4:], fmt)
        q.general_feedback = to_markdown(_unescape(gf_text), gf_format, q.notes)
        answer = answer[:general].strip()
    _read_answers(q, answer, fmt)
    if after and q.kind in ("multichoice", "truefalse", "match"):
        q.kind = "missingword"  # the answers sit inside the sentence: a blank our choice questions cannot show
    return q


def _feedback(text: str, fmt: str, q: SourceQuestion) -> str:
    f, t = _with_format(text, fmt)
    return to_markdown(_unescape(t), f, q.notes)


def _read_answers(q: SourceQuestion, answer: str, fmt: str) -> None:
    """The type follows from the answer part, as Moodle decides it."""
    if not answer:
        q.kind = "essay"
    elif answer.startswith("#"):
        q.kind = "numerical"
    elif "~" in answer:
        q.kind = "multichoice"
        q.single = "=" in answer
        parts = answer.replace("=", "~=").split("~")
        if parts[0].strip():
            q.error = f"选项前面有多余的文字 “{_unescape(parts[0].strip())}”：每个选项以 = 或 ~ 开头"
            return
        for part in parts[1:]:
            part = part.strip()
            value = 0.0
            if part.startswith("="):
                value, part = 100.0, part[1:]
            elif m := _WEIGHT.match(part):
                value, part = float(m.group("w")), part[m.end():]
            text, _, feedback = part.partition("#")
            a_format, a_text = _with_format(text, fmt)
            q.answers.append(Answer(to_plain(_unescape(a_text), a_format, q.notes, "选项"), value,
                                    _feedback(feedback, fmt, q) if feedback.strip() else ""))
    elif "=" in answer and "->" in answer:
        q.kind = "match"
        for part in [p.strip() for p in answer.split("=") if p.strip()]:
            if "->" not in part:
                q.error = f"匹配题的 “{_unescape(part)}” 缺少 ->：每一项写成 =项目 -> 类别"
                return
            item, _, category = part.partition("->")
            i_format, i_text = _with_format(item, fmt)
            q.pairs.append((to_plain(_unescape(i_text), i_format, q.notes, "匹配项目"),
                            to_plain(_unescape(category), "plain", q.notes, "类别")))
    else:
        word = answer.split("#", 1)[0].strip() if answer.find("#") > 0 else answer
        if word not in ("T", "TRUE", "F", "FALSE"):
            q.kind = "shortanswer"
            return
        q.kind = "truefalse"
        q.truth = word in ("T", "TRUE")
        bits = answer.split("#", 2)
        wrong = _feedback(bits[1], fmt, q) if len(bits) > 1 and bits[1].strip() else ""
        right = _feedback(bits[2], fmt, q) if len(bits) > 2 and bits[2].strip() else ""
        q.true_feedback, q.false_feedback = (right, wrong) if q.truth else (wrong, right)


# ---- export -----------------------------------------------------------------------------------------

def _escape(text: str) -> str:
    """Moodle's repchar: the special characters escaped, line breaks written as \\n."""
    text = text.replace("\\", "\\\\")
    for char in "#=~{}:":
        text = text.replace(char, "\\" + char)
    return text.replace("\r", "").replace("\n", "\\n")


def export(items: Iterable[Item] | ContentSet) -> str:
    """Our questions as GIFT (what cannot be written is listed in comments at the top)."""
    return export_with_notes(items).data


def export_with_notes(items: Iterable[Item] | ContentSet) -> ExportResult:
    questions, cases, notes = gather(items)
    body: list[str] = []
    for area, group in by_area(questions).items():
        body.append(f"$CATEGORY: {category_path(area)}\n")
        for q in group:
            if q.qtype == "排序":
                notes.append(Note(q.line, q.id, "排序题在 GIFT 里没有对应的题型（请用 Moodle XML 导出）",
                                  kept=False, path=q.path, export=True))
                continue
            body.append(_question(q))
    for case in cases:
        notes.append(Note(case.line, case.id, "案例在 GIFT 里只能写成没有参考要点的论述题（请用 Moodle XML 导出案例）",
                          kept=False, path=case.path, export=True))
    head = ["// 客服管理师备考 题库导出（GIFT，Moodle 可导入）。选项编号、知识点和难度写在注释和标签里，再导入时保留。"]
    head += [f"// {note}" for note in notes]
    return ExportResult("\n".join(head) + "\n\n" + "\n".join(body), notes)


def _question(q: QuestionItem) -> str:
    meta = f"// [id:{q.id}] " + " ".join(f"[tag:{t}]" for t in tags(q))
    lines = [meta]
    explanation = _escape(name_options(q.explanation_md, q))
    head = f"::{_escape(q.id)}::[markdown]{_escape(name_options(q.stem_md, q))}"
    if q.qtype in ("单选", "多选"):
        lines.append("// " + keys_line(o["key"] for o in q.data["options"]))
        answers = []
        for o, w in zip(q.data["options"], choice_weights(q), strict=True):
            mark = "=" if q.qtype == "单选" and w > 0 else "~" if w == 0 else f"~%{weight(w)}%"
            answers.append(f"\t{mark}{_escape(o['text'])}")
        lines.append(head + "{\n" + "\n".join(answers) + f"\n\t####{explanation}\n}}")
    elif q.qtype == "判断":
        lines.append(head + "{" + ("TRUE" if q.answer else "FALSE") + f"####{explanation}}}")
    else:  # 匹配
        categories = match_categories(q)
        lines.append("// " + keys_line([i["key"] for i in q.data["items"]], [c["key"] for c in categories],
                                       [c["key"] for c in q.data["categories"]]))
        texts = {c["key"]: c["text"] for c in categories}
        pairs = [f"\t={_escape(i['text'])} -> {_escape(texts[q.answer[i['key']]])}" for i in q.data["items"]]
        used = set(q.answer.values())
        pairs += [f"\t= -> {_escape(c['text'])}" for c in categories if c["key"] not in used]
        lines.append(head + "{\n" + "\n".join(pairs) + f"\n\t####{explanation}\n}}")
    return "\n".join(lines) + "\n"
