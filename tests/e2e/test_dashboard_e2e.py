"""学习进度 in a browser: a candidate answers a few questions on a phone, then opens the progress page;
the charts render as SVG bars, readable at 360 px, and the page also holds on a laptop."""
from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from browser_helpers import no_horizontal_scroll, sign_up

PHONE_360 = {"width": 360, "height": 740}
LAPTOP = {"width": 1280, "height": 800}
SHOTS = Path("/tmp/dash-shots")


def answer_some(page, base: str, n: int) -> None:
    page.goto(base + "/practice/")
    page.get_by_label("题型").select_option("单选")
    page.get_by_label("随机练习").check()
    page.get_by_role("button", name="开始练习").click()
    for _ in range(n):
        page.locator(".choice").first.click()
        page.get_by_role("button", name="提交答案").click()
        expect(page.locator(".verdict")).to_be_visible()
        page.locator(".next-row .btn.primary").click()


def drawn_bars(page, section: str) -> int:
    """Bars of a section's charts drawn with some area (a 0 % bar has none)."""
    return page.evaluate("""(section) => [...document.querySelectorAll(`#${section} svg rect.rect`)]
        .filter(r => { const b = r.getBoundingClientRect(); return b.width > 0.5 && b.height > 0.5; }).length""", section)


def area_bars(page) -> int:
    """Bars of the area chart, drawn or at 0 % (the answers are random: every one may be wrong)."""
    return page.locator("#areas svg rect.rect").count()


def smallest_chart_text(page) -> float:
    """The smallest on-screen height (CSS px) of the area chart's labels and values."""
    return page.evaluate("""() => Math.min(...[...document.querySelectorAll('#areas svg text')]
        .filter(t => t.textContent.trim()).map(t => t.getBoundingClientRect().height))""")


def test_progress_page_on_a_phone_and_a_laptop(live_server, browser):
    SHOTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport=PHONE_360, device_scale_factor=2, is_mobile=True, has_touch=True,
                                  locale="zh-CN")
    page = context.new_page()
    sign_up(page, live_server, "progress")
    page.goto(live_server + "/progress/")
    expect(page.get_by_text("你还没有作答记录")).to_be_visible()  # the honest empty state first

    answer_some(page, live_server, 4)
    page.goto(live_server + "/")
    page.get_by_role("link", name="学习进度").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("学习进度")
    chart = page.locator("#areas svg")
    expect(chart).to_be_visible()
    assert area_bars(page) >= 2 * 10  # 正确率 and 掌握度 for every area with questions
    expect(chart.get_by_text("未练").first).to_be_attached()  # areas not practised say so
    assert page.locator("#days svg").count() == 2
    assert drawn_bars(page, "days") >= 1  # today's answers
    expect(page.locator(".heat-cell.l1").first).to_be_visible()  # today in the calendar
    expect(page.locator(".stat-tiles strong").first).to_have_text("1")  # a streak of one day
    assert chart.bounding_box()["width"] <= PHONE_360["width"]
    assert smallest_chart_text(page) >= 11  # legible without zooming
    assert no_horizontal_scroll(page)
    page.screenshot(path=str(SHOTS / "progress-phone.png"), full_page=True)
    for section in ("readiness", "areas", "days", "calendar"):  # close-ups, to look at the charts themselves
        page.locator(f"#{section}").screenshot(path=str(SHOTS / f"progress-phone-{section}.png"))
    signed_in = context.storage_state()
    context.close()

    context = browser.new_context(viewport=LAPTOP, locale="zh-CN", storage_state=signed_in)
    page = context.new_page()
    page.goto(live_server + "/progress/")
    expect(page.locator("#areas svg")).to_be_visible()
    assert area_bars(page) >= 2 * 10 and drawn_bars(page, "days") >= 1
    assert no_horizontal_scroll(page)
    assert smallest_chart_text(page) >= 11
    page.screenshot(path=str(SHOTS / "progress-laptop.png"), full_page=True)
    context.close()
