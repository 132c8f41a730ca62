"""Saving and marking exam answers: shared by the autosave, the hand-in and the report views."""
from __future__ import annotations

from typing import Any

from werkzeug.datastructures import MultiDict

from ..extensions import db
from ..grading.keypoints import suggest_points, weighted_score
from ..grading.objective import InvalidResponse, grade
from ..models import AnswerEvent, Case, ExamAttempt, ExamResponse, Question
from ..models.base import as_utc, utcnow
from ..practice.responses import parse_response

MAX_TEXT = 5000
GRACE_SECONDS = 20  # a save in flight when the clock hits zero still counts


def expired(attempt: ExamAttempt, grace: int = 0) -> bool:
    return (utcnow() - as_utc(attempt.deadline_at)).total_seconds() > grace


def item_fields(form: MultiDict, index: int) -> MultiDict:
    """The fields of item `index` (named i<index>-<field>) with the prefix removed."""
    prefix = f"i{index}-"
    return MultiDict([(k[len(prefix):], v) for k, v in form.items(multi=True) if k.startswith(prefix)])


def parse_item(attempt: ExamAttempt, index: int, fields: MultiDict) -> tuple[Any, str | None]:
    """(objective response or None, written text or None); raises InvalidResponse."""
    item = attempt.items[index]
    if item["kind"] == "case":
        text = fields.get("text", "")
        if len(text) > MAX_TEXT:
            raise OverflowError(f"第 {index + 1} 题的答案最多 {MAX_TEXT} 个字，现在是 {len(text)} 个字。")
        return None, text
    q = db.session.get(Question, item["id"])
    return parse_response(q.qtype, q.data, fields, fields.getlist), None


def store(attempt: ExamAttempt, index: int, response: Any, text: str | None) -> ExamResponse:
    row = next((r for r in attempt.responses if r.index == index), None)
    if row is None:
        row = ExamResponse(attempt=attempt, index=index)
        db.session.add(row)
    row.response, row.text, row.saved_at = response, text, utcnow()
    return row


def save_all(attempt: ExamAttempt, form: MultiDict) -> None:
    """Keep every item the hand-in form carries; incomplete objective items stay unanswered."""
    for index in range(len(attempt.items)):
        fields = item_fields(form, index)
        if not fields:
            continue
        try:
            response, text = parse_item(attempt, index, fields)
        except InvalidResponse:
            continue
        store(attempt, index, response, text)


def finalize(attempt: ExamAttempt, auto: bool = False) -> None:
    """Hand the paper in: mark objective items by the exam rules, suggest key points for
    written ones (the candidate confirms them on the report). Runs once."""
    if attempt.submitted_at is not None:
        return
    now = utcnow()
    attempt.submitted_at = min(now, as_utc(attempt.deadline_at)) if auto else now
    attempt.auto_submitted = auto
    by_index = {r.index: r for r in attempt.responses}
    for index, item in enumerate(attempt.items):
        row = by_index.get(index)
        if item["kind"] == "question":
            if row is None or row.response is None:
                continue
            q = db.session.get(Question, item["id"])
            result = grade(q.qtype, q.data, q.answer, row.response, exam=True)
            row.score = item["points"] * result.score
            db.session.add(AnswerEvent(user_id=attempt.user_id, question_id=q.id, mode="exam", response=row.response,
                                       score=result.score, correct=result.correct, time_ms=0))
        elif row is not None and row.text:
            case = db.session.get(Case, item["id"])
            row.suggested = [{"covered": s.covered, "found": s.found, "negated": s.negated}
                             for s in suggest_points(row.text, case.key_points)]
    total(attempt)


def confirm_written(attempt: ExamAttempt, index: int, covered: list[bool]) -> None:
    row = next((r for r in attempt.responses if r.index == index), None)
    if row is None:
        row = store(attempt, index, None, "")
    case = db.session.get(Case, attempt.items[index]["id"])
    row.confirmed = covered
    row.score = attempt.items[index]["points"] * weighted_score(case.key_points, covered) / 100
    total(attempt)


def total(attempt: ExamAttempt) -> None:
    attempt.score = round(sum(r.score or 0 for r in attempt.responses), 1)


def pending_written(attempt: ExamAttempt) -> int:
    """Written items whose key points the candidate has not confirmed yet."""
    confirmed = {r.index for r in attempt.responses if r.confirmed is not None}
    return sum(1 for i, item in enumerate(attempt.items) if item["kind"] == "case" and i not in confirmed)
