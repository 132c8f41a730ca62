"""Re-grading old answers against a question's current version: an explicit act, never automatic.

When an instructor finds a wrong key, the fix is published as a new version; answers given on
earlier versions keep their grade until someone asks for them to be re-graded. Only answers
that still fit the new version can be (every key they name still exists: Moodle's rule that
a regrade needs a version the question type can validate). Both grades are kept in Regrade.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..grading.objective import InvalidResponse, grade
from ..grading.live import points_for
from ..models import EXAM, LIVE, ExamAttempt, ItemVersion, LiveSession, Question, Regrade, Response
from ..models.base import utcnow
from .store import paper_points


@dataclass
class RegradeReport:
    regraded: Counter = field(default_factory=Counter)  # by context
    changed: int = 0  # of those, how many got a different score
    unfit: int = 0  # answers naming an option, step or item the current version no longer has
    current: int = 0  # already on the current version


def new_points(session: Session, row: Response, score: float, correct: bool) -> float | None:
    """The points the answer earns at its new score: a share of the points possible, except in a live quiz,
    where the session's scoring rule (speed or accuracy) is applied to the time the answer took."""
    if row.context == LIVE and row.live_session_id is not None:
        live = session.get(LiveSession, row.live_session_id)
        return points_for(correct, row.time_ms or 0, live.seconds * 1000, live.mode)
    return None if row.points_possible is None else row.points_possible * score


def regrade_question(session: Session, question: Question, reason: str, dry_run: bool = False) -> RegradeReport:
    report = RegradeReport()
    target: ItemVersion = question.current
    rows = session.execute(select(Response).where(
        Response.question_id == question.id, Response.legacy.is_(False), Response.score.is_not(None))
        .order_by(Response.id)).scalars().all()
    attempts = set()
    now = utcnow()
    for row in rows:
        if row.version_id == target.id:
            report.current += 1
            continue
        try:
            new = grade(target.question, row.answer, exam=row.context in (EXAM, LIVE))
        except InvalidResponse:
            report.unfit += 1
            continue
        report.regraded[row.context] += 1
        report.changed += new.score != row.score
        if dry_run:
            continue
        points = new_points(session, row, new.score, new.correct)
        session.add(Regrade(response_id=row.id, from_version_id=row.version_id, to_version_id=target.id,
                            old_score=row.score, new_score=new.score, old_points=row.points, new_points=points,
                            reason=reason, regraded_at=now))
        row.version_id, row.score, row.points, row.graded_at = target.id, new.score, points, now
        if row.exam_attempt_id is not None:
            attempts.add(row.exam_attempt_id)
    session.flush()
    for attempt_id in attempts:
        attempt = session.get(ExamAttempt, attempt_id)
        attempt.points = paper_points(session, attempt_id)
    return report
