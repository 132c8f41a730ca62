"""Admin views: list users, change a user's role."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..access import admin_required
from ..errors import user_abort
from ..extensions import db
from ..models import Role, User
from ..numbers import parse_int
from ..search import contains_pattern
from . import bp
from .forms import RoleForm

PER_PAGE = 50
MAX_PAGE = 100_000
MAX_QUERY = 120


@bp.route("/users")
@admin_required
def users():
    """All accounts, newest first, filterable by name."""
    q = request.args.get("q", "").strip()[:MAX_QUERY]
    stmt = db.select(User).order_by(User.created_at.desc(), User.id.desc())
    if q:
        stmt = stmt.where(db.or_(db.func.lower(User.username).like(contains_pattern(q.lower()), escape="\\"),
                                 User.nickname.like(contains_pattern(q), escape="\\")))
    page_no = parse_int(request.args.get("page", "1"), lo=1, hi=MAX_PAGE) or 1
    page = db.paginate(stmt, page=page_no, per_page=PER_PAGE, error_out=False)
    forms = {u.id: RoleForm(role=u.role.value, prefix=f"u{u.id}") for u in page.items}
    return render_template("admin/users.html", page=page, forms=forms, q=q)


@bp.route("/users/<int:user_id>/role", methods=["POST"])
@admin_required
def set_role(user_id: int):
    """Make a user a candidate, an instructor or an admin."""
    user = db.get_or_404(User, user_id)
    form = RoleForm(prefix=f"u{user.id}")
    if not form.validate_on_submit():
        user_abort(400, "角色无效：只能选择 考生、讲师 或 管理员。")
    new_role = Role(form.role.data)
    if user.id == current_user.id and new_role != Role.admin:
        flash("不能取消你自己的管理员权限（以免没有人能管理账号）。", "error")
    elif user.role != new_role:
        user.role = new_role
        db.session.commit()
        flash(f"已将 {user.nickname}({user.username})设为{new_role.label}。", "success")
    return redirect(url_for("admin.users", q=request.args.get("q") or None))
