"""Chinese punctuation: find and fix half-width marks written next to Chinese text.

Authors (and copies from the web) often type "服务,质量:" where Chinese typography
wants "服务，质量：". Only marks touching a Chinese character change; numbers such
as 1,000 or 80/20, Markdown syntax, inline code and URLs are left alone.
"""
from __future__ import annotations

import re

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_PUNCT = "\u3000-\u303f\uff00-\uffef“”‘’…—"
_NEAR = f"[{CJK}{CJK_PUNCT}]"
# A mark is "Chinese" when the character before it is Chinese (or Chinese punctuation),
# or, for , : ; when the character after it is Chinese.
_AFTER_CJK = re.compile(rf"(?<={_NEAR})([,:;?!])(?!\[)[ \t]*")
_BEFORE_CJK = re.compile(rf"([,;:])[ \t]*(?=[{CJK}])")
_PARENS = re.compile(rf"(?<!\])[ \t]?\(([^()\n]*[{CJK}][^()\n]*)\)[ \t]?")
_HALF_MARK = re.compile(r"[,:;?!(]")  # a line without any of these has nothing to fix
_CODE = re.compile(r"`[^`\n]*`|https?://\S+")
_SHOWN_FIELD = re.compile(r"^((?:title|summary):\s*)(.*)$")
FULL = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！"}


def _fix_plain(text: str) -> str:
    # Full-width marks carry their own spacing: drop the blanks typed around them.
    text = _PARENS.sub(r"（\1）", text)
    text = _AFTER_CJK.sub(lambda m: FULL[m.group(1)], text)
    return _BEFORE_CJK.sub(lambda m: FULL[m.group(1)], text)


def fix_line(line: str) -> str:
    """Full-width punctuation around Chinese text, outside `code` and URLs."""
    if not _HALF_MARK.search(line):
        return line
    out, last = [], 0
    for m in _CODE.finditer(line):
        out.append(_fix_plain(line[last:m.start()]))
        out.append(m.group())
        last = m.end()
    out.append(_fix_plain(line[last:]))
    return "".join(out)


def fix_body(text: str) -> str:
    """Fix every body line of a content file, and the title and summary in its front matter;
    other front-matter fields and fenced code stay as written."""
    lines = text.split("\n")
    in_front = bool(lines) and lines[0].strip() == "---"
    in_fence = False
    for i, line in enumerate(lines):
        if in_front:
            if i > 0 and line.strip() in ("---", "..."):
                in_front = False
            m = _SHOWN_FIELD.match(line)
            if m:  # titles and summaries are shown to readers; keys and ids are syntax
                lines[i] = m.group(1) + fix_line(m.group(2))
            continue
        if line.lstrip().startswith("```"):
            in_fence = not in_fence
            continue
        if not in_fence:
            lines[i] = fix_line(line)
    return "\n".join(lines)


def half_width_lines(text: str) -> list[int]:
    """1-based numbers of the lines fix_body would change."""
    fixed = fix_body(text).split("\n")
    return [i + 1 for i, (a, b) in enumerate(zip(text.split("\n"), fixed, strict=True)) if a != b]
