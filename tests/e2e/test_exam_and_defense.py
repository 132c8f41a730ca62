"""On a phone: a mock exam interrupted by a reload and resumed; a defense rehearsal from draw to score."""
from __future__ import annotations

import re

from browser_helpers import PHONE, no_horizontal_scroll, sign_up
from playwright.sync_api import expect


def seconds(clock: str) -> int:
    minutes, secs = clock.split(":")
    return int(minutes) * 60 + int(secs)


def phone_page(browser):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="zh-CN")
    return context, context.new_page()


def test_mock_exam_resumes_after_a_reload(live_server, browser, shot):
    context, page = phone_page(browser)
    sign_up(page, live_server, "exam")
    page.goto(live_server + "/mock/")
    page.get_by_role("button", name="开始考试").first.click()
    expect(page.locator(".clock")).to_be_visible()
    first = page.locator(".exam-item").first
    first.locator(".choice").first.click()
    expect(first.locator(".saved-flag")).to_have_text("已保存")
    shot(page, "exam-01-paper", full_page=False)
    url = page.url
    page.wait_for_timeout(3500)  # let the clock run, so a clock that restarted on reload would show more time
    before = page.locator(".clock-time").inner_text()
    page.reload()
    assert page.url == url
    first = page.locator(".exam-item").first
    assert first.locator("input:checked").count() == 1  # the answer came back from the server
    after = page.locator(".clock-time").inner_text()
    # The clock kept running rather than restarting (a second of rounding either way is allowed).
    assert seconds(after) <= seconds(before) + 1 and seconds(before) <= 90 * 60 - 3
    assert no_horizontal_scroll(page)
    # 答题卡: the first item shows as answered; marking the second shows on the sheet.
    page.locator(".exam-item").nth(1).get_by_role("button", name="标记此题").click()
    page.locator("#answer-sheet summary").click()
    expect(page.locator('[data-sheet="0"]')).to_have_class(re.compile("answered"))
    expect(page.locator('[data-sheet="1"]')).to_have_class(re.compile("marked"))
    expect(page.locator("#sheet-count")).to_have_text("1")
    shot(page, "exam-02-answer-sheet", full_page=False)
    page.locator('[data-sheet="5"]').click()  # jumps to item 6 and folds the sheet on a phone
    expect(page.locator("#answer-sheet")).not_to_have_attribute("open", "")
    asked = []

    def answer_dialog(dialog):
        asked.append(dialog.message)
        dialog.dismiss() if len(asked) == 1 else dialog.accept()
    page.on("dialog", answer_dialog)
    page.get_by_role("button", name="交卷").click()  # dismissed: still on the paper
    assert "还有 79 道题没有作答" in asked[0]
    expect(page.locator(".clock")).to_be_visible()
    page.get_by_role("button", name="交卷").click()
    expect(page.locator(".verdict")).to_contain_text("/ 100 分")
    expect(page.get_by_role("heading", name="按领域")).to_be_visible()
    shot(page, "exam-03-report", full_page=False)
    context.close()


def test_defense_rehearsal_from_draw_to_score(live_server, browser, shot):
    context, page = phone_page(browser)
    sign_up(page, live_server, "exam")
    page.goto(live_server + "/defense/")
    page.get_by_label("或者指定一道题").select_option("case-complaint-yoghurt-fly")
    page.get_by_role("button", name="开始模拟答辩").click()
    expect(page.locator(".clock-label")).to_have_text("准备时间")
    shot(page, "defense-01-prepare")
    page.get_by_role("button", name="准备好了，开始作答").click()
    expect(page.locator(".clock-label")).to_have_text("作答剩余")
    page.get_by_label("你的回答").fill("首先把顾客请到安静的接待室，安抚情绪，真诚道歉，关心孩子身体，需要的话陪同去医院。"
                                     "然后请她留下电话，改天再详细协商。第二天主动回访，说明酸奶是在小餐馆里开封后放了一段时间。"
                                     "不过道歉就等于承认是我们的责任，所以道歉要有分寸。")
    shot(page, "defense-02-answer")
    page.get_by_role("button", name="提交回答").click()
    expect(page.get_by_role("heading", name="参考要点")).to_be_visible()
    assert page.locator("input[name=covered]:checked").count() >= 2  # suggested points come pre-ticked
    # the point whose 误区 the answer repeats is not suggested, and the review says which one
    expect(page.get_by_text("正是常见误区")).to_be_visible()
    shot(page, "defense-03-review")
    page.get_by_role("button", name="确认并计分").click()
    expect(page.locator(".verdict")).to_contain_text(re.compile(r"得分 \d+ / 100"))
    expect(page.get_by_role("heading", name="考官追问")).to_be_visible()
    page.get_by_label("你的回答").fill("依法处理，先请权威机构检验，按规定赔偿，不推给厂家。")
    page.get_by_role("button", name="回答追问").click()
    expect(page.get_by_text("参考回答")).to_be_visible()
    assert no_horizontal_scroll(page)
    shot(page, "defense-04-scored")
    context.close()


def test_paper_workshop_and_paper_defense_rehearsal(live_server, browser, shot):
    """综合评审 as it is: read the 论文 workshop, then defend one's own paper before the (simulated) panel."""
    context, page = phone_page(browser)
    sign_up(page, live_server, "thesis")
    page.goto(live_server + "/defense/")
    page.get_by_role("link", name="论文写作指导").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("论文")
    assert page.locator("a[href^='/kp/']").count() >= 5  # the workshop's knowledge points
    shot(page, "thesis-01-workshop")
    page.locator("a[href^='/kp/']").first.click()
    expect(page.locator("main")).to_contain_text("论文")
    page.goto(live_server + "/defense/")
    title = "降低某电商客服中心重复来电率的实践"
    page.get_by_label("论文题目").fill(f"《{title}》")
    page.get_by_label("论文摘要（可选，准备时显示在题目旁边）").fill("本文分析了重复来电的原因，提出知识库和首问负责的改进措施。")
    page.get_by_label("提问几道题").fill("2")
    page.get_by_role("button", name="开始论文答辩").click()
    expect(page.locator(".paper-card")).to_contain_text(title)
    expect(page.locator(".prompt")).to_contain_text(f"《{title}》")  # the panel's question names the paper
    assert "{论文题目}" not in page.content()
    shot(page, "thesis-02-prepare")
    page.get_by_role("button", name="准备好了，开始作答").click()
    page.get_by_label("你的回答").fill("我的论文讲的是重复来电率太高的问题。先用数据说明：去年重复来电率是百分之二十二，"
                                     "主要原因是一线答不了、知识库过时。对策是更新知识库、给一线授权、推行首问负责制，"
                                     "半年后重复来电率降到百分之十四。论文的不足是样本只有一个中心，今后要扩大范围。")
    page.get_by_role("button", name="提交回答").click()
    expect(page.get_by_role("heading", name="参考要点")).to_be_visible()
    expect(page.locator(".answer-text mark").first).to_be_visible()  # credited words marked in the answer
    page.get_by_role("button", name="确认并计分").click()
    expect(page.locator(".verdict")).to_contain_text(re.compile(r"得分 \d+ / 100"))
    assert no_horizontal_scroll(page)
    shot(page, "thesis-03-scored")
    context.close()
