"""Per-account login throttle: plain functions, no Flask (the views apply them in a row lock).

The rule shown to users: after FREE_ATTEMPTS wrong passwords in a row the account waits
BASE_DELAY before the next try, and every further wrong password doubles the wait, up to
MAX_DELAY. A successful login clears the count. The count lives in the users row, so every
worker and every host sees the same count, with or without Redis.
"""
from __future__ import annotations

from datetime import datetime, timedelta

FREE_ATTEMPTS = 5
BASE_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(minutes=15)
RULE_TEXT = "同一账号连续 5 次密码错误后需等待 30 秒再试，之后每错一次等待时间加倍，最长 15 分钟；登录成功后清零。"


def delay_after(failures: int) -> timedelta | None:
    """How long the account waits once `failures` attempts in a row have been counted."""
    if failures < FREE_ATTEMPTS:
        return None
    return min(MAX_DELAY, BASE_DELAY * 2 ** (failures - FREE_ATTEMPTS))


def seconds_left(locked_until: datetime | None, now: datetime) -> int:
    """Whole seconds until the account may try again (0: it may try now)."""
    if locked_until is None or locked_until <= now:
        return 0
    return max(1, int((locked_until - now).total_seconds() + 0.999))


def wait_text(seconds: int) -> str:
    return f"{seconds} 秒" if seconds < 120 else f"{(seconds + 59) // 60} 分钟"
