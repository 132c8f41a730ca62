"""Who may see which class: its instructor (and admins) manage it, its members see their own part."""
from __future__ import annotations

from flask_login import current_user

from ..errors import user_abort
from ..extensions import db
from ..models import Assignment, Classroom, Role
from . import queries

OTHER_TEACHER = "这个班级由另一位讲师管理，你不能查看或修改它。"
NOT_MEMBER = "你不在这个班级里。如果讲师给了你邀请码，请先加入班级。"


def get_class(class_id: int) -> Classroom:
    row = db.session.get(Classroom, class_id)
    if row is None:
        user_abort(404, "没有这个班级：链接可能有误，或班级已被删除。")
    return row


def teaches(c: Classroom) -> bool:
    """The class's own instructor, or an admin (who may see every class)."""
    return c.owner_id == current_user.id or current_user.has_role(Role.admin)


def teacher_class(class_id: int) -> Classroom:
    c = get_class(class_id)
    if not teaches(c):
        user_abort(403, OTHER_TEACHER)
    return c


def member_class(class_id: int):
    """(class, membership) for a member of the class; 403 for anyone else."""
    c = get_class(class_id)
    m = queries.membership(db.session, c.id, current_user.id)
    if m is None:
        user_abort(403, NOT_MEMBER)
    return c, m


def writable(c: Classroom) -> None:
    if c.archived:
        user_abort(409, "这个班级已归档：可以查看，但不能再修改。需要修改请先恢复班级。")


def class_assignment(c: Classroom, assignment_id: int) -> Assignment:
    task = db.session.get(Assignment, assignment_id)
    if task is None or task.class_id != c.id:
        user_abort(404, "这个班级里没有这份作业：它可能已被删除。")
    return task
