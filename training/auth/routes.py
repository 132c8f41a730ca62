"""Account views: thin wrappers around the forms and the User model."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user

from ..access import login_required, public
from ..answers.store import insert_once
from ..extensions import db, limiter
from ..forms import EmptyForm
from ..models import User
from ..models.base import utcnow
from . import bp
from .forms import TAKEN_MESSAGE, LoginForm, SignupForm


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
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
@public
def login():
    """Log in with e-mail or phone and password."""
    if current_user.is_authenticated:
        return redirect(url_for("study.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = db.session.execute(db.select(User).where(User.username == form.username.data)).scalar_one_or_none()
        if user is None or not user.check_password(form.password.data):
            form.password.errors.append("登录名或密码不正确")
        elif not user.active:
            form.username.errors.append("这个账号已被停用，请联系管理员")
        else:
            user.last_login_at = utcnow()
            db.session.commit()
            login_user(user, remember=form.remember.data)
            flash(f"欢迎回来，{user.nickname}。", "success")
            return redirect(safe_next(url_for("study.home")))
    return render_template("auth/login.html", form=form), (400 if form.is_submitted() else 200)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Log out (POST with CSRF, so a link on another site cannot log you out)."""
    form = EmptyForm()
    if form.validate_on_submit():
        logout_user()
        flash("你已退出登录。", "info")
    return redirect(url_for("study.home"))
