"""What GIFT and Moodle XML exports share: which items go, in which category, with which tags and weights."""
from __future__ import annotations

from collections.abc import Iterable

from ..content.items import BankItem, CaseItem, ContentSet, Item, QuestionItem
from ..content.source import KEY_REF
from .common import CASE_TYPE_TAG, DIFFICULTY_TAG, Note


def gather(items: Iterable[Item] | ContentSet) -> tuple[list[QuestionItem], list[CaseItem], list[Note]]:
    """Questions and cases to export (a bank stands for its questions); anything else gets a note."""
    if isinstance(items, ContentSet):
        items = [*items.banks, *items.cases]
    questions: list[QuestionItem] = []
    cases: list[CaseItem] = []
    notes: list[Note] = []
    for item in items:
        if isinstance(item, BankItem):
            questions.extend(item.questions)
        elif isinstance(item, QuestionItem):
            questions.append(item)
        elif isinstance(item, CaseItem):
            cases.append(item)
        else:
            notes.append(Note(item.line, item.id, "知识点和考试蓝图不是题目，Moodle 的题库里没有它们的位置",
                              kept=False, path=item.path, export=True))
    return questions, cases, notes


def by_area(items: list) -> dict[str, list]:
    """Items grouped by area (one Moodle category each), areas in the order they first appear."""
    groups: dict[str, list] = {}
    for item in items:
        groups.setdefault(item.area, []).append(item)
    return groups


def category_path(area: str) -> str:
    return f"$course$/top/{area}"


def tags(item: QuestionItem | CaseItem) -> list[str]:
    """What Moodle has no field for, as tags: knowledge points, difficulty, the kind of case."""
    out = list(item.knowledge) + [DIFFICULTY_TAG + item.difficulty]
    if isinstance(item, CaseItem):
        out.append(CASE_TYPE_TAG + item.kind)
    return out


def name_options(text: str, q: QuestionItem) -> str:
    """{b} means "the option with key b, shown with this learner's letter"; outside the site it is
    written 【选项：文字】, which reads well in Moodle and comes back as {b} on import."""
    texts = {o["key"]: o["text"] for o in q.data.get("options", [])}
    return KEY_REF.sub(lambda m: f"【选项：{texts[m.group('key')]}】" if m.group("key") in texts else m.group(0), text)


def weight(value: float) -> str:
    """A Moodle answer weight in percent, written as Moodle writes it (33.33333, 50, -100)."""
    value = round(value, 5)
    return str(int(value)) if value == int(value) else f"{value:.5f}".rstrip("0")


def choice_weights(q: QuestionItem) -> list[float]:
    """多选: the right options share 100 %; a wrong one costs 100 %, so as on our practice page any wrong
    choice scores nothing and each right one earns 1/(right options)."""
    right = set(q.answer) if q.qtype == "多选" else {q.answer}
    share = 100 / len(right) if right else 0
    return [share if o["key"] in right else (-100 if q.qtype == "多选" else 0) for o in q.data["options"]]


def match_categories(q: QuestionItem) -> list[dict[str, str]]:
    """Categories in the order a Moodle file lists them: as the items use them, then the spare ones."""
    cats = {c["key"]: c for c in q.data["categories"]}
    used = list(dict.fromkeys(q.answer[i["key"]] for i in q.data["items"]))
    return [cats[k] for k in used] + [c for c in q.data["categories"] if c["key"] not in used]


def hints_line(groups: list[list[str]]) -> str:
    return "，".join("/".join(g) for g in groups)


def misconceptions_line(misconceptions: list[dict]) -> str:
    """A point's 误区 in the case-file syntax (content/FORMAT.md): wordings / wordings（sentence）；…"""
    return "；".join("/".join(m["wordings"]) + (f"（{m['says']}）" if m["says"] else "") for m in misconceptions)


def case_prompt(case: CaseItem) -> str:
    """The question text of a case as our own Markdown sections, so an import can rebuild the case."""
    parts = []
    if case.background_md.strip():
        parts.append("## 背景\n\n" + case.background_md.strip())
    parts.append("## 题目\n\n" + case.prompt_md.strip())
    return "\n\n".join(parts)


def case_key_points(case: CaseItem) -> str:
    """参考要点 and 追问 in our Markdown: what the grader needs, and what an import rebuilds the case from."""
    out = ["## 参考要点"]
    for p in case.key_points:
        wrong = f"\n误区：{misconceptions_line(p.misconceptions)}" if p.misconceptions else ""
        out.append(f"### {p.label}（{p.weight}分） {{#{p.key}}}\n提示词：{hints_line(p.hints)}{wrong}\n\n"
                   f"{p.explanation_md.strip()}")
    if case.followups:
        out.append("## 追问")
        for f in case.followups:
            target = f"针对：{f.target}\n" if f.target else ""
            out.append(f"### {f.question} {{#{f.key}}}\n{target}提示词：{hints_line(f.hints)}\n\n{f.answer_md.strip()}")
    return "\n\n".join(out)
