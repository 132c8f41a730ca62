"""Foreign text (Moodle's html / moodle / plain / markdown formats) → our Markdown, conservatively.

Raw HTML never passes through: tags become the Markdown they mean (paragraphs, lists, bold) or are
dropped with a note, and any `<` left in Markdown text is written as an entity. What cannot be shown
(images, attached files, scripts) is named in a note, never lost silently.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser

_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]~={}|])")
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>|<!--")
_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")


def escape_inline(text: str) -> str:
    """Plain text → Markdown that shows exactly that text (line-start syntax is guard_lines' job)."""
    text = _INLINE_SPECIAL.sub(r"\\\1", text)
    return text.replace("&", "&amp;").replace("<", "&lt;")


# A paragraph of plain text that starts like Markdown block syntax (a list, a heading, a quote).
_BLOCK_START = re.compile(r"^(?:#{1,6}(?:\s|$)|>|[+\-*](?:\s|$)|\d+\s*[.、)）])")


def entity_first(line: str) -> str:
    """Write a line's first visible character as an HTML entity: shown the same, never read as syntax."""
    stripped = line.lstrip()
    if not stripped:
        return line
    return line[:len(line) - len(stripped)] + f"&#{ord(stripped[0])};" + stripped[1:]


def plain_paragraph(text: str) -> str:
    return entity_first(text) if _BLOCK_START.match(text) else text


def plain_to_markdown(text: str) -> str:
    """Plain text: every line shown as written, each line its own paragraph (Markdown would join them)."""
    lines = [plain_paragraph(escape_inline(line.strip())) for line in text.replace("\r\n", "\n").split("\n")]
    return "\n\n".join(line for line in lines if line)


def markdown_to_markdown(text: str, notes: list[str]) -> str:
    """Markdown from outside: kept, except that raw HTML tags are shown as text instead of passing through."""
    text = text.replace("\r\n", "\n").strip()
    if _TAG.search(text):
        notes.append("Markdown 里的 HTML 标签按文字原样显示（本站不接受直接写 HTML）")
        text = text.replace("<", "&lt;")
    return text


def to_markdown(text: str, fmt: str, notes: list[str]) -> str:
    """Convert text in a Moodle format (html, moodle / moodle_auto_format, plain / plain_text, markdown)."""
    fmt = (fmt or "moodle").lower()
    if fmt == "markdown":
        return markdown_to_markdown(text, notes)
    if fmt in ("plain", "plain_text"):
        return plain_to_markdown(text)
    if fmt == "html" or _looks_like_html(text):
        return html_to_markdown(text, notes)
    return plain_to_markdown(text)


def _looks_like_html(text: str) -> bool:
    """Moodle's auto-format is HTML whenever the text holds tags or entities, plain text otherwise."""
    return bool(_TAG.search(text) or _ENTITY.search(text))


def to_plain(text: str, fmt: str, notes: list[str], what: str) -> str:
    """An option, step, match item or category: one line of plain text (pages show it as text, not Markdown)."""
    fmt = (fmt or "moodle").lower()
    text = text.replace("\r\n", "\n").strip()
    if fmt not in ("markdown", "plain", "plain_text") and (fmt == "html" or _looks_like_html(text)):
        text = html_to_markdown(text, notes, plain=True)
    if "\n" in text:
        notes.append(f"{what}原有多行，已合并成一行")
        text = re.sub(r"\s*\n\s*", " ", text)
    if _TAG.search(text):
        # shown as text anyway, but the checker refuses anything that looks like a tag in a content file
        notes.append(f"{what}里像 HTML 标签的尖括号已改成全角 ＜")
        text = text.replace("<", "＜")
    return text.strip()


_BLOCK = {"p", "div", "section", "article", "header", "footer", "blockquote", "pre", "table", "tr", "hr",
          "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl", "dt", "dd", "figure", "figcaption", "center"}
_SKIP = {"script", "style", "head", "title", "iframe", "object", "embed", "svg", "math", "audio", "video",
         "template", "noscript", "canvas", "form", "select", "textarea", "button"}
_MARK = {"strong": "**", "b": "**", "em": "*", "i": "*", "del": "~~", "s": "~~", "strike": "~~"}


class _HtmlToMarkdown(HTMLParser):
    """HTML → Markdown blocks; with plain=True, → plain text (no escapes, no emphasis markers)."""

    def __init__(self, plain: bool = False) -> None:
        super().__init__(convert_charrefs=True)
        self.plain = plain
        self.escape = (lambda t: t) if plain else escape_inline
        self.blocks: list[tuple[str, str]] = []  # (kind "p" | "li<list serial>", Markdown)
        self.inline: list[str] = []
        self.lists: list[list] = []  # [tag, next number, serial]
        self.serial = 0
        self.skipping = 0
        self.marks: list[tuple[str, int]] = []  # (marker, position in inline where it opened)
        self.link: tuple[str, int] | None = None
        self.in_pre = 0
        self.item_prefix = ""
        self.notes: set[str] = set()

    def flush(self) -> None:
        text = re.sub(r"[ \t]+", " ", "".join(self.inline)).strip()
        if text:
            if not self.item_prefix and not self.plain:
                text = plain_paragraph(text)
            kind = f"li{self.lists[-1][2] if self.lists else 0}" if self.item_prefix else "p"
            self.blocks.append((kind, self.item_prefix + text))
        self.inline, self.marks, self.item_prefix = [], [], ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skipping += 1
            if tag in ("audio", "video", "iframe", "object", "embed", "svg", "canvas"):
                self.notes.add("音频、视频和嵌入内容没有导入")
            elif tag in ("script", "style"):
                self.notes.add("脚本和样式已去掉")
            return
        if self.skipping:
            return
        attr = {k: v or "" for k, v in attrs}
        if tag in _BLOCK or tag == "br":
            self.flush()
            if tag == "pre":
                self.in_pre += 1
            if tag in ("ul", "ol"):
                self.serial += 1
                self.lists.append([tag, int(attr["start"]) if attr.get("start", "").isdigit() else 1, self.serial])
            if tag == "table":
                self.notes.add("表格按行改成了文字")
        elif tag == "li":
            self.flush()
            kind = self.lists[-1] if self.lists else ["ul", 1]
            if kind[0] == "ol":
                self.item_prefix = f"{kind[1]}. "
                kind[1] += 1
            else:
                self.item_prefix = "- "
        elif tag in ("td", "th"):
            if self.inline and "".join(self.inline).strip():
                self.inline.append(" | ")
        elif tag in _MARK and not self.plain:
            self.marks.append((_MARK[tag], len(self.inline)))
            self.inline.append(_MARK[tag])
        elif tag == "code" and not self.plain:
            self.inline.append("`")
        elif tag == "a" and not self.plain:
            self.link = (attr.get("href", ""), len(self.inline))
        elif tag == "img":
            alt = attr.get("alt", "").strip()
            self.inline.append(self.escape(f"[图片：{alt}]" if alt else "[图片]"))
            self.notes.add("图片没有导入，原位置写了“[图片]”")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skipping = max(0, self.skipping - 1)
            return
        if self.skipping:
            return
        if tag in _BLOCK or tag == "li":
            self.flush()
            if tag == "pre":
                self.in_pre = max(0, self.in_pre - 1)
            if tag in ("ul", "ol") and self.lists:
                self.lists.pop()
        elif tag in _MARK and not self.plain and self.marks and self.marks[-1][0] == _MARK[tag]:
            marker, start = self.marks.pop()
            inner = "".join(self.inline[start + 1:])
            if not inner.strip():
                del self.inline[start]  # an empty <b></b> must not leave "****"
            else:
                # ** beside a blank does not render: keep the blanks outside the markers
                self.inline[start + 1:] = [inner.strip()]
                self.inline.insert(start, " " if inner[:1].isspace() else "")
                self.inline.append(marker + (" " if inner[-1:].isspace() else ""))
        elif tag == "code" and not self.plain:
            self.inline.append("`")
        elif tag == "a" and self.link is not None:
            href, start = self.link
            self.link = None
            label = "".join(self.inline[start:]).strip()
            if re.match(r"^(?:https?://|mailto:)[^\s()<>]+$", href) and label:
                self.inline[start:] = [f"[{label}]({href})"]

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        if self.in_pre:
            for i, part in enumerate(data.split("\n")):
                if i:
                    self.flush()
                self.inline.append(self.escape(part))
            return
        self.inline.append(self.escape(re.sub(r"\s+", " ", data)))

    def result(self) -> str:
        self.flush()
        out: list[str] = []
        for i, (kind, text) in enumerate(self.blocks):
            if i:
                # items of one list stay together; anything else is a paragraph of its own
                out.append("\n" if kind != "p" and self.blocks[i - 1][0] == kind else "\n\n")
            out.append(text)
        return "".join(out)


def html_to_markdown(html_text: str, notes: list[str], plain: bool = False) -> str:
    """HTML → Markdown: paragraphs, line breaks, lists, bold/italic, links; everything else as text.
    With plain=True, → plain text (for options, which pages show as text)."""
    parser = _HtmlToMarkdown(plain)
    parser.feed(html_text)
    parser.close()
    text = parser.result()
    for note in sorted(parser.notes):
        if note not in notes:
            notes.append(note)
    return text
