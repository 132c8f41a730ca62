"""Precision and recall of key-point suggestions against answers labelled by hand. Pure."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Iterable

from .keypoints import suggest_points


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def key_points_by_case(cases: Iterable[Any]) -> dict[str, list[dict]]:
    """{case id: key points as the matcher takes them} for parsed content cases."""
    return {c.id: [{"label": p.label, "weight": p.weight, "hints": p.hints} for p in c.key_points] for c in cases}


def evaluate(samples: Iterable[dict[str, Any]], key_points_of: dict[str, list[dict]]) -> tuple[Tally, dict[str, Tally], list[str]]:
    """samples: {case, answer, covers (1-based), style}. Returns overall, per style, and the misses."""
    overall, by_style, misses = Tally(), defaultdict(Tally), []
    for n, s in enumerate(samples):
        points = key_points_of[s["case"]]
        truth = {c - 1 for c in s["covers"]}
        for p in suggest_points(s["answer"], points):
            said, real = p.covered, p.index in truth
            for t in (overall, by_style[s.get("style", "?")]):
                t.tp += said and real
                t.fp += said and not real
                t.fn += real and not said
            if said != real:
                kind = "多报" if said else "漏报"
                misses.append(f"#{n} {s['case']} 要点{p.index + 1} {kind} ({s.get('style')}) 找到 {p.found} 否定 {p.negated}")
    return overall, dict(by_style), misses
