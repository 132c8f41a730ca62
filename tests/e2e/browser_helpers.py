"""Viewports, page checks and a sign-up step shared by the browser tests."""
import itertools

from playwright.sync_api import expect

_serial = itertools.count(1)
PHONE = {"width": 390, "height": 844}
PROJECTOR = {"width": 1920, "height": 1080}


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def sign_up(page, base: str, prefix: str = "user") -> str:
    """Create a fresh candidate account through the real form and stay logged in; returns the login name."""
    n = next(_serial)
    page.goto(base + "/auth/signup")
    page.get_by_label("昵称").fill(f"{prefix}{n}")
    page.get_by_label("邮箱或手机号（用作登录名）").fill(f"{prefix}{n}@example.com")
    page.get_by_label("密码", exact=True).fill("a-long-password-1")
    page.get_by_label("再次输入密码").fill("a-long-password-1")
    page.get_by_role("button", name="注册").click()
    expect(page.get_by_text("注册成功")).to_be_visible()
    return f"{prefix}{n}@example.com"
