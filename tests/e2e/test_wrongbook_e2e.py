"""错题本 on a phone, with a clock the test controls (time-machine moves the whole process, the live
server's thread included): answer wrongly, find it in the book, answer it right on two different days,
see it leave."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import time_machine
from browser_helpers import PHONE, no_horizontal_scroll, sign_up
from playwright.sync_api import expect

from training.config import TestConfig
from training.content.validate import read_content

DAY1 = datetime(2026, 12, 1, 2, 0, tzinfo=timezone.utc)  # 10:00 in Asia/Shanghai


def answer_current(page, bank, right: bool) -> str:
    """Answer the 判断 question on screen, rightly or wrongly; returns its id."""
    qid = page.locator('input[name="question_id"]').get_attribute("value")
    truth = next(q for q in bank.questions if q.id == qid).answer
    page.get_by_text("对" if truth is right else "错", exact=True).click()
    page.get_by_role("button", name="提交答案").click()
    expect(page.locator(".verdict")).to_contain_text("回答正确" if right else "回答错误")
    return qid


def practise_the_book(page, base):
    page.goto(base + "/practice/wrong")
    page.get_by_role("button", name=re.compile("练习全部错题")).first.click()


def test_a_question_leaves_the_wrong_book_after_right_answers_on_two_days(live_server, browser, shot):
    bank = read_content(TestConfig.CONTENT_DIR)
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="zh-CN")
    page = context.new_page()
    with time_machine.travel(DAY1, tick=True):
        sign_up(page, live_server, "wrongbook")
        page.goto(live_server + "/practice/")
        page.get_by_label("题型").select_option("判断")
        page.get_by_label("随机练习").check()
        page.get_by_role("button", name="开始练习").click()
        qid = answer_current(page, bank, right=False)

        page.goto(live_server + "/practice/wrong")
        expect(page.locator("h1")).to_contain_text("1 题")
        assert no_horizontal_scroll(page)
        shot(page, "wrongbook-01-in-the-book")

        practise_the_book(page, live_server)
        assert answer_current(page, bank, right=True) == qid
        page.goto(live_server + "/practice/wrong")
        expect(page.locator(".wrong-item")).to_contain_text("之后已在 1 天答对")  # one day is not enough

    with time_machine.travel(DAY1 + timedelta(days=1), tick=True):
        practise_the_book(page, live_server)
        assert answer_current(page, bank, right=True) == qid
        page.goto(live_server + "/practice/wrong")
        expect(page.locator("h1")).to_contain_text("0 题")
        shot(page, "wrongbook-02-left-the-book")
    context.close()
