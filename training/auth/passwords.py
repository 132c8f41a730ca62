"""Password strength, judged by zxcvbn (Dropbox's estimator) with the user's own details as
known words; plain functions, no Flask.

MIN_SCORE = 2 (zxcvbn: "somewhat guessable", about 10^8 guesses). Online guessing is capped by
the per-account throttle (a handful of tries, then doubling waits) and the per-address limit, so
score 2 is far beyond what an online attacker can try; offline, the hashes are scrypt. Score 3
would refuse many passphrases Chinese users actually remember (pinyin plus digits) for little gain.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from zxcvbn import zxcvbn

MIN_SCORE = 2
MIN_LENGTH, MAX_LENGTH = 8, 128
JUDGED_CHARS = 64  # zxcvbn's cost grows fast with length; 64 characters decide the score anyway
RULE_TEXT = ("密码 8–128 位，不能是常见密码、键盘顺序、重复字符，也不能包含你的登录名或昵称；"
             "由系统按 zxcvbn 强度评估，需达到“中等”及以上。几个不相关的词加数字最好记也最安全。")
SCORE_LABELS = ["极弱", "很弱", "中等", "较强", "很强"]

# zxcvbn's messages, in Chinese (matched by their English beginning).
ZH = {
    "Use a few words, avoid common phrases": "用几个不相关的词组合，避开常见短语。",
    "No need for symbols, digits, or uppercase letters": "不一定要符号、数字或大写字母，长一些更重要。",
    "Add another word or two": "再加一两个词，少见的词更好。",
    "Straight rows of keys": "键盘上连成一排的按键（如 qwerty）很容易被猜到。",
    "Short keyboard patterns": "短的键盘图案很容易被猜到。",
    "Use a longer keyboard pattern": "键盘图案要更长、拐弯更多。",
    'Repeats like "aaa"': "“aaa” 这样的重复很容易被猜到。",
    'Repeats like "abcabcabc"': "“abcabcabc” 这样的重复只比 “abc” 难猜一点点。",
    "Avoid repeated words and characters": "避免重复的词和字符。",
    'Sequences like "abc"': "“abc”“6543” 这样的顺序很容易被猜到。",
    "Avoid sequences": "避免顺序排列的字母或数字。",
    "Recent years are easy to guess": "最近的年份很容易被猜到。",
    "Avoid recent years": "避免使用最近的年份。",
    "Avoid years that are associated with you": "避免使用和你有关的年份。",
    "Dates are often easy to guess": "日期往往很容易被猜到。",
    "Avoid dates and years": "避免使用和你有关的日期和年份。",
    "This is a top-10 common password": "这是最常用的 10 个密码之一。",
    "This is a top-100 common password": "这是最常用的 100 个密码之一。",
    "This is a very common password": "这是非常常见的密码。",
    "This is similar to a commonly used password": "这和常见密码很像。",
    "A word by itself is easy to guess": "单独一个词很容易被猜到。",
    "Names and surnames by themselves": "单独的名字或姓氏很容易被猜到。",
    "Common names and surnames": "常见的名字和姓氏很容易被猜到。",
    "Capitalization doesn't help": "只把首字母大写帮助不大。",
    "All-uppercase is almost as easy": "全部大写和全部小写差不多好猜。",
    "Reversed words aren't much harder": "把词倒过来写并不会难猜多少。",
    "Predictable substitutions": "用 @ 代替 a 这类替换很容易被想到。",
}


def chinese(message: str) -> str:
    for start, text in ZH.items():
        if message.startswith(start):
            return text
    return message


@dataclass
class Verdict:
    ok: bool
    score: int
    problems: list[str] = field(default_factory=list)  # why it is refused, in Chinese
    suggestions: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return SCORE_LABELS[self.score]


def user_words(*values: str | None) -> list[str]:
    """The user's own details as zxcvbn 'user inputs': whole values and their parts."""
    words: list[str] = []
    for value in values:
        if not value:
            continue
        value = value.lower()
        words.append(value)
        words.extend(p for p in re.split(r"[@.\s_+-]+", value) if len(p) >= 3)
    return list(dict.fromkeys(words))


def judge(password: str, *personal: str | None) -> Verdict:
    if len(password) < MIN_LENGTH or len(password) > MAX_LENGTH:
        return Verdict(False, 0, [f"密码长度应为 {MIN_LENGTH}–{MAX_LENGTH} 位"])
    words = user_words(*personal)
    lowered = password.lower()
    if any(len(w) >= 4 and w in lowered for w in words):
        return Verdict(False, 0, ["密码不能包含你的登录名或昵称"], ["换一个和你的账号无关的密码。"])
    result = zxcvbn(password[:JUDGED_CHARS], user_inputs=words)
    score = int(result["score"])
    feedback = result.get("feedback") or {}
    suggestions = [chinese(s) for s in feedback.get("suggestions") or []]
    if score >= MIN_SCORE:
        return Verdict(True, score, [], suggestions)
    warning = feedback.get("warning")
    problems = [f"密码太容易被猜到（强度：{SCORE_LABELS[score]}）"] + ([chinese(warning)] if warning else [])
    return Verdict(False, score, problems, suggestions or ["用几个不相关的词组合，再加上数字。"])
