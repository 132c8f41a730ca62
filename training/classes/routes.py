"""班级 views: my classes, create a class, join by code or link, the class page, leave, remove, new code, archive."""
from __future__ import annotations

import segno
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy.exc import IntegrityError

from ..access import instructor_required, login_required
from ..answers.store import insert_once
from ..errors import user_abort
from ..extensions import db
from ..forms import EmptyForm, require_csrf
from ..models import Classroom, Membership, Role, User
from ..models.base import display_tz, utcnow
from ..models.classes import new_join_code, normalise_code
from ..progress.stats import day_start, local_today
from . import bp, queries
from .forms import ClassForm, JoinForm
from .guards import get_class, member_class, teacher_class, teaches, writable
from .tasks import assignment_summaries, member_tasks

CODE_TRIES = 8


def class_by_code(code: str) -> Classroom | None:
    return db.session.execute(db.select(Classroom).where(Classroom.join_code == code)).scalar()


def store_with_new_code(c: Classroom) -> None:
    """Give the class a fresh join code, trying again in the (rare) case the code is taken already."""
    for _ in range(CODE_TRIES):
        c.join_code = new_join_code()
        try:
            with db.session.begin_nested():
                db.session.add(c)
                db.session.flush()
            return
        except IntegrityError:
            if class_by_code(c.join_code) is None:  # another constraint failed: a real error
                raise
    user_abort(409, "暂时没能生成新的邀请码，请再试一次。")


def join_url(c: Classroom) -> str:
    return url_for("classes.join_link", token=c.join_code, _external=True)


def qr_svg(url: str) -> Markup:
    """The join link as a QR code, inline SVG (no style attributes, so the CSP lets it be)."""
    svg = segno.make(url, error="m").svg_inline(scale=4, border=2, dark="#1b2430", light="#ffffff",
                                                 title="加入班级的二维码", svgclass="qr", omitsize=True)
    return Markup(svg)


@bp.route("/")
@login_required
def index():
    """My classes: the ones I teach (instructors; every class for admins) and the ones I joined, and the join form."""
    teaching = queries.teaching(db.session, current_user.id, everyone=current_user.has_role(Role.admin)) \
        if current_user.has_role(Role.instructor) else []
    joined = queries.joined(db.session, current_user.id)
    counts = queries.member_counts(db.session, [c.id for c in teaching])
    owners = dict(db.session.execute(db.select(User.id, User.nickname).where(
        User.id.in_({c.owner_id for c in teaching} | {c.owner_id for _, c in joined}))).tuples().all())
    return render_template("classes/index.html", teaching=teaching, joined=joined, counts=counts, owners=owners,
                           form=JoinForm(formdata=None), plain=EmptyForm())


@bp.route("/new", methods=["GET", "POST"])
@instructor_required
def new():
    """Create a class; it gets its join code, link and QR code at once."""
    form = ClassForm()
    if not form.validate_on_submit():
        return render_template("classes/new.html", form=form), 400 if form.is_submitted() else 200
    c = Classroom(name=form.name.data, description=form.description.data or "", owner_id=current_user.id)
    store_with_new_code(c)
    db.session.commit()
    flash(f"班级“{c.name}”已创建。把邀请码或二维码发给学员，他们就能加入。", "success")
    return redirect(url_for("classes.show", class_id=c.id))


def join(c: Classroom):
    """Join (at most once: the unique constraint decides, so a double click or two tabs never fail)."""
    if c.owner_id == current_user.id:
        flash("你是这个班级的讲师，不需要加入。", "info")
        return redirect(url_for("classes.show", class_id=c.id))
    if c.archived:
        user_abort(409, f"班级“{c.name}”已归档，不再接收新成员。请向讲师确认新的班级。")
    tz, now = display_tz(), utcnow()
    _, inserted = insert_once(db.session, Membership(class_id=c.id, user_id=current_user.id, joined_at=now,
                                                     answers_from=day_start(local_today(tz, now), tz)),
                              lambda: queries.membership(db.session, c.id, current_user.id))
    db.session.commit()
    flash(f"已加入班级“{c.name}”。" if inserted else f"你已经在班级“{c.name}”里了。", "success")
    return redirect(url_for("classes.show", class_id=c.id))


@bp.route("/join", methods=["POST"])
@login_required
def join_by_code():
    """Join with a typed code (case, spaces and full-width letters forgiven)."""
    form = JoinForm()
    status = 400
    if form.validate_on_submit():
        c = class_by_code(form.code.data)
        if c is not None:
            return join(c)
        form.code.errors.append("没有使用这个邀请码的班级：请核对后重新输入，或向讲师要新的邀请码（邀请码可能已更换）。")
        status = 404
    joined = queries.joined(db.session, current_user.id)
    return render_template("classes/index.html", teaching=[], joined=joined, counts={}, owners={}, form=form,
                           plain=EmptyForm(), join_only=True), status


@bp.route("/join/<token>", methods=["GET", "POST"])
@login_required
def join_link(token: str):
    """The join link (and QR code): shows the class and asks to confirm; guests log in first and come back."""
    code = normalise_code(token)
    c = class_by_code(code) if code else None
    if c is None:
        user_abort(404, "这个邀请链接无效：邀请码可能已被讲师更换。请向讲师要新的链接或邀请码。")
    if request.method == "POST":
        require_csrf()
        return join(c)
    member = queries.membership(db.session, c.id, current_user.id) is not None
    return render_template("classes/join.html", c=c, member=member, owner=db.session.get(User, c.owner_id),
                           form=EmptyForm())


@bp.route("/<int:class_id>")
@login_required
def show(class_id: int):
    """The class page: for its instructor the code, link, QR code, students and assignments; for a member the
    assignments with their status and a button to start each."""
    c = get_class(class_id)
    if teaches(c):
        people = queries.members(db.session, c.id)
        url = join_url(c)
        return render_template("classes/teach.html", c=c, people=people, url=url, qr=qr_svg(url),
                               tasks=assignment_summaries(c, people), form=EmptyForm())
    c, m = member_class(class_id)
    return render_template("classes/member.html", c=c, m=m, owner=db.session.get(User, c.owner_id),
                           tasks=member_tasks(c, m), form=EmptyForm())


@bp.route("/<int:class_id>/leave", methods=["POST"])
@login_required
def leave(class_id: int):
    """Leave a class: the instructor no longer sees anything of the member. Repeating it changes nothing."""
    c = get_class(class_id)
    require_csrf()
    gone = db.session.execute(db.delete(Membership).where(Membership.class_id == c.id,
                                                          Membership.user_id == current_user.id)).rowcount
    db.session.commit()
    flash(f"已退出班级“{c.name}”。" if gone else f"你不在班级“{c.name}”里。", "success" if gone else "info")
    return redirect(url_for("classes.index"))


@bp.route("/<int:class_id>/students/<int:user_id>/remove", methods=["POST"])
@instructor_required
def remove(class_id: int, user_id: int):
    """Remove a student from the class (they can join again with the code)."""
    c = teacher_class(class_id)
    require_csrf()
    user = db.session.get(User, user_id)
    gone = db.session.execute(db.delete(Membership).where(Membership.class_id == c.id,
                                                          Membership.user_id == user_id)).rowcount
    db.session.commit()
    name = user.nickname if user is not None else "这位学员"
    flash(f"已将{name}移出班级。" if gone else f"{name}已经不在班级里了。", "success" if gone else "info")
    return redirect(url_for("classes.show", class_id=c.id) + "#students")


@bp.route("/<int:class_id>/code", methods=["POST"])
@instructor_required
def new_code(class_id: int):
    """A new join code: the old code and link stop working; members stay."""
    c = teacher_class(class_id)
    require_csrf()
    writable(c)
    store_with_new_code(c)
    db.session.commit()
    flash(f"已生成新的邀请码 {c.join_code}，旧的邀请码和链接不再有效。", "success")
    return redirect(url_for("classes.show", class_id=c.id))


@bp.route("/<int:class_id>/archive", methods=["POST"])
@instructor_required
def archive(class_id: int):
    """Archive a class (on=1) or bring it back (on=0). The form says which, so repeating it changes nothing."""
    c = teacher_class(class_id)
    require_csrf()
    want = request.form.get("on", "1")
    if want not in ("0", "1"):
        user_abort(400, "未知的操作：请从班级页面的按钮提交。")
    if want == "1" and c.archived_at is None:
        c.archived_at = utcnow()
    elif want == "0":
        c.archived_at = None
    db.session.commit()
    flash(f"班级“{c.name}”已归档：学员不能再加入，作业不再出现在学员首页。" if want == "1" else f"班级“{c.name}”已恢复。", "success")
    return redirect(url_for("classes.show", class_id=c.id))
