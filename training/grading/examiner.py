"""考官评分 in plain data: read an examiner's per-point form, score it by the matcher path's rule, and
line the three verdicts up (matcher, candidate, examiner). Pure, no Flask."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Mapping

from .keypoints import weighted_score

POINT_COMMENT_MAX = 200
OVERALL_COMMENT_MAX = 500
COMMENT_PREFIX = "comment-"


class UnknownPoint(ValueError):
    """A key that is not a key point of the version answered (a tampered or stale form)."""


@dataclass(frozen=True)
class PointMark:
    """The examiner's verdict on one key point."""

    credited: bool
    comment: str = ""


@dataclass
class ExaminerForm:
    """What the grading form said: a mark per key point (every point of the version), and the
    problems to show beside the fields (by point key; "" for the overall comment)."""

    marks: dict[str, PointMark]
    comment: str
    errors: dict[str, str] = field(default_factory=dict)


def _clean(text: str | None) -> str:
    return (text or "").replace("\r\n", "\n").strip()


def read_examiner_form(point_keys: Iterable[str], credited: Iterable[str], fields: Mapping[str, str],
                       overall: str | None) -> ExaminerForm:
    """The marks the form gives: a point is credited when its key is among `credited`; its comment is the
    field comment-<key>. Unknown keys raise UnknownPoint; a comment over its limit is an error kept beside
    the field (the text is kept as typed so nothing is lost)."""
    keys = list(point_keys)
    known = set(keys)
    chosen = set(credited)
    stray = sorted(chosen - known) + sorted(k[len(COMMENT_PREFIX):] for k in fields
                                            if k.startswith(COMMENT_PREFIX) and k[len(COMMENT_PREFIX):] not in known)
    if stray:
        raise UnknownPoint(stray[0][:20])
    marks, errors = {}, {}
    for key in keys:
        comment = _clean(fields.get(COMMENT_PREFIX + key))
        if len(comment) > POINT_COMMENT_MAX:
            errors[key] = f"评语最多 {POINT_COMMENT_MAX} 个字，现在是 {len(comment)} 个字。"
        marks[key] = PointMark(key in chosen, comment)
    comment = _clean(overall)
    if len(comment) > OVERALL_COMMENT_MAX:
        errors[""] = f"总评最多 {OVERALL_COMMENT_MAX} 个字，现在是 {len(comment)} 个字。"
    return ExaminerForm(marks, comment, errors)


def examiner_score(key_points: list[dict], marks: Mapping[str, PointMark]) -> int:
    """Out of 100, by the same rule as the candidate's confirmation: the weights of the credited points."""
    return weighted_score(key_points, [bool(marks.get(p["key"]) and marks[p["key"]].credited) for p in key_points])


@dataclass(frozen=True)
class PointRow:
    """One key point with every verdict on it (None: no verdict given)."""

    key: str
    label: str
    weight: int
    matcher: bool | None
    candidate: bool | None
    examiner: bool | None
    comment: str = ""

    @property
    def disagrees(self) -> bool:
        """The examiner judged this point otherwise than the candidate did."""
        return self.examiner is not None and self.candidate is not None and self.examiner != self.candidate


@dataclass(frozen=True)
class Comparison:
    rows: list[PointRow]
    matcher_total: int | None
    candidate_total: int | None  # None until the candidate has confirmed every point
    examiner_total: int | None  # None until graded

    @property
    def disagreements(self) -> int:
        return sum(r.disagrees for r in self.rows)


def compare(key_points: list[dict], suggested: Mapping[str, bool], confirmed: Mapping[str, bool | None],
            marks: Mapping[str, PointMark] | None) -> Comparison:
    """The matcher's suggestions, the candidate's confirmations and the examiner's marks per key point of the
    version answered, each with its total out of 100 (by the same weighted rule)."""
    rows = []
    for p in key_points:
        mark = marks.get(p["key"]) if marks is not None else None
        rows.append(PointRow(p["key"], p["label"], p["weight"], suggested.get(p["key"]), confirmed.get(p["key"]),
                             mark.credited if mark is not None else (False if marks is not None else None),
                             mark.comment if mark is not None else ""))

    def total(verdicts: list[bool | None]) -> int | None:
        if not verdicts or any(v is None for v in verdicts):
            return None
        return weighted_score(key_points, [bool(v) for v in verdicts])

    return Comparison(rows, total([r.matcher for r in rows]), total([r.candidate for r in rows]),
                      total([r.examiner for r in rows]) if marks is not None else None)
