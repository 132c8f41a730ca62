"""Grade the five objective question types. Pure functions over plain data.

The stored answer comes from the content loader (training/content/questions.py):
  单选 int (option index) · 多选 list[int] · 判断 bool · 排序 list[int] (0..n-1, the
  written order) · 匹配 list[int] (category index per item).
A response has the same shape, except 排序, which is the step indices in the order
the candidate put them. Malformed responses raise InvalidResponse, never guess.

Partial credit (shown to candidates on the practice page):
  多选  practice: any wrong option scores 0; otherwise each right option chosen earns
        1/(number of right options). Exam: all or nothing, as in the real paper.
  排序  each adjacent pair placed in the right order earns 1/(steps - 1).
  匹配  each item put in the right category earns 1/(number of items).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

PARTIAL_CREDIT_RULES = {
    "单选": "选对得满分，选错不得分。",
    "多选": "练习中：只要选了错误选项就不得分；没有错选时，每选对一个正确选项得 1/正确选项数 的分。考试中按真实考试规则：多选、少选、错选均不得分。",
    "判断": "判断正确得满分，错误不得分。",
    "排序": "相邻两个步骤的先后顺序每排对一对，得 1/(步骤数−1) 的分。",
    "匹配": "每把一项归入正确的类别，得 1/项目数 的分。",
}


class InvalidResponse(ValueError):
    """The response cannot be an answer to this question (wrong shape, unknown option...)."""


@dataclass(frozen=True)
class Grade:
    score: float  # 0.0 … 1.0
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def correct(self) -> bool:
        return self.score >= 1.0 - 1e-9


def _index(value: Any, size: int, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < size:
        raise InvalidResponse(f"{what} {value!r} 不存在")
    return value


def grade_single_choice(answer: int, response: Any, n_options: int) -> Grade:
    chosen = _index(response, n_options, "选项")
    return Grade(1.0 if chosen == answer else 0.0, {"chosen": chosen})


def grade_multiple_choice(answer: list[int], response: Any, n_options: int, partial: bool = True) -> Grade:
    if not isinstance(response, (list, tuple)) or not response:
        raise InvalidResponse("多选题至少要选一个选项")
    chosen = sorted({_index(v, n_options, "选项") for v in response})
    if len(chosen) != len(response):
        raise InvalidResponse("同一个选项选了两次")
    right = set(answer)
    wrong = [c for c in chosen if c not in right]
    hit = [c for c in chosen if c in right]
    if wrong:
        score = 0.0
    elif partial:
        score = len(hit) / len(right)
    else:
        score = 1.0 if len(hit) == len(right) else 0.0
    return Grade(score, {"chosen": chosen, "wrong": wrong, "missed": sorted(right - set(hit))})


def grade_true_false(answer: bool, response: Any) -> Grade:
    if not isinstance(response, bool):
        raise InvalidResponse("判断题只能回答 对 或 错")
    return Grade(1.0 if response is answer else 0.0, {"chosen": response})


def grade_order(n_steps: int, response: Any) -> Grade:
    """Steps are stored in the right order, so the right response is 0, 1, …, n-1."""
    if not isinstance(response, (list, tuple)) or sorted(
            _index(v, n_steps, "步骤") for v in response) != list(range(n_steps)):
        raise InvalidResponse(f"排序题要把全部 {n_steps} 个步骤各排一次")
    pairs = [response[i + 1] == response[i] + 1 for i in range(n_steps - 1)]
    return Grade(sum(pairs) / (n_steps - 1), {"order": list(response), "pairs_right": pairs})


def grade_match(answer: list[int], response: Any, n_categories: int) -> Grade:
    if not isinstance(response, (list, tuple)) or len(response) != len(answer):
        raise InvalidResponse(f"匹配题要为全部 {len(answer)} 个项目各选一个类别")
    given = [_index(v, n_categories, "类别") for v in response]
    right = [g == a for g, a in zip(given, answer, strict=True)]
    return Grade(sum(right) / len(answer), {"given": given, "right": right})


def grade(qtype: str, data: dict[str, Any], answer: Any, response: Any, exam: bool = False) -> Grade:
    """Grade a response to a question of any type (data and answer as stored by the loader)."""
    if qtype == "单选":
        return grade_single_choice(answer, response, len(data["options"]))
    if qtype == "多选":
        return grade_multiple_choice(answer, response, len(data["options"]), partial=not exam)
    if qtype == "判断":
        return grade_true_false(answer, response)
    if qtype == "排序":
        return grade_order(len(data["steps"]), response)
    if qtype == "匹配":
        return grade_match(answer, response, len(data["categories"]))
    raise InvalidResponse(f"未知题型 {qtype!r}")
