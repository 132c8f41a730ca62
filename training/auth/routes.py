"""Account views: thin wrappers around the forms and the User model."""
from __future__ import annotations

import hashlib
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user

from ..access import login_required, own_user_row, public
from ..answers.store import claim, insert_once
from ..extensions import db, limiter
from ..forms import EmptyForm
from ..models import PasswordReset, User
from ..models.base import as_utc, utcnow
from . import bp
from .forms import TAKEN_MESSAGE, ChangePasswordForm, LoginForm, ResetPasswordForm, SignupForm
from .throttle import RULE_TEXT as THROTTLE_RULE, delay_after, seconds_left, wait_text


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def count_attempt(user_id: int) -> int:
    """Count a login attempt against the account before the password is checked, in a row lock,
    so parallel guesses cannot slip past the throttle. Returns 0 if the attempt may go ahead,
    else the seconds the account must still wait."""
    now = utcnow()
    failures, locked_until = db.session.execute(
        db.select(User.failed_logins, User.locked_until).where(User.id == user_id).with_for_update()).one()
    wait = seconds_left(as_utc(locked_until) if locked_until else None, now)
    if wait:
        db.session.rollback()
        return wait
    delay = delay_after(failures + 1)  # set before checking: the next guess waits even while this one runs
    # Compare-and-set on the count as well as the row lock: SQLite ignores FOR UPDATE, and of two
    # guesses that read the same count only one may go on (the other is told to wait a moment).
    counted = claim(db.session, db.update(User).where(User.id == user_id, User.failed_logins == failures).values(
        failed_logins=failures + 1, locked_until=now + delay if delay else None))
    db.session.commit()
    return 0 if counted else 1


def failed_login(response) -> bool:
    """The per-address limit counts failed attempts only: a right password behind a busy NAT goes through."""
    return response.status_code != 302


def safe_next(default: str) -> str:
    """Only follow ?next= to a path on this site (no open redirects)."""
    target = request.args.get("next", "")
    parts = urlsplit(target)
    if not target or parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["SIGNUP_RATE_LIMIT"], methods=["POST"])
@public
def signup():
    """Create a candidate account and log it in."""
    if current_user.is_authenticated:
        return redirect(url_for("study.home"))
    form = SignupForm()
    if form.validate_on_submit():
        user = User(username=form.username.data, nickname=form.nickname.data)
        user.set_password(form.password.data)
        user, created = insert_once(db.session, user, lambda: db.session.execute(
            db.select(User).where(User.username == form.username.data)).scalar())
        if not created:  # the same name registered a moment ago (a double click, two tabs): one account only
            db.session.rollback()
            form.username.errors.append(TAKEN_MESSAGE)
            return render_template("auth/signup.html", form=form), 400
        db.session.commit()
        login_user(user)
        flash(f"注册成功，欢迎你，{user.nickname}！", "success")
        return redirect(safe_next(url_for("study.home")))
    return render_template("auth/signup.html", form=form), (400 if form.is_submitted() else 200)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"], deduct_when=failed_login)
@public
def login():
    """Log in with e-mail or phone and password; wrong passwords slow the account down (see throttle.py)."""
    if current_user.is_authenticated:
        return redirect(url_for("study.home"))
    form = LoginForm()
    status = 400 if form.is_submitted() else 200
    if form.validate_on_submit():
        user = db.session.execute(db.select(User).where(User.username == form.username.data)).scalar_one_or_none()
        wait = count_attempt(user.id) if user is not None else 0
        if wait:
            form.password.errors.append(f"这个账号密码错误次数过多，请 {wait_text(wait)}后再试。{THROTTLE_RULE}")
            status = 429
        elif user is None or not user.check_password(form.password.data):
            form.password.errors.append("登录名或密码不正确")
        elif not user.active:
            form.username.errors.append("这个账号已被停用，请联系管理员")
        else:
            user.last_login_at = utcnow()
            user.clear_failed_logins()
            db.session.commit()
            login_user(user, remember=form.remember.data)
            flash(f"欢迎回来，{user.nickname}。", "success")
            return redirect(safe_next(url_for("study.home")))
    response = current_app.make_response((render_template("auth/login.html", form=form), status))
    if status == 429:
        response.headers["Retry-After"] = str(wait)
    return response


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Log out (POST with CSRF, so a link on another site cannot log you out)."""
    form = EmptyForm()
    if form.validate_on_submit():
        own_user_row().rotate_session_token()  # the old session and remember-me cookies stop working
        db.session.commit()
        logout_user()
        flash("你已退出登录（所有设备上的登录都已退出）。", "info")
    return redirect(url_for("study.home"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Change one's own password; every other device is signed out."""
    form = ChangePasswordForm()
    form.personal = (current_user.username, current_user.nickname)
    if form.validate_on_submit():
        wait = count_attempt(current_user.id)  # a borrowed session must not guess the password freely
        if wait:
            form.current.errors.append(f"密码错误次数过多，请 {wait_text(wait)}后再试。")
        elif not current_user.check_password(form.current.data):
            form.current.errors.append("当前密码不正确")
        else:
            user = own_user_row()
            user.set_password(form.password.data)
            user.clear_failed_logins()
            db.session.commit()
            login_user(user)  # this device stays signed in, with the new token
            flash("密码已修改。其他设备上的登录已全部退出。", "success")
            return redirect(url_for("study.home"))
    return render_template("auth/password.html", form=form), (400 if form.is_submitted() else 200)


def usable_reset(token: str) -> PasswordReset | None:
    reset = db.session.execute(db.select(PasswordReset).where(
        PasswordReset.token_hash == token_hash(token))).scalar_one_or_none() if len(token) <= 100 else None
    if reset is None or reset.used_at is not None or as_utc(reset.expires_at) <= utcnow():
        return None
    return reset


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
@public
def reset_password(token: str):
    """Set a new password with the one-time link an admin issued (no e-mail needed)."""
    reset = usable_reset(token)
    if reset is None:
        return render_template("auth/reset.html", form=None), 404
    user = db.session.get(User, reset.user_id)
    form = ResetPasswordForm()
    form.personal = (user.username, user.nickname)
    if form.validate_on_submit():
        if not claim(db.session, db.update(PasswordReset).where(
                PasswordReset.id == reset.id, PasswordReset.used_at.is_(None)).values(used_at=utcnow())):
            db.session.rollback()
            return render_template("auth/reset.html", form=None), 404
        user.set_password(form.password.data)
        user.clear_failed_logins()
        db.session.commit()
        if current_user.is_authenticated:
            logout_user()
        flash("新密码已设置，请用新密码登录。", "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form, user=user), (400 if form.is_submitted() else 200)
