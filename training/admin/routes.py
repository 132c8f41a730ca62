"""Admin views: list users, change a user's role, issue a password-reset link, disable an account."""
from __future__ import annotations

import secrets
from datetime import timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..access import admin_required
from ..errors import user_abort
from ..extensions import db
from ..auth.routes import token_hash
from ..forms import EmptyForm
from ..models import PasswordReset, Role, User
from ..models.base import utcnow
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
    return render_template("admin/users.html", page=page, forms=forms, q=q, plain=EmptyForm())


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


RESET_VALID = timedelta(hours=24)


def posted_user(user_id: int) -> User:
    user = db.get_or_404(User, user_id)
    if not EmptyForm().validate_on_submit():
        user_abort(400, "表单已失效，请刷新账号列表后重试。")
    return user


@bp.route("/users/<int:user_id>/reset", methods=["POST"])
@admin_required
def issue_reset(user_id: int):
    """A one-time link (24 hours) for a user who forgot the password; shown once, only its hash is kept."""
    user = posted_user(user_id)
    if not user.active:
        user_abort(409, "这个账号已停用：先启用它，再生成重设链接。")
    token = secrets.token_urlsafe(32)
    db.session.add(PasswordReset(user_id=user.id, created_by=current_user.id, token_hash=token_hash(token),
                                 expires_at=utcnow() + RESET_VALID))
    db.session.commit()
    link = url_for("auth.reset_password", token=token, _external=True)
    return render_template("admin/reset_link.html", user=user, link=link, hours=24), 201


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@admin_required
def set_active(user_id: int):
    """Disable an account (it can no longer sign in; its history stays) or enable it again."""
    user = posted_user(user_id)
    enable = request.form.get("active") == "1"
    if user.id == current_user.id and not enable:
        flash("不能停用你自己的账号。", "error")
    elif user.active != enable:
        user.active = enable
        if not enable:
            user.rotate_session_token()  # signed out everywhere at once
        db.session.commit()
        flash(f"已{'启用' if enable else '停用'} {user.nickname}（{user.username}）。"
              + ("" if enable else "他的学习记录都保留着，随时可以重新启用。"), "success")
    return redirect(url_for("admin.users", q=request.args.get("q") or None))
