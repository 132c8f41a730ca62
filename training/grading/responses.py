"""Turn submitted form fields into a response in keys, checked against the question. Pure, no Flask.

Shared by practice, the mock exam's autosave and hand-in, and (later) the live classroom.
Field names: 单选/判断 `choice` (an option key / true / false); 多选 `choice` repeated;
排序 `rank-<step key>` = the place 1…n chosen for each step; 匹配 `cat-<item key>` = category key.
"""
from __future__ import annotations

from typing import Any, Callable, Mapping

from ..content.payloads import QuestionPayload
from ..numbers import parse_int
from .objective import InvalidResponse, check_response


def _place(value: str | None) -> int:
    place = parse_int(value, lo=1, hi=999)
    if place is None:
        raise InvalidResponse("请为每个步骤选好位置")
    return place


def parse_form(q: QuestionPayload, form: Mapping[str, str], getlist: Callable[[str], list[str]]) -> Any:
    """The response the fields describe; InvalidResponse (with a Chinese message) if incomplete or invalid."""
    if q.qtype == "单选":
        if not form.get("choice"):
            raise InvalidResponse("请先选择一个选项")
        response: Any = form.get("choice")
    elif q.qtype == "多选":
        response = getlist("choice")
        if not response:
            raise InvalidResponse("请至少选择一个选项")
    elif q.qtype == "判断":
        value = form.get("choice")
        if value not in ("true", "false"):
            raise InvalidResponse("请选择 对 或 错")
        response = value == "true"
    elif q.qtype == "排序":
        steps = q.keys("steps")
        places = {k: _place(form.get(f"rank-{k}")) for k in steps}
        if sorted(places.values()) != list(range(1, len(steps) + 1)):
            raise InvalidResponse("每个位置只能放一个步骤：请检查有没有重复的序号")
        unknown = [k[5:] for k in form if k.startswith("rank-") and k[5:] not in places]
        if unknown:
            raise InvalidResponse(f"步骤“{unknown[0][:20]}”不存在，请刷新页面后重新作答")
        response = sorted(steps, key=lambda k: places[k])
    elif q.qtype == "匹配":
        response = {}
        for item in q.keys("items"):
            value = form.get(f"cat-{item}")
            if not value:
                raise InvalidResponse("请为每一项选择类别")
            response[item] = value
        unknown = [k[4:] for k in form if k.startswith("cat-") and k[4:] not in response]
        if unknown:
            raise InvalidResponse(f"项目“{unknown[0][:20]}”不存在，请刷新页面后重新作答")
    else:
        raise InvalidResponse(f"未知题型 {q.qtype!r}")
    return check_response(q, response)
