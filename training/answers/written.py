"""Key-point results of written and 答辩 answers: the matcher suggests, the candidate confirms."""
from __future__ import annotations

from ..content.payloads import CasePayload
from ..extensions import db
from ..grading.keypoints import suggest_points, weighted_score
from ..models import KeypointResult, Response
from ..models.base import utcnow
from .reviews import record_point_reviews


def suggest_keypoints(row: Response, case: CasePayload) -> None:
    """One KeypointResult per key point of the answered version, with the matcher's suggestion."""
    existing = {k.point_key for k in row.keypoints}
    for point, s in zip(case.key_points, suggest_points(row.text or "", case.points_as_dicts(),
                                                  f"{case.prompt_html}\n{case.background_html}"), strict=True):
        if point.key not in existing:
            db.session.add(KeypointResult(response=row, user_id=row.user_id, case_id=row.case_id,
                                          version_id=row.version_id, point_key=point.key, weight=point.weight,
                                          suggested=s.covered, found=s.found, negated=s.negated, reason=s.reason,
                                          spans=_spans(s, row.text or "")))


def _spans(s, text: str) -> dict:
    """Where the matcher found the point ({"found", "negated": [[start, end]]}) and, when the answer says one of
    the point's 误区, which one (its sentence), in what words and where
    ({"misconception": {"wording", "said", "span"}})."""
    out: dict = {"found": [list(x) for x in s.spans], "negated": [list(x) for x in s.negated_spans]}
    if s.misconception and s.misconception_span:
        a, b = s.misconception_span
        out["misconception"] = {"wording": s.misconception, "said": text[a:b], "span": [a, b]}
    return out


def confirm_keypoints(row: Response, case: CasePayload, covered: set[str]) -> int:
    """The candidate's verdict on every point; returns the weighted score out of 100. Each verdict is
    also a review of that point's FSRS card (今日复习)."""
    suggest_keypoints(row, case)
    db.session.flush()
    for result in row.keypoints:
        result.confirmed = result.point_key in covered
    score = weighted_score(case.points_as_dicts(), [p.key in covered for p in case.key_points])
    row.score, row.graded_at = score / 100, utcnow()
    if row.points_possible is not None:
        row.points = row.points_possible * row.score
    record_point_reviews(db.session, row, {p.key: p.key in covered for p in case.key_points})
    return score
