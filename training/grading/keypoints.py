"""Suggest which reference key points a free-text answer covers.

Each key point carries hint groups written by the author: [["道歉", "致歉"], ["倾听"]].
A group is found when any of its words occurs in the answer, exactly or as a near
match (the word's characters in order with at most one character between them,
e.g. 耐心倾听 ~ 耐心地倾听), or, for a hint of four characters or more, in pieces of at least two
characters within one clause (升级投诉 ~ 升级和反复投诉). An occurrence does not count when the same clause
negates it (没有道歉, 不会先道歉, 道歉就不必了), when a dismissal follows it, in the
same clause or in the comment after a topic (至于奖惩，我觉得没必要写; 首问负责制这些
大家都知道), or when it sits in a bare list reciting the names of several points
(有形性、可靠性、响应性、保证性、移情性). By the hand rules a point is covered when enough
of its groups are found and the answer does not reject as much of it as it makes (a negation that only
describes, 录音不是全量, rejects nothing).

When suggest_points is given the points' explanations (the paragraph under each point in its case file, as the
app's case payloads carry them), the rules become evidence: per point it computes features (share of groups
found, groups found in clauses that explain, negations, recited / listed / slogan material, evidence clauses
shared with other points, how much of the point's own explanation the evidence says, where the answer's claims
turn the explanation round; and for the whole answer, how much of the case it negates or waves away:
keypoint_model's docstring) and a logistic regression fit on every hand-labelled development answer
(keypoint_model.py, bench/matcher_cv.py) decides. A point found only in clauses that say nothing beyond its terms is never credited. Without the
explanations (a follow-up's hints, the CLI without them) the rules decide.

The candidate confirms or corrects every suggestion; this only saves them work and keeps them honest.
"""
from __future__ import annotations

import html
import math
import re
import unicodedata
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from itertools import compress, pairwise
from operator import not_

from pypinyin import Style, pinyin

from . import keypoint_model
from .synonyms import expand, synonyms

USE_SYNONYMS = True  # expand hint words with 同义词词林 synonyms (bench/matcher_eval.py --no-synonyms turns it off)
# Share of a point's hint groups that must be found (at least one group always).
COVER_SHARE = 0.3
NEGATION_WINDOW = 6  # a negator this many characters back in the same clause governs a word
AFTER_WINDOW = 16  # a dismissal this many characters on in the same clause (道歉就不必了)
CLAUSE_BREAK = re.compile(r"[,.;!?\n，。；！？：:]")
NEGATORS = ("没有", "没", "不", "未", "无", "别", "勿", "莫", "拒绝", "忽视", "忽略", "并非", "而非", "免得")
# What a point phrased as a lack (没有明确处理时限) is made by saying: these do not negate it.
ABSENCE_NEGATORS = ("没有", "没", "无", "未")
# What rejects a course of action the point forbids (hints written -诱导): 避免诱导, 防止引导, 杜绝暗示.
# Only for such hints: elsewhere 避免重复来电 or 减少投诉 is the point itself, not its rejection.
PROHIBITORS = ("避免", "防止", "杜绝", "禁止", "切忌", "忌", "以免", "减少", "少用", "不宜", "不带", "去掉", "去除")
REQUIRES_NEGATION = "-"  # a hint word written -诱导: the point is made by rejecting it
# Words that start with a negator but do not negate what follows.
NOT_NEGATING = (
    "不断", "不仅", "不但", "不少", "不同", "不满", "不足", "不良", "不当", "不周", "不快", "不适", "不舒服",
    "不好意思", "不得不", "不管", "不论", "不久", "不安", "不便", "不利", "无论", "无条件", "没关系", "不只",
    "未来", "别人", "别的", "无法", "无非", "莫过于", "不外乎", "不得", "不对劲", "不对", "不行", "不够", "不好", "不了",
    # bounds set a target, they do not reject it: 满意度不低于85分, 不超过3天
    "不低于", "不少于", "不小于", "不高于", "不超过", "不多于", "不晚于", "不迟于", "不得低于", "不得少于",
)
# Words that end in a negator's character without negating anything: 通过座谈和个别谈话, 分别处理, 特别关注.
ENDS_IN_NEGATOR = ("个别", "特别", "区别", "分别", "类别", "级别", "告别", "差别", "识别", "鉴别", "辨别", "性别",
                   "有别", "派别", "组别", "职别", "判别", "甄别", "离别", "出没", "淹没", "埋没", "虚无")
# Said after a topic, these dismiss it: 处理时限没必要统一规定 / 指导思想可以省掉 / 首问负责制大家都知道.
AFTER_NEGATORS = (
    "没必要", "没有必要", "不必", "不用", "不需要", "多余", "就省了", "也省了", "省了吧", "省掉", "省去", "可以省", "算了",
    "不是主要", "不重要", "不是关键", "不是问题", "不成问题", "是小事", "都是小事", "不值得", "不打算",
    "不考虑", "用不上", "无所谓", "没用", "没什么用", "是浪费", "不是重点",
    # said of a supposed fault, these clear it: 客服部放在销售部下面其实没问题
    "没问题", "没什么问题", "没啥问题", "没毛病",
    # passing mentions: the topic is named and waved through, not made
    "大家都知道", "都知道", "都很熟悉", "很熟悉", "应该熟悉", "不用多说", "不多说", "不重复", "经常用到",
    "常用工具", "重要概念", "应该学习", "不细讲", "不一一", "不展开", "不赘述", "都清楚", "都懂", "谁都懂",
    "教材上都有", "教材上也有", "教材讲", "书上都有", "背得很熟", "老生常谈", "老话题", "老问题",
    "都会做", "谁都会", "都很熟", "常规动作", "常规工具", "常规做法", "常规操作",
    # a course of action ruled out as unworkable or improper: 给顾客补偿更不宜, 分级这一块我主张不搞
    "没太大必要", "没多大必要", "没什么必要", "没啥必要", "不宜", "不可取", "行不通", "不现实", "不切实际", "没意义",
    "没有意义", "不值", "不搞", "不提倡", "不主张", "坚决不做", "能省就省", "能少则少", "能免则免", "能简则简",
    # ruled out of what is being said: 普通消费者不算客户, 同级之间谈不上谁服务谁 (see EXCLUSIONS)
    "不算", "不属于", "算不上", "谈不上", "不包括",
    # a supposed fault waved through: 看看手机上的消息很正常, 发一发问题不大
    "很正常", "挺正常", "无可厚非", "情有可原", "问题不大",
)
# These exclude what their own clause names; a later clause starting with one (记录去掉，不算成两次) says how
# the earlier one is counted, it does not dismiss it.
EXCLUSIONS = ("不算", "不属于", "算不上", "谈不上", "不包括")
# Waved away as empty talk (奖惩只是一句口号, 检查方法就是走个形式): a dismissal even after 就是, which
# no correct definition ends in.
EMPTY_TALK = ("口号", "空话", "是空的", "说起来好听", "听起来好听", "好听而已", "花架子", "纸上谈兵", "走形式", "走个形式", "是形式", "是个形式", "走过场", "形式主义", "做样子", "没啥用", "没多大用", "意义不大",
              "作用不大", "可有可无", "不顶用", "不管用")
# 不用/不需要/不必 dismiss a topic only as its comment (道歉就不必了, 奖惩不用写); followed by what happens
# (不用再打第二次电话, 不需要排队) they state a fact that may be the point itself.
WEAK_AFTER = ("不必", "不用", "不需要", "不宜", "不搞", "不值")
DISMISSAL_TAIL = re.compile(r"^(?:$|[了吧啊呀嘛的]|(?:硬|再?[写做说讲提管搞去弄套问列设改变动]|考虑|操心|理会|在意|多说|强调|专门|折腾))")
# A definition (首次解决率就是……不需要再次来电的比例) owns the negations inside it: they describe the
# term, they do not reject it.
DEFINITION = re.compile(r"就是|即|是指|指的是|也就是|意思是|的意思|定义为")
# A clause that opens with one of these names a topic whose comment follows in the next clause
# (至于检查方法和奖惩，我觉得没必要写): a dismissal there covers the topic too.
TOPIC_MARKERS = ("至于", "对于", "关于")
DOUBLE_NEGATION = ("不能不", "不得不", "不会不", "没有不", "不可不",
                   # reminders affirm what they name: 别忘了道歉, 不要漏了回访
                   "别忘", "不要忘", "不能忘", "不忘", "莫忘", "千万别忘", "别漏", "不要漏", "不能漏", "别落下", "没忘")
# A yes/no question names what it asks about without rejecting it: 有没有道歉, 干不干净, 是不是到期.
YES_NO = re.compile(r"(.)[不没]\1")


_DROPPED = " \t\u3000"


class _NormalChars(dict):
    """Each character's normal form (NFKC, case-folded, without the dropped spaces), computed once per character."""

    def __missing__(self, ch: str) -> str:
        form = self[ch] = "".join(n for n in unicodedata.normalize("NFKC", ch).casefold() if n not in _DROPPED)
        return form


_NORMAL_CHARS = _NormalChars()


def normalise_with_map(text: str) -> tuple[str, list[int]]:
    """normalise(text) and, for each of its characters, the index of the original character it came
    from, so that what the matcher found can be shown in the candidate's own words."""
    forms = list(map(_NORMAL_CHARS.__getitem__, text))
    if max(map(len, forms), default=0) <= 1:  # nothing expanded: each kept character maps to itself
        return "".join(forms), list(compress(range(len(forms)), forms))
    return "".join(forms), [i for i, form in enumerate(forms) for _ in form]


def hint_word(raw: str) -> str:
    """A hint word as matched: normalised, keeping a leading - (the point is made by rejecting it)."""
    word = normalise(raw)
    return word if not word.startswith(REQUIRES_NEGATION) or len(word) > 1 else ""


@lru_cache(maxsize=8192)
def normalise(text: str) -> str:
    """Full-width letters and digits to ASCII, lower case, no spaces (voice input adds odd spaces).
    Cached: the same few thousand hint words are normalised for every answer."""
    return normalise_with_map(text)[0]


# Why a point was or was not credited, as the candidate and the examiner read it.
REASONS = {
    "covered": "找到了相关表述",
    "partial": "只找到一部分相关表述，不足以说明这个要点",
    "none": "没有找到相关表述",
    "terms_only": "只提到了术语，没有解释",
    "opposite": "这里的说法与要点相反",
    "wrong_definition": "对这个概念的解释与要点不符",
    "misconception": "这里的说法是常见误区",
}


@dataclass
class PointSuggestion:
    index: int  # 0-based position of the key point
    covered: bool
    found: list[str] = field(default_factory=list)  # the answer's own words that matched (one per group)
    negated: list[str] = field(default_factory=list)  # the answer's words found only where it rejected them
    groups: int = 0
    spans: list[tuple[int, int]] = field(default_factory=list)  # where `found` is, in the original answer
    negated_spans: list[tuple[int, int]] = field(default_factory=list)
    reason: str = "none"  # a key of REASONS
    features: dict = field(default_factory=dict)  # the evidence the decision weighed (keypoint_model's docstring)
    probability: float | None = None  # the learned decision's, when suggest_points made it
    # what suggest_points compares across the case's points: evidence clauses, their bigrams, the explanation's
    evidence: dict = field(default_factory=dict, repr=False, compare=False)
    # a common misconception (the point's 误区) the answer says: the sentence learners read of it, and where
    misconception: str = ""
    misconception_span: tuple[int, int] | None = None

    @property
    def share(self) -> float:
        return len(self.found) / self.groups if self.groups else 0.0

    @property
    def why(self) -> str:
        return REASONS[self.reason]


def _exact(word: str, text: str) -> list[tuple[int, int]]:
    spans, n = [], len(word)
    if not n:
        return []
    i = text.find(word)
    while i != -1:
        spans.append((i, i + n))
        i = text.find(word, i + n)
    return spans


@lru_cache(maxsize=4096)
def _prepared(hints: tuple[tuple[str, ...], ...], with_synonyms: bool) -> list[tuple]:
    """Per hint group, what suggest_point searches, worked out once per point rather than per answer: its words
    (normalised, hint_word), the ones a rejection makes (-诱导), their synonyms, and (word, word without its -,
    whether it is only searched exactly (a synonym; the author's words are near-matched too, _occurrences), the
    characters it needs, whether it may be found with one of them missing (a sound-alike), and its
    _checked_bigrams). Nothing here may be changed in place."""
    out = []
    for group in hints:
        words = [w for w in map(hint_word, group) if w]
        polar = {w for w in words if w.startswith(REQUIRES_NEGATION)}  # -诱导: the point is not to do it
        extra = synonym_words(tuple(words)) if with_synonyms else ()
        searched = []
        for w in words + list(extra):
            bare = w.lstrip(REQUIRES_NEGATION)
            exact = w in extra
            searched.append((w, bare, exact, frozenset(bare), not exact and len(bare) >= max(3, TYPO_MIN),
                             _checked_bigrams(bare)))
        out.append((words, polar, extra, tuple(searched)))
    return out


@lru_cache(maxsize=8192)
def synonym_words(words: tuple[str, ...]) -> tuple[str, ...]:
    """The 同义词词林 synonyms of a group's hint words (grading/synonyms.py), normalised, computed once."""
    return tuple(w for w in map(normalise, expand((words,))[0]) if w and w not in words)


def _occurrences(word: str, text: str) -> list[tuple[int, int]]:
    """(start, end) of exact matches, else of near matches: the word's characters in order with
    at most one extra character in between (words of 3+ characters), else one wrong character
    (words of 4+ characters)."""
    return _searched(word, text, _characters(text), _answer_bigrams(text), _checked_bigrams(word))


def _searched(word: str, text: str, chars: frozenset[str], pairs: frozenset[str],
              checked: tuple[tuple[int, str], ...]) -> list[tuple[int, int]]:
    """_occurrences, given the answer's _characters and _answer_bigrams and the word's _checked_bigrams (suggest_point
    has them at hand for every word)."""
    n = len(word)
    present = sum(map(chars.__contains__, word))
    if present < n - 1 or present < n < max(3, TYPO_MIN):
        # exact, near and split matches need every character of the word, a sound-alike all but one: most words
        # miss a character of the answer and are ruled out here
        return []
    # The word's bigrams the answer lacks (_checked_bigrams): an exact match needs none missing, a near match at
    # most the one its extra character splits, a sound-alike at most the two around its wrong character.
    lost = [i for i, g in checked if g not in pairs]
    if present == n:
        spans = _exact(word, text) if not lost else []
        if spans or n < 3:
            return spans
        if len(lost) <= 1:
            spans = [(m.start(), m.end()) for m in _near_pattern(word).finditer(text)
                     if m.end() - m.start() <= n + 1]
        if spans or n < TYPO_MIN:
            return spans
        # pieces keep the word's first and last two characters together
        spans = _split_occurrences(word, text) if not lost or (lost[0] > 0 and lost[-1] < n - 2) else []
        if spans:
            return spans
    # One wrong character that sounds the same, as voice and pinyin keyboards produce (客户挡案 for 客户档案,
    # 服务水瓶 for 服务水平). A character that sounds different is another word (重要客户 is not 主要客户,
    # 一对一服务 not 统一服务, 九十 not 八十). The wrong character is the one the answer lacks, if it lacks one; else
    # one of those around the bigrams it lacks (any, if it lacks none). Only windows where the rest of the word
    # stands as written are tried: found where its longer side is.
    if len(lost) > 2 or (len(lost) == 2 and lost[1] != lost[0] + 1):
        return []  # more bigrams lost than one wrong character can break
    wrong_at = {lost[0], lost[0] + 1} if len(lost) == 1 else {lost[1]} if lost else range(n)
    if present < n:
        lacked = next(p for p, ch in enumerate(word) if ch not in chars)
        if lacked not in wrong_at:
            return []  # the character it lacks is not where the lost bigrams put the wrong one
        wrong_at = (lacked,)
    last, found = len(text) - n, set()
    for p, left, right, ch, around in _typo_sides(word):
        if p not in wrong_at:
            continue
        if around is not None:  # one character each side: the regex finds the windows, not every such character
            found.update(m.start() for m in around.finditer(text) if m[1] != ch and sounds_alike(m[1], ch))
            continue
        if len(right) >= len(left):
            starts = (j - p - 1 for j in _found_at(right, text))
        else:
            starts = (j for j in _found_at(left, text) if text.startswith(right, j + p + 1))
        found.update(i for i in starts if 0 <= i <= last and text.startswith(left, i)
                     and text[i + p] != ch and sounds_alike(text[i + p], ch))
    return [(i, i + n) for i in sorted(found)]


@lru_cache(maxsize=16384)
def _typo_sides(word: str) -> tuple[tuple[int, str, str, str, re.Pattern | None], ...]:
    """(position, the word before it, after it, its character, and for a character with one on each side a pattern
    for the windows around it) of each character of a word that another could be typed for (sounds_alike: never a
    numeral; only a Chinese character has readings or INTERCHANGEABLE partners)."""
    return tuple((p, word[:p], word[p + 1:], ch,
                  re.compile(f"{re.escape(word[p - 1])}(?=(.){re.escape(word[p + 1])})", re.DOTALL)
                  if p == 1 and len(word) == 3 else None)
                 for p, ch in enumerate(word)
                 if ch not in NUMERALS and (_sounds(ch) or any(ch in group for group in INTERCHANGEABLE)))


@lru_cache(maxsize=16384)
def _checked_bigrams(word: str) -> tuple[tuple[int, str], ...]:
    """(position, bigram) of a word's bigrams of two letters (_WORD_CHARS): those the answer's bigrams
    (_answer_bigrams, made without its punctuation, so more than it holds, never fewer) can rule out."""
    return tuple((i, word[i:i + 2]) for i in range(len(word) - 1) if not _NOT_WORD_CHAR.search(word, i, i + 2))


def _found_at(piece: str, text: str) -> list[int]:
    """Where piece starts in text, overlapping occurrences included (unlike _exact)."""
    at, i = [], text.find(piece)
    while i != -1:
        at.append(i)
        i = text.find(piece, i + 1)
    return at


@lru_cache(maxsize=2)
def _characters(text: str) -> frozenset[str]:
    """The characters of an answer, for ruling out exact, near and sound-alike matches at once."""
    return frozenset(text)


@lru_cache(maxsize=8192)
def _near_pattern(word: str) -> re.Pattern:
    """The word's characters in order with at most one character between them; the extra character is never a
    negator (要不道歉 is not 要道歉, 统一不了口径 not 统一口径)."""
    return re.compile("".join(re.escape(ch) + ("" if i == len(word) - 1 else r"[^,.;!?，。；！？不没未别无]?")
                              for i, ch in enumerate(word)))


SPLIT_MIN = 4  # hints this long may be matched in pieces (听录音打分 ≈ 抽听录音和聊天记录打分)
_GAP = r"[^,.;!?，。；！？：:、\n不没未别无]"


@lru_cache(maxsize=8192)
def _split_pattern(word: str) -> re.Pattern | None:
    """The word cut into two or three pieces of at least two characters each, in order within one clause with
    other words between them: 升级投诉 ≈ 升级和反复投诉, 统一口径 ≈ 统一了计算口径."""
    n = len(word)
    cuts = [(i,) for i in range(2, n - 1)] + [(i, j) for i in range(2, n - 3) for j in range(i + 2, n - 1)]
    if n < SPLIT_MIN or not cuts:
        return None
    alternatives = []
    for cut in cuts:
        pieces = [word[a:b] for a, b in zip((0,) + cut, cut + (n,))]
        alternatives.append(f"{_GAP}{{1,{n}}}?".join(map(re.escape, pieces)))
    return re.compile("|".join(alternatives))


def _split_occurrences(word: str, text: str) -> list[tuple[int, int]]:
    """Spans where a long hint occurs in pieces (see _split_pattern) with no more than its own length inserted.
    Such a span is longer than the word plus one: suggest_point lets it carry a point alone only when the hint is
    longer than SPECIFIC (需求没满足 ≈ 需求没有被真正满足), not a four-character one (服务态度 ≈ 服务员的态度)."""
    pattern = _split_pattern(word)
    if pattern is None or word[:2] not in text or word[-2:] not in text:
        return []
    return [(m.start(), m.end()) for m in pattern.finditer(text) if m.end() - m.start() <= 2 * len(word)]


def warm() -> None:
    """Read what the matcher reads once per process (the 词林 index, pinyin readings) now: a server does this at
    start-up, before freezing what it built there out of the cyclic collector's way (app.py). Read on a first
    answer instead, the index's objects stay where every full collection walks them, a pause of several
    milliseconds in the middle of grading."""
    synonyms("道歉")
    _sounds("道")


@lru_cache(maxsize=16384)
def _sounds(ch: str) -> frozenset[str]:
    """Every toneless reading of a character (pypinyin's heteronyms); empty for non-Chinese characters."""
    if not ("\u4e00" <= ch <= "\u9fff"):
        return frozenset()
    return frozenset(r for readings in pinyin(ch, style=Style.NORMAL, heteronym=True) for r in readings)


# Characters that stand in for one another without changing the claim: 别按时长排名 says what 不按时长排名 says.
INTERCHANGEABLE = ("不别没勿莫未", "的地得", "这那", "和与及跟", "再又", "吗呢吧")


@lru_cache(maxsize=65536)
def sounds_alike(a: str, b: str) -> bool:
    """Could one character be typed for the other by sound, or said for it without changing the claim?
    Never for numbers (九十 is not 八十). Cached: the sound-alike search asks it of the same few pairs (a hint's
    character and the answer's characters around the rest of the hint) again and again."""
    if a in NUMERALS or b in NUMERALS:
        return False
    return bool(_sounds(a) & _sounds(b)) or any(a in group and b in group for group in INTERCHANGEABLE)


@lru_cache(maxsize=64)
def _breaks(text: str) -> list[int]:
    """Where the clause breaks of a text are (each one character), found once per text."""
    return [m.start() for m in CLAUSE_BREAK.finditer(text)]


def _clause_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The clause around text[start:end]: from after the last break before start to the first break at or after end."""
    breaks = _breaks(text)
    before = bisect_left(breaks, start)
    left = breaks[before - 1] + 1 if before else 0
    after = bisect_left(breaks, end)
    right = breaks[after] if after < len(breaks) else len(text)
    return left, right


def _negates_list(head: str) -> bool:
    """没有道歉、解释: a short first item that holds the negator means it leads the whole list;
    a longer one (质量不稳定、服务差) is an item with its own negative predicate."""
    return len(head) <= 4 and any(n in head for n in NEGATORS)


# 的不愉快, 的不便: a negated state used as a noun, with at least two characters between it and the word, and no
# modal after the negator (真的不需要道歉 still rejects).
NOMINAL_NEGATION = re.compile(r"(?<=的)[不没未无](?![需用必要能会该应准许得可])(?=..)")
SENTENCE_BREAK = re.compile(r"[。！？!?\n；;]")
# A rejection of what to do (不需要道歉, 没必要鉴定, 别道歉), as opposed to a lack described (没有插座).
NORMATIVE = re.compile(r"不需要|不用|不必|没必要|没有必要|不要|别|不该|不应|无需|不宜|用不着|犯不着")
# After a rejection, these turn the sentence round: what follows is affirmed (不是简单道歉，而是真诚道歉).
CONTRAST = re.compile(r"而是|但是?要|但应|却要|只有|关键是|应该|应当|必须|而要|还是要")


SPARED = re.compile(r"(?:不用|不需要|不必|无需|用不着)再")
TURN = re.compile(r"但|却|可是|不过|然而|只是")


def _normative(window: str) -> bool:
    """Does the window reject something as a course of action? A yes/no question (要不要去医院) rejects nothing."""
    # masking the questions only ever removes a match: most windows are let go before it
    return bool(NORMATIVE.search(window)) and bool(NORMATIVE.search(YES_NO.sub("###", window)))


def _same_claim(text: str, rejected_end: int, start: int) -> bool:
    """Is the mention at `start` still inside the sentence that rejected the idea at `rejected_end`,
    with nothing in between that turns the sentence round?"""
    between = text[rejected_end:start]
    return not SENTENCE_BREAK.search(between) and not CONTRAST.search(between)


_DISMISSAL_CUE = re.compile("|".join(map(re.escape, EMPTY_TALK + AFTER_NEGATORS)))


def _dismissed_after(after: str) -> bool:
    """Does the text after a word (in its clause) dismiss it? See AFTER_NEGATORS and WEAK_AFTER.
    A yes/no question (值不值, 要不要) dismisses nothing."""
    if not _DISMISSAL_CUE.search(after):
        return False  # nothing below can match (a quick test: most clauses dismiss nothing)
    after = YES_NO.sub("###", after)
    if any(e in after for e in EMPTY_TALK):
        return True
    for a in AFTER_NEGATORS:
        i = after.find(a)
        if i < 0:
            continue
        if DEFINITION.search(after[:i]):
            continue  # inside the term's definition
        if a in WEAK_AFTER and not DISMISSAL_TAIL.match(after[i + len(a):i + len(a) + 2].split("|")[0]):
            continue
        return True
    return False


_LEAD_IN = re.compile(r"^(?:我看|我觉得|我认为|其实|那就|这些|这个|那些|那个|也|都|就|还|是|真的|根本|完全|一句)+")
ANAPHORA = ("这些", "这个", "那些", "这套", "那套", "这几", "这都", "以上", "上面这", "前面这", "这两", "这三", "这四", "这五")
BARE_TAIL = 4  # a dismissal clause may go on this many characters (不用硬套, 可以省了) and still be bare


@lru_cache(maxsize=1024)
def _dismissed_by_later_clause(text: str, right: int) -> bool:
    """Is a later clause of the same sentence nothing but a dismissal (我看试点太慢，没必要 / 结尾写奖惩、希望，
    都是一句口号)? Such a clause has no topic of its own: it dismisses what the sentence named before it."""
    stop = SENTENCE_BREAK.search(text, right)
    end = stop.start() if stop else len(text)
    if right >= end or not _DISMISSAL_CUE.search(text, right + 1, end):
        return False  # no clause below holds a dismissal (a quick test: most sentences dismiss nothing)
    anaphoric = False
    for clause in CLAUSE_BREAK.split(text[right + 1:end]):
        anaphoric = anaphoric or clause.startswith(ANAPHORA)
        if anaphoric and _dismissed_after(clause):
            # 克劳斯比、零缺陷，这些理论大家学过都知道 / 这些都是经典内容，大家都很熟悉: about what came before
            return True
        rest = _LEAD_IN.sub("", clause)
        if rest.startswith(AFTER_NEGATORS) and any(rest.startswith(a) and len(rest) - len(a) <= BARE_TAIL
               and a not in EXCLUSIONS
               and (a not in WEAK_AFTER or DISMISSAL_TAIL.match(rest[len(a):])) for a in AFTER_NEGATORS) \
                or (len(rest) <= 8 and any(e in rest for e in EMPTY_TALK)):
            return True
    return False


_ANY_DOUBLE_NEGATION = re.compile("|".join(map(re.escape, DOUBLE_NEGATION)))
_ANY_NEGATOR = re.compile("|".join(map(re.escape, NEGATORS)))
_ANY_PROHIBITOR = re.compile("|".join(map(re.escape, NEGATORS + PROHIBITORS)))
# What is_negated masks before it looks for a negator: found in no window, nothing is masked.
_ANY_NEUTRAL = re.compile("|".join(map(re.escape, NOT_NEGATING + ENDS_IN_NEGATOR + ABSENCE_NEGATORS)))


def is_negated(text: str, start: int, end: int, word: str, absence: bool = False, prohibit: bool = False) -> bool:
    """Is the occurrence text[start:end] negated or dismissed within its clause?

    With `absence` the point itself is about a lack, so 没有/无/未 before the word make it
    rather than negate it; 不是, 并非 and dismissals after it still count against it.
    With `prohibit` the point forbids the word (a hint written -诱导), so what prevents it
    (避免诱导, 防止引导, 杜绝暗示) rejects it too.
    """
    if word.startswith(NEGATORS):  # the hint itself is a negative phrase (不推诿)
        return False
    left, right = _clause_bounds(text, start, end)
    before = text[max(left, start - NEGATION_WINDOW):start]
    after = text[end:min(right, end + AFTER_WINDOW)]
    if text[left:start].startswith(TOPIC_MARKERS) and right < len(text):
        # 至于克劳斯比那套，我觉得是国外的说法，不用硬套: the comment on a topic runs to the end of the sentence
        stop = SENTENCE_BREAK.search(text, right)
        after += "|" + text[right + 1:stop.start() if stop else len(text)]
    if _dismissed_after(after) or _dismissed_by_later_clause(text, right):
        return True
    if _ANY_DOUBLE_NEGATION.search(text, max(left, start - NEGATION_WINDOW - 2), start):
        return False
    negators = NEGATORS + PROHIBITORS if prohibit else NEGATORS
    if not (_ANY_PROHIBITOR if prohibit else _ANY_NEGATOR).search(before):
        return _rejected_course(text, left, start)  # the clean-up below only ever removes negators
    # In a list of faults (质量不稳定、服务差) a negator inside one item does not reach the next.
    items = text[left:start].split("、")
    cleaned = before if len(items) == 1 or _negates_list(items[0]) else items[-1][-NEGATION_WINDOW:]
    if cleaned and start - len(cleaned) > left and text[start - len(cleaned) - 1] + cleaned[0] in ENDS_IN_NEGATOR:
        cleaned = "#" + cleaned[1:]  # the window begins inside 个别, 特别
    if _ANY_NEUTRAL.search(cleaned):  # (a quick test: most windows hold none of these)
        for phrase in NOT_NEGATING + ENDS_IN_NEGATOR + (ABSENCE_NEGATORS if absence else ()):
            cleaned = cleaned.replace(phrase, "#" * len(phrase))
    cleaned = YES_NO.sub("###", cleaned + text[start:start + 1])[:len(cleaned)]  # 干不|干净: the word's own first character
    # 的 before a negator makes a noun of what it negates (为遇到的不愉快真诚致歉): it does not reach the word
    preceded = text[start - len(cleaned) - 1:start - len(cleaned)] if start - len(cleaned) > left else ""
    cleaned = NOMINAL_NEGATION.sub(lambda m: "#" * len(m.group()), preceded + cleaned)[len(preceded):]
    if any(n in cleaned for n in negators):
        return True
    return _rejected_course(text, left, start)


# A rejection of what to do reaches further than a plain negator: it governs the whole verb phrase that follows
# it in its clause (不必搞什么跨部门协同, 不必再专门保留人工窗口), not only the next few characters.
RULE_OUT = re.compile(r"不需要|不用|不必|没必要|没有必要|无需|不宜|用不着|犯不着")
COURSE_WINDOW = 12


def _rejected_course(text: str, left: int, start: int, rejection: bool = False) -> bool:
    """Does a ruled-out course of action (RULE_OUT) earlier in the clause govern the word at `start`? With
    `rejection`, only one that rejects it: 不用再打第二次电话 says what the customer is spared, not what is refused."""
    far = text[max(left, start - COURSE_WINDOW):start]
    if not RULE_OUT.search(far):
        return False  # masking yes/no questions below only ever removes a rule-out (a quick test)
    m = None
    for m in RULE_OUT.finditer(YES_NO.sub("###", far)):
        pass
    if m is None or any(d in far for d in DOUBLE_NEGATION):
        return False
    between = far[m.end():]
    if rejection and between.startswith("再"):
        return False
    return not CONTRAST.search(between) and "、" not in between


def _rejects(text: str, start: int, end: int) -> bool:
    """Is the negated occurrence text[start:end] rejected as a course of action or dismissed (不需要道歉, 鉴定就
    没必要了, 奖惩只是口号), rather than described as absent or ruled out as a cause (不是全量, 不是季节的缘故)?"""
    left, right = _clause_bounds(text, start, end)
    if _normative(text[max(left, start - NEGATION_WINDOW):min(right, end + AFTER_WINDOW)]) \
            or _rejected_course(text, left, start, rejection=True):
        return True
    return _dismissed_after(text[end:min(right, end + AFTER_WINDOW)]) or _dismissed_by_later_clause(text, right) \
        or text[left:start].startswith(TOPIC_MARKERS)


# A point phrased as a lack ("没有明确处理时限") is made by answers that say "没有…".
ABSENCE = re.compile(r"没有|缺少|缺乏")
SPECIFIC = 4  # a hint phrase this long is specific enough to carry a point on its own
TYPO_MIN = 3  # shortest hint matched despite one wrong (homophone) character; two-character words only as written
NUMERALS = set("0123456789零〇一二两三四五六七八九十百千万亿半几")


# A bare list of names (有形性、可靠性、响应性、保证性、移情性) recites a theory or dumps keywords; it
# makes no point, whatever else the answer says: a term with no definition, example, action or reason
# earns nothing. A run is such a list when at least half its items are names of key points.
_ITEM_BREAKS = ",.;!?，。；！？：:、\n"
ITEM_MAX = 10
_ITEM = rf"[^{_ITEM_BREAKS}]{{1,{ITEM_MAX}}}"
LIST_RUN = re.compile(rf"{_ITEM}(?:、{_ITEM}){{2,}}")
NAME_SLACK = 4  # an item names a point when it is a hint word plus a short qualifier (管理者认知差距)
RECITAL_POINTS = 3  # a list that names this many different key points is a recital


def _list_runs(text: str):
    """LIST_RUN.finditer(text), tried only where a run can start: its first item is what stands before a 、, up to
    ITEM_MAX characters back and after any break (most answers hold few 、; the regex alone tries every position)."""
    pos, q = 0, text.find("、")
    while q != -1:
        start = max(pos, q - ITEM_MAX)
        for k in range(q - 1, start - 1, -1):
            if text[k] in _ITEM_BREAKS:
                start = k + 1
                break
        # a run starting anywhere in text[start:q] goes on alike after the 、: it starts at `start` or nowhere here
        m = LIST_RUN.match(text, start) if start < q else None
        if m:
            yield m
            pos = m.end()
            q = text.find("、", pos)
        else:
            q = text.find("、", q + 1)


def recital_spans(answer: str, key_points: list[dict], text: str | None = None,
                  hints: tuple | None = None) -> list[tuple[int, int]]:
    """Spans of the normalised answer (`text`, if the caller has it) that only list names: at least half the items
    are themselves hint words (the rest may be any other bare terms), naming at least RECITAL_POINTS different
    points. `hints`: the points' _case_hints, if the caller has them."""
    text = normalise(answer) if text is None else text
    owner = _hint_owners(_case_hints(key_points) if hints is None else hints)
    spans = []
    for m in _list_runs(text):
        items = m.group().split("、")
        items[-1:] = re.split(r"[和及]", items[-1], maxsplit=1)  # …、市场沟通差距和顾客感知差距 (not 参与)
        named = []
        for k, item in enumerate(items):
            # the run's ends may carry the sentence around it: 包括有形性、…、移情性五个维度. Whatever fits is a
            # piece of the item (at most 10 characters): its pieces are looked up, not every hint word searched.
            pieces = {item[a:b] for a in range(len(item) + 1) for b in range(a, len(item) + 1)}
            fits = [w for w in pieces if w in owner and ((len(item) - len(w) <= NAME_SLACK)
                    or (k == 0 and item.endswith(w)) or (k == len(items) - 1 and item.startswith(w)))]
            if fits:
                named.append(set().union(*(owner[w] for w in fits)))
        if 2 * len(named) >= len(items) and len(set().union(*named)) >= RECITAL_POINTS:
            spans.append(m.span())
    return spans


# A hint followed by one of these is a term being defined (服务水平就是……, 放弃率是指……, 首次解决率，即……).
# The term may carry a closing quote, a generic head (甄别部分就是, 保守秘密这条职业守则，说的是) and a pronoun
# (差距模型，它的意思是).
_TERM_TAIL = r"[”\"」』》]?(?:部分|环节|方法|理论|模型|概念|原则|这一?[块条项步点个种][^,，.。;；!?！？]{0,4})?[,，]?(?:它|这|其)?"
DEFINES = re.compile(_TERM_TAIL + r"(?:就是|是指|指的是|也就是说?|意思是|的意思是|定义为|说的是|讲的是|是说|即(?![使可便时将刻])|(?:强调|保护|要求|关注|衡量|考察|反映|针对)的是)")
# …or by 是 and a noun phrase that says what it is (放弃率是客服放弃处理的工单比例), not an opinion (道歉是必须的).
# Matched right where the term ends (COPULA_DEFINES.match(text, end)), as DEFINES is.
COPULA_DEFINES = re.compile(r"[”\"」』]?[,，]?是(?![按由从在为给对用靠])([^,.;!?，。；！？\n]{2,}的[^的,.;!?，。；！？\n了吗呢啊吧]{1,4})(?=$|[,.;!?，。；！？\n])")
DEFINED_MIN_GROUPS = 3  # with fewer groups a definition has nothing else to be checked against


def _definition_body(text: str, end: int) -> tuple[int, int] | None:
    """Where the definition of a term ending at `end` is, up to the end of its sentence; None if not defined there."""
    m = DEFINES.match(text, end)
    if m:
        start = m.end()
    else:
        m = COPULA_DEFINES.match(text, end)
        if not m:
            return None
        start = m.start(1)
    stop = SENTENCE_BREAK.search(text, start)
    return start, stop.start() if stop else len(text)


# A question names a topic and 就是 brings its answer (然后怎么做，就是培训啊), not a definition of a term.
QUESTION_WORD = re.compile(r"怎么|怎样|什么|如何|哪|多少|为何|为啥")


def _wrongly_defined(text: str, per_group: list) -> set[int]:
    """Groups whose term the answer defines with nothing of the point in the definition: 服务水平就是服务态度的
    水平. A term earns a point through what is said it is; a definition that says something else gets it wrong."""
    wrong = set()
    for g, (_, polar, occurrences, *_) in enumerate(per_group):
        for start, end, w, against in occurrences:
            body = None if against or w in polar or QUESTION_WORD.search(w) else _definition_body(text, end)
            if body is None:
                continue
            # evidence: another hint of the point said in the definition (or as its marker: 核心意思是)
            # of another group: 保守秘密，说的是员工要对自己的工资保密 restates the term, it does not define it
            evidence = any(a >= end and b <= body[1] and not other_against and v != w and h != g
                           for h, (_, _, others, *_) in enumerate(per_group) for a, b, v, other_against in others)
            if not evidence:
                wrong.add(g)
    return wrong


# Keyword dumps written as lines of bare terms (预防成本 鉴定成本 内部失败成本 / 主管：道歉 补偿 回访 / one term
# per line). A unit is a line or sentence; after its numbering and a short "heading：" it is a term line when it
# holds only short items, separated by 、 / or spaces, none of which says anything (no predicate, no pronoun).
_UNIT_BREAK = re.compile(r"\n")  # whole lines: a sentence's 、-list of actions (致歉、体验周、月卡季卡) is not a dump
_NUMBERING = re.compile(r"^\s*(?:[0-9０-９]+[.、．)）]|[（(][0-9０-９一二三四五六七八九十]+[)）]|[一二三四五六七八九十]+、|[-*•·])\s*")
_HEADING = re.compile(r"^[^，,：:]{1,8}[：:]")
# Not double dashes: 有形性——看得见的设施和仪表 glosses a term, it does not list two; a single dash or arrow
# chains steps (计划—执行—检查—总结循环, 申请→审核→退款).
_ITEM_SPLIT = re.compile(r"[、/／；;]|\s+|(?<![—-])[—→](?![—-])")
TERM_MAX = 10  # a bare term is at most this long
UNHEADED_TERM_MAX = 6  # …or this long as the first item of a list with no "heading："
# What makes an item say something rather than name it: a person, a modal, a particle, a connective, or an
# action in sequence (先道歉、再安抚、后核实 is a plan). Single characters such as 会 or 能 would not do: 机会, 能力.
# An action verb followed by a plan or a stage makes a noun (培训实施方案), not an action.
_SAYS = re.compile(r"[我你他她它吧呢吗啊了是哪]|怎么|什么|怎样|如何|为啥|因为|所以|如果|应该|可以|需要|必须|然后|能够|要把|一定|"
                   r"(?:改为|改成|包括|包含|采用|通过|做到|建立|实行|实施|开展|进行|推行|设立|确保)"
                   r"(?!方案|计划|细则|办法|情况|过程|步骤|阶段|效果|时间|人员|部门)|"
                   r"^(?:先|再|后|又|接着|最后|马上|立即|立刻|把|让)")
# Words that hold a pronoun's character without being one (推给其他部门).
_NOT_PRONOUN = re.compile(r"其[他它余]")
SAYING_SHARE = 0.25  # a line of bare terms may hold this share of items that look like actions (换个地方 先处理情绪 倾听 …)
TERM_LINE_ITEMS = 3  # this many bare items on one line are a dump; fewer need a run of TERM_LINE_ITEMS such lines
LONG_LIST = 5  # a list this long is a list, whatever the length of its first item (服务质量不稳定、缺乏创新、…)
# Headings that are not "heading：": a line that is "heading（items）", or "heading——items" (two items at least).
_PAREN_HEADING = re.compile(r"^[^，,：:（(]{1,10}[（(]([^（()）]+)[）)]$")
_DASH_HEADING = re.compile(r"^[^，,：:—-]{1,10}(?:——|--)(.+)$")
_PARENTHESIS = re.compile(r"[（(]([^（()）]*)[)）]")
_LIST_SPLIT = re.compile(r"、")  # a sentence's list: spaces and dashes inside a sentence are not separators
WEAK_TERM_LINE = -1  # _term_unit's count for a line that may join a run of term lines but never makes one
_SENTENCE_END = re.compile(r"[。！？!?]")


def _term_unit(raw: str, sentence: bool = False) -> int:
    """The number of items of a unit that holds only bare items, else 0. A unit is a line; or, with `sentence`, one
    sentence of a line of several, which counts only as "heading：" and a 、-list of terms."""
    body = _NUMBERING.sub("", raw, count=1).strip()
    headed = _HEADING.match(body)
    min_items, glossed = (TERM_LINE_ITEMS if sentence else 1), False
    if headed:
        body = body[headed.end():].strip()
    elif sentence:
        return 0
    elif m := _PAREN_HEADING.match(body):  # 新流程（自动审核、上门取件、扫码验收）
        body, headed = m.group(1), m
    elif m := _DASH_HEADING.match(body):  # 可靠性——一次修好、结算准确
        body, headed, min_items, glossed = m.group(1), m, 2, True
    # a line of sentences (首次解决率下降。离职增加。) is prose, however short its sentences
    if re.search(r"[，,。！？!?]", body.rstrip("。；;")):
        return 0
    items = [i for i in (_LIST_SPLIT if sentence else _ITEM_SPLIT).split(body) if i]
    # in a short list with no heading, a longer first item holds a sentence's subject and verb (计划有指导作用、推动作用)
    first_max = TERM_MAX if headed or len(items) < 2 or len(items) >= LONG_LIST else UNHEADED_TERM_MAX
    too_long = sum(_term_length(i) > (first_max if k == 0 else TERM_MAX) for k, i in enumerate(items))
    saying = sum(bool(_SAYS.search(_NOT_PRONOUN.sub("##", i))) for i in items)
    bare = saying <= SAYING_SHARE * len(items) and not too_long
    if bare and glossed and len(items) == 1:
        # one item after a dash may gloss its term (有形性——看得见的设施和仪表): it joins a run of term lines
        # (移情性——个性化服务 after four lines of them) but never makes one
        return WEAK_TERM_LINE
    return len(items) if bare and len(items) >= min_items else 0


def _term_length(item: str) -> int:
    """An item's length without a parenthesis that only abbreviates it (平均处理时长（AHT）) or lists more terms
    (流程优化（消除 简化 整合 自动化）); a parenthesis that glosses (竞争策略（走价格还是服务路线）) counts."""
    def bare(m: re.Match) -> str:
        inner = m.group(1)
        terms = [i for i in _ITEM_SPLIT.split(inner) if i]
        abbreviation = inner.isascii() and inner.strip().isalnum()
        listed = len(terms) >= 2 and all(len(i) <= UNHEADED_TERM_MAX and not _SAYS.search(i) for i in terms)
        return "" if abbreviation or listed else m.group(0)
    return len(_PARENTHESIS.sub(bare, item))


def term_list_spans(answer: str) -> list[tuple[int, int]]:
    """Spans of the original answer that are lines of bare terms (see above): what they name earns nothing."""
    units, spans = [], []  # units: (start, end, number of items) of lines that hold only bare items
    pos = 0
    for m in list(_UNIT_BREAK.finditer(answer)) + [None]:
        end = m.start() if m else len(answer)
        raw = answer[pos:end]
        units.append((pos, end, _term_unit(raw)))
        if not units[-1][2] and _SENTENCE_END.search(raw.rstrip("。！？!? ")):
            # a line of several sentences: one of them may be a list of terms on its own (理论依据：A、B、C、D。
            # 这些理论都有运用。), though it joins no run
            start = pos
            for piece in _SENTENCE_END.split(raw):
                if _term_unit(piece, sentence=True):
                    spans.append((start, start + len(piece)))
                start += len(piece) + 1
        pos = end + 1 if m else end
    run = []
    for unit in units + [(0, 0, 0)]:  # a sentinel ends the last run
        if unit[2]:
            run.append(unit)
            continue
        if sum(k > 0 for _, _, k in run) >= TERM_LINE_ITEMS:
            spans.append((run[0][0], run[-1][1]))
        else:
            spans += [(a, b) for a, b, k in run if k >= TERM_LINE_ITEMS]
        run = []
    return sorted(spans)


def _to_normalised(spans: list[tuple[int, int]], where: list[int]) -> list[tuple[int, int]]:
    """Original-text spans as spans of the normalised text (whose characters map back through `where`)."""
    return [(bisect_left(where, a), bisect_left(where, b)) for a, b in spans]


# A point that asks for an example (结合实例, 举例说明) is made by one example: its groups in one place, not
# 比如 in one paragraph and a stray figure in another.
EXAMPLE_LABEL = re.compile(r"实例|举例|例子|案例说明")
EXAMPLE_SENTENCES = 2


def _told_together(text: str, places: list[tuple[int, int]], needed: int) -> bool:
    """Are `needed` different groups found within EXAMPLE_SENTENCES consecutive sentences?"""
    starts = [m.end() for m in SENTENCE_BREAK.finditer(text)]
    at = sorted((bisect_right(starts, pos), g) for pos, g in places)
    return any(len({g for t, g in at if s <= t < s + EXAMPLE_SENTENCES}) >= needed for s, _ in at)


def suggest_point(index: int, hints: list[list[str]], answer: str, label: str = "",
                  skip: list[tuple[int, int]] | None = None,
                  normalised: tuple[str, list[int]] | None = None, material: str = "",
                  shared: frozenset[str] = frozenset(), others: re.Pattern | None = None,
                  explanation: str = "") -> PointSuggestion:
    text, where = normalised or normalise_with_map(answer)
    chars, pairs = _characters(text), _answer_bigrams(text)
    about_absence = bool(ABSENCE.search(label))

    def original(start: int, end: int) -> tuple[int, int]:
        return where[start], where[end - 1] + 1

    found, negated, spans, negated_spans, skipped, hint_words = [], [], [], [], 0, []
    places = []  # (where, group) of every credited occurrence, for points asking for an example
    rejected = 0  # negated groups that the answer rejects or dismisses, rather than describes as absent
    refused = 0  # …of which those not merely spared (不用再跑)
    per_group = []
    for words, polar, extra, searched in _prepared(tuple(map(tuple, hints)), USE_SYNONYMS):
        in_list = None
        occurrences = []
        for w, bare, exact, needs, typo, checked in searched:
            if not needs <= chars and (not typo or len(needs - chars) > 1):
                continue  # most words miss a character of the answer (or, if typed by sound, two): nowhere
            for start, end in _exact(bare, text) if exact else _searched(bare, text, chars, pairs, checked):
                if any(a <= start and end <= b for a, b in skip or ()):
                    in_list = True
                    continue
                if w in polar:  # rejected is what the point says (不要诱导); affirmed is its opposite (可以引导)
                    occurrences.append([start, end, w, not is_negated(text, start, end, w[1:], prohibit=True)])
                else:
                    occurrences.append([start, end, w, is_negated(text, start, end, w, absence=about_absence)])
        occurrences.sort(key=lambda o: o[0])
        rejected_at = None  # where this sentence last rejected the group's idea
        for o in occurrences:
            start, end, w, is_neg = o
            if w in polar:
                continue
            if not is_neg and rejected_at is not None and _same_claim(text, rejected_at, start):
                o[3] = True  # 不需要道歉，道歉反而……: the same rejection
            elif is_neg and _normative(text[max(0, start - NEGATION_WINDOW):end + AFTER_WINDOW]):
                rejected_at = end  # rejected as a course of action, not described as missing (没有插座)
                # …and what named it earlier in the sentence is the same rejection (至于道歉，我认为不要轻易道歉)
                for p in occurrences:
                    if p[0] >= start:
                        break
                    if not p[3] and p[2] not in polar and _same_claim(text, p[1], start) \
                            and not TURN.search(text, p[1], start):
                        p[3] = True
        per_group.append((words + [w for w in extra if w not in words], polar, occurrences, in_list, set(words)))
    wrong_definition = _wrongly_defined(text, per_group) if len(hints) >= DEFINED_MIN_GROUPS else set()
    for g, (words, polar, occurrences, in_list, group_words) in enumerate(per_group):
        hit = neg = None
        if g in wrong_definition:
            for o in occurrences:
                o[3] = True
        for w in words if occurrences else ():  # the author's order of synonyms decides which one is credited
            mine = [o for o in occurrences if o[2] == w]
            first = next((o for o in mine if not o[3]), None)
            if first is not None:
                hit = original(first[0], first[1])
                # a synonym, a short hint found in pieces, a hint found only in the case's own words (宏观环境,
                # 服务计划 in a case about a bank's service plan), or one that other points of the case list too
                # (还有什么需要 for the closing and for the rewritten lines) never carries a point alone, unless
                # the point's own label names it
                if w not in polar and w in group_words and (first[1] - first[0] <= len(w) + 1 or len(w) > SPECIFIC) \
                        and not (material and text[first[0]:first[1]] in material) and (w not in shared or w in normalise(label)):
                    hint_words.append(w)
                break
            if mine and neg is None:
                neg = original(mine[0][0], mine[0][1])
        if hit:
            found.append(answer[hit[0]:hit[1]])
            spans.append(hit)
            places += [(o[0], g) for o in occurrences if not o[3]]
        elif neg:
            negated.append(answer[neg[0]:neg[1]])
            negated_spans.append(neg)
            rejecting = [o for o in occurrences if o[3] and (o[2] in polar or _rejects(text, o[0], o[1]))]
            rejected += g in wrong_definition or bool(rejecting)
            # 客户就不用再打第二次电话 says what the customer is spared: not taken off what the answer makes
            refused += g in wrong_definition or any(o[2] in polar or not SPARED.search(text, max(0, o[0] - 8), o[0])
                                                    for o in rejecting)
        elif in_list:
            skipped += 1
    needed = max(1, math.ceil(len(hints) * COVER_SHARE - 1e-9))
    enough = bool(hints) and (len(found) >= needed or any(len(w) >= SPECIFIC for w in hint_words))
    if enough and EXAMPLE_LABEL.search(label) and len(hints) > 1:
        enough = _told_together(text, places, needed)
    # An answer that rejects as much of the point as it makes has not made it (我会请厂家派人来，但没必要鉴定).
    # A negation that only describes (录音不是全量，我随机抽了600通; 不是季节的缘故) rejects nothing.
    # What it rejects is taken off what it makes: two groups made and one rejected is one group's evidence.
    specific = any(len(w) >= SPECIFIC for w in hint_words)
    covered = enough and rejected < len(found) and (refused == 0 or len(found) - refused >= needed or specific)
    terms = _own_terms(tuple(tuple(g) for g in hints))
    # Evidence must explain: a point named only in clauses that say nothing beyond its terms is not made.
    credited = [(o[0], o[1], g) for g, (_, polar, occurrences, *_) in enumerate(per_group) for o in occurrences
                if not o[3] and not any(a <= o[0] and o[1] <= b for a, b in skip or ())]
    unexplained = covered and EXPLAIN and not any(
        explains(text, a, b, terms, credited, g) for a, b, g in credited)
    covered = covered and not unexplained
    # the evidence the learned decision weighs, when there is one to make (the point's explanation is known)
    features = _evidence_features(text, hints, label, per_group, found, negated, hint_words, credited, terms,
                                  wrong_definition, rejected, refused, skipped, needed, specific, enough,
                                  material, others, explanation) if explanation else {}
    features["rule"] = float(covered)
    evidence = {k: features.pop(k) for k in ("_ev", "_exset") if k in features}
    if covered:
        reason = "covered"
    elif unexplained:
        reason = "terms_only"
    elif wrong_definition:
        reason = "wrong_definition"
    elif negated and len(negated) >= len(found):
        reason = "opposite"
    elif found:
        reason = "partial"
    elif skipped:
        reason = "terms_only"
    else:
        reason = "none"
    return PointSuggestion(index, covered, found, negated, len(hints), spans, negated_spans, reason, features,
                           None, evidence)


# Recital of the case material: a clause that mostly copies the question or its background (AHT从400秒降到
# 310秒，首次解决率从78%降到60%) states what the examiner already knows; what it names earns nothing there.
MATERIAL_GRAM = 3  # characters per shared piece
RECITED_SHARE = 0.7  # share of a clause's characters inside pieces of the material
RECITED_MIN = 8  # shorter clauses are left alone: a short quote is how analysis refers to the case
_TAG = re.compile(r"<[^>]+>")
QUOTES = re.compile(r"[“”「」『』\"]")


@lru_cache(maxsize=256)
def _material_grams(material: str) -> frozenset[str]:
    text = normalise(_TAG.sub(" ", material))
    return frozenset(text[i:i + MATERIAL_GRAM] for i in range(len(text) - MATERIAL_GRAM + 1))


QUOTED = re.compile(r"[“「『\"][^”」』\"]{1,30}[”」』\"]")


def _quotes_copied(clause: str, material: str) -> bool:
    """Are all the quotations of a clause, quote marks and all, in the material (题目问：“首问负责制”“处理时限”各指什么)?"""
    quoted = QUOTED.findall(clause)
    text = _material_text(material)
    return bool(quoted) and all(q in text for q in quoted)


@lru_cache(maxsize=256)
def _material_text(material: str) -> str:
    return normalise(_TAG.sub(" ", material))


@lru_cache(maxsize=256)
def _material_chars(material: str) -> frozenset[str]:
    return frozenset(_material_text(material))


def recited_spans(text: str, material: str) -> list[tuple[int, int]]:
    """Clauses of the normalised answer that mostly copy the case material (question and background)."""
    grams = _material_grams(material) if material else frozenset()
    if not grams:
        return []
    spans, left, chars = [], 0, _material_chars(material)
    for right in _breaks(text) + [len(text)]:
        n = right - left
        # quoting the case to judge it is analysis; copying the question's own quotations is not
        if n >= RECITED_MIN and (not QUOTES.search(text, left, right) or _quotes_copied(text[left:right], material)) \
                and sum(map(chars.__contains__, text[left:right])) >= RECITED_SHARE * n:
            # (a quick test first: a piece's characters are the material's, and most clauses hold too few of those)
            hits = [i for i in range(left, right - MATERIAL_GRAM + 1) if text[i:i + MATERIAL_GRAM] in grams]
            # the characters inside those pieces: each piece adds those the next one does not start over
            covered = sum(min(MATERIAL_GRAM, b - a) for a, b in pairwise(hits)) + (MATERIAL_GRAM if hits else 0)
            if covered >= RECITED_SHARE * n:
                spans.append((left, right))
        left = right + 1
    return spans


# Stock phrases strung together (加强管理，强化考核，持续改进 / 领导要重视，员工要参与，制度要完善): a run of short
# clauses each of which is an exhortation says nothing about this case; what they name earns nothing.
_EXHORT = ("加强", "提升", "提高", "树立", "坚持", "强化", "增强", "完善", "落实", "推动", "促进", "不断", "努力",
           "切实", "高度重视", "重视", "牢固树立", "团结", "拥抱", "转变", "持续", "创新", "改善", "优化", "用心", "精心",
           "真正", "积极", "认真", "全面", "深入", "大力", "狠抓", "抓好", "做好", "打造", "实现", "确保", "形成")
SLOGAN = re.compile(r"^(?:我们|大家|企业|公司|员工|领导|都|就|还|也|更)?(?:要|必须|一定要|应该|应当)?(?:"
                    + "|".join(sorted(_EXHORT, key=len, reverse=True)) + r").{1,6}$|^.{2,4}要.{2,3}$")
SLOGAN_RUN = 3
# The longest clause SLOGAN can match: a subject, 一定要, the longest exhortation and six characters more.
_SLOGAN_LONGEST = 2 + 3 + max(map(len, _EXHORT)) + 6
EXHORT_SENTENCES = True
SLOGAN_CLAUSE_BREAK = re.compile(r"[,.;!?\n，。；！？、]")


# A sentence of exhortations (必须高度重视投诉管理工作，进一步增强全员责任意识，加强部门之间的沟通协作，……): most of
# its clauses open, after a subject and a modal, with an empty verb or an adverb of zeal, and nothing in it is
# concrete (no figure, example or reason). However long its clauses, what they name earns nothing.
_ZEAL = ("进一步", "切实", "积极", "不断", "全面", "大力", "牢固", "牢牢", "科学", "高度", "坚决", "充分", "有效", "深入",
         "密切", "正确", "着力", "真正", "努力", "真心", "严格", "紧密", "持续", "深刻", "坚定", "认真", "主动", "妥善",
         "及时", "端正", "规范", "健全", "建立健全", "营造", "弘扬", "推进", "推行", "做到", "突出", "丰富", "稳定",
         "扎实", "精准", "统筹", "注重", "围绕", "紧紧", "充分发挥", "发挥", "调动", "拓宽", "强调", "关注", "学会", "多用")
_LEAD = re.compile(r"^(?:我们|我会|大家|企业|公司|中心|员工|领导|主管|酒店|门店|本方案|培训|都|就|还|也|更|并|同时|从而|要想)*"
                   r"(?:要|必须|一定要|应该|应当|需要|要求|就必须|都应当)?")
EXHORT_CLAUSE = re.compile("|".join(sorted(set(_EXHORT) | set(_ZEAL), key=len, reverse=True)))
# EXHORT_CLAUSE right after what _LEAD.sub would take off (the atomic group keeps _LEAD's own match, as sub does),
# without making the rest of the clause as a string
_LEAD_EXHORT = re.compile(f"(?>{_LEAD.pattern})(?:{EXHORT_CLAUSE.pattern})")
EXHORT_SHARE = 0.6
EXHORT_MIN = 4  # clauses in the sentence
CONCRETE = re.compile(r"[0-9]|比如|例如|譬如|因为|由于|所以|导致|如果|[“”\"]")


def exhortation_sentences(text: str) -> list[tuple[int, int]]:
    """Sentences of the normalised answer most of whose clauses are exhortations (see above)."""
    spans, left = [], 0
    for m in list(SENTENCE_BREAK.finditer(text)) + [None]:
        right = m.start() if m else len(text)
        sentence = text[left:right]
        clauses = [c for c in CLAUSE_BREAK.split(sentence) if c]
        if len(clauses) >= EXHORT_MIN and not CONCRETE.search(sentence):
            zeal = sum(map(_exhorts, clauses))
            if zeal >= EXHORT_SHARE * len(clauses):
                spans.append((left, right))
        left = right + 1
    return spans


def slogan_spans(text: str) -> list[tuple[int, int]]:
    """Spans of the normalised answer that are runs of SLOGAN_RUN or more exhortations in a row."""
    spans, run, left = exhortation_sentences(text) if EXHORT_SENTENCES else [], [], 0
    for m in list(SLOGAN_CLAUSE_BREAK.finditer(text)) + [None]:
        right = m.start() if m else len(text)
        if not text[left:right].strip():  # two breaks in a row (！ then a line break) end no run
            pass
        elif right - left <= _SLOGAN_LONGEST and SLOGAN.match(text[left:right]):
            run.append((left, right))
        else:
            if len(run) >= SLOGAN_RUN:
                spans.append((run[0][0], run[-1][1]))
            run = []
        left = right + 1
    if len(run) >= SLOGAN_RUN:
        spans.append((run[0][0], run[-1][1]))
    return spans


# Explanation density. A hint found in a clause that holds nothing but the point's own terms, empty verbs and
# function words (加强培训, 3. 响应性：缩短等待。, 有形性——休息区、设施) names the point without saying anything
# about it. A clause (items of a 、-list and a bracket count as clauses; after "heading：" only what follows)
# explains when, after those are taken out, EXPLAIN_MIN characters are left (an action's object, a who, a when,
# a how), or when it gives a reason, an example, a condition, a figure or an order (先…再…). A point is credited
# only when at least one of its hits sits in a clause that explains.
EXPLAIN = True  # bench/matcher_eval.py compares with and without
EXPLAIN_MIN = 2  # characters of its own a clause needs to say something
EXPLAIN_LONG = 5  # a hint this long is itself a claim (晚上没人接) when its clause holds anything besides
EXPLAIN_BREAK = re.compile(r"[,.;!?\n，。；！？、（）()]")
EXPLAIN_MARKERS = re.compile(r"因为|由于|所以|因此|导致|造成|以免|免得|为了|以便|否则|比如|例如|譬如|像是|如果|一旦|只要|[0-9]"
                             r"|^(?:先|再|首先|然后|接着|随后|之后|最后|马上|立即|当场|当面|事后)")
EXPLAIN_NUMBERING = re.compile(r"^(?:[0-9]+[.、)）]|[（(][0-9一二三四五六七八九十]+[)）]|[一二三四五六七八九十]+、)")
# Words that say nothing by themselves: empty verbs of exhortation, hedges, connectives, numbering.
_EMPTY = (
    "加强", "提升", "提高", "树立", "坚持", "强化", "增强", "完善", "落实", "推动", "促进", "不断", "努力", "切实",
    "高度", "重视", "牢固", "转变", "持续", "创新", "改善", "优化", "用心", "精心", "真正", "积极", "认真", "全面",
    "深入", "大力", "狠抓", "抓好", "做好", "打造", "实现", "确保", "形成", "注重", "健全", "建立", "规范", "科学",
    "合理", "有效", "进一步", "充分", "发挥", "做到", "加大", "力度", "水平", "能力", "意识", "理念", "体系", "机制",
    "管理", "工作", "问题", "方面", "相关", "主要", "首先", "其次", "然后", "最后", "另外", "同时", "还有", "一是",
    "二是", "三是", "四是", "五是", "第一", "第二", "第三", "第四", "第五", "我们", "企业", "公司", "应该", "应当",
    "必须", "需要", "一定", "进行", "开展", "关于", "对于", "这个", "那个", "就是", "也是", "都是", "以及",
    "还要", "要求", "要点", "原因", "措施", "建议", "方法", "包括", "分析", "说明", "总之", "综上", "所述",
)
_EMPTY_CHARS = frozenset("的了和与及或要是在对把将等也都就还更很又并其之而从向被让使得着过吧呢啊嘛呀")
_EMPTY_LETTERS = frozenset(filter(str.isalnum, _EMPTY_CHARS))  # (all of them): what a clause's own count leaves out


@lru_cache(maxsize=1024)
def _own_terms(groups: tuple[tuple[str, ...], ...]) -> re.Pattern:
    """A pattern for a point's hint words, their synonyms and the empty words, longest first."""
    words = set(_EMPTY)
    for group in groups:
        written = tuple(w for w in map(hint_word, group) if w)
        words.update(w.lstrip(REQUIRES_NEGATION) for w in written if len(w.lstrip(REQUIRES_NEGATION)) >= 2)
        if USE_SYNONYMS:
            words.update(synonym_words(written))
    return re.compile("|".join(map(re.escape, sorted(words, key=len, reverse=True))))


@lru_cache(maxsize=64)
def _explain_breaks(text: str) -> list[int]:
    """Where explains()' clause breaks (EXPLAIN_BREAK) are in a text."""
    return [m.start() for m in EXPLAIN_BREAK.finditer(text)]


def _explaining_clause(text: str, start: int, end: int, terms: re.Pattern) -> tuple[int, int, bool, int]:
    """The clause explains() judges around text[start:end] (after any "heading："): its bounds, whether it holds
    an EXPLAIN_MARKERS word, and how many characters of its own it has beside the point's terms and empty words."""
    breaks = _explain_breaks(text)
    before, after = bisect_left(breaks, start), bisect_left(breaks, end)
    left, right, clause, has_marker = _explained_part(text, breaks[before - 1] + 1 if before else 0,
                                                      breaks[after] if after < len(breaks) else len(text))
    rest = terms.sub("", clause)
    own = sum(map(str.isalnum, rest)) - sum(map(_EMPTY_LETTERS.__contains__, rest))  # letters not empty ones
    return left, right, has_marker, own


@lru_cache(maxsize=1024)
def _explained_part(text: str, left: int, right: int) -> tuple[int, int, str, bool]:
    """_explaining_clause's reading of the clause text[left:right] that does not depend on the point, once for all
    the case's points: its bounds after any "heading：", that part without numbering, whether it holds an
    EXPLAIN_MARKERS word."""
    clause = text[left:right]
    colon = max(clause.rfind("："), clause.rfind(":"), clause.rfind("——"))
    if colon >= 0:  # "heading: what is said about it": only what is said counts
        left += colon + (2 if clause[colon] == "—" else 1)
        clause = text[left:right]
    clause = EXPLAIN_NUMBERING.sub("", clause)
    return left, right, clause, bool(EXPLAIN_MARKERS.search(clause))


def explains(text: str, start: int, end: int, terms: re.Pattern, credited=(), group: int = -1) -> bool:
    """Does the clause around text[start:end] say something beyond the point's terms and empty words?
    `credited` holds (start, end, group) of the point's other hits: two of its parts joined in one clause by
    words of their own (第二天主动回访说明疑点) say something even when every word is a hint."""
    left, right, has_marker, own = _explaining_clause(text, start, end, terms)
    if has_marker or own >= EXPLAIN_MIN:
        return True
    if left > start:  # the hit is the heading, and what follows it says nothing
        return False
    clause = EXPLAIN_NUMBERING.sub("", text[left:right])
    return (end - start >= EXPLAIN_LONG and len(clause) - (end - start) >= 2) or any(
        g != group and left <= a and b <= right and (own or _related(text, (start, end), (a, b)))
        for a, b, g in credited)


def _related(text: str, one: tuple[int, int], other: tuple[int, int]) -> bool:
    """Are two hits joined by words of their own (主动回访说明疑点), not merely put side by side (厂家和第三方, 机会威胁)?"""
    (_, b), (c, _) = sorted((one, other))
    return bool(text[b:c].strip("和与及跟同或的"))


def _case_hints(key_points: list[dict]) -> tuple[tuple[tuple[str, ...], ...], ...]:
    """The points' hint groups as one hashable value: the key of what is worked out once per case, not per answer."""
    return tuple(tuple(tuple(g) for g in p.get("hints") or []) for p in key_points)


@lru_cache(maxsize=256)
def _hint_owners(hints: tuple) -> dict[str, set[int]]:
    """Each hint word of a case (without its -) and the points that list it, for recital_spans. Read only."""
    owner: dict[str, set[int]] = {}
    for i, groups in enumerate(hints):
        for group in groups:
            for w in filter(None, map(hint_word, group)):
                owner.setdefault(w.lstrip(REQUIRES_NEGATION), set()).add(i)
    return owner


@lru_cache(maxsize=256)
def _shared_hints(hints: tuple) -> frozenset[str]:
    """Hint words that more than one point of the case (its _case_hints) lists: such a word cannot tell which point
    is made."""
    seen: dict[str, int] = {}
    for groups in hints:
        for w in {w for group in groups for w in map(hint_word, group) if w}:
            seen[w] = seen.get(w, 0) + 1
    return frozenset(w for w, n in seen.items() if n > 1)


_WORD_CHARS = "\u4e00-\u9fffa-z0-9"  # a normalised text's letters, digits and Chinese characters
_NOT_WORD_CHAR = re.compile(f"[^{_WORD_CHARS}]+")


def _word_chars(text: str) -> str:
    """The text without punctuation and spaces: what its bigrams are made of."""
    return _NOT_WORD_CHAR.sub("", text)


def _grams(text: str, chars: str | None = None) -> frozenset[str]:
    """The character bigrams of a normalised text's letters, digits and Chinese characters (punctuation dropped);
    `chars`: its _word_chars, if known."""
    chars = _word_chars(text) if chars is None else chars
    return frozenset(map(str.__add__, chars, chars[1:]))


@lru_cache(maxsize=256)
def _bigrams(text: str) -> frozenset[str]:
    """_grams, cached: the answer, the labels, the explanations and the material recur across one answer's points."""
    return _grams(text)


@lru_cache(maxsize=256)
def _own_bigrams(explanation: str, material: str) -> frozenset[str]:
    """The explanation's bigrams that the case material does not hold: what the point adds to the case."""
    return _bigrams(explanation) - _bigrams(material) if material else _bigrams(explanation)


# A claim in the point's own words that says something else. A wrong definition written with the point's terms and
# much of its explanation's wording (首次解决率就是客户第一次打进来就被接通的比例, where the explanation says 第一次联系
# 就解决问题的比例) scores high on every overlap feature; so does an example put in the wrong category (排队、热水不稳属于
# 竞争对手的新诱惑, where the explanation puts 排队 under 服务质量不稳定 and 自助健身房 under 竞争对手的新诱惑). An evidence
# clause that says what something is, belongs to or leads to (CLAIM) is cut at that word: its head names the subject,
# its body what is claimed of it, and both are held against the point's explanation (claims_against).
CLAIM = re.compile(r"就是|是指|指的是|意思是|说的是|是说|属于|归为|归于|对应|算是|导致|造成|带来|使得|说明|即(?![使可便时将刻])")
_EX_UNIT = re.compile(r"[。；;！？!?\n]")  # the explanation's sentences, and the lines of an enumeration
CLAIM_MIN = 3  # bigrams a head or body must share with an explanation unit to be placed there
CLAIM_HEAD = 2  # bigrams a claim's head shares with the explanation: a subject the explanation speaks of
CLAIM_NOVEL = 0.5  # share of a claim's body the explanation does not hold: it says something else


@lru_cache(maxsize=256)
def _explanation_units(explanation: str) -> tuple[frozenset[str], ...]:
    """The explanation's sentences and lines (an enumeration's items: 排队、热水不稳——产品或服务质量不稳定), as bigrams."""
    return tuple(g for g in (_grams(u) for u in _EX_UNIT.split(explanation)) if g)


def _placed(grams: frozenset[str], units: tuple[frozenset[str], ...]) -> int:
    """The unit sharing the most bigrams (at least CLAIM_MIN) with `grams`, else -1."""
    best, most = -1, CLAIM_MIN - 1
    for i, u in enumerate(units):
        n = len(grams & u)
        if n > most:
            best, most = i, n
    return best


def claims_against(clauses: list[str], explanation: str) -> tuple[float, int, int]:
    """How the claims of the evidence clauses stand against the point's explanation:
    (novel) the largest share of a claim's body whose bigrams the explanation never uses;
    (split) claims whose head and body the explanation says in different units, the body not in the head's:
            a subject given another subject's property (排队 put under 竞争对手的新诱惑);
    (wrong) claims about a subject the explanation speaks of (CLAIM_HEAD) whose body it mostly does not say
            (CLAIM_NOVEL): 内部客户是指企业员工及其家属购买本公司产品的情况.
    A right definition in the explanation's words scores 0 on all three; one in the answer's own words raises novel
    only, which the model weighs against the rest of the evidence."""
    units = _explanation_units(explanation)
    ex = _bigrams(explanation)
    novel, split, wrong = 0.0, 0, 0
    for clause in clauses:
        parts = _claim_parts(clause)
        if parts is None:
            continue
        head, body = parts
        if len(body) < 2:
            continue
        share = len(body - ex) / len(body)
        novel = max(novel, share)
        wrong += len(head & ex) >= CLAIM_HEAD and share >= CLAIM_NOVEL
        split += _misplaced(head, body, units)
    return novel, split, wrong


@lru_cache(maxsize=1024)
def _claim_parts(clause: str) -> tuple[frozenset[str], frozenset[str]] | None:
    """The bigrams of a clause's head and body, cut at its first CLAIM word; None without one. Cached: every point
    of a case holds the same evidence clauses against its explanation. Read only."""
    m = CLAIM.search(clause)
    return (_grams(clause[:m.start()]), _grams(clause[m.end():])) if m else None


def _misplaced(head: frozenset[str], body: frozenset[str], units: tuple[frozenset[str], ...], place=_placed) -> bool:
    """Does the explanation say the claim's subject (placed by `place`) in one unit and its body in another, not in
    the subject's?"""
    h, b = place(head, units), _placed(body, units)
    return h >= 0 and b >= 0 and h != b and len(body & units[h]) < CLAIM_MIN


# The claim's polarity held against the explanation, clause by clause. A wrong definition in the point's own
# words often keeps every term and turns one thing round: a negation dropped or added (企业控制不了 / 企业能完全控制;
# 还包括其他行业 / 其他行业不构成竞争) or a word put for its opposite (越晚代价越高 / 越早代价越高; 企业内部 / 企业外部).
# Each clause of the answer close to the explanation's words is held against the explanation's sentence and clause
# sharing the most bigrams with it (claims_turned), and the two are compared.
PAIR_MIN = 3
_PAIR_BREAK = re.compile(r"[,.;!?\n，。；！？：:]")
# Opposites a wrong claim swaps; each pair is two words a right claim in other words has no reason to exchange.
OPPOSITES = tuple(tuple(p.split("/")) for p in (
    "内部/外部", "对内/对外", "上升/下降", "提高/降低", "增加/减少", "增多/减少", "扩大/缩小", "延长/缩短", "变长/变短",
    "越高/越低", "越多/越少", "越长/越短", "越早/越晚", "越大/越小", "越快/越慢", "前台/后台", "事前/事后", "事先/事后",
    "主动/被动", "优势/劣势", "机会/威胁", "长期/短期", "直接/间接", "集中/分散", "正面/负面", "积极/消极",
    "有形/无形", "显性/隐性", "宏观/微观", "定量/定性", "开放式/封闭式", "上级/下级", "横向/纵向", "提前/事后",
    "先/后", "高于/低于", "多于/少于", "超过/不到", "之前/之后", "以前/以后", "能控制/控制不了",
    "个人/团队", "物质/精神", "短板/长处", "放大/缩小", "加快/放慢", "重视/忽视", "满意/不满",
))
# Single characters a swapped claim exchanges (计划在行动前写 / 计划在行动后写): only between paired clauses.
OPPOSITE_CHARS = tuple(tuple(p) for p in ("前后", "早晚", "高低", "多少", "增减", "升降", "长短", "快慢", "内外", "先后", "大小",
                                          "强弱", "难易", "主次", "优劣", "正反", "好坏", "进退", "攻守", "收支", "买卖"))
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
# What negates a claim: NEGATORS, but 免得 (a purpose, 免得客户再跑一趟) says nothing negative of it.
_CLAIM_NEGATORS = re.compile("|".join(map(re.escape, (n for n in NEGATORS if n != "免得"))))


_SINGLE_NEGATORS = frozenset(n for n in NEGATORS if len(n) == 1)  # 不 没 未 无 别 勿 莫
# Words holding a negator's character that say nothing negative of the claim (控制不了, 无法, 不够 do).
POLARITY_NEUTRAL = ("不断", "不仅", "不但", "不少", "不同", "不管", "不论", "无论", "不只", "未来", "别人", "别的", "不久",
                    "不好意思", "没关系", "无非", "莫过于", "不外乎", "少不了", "免不了", "离不开", "不得了", "了不起",
                    "无条件", "不低于", "不少于", "不小于", "不高于", "不超过", "不多于", "不晚于", "不迟于")


def _masked(clause: str) -> str:
    """The clause with every negator's character that negates nothing (不断, 个别, 不得不, a yes/no question's 是不是)
    masked by # (same length)."""
    if _SINGLE_NEGATORS.isdisjoint(clause):  # every phrase masked holds one of them
        return clause
    c = YES_NO.sub("###", clause)
    for phrase in POLARITY_NEUTRAL + ENDS_IN_NEGATOR + DOUBLE_NEGATION:
        if phrase in c:
            c = c.replace(phrase, "#" * len(phrase))
    return c


def _negates(clause: str, masked: str | None = None) -> bool:
    """Does the clause say something negative (没有, 不能, 控制不了, 无法)? `masked`: its _masked, if known."""
    return bool(_CLAIM_NEGATORS.search(_masked(clause) if masked is None else masked))


# Where a negation reaches in its clause: what follows it (不是包含关系; 不必考虑替代者), and the verb just before a
# potential complement (控制不了, 做不到).
_AFTER_VERB = re.compile(r"[不没](?:了|到|住|起|上|出|动|成|好)")


_WORD_RUN = re.compile(f"[{_WORD_CHARS}]{{2,}}")  # the runs of a clause that hold its bigrams


def _polar_grams(clause: str, masked: str | None = None) -> dict[str, bool | None]:
    """Each bigram of a clause (those holding a negator's character left out) with its polarity: True where a
    negation reaches it, False where none does, None where it occurs both ways. `masked`: its _masked, if known."""
    c = _masked(clause) if masked is None else masked
    m = _CLAIM_NEGATORS.search(c)
    if m is None and _SINGLE_NEGATORS.isdisjoint(clause):  # most clauses: nothing negated, nothing masked
        out = {}
        for run in _WORD_RUN.findall(clause):
            out.update(dict.fromkeys(map(str.__add__, run, run[1:]), False))
        return out
    start = m.start() if m else len(c)
    before = set()  # what a potential complement (控制不了) negates before the negation's start
    for m in _AFTER_VERB.finditer(c, 0, start + 3):
        before.update(range(max(0, m.start() - 2), m.start()))
    out: dict[str, bool | None] = {}
    for run in _WORD_RUN.finditer(clause):
        for k in range(run.start(), run.end() - 1):
            a, b = c[k], c[k + 1]
            if a == "#" or b == "#" or a in _SINGLE_NEGATORS or b in _SINGLE_NEGATORS:
                continue  # masked, or a negator's own character
            g = clause[k:k + 2]
            neg = k + 1 >= start or k in before or k + 1 in before
            out[g] = neg if out.get(g, neg) == neg else None
    return out


@lru_cache(maxsize=256)
def _explanation_sentences(explanation: str) -> tuple[tuple[frozenset[str], dict[str, bool]], ...]:
    """Per sentence of the explanation: its bigrams, and each bigram's polarity (_polar_grams over its clauses; a
    bigram said both ways is left out)."""
    out = []
    for sentence in _EX_UNIT.split(explanation):
        polarity: dict[str, bool | None] = {}
        for clause in _PAIR_BREAK.split(sentence):
            for g, neg in _polar_grams(clause).items():
                polarity[g] = neg if polarity.get(g, neg) == neg else None
        if polarity:
            out.append((_grams(sentence), {g: v for g, v in polarity.items() if v is not None}))
    return tuple(out)


@lru_cache(maxsize=256)
def _explanation_clauses(explanation: str) -> tuple[tuple[frozenset[str], str, bool], ...]:
    """Per clause of the explanation: its bigrams, its text, and whether it negates (_negates)."""
    return tuple((g, c, _negates(c)) for c in _PAIR_BREAK.split(explanation) if (g := _grams(c)))


TURNED_MIN = 2  # bigrams of a clause whose polarity differs from the explanation's: the claim is turned round
OPPOSED_MIN = 2  # bigrams a clause shares with the explanation clause it is held against for swapped words


# Held against the explanation is only a clause in its words: half its bigrams there. A right claim in other words
# (不再按AHT排名发奖金 for 取消按AHT排名发奖金) is too far from it to tell a turned claim from a paraphrase.
CLOSE = 0.5
SUBJECT_BONUS = 1.5  # a claim is about its subject: the unit holding the clause's first bigram wins a tie


def _best(grams: frozenset[str], units, least: int, subject: str = ""):
    """The unit (its bigrams first) sharing the most bigrams with a clause (at least `least`, and CLOSE of the
    clause's), its subject weighing SUBJECT_BONUS more."""
    best, most, close = None, least - 0.5, max(least, CLOSE * len(grams))
    for unit in units:
        shared = len(grams & unit[0])
        if shared >= close:
            n = shared + (SUBJECT_BONUS if subject in unit[0] else 0.0)
            if n > most:
                best, most = unit, n
    return best


def _swaps(pairs: tuple[tuple[str, str], ...]):
    """For a paired clause of the explanation, its swappable words (_swapped) among `pairs`, worked out once per
    clause."""
    @lru_cache(maxsize=1024)
    def of(theirs: str) -> tuple[tuple[str, str], ...]:
        """(word, opposite) of each pair whose opposite the clause says and whose word it does not."""
        return tuple((a, b) if b in theirs else (b, a) for a, b in pairs if (a in theirs) != (b in theirs))
    return of


_OPPOSITE_WORDS, _OPPOSITE_CHARS = _swaps(OPPOSITES), _swaps(OPPOSITE_CHARS)


def _swapped(clause: str, theirs: str, swaps=_OPPOSITE_WORDS) -> bool:
    """Does the clause use one word of a pair where its paired clause `theirs` uses the other (`swaps`: _OPPOSITE_WORDS
    or _OPPOSITE_CHARS)?"""
    return any(a in clause and b not in clause for a, b in swaps(theirs))


def _other_numbers(clause: str, theirs: str) -> bool:
    """Does the clause give numbers its paired clause does not (80% 的客户贡献 80% 的利润 / 80% 来自 20%)?"""
    mine = _NUMBER.findall(clause)
    pool = _NUMBER.findall(theirs) if mine else []
    if not pool:
        return False
    for n in mine:
        if n not in pool:
            return True
        pool.remove(n)
    return False


@dataclass(eq=False)  # never changed once made; not frozen, whose __init__ is slower, for dozens of clauses an answer
class _Clause:
    text: str
    grams: frozenset[str]
    subject: str
    close: float  # the bigrams a unit must share with it to hold it against (_best, OPPOSED_MIN)

    # Read only for the few clauses close to an explanation, when first asked for.
    @cached_property
    def _copula(self) -> re.Match | None:
        m = COPULA.search(self.text)
        return m if m is not None and m.start() >= 2 else None

    @cached_property
    def head(self) -> frozenset[str] | None:
        """The bigrams before its first COPULA, if one follows a subject."""
        return _grams(self.text[:self._copula.start()]) if self._copula else None

    @cached_property
    def body(self) -> frozenset[str] | None:
        """…and those after it."""
        return _grams(self.text[self._copula.end():]) if self._copula else None

    @cached_property
    def masked(self) -> str:
        return _masked(self.text)

    @cached_property
    def polar(self) -> tuple[tuple[str, bool], ...]:
        """_polar_grams, those said one way only."""
        return tuple((k, v) for k, v in _polar_grams(self.text, self.masked).items() if v is not None)

    @cached_property
    def negates(self) -> bool:
        return _negates(self.text, self.masked)


@lru_cache(maxsize=2)
def _answer_grams(text: str) -> tuple[tuple[str, ...], frozenset[str], tuple[frozenset[str], ...], tuple[str, ...],
                                      list[_Clause | None]]:
    """The answer's clauses (every point holds them against its explanation), its bigrams (_bigrams), and per clause
    its bigrams, its first two letters (its subject) and, once asked for (_answer_clause), its _Clause; read once per
    answer. No clause break is a letter (_WORD_CHARS), so the answer's letters are its clauses' in a row and each
    bigram is made once: a clause's are those between its first and last letters, the answer's all of them."""
    pieces = [(c, _word_chars(c)) for c in _PAIR_BREAK.split(text)]
    letters = "".join(chars for _, chars in pieces)
    pairs = [letters[i:i + 2] for i in range(len(letters) - 1)]
    clauses, grams, subjects, at = [], [], [], 0
    for c, chars in pieces:
        if len(chars) >= 2:  # else no bigram
            clauses.append(c)
            grams.append(frozenset(pairs[at:at + len(chars) - 1]))
            subjects.append(chars[:2])
        at += len(chars)
    return tuple(clauses), frozenset(pairs), tuple(grams), tuple(subjects), [None] * len(clauses)


def _answer_clause(text: str, i: int) -> _Clause:
    """The answer's i-th clause (_answer_grams) as a _Clause, made when first asked for: most clauses share nothing
    with any explanation and never are. The same object for every point, so that what it reads is read once."""
    clauses, _, grams, subjects, made = _answer_grams(text)
    c = made[i]
    if c is None:
        c = made[i] = _Clause(clauses[i], grams[i], subjects[i], max(OPPOSED_MIN, CLOSE * len(grams[i])))
    return c


def _answer_clauses(text: str) -> tuple[str, ...]:
    """The answer's clauses (_answer_grams), as text."""
    return _answer_grams(text)[0]


def _answer_bigrams(text: str) -> frozenset[str]:
    """_bigrams of the answer."""
    return _answer_grams(text)[1]


@lru_cache(maxsize=64)
def _clauses_sharing(text: str, explanation: str) -> tuple[tuple[_Clause, int], ...]:
    """The answer's clauses sharing bigrams with the explanation, as many as claims_turned or claims_split asks of a
    clause at the least (OPPOSED_MIN, CLAIM_MIN), each with how many: one pass over the answer per point, not two."""
    every = _bigrams(explanation)
    least = min(OPPOSED_MIN, CLAIM_MIN)
    grams = _answer_grams(text)[2]
    # most clauses share nothing with it: isdisjoint tells them apart without building the intersection, in one
    # pass of C over them all
    return tuple((_answer_clause(text, i), shared) for i in compress(range(len(grams)), map(not_, map(
        every.isdisjoint, grams))) if (shared := len(grams[i] & every)) >= least)


def claims_turned(text: str, explanation: str) -> dict[str, int]:
    """Counts over the answer's clauses (a wrong claim need not hold the hint words that credited the point: 时间上，
    计划在行动后写), each held only where CLOSE of its bigrams are the explanation's:
    claim_turned   clauses whose bigrams, in the explanation sentence sharing the most with them (PAIR_MIN), have the
                   other polarity (_polar_grams; TURNED_MIN of them, more than agree): 包含关系而不是对立关系 /
                   对立关系而不是包含关系. Each clause is also held against the explanation clause sharing the most
                   bigrams with it (OPPOSED_MIN), and counted when
    claim_negated  one of the two negates and the other does not (价值差别很大 / 价值差别不大);
    claim_opposite it uses one word of an OPPOSITES pair where that clause uses the other;
    claim_swapped  …one character of an OPPOSITE_CHARS pair (计划在行动前写 / 计划在行动后写);
    claim_numbers  it gives numbers that clause does not."""
    sentences, units = _explanation_sentences(explanation), _explanation_clauses(explanation)
    n = dict.fromkeys(("claim_turned", "claim_negated", "claim_opposite", "claim_swapped", "claim_numbers"), 0)
    for c, shared in _clauses_sharing(text, explanation):
        if shared < c.close:
            continue  # no unit of the explanation can be close enough
        best = _best(c.grams, sentences, PAIR_MIN, c.subject)
        if best is not None:
            polar = [best[1][g] != neg for g, neg in c.polar if g in best[1]]
            flipped = sum(polar)
            n["claim_turned"] += flipped >= TURNED_MIN and flipped > len(polar) - flipped
        near = _best(c.grams, units, OPPOSED_MIN, c.subject)
        if near is not None:
            n["claim_negated"] += c.negates != near[2]
            n["claim_opposite"] += _swapped(c.text, near[1], _OPPOSITE_WORDS)
            n["claim_swapped"] += _swapped(c.text, near[1], _OPPOSITE_CHARS)
            n["claim_numbers"] += _other_numbers(c.text, near[1])
    return n


# A claim with a bare copula (有形性是准确可靠地兑现承诺): its subject and what is said of it. (A colon ends the
# clause already: _PAIR_BREAK.)
COPULA = re.compile(r"(?<![不就还也都而但可总要只正若像凡即])是(?![否不])|为(?=[^了])")


def claims_split(text: str, explanation: str) -> int:
    """Clauses cut at their first copula (COPULA) whose subject the explanation says in one sentence and whose body
    in another, and not in the subject's: 可靠性是设施、环境等看得见的部分 where the explanation has 有形性（设施…）."""
    units = _explanation_units(explanation)
    every = _bigrams(explanation)
    n = 0
    for c, shared in _clauses_sharing(text, explanation):
        if shared < CLAIM_MIN or c.body is None or len(c.body & every) < CLAIM_MIN:
            continue  # no unit can place the body
        n += _misplaced(c.head, c.body, units, _placed_loose)
    return n


def _placed_loose(grams: frozenset[str], units: tuple[frozenset[str], ...]) -> int:
    """The one unit holding all of a short subject's bigrams (有形性: 有形, 形性), else -1 (none, or several)."""
    if not grams:
        return -1
    hits = [i for i, u in enumerate(units) if grams <= u]
    return hits[0] if len(hits) == 1 else _placed(grams, units)


def _clause_of(text: str, pos: int) -> tuple[int, int]:
    return _clause_bounds(text, pos, pos)


def _evidence_features(text, hints, label, per_group, found, negated, hint_words, credited, terms, wrong_definition,
                       rejected, refused, skipped, needed, specific, enough, material, others, explanation) -> dict:
    """What the answer offers as evidence for one point, as numbers (keypoint_model's docstring). Only for a
    point whose explanation is known: without one, the rules decide and there is nothing to weigh."""
    n = len(hints) or 1
    explained_groups, strength, marker = set(), 0, False
    clauses, judged = set(), {}
    breaks = _explain_breaks(text)
    for a, b, g in credited:
        i, j = bisect_left(breaks, a), bisect_left(breaks, b)
        key = (breaks[i - 1] if i else -1, breaks[j] if j < len(breaks) else len(text))
        if key not in judged:  # every hit of one clause is judged alike
            judged[key] = _explaining_clause(text, a, b, terms)[2:]
        has_marker, own = judged[key]
        if has_marker or own >= EXPLAIN_MIN:
            explained_groups.add(g)
        strength = max(strength, own)
        marker = marker or has_marker
        clauses.add(_clause_of(text, a))
    ev_chars = sum(right - left for left, right in clauses)
    shared_clauses = sum(bool(others and others.search(text, left, right)) for left, right in clauses)
    label_grams = _bigrams(normalise(label))
    ev_text = "|".join(text[left:right] for left, right in clauses)
    defined = sum(any(_definition_body(text, o[1]) for o in occ if not o[3]) for _, _, occ, *_ in per_group)
    ex = _bigrams(explanation)
    answer = _answer_bigrams(text)
    ev = _grams(ev_text)
    ex_own = _own_bigrams(explanation, material)
    claim_novel, claim_split, claim_wrong = claims_against([text[left:right] for left, right in sorted(clauses)],
                                                           explanation)
    return {
        **{k: float(v) for k, v in claims_turned(text, explanation).items()},
        "claim_misplaced": float(claims_split(text, explanation)),
        "claim_novel": claim_novel,
        "claim_split": float(claim_split),
        "claim_wrong": float(claim_wrong),
        "_ev": ev,
        "_exset": ex,
        "ex_ev": len(ev & ex) / len(ev) if ev else 0.0,
        "ex_cov": len(ev & ex) / len(ex) if ex else 0.0,
        "ex_ans": len(answer & ex) / len(ex) if ex else 0.0,
        "ex_dens": len(answer & ex) / len(answer) if ex and answer else 0.0,
        "ex_own_cov": len(ev & ex_own) / len(ex_own) if ex_own else 0.0,
        "groups": float(len(hints)),
        "found": float(len(found)),
        "share": len(found) / n,
        "enough": float(enough),
        "over_needed": float(len(found) - needed),
        "specific": float(specific),
        "own_words": float(len(hint_words)),
        "negated": float(len(negated)),
        "rejected": float(rejected),
        "refused": float(refused),
        "wrong_definition": float(len(wrong_definition)),
        "skipped": float(skipped),
        "explained": float(len(explained_groups)),
        "explained_share": len(explained_groups) / n,
        "strength": float(min(strength, 20)),
        "marker": float(marker),
        "clauses": float(len(clauses)),
        "ev_share": ev_chars / max(len(text), 1),
        "shared_clauses": shared_clauses / len(clauses) if clauses else 0.0,
        "label_overlap": len(label_grams & answer) / len(label_grams) if label_grams else 0.0,
        "label_overlap_ev": len(label_grams & ev) / len(label_grams) if label_grams else 0.0,
        "defined": float(defined),
    }


# Shorter than this, an explanation is a placeholder (a new draft's 这个要点的完整说明。), not evidence: the shipped
# cases' shortest is 21 characters.
EXPLANATION_MIN = 16


def _explanation(point: dict) -> str:
    """The paragraph under a point in its case file, normalised, when the caller passed it (explanation_html as
    content payloads carry it, explanation_md, or explanation)."""
    raw = point.get("explanation_html") or point.get("explanation_md") or point.get("explanation") or ""
    return _explanation_text(raw)


@lru_cache(maxsize=1024)
def _explanation_text(raw: str) -> str:
    return normalise(html.unescape(_TAG.sub(" ", raw))) if raw else ""


def _exhorts(clause: str) -> bool:
    """Does the clause open, after a subject and a modal, with an empty verb or an adverb of zeal (see _ZEAL)?"""
    return _LEAD_EXHORT.match(clause) is not None


def _answer_features(text: str) -> dict:
    """How terse and how hortatory the answer is as a whole: the mean length of its units between 、，。 and
    brackets, and the share of its clauses that open with an exhortation."""
    units = [u for u in EXPLAIN_BREAK.split(text) if u.strip()]
    clauses, zeal = _zeal(text)
    return {"unit_len": math.log1p(sum(map(len, units)) / len(units)) if units else 0.0,
            "zeal_share": zeal / clauses if clauses else 0.0}


@lru_cache(maxsize=2)
def _zeal(text: str) -> tuple[int, int]:
    """How many clauses the (normalised) answer has, and how many of them open with an exhortation (_exhorts): read
    once per answer, for _answer_features and is_dump."""
    clauses = [c for c in CLAUSE_BREAK.split(text) if c.strip()]
    return len(clauses), sum(map(_exhorts, clauses))


def _span_share(spans: list[tuple[int, int]], length: int) -> float:
    covered = set()
    for a, b in spans:
        covered.update(range(a, b))
    return len(covered) / max(length, 1)


CONTRADICTIONS = ("claim_negated", "claim_turned", "claim_opposite", "claim_swapped", "claim_numbers",
                  "claim_misplaced", "claim_split", "claim_wrong")


def suggest_points(answer: str, key_points: list[dict], material: str = "") -> list[PointSuggestion]:
    """One suggestion per key point ({"label", "weight", "hints"} as stored for a case); `material` is the
    case's question and background (text or HTML), whose recital earns nothing."""
    normalised = normalise_with_map(answer)
    text = normalised[0]
    hints = _case_hints(key_points)
    parts = {"list": recital_spans(answer, key_points, text, hints),
             "terms": _to_normalised(term_list_spans(answer), normalised[1]),
             "recited": recited_spans(text, material), "slogan": slogan_spans(text)}
    skip = [span for spans in parts.values() for span in spans]
    mat = normalise(_TAG.sub(" ", material)) if material else ""
    shared = _shared_hints(hints)
    explanations = [_explanation(p) for p in key_points]
    dump = is_dump(text)
    if not (key_points and all(len(e) >= EXPLANATION_MIN for e in explanations)):  # the rules decide
        out = [suggest_point(i, p.get("hints") or [], answer, p.get("label", ""), skip, normalised, mat, shared)
               for i, p in enumerate(key_points)]
        _misconceived(out, key_points, normalised)
        return _withdraw_misconceived(_withdraw_dump(out) if dump else out)
    for explanation in explanations:
        # every point's clauses held against its explanation (claims_turned, claims_split), found while the answer's
        # clause bigrams (_answer_grams) are fresh in the processor's caches: later, between the points, they are not
        _clauses_sharing(text, explanation)
    out = []
    for i, (p, others) in enumerate(zip(key_points, _others_patterns(hints), strict=True)):
        out.append(suggest_point(i, p.get("hints") or [], answer, p.get("label", ""), skip, normalised, mat, shared,
                                 others, explanations[i]))
    for s in out:
        ev = s.evidence["_ev"]
        best = max((len(ev & o.evidence["_exset"]) for o in out), default=0)
        mine = len(ev & s.evidence["_exset"])
        s.features["ex_best"] = float(bool(ev) and bool(s.evidence["_exset"]) and mine >= best)
        rival = max((len(ev & o.evidence["_exset"]) for o in out if o is not s), default=0)
        s.features["ex_margin"] = (mine - rival) / (mine + rival + 4)
    top = max((s.features["ex_ans"] for s in out), default=0.0)
    for s in out:
        s.features["ex_ans_rel"] = s.features["ex_ans"] / top if top else 0.0
    answer_level = {f"{k}_share": _span_share(v, len(text)) for k, v in parts.items()}
    answer_level["length"] = math.log1p(len(text))
    answer_level.update(_answer_features(text))
    answer_level["points"] = float(len(key_points))
    answer_level["rule_credited"] = sum(s.covered for s in out) / max(len(out), 1)
    # How much of the answer contradicts the case's explanations: a wrong answer turns many claims round, a right one
    # in its own words only a few, so summed over the points the noise of each point's count averages out.
    contra = sum(s.features.get(k, 0.0) for s in out for k in CONTRADICTIONS)
    clauses = _answer_clauses(text)
    answer_level["contra_share"] = contra / max(len(clauses), 1)
    # …and how much of it waves things away (不必考虑替代者, 分析了也没用, 回访没有必要): a wrong answer dismisses what the
    # reference asks for, a right one says what to do
    answer_level["dismiss_share"] = sum(bool(_normative(c) or _DISMISSAL_CUE.search(c)) for c in clauses) \
        / max(len(clauses), 1)
    all_groups = max(sum(s.features.get("groups", 0.0) for s in out), 1.0)
    answer_level["negated_share"] = sum(s.features.get("negated", 0.0) for s in out) / all_groups
    answer_level["contra_points"] = sum(any(s.features.get(k, 0.0) for k in CONTRADICTIONS) for s in out) \
        / max(len(out), 1)
    answer_level["misconception_share"] = _misconceived(out, key_points, normalised) / max(len(out), 1)
    # …and how deep it goes where it goes: a near miss touches every point with a word or two of each, a complete
    # answer makes most of each point's groups, a partial one few points but those well
    touched = [s for s in out if s.features["found"]]
    answer_level["touched"] = len(touched) / max(len(out), 1)
    answer_level["depth"] = sum(s.features["share"] for s in touched) / len(touched) if touched else 0.0
    for s in out:
        s.features.update(answer_level)
        if keypoint_model.ENABLED:
            _decide(s)
    return _withdraw_misconceived(_withdraw_dump(out) if dump else out)


# An answer of exhortations earns nothing, whatever its sentences hold: exhortation_sentences takes a sentence whose
# clauses mostly open with an empty verb or an adverb of zeal, unless it holds a figure, an example or a reason; an
# answer made of such clauses sentence after sentence (…，争取满意度达到90%。) is a slogan dump all the same. (Round 15
# also tried "70% of the characters in name lists and term lines": a list answer whose one glossed item sits among
# bare ones makes that item's point, and lost it.)
ZEAL_DUMP = 0.6  # share of the answer's clauses (EXHORT_MIN at least) that open with an exhortation (加强…, 坚持…)


def is_dump(text: str) -> bool:
    """Is the (normalised) answer a run of exhortations as a whole?"""
    clauses, zeal = _zeal(text)
    return clauses >= EXHORT_MIN and zeal >= ZEAL_DUMP * clauses


def _withdraw_dump(out: list[PointSuggestion]) -> list[PointSuggestion]:
    """After every decision: an exhortation dump's credits are withdrawn (features["dump"]; it is not weighed)."""
    for s in out:
        s.features["dump"] = 1.0
        if s.covered:
            s.covered, s.reason = False, "terms_only"
    return out


def _misconceived(out: list[PointSuggestion], key_points: list[dict], normalised: tuple[str, list[int]]) -> int:
    """Mark each suggestion whose point's 误区 the answer says (misconceptions.misconceptions_said) with that
    misconception and where it is said. Returns how many points are marked."""
    from .misconceptions import misconception_text, misconceptions_said  # it reads this module's normalise
    text, where = normalised
    marked = 0
    for s, p in zip(out, key_points, strict=True):
        said = misconceptions_said(text, p.get("misconceptions") or [])
        s.features["misconceived"] = float(bool(said))
        if said:
            s.misconception = misconception_text(p["misconceptions"][said[0].index])
            s.misconception_span = (where[said[0].start], where[said[0].end - 1] + 1)
            marked += 1
    return marked


def _withdraw_misconceived(out: list[PointSuggestion]) -> list[PointSuggestion]:
    """After every decision, rules' or learned: the author's word that a claim is wrong outweighs any evidence."""
    for s in out:
        if s.misconception:
            s.covered, s.reason = False, "misconception"
    return out


def _decide(s: PointSuggestion) -> None:
    """The learned decision replaces the rules' yes/no (keypoint_model); a refusal's reason is the rules' own when
    they refused too, else it follows the feature that weighed most against the point."""
    s.covered, s.probability = keypoint_model.decide(s.features)
    if s.covered:
        s.reason = "covered"
    elif s.features["rule"]:
        s.reason = keypoint_model.refusal_reason(s.features)


@lru_cache(maxsize=256)
def _point_words(points: tuple) -> list[set[str]]:
    """Each point's hint words (as written, at least two characters), for telling whose clause a clause is."""
    return [{w for g in groups for w in (h.lstrip(REQUIRES_NEGATION) for h in map(hint_word, g)) if len(w) >= 2}
            for groups in points]


@lru_cache(maxsize=1024)
def _words_pattern(words: tuple[str, ...]) -> re.Pattern | None:
    return re.compile("|".join(map(re.escape, sorted(words, key=len, reverse=True)))) if words else None


@lru_cache(maxsize=256)
def _others_patterns(hints: tuple) -> tuple[re.Pattern | None, ...]:
    """Per point of a case (its _case_hints), a pattern for the other points' words (_point_words), once per case."""
    words = _point_words(hints)
    return tuple(_words_pattern(tuple(sorted(set().union(*(w for j, w in enumerate(words) if j != i)))))
                 for i in range(len(words)))


def weighted_score(key_points: list[dict], covered: list[bool]) -> int:
    """The score out of 100 for the points the candidate confirmed."""
    return sum(p["weight"] for p, c in zip(key_points, covered, strict=True) if c)


def pick_followup(key_points: list[dict], followups: list[dict], covered: list[bool]) -> dict | None:
    """The examiner's 追问: aimed at the heaviest point the answer missed, if one targets it.

    Falls back to a follow-up with no particular target, then to the first one, so a
    candidate who covered everything is still questioned further. Targets are key point keys.
    """
    if not followups:
        return None
    missed = sorted((i for i, c in enumerate(covered) if not c), key=lambda i: -key_points[i]["weight"])
    for i in missed:
        for f in followups:
            if f.get("target") == key_points[i]["key"]:
                return f
    return next((f for f in followups if not f.get("target")), followups[0])


def evaluate_file(data: dict) -> list[list[str]]:
    """The stable evaluation entry: `data` is {"points": [{"key", "label", "weight", "hints"}], "answers": [text]}
    and optionally "material" (the case's question and background, for the recital rule) and, per point,
    "explanation" (the paragraph under it in the case file: with every point's, the learned decision is made),
    hints as one line in content/FORMAT.md's syntax (道歉/致歉，倾听/听完), and optionally "misconceptions" (its 误区
    line: 先处理事情…再处理情绪；道歉…等于承认责任). Returns, per answer, the keys of the points the matcher would credit,
    in the points' order."""
    from ..content.source import Report, parse_hints, parse_misconceptions
    points = []
    for n, p in enumerate(data["points"], start=1):
        report = Report("<points>")
        hints = p["hints"] if isinstance(p["hints"], list) else parse_hints(str(p["hints"]), n, report, f"要点 {n}")
        wrong = p.get("misconceptions") or []
        if not isinstance(wrong, list):
            wrong = parse_misconceptions(str(wrong), n, report, f"要点 {n}")
        else:  # [{"says", "wordings"}] as content payloads carry them, or bare lists of wordings
            wrong = [m if isinstance(m, dict) else {"says": "", "wordings": list(m)} for m in wrong]
        if report.problems:
            raise ValueError("; ".join(pr.message for pr in report.problems))
        points.append({"key": p["key"], "label": p.get("label", ""), "weight": p.get("weight", 0), "hints": hints,
                       "explanation": str(p.get("explanation") or ""), "misconceptions": wrong})
    material = str(data.get("material") or "")
    return [[points[s.index]["key"] for s in suggest_points(answer, points, material) if s.covered]
            for answer in data["answers"]]


def main(argv: list[str] | None = None) -> int:
    """python -m training.grading.keypoints FILE.json: per answer, the covered keys as one JSON line."""
    import json
    import sys
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("用法：python -m training.grading.keypoints FILE.json", file=sys.stderr)
        return 2
    with open(args[0], encoding="utf-8") as fh:
        data = json.load(fh)
    for keys in evaluate_file(data):
        print(json.dumps(keys, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
