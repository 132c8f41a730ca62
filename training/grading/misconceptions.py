"""Common misconceptions a case's author wrote under a key point (content/FORMAT.md, 误区), found in an answer. Pure.

A misconception has one or more wordings; a wording is one or more fragments ("先处理事情…再处理情绪") that must
appear in this order in one sentence of the answer (sentences end at 。！？；, line breaks; commas do not end one),
at most GAP characters apart. A wording is not said when the answer negates it (a negator or a prohibition, 避免 /
防止 / 杜绝 …, up to LEAD characters before its first fragment or between its fragments: "不是先处理事情再处理情绪"),
when the sentence discusses it as a mistake ("有人以为…其实…", "这是一个误区"), quotes it (“…”), or asks a
question. Negators inside a fragment belong to the misconception ("商场…不必道歉").
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .keypoints import YES_NO, _characters, normalise

GAP = 20
LEAD = 4
_SENTENCE_END = re.compile(r"[。！？!?；;\n]")
_NEGATORS = re.compile("[不没别非无未勿莫]|避免|防止|杜绝|禁止|切忌|反对|很少|极少|少有")
# Neutral words holding a negator's character (不断, 无论, 非常 …): they negate nothing before a fragment.
_NEUTRAL = re.compile("不断|不少|不过|不论|不同(?!意)|不仅|不但|无论|非常|并且|莫过于|别人|别家|个别|特别|区别|分别|不久|不管|无数")
_DISCUSSED = re.compile("误区|误解|以为|错误|其实|并非|谬误|片面|有人说|有人认为|有人觉得")
_QUESTION = re.compile(r"[？?]|吗$|吗[，,]")


@dataclass(frozen=True)
class Said:
    """A misconception said in the answer: the point's misconception index, the wording, its span (normalised)."""
    index: int
    wording: str
    start: int
    end: int


def _sentences(text: str) -> list[tuple[int, int]]:
    out, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        out.append((start, m.end()))
        start = m.end()
    if start < len(text):
        out.append((start, len(text)))
    return out


@lru_cache(maxsize=4096)
def _fragments(wording: str) -> tuple[str, ...]:
    return tuple(f for f in map(normalise, wording.split("…")) if f)


@lru_cache(maxsize=4096)
def _characters_of(wording: str) -> frozenset[str]:
    """The characters of a wording's fragments: an answer lacking one of them cannot say it."""
    return frozenset("".join(_fragments(wording)))


def _negated(text: str) -> bool:
    """Does a negator reach here? A yes/no question's form (要不要, 有没有) and the _NEUTRAL words negate nothing."""
    return bool(_NEGATORS.search(_NEUTRAL.sub("", YES_NO.sub("", text))))


def _quoted(sentence: str, at: int) -> bool:
    """Is the place inside quotation marks (“随便用哪个名字都行”: a claim quoted to be weighed, not made)?"""
    head = sentence[:at]
    return sum(map(head.count, "“「『")) > sum(map(head.count, "”」』"))


def _find(sentence: str, fragments: tuple[str, ...]) -> tuple[int, int] | None:
    """The first place the fragments appear in order (each within GAP of the last), not negated; else None."""
    first = fragments[0]
    at = sentence.find(first)
    while at >= 0:
        pos, ok = at + len(first), not _negated(sentence[max(0, at - LEAD):at]) and not _quoted(sentence, at)
        for f in fragments[1:]:
            nxt = sentence.find(f, pos)
            if not ok or nxt < 0 or nxt - pos > GAP or _negated(sentence[pos:nxt]):
                ok = False
                break
            pos = nxt + len(f)
        if ok:
            return at, pos
        at = sentence.find(first, at + 1)
    return None


@lru_cache(maxsize=2)
def _claiming_sentences(text: str) -> tuple[tuple[int, str], ...]:
    """The sentences of the answer that may make a claim (not discussing a mistake, not asking), with their start."""
    return tuple((a, text[a:b]) for a, b in _sentences(text)
                 if not _DISCUSSED.search(text, a, b) and not _QUESTION.search(text[a:b].rstrip("。！!；;\n ")))


def misconception_text(m: dict) -> str:
    """What a learner reads of a misconception: its sentence, or its first wording when the author wrote none."""
    return m.get("says") or m["wordings"][0].replace("…", "……")


def misconceptions_said(text: str, misconceptions: list[dict]) -> list[Said]:
    """Each misconception ({"says", "wordings"}, content.source.parse_misconceptions) the (normalised) answer text
    says, with the first wording found and where."""
    out, chars = [], _characters(text)
    for i, m in enumerate(misconceptions):
        for wording in m["wordings"]:
            fragments = _fragments(wording)
            # most wordings are not in the answer at all, most of them lacking a character of it
            if not fragments or not _characters_of(wording) <= chars or not all(f in text for f in fragments):
                continue
            place = next(((a, p) for a, sentence in _claiming_sentences(text) if (p := _find(sentence, fragments))),
                         None)
            if place:
                out.append(Said(i, wording, place[0] + place[1][0], place[0] + place[1][1]))
                break
    return out
