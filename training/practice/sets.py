"""Practice sets: which questions, in what order, and where a returning learner resumes. Pure."""
from __future__ import annotations

import random
from typing import Sequence


def select_ids(rows: Sequence[tuple[str, ...]], shuffle: bool, seed: str) -> list[str]:
    """rows: (question id, …) in syllabus order; a random set gets its own shuffle."""
    ids = [r[0] for r in rows]
    if shuffle:
        random.Random(seed).shuffle(ids)
    return ids


def resume_position(old_ids: list[str], position: int, new_ids: list[str]) -> int:
    """Where a 顺序练习 continues after the matching questions changed (content was edited):
    at the same question if it is still in the set, else at the same place (or the end)."""
    current = old_ids[position] if position < len(old_ids) else None
    if current in new_ids:
        return new_ids.index(current)
    return min(position, len(new_ids))
