"""The instructor's side of 课堂互动: build a session, run it on the projector, read the results."""
from __future__ import annotations

import io
import random

import segno
from flask import Response as HTTPResponse, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, or_, select
from wtforms.fields.choices import SelectChoice

from ..access import instructor_required
from ..classes.queries import teaching
from ..errors import user_abort
from ..extensions import db
from ..forms import EmptyForm, require_csrf
from ..grading.live import FINISHED, GRACE_SECONDS, LIVE_TYPES, LOBBY, MODE_RULES, QUESTION, REVEAL
from ..models import Area, AuthoredDoc, Classroom, DocCoauthor, LivePlayer, LiveSession, Question, Role, Topic
from ..models.base import as_utc, utcnow
from ..numbers import parse_int
from . import bp
from .forms import NewSessionForm
from .results import export_csv, export_xlsx, session_results
from .service import LiveError, advance, answered_count, create_session, remove_player
from .state import build, cache, ms_until

LOBBY_NAMES = 120  # the projector lists this many of the latest nicknames, and counts all


def own_session(session_id: int) -> LiveSession:
    """A session of the current instructor (an admin may open any): 404 if unknown, 403 if another's."""
    live = db.session.get(LiveSession, session_id)
    if live is None:
        user_abort(404, "没有找到这个课堂。")
    if live.owner_id != current_user.id and not current_user.has_role(Role.admin):
        user_abort(403, "这个课堂属于另一位讲师。")
    return live


def my_banks() -> list[AuthoredDoc]:
    """题库 the instructor wrote (or co-writes) in the browser that have been published."""
    stmt = select(AuthoredDoc).where(AuthoredDoc.kind == "bank", AuthoredDoc.published_at.is_not(None),
                                     or_(AuthoredDoc.owner_id == current_user.id, AuthoredDoc.id.in_(
                                         select(DocCoauthor.doc_id).where(DocCoauthor.user_id == current_user.id))))
    return list(db.session.execute(stmt.order_by(AuthoredDoc.updated_at.desc())).scalars())


def my_sessions(limit: int = 30) -> list[LiveSession]:
    return list(db.session.execute(select(LiveSession).where(LiveSession.owner_id == current_user.id)
                                   .order_by(LiveSession.created_at.desc()).limit(limit)).scalars())


def new_form() -> NewSessionForm:
    form = NewSessionForm()
    form.source.choices = [SelectChoice("filter", "按考纲领域、知识点和题型挑选")]
    form.source.choices += [SelectChoice(f"bank-{d.id}", f"我的题库：{d.title}") for d in my_banks()]
    form.source.choices += [SelectChoice(f"session-{s.id}", f"沿用课堂“{s.title}”（{s.code}）的题目")
                            for s in my_sessions()]
    areas = db.session.execute(select(Area).where(Area.retired.is_(False), Area.id.in_(
        select(Question.area_id).where(Question.qtype.in_(LIVE_TYPES)))).order_by(Area.position)).scalars()
    form.area.choices = [SelectChoice("", "全部领域")] + [SelectChoice(a.id, a.title) for a in areas]
    topics = db.session.execute(select(Topic).where(Topic.retired.is_(False)).order_by(Topic.position)).scalars()
    form.topic.choices = [SelectChoice("", "全部知识点")] + [
        SelectChoice(t.id, t.title, render_kw={"data-area": t.area_id}) for t in topics]
    form.klass.choices = [SelectChoice("", "不关联班级")] + [SelectChoice(str(c.id), c.name) for c in my_classes()]
    return form


def my_classes() -> list[Classroom]:
    """Active classes the current user teaches: a session can be run for one of them."""
    return teaching(db.session, current_user.id, active=True)


def chosen_questions(form: NewSessionForm) -> list[str]:
    """The question ids the form picks, in play order (only the choice types are played live)."""
    stmt = select(Question.id).where(Question.retired.is_(False), Question.qtype.in_(LIVE_TYPES))
    source = form.source.data or "filter"
    if source.startswith("bank-"):
        doc = next((d for d in my_banks() if f"bank-{d.id}" == source), None)
        ids = list(doc.published_ids) if doc else []
        stmt = stmt.where(Question.id.in_(ids))
    elif source.startswith("session-"):
        earlier = next((s for s in my_sessions() if f"session-{s.id}" == source), None)
        ids = list(earlier.question_ids) if earlier else []
        found = set(db.session.execute(stmt.where(Question.id.in_(ids))).scalars())
        return [q for q in ids if q in found]  # the earlier session's order
    else:
        if form.area.data:
            stmt = stmt.where(Question.area_id == form.area.data)
        if form.topic.data:
            stmt = stmt.where(Question.topics.any(Topic.id == form.topic.data))
    if form.qtype.data:
        stmt = stmt.where(Question.qtype == form.qtype.data)
    ids = list(db.session.execute(stmt.order_by(Question.position, Question.id)).scalars())
    if form.order.data == "random":
        random.shuffle(ids)
    return ids[: form.count.data]


@bp.route("/live/")
@instructor_required
def index():
    """课堂互动: my sessions, and a form to build a new one."""
    return render_template("live/index.html", form=new_form(), sessions=my_sessions(100), rules=MODE_RULES)


@bp.route("/live/new", methods=["POST"])
@instructor_required
def new():
    """Create a session from the chosen questions and open its lobby on the projector."""
    form = new_form()
    if not form.validate_on_submit():
        return render_template("live/index.html", form=form, sessions=my_sessions(100), rules=MODE_RULES), 400
    ids = chosen_questions(form)
    if not ids:
        form.source.errors = ["没有符合这些条件的单选、多选或判断题，请放宽条件。"]
        return render_template("live/index.html", form=form, sessions=my_sessions(100), rules=MODE_RULES), 400
    live = create_session(db.session, current_user.id, form.title.data.strip(), ids, int(form.seconds.data),
                          form.mode.data, class_id=int(form.klass.data) if form.klass.data else None)
    db.session.commit()
    return redirect(url_for("live.host", session_id=live.id))


def join_url(live: LiveSession) -> str:
    return url_for("live.phone", code=live.code, _external=True)


@bp.route("/live/<int:session_id>")
@instructor_required
def host(session_id: int):
    """The projector view of the session's current phase (the page reloads itself on each change)."""
    live = own_session(session_id)
    snap = build(db.session, live)
    players = db.session.execute(select(LivePlayer).where(LivePlayer.session_id == live.id,
                                                          LivePlayer.removed_at.is_(None))
                                 .order_by(LivePlayer.id.desc()).limit(LOBBY_NAMES)).scalars().all()
    standings = sorted(snap.standings.values(), key=lambda s: (s.rank, s.tally.nickname))
    return render_template("live/host.html", live=live, snap=snap, players=players, standings=standings,
                           join_url=join_url(live), rule=MODE_RULES[live.mode], form=EmptyForm(),
                           grace_ms=int(GRACE_SECONDS * 1000), phases={"lobby": LOBBY, "question": QUESTION,
                                                                        "reveal": REVEAL, "finished": FINISHED})


@bp.route("/live/<int:session_id>/status")
@instructor_required
def status(session_id: int):
    """What the projector polls: the version (a change reloads the page), players and answers so far;
    in the lobby also the latest nicknames. (Polled a few times a second: counted in the database, not
    by reading every player's row.)"""
    live = own_session(session_id)
    in_room = (LivePlayer.session_id == live.id, LivePlayer.removed_at.is_(None))
    out = {"v": live.state_version, "phase": live.phase,
           "players": db.session.execute(select(func.count()).select_from(LivePlayer).where(*in_room)).scalar_one()}
    if live.phase == LOBBY:
        names = db.session.execute(select(LivePlayer.id, LivePlayer.nickname).where(*in_room)
                                   .order_by(LivePlayer.id.desc()).limit(LOBBY_NAMES)).all()
        out["names"] = [{"id": i, "nickname": n} for i, n in names]
    if live.phase == QUESTION:
        now = utcnow()
        out.update(answered=answered_count(db.session, live.id, live.position),
                   opens_in_ms=ms_until(live.opens_at and as_utc(live.opens_at), now),
                   closes_in_ms=ms_until(live.deadline_at and as_utc(live.deadline_at), now))
    response = current_app.make_response(out)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/live/<int:session_id>/control", methods=["POST"])
@instructor_required
def control(session_id: int):
    """start / reveal / next / finish / lock / unlock. The form names the version it was drawn at,
    so a double click or a second projector moves the session once."""
    live = own_session(session_id)
    require_csrf()
    action = request.form.get("action", "")
    if action not in ("start", "reveal", "next", "finish", "lock", "unlock"):
        user_abort(400, "未知的操作。")
    seen = parse_int(request.form.get("version", ""), lo=1)
    if seen is not None and seen != live.state_version:
        return redirect(url_for("live.host", session_id=live.id))  # already moved on: show where it is now
    advance(db.session, live, action, current_app.config["LIVE_LEAD_SECONDS"])
    db.session.commit()
    cache().forget(live.id)
    return redirect(url_for("live.host", session_id=live.id))


@bp.route("/live/<int:session_id>/players/<int:player_id>/remove", methods=["POST"])
@instructor_required
def remove(session_id: int, player_id: int):
    """Take a player out of the room: their phone is told so and cannot rejoin with the same token."""
    live = own_session(session_id)
    require_csrf()
    if remove_player(db.session, live, player_id):
        db.session.commit()
        cache().forget(live.id)
        flash("已移出这位玩家。", "success")
    else:
        flash("这位玩家不在课堂里（可能已被移出）。", "info")
    return redirect(url_for("live.host", session_id=live.id))


@bp.route("/live/<int:session_id>/qr.svg")
@instructor_required
def qr(session_id: int):
    """The join link as a QR code (SVG), for the projector."""
    live = own_session(session_id)
    buffer = io.BytesIO()
    segno.make(join_url(live), error="m").save(buffer, kind="svg", scale=10, border=2, dark="#1b2430",
                                                 xmldecl=False, svgns=True, title="扫码加入课堂")
    return HTTPResponse(buffer.getvalue(), mimetype="image/svg+xml", headers={"Cache-Control": "private, max-age=3600"})


@bp.route("/live/<int:session_id>/results")
@instructor_required
def results(session_id: int):
    """Results per player and per question, with CSV and Excel downloads."""
    live = own_session(session_id)
    try:
        data = session_results(db.session, live)
    except LiveError as exc:
        user_abort(exc.status, exc.message)
    return render_template("live/results.html", live=live, data=data, rule=MODE_RULES[live.mode])


@bp.route("/live/<int:session_id>/results.csv")
@instructor_required
def results_csv(session_id: int):
    """One CSV (UTF-8 with BOM, formula cells defused): ?part=players (default) or ?part=questions."""
    live = own_session(session_id)
    part = "questions" if request.args.get("part") == "questions" else "players"
    body = export_csv(session_results(db.session, live), part)
    name = f"live-{live.code}-{part}.csv"
    return HTTPResponse(body, mimetype="text/csv", headers={"Content-Disposition": f"attachment; filename={name}"})


@bp.route("/live/<int:session_id>/results.xlsx")
@instructor_required
def results_xlsx(session_id: int):
    """An Excel workbook with two sheets: 玩家 and 题目."""
    live = own_session(session_id)
    body = export_xlsx(session_results(db.session, live), live)
    return HTTPResponse(body, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        headers={"Content-Disposition": f"attachment; filename=live-{live.code}.xlsx"})
