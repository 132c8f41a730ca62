"""Where a 顺序练习 resumes when the questions matching its filters change."""
from __future__ import annotations

import pytest

from training.practice.sets import resume_position, select_ids


@pytest.mark.parametrize("old,position,new,expected", [
    (["a", "b", "c"], 1, ["a", "b", "c"], 1),        # nothing changed
    (["a", "b", "c"], 1, ["x", "a", "b", "c"], 2),   # a question added before: still on b
    (["a", "b", "c"], 1, ["a", "c"], 1),             # b retired: the same place, now c
    (["a", "b", "c"], 3, ["a", "b", "c", "d"], 3),   # finished: the new question is next
    (["a", "b", "c"], 2, ["a"], 1),                  # fewer questions than the place: the end
])
def test_resume_position(old, position, new, expected):
    assert resume_position(old, position, new) == expected


def test_random_sets_are_shuffled_by_their_seed_and_sequential_ones_keep_order():
    rows = [(f"q{i}",) for i in range(30)]
    assert select_ids(rows, False, "x") == [r[0] for r in rows]
    assert select_ids(rows, True, "x") == select_ids(rows, True, "x") != select_ids(rows, True, "y")
