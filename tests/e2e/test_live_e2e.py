"""课堂互动 in real browsers: one projector (1920×1080) and three phones (360×740, separate contexts)
play a two-question session end to end; one phone reloads in the middle and stays the same player."""
from __future__ import annotations

import sys

from playwright.sync_api import expect

from browser_helpers import PROJECTOR, no_horizontal_scroll, sign_up

PHONE = {"width": 360, "height": 740}


def live_app():
    """The e2e server's app (tests/e2e/conftest.py keeps it), to make the clock quicker and read answers."""
    module = next(m for name, m in sys.modules.items() if name.endswith("conftest") and hasattr(m, "_LIVE"))
    return module._LIVE["app"]


def questions_of(code: str):
    from training.extensions import db
    from training.models import ItemVersion, LiveSession
    with live_app().app_context():
        live = db.session.execute(db.select(LiveSession).where(LiveSession.code == code)).scalar_one()
        out = []
        for slot, vid in enumerate(live.version_ids):
            q = db.session.get(ItemVersion, vid).question
            wrong = next(o.key for o in q.options if o.key != q.answer)
            out.append((q.answer, wrong))
        return live.id, out


def stored_answers(session_id: int) -> int:
    from training.extensions import db
    from training.models import Response
    with live_app().app_context():
        return db.session.execute(db.select(db.func.count()).select_from(Response)
                                  .where(Response.live_session_id == session_id)).scalar_one()


def test_projector_and_three_phones_play_two_questions(live_server, browser, shot, set_role):
    app = live_app()
    app.config.update(LIVE_LEAD_SECONDS=1, LIVE_POLL_MS=500)
    teacher_ctx = browser.new_context(viewport=PROJECTOR, locale="zh-CN")
    projector = teacher_ctx.new_page()
    name = sign_up(projector, live_server, "liveteacher")
    set_role(name, "instructor")
    projector.goto(live_server + "/live/")
    projector.get_by_label("课堂名称").fill("周三晚课 · 服务计划")
    projector.get_by_label("考纲领域").select_option("plan")
    projector.get_by_label("题型").select_option("单选")
    projector.get_by_label("题数").fill("2")
    projector.get_by_text("按题库顺序").check()
    projector.get_by_role("button", name="创建课堂并打开大屏").click()
    expect(projector.locator(".host-count")).to_contain_text("0 人已加入")
    code = projector.locator(".host-code-small").inner_text().strip()
    session_id, answers = questions_of(code)

    phones = []
    for i, nick in enumerate(["小王", "小李", "小张"]):
        ctx = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
        page = ctx.new_page()
        page.goto(live_server + "/play/")
        page.get_by_label("课堂码").fill(code)
        page.get_by_label("昵称").fill(nick)
        if i == 0:
            shot(page, "live-02-phone-join")
        page.get_by_role("button", name="加入").click()
        expect(page.get_by_text("你已加入")).to_be_visible()
        assert no_horizontal_scroll(page)
        phones.append(page)
    expect(projector.locator(".host-count")).to_contain_text("3 人已加入")
    expect(projector.locator(".host-names li")).to_have_count(3)
    shot(projector, "live-01-projector-lobby", full_page=False)

    def play(slot: int, choices: list[str]) -> None:
        for page, key in zip(phones, choices):
            button = page.locator(f'.phone-option[data-key="{key}"]')
            expect(button).to_be_enabled(timeout=10000)
            if slot == 0 and page is phones[0]:
                shot(page, "live-04-phone-question")
                assert no_horizontal_scroll(page)
            button.click()
            expect(page.get_by_text("已提交")).to_be_visible()

    projector.get_by_role("button", name="开始答题").click()
    expect(projector.locator(".host-options .opt").first).to_be_visible()
    shot(projector, "live-03-projector-question", full_page=False)
    right, wrong = answers[0]
    play(0, [right, wrong, right])
    # everyone answered: the projector reveals by itself
    expect(projector.get_by_text("✓ 正确答案")).to_be_visible(timeout=10000)
    expect(projector.locator(".host-rate")).to_contain_text("3 人作答，2 人答对")
    shot(projector, "live-05-projector-reveal", full_page=False)
    expect(phones[0].locator("[data-verdict]")).to_contain_text("答对了")
    expect(phones[1].locator("[data-verdict]")).to_contain_text("答错了")
    expect(phones[1].locator("[data-rank]")).to_contain_text("第 3 名")
    shot(phones[1], "live-06-phone-result")

    phones[2].reload()  # refresh mid-session: the same player, not a new one
    expect(phones[2].locator("[data-me]")).to_have_text("小张")
    expect(phones[2].locator("[data-verdict]")).to_contain_text("答对了")

    projector.get_by_role("button", name="下一题").click()
    right, wrong = answers[1]
    play(1, [right, right, wrong])
    expect(projector.get_by_text("✓ 正确答案")).to_be_visible(timeout=10000)
    projector.get_by_role("button", name="查看最终排名").click()
    expect(projector.locator(".host-final-title")).to_have_text("最终排名")
    expect(projector.locator(".podium li")).to_have_count(3)
    shot(projector, "live-07-projector-final", full_page=False)
    expect(phones[0].get_by_text("课堂结束")).to_be_visible(timeout=10000)
    expect(phones[0].locator("[data-final-rank]")).to_contain_text("你是第 1 名")
    shot(phones[0], "live-08-phone-final")
    assert stored_answers(session_id) == 6

    projector.get_by_role("link", name="查看结果与下载").click()
    expect(projector.get_by_role("heading", name="逐题统计")).to_be_visible()
    expect(projector.locator("table").first).to_contain_text("67%")
    shot(projector, "live-09-results", full_page=False)
    for page in phones:
        page.context.close()
    teacher_ctx.close()
