"""Precision and recall of key-point suggestions against answers labelled by hand. Pure."""
from __future__ import annotations

import hashlib
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


def key_points_by_case(cases: Iterable[Any], explanations: bool = True) -> dict[str, list[dict]]:
    """{case id: key points as the matcher takes them} for parsed content cases: with the paragraph under each
    point, as the app's case payloads carry it (the learned decision weighs it), unless explanations=False."""
    return {c.id: [{"key": p.key, "label": p.label, "weight": p.weight, "hints": p.hints,
                    "misconceptions": p.misconceptions}
                   | ({"explanation_html": p.explanation_html} if explanations else {}) for p in c.key_points]
            for c in cases}


def truth_indexes(covers: Iterable[int | str], points: list[dict]) -> set[int]:
    """The covered points as indexes: labels are keys ("p3", the current sets) or 1-based positions (older sets).
    A key the case no longer has (a point removed from the content since the set was labelled) is ignored:
    the matcher cannot suggest it, and the other labels stay true because keys are stable."""
    keys = [p.get("key") for p in points]
    return {keys.index(c) if isinstance(c, str) else c - 1 for c in covers if not isinstance(c, str) or c in keys}


def material_by_case(cases: Iterable[Any]) -> dict[str, str]:
    """{case id: its question and background as the candidate read them}, for the recital rule."""
    return {c.id: f"{c.prompt_md}\n{c.background_md}" for c in cases}


def evaluate(samples: Iterable[dict[str, Any]], key_points_of: dict[str, list[dict]],
             material_of: dict[str, str] | None = None) -> tuple[Tally, dict[str, Tally], list[str]]:
    """samples: {case, answer, covers (keys or 1-based positions), style}. Returns overall, per style, and the misses."""
    overall, by_style, misses = Tally(), defaultdict(Tally), []
    for n, s in enumerate(samples):
        points = key_points_of[s["case"]]
        truth = truth_indexes(s["covers"], points)
        for p in suggest_points(s["answer"], points, (material_of or {}).get(s["case"], "")):
            said, real = p.covered, p.index in truth
            for t in (overall, by_style[s.get("style", "?")]):
                t.tp += said and real
                t.fp += said and not real
                t.fn += real and not said
            if said != real:
                kind = "多报" if said else "漏报"
                misses.append(f"#{n} {s['case']} 要点{p.index + 1} {kind} ({s.get('style')}) 找到 {p.found} 否定 {p.negated}")
    return overall, dict(by_style), misses


CHECKSUM_LINE = "# sha256 of everything below this line: "


def frozen_body_ok(text: str) -> bool | None:
    """None if a labelled set carries no checksum line; else whether its body is still what was frozen."""
    _, sep, rest = text.partition("\n" + CHECKSUM_LINE)
    if not sep:
        return None
    digest, _, body = rest.partition("\n")
    return hashlib.sha256(body.encode("utf-8")).hexdigest() == digest.strip()
