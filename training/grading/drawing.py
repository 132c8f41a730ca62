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

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> "PaperSection":
        return cls(qtype=d["qtype"], count=int(d["count"]), points=d.get("points"), areas=dict(d.get("areas") or {}))

    def to_json(self) -> dict[str, Any]:
        return {"qtype": self.qtype, "count": self.count, "points": self.points, "areas": dict(self.areas or {})}


@dataclass(frozen=True)
class ExamItem:
    """One item of a drawn paper, fixed at the draw: the version the candidate is shown and graded on."""

    kind: str  # question / case
    id: str
    qtype: str  # 单选 … or 案例分析 / 方案设计
    area: str
    points: float
    version_id: int

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> "ExamItem":
        return cls(kind=d["kind"], id=d["id"], qtype=d["qtype"], area=d["area"], points=float(d["points"]),
                   version_id=int(d["version_id"]))

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def __getitem__(self, name: str) -> Any:  # breakdown() and templates read items like mappings
        return getattr(self, name)


class CannotDraw(ValueError):
    """The content holds too few items for the blueprint."""


def draw_paper(sections: list[PaperSection], pool: list[dict[str, Any]], rng: random.Random) -> list[dict[str, Any]]:
    """Pick items for every section; pool entries are {kind, id, qtype, area}.

    A section with `areas` takes exactly that many from each area; one without spreads
    its draw over the areas as evenly as the pool allows. Items within a section are
    shuffled, so no two candidates get the same order.
    """
    total_items = sum(s.count for s in sections)
    items: list[dict[str, Any]] = []
    for s in sections:
        candidates = [p for p in pool if p["qtype"] == s.qtype]
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
        points = s.points if s.points is not None else 100 / total_items
        items += [dict(c, points=points) for c in chosen]
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
