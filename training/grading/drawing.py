"""Draw a mock-exam paper from a blueprint, and total its marks. Pure functions."""
from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class PaperSection:
    """One part of a blueprint: how many items of a type, their points, optional counts per area."""

    qtype: str
    count: int
    points: float | None = None  # per item; None on every section: items share 100 points equally
    areas: dict[str, int] | None = None
    title: str | None = None  # a part heading shown on the paper (职业道德)
    exclude: list[str] | None = None  # areas this section never draws from

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> "PaperSection":
        return cls(qtype=d["qtype"], count=int(d["count"]), points=d.get("points"), areas=dict(d.get("areas") or {}),
                   title=d.get("title"), exclude=list(d.get("exclude") or []))

    def to_json(self) -> dict[str, Any]:
        out = {"qtype": self.qtype, "count": self.count, "points": self.points, "areas": dict(self.areas or {})}
        if self.title:  # only when set: sections written before titles existed read back unchanged
            out["title"] = self.title
        if self.exclude:
            out["exclude"] = list(self.exclude)
        return out


@dataclass(frozen=True)
class ExamItem:
    """One item of a drawn paper, fixed at the draw: the version the candidate is shown and graded on."""

    kind: str  # question / case
    id: str
    qtype: str  # 单选 … or 案例分析 / 方案设计
    area: str
    points: float
    version_id: int
    part: str | None = None  # the section's heading (职业道德), if it has one

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> "ExamItem":
        return cls(kind=d["kind"], id=d["id"], qtype=d["qtype"], area=d["area"], points=float(d["points"]),
                   version_id=int(d["version_id"]), part=d.get("part"))

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def __getitem__(self, name: str) -> Any:  # breakdown() and templates read items like mappings
        return getattr(self, name)


class CannotDraw(ValueError):
    """The content holds too few items for the blueprint."""


def draw_paper(sections: list[PaperSection], pool: list[dict[str, Any]], rng: random.Random) -> list[dict[str, Any]]:
    """Pick items for every section; pool entries are {kind, id, qtype, area}.

    A section with `areas` takes exactly that many from each area; one without spreads
    its draw over the areas (except those it excludes) as evenly as the pool allows. Sections
    keep their order (a 职业道德 part first, as on the real papers); items within a section
    are shuffled, so no two candidates get the same order. An item is never drawn twice.
    """
    total_items = sum(s.count for s in sections)
    items: list[dict[str, Any]] = []
    taken: set[str] = set()
    for s in sections:
        candidates = [p for p in pool if p["qtype"] == s.qtype and p["area"] not in (s.exclude or ())
                      and p["id"] not in taken]
        by_area: dict[str, list[dict]] = defaultdict(list)
        for c in candidates:
            by_area[c["area"]].append(c)
        if s.areas:
            chosen = []
            for area, n in s.areas.items():
                if len(by_area[area]) < n:
                    raise CannotDraw(f"{s.qtype} 在 {area} 只有 {len(by_area[area])} 题，需要 {n} 题")
                chosen += rng.sample(by_area[area], n)
        else:
            if len(candidates) < s.count:
                raise CannotDraw(f"{s.qtype} 只有 {len(candidates)} 题，需要 {s.count} 题")
            chosen = _spread(by_area, s.count, rng)
        rng.shuffle(chosen)
        taken.update(c["id"] for c in chosen)
        points = s.points if s.points is not None else 100 / total_items
        items += [dict(c, points=points, part=s.title) for c in chosen]
    return items


def _spread(by_area: dict[str, list[dict]], count: int, rng: random.Random) -> list[dict]:
    """Round-robin over shuffled areas so every area is represented before any repeats."""
    queues = {a: rng.sample(v, len(v)) for a, v in by_area.items()}
    areas = list(queues)
    rng.shuffle(areas)
    chosen: list[dict] = []
    while len(chosen) < count:
        for a in areas:
            if queues[a] and len(chosen) < count:
                chosen.append(queues[a].pop())
    return chosen


def breakdown(items: list[dict[str, Any]], earned: list[float | None], key: str) -> list[dict[str, Any]]:
    """Marks per area or per type: [{key, items, earned, possible}] in first-seen order."""
    rows: dict[str, dict[str, Any]] = {}
    for item, e in zip(items, earned, strict=True):
        row = rows.setdefault(item[key], {"key": item[key], "items": 0, "earned": 0.0, "possible": 0.0})
        row["items"] += 1
        row["possible"] += item["points"]
        row["earned"] += e or 0.0
    return list(rows.values())


CHINESE_NUMBERS = "一二三四五六七八九十"
TYPE_HEADINGS = {
    "判断": ("判断题", "判断说法是否正确"), "单选": ("单项选择题", "选择一个正确的答案"),
    "多选": ("多项选择题", "选择两个或两个以上正确的答案，错选、少选、多选均不得分"),
    "排序": ("排序题", "把步骤排成正确的顺序"), "匹配": ("匹配题", "为每一项选出所属的类别"),
    "案例分析": ("案例分析题", "阅读材料，回答问题"), "方案设计": ("方案设计题", "阅读材料，按要求设计方案"),
}


def paper_headings(items: list[Any]) -> dict[int, dict[str, Any]]:
    """Headings as a printed paper has them, keyed by the index of the item they stand before:
    a numbered heading where a run of one type begins (一、单项选择题（第1题～第60题。…每题1分，共60分。）)
    and a part heading where a titled section begins (职业道德)."""
    out: dict[int, dict[str, Any]] = {}
    runs: list[tuple[int, int]] = []
    for i, it in enumerate(items):
        if i == 0 or items[i - 1]["qtype"] != it["qtype"]:
            runs.append((i, i))
        runs[-1] = (runs[-1][0], i)
    for n, (first, last) in enumerate(runs):
        qtype = items[first]["qtype"]
        name, how = TYPE_HEADINGS.get(qtype, (qtype, ""))
        points = {round(items[i]["points"], 2) for i in range(first, last + 1)}
        total = round(sum(items[i]["points"] for i in range(first, last + 1)), 1)
        each = f"每题{next(iter(points)):g}分，" if len(points) == 1 else ""
        out[first] = {"number": CHINESE_NUMBERS[n] if n < len(CHINESE_NUMBERS) else str(n + 1), "name": name,
                      "note": f"第{first + 1}题～第{last + 1}题。{how}。{each}共{total:g}分。"}
    parts = [it.get("part") if isinstance(it, dict) else it.part for it in items]
    for i, part in enumerate(parts):
        if part and (i == 0 or parts[i - 1] != part):
            out.setdefault(i, {})["part"] = part
    return out
