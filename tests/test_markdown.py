"""Author Markdown never reaches the browser unsanitized."""
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
def test_dangerous_html_is_removed(source, forbidden):
    assert forbidden not in render(source).lower()


def test_markdown_features_survive_sanitizing():
    html = render("## 小标题\n\n**重点** ==高亮==\n\n| 甲 | 乙 |\n|---|---|\n| 1 | 2 |\n\n[外链](https://example.com)")
    assert "<h4>小标题</h4>" in html  # page owns h1/h2, content headings shift down two levels
    assert "<strong>重点</strong>" in html and "<mark>高亮</mark>" in html and "<table>" in html
    assert 'rel="noopener noreferrer"' in html


def test_plain_text_keeps_inline_words_together_and_blocks_apart():
    assert plain_text(render("服务**质量**管理\n\n第二段")) == "服务质量管理 第二段"
    assert plain_text(render("- 甲\n- 乙")) == "甲 乙"
    assert plain_text(render("A &amp; B <b>")) == "A & B"
