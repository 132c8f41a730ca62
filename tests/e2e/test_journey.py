"""A candidate's first visit, on a phone: sign up, log in, browse, search, reveal key points."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from browser_helpers import PHONE, PROJECTOR, no_horizontal_scroll


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
                                  locale="zh-CN")
    page = context.new_page()
    yield page
    context.close()


def test_signup_login_browse_search_and_reveal_key_points(live_server, phone, shot):
    page = phone
    page.goto(live_server + "/")
    expect(page).to_have_title(re.compile("首页"))
    assert no_horizontal_scroll(page)
    shot(page, "phone-01-home")

    # Sign up
    page.get_by_role("link", name="注册").first.click()
    page.get_by_label("昵称").fill("小周")
    page.get_by_label("邮箱或手机号（用作登录名）").fill("zhou@example.com")
    page.get_by_label("密码", exact=True).fill("a-good-password")
    page.get_by_label("再次输入密码").fill("a-good-password-typo")
    page.get_by_role("button", name="注册").click()
    expect(page.get_by_text("两次输入的密码不一致")).to_be_visible()
    expect(page.get_by_label("昵称")).to_have_value("小周")  # nothing typed is lost
    shot(page, "phone-02-signup-error")
    page.get_by_label("密码", exact=True).fill("a-good-password")
    page.get_by_label("再次输入密码").fill("a-good-password")
    page.get_by_role("button", name="注册").click()
    expect(page.get_by_text("注册成功")).to_be_visible()

    # Log out and back in
    page.get_by_role("button", name="退出").click()
    expect(page.get_by_text("你已退出登录")).to_be_visible()
    page.get_by_role("link", name="登录").first.click()
    page.get_by_label("邮箱或手机号").fill("ZHOU@example.com")
    page.get_by_label("密码").fill("a-good-password")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_text("欢迎回来，小周")).to_be_visible()

    # Browse: area → knowledge point
    page.get_by_role("link", name=re.compile("客户服务计划")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("客户服务计划")
    assert no_horizontal_scroll(page)
    shot(page, "phone-03-area")
    page.get_by_role("link", name=re.compile("计划的概念与作用")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("计划的概念与作用")
    assert no_horizontal_scroll(page)
    shot(page, "phone-04-topic")

    # Search
    page.get_by_label("搜索学习内容").fill("投诉")
    page.get_by_label("搜索学习内容").press("Enter")
    expect(page.get_by_text(re.compile("共找到"))).to_be_visible()
    assert page.locator(".results mark").count() > 0
    assert no_horizontal_scroll(page)
    shot(page, "phone-05-search")

    # Open a case; its key points are hidden until asked for
    page.goto(live_server + "/cases/case-plan-write-service-plan")
    first_point = page.locator("#keypoints .keypoints li").first
    expect(first_point).to_be_hidden()
    shot(page, "phone-06-case-folded")
    page.get_by_text("显示参考要点").click()
    expect(first_point).to_be_visible()
    expect(page.get_by_text("收起参考要点")).to_be_visible()
    assert no_horizontal_scroll(page)
    shot(page, "phone-07-case-revealed")


def test_pages_on_a_projector(live_server, browser, shot):
    context = browser.new_context(viewport=PROJECTOR, locale="zh-CN")
    page = context.new_page()
    for path, name in [("/", "projector-home"), ("/cases/case-plan-write-service-plan", "projector-case"),
                       ("/search?q=服务", "projector-search")]:
        page.goto(live_server + path)
        assert no_horizontal_scroll(page)
        shot(page, name)
    context.close()


def test_unknown_page_is_a_chinese_404_on_the_phone(live_server, phone, shot):
    response = phone.goto(live_server + "/kp/does-not-exist")
    assert response.status == 404
    expect(phone.get_by_role("heading", name="页面不存在")).to_be_visible()
    shot(phone, "phone-08-404")
