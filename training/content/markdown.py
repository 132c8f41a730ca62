"""Markdown → sanitized HTML, and HTML → plain text for search."""
from __future__ import annotations

import html
import re
import threading
from functools import lru_cache

import markdown as md
import nh3

EXTENSIONS = ["tables", "fenced_code", "sane_lists", "pymdownx.tilde", "pymdownx.mark"]
ALLOWED_TAGS = {
    "p", "br", "hr", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "u", "s", "del", "ins",
    "mark", "sub", "sup", "code", "pre", "blockquote", "ul", "ol", "li", "dl", "dt", "dd",
    "table", "thead", "tbody", "tr", "th", "td", "a", "span", "abbr",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"align"}, "td": {"align"}, "ol": {"start"}}
_local = threading.local()
_SPACE = re.compile(r"\s+")
# Only block boundaries become spaces: inline tags sit inside Chinese words ("服务<b>质量</b>").
# A lookahead, so the space goes in by a literal replacement (a template like " \g<0>" is expanded
# in Python for every tag).
_BLOCK_TAG = re.compile(r"(?=</?(?:p|li|h[1-6]|tr|td|th|br|hr|blockquote|pre|dd|dt|table|ul|ol)\b)")


def _converter() -> md.Markdown:
    conv = getattr(_local, "conv", None)
    if conv is None:
        conv = _local.conv = md.Markdown(extensions=EXTENSIONS, output_format="html")
        # Raw HTML is shown as text, never passed through: an unclosed <details> or <style> in one
        # body must not swallow the rest of the page (the checker also refuses it, with file:line).
        conv.preprocessors.deregister("html_block")
        conv.inlinePatterns.deregister("html")
    return conv


def _cleaner(kind: str) -> nh3.Cleaner:
    """The sanitizer for rendered HTML ("html") or for HTML → text ("text"), one per thread: nh3.clean
    builds a new one on every call, which took most of its time on short texts."""
    cleaners = getattr(_local, "cleaners", None)
    if cleaners is None:
        cleaners = _local.cleaners = {
            "html": nh3.Cleaner(tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                                url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer"),
            "text": nh3.Cleaner(tags=set()),
        }
    return cleaners[kind]


# One line of prose whose every character means nothing to Markdown or HTML: Chinese, CJK and
# full-width punctuation, curly quotes and dashes, letters, digits, %, single spaces. Most stems,
# options and 解析 are such a line, and for them Markdown + nh3 give exactly <p>line</p>
# (tests/test_markdown.py checks this against the full path for every text in content/).
_PLAIN_CHARS = "\u4e00-\u9fff\u3001-\u303f\uff01-\uff5e\u2010-\u2027\u2030-\u205e\u2460-\u24ff\u00d7\u00f7A-Za-z0-9%"
PLAIN_LINE = re.compile(f"[{_PLAIN_CHARS}]+(?: [{_PLAIN_CHARS}]+)*")
# One line of such words (plus {key} references and /) with **strong** spans between them: most other
# one-line texts. Markdown + nh3 give <p>…</p> with each span as <strong>…</strong>; a span must
# not start or end with a space, and two spans need a word between them (tests/test_markdown.py
# checks this shape against the full path on every shipped text and on random lines).
_WORD = f"[{_PLAIN_CHARS}{{}}/]+"
_RUN = f"{_WORD}(?: {_WORD})*"
STRONG_LINE = re.compile(f"{_RUN}|(?:{_RUN} ?)?\\*\\*{_RUN}\\*\\*(?: ?{_RUN} ?\\*\\*{_RUN}\\*\\*)*(?: ?{_RUN})?")
_STRONG = re.compile(r"\*\*(.+?)\*\*")
# Enough for the texts of a 10 000-question import (stem + 解析 each), so the confirmation after
# a preview, or a reload of unchanged files, does not render them again.
CACHE_SIZE = 32_768


@lru_cache(maxsize=CACHE_SIZE)
def render(text: str) -> str:
    """Render author Markdown to HTML that is safe to put in a page as-is.

    Raw HTML in the source is not markup: it is escaped and shown as written. nh3 then
    keeps only the tags above and drops event handlers and javascript: links. Headings start at h3
    because the page around the content owns h1 and h2. The same text always gives the same HTML,
    so results are kept by text.
    """
    if not text.strip():
        return ""
    if PLAIN_LINE.fullmatch(text):
        return f"<p>{text}</p>"
    if STRONG_LINE.fullmatch(text):
        return "<p>" + _STRONG.sub(r"<strong>\1</strong>", text) + "</p>"
    return render_markdown(text)


# Inline patterns and the characters their regex cannot match without. Python-Markdown tries every
# inline pattern on every text node, and that loop was about half of a content load; a pattern whose
# characters appear nowhere in the text can match no text node, so leaving it out changes nothing.
# Patterns are known by their regex (a new or changed one is always tried); None is the line break,
# "  \n". Texts with any character of _EVERY_PATTERN take them all: those patterns make new text
# (links, entities, escapes, code) or are rewritten before the inline stage (tabs, \r, STX/ETX).
_PATTERN_NEEDS = {
    r"(?:(?<!\\)((?:\\{2})+)(?=`+)|(?<!\\)`)": "`",
    r"\\(.)": "\\",
    r"(?<!\!)\[": "[",
    r"\!\[": "[",
    r"<([A-Za-z][A-Za-z0-9+.-]*://[^<>]*)>": "<",
    r"<([^<> !]+@[^@<> ]+)>": "<",
    r"(&(?:\#[0-9]+|\#x[0-9a-fA-F]+|[a-zA-Z0-9]+);)": "&",
    r"  \n": None,
    r"\*|_": "*_",
    r"\~|=": "~=",
}
_EVERY_PATTERN = re.compile(r"[`\\\[<&\t\r\x02\x03]")


def _inline_patterns(conv: md.Markdown, text: str) -> tuple:
    """The inline patterns of conv, in order, that can match somewhere in text."""
    every = conv.__dict__.get("_every_pattern")
    if every is None:
        every = conv._every_pattern = tuple(conv.inlinePatterns)
        conv._pattern_subsets = {}
    if _EVERY_PATTERN.search(text):
        return every
    needed = frozenset(c for c in "*_~=" if c in text) | ({None} if " \n" in text or text.endswith(" ") else set())
    subset = conv._pattern_subsets.get(needed)
    if subset is None:
        subset = conv._pattern_subsets[needed] = tuple(
            p for p in every
            if (need := _PATTERN_NEEDS.get(p.compiled_re.pattern, "")) == ""  # unknown: always tried
            or (None in needed if need is None else any(c in needed for c in need)))
    return subset


def render_markdown(text: str, every_pattern: bool = False) -> str:
    """render() without the cache and the plain-line shortcut: always through Markdown and nh3.

    every_pattern: try every inline pattern on every text node, as Markdown does (tests compare)."""
    conv = _converter()
    conv.reset()
    inline = conv.treeprocessors["inline"]
    inline.inlinePatterns = conv.inlinePatterns if every_pattern else _inline_patterns(conv, text)
    raw = conv.convert(text)
    raw = re.sub(r"<(/?)h([12])\b", lambda m: f"<{m.group(1)}h{int(m.group(2)) + 2}", raw)
    return _cleaner("html").clean(raw)


@lru_cache(maxsize=CACHE_SIZE)
def plain_text(safe_html: str) -> str:
    """The visible text of rendered HTML, whitespace folded, for search and snippets."""
    if safe_html.startswith("<p>") and safe_html.endswith("</p>") and PLAIN_LINE.fullmatch(safe_html[3:-4]):
        return safe_html[3:-4]  # what render() made of a plain line
    spaced = _BLOCK_TAG.sub(" ", safe_html)  # keep words of adjacent blocks apart
    text = _cleaner("text").clean(spaced)
    return _SPACE.sub(" ", html.unescape(text)).strip()


# A raw HTML tag or comment as an author would type it; autolinks (<https://…>) are Markdown, not HTML.
_RAW_HTML = re.compile(r"<!--|<\/?([A-Za-z][A-Za-z0-9-]*)(?:\s[^<>]*)?\/?>")
_INLINE_CODE = re.compile(r"`+[^`]*`+")


def raw_html_lines(text: str) -> list[tuple[int, str]]:
    """(line number, tag) for every raw HTML tag outside code; Markdown covers what authors need."""
    if "<" not in text:  # the common case: nothing that could be a tag
        return []
    found, in_fence = [], False
    for n, line in enumerate(text.split("\n"), start=1):
        if line.lstrip().startswith("```"):
            in_fence = not in_fence
            continue
        if in_fence or "<" not in line:
            continue
        m = _RAW_HTML.search(_INLINE_CODE.sub("", line))
        if m:
            found.append((n, m.group(0)[:40]))
    return found
