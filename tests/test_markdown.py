"""Author Markdown never reaches the browser unsanitized."""
import re
from pathlib import Path

import pytest

from training.content.markdown import plain_text, render


@pytest.mark.parametrize("source,forbidden", [
    ("<script>alert(1)</script>正文", "<script"),
    ('<img src=x onerror="alert(1)">', "onerror"),
    ("[点我](javascript:alert(1))", "javascript:"),
    ('<a href="http://x" onclick="steal()">链接</a>', "onclick"),
    ('<iframe src="http://evil"></iframe>', "<iframe"),
    ("<style>body{display:none}</style>", "<style"),
    ('<p style="position:fixed">盖住页面</p>', "style="),
])
def test_dangerous_html_is_never_markup(source, forbidden):
    """Raw HTML comes out as text (escaped) at most: never inside a real tag."""
    html = render(source).lower()
    assert not re.search(r"<[^>]*" + re.escape(forbidden), html), html


def test_markdown_features_survive_sanitizing():
    html = render("## 小标题\n\n**重点** ==高亮==\n\n| 甲 | 乙 |\n|---|---|\n| 1 | 2 |\n\n[外链](https://example.com)")
    assert "<h4>小标题</h4>" in html  # page owns h1/h2, content headings shift down two levels
    assert "<strong>重点</strong>" in html and "<mark>高亮</mark>" in html and "<table>" in html
    assert 'rel="noopener noreferrer"' in html


def test_plain_text_keeps_inline_words_together_and_blocks_apart():
    assert plain_text(render("服务**质量**管理\n\n第二段")) == "服务质量管理 第二段"
    assert plain_text(render("- 甲\n- 乙")) == "甲 乙"
    assert plain_text(render("A &amp; B <b>")) == "A & B <b>"  # raw HTML is shown as written


@pytest.mark.parametrize("source", ["前文<details><summary>展开", "<math><style>", "<div>未闭合", "<!-- 注释"])
def test_unbalanced_raw_html_cannot_swallow_the_page(source):
    html = render(source + "\n\n**后文**")
    assert "<strong>后文</strong>" in html  # the rest of the body still renders
    assert "&lt;" in html  # the tag is shown as text, not obeyed


@pytest.mark.parametrize("source", [
    "中文“引号”—破折号…省略号",
    "服务质量 Service 100%",
    "×÷①②→≈",
    "ａｂｃ＜＞＆全角",
    "１．全角编号不是列表",
    "a  b",  # two spaces: not a plain line
    "x\u00a0y",  # a no-break space becomes &nbsp;
    " 前导空格",
    "1. 列表",
    "**粗体**",
    "选 {b} 项",
    "第一行\n第二行",
])
def test_plain_lines_render_exactly_as_markdown_does(source):
    """The shortcut for one line of plain prose gives byte for byte what Markdown + nh3 give."""
    from training.content.markdown import render_markdown

    render.cache_clear()
    assert render(source) == render_markdown(source)


def test_every_shipped_text_renders_as_markdown_does(monkeypatch):
    """Over all of content/: the shortcut and the cache change nothing in the HTML."""
    from training.content import blueprints, parse, questions
    from training.content.markdown import PLAIN_LINE, STRONG_LINE, render_markdown
    from training.content.validate import read_content

    parse.forget_parsed()  # renders are kept: start from none, so the shortcut is what is checked
    texts = []
    for module in (blueprints, parse, questions):
        monkeypatch.setattr(module, "render", lambda text: texts.append(text) or render(text))
    read_content(Path(__file__).resolve().parent.parent / "content")
    assert len(texts) > 1000
    assert sum(bool(PLAIN_LINE.fullmatch(t)) for t in texts) > len(texts) / 3  # the shortcut is the common case
    assert sum(bool(STRONG_LINE.fullmatch(t) and not PLAIN_LINE.fullmatch(t)) for t in texts) > 200  # and the other one
    assert [render(t) for t in texts] == [render_markdown(t) if t.strip() else "" for t in texts]
    # Leaving out the inline patterns a text cannot match changes nothing either.
    assert [render_markdown(t) for t in texts] == [render_markdown(t, every_pattern=True) for t in texts]


_MARKDOWN_BITS = ["服务", "质量", "a", "1", " ", "  ", "\n", "\n\n", "*", "**", "_", "__", "=", "==", "~", "~~", "# ",
                  "### ", "> ", "- ", "1. ", "| ", " |", "---", "|---|---|\n", "    ", "：", "（", "）", "'", '"', ".",
                  "2)", "+ ", "```\n", "\t", "`", "[", "](", "<", ">", "&", "amp;", "\\", "!", "http://x", "@", "\r\n"]


@pytest.mark.parametrize("every_char", [False, True])
def test_inline_patterns_left_out_are_ones_that_cannot_match(every_char):
    """render_markdown tries only the inline patterns whose characters occur in the text: on random
    Markdown (with and without the characters that make it try them all) the HTML is the same."""
    import random

    from training.content.markdown import _EVERY_PATTERN, render_markdown

    rng = random.Random(12)
    bits = _MARKDOWN_BITS if every_char else [b for b in _MARKDOWN_BITS if not _EVERY_PATTERN.search(b)]
    for _ in range(3000):
        text = "".join(rng.choice(bits) for _ in range(rng.randint(1, 40)))
        assert render_markdown(text) == render_markdown(text, every_pattern=True), repr(text)


@pytest.mark.parametrize("source", [
    "服务**质量**管理", "**重点**", "答案 **B** 正确", "a**b**c**d**", "选 {b} 项，不选 {c} 项", "80/20 法则",
    "**（要点）**与“**引号**”", "１**２**３%", "**b** **c**", "a ** b**", "**a **", "***a***", "a****b", "**a*b**",
])
def test_strong_lines_render_exactly_as_markdown_does(source):
    """The shortcut for one line with **strong** spans gives byte for byte what Markdown + nh3 give
    (the last ones are not of its shape and go through Markdown)."""
    from training.content.markdown import render_markdown

    render.cache_clear()
    assert render(source) == render_markdown(source, every_pattern=True)


def test_random_strong_lines_render_as_markdown_does():
    """Lines built of the shortcut's shape, and near misses (a stray *, space, _ or newline)."""
    import random

    from training.content.markdown import render_markdown

    rng = random.Random(5)
    chars = list("服务质，。（）“”—…aZ10%×①·→{}/：、《》Ａ１．！？；～＊＿＝｜＃＞－")

    def run():
        return " ".join("".join(rng.choice(chars) for _ in range(rng.randint(1, 4))) for _ in range(rng.randint(1, 3)))

    for _ in range(3000):
        parts = [run() + rng.choice(["", " "])] if rng.random() < 0.7 else []
        for k in range(rng.randint(1, 3)):
            if k:
                parts.append(rng.choice(["", " "]) + run() + rng.choice(["", " "]))
            parts.append(f"**{run()}**")
        if rng.random() < 0.7:
            parts.append(rng.choice(["", " "]) + run())
        text = "".join(parts)
        if rng.random() < 0.2:
            i = rng.randrange(len(text) + 1)
            text = text[:i] + rng.choice(["*", " ", "**", "_", "\n"]) + text[i:]
        render.cache_clear()
        assert render(text) == render_markdown(text, every_pattern=True), repr(text)
