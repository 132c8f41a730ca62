"""What the candidate's result pages and the instructor's class pages show of 考官评分.

The 答辩 review and the mock-exam report belong to other blueprints; they call these template
globals, so the examiner's part of those pages is gathered here, in one place.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import url_for
from flask_login import current_user

from ..classes import queries as class_queries
from ..extensions import db
from ..grading.examiner import Comparison, PointMark, compare
from ..models import DEFENSE, EXAM, Classroom, ExamAttempt, Response, Role
from ..models.examiner import Submission
from . import bp, queries


def not_submittable(r: Response) -> str | None:
    """Why this answer cannot be sent for grading (None: it can)."""
    if r.case_id is None or r.context not in (DEFENSE, EXAM):
        return "只有模拟答辩和专业能力（主观题）的回答可以提交给老师评分。"
    if r.legacy or r.version_id is None:
        return "这是题目版本化之前的早期记录，当时的参考要点无法还原，不能提交评分。"
    if r.answered_at is None or (r.context == EXAM and not (r.text or "").strip()):
        return "这道题还没有作答，不能提交评分。"
    if r.score is None:
        return "请先对照参考要点确认并计分，再提交给老师评分。"
    return None


def answer_url(r: Response) -> str:
    """The candidate's own result page for this answer."""
    if r.context == EXAM:
        return url_for("exams.report", attempt_id=r.exam_attempt_id) + f"#item-{r.slot}"
    return url_for("defense.review", session_id=r.defense_session_id, answer_id=r.id) + "#examiner"


def answer_place(r: Response) -> str:
    """Where the answer was given, in words."""
    if r.context == EXAM:
        attempt = db.session.get(ExamAttempt, r.exam_attempt_id)
        return f"模拟考试《{attempt.title if attempt else ''}》第 {r.slot + 1} 题"
    return f"模拟答辩 第 {r.slot + 1} 题"


def marks_of(sub: Submission | None) -> dict[str, PointMark] | None:
    if sub is None or not sub.graded:
        return None
    return {g.point_key: PointMark(g.credited, g.comment) for g in sub.grades}


def comparison(r: Response, sub: Submission | None) -> Comparison:
    """Matcher, candidate and examiner per key point of the version answered."""
    results = {k.point_key: k for k in r.keypoints}
    return compare(r.version.case.points_as_dicts(), {k: v.suggested for k, v in results.items()},
                   {k: v.confirmed for k, v in results.items()}, marks_of(sub))


@dataclass
class Panel:
    """The 考官评分 block under one answer on the candidate's result page."""

    sent: list[tuple[Submission, Comparison]] = field(default_factory=list)
    open_classes: list[Classroom] = field(default_factory=list)  # classes it can still be sent to
    blocked: str | None = None  # why it cannot be sent (only said to members of a class)

    @property
    def shown(self) -> bool:
        return bool(self.sent or self.open_classes or self.blocked)


@bp.app_template_global("examiner_panel")
def examiner_panel(r: Response | None) -> Panel:
    """For the owner of the answer: what was sent where, with the grades, and where it can still go."""
    if r is None or not current_user.is_authenticated or r.user_id != current_user.id or r.id is None:
        return Panel()
    sent = queries.of_response(db.session, r.id)
    panel = Panel(sent=[(s, comparison(r, s)) for s in sent] if r.version_id is not None else [])
    taken = {s.class_id for s in sent}
    classes = [c for _, c in class_queries.joined(db.session, current_user.id) if not c.archived and c.id not in taken]
    if classes:
        panel.blocked = not_submittable(r)
        panel.open_classes = [] if panel.blocked else classes
    return panel


@bp.app_template_global("examiner_pending")
def examiner_pending(class_id: int | None = None) -> int:
    """How many submissions await grading in the current instructor's classes (or one class)."""
    if not current_user.is_authenticated or not current_user.has_role(Role.instructor):
        return 0
    return queries.pending_count(db.session, current_user.id, everyone=current_user.has_role(Role.admin),
                                 class_id=class_id)
