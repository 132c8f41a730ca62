"""Turn submitted form fields into the response shape the graders expect. Pure, no Flask.

Field names: 单选/判断 `choice`; 多选 `choice` (repeated); 排序 `rank-<step>` = position
1…n chosen for each step; 匹配 `cat-<item>` = category index for each item.
"""
from __future__ import annotations

import random
from typing import Any, Mapping, Sequence

from ..grading.objective import InvalidResponse


def _int(value: str | None, what: str) -> int:
    if value is None or not value.strip().lstrip("-").isdigit():
        raise InvalidResponse(f"请先{what}")
    return int(value)


def parse_response(qtype: str, data: dict[str, Any], form: Mapping[str, str], getlist) -> Any:
    """form is the submitted fields; getlist(name) returns every value of a repeated field."""
    if qtype == "单选":
        return _int(form.get("choice"), "选择一个选项")
    if qtype == "多选":
        values = getlist("choice")
        if not values:
            raise InvalidResponse("请至少选择一个选项")
        return [_int(v, "选择选项") for v in values]
    if qtype == "判断":
        value = form.get("choice")
        if value not in ("true", "false"):
            raise InvalidResponse("请选择 对 或 错")
        return value == "true"
    if qtype == "排序":
        n = len(data["steps"])
        ranks = [_int(form.get(f"rank-{k}"), "为每个步骤选好位置") for k in range(n)]
        if sorted(ranks) != list(range(1, n + 1)):
            raise InvalidResponse("每个位置只能放一个步骤：请检查有没有重复的序号")
        return sorted(range(n), key=lambda k: ranks[k])
    if qtype == "匹配":
        return [_int(form.get(f"cat-{i}"), "为每一项选择类别") for i in range(len(data["items"]))]
    raise InvalidResponse(f"未知题型 {qtype!r}")


def display_order(n: int, seed: str) -> list[int]:
    """A shuffled order of n steps that is stable for one learner and question, never the answer itself."""
    order = list(range(n))
    rng = random.Random(seed)
    for _ in range(10):
        rng.shuffle(order)
        if order != sorted(order):
            break
    return order


def select_ids(rows: Sequence[tuple[str, str]], shuffle: bool, seed: str) -> list[str]:
    """rows: (question id, …) in syllabus order; a random session gets its own shuffle."""
    ids = [r[0] for r in rows]
    if shuffle:
        random.Random(seed).shuffle(ids)
    return ids
