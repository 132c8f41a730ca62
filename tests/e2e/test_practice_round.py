"""A full practice round on a phone: one question of each of the five types, answered by tapping."""
from __future__ import annotations

import re

from browser_helpers import PHONE, no_horizontal_scroll, sign_up
from playwright.sync_api import expect


def start(page, base, qtype):
    page.goto(base + "/practice/")
    page.get_by_label("题型").select_option(qtype)
    page.get_by_label("随机练习").check()
    page.get_by_role("button", name="开始练习").click()
    expect(page.locator(".question .tag").first).to_have_text(qtype)


def test_practice_round_of_all_five_types(live_server, browser, shot):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="zh-CN")
    page = context.new_page()
    sign_up(page, live_server, "practice")

    start(page, live_server, "单选")
    page.locator(".choice").first.click()
    shot(page, "practice-01-single")
    page.get_by_role("button", name="提交答案").click()
    expect(page.locator(".verdict")).to_contain_text(re.compile("回答正确|回答错误"))
    expect(page.get_by_role("heading", name="解析")).to_be_visible()
    assert no_horizontal_scroll(page)
    shot(page, "practice-02-single-feedback")

    start(page, live_server, "多选")
    page.locator(".choice").nth(0).click()
    page.locator(".choice").nth(1).click()
    page.get_by_role("button", name="提交答案").click()
    expect(page.locator(".verdict")).to_be_visible()

    start(page, live_server, "判断")
    page.get_by_text("错", exact=True).click()
    page.get_by_role("button", name="提交答案").click()
    expect(page.locator(".verdict")).to_be_visible()

    start(page, live_server, "排序")
    steps = page.locator(".sortable .step")
    before = steps.all_inner_texts()
    steps.nth(1).get_by_role("button", name="上移").click()   # the tap alternative to dragging
    after = page.locator(".sortable .step").all_inner_texts()
    assert after[0] == before[1] and after[1] == before[0]
    assert no_horizontal_scroll(page)
    shot(page, "practice-03-order")
    page.get_by_role("button", name="提交答案").click()
    expect(page.locator(".verdict")).to_be_visible()
    shot(page, "practice-04-order-feedback")

    start(page, live_server, "匹配")
    for select in page.locator(".matching select").all():
        select.select_option(index=1)
    shot(page, "practice-05-match")
    page.get_by_role("button", name="提交答案").click()
    expect(page.locator(".verdict")).to_be_visible()
    assert no_horizontal_scroll(page)
    shot(page, "practice-06-match-feedback")
    context.close()


def test_missing_answer_is_explained_on_the_page(live_server, browser):
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    sign_up(page, live_server, "practice")
    start(page, live_server, "单选")
    page.get_by_role("button", name="提交答案").click()
    expect(page.get_by_role("alert")).to_have_text("请先选择一个选项")
    context.close()
