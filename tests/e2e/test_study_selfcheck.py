"""Study pages on a phone: the question page's self-check and the chooser's area-bound knowledge points."""
from __future__ import annotations

from browser_helpers import PHONE, no_horizontal_scroll, sign_up
from playwright.sync_api import expect


def test_choosing_and_checking_on_a_study_question(live_server, browser, shot):
    from training.content.validate import read_content
    from training.config import TestConfig
    bank = read_content(TestConfig.CONTENT_DIR)
    single = next(q for q in bank.questions if q.qtype == "单选")
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server}/questions/{single.id}")
    check = page.get_by_role("button", name="核对答案")
    check.click()
    expect(page.locator("[data-verdict]")).to_have_text("先选择答案，再核对。")
    wrong = next(i for i, o in enumerate(single.data["options"]) if o["key"] != single.answer)
    page.locator(f'label.choice:has(input[value="{single.data["options"][wrong]["key"]}"])').click()
    check.click()
    expect(page.locator("[data-verdict]")).to_contain_text("不对")
    expect(page.locator(f'label.choice.is-right:has(input[value="{single.answer}"])')).to_be_visible()
    expect(page.locator("#answer")).to_have_attribute("open", "")
    assert no_horizontal_scroll(page)
    shot(page, "study-selfcheck-phone")


def test_the_chooser_offers_only_the_knowledge_points_of_the_chosen_area(live_server, browser):
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    sign_up(page, live_server, "chooser")
    page.goto(live_server + "/practice/")
    page.get_by_label("考纲领域").select_option("plan")
    offered = page.evaluate("Array.from(document.querySelectorAll('#topic option')).filter(o => !o.disabled)"
                            ".map(o => o.dataset.area || '')")
    assert offered[0] == "" and len(offered) > 1 and set(offered[1:]) == {"plan"}


def test_a_case_page_shows_each_points_misconceptions_under_its_explanation(live_server, browser, shot):
    for name, viewport in (("phone", PHONE), ("laptop", {"width": 1280, "height": 800})):
        context = browser.new_context(viewport=viewport, device_scale_factor=2 if name == "phone" else 1,
                                      is_mobile=name == "phone", has_touch=name == "phone", locale="zh-CN")
        page = context.new_page()
        page.goto(f"{live_server}/cases/case-complaint-yoghurt-fly")
        page.get_by_text("显示参考要点").click()
        first = page.locator(".keypoints > li").first
        expect(first.locator(".misconceptions")).to_be_visible()
        expect(first.locator(".misconceptions li").first).to_contain_text("当场")  # the sentence, not the fragments
        expect(first.locator(".misconceptions li").first).not_to_contain_text("…")
        assert no_horizontal_scroll(page)
        shot(page, f"study-case-misconceptions-{name}")
        context.close()
