"""Check and grade responses to the five objective question types. Pure functions over plain data.

A question is a QuestionPayload (training/content/payloads.py); responses name things by key:
  单选 "b" · 多选 ["a", "c"] (sorted) · 判断 True/False · 排序 the step keys in the order the
  candidate put them · 匹配 {item key: category key}.
check_response() refuses anything that cannot be an answer to the question (unknown keys,
duplicates, wrong shape) with InvalidResponse, so nothing invalid is ever stored; grade()
then never fails on a checked response to the same version.

Partial credit (shown to candidates on the practice page):
  多选  practice: any wrong option scores 0; otherwise each right option chosen earns
        1/(number of right options). Exam: all or nothing, as in the real paper.
  排序  each adjacent pair placed in the right order earns 1/(steps - 1).
  匹配  each item put in the right category earns 1/(number of items).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..content.payloads import QuestionPayload

PARTIAL_CREDIT_RULES = {
    "单选": "选对得满分，选错不得分。",
    "多选": "练习中：只要选了错误选项就不得分；没有错选时，每选对一个正确选项得 1/正确选项数 的分。考试中按真实考试规则：多选、少选、错选均不得分。",
    "判断": "判断正确得满分，错误不得分。",
    "排序": "相邻两个步骤的先后顺序每排对一对，得 1/(步骤数−1) 的分。",
    "匹配": "每把一项归入正确的类别，得 1/项目数 的分。",
}


def full_marks(score: float) -> bool:
    """Right, not partly right: the one test of 'correct' (float scores, so not == 1.0)."""
    return score >= 1.0 - 1e-9


class InvalidResponse(ValueError):
    """The response cannot be an answer to this question (wrong shape, unknown option...)."""


@dataclass(frozen=True)
class Grade:
    score: float  # 0.0 … 1.0
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def correct(self) -> bool:
        return full_marks(self.score)


def _key(value: Any, known: list[str], what: str) -> str:
    if not isinstance(value, str) or value not in known:
        raise InvalidResponse(f"{what}“{str(value)[:20]}”不存在，请刷新页面后重新作答")
    return value


def check_response(q: QuestionPayload, response: Any) -> Any:
    """The response in its stored (canonical) shape; InvalidResponse if it cannot be one."""
    if q.qtype == "单选":
        return _key(response, q.keys("options"), "选项")
    if q.qtype == "多选":
        if not isinstance(response, (list, tuple)) or not response:
            raise InvalidResponse("多选题至少要选一个选项")
        chosen = [_key(v, q.keys("options"), "选项") for v in response]
        if len(set(chosen)) != len(chosen):
            raise InvalidResponse("同一个选项选了两次")
        return sorted(chosen)
    if q.qtype == "判断":
        if not isinstance(response, bool):
            raise InvalidResponse("判断题只能回答 对 或 错")
        return response
    if q.qtype == "排序":
        steps = q.keys("steps")
        if not isinstance(response, (list, tuple)) or sorted(
                _key(v, steps, "步骤") for v in response) != sorted(steps):
            raise InvalidResponse(f"排序题要把全部 {len(steps)} 个步骤各排一次")
        return list(response)
    if q.qtype == "匹配":
        items, cats = q.keys("items"), q.keys("categories")
        if not isinstance(response, dict) or sorted(response) != sorted(items):
            raise InvalidResponse(f"匹配题要为全部 {len(items)} 个项目各选一个类别")
        return {_key(k, items, "项目"): _key(v, cats, "类别") for k, v in response.items()}
    raise InvalidResponse(f"未知题型 {q.qtype!r}")


def grade(q: QuestionPayload, response: Any, exam: bool = False) -> Grade:
    """Grade a response (checked first) against the version of the question it was given on."""
    response = check_response(q, response)
    if q.qtype == "单选":
        return Grade(1.0 if response == q.answer else 0.0, {"chosen": [response], "wrong": [] if response == q.answer else [response], "missed": []})
    if q.qtype == "多选":
        right = set(q.answer)
        wrong = [c for c in response if c not in right]
        hit = [c for c in response if c in right]
        if wrong:
            score = 0.0
        elif exam:
            score = 1.0 if len(hit) == len(right) else 0.0
        else:
            score = len(hit) / len(right)
        return Grade(score, {"chosen": response, "wrong": wrong, "missed": sorted(right - set(hit))})
    if q.qtype == "判断":
        return Grade(1.0 if response is q.answer else 0.0, {"chosen": response})
    if q.qtype == "排序":
        place = {k: i for i, k in enumerate(q.answer)}
        pairs = [place[response[i + 1]] == place[response[i]] + 1 for i in range(len(response) - 1)]
        return Grade(sum(pairs) / len(pairs), {"order": response, "pairs_right": pairs, "place": place})
    right = {item: response[item] == cat for item, cat in q.answer.items()}
    return Grade(sum(right.values()) / len(right), {"given": response, "right": right})
