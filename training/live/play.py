"""The phones' side of 课堂互动: join with a code and a nickname, poll the state, answer.

No account is needed. A phone is known by a token it keeps (localStorage and a cookie); the state and
answer calls carry it in the X-Player-Token header, so a page on another site cannot act for the phone
(which is why those two calls need no CSRF token). Most polls and answers never reach these views: the
fast lane in shortcut.py answers them first; the views answer the rest and say what is wrong.
"""
from __future__ import annotations

from typing import Any

from flask import current_app, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from ..access import public
from ..extensions import csrf, db, limiter
from ..grading.live import BadNickname, chosen_keys, clean_code, clean_nickname
from ..models import LivePlayer, Response
from ..models.base import utcnow
from ..numbers import parse_int
from . import bp
from .service import LiveError, answer as store_answer, join, open_session_by_code, token_hash
from .state import cache, my_part, phone_body

TOKEN_HEADER = "X-Player-Token"
COOKIE_DAYS = 2


def cookie_name(session_id: int) -> str:
    return f"live_{session_id}"


def failed_join(response) -> bool:
    """Only wrong or ended codes count against an address (guessing codes), not joins that worked."""
    return response.status_code in (404, 410)


def render_join(status: int = 200, code: str = "", nickname: str = "", errors: dict[str, str] | None = None):
    return render_template("live/join.html", code=code, nickname=nickname, errors=errors or {}), status


@bp.route("/play/")
@public
def join_page():
    """Enter the 6-digit code and a nickname."""
    return render_join(code=clean_code(request.args.get("code")) or "")


@bp.route("/play/<code>")
@public
def phone(code: str):
    """The phone's page for a session: the game if this phone has joined it, else the join form."""
    cleaned = clean_code(code)
    if cleaned is None:
        return render_join(404, errors={"code": "课堂码是 6 位数字。"})
    try:
        live = open_session_by_code(db.session, cleaned)
    except LiveError as exc:
        return render_join(exc.status, code=cleaned, errors={"code": exc.message})
    token = request.cookies.get(cookie_name(live.id), "")
    player = db.session.execute(select(LivePlayer).where(LivePlayer.token_hash == token_hash(token),
                                                         LivePlayer.session_id == live.id)).scalar() if token else None
    if player is not None and player.removed_at is not None:
        player, token = None, ""
    return render_template("live/play.html", live=live, player=player, token=token if player else "",
                           state_url=url_for("live.state", session_id=live.id),
                           answer_url=url_for("live.submit", session_id=live.id),
                           interval_ms=current_app.config["LIVE_POLL_MS"])


@bp.route("/play/join", methods=["POST"])
@public
@limiter.limit(lambda: current_app.config["LIVE_JOIN_FAIL_LIMIT"], methods=["POST"],
               deduct_when=failed_join)
def join_post():
    """Join (or rejoin as the same player) and go to the game page with the token set."""
    code_raw, nick_raw = request.form.get("code", ""), request.form.get("nickname", "")
    code = clean_code(code_raw)
    if code is None:
        return render_join(400, code_raw[:12], nick_raw[:40], {"code": "请输入老师屏幕上的 6 位数字课堂码。"})
    try:
        live = open_session_by_code(db.session, code)
    except LiveError as exc:
        return render_join(exc.status, code, nick_raw[:40], {"code": exc.message})
    token = request.form.get("token", "") or request.cookies.get(cookie_name(live.id), "")
    rejoining = token and db.session.execute(select(LivePlayer.id).where(
        LivePlayer.token_hash == token_hash(token), LivePlayer.session_id == live.id)).scalar()
    try:
        nickname = "" if rejoining else clean_nickname(nick_raw)
    except BadNickname as exc:
        return render_join(400, code, nick_raw[:40], {"nickname": str(exc)})
    user_id = current_user.id if current_user.is_authenticated else None
    try:
        joined = join(db.session, live, nickname, user_id, token or None)
    except LiveError as exc:
        field = "nickname" if exc.reason == "nickname" else "code"
        return render_join(exc.status, code, nick_raw[:40], {field: exc.message})
    db.session.commit()
    cache().forget(live.id)  # an account's new token bumped the version: this worker reads it at once
    response = redirect(url_for("live.phone", code=live.code))
    response.set_cookie(cookie_name(live.id), joined.token, max_age=COOKIE_DAYS * 86400, httponly=True,
                        samesite="Lax", secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
                        path="/play/")
    return response


def error(status: int, message: str, reason: str):
    response = jsonify(error=reason, message=message, status=status)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


def authenticate(session_id: int):
    """(snapshot, player tuple) for the phone's token, or an error response to return."""
    ttl = current_app.config["LIVE_VERSION_TTL"]
    store = cache()
    snap = store.snapshot(db.session, session_id, ttl)
    if snap is None:
        return None, error(404, "没有找到这个课堂。", "unknown")
    token = request.headers.get(TOKEN_HEADER, "")
    hashed = token_hash(token) if token else ""
    player = store.players.get(hashed) if hashed else None
    if player is None and hashed:
        row = db.session.execute(select(LivePlayer.id, LivePlayer.session_id, LivePlayer.user_id, LivePlayer.nickname)
                                 .where(LivePlayer.token_hash == hashed)).first()
        if row is not None:
            player = store.players[hashed] = tuple(row)
    if player is None or player[1] != session_id:
        return snap, error(403, "身份凭证无效：请回到加入页面重新输入课堂码加入。", "bad_token")
    if player[0] in snap.removed:
        return snap, error(403, "你已被老师移出这个课堂。", "removed")
    if snap.refuses(player[0], hashed):
        return snap, error(403, "你的账号已在另一台设备上加入这个课堂，这台设备不能再作答。", "moved")
    return snap, player


@bp.route("/play/s/<int:session_id>/state")
@public
@limiter.exempt  # limited per phone below, more cheaply
def state(session_id: int):
    """The room's state for one phone (JSON); 304 while nothing changed (ETag = the state version).

    Phones send no cookies here (the token is in a header), so no session cookie is read either."""
    snap, player = authenticate(session_id)
    if not isinstance(player, tuple):
        return player
    store = cache()
    if not store.may_poll(request.headers[TOKEN_HEADER], *store.poll_limit(current_app.config["LIVE_POLL_LIMIT"])):
        return error(429, "刷新太频繁，请稍等一会儿。", "too_many")
    if request.if_none_match.contains_weak(snap.etag):
        response = current_app.response_class(status=304)
    else:
        now = utcnow()
        answered = None
        if snap.question is not None and snap.opened(now):  # before the question opens nobody has answered it
            stored = db.session.execute(select(Response.answer).where(
                Response.live_player_id == player[0], Response.slot == snap.position)).first()
            answered = chosen_keys(snap.question["qtype"], stored[0]) if stored is not None else None
        body = phone_body(snap, my_part(snap, player[0], player[3], answered), now)
        response = current_app.response_class(body, mimetype="application/json")
    response.set_etag(snap.etag, weak=True)
    response.headers["Cache-Control"] = "no-cache"
    return response


def parse_answer(body: Any, qtype: str | None) -> Any:
    """The answer as the grader wants it: 单选 "b", 多选 ["a", "c"], 判断 True/False."""
    value = body.get("answer") if isinstance(body, dict) else None
    if qtype == "判断" and value in ("true", "false"):
        return value == "true"
    return value


@bp.route("/play/s/<int:session_id>/answer", methods=["POST"])
@public
@csrf.exempt
@limiter.exempt  # limited per phone below, as polls are
def submit(session_id: int):
    """Store this phone's answer to the open question once; a repeat gets the first answer back."""
    snap, player = authenticate(session_id)
    if not isinstance(player, tuple):
        return player
    store = cache()
    if not store.may_poll("answer:" + request.headers[TOKEN_HEADER],
                          *store.poll_limit(current_app.config["LIVE_ANSWER_LIMIT"])):
        return error(429, "提交太频繁，请稍等一会儿再试。", "too_many")
    body = request.get_json(silent=True) if request.is_json else request.form.to_dict()
    slot = parse_int(str(body.get("slot", "")) if isinstance(body, dict) else "", lo=0, hi=10_000)
    if slot is None:
        return error(400, "提交的内容不完整，请刷新页面。", "invalid")
    qtype = snap.question["qtype"] if snap.question and snap.question["slot"] == slot else None
    try:
        done = store_answer(db.session, session_id, (player[0], player[2]), slot, parse_answer(body, qtype),
                             lambda version_id: store.payload(db.session, version_id))
    except LiveError as exc:
        db.session.rollback()
        return error(exc.status, exc.message, exc.reason)
    row = done.row  # read before the commit expires it (no reload query)
    out = {"accepted": True, "first": done.first, "slot": row.slot,
           "answer": chosen_keys("判断" if isinstance(row.answer, bool) else "", row.answer),
           "message": "已提交，等老师公布答案。" if done.first else "你已经答过这道题，以第一次提交为准。"}
    db.session.commit()
    response = jsonify(out)
    response.headers["Cache-Control"] = "no-store"
    return response
