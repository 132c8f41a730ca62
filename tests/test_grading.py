"""Objective grading: every type, partial credit rules, malformed responses."""
from __future__ import annotations

import pytest

from training.grading.objective import (
    InvalidResponse, grade, grade_match, grade_multiple_choice, grade_order, grade_single_choice,
    grade_true_false,
)


@pytest.mark.parametrize("response,score", [(1, 1.0), (0, 0.0), (3, 0.0)])
def test_single_choice(response, score):
    assert grade_single_choice(1, response, 4).score == score


@pytest.mark.parametrize("response,practice,exam", [
    ([0, 2, 3], 1.0, 1.0),      # all right
    ([0, 2], 2 / 3, 0.0),       # one right option missed: partial in practice, nothing in the exam
    ([0], 1 / 3, 0.0),
    ([0, 1], 0.0, 0.0),         # any wrong option scores nothing
    ([0, 1, 2, 3], 0.0, 0.0),   # choosing everything is not a strategy
    ([3, 2, 0], 1.0, 1.0),      # order of choosing does not matter
])
def test_multiple_choice_partial_credit(response, practice, exam):
    assert grade_multiple_choice([0, 2, 3], response, 4).score == pytest.approx(practice)
    assert grade_multiple_choice([0, 2, 3], response, 4, partial=False).score == exam


def test_multiple_choice_reports_wrong_and_missed():
    g = grade_multiple_choice([0, 2, 3], [0, 1], 4)
    assert g.detail == {"chosen": [0, 1], "wrong": [1], "missed": [2, 3]}


@pytest.mark.parametrize("answer,response,score", [(True, True, 1.0), (True, False, 0.0), (False, False, 1.0)])
def test_true_false(answer, response, score):
    assert grade_true_false(answer, response).score == score


@pytest.mark.parametrize("response,score", [
    ([0, 1, 2, 3, 4], 1.0),
    ([1, 0, 2, 3, 4], 0.5),    # first two swapped: 1→0 and 0→2 wrong, 2→3 and 3→4 right
    ([4, 3, 2, 1, 0], 0.0),
    ([1, 2, 3, 4, 0], 0.75),   # everything shifted by one: three adjacent pairs still right
])
def test_order_credit_counts_adjacent_pairs(response, score):
    assert grade_order(5, response).score == pytest.approx(score)


@pytest.mark.parametrize("response,score", [([0, 1, 2, 3], 1.0), ([0, 1, 3, 2], 0.5), ([1, 0, 3, 2], 0.0)])
def test_match_credit_per_item(response, score):
    assert grade_match([0, 1, 2, 3], response, 4).score == score


@pytest.mark.parametrize("qtype,data,answer,response", [
    ("单选", {"options": ["a", "b"]}, 0, 2),
    ("单选", {"options": ["a", "b"]}, 0, "0"),
    ("单选", {"options": ["a", "b"]}, 0, True),
    ("单选", {"options": ["a", "b"]}, 0, None),
    ("多选", {"options": ["a", "b", "c"]}, [0, 1], []),
    ("多选", {"options": ["a", "b", "c"]}, [0, 1], [0, 0]),
    ("多选", {"options": ["a", "b", "c"]}, [0, 1], [5]),
    ("多选", {"options": ["a", "b", "c"]}, [0, 1], 0),
    ("判断", {}, True, "对"),
    ("判断", {}, True, 1),
    ("排序", {"steps": ["a", "b", "c"]}, [0, 1, 2], [0, 1]),
    ("排序", {"steps": ["a", "b", "c"]}, [0, 1, 2], [0, 1, 1]),
    ("排序", {"steps": ["a", "b", "c"]}, [0, 1, 2], [0, 1, 3]),
    ("匹配", {"items": ["x", "y"], "categories": ["p", "q"]}, [0, 1], [0]),
    ("匹配", {"items": ["x", "y"], "categories": ["p", "q"]}, [0, 1], [0, 2]),
    ("填空", {}, None, "x"),
])
def test_malformed_responses_are_rejected_not_guessed(qtype, data, answer, response):
    with pytest.raises(InvalidResponse):
        grade(qtype, data, answer, response)


def test_grade_dispatches_with_exam_rules():
    data = {"options": ["a", "b", "c"]}
    assert grade("多选", data, [0, 1], [0]).score == 0.5
    assert grade("多选", data, [0, 1], [0], exam=True).score == 0.0
    assert grade("排序", {"steps": list("abcd")}, [0, 1, 2, 3], [0, 1, 2, 3]).correct
