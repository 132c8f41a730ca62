"""Saving and marking exam answers: shared by the autosave, the hand-in and the report views.

Every item of a paper is fixed at the draw with its version, so an answer is checked,
saved and marked against what the candidate was shown, whatever content/ says today.
"""
from __future__ import annotations

from typing import Any

from werkzeug.datastructures import MultiDict

from ..answers.reviews import record_review
from ..answers.store import claim, insert_once, paper_points
from ..answers.written import confirm_keypoints, suggest_keypoints
from ..extensions import db
from ..grading.display import ShownQuestion
from ..grading.objective import InvalidResponse, grade
from ..grading.responses import parse_form
from ..models import EXAM, ExamAttempt, ItemVersion, Response
from ..models.base import as_utc, utcnow

MAX_TEXT = 5000
GRACE_SECONDS = 20  # a save in flight when the clock hits zero still counts


class TooLong(ValueError):
    """A written answer over MAX_TEXT characters."""


def lock(attempt: ExamAttempt) -> None:
    """Hold the attempt's row until commit, then read it afresh: the saves and the hand-in of one
    paper go one at a time, so no answer can change after the paper has been marked."""
    db.session.execute(db.select(ExamAttempt.id).where(ExamAttempt.id == attempt.id).with_for_update())
    db.session.refresh(attempt)


def expired(attempt: ExamAttempt, grace: int = 0) -> bool:
    return (utcnow() - as_utc(attempt.deadline_at)).total_seconds() > grace


def item_fields(form: MultiDict, index: int) -> MultiDict:
    """The fields of item `index` (named i<index>-<field>) with the prefix removed."""
    prefix = f"i{index}-"
    return MultiDict([(k[len(prefix):], v) for k, v in form.items(multi=True) if k.startswith(prefix)])


def versions_of(attempt: ExamAttempt) -> dict[int, ItemVersion]:
    """The drawn version of every item, by version id (one query)."""
    ids = {item.version_id for item in attempt.items}
    return {v.id: v for v in db.session.execute(db.select(ItemVersion).where(ItemVersion.id.in_(ids))).scalars()}


def version_at(attempt: ExamAttempt, index: int) -> ItemVersion:
    """The drawn version of one item (an autosave needs only this one)."""
    return db.session.get(ItemVersion, attempt.items[index].version_id)


def shown_question(attempt: ExamAttempt, index: int, version: ItemVersion) -> ShownQuestion:
    """Options and steps in this candidate's order for this item of this paper."""
    return ShownQuestion.shuffled(version.question, f"exam-{attempt.id}-{index}")


def parse_item(attempt: ExamAttempt, index: int, fields: MultiDict, version: ItemVersion) -> tuple[Any, str | None]:
    """(objective response in keys or None, written text or None); raises InvalidResponse or TooLong."""
    if attempt.items[index].kind == "case":
        text = fields.get("text", "")
        if len(text) > MAX_TEXT:
            raise TooLong(f"第 {index + 1} 题的答案最多 {MAX_TEXT} 个字，现在是 {len(text)} 个字。")
        return None, text
    return parse_form(version.question, fields, fields.getlist), None


def response_at(attempt: ExamAttempt, index: int) -> Response | None:
    return db.session.execute(db.select(Response).where(
        Response.exam_attempt_id == attempt.id, Response.slot == index)).scalar()


def responses_of(attempt: ExamAttempt) -> dict[int, Response]:
    """Every saved answer of the paper, by item index."""
    return {r.slot: r for r in db.session.execute(db.select(Response).where(
        Response.exam_attempt_id == attempt.id)).scalars()}


def store(attempt: ExamAttempt, index: int, response: Any, text: str | None, version: ItemVersion) -> Response:
    """Save the current answer to one item: the first save inserts, later saves overwrite."""
    item = attempt.items[index]
    now = utcnow()
    presented = shown_question(attempt, index, version).presented if item.kind == "question" else None
    row, inserted = insert_once(db.session, Response(
        user_id=attempt.user_id, context=EXAM, exam_attempt_id=attempt.id, slot=index,
        question_id=item.id if item.kind == "question" else None, case_id=item.id if item.kind == "case" else None,
        version_id=item.version_id, answer=response, text=text, presented=presented,
        points_possible=item.points, answered_at=now), lambda: response_at(attempt, index))
    if not inserted:
        row.answer, row.text, row.answered_at = response, text, now
    return row


def save_all(attempt: ExamAttempt, form: MultiDict) -> None:
    """Keep every item the hand-in form carries; an incomplete objective item stays as last saved."""
    versions = versions_of(attempt)
    for index, item in enumerate(attempt.items):
        fields = item_fields(form, index)
        if not fields:
            continue
        try:
            response, text = parse_item(attempt, index, fields, versions[item.version_id])
        except (InvalidResponse, TooLong):
            continue
        store(attempt, index, response, text, versions[item.version_id])


def finalize(attempt: ExamAttempt, auto: bool = False) -> bool:
    """Hand the paper in and mark it: objective items by the exam rules, on the drawn version;
    written ones get the matcher's suggestions (the candidate confirms them on the report).

    Exactly one request does this, however many arrive together: the one whose guarded
    UPDATE of submitted_at succeeds. Returns whether this call handed the paper in.
    """
    now = utcnow()
    submitted = min(now, as_utc(attempt.deadline_at)) if auto else now
    if not claim(db.session, db.update(ExamAttempt).where(
            ExamAttempt.id == attempt.id, ExamAttempt.submitted_at.is_(None)).values(
            submitted_at=submitted, auto_submitted=auto)):
        db.session.refresh(attempt)
        return False
    db.session.refresh(attempt)
    versions = versions_of(attempt)
    rows = responses_of(attempt)
    for index, item in enumerate(attempt.items):
        row = rows.get(index)
        version = versions[item.version_id]
        if row is not None and row.legacy:  # carried over from before versions: keeps the mark it had
            continue
        if item.kind == "question":
            if row is None or row.answer is None:
                continue
            result = grade(version.question, row.answer, exam=True)
            row.score, row.points, row.graded_at = result.score, item.points * result.score, now
            record_review(db.session, row, item.qtype, exam=True)
        elif row is not None and row.text:
            suggest_keypoints(row, version.case)
    total(attempt)
    return True


def confirm_written(attempt: ExamAttempt, index: int, covered: set[str]) -> None:
    version = version_at(attempt, index)
    row = response_at(attempt, index) or store(attempt, index, None, "", version)
    confirm_keypoints(row, version.case, covered)
    total(attempt)


def total(attempt: ExamAttempt) -> None:
    db.session.flush()
    attempt.points = paper_points(db.session, attempt.id)


def pending_written(attempt: ExamAttempt, rows: dict[int, Response]) -> int:
    """Written items whose key points the candidate has not confirmed yet."""
    return sum(1 for i, item in enumerate(attempt.items)
               if item.kind == "case" and (i not in rows or rows[i].score is None))
