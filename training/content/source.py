"""Shared pieces of the content parser: splitting front matter, numbered lines, problems."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import frontmatter
import yaml

from .items import DEFAULT_ORDER, Problem

ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ID_MAX = 64
FENCE = re.compile(r"^(?:---|\.\.\.)\s*$")
META_LINE = re.compile(r"^(?P<key>知识点|提示词|误区|针对|答案|类别)\s*[:：]\s*(?P<value>.*?)\s*$")
SUB_HEAD = re.compile(r"^###\s+(?P<name>.+?)\s*#*\s*$")
LIST_SPLIT = re.compile(r"\s*[,，;；、]\s*")
SYN_SPLIT = re.compile(r"\s*[/／|｜]\s*")

Line = tuple[int, str]  # (1-based line number, text)

# A stable key closes the line that introduces an option, step, item, category, key point or 追问:
# `- [x] 指导作用 {#a}`. Keys are what answers are stored against, so they never change.
KEY_PATTERN = r"[a-z][a-z0-9-]{0,19}"
KEY_TAIL = re.compile(r"\s*\{#(?P<key>[^{}\s]*)\}\s*$")
KEY_RE = re.compile(rf"^{KEY_PATTERN}$")
# `{b}` in a stem or 解析 names option b; pages show the letter it has in the order the learner saw.
KEY_REF = re.compile(rf"\{{(?P<key>{KEY_PATTERN})\}}")


@dataclass
class Source:
    """One file's text split into front matter and numbered body lines."""

    path: str
    meta: dict[str, Any]
    meta_lines: dict[str, int]
    body: list[Line]
    front: list[Line]  # the front matter's own lines, for messages about nested YAML


class Report:
    """Collects problems for one file.

    With keys_optional, a missing key is not a problem: a key is made up and the edit
    that would write it into the file is recorded (`flask content add-keys` applies them).
    """

    def __init__(self, path: str, keys_optional: bool = False):
        self.path = path
        self.problems: list[Problem] = []
        self.keys_optional = keys_optional
        self.edits: list[tuple[int, str, str]] = []  # (line, "append" | "replace" | "insert-after", text)

    def add(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, message))


def split_key(text: str) -> tuple[str, str | None]:
    """`指导作用 {#a}` → ("指导作用", "a"); no key → (text, None); a malformed key → (text, "")."""
    m = KEY_TAIL.search(text)
    if not m:
        return text, None
    return text[:m.start()].rstrip(), m.group("key")


class KeyChecker:
    """Keys of one item: present, well-formed, unique within the item; made up where optional.

    take() each keyed line in order, then finish() returns the keys in that order, with a free
    key made up for every line that has none (a line <= 0 is one add-keys writes whole itself).
    """

    def __init__(self, report: Report, what: str):
        self.report, self.what = report, what
        self.seen: dict[str, int] = {}
        self.taken: list[tuple[int, str | None, str, int]] = []  # (line, key or None, prefix, number)

    def take(self, line: int, key: str | None, prefix: str, number: int) -> None:
        if key is None:
            if not self.report.keys_optional and line > 0:
                example = prefix + str(number) if prefix else "abcdefgh"[min(number, 8) - 1]
                self.report.add(line, f"{self.what}：这一行缺少编号，在行末写 {{#编号}}，例如 {{#{example}}}"
                                      "（flask content add-keys 可以一次补齐）")
        elif not KEY_RE.match(key):
            self.report.add(line, f"{self.what}：编号 {{#{key}}} 不合法：以小写字母开头，只用小写字母、数字和连字符，最长 20 个字符")
        elif key in self.seen:
            self.report.add(line, f"{self.what}：编号 {{#{key}}} 重复（第 {self.seen[key]} 行已用），同一题内的编号必须各不相同")
        if key is not None:
            self.seen.setdefault(key, line)
        self.taken.append((line, key, prefix, number))

    def finish(self) -> list[str]:
        """The keys in the order taken; a key-less line gets prefix+number (a, b… for options)."""
        keys = []
        for line, key, prefix, number in self.taken:
            if key is None:
                key = prefix + str(number) if prefix else "abcdefgh"[number - 1]
                while key in self.seen:
                    number += 1
                    key = prefix + str(number) if prefix else f"o{number}"
                self.seen[key] = line
                if line > 0:
                    self.report.edits.append((line, "append", f" {{#{key}}}"))
            keys.append(key)
        return keys


def split_source(path: str, text: str, report: Report) -> Source | None:
    """Separate YAML front matter from the body, keeping line numbers."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if not lines or lines[0].strip() != "---":
        report.add(1, "文件必须以 YAML 头（第一行为 ---）开始")
        return None
    end = next((i for i in range(1, len(lines)) if FENCE.match(lines[i])), None)
    if end is None:
        report.add(1, "YAML 头没有结束行 ---")
        return None
    try:
        post = frontmatter.loads("\n".join(lines[: end + 1]) + "\n")
    except yaml.YAMLError as exc:
        # context_mark is where the broken construct began (e.g. an unclosed "["),
        # which is where the author has to look; problem_mark is where the parser gave up.
        mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1  # the YAML text starts with the newline after ---
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        report.add(line, f"YAML 头格式错误：{problem}")
        return None
    meta = post.metadata
    if not isinstance(meta, dict):
        report.add(2, "YAML 头必须是 键：值 的形式")
        return None
    meta_lines = {}
    for i in range(1, end):
        m = re.match(r"^([A-Za-z_\u4e00-\u9fff]+)\s*:", lines[i])
        if m:
            meta_lines.setdefault(m.group(1), i + 1)
    body = [(i + 1, lines[i]) for i in range(end + 1, len(lines))]
    front = [(i + 1, lines[i]) for i in range(1, end)]
    return Source(path, meta, meta_lines, body, front)


def block_text(lines: list[Line]) -> str:
    return "\n".join(t for _, t in lines).strip("\n")


def first_line(lines: list[Line], default: int) -> int:
    return next((n for n, t in lines if t.strip()), default)


def check_id(value: Any, line: int, report: Report, what: str) -> str | None:
    if not isinstance(value, str) or not value:
        report.add(line, f"{what}缺少编号 id")
        return None
    if len(value) > ID_MAX or not ID_RE.match(value):
        report.add(line, f"{what}编号 {value!r} 不合法：只能用小写字母、数字和连字符，最长 {ID_MAX} 个字符")
        return None
    return value


def meta_str(src: Source, key: str, report: Report, required: bool = True) -> str:
    value = src.meta.get(key)
    line = src.meta_lines.get(key, 1)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            report.add(line, f"YAML 头缺少 {key}")
        return ""
    if not isinstance(value, (str, int, float)):
        report.add(line, f"YAML 头的 {key} 应是一段文字")
        return ""
    return str(value).strip()


def meta_choice(src: Source, key: str, choices: tuple[str, ...], default: str, report: Report) -> str:
    value = meta_str(src, key, report, required=False) or default
    if value not in choices:
        report.add(src.meta_lines.get(key, 1), f"{key} 为 {value!r}，应为 {' / '.join(choices)} 之一")
    return value


def id_list(value: Any, line: int, report: Report, what: str) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        value = LIST_SPLIT.split(value.strip())
    if not isinstance(value, list):
        report.add(line, f"{what}应是编号列表")
        return []
    ids = []
    for v in value:
        v = str(v).strip()
        if v and check_id(v, line, report, what):
            ids.append(v)
    return ids


def parse_hints(value: str, line: int, report: Report, what: str) -> list[list[str]]:
    """`提示词: 道歉/致歉, 倾听` → [["道歉", "致歉"], ["倾听"]]: groups of synonyms."""
    groups = []
    for raw in LIST_SPLIT.split(value.strip()):
        words = [w for w in SYN_SPLIT.split(raw) if w]
        if not raw or not words:
            report.add(line, f"{what}的提示词有空项（检查多余的逗号或斜杠）")
            continue
        for w in words:
            if w[0] in "-－" and (len(w) == 1 or w[1] in "不别没无勿莫"):
                report.add(line, f"{what}的提示词 “{w}” 写法不对：减号后面写要点禁止的做法本身，如 -诱导（不要写成 -不诱导）")
            elif w[0] in "-－" and w[1:].replace(".", "").replace("%", "").isdigit():
                report.add(line, f"{what}的提示词 “{w}” 写法不对：减号表示要点禁止的做法，负数请写成“负1”“负一”")
        groups.append(words)
    if not groups:
        report.add(line, f"{what}的提示词为空")
    return groups


MISCONCEPTION_SPLIT = re.compile(r"\s*[;；]\s*")
FRAGMENT_SPLIT = re.compile(r"\s*(?:…+|\.{3,})\s*")
FRAGMENT_BAD = re.compile(r"[，,。！？!?：:、（）()“”\"\s]")
MAX_FRAGMENTS = 4


SAYS = re.compile(r"^(?P<wordings>.*?)\s*[（(](?P<says>[^（）()]*)[）)]\s*$")
MAX_SAYS = 60


def parse_misconceptions(value: str, line: int, report: Report, what: str) -> list[dict]:
    """`误区: 先处理事情…再处理情绪/先办事…后安抚（先把事情办完，再去安抚顾客的情绪）；道歉…等于承认责任（…）` →
    [{"says": "先把事情办完，再去安抚顾客的情绪", "wordings": ["先处理事情…再处理情绪", "先办事…后安抚"]}, …]:
    misconceptions (separated by ；), each with the sentence learners read (in brackets at its end) and its wordings
    (separated by /), each wording one or more fragments that must appear in this order in one sentence of an
    answer (separated by …)."""
    groups = []
    for raw in MISCONCEPTION_SPLIT.split(value.strip()):
        m = SAYS.match(raw)
        says, raw = (m.group("says").strip(), m.group("wordings")) if m else ("", raw)
        if m and not says:
            report.add(line, f"{what}的误区 “{raw}” 后面的括号是空的：括号里用一句话写出这个错误说法")
        elif len(says) > MAX_SAYS or "…" in says:
            report.add(line, f"{what}的误区说明 “{says}” 应是一句不超过 {MAX_SAYS} 字的完整的话，不用省略号")
        wordings = [w for w in SYN_SPLIT.split(raw) if w]
        if not raw or not wordings:
            report.add(line, f"{what}的误区有空项（检查多余的分号或斜杠）")
            continue
        kept = []
        for w in wordings:
            fragments = [f for f in FRAGMENT_SPLIT.split(w.strip("…. ")) if f]
            if not fragments or FRAGMENT_SPLIT.search(w.strip("…. ")) and len(fragments) < 2:
                report.add(line, f"{what}的误区 “{w}” 有空的片段（省略号两边都要有字）")
            elif any(FRAGMENT_BAD.search(f) for f in fragments):
                report.add(line, f"{what}的误区 “{w}” 里有标点或空格：片段之间用省略号 … 隔开，片段里只写字")
            elif len(fragments) > MAX_FRAGMENTS:
                report.add(line, f"{what}的误区 “{w}” 分成了 {len(fragments)} 段，最多 {MAX_FRAGMENTS} 段")
            elif sum(len(f) for f in fragments) < 4:
                report.add(line, f"{what}的误区 “{w}” 太短（至少 4 个字），几乎任何回答都会碰上")
            else:
                kept.append("…".join(fragments))
        if kept:
            groups.append({"says": says, "wordings": kept})
    if not value.strip():
        report.add(line, f"{what}的误区为空")
    return groups


def take_meta(lines: list[Line], keys: set[str], report: Report, what: str) -> tuple[dict[str, tuple[int, str]], list[Line]]:
    """Pull `键: 值` lines (e.g. 提示词, 针对) out of a block; the rest is Markdown."""
    meta: dict[str, tuple[int, str]] = {}
    rest = []
    for n, t in lines:
        m = META_LINE.match(t)
        if m and m.group("key") in keys:
            if m.group("key") in meta:
                report.add(n, f"{what}重复写了 {m.group('key')}")
            meta[m.group("key")] = (n, m.group("value"))
        else:
            rest.append((n, t))
    return meta, rest


def meta_order(src: Source, report: Report) -> int:
    """Optional `order: 10`: position among the area's items of the same kind (smaller first)."""
    value = src.meta.get("order", DEFAULT_ORDER)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100_000:
        report.add(src.meta_lines.get("order", 1), f"order 应是 0–100000 的整数，现在是 {value!r}")
        return DEFAULT_ORDER
    return value
