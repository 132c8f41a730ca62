"""Planning an import of files in the content/ layout (a Markdown zip, or what GIFT / Moodle XML became).
Pure: no Flask, no database.

Each file becomes one browser document of the importing instructor. The plan says, per file, whether it is
new, updates one of the instructor's documents (the same path or the same ids), is unchanged, or has
errors (each with its line), checked as a whole: ids unique across the import and the live content,
knowledge points live or defined in the import. Nothing is written until the plan is confirmed, and then
all of it or nothing (see authoring/routes.py).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .authoring import Checked, Known, check_parsed
from .items import Problem
from .parse import parse_document_kept

IMPORTABLE = ("topics/", "cases/", "questions/")


@dataclass
class MyDoc:
    """One of the importing instructor's documents, as the planner needs it."""

    id: int
    path: str  # its web path (web/case-12.md): the source_path of its live items
    import_path: str | None
    published_text: str | None
    published_ids: list[str]


@dataclass
class FilePlan:
    path: str  # as in the upload (cases/plan/x.md)
    status: str  # new / update / unchanged / error
    kind: str | None = None
    title: str = ""
    ids: list[str] = field(default_factory=list)
    questions: int = 0
    problems: list[Problem] = field(default_factory=list)
    doc_id: int | None = None  # the document it updates
    checked: Checked | None = field(default=None, repr=False)  # its parsed items, for publishing without a re-parse

    @property
    def label(self) -> str:
        return {"new": "新增", "update": "更新", "unchanged": "未变", "error": "有错误"}[self.status]


def plan_import(files: dict[str, str], known: Known, mine: list[MyDoc]) -> list[FilePlan]:
    """The plan for `files` (path → text), given what is live and the instructor's own documents."""
    plans: dict[str, FilePlan] = {}
    parsed: dict[str, list] = {}
    parse_problems: dict[str, list[Problem]] = {}
    for path in sorted(files):
        if not path.endswith(".md") or not path.startswith(IMPORTABLE):
            plans[path] = FilePlan(path, "error", problems=[Problem(
                path, 1, "只能导入 topics/、cases/、questions/ 下的 .md 文件（考点领域和考试蓝图不能从这里导入）")])
            continue
        parsed[path], parse_problems[path] = parse_document_kept(path, files[path])  # once: preview, confirm
    defined_by: dict[str, list[str]] = {}
    topics_here: set[str] = set()
    for path, items in parsed.items():
        for item in items:
            for i in [item.id] + [q.id for q in getattr(item, "questions", [])]:
                defined_by.setdefault(i, []).append(path)
            if type(item).__name__ == "TopicItem":
                topics_here.add(item.id)
    by_import_path = {d.import_path: d for d in mine if d.import_path}
    by_id = {i: d for d in mine for i in d.published_ids}
    for path, items in parsed.items():
        ids = [i for item in items for i in [item.id] + [q.id for q in getattr(item, "questions", [])]]
        target = by_import_path.get(path)
        docs_with_ids = {by_id[i].id for i in ids if i in by_id}
        if target is None and len(docs_with_ids) == 1:
            target = next(d for d in mine if d.id in docs_with_ids)
        own_paths = {target.path} if target else set()
        # Who else holds this file's ids: live content (but not the document this file updates),
        # else another file of this import. Only this file's ids: the checker looks up nothing else.
        owners = {}
        for i in ids:
            live = known.owners.get(i)
            other = next((p for p in defined_by[i] if p != path), None)
            if live is not None and live not in own_paths:
                owners[i] = live
            elif other is not None:
                owners[i] = other
        checked = check_parsed(path, files[path], items, parse_problems[path],
                               Known(known.areas, known.topics | topics_here, owners))
        problems = list(checked.problems)
        if target is None and len(docs_with_ids) > 1:
            problems.append(Problem(path, 1, "这个文件的条目分散在你的几份文档里，无法确定更新哪一份；请先合并那几份文档"))
        plan = FilePlan(path, "error" if problems or checked.kind is None else "new", checked.kind, checked.title,
                        checked.item_ids(), len(checked.content.questions), problems, target.id if target else None,
                        checked)
        if plan.status != "error" and target is not None:
            plan.status = "unchanged" if target.published_text == files[path] else "update"
        plans[path] = plan
    return [plans[p] for p in sorted(plans)]


def summary(plans: list[FilePlan]) -> dict[str, int]:
    out = {"files": len(plans), "new": 0, "update": 0, "unchanged": 0, "error": 0, "questions": 0, "items": 0}
    for p in plans:
        out[p.status] += 1
        out["questions"] += p.questions
        out["items"] += len(p.ids)
    return out
