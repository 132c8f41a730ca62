"""Read a whole content directory and check what no single file can: ids, references."""
from __future__ import annotations

import os
import re
from pathlib import Path

from .gcwindow import old_objects_frozen
from .items import ContentSet, Problem
from .parse import parse_areas, parse_document
from .markdown import plain_text, raw_html_lines
from .punctuation import half_width_lines
from .source import META_LINE

AREAS_FILE = "areas.yaml"
SKIP_FILES = {"FORMAT.md", "README.md", "SYLLABUS.md"}  # documents, not items


def content_files(root: Path) -> list[Path]:
    """Markdown content files under root, in a stable order (FORMAT.md, README.md and SYLLABUS.md are docs)."""
    return sorted(p for p in root.rglob("*.md") if p.name not in SKIP_FILES and p.is_file())


def display_path(path: Path) -> str:
    """A path as an author would type it: relative to the working directory when possible."""
    try:
        return os.path.relpath(path, Path.cwd()) if path.is_absolute() else str(path)
    except ValueError:
        return str(path)


@old_objects_frozen()
def read_content(root: Path | str, overrides: dict[str, str] | None = None) -> ContentSet:
    """Parse every file under root and cross-check them.

    overrides maps a file path to replacement text, so a single edited file can
    be checked against the rest of the live content before it is saved.
    """
    root = Path(root)
    overrides = {str(Path(k).resolve()): v for k, v in (overrides or {}).items()}
    result = ContentSet()
    areas_path = root / AREAS_FILE
    if areas_path.is_file():
        areas, problems = parse_areas(display_path(areas_path), areas_path.read_text(encoding="utf-8"))
        result.areas, result.problems = areas, list(problems)
        result.problems += [Problem(a.path, a.line, f"考点领域 {a.id} 的标题或简介里有半角标点紧挨着中文，请改用全角")
                            for a in areas if half_width_lines(a.title) or half_width_lines(a.summary)]
    else:
        result.problems.append(Problem(display_path(areas_path), 1, "缺少 areas.yaml（考点领域列表）"))
    files = content_files(root)
    extra = [Path(p) for p in overrides if not any(str(f.resolve()) == p for f in files)]
    jobs = []
    for path in files + extra:
        shown = display_path(path)
        key = str(path.resolve()) if overrides else ""  # resolving is a stat per path component
        try:
            jobs.append((shown, overrides[key] if key in overrides else path.read_text(encoding="utf-8")))
        except UnicodeDecodeError:
            result.problems.append(Problem(shown, 1, "文件不是 UTF-8 编码"))
    for shown, text in jobs:
        items, problems = parse_document(shown, text)
        result.problems.extend(problems)
        result.problems.extend(punctuation_problems(shown, text))
        result.problems.extend(Problem(shown, n, f"不能直接写 HTML（{tag}）：页面会原样显示它；请改用 Markdown："
                                                 "**粗体**、==标记==、列表、表格")
                               for n, tag in raw_html_lines(text))
        for item in items:
            result.add(item)
    cross_check(result)
    number_positions(result)
    result.warnings = hint_warnings(result)
    return result


MIN_HINT_GROUPS = 4
# Two-character words that turn up in almost any answer: as a hint they credit a point by one stray word.
GENERIC_HINTS = frozenset(
    "服务 客户 顾客 问题 工作 管理 方面 进行 提高 加强 最后 别家 接通 时间 情况 处理 需要 企业 公司 方法 措施 重要 "
    "一定 可以 要求 说明 系统 标准 及时 工作 内容 方式 做好 注意 认真 积极 相关 具体 主要".split())


def hint_warnings(content: ContentSet) -> list[Problem]:
    """Key points whose hints the matcher cannot lean on (content/FORMAT.md, 提示词): fewer than four
    groups, a hint that only repeats the label, a generic two-character hint; misconceptions whose own sentence
    none of their wordings finds."""
    out = []
    for case in content.cases:
        for p in case.key_points:
            where = f"案例 {case.id} 要点 “{p.label}”"
            if len(p.hints) < MIN_HINT_GROUPS:
                out.append(Problem(case.path, p.line, f"{where}只有 {len(p.hints)} 组提示词，至少写 {MIN_HINT_GROUPS} 组，"
                                                      "并写上考生口头会怎么说"))
            words = [w for group in p.hints for w in group]
            label = re.sub(r"[（(][^）)]*[）)]$", "", p.label).replace(" ", "")
            if label in (w.replace(" ", "") for w in words):
                out.append(Problem(case.path, p.line, f"{where}的提示词 “{label}” 就是要点标题，只说出标题的回答也会得分"))
            generic = sorted({w for w in words if w in GENERIC_HINTS})
            if generic:
                out.append(Problem(case.path, p.line, f"{where}的提示词 {'、'.join(generic)} 太泛，几乎任何回答都会出现"))
            out.extend(Problem(case.path, p.line, f"{where}的误区 “{says}” 没有被它自己的任何一种说法认出来："
                                                  "考生这样写时不会被发现，补一种说法")
                       for says in unmatched_misconceptions(p.misconceptions))
    return out


def unmatched_misconceptions(misconceptions: list[dict]) -> list[str]:
    """The sentences of misconceptions that none of their own wordings finds (the way learners read it is a way a
    candidate writes it)."""
    from training.grading.keypoints import normalise
    from training.grading.misconceptions import misconceptions_said
    return [m["says"] for m in misconceptions
            if m["says"] and not misconceptions_said(normalise(m["says"]), [m])]


def punctuation_problems(shown: str, text: str) -> list[Problem]:
    """Half-width , : ; ? ! ( ) beside Chinese text; syntax lines such as 知识点:are exempt."""
    lines = text.split("\n")
    return [Problem(shown, n, "半角标点紧挨着中文（如 , : ; ? ( )），请改用全角 ，：；？（）；"
                              "flask content fix-punctuation 可以自动修正")
            for n in half_width_lines(text) if not META_LINE.match(lines[n - 1])]


def cross_check(content: ContentSet) -> None:
    """Ids unique across all files; areas and knowledge points that are referred to exist."""
    problems = content.problems
    seen_areas: dict[str, str] = {}
    for area in content.areas:
        if area.id in seen_areas:
            problems.append(Problem(area.path, area.line, f"考点领域编号 {area.id} 重复（已在 {seen_areas[area.id]} 使用）"))
        seen_areas.setdefault(area.id, f"{area.path}:{area.line}")
    seen: dict[str, tuple[str, str]] = {}
    items = [("知识点", t) for t in content.topics] + [("案例", c) for c in content.cases]
    items += [("考试蓝图", b) for b in content.blueprints]
    for bank in content.banks:
        items.append(("题库", bank))
        items.extend(("题目", q) for q in bank.questions)
    for what, item in items:
        where = f"{item.path}:{item.line}"
        if item.id in seen:
            other_what, other_where = seen[item.id]
            problems.append(Problem(item.path, item.line, f"编号 {item.id} 重复：{other_what} {other_where} 已使用这个编号，{what}编号在所有文件中必须唯一"))
        else:
            seen[item.id] = (what, where)
        area = getattr(item, "area", None)
        if area is not None and area not in seen_areas and content.areas:
            problems.append(Problem(item.path, item.line, f"{what} {item.id} 的 area {area!r} 不在 areas.yaml 中(可用：{', '.join(seen_areas)})"))
    topics = {t.id for t in content.topics}
    for case in content.cases:
        for ref in case.knowledge:
            if ref not in topics:
                problems.append(Problem(case.path, case.line, f"案例 {case.id} 的 knowledge 引用了不存在的知识点 {ref}"))
    for q in content.questions:
        for ref in q.knowledge:
            if ref not in topics:
                problems.append(Problem(q.path, q.knowledge_line, f"题目 {q.id} 的知识点 {ref} 不存在"))
    check_blueprints_can_be_drawn(content, problems)
    check_longest_keys(content, problems)
    check_misconceptions(content, problems)
    content.problems = sorted(set(problems), key=lambda p: (p.path, p.line, p.message))


def check_misconceptions(content: ContentSet, problems: list[Problem]) -> None:
    """A 误区 is wrong by definition: one the case's own explanations say would cost a right answer its point."""
    from training.grading.keypoints import normalise
    from training.grading.misconceptions import misconceptions_said
    for case in content.cases:
        explained = [normalise(plain_text(p.explanation_html)) for p in case.key_points]
        for p in case.key_points:
            for text, other in zip(explained, case.key_points, strict=True):
                for said in misconceptions_said(text, p.misconceptions):  # its wordings, not its sentence
                    problems.append(Problem(case.path, p.line, f"案例 {case.id} 要点 “{p.label}” 的误区 “{said.wording}” "
                                                               f"在要点 “{other.label}” 的说明里就能找到：误区要写错误的说法"))


LONGEST_KEY_SHARE, LONGEST_KEY_MIN_ITEMS = 0.5, 8
# "Longest" means visibly longest: two names a character apart (系统化改造法 / 全新设计法) tell nothing.
VISIBLY_LONGER = 3


def longest_key_share(questions: list) -> tuple[int, int]:
    """(单选 items whose key is visibly the longest option, 单选 items) among `questions`."""
    longest = total = 0
    for q in questions:
        if q.qtype != "单选" or not q.data.get("options"):
            continue
        total += 1
        lengths = {o["key"]: len(o["text"]) for o in q.data["options"]}
        key_len = lengths.pop(q.answer, 0)
        longest += bool(lengths) and key_len >= max(lengths.values()) + VISIBLY_LONGER
    return longest, total


def check_longest_keys(content: ContentSet, problems: list[Problem]) -> None:
    """By chance the key is the longest of four options about a quarter of the time; an area where it
    is so in half its 单选 items or more teaches candidates to pick the longest option."""
    by_area: dict[str, list] = {}
    for q in content.questions:
        by_area.setdefault(q.area, []).append(q)
    for area, questions in by_area.items():
        longest, total = longest_key_share(questions)
        if total >= LONGEST_KEY_MIN_ITEMS and longest >= LONGEST_KEY_SHARE * total:
            first = min(questions, key=lambda q: (q.path, q.line))
            problems.append(Problem(first.path, first.line,
                                    f"考点领域 {area}：{total} 道单选题中有 {longest} 道的正确选项是最长的一项，"
                                    "考生会学会“选最长的”；请让部分干扰项更具体、更长，或精简正确选项"))


def check_blueprints_can_be_drawn(content: ContentSet, problems: list[Problem]) -> None:
    """Every section must find enough items of its type (and area) in the content."""
    areas = {a.id for a in content.areas}
    available: dict[tuple[str, str], int] = {}
    for q in content.questions:
        available[(q.qtype, q.area)] = available.get((q.qtype, q.area), 0) + 1
    for c in content.cases:
        available[(c.kind, c.area)] = available.get((c.kind, c.area), 0) + 1
    for bp in content.blueprints:
        for s in bp.sections:
            for area, n in s.areas.items():
                if area not in areas:
                    problems.append(Problem(bp.path, s.line, f"考试蓝图 {bp.id}：{s.qtype} 部分的领域 {area!r} 不在 areas.yaml 中"))
                elif available.get((s.qtype, area), 0) < n:
                    problems.append(Problem(bp.path, s.line, f"考试蓝图 {bp.id}：{s.qtype} 部分要从 {area} 抽 {n} 题，"
                                                              f"内容里只有 {available.get((s.qtype, area), 0)} 题"))
            for area in s.exclude:
                if area not in areas:
                    problems.append(Problem(bp.path, s.line, f"考试蓝图 {bp.id}：{s.qtype} 部分排除的领域 {area!r} 不在 areas.yaml 中"))
            total = sum(n for (t, a), n in available.items() if t == s.qtype and a not in s.exclude)
            if total < s.count:
                problems.append(Problem(bp.path, s.line, f"考试蓝图 {bp.id}：{s.qtype} 部分要抽 {s.count} 题，内容里只有 {total} 题"))


def number_positions(content: ContentSet) -> None:
    """Display order: by `order` (when given), then file name; questions keep their place in the bank."""
    for seq in (content.topics, content.cases, content.banks, content.blueprints):
        seq.sort(key=lambda item: (item.order, item.path))
        for i, item in enumerate(seq):
            item.position = i
    for i, q in enumerate(content.questions):
        q.position = i
